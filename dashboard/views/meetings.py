"""会議: the council's meetings; one opened (?meeting=) shows its speeches in order.

?speech=<speech_id> marks one speech and shows it first (and only there: the list points up to it), so a
search hit can be shared. ?q=<query>, as the search page links here, says the speech was found by that
search: its words are marked and a link goes back to the results (with the search's other parameters).
"""

import streamlit as st

from oshigiin.dashboard import data, ui, video
from oshigiin.dashboard.i18n import label, t

# The search page's parameters (views/search.py), carried back by 「検索結果に戻る」.
SEARCH_PARAMS = ("q", "member", "faction", "from", "to", "mkind", "topic", "kind", "order")

db, council_id = ui.current()
st.title(t("page.meetings"))

select_key = f"meeting-{council_id}"
if select_key not in st.session_state:
    wanted = st.query_params.get("meeting")
    found = data.load_meeting(db, wanted) if wanted else None
    if wanted and (not found or found["council_id"] != council_id):
        st.warning(t("meetings.not_found", id=ui.md_escape(wanted)))
    st.session_state[select_key] = wanted if found and found["council_id"] == council_id else None


def meeting_label(m: dict) -> str:
    return f"{ui.fmt_date(m['date'])} {label('mkind', m['kind'])} {m['title']}"


# Filters and list fold away while a meeting is open, so a shared link lands on the speeches.
finder = st.expander(t("meetings.list", n=len(data.load_meetings(db, council_id))),
                     expanded=not st.session_state[select_key])
left, right = finder.columns(2)
kinds = left.multiselect(
    t("meetings.kind"), ["本会議", "委員会", "その他"], format_func=lambda k: label("mkind", k),
    key=f"meeting-kinds-{council_id}", placeholder=t("meetings.all_kinds"), **ui.MULTI,
)
year = right.selectbox(
    t("meetings.year"), [None, *data.load_meeting_years(db, council_id)],
    format_func=lambda y: t("meetings.all_years") if y is None else str(y), key=f"meeting-year-{council_id}",
    **ui.SINGLE,
)
meetings = data.load_meetings(db, council_id, tuple(kinds), year)
with finder:
    finder.download_button(
        t("meetings.download"),
        # Exactly the list shown: the year and the kinds chosen.
        lambda: data.export_subset(db, council_id, "meetings", "meeting_id", tuple(meetings["meeting_id"])),
        file_name=f"oshigiin-{council_id}-meetings.csv", mime="text/csv", icon=":material/download:",
        on_click="ignore", key="meetings-download")
    if meetings.empty:
        st.info(t("meetings.none"))
    else:
        table = meetings.assign(
            date=meetings["date"].map(ui.fmt_date),
            kind=meetings["kind"].map(lambda k: label("mkind", k)),
            committee=meetings["committee"].fillna(""),
        )
        st.dataframe(
            table[["date", "kind", "title", "committee", "speeches"]],
            hide_index=True,
            height=min(38 + 35 * len(meetings), 300),
            column_config={
                "date": t("meetings.col.date"),
                "kind": t("meetings.col.kind"),
                "title": t("meetings.col.title"),
                "committee": t("meetings.col.committee"),
                "speeches": st.column_config.NumberColumn(t("meetings.col.speeches"), width="small"),
            },
        )

labels = {m["meeting_id"]: meeting_label(m) for m in meetings.to_dict("records")}
chosen = st.session_state[select_key]
# A shared link or an earlier choice stays selectable even when the filters exclude it.
if chosen and chosen not in labels:
    labels = {chosen: meeting_label(data.load_meeting(db, chosen)), **labels}

chosen = st.selectbox(
    t("meetings.open"), [None, *labels], format_func=lambda m: "—" if m is None else labels[m], key=select_key,
    **ui.SINGLE,
)
if chosen != st.query_params.get("meeting"):
    st.query_params.pop("speech", None)
    if chosen:
        st.query_params["meeting"] = chosen
    else:
        st.query_params.pop("meeting", None)

if chosen:
    meeting = data.load_meeting(db, chosen)
    st.subheader(ui.md_escape(meeting["title"]), anchor=False)
    facts = [ui.fmt_date(meeting["date"]), label("mkind", meeting["kind"]), meeting["committee"]]
    st.caption(ui.md_escape(" · ".join(str(f) for f in facts if not ui.is_missing(f))))
    st.caption(ui.md_link(t("meetings.source"), meeting["source_url"]))
    video.meeting_recordings(db, chosen)  # 録画: dashboard/video.py

    speeches = data.load_speeches(db, chosen).to_dict("records")
    st.caption(t("meetings.speeches", n=len(speeches)))
    if not speeches:
        st.info(t("meetings.no_speeches"))

    questions = data.load_meeting_questions(db, chosen)
    if not questions.empty:
        with st.expander(t("meetings.questions", n=len(questions))):
            for q in questions.to_dict("records"):
                who = q["questioner_name"] if not ui.is_missing(q["questioner_name"]) else q["questioner"]
                ui.page_link("views/meetings.py", label=ui.md_escape(f"{q['ordinal']}. {who} — {q['headline'] or ''}"),
                             query_params={"meeting": chosen, "speech": q["first_speech_id"]})
    marks = {m["speech_id"]: m for m in data.load_question_marks(db, chosen).to_dict("records")}
    # Speaker navigation: read one person's part of a long sitting without scrolling past the rest.
    speakers = list(dict.fromkeys(ui.speaker(s["speaker_role"], s["speaker_name"], s["speaker_raw"])
                                  for s in speeches))
    only = st.multiselect(t("meetings.speakers"), speakers, key=f"speakers-{chosen}",
                          placeholder=t("meetings.all_speakers"), **ui.MULTI)
    if only:
        speeches = [s for s in speeches if ui.speaker(s["speaker_role"], s["speaker_name"], s["speaker_raw"]) in only]
    focus = st.query_params.get("speech")
    query = (st.query_params.get("q") or "").strip()
    terms = ui.search_terms(query)
    focused = [s for s in speeches if s["speech_id"] == focus]
    if query:
        back = {p: st.query_params[p] for p in SEARCH_PARAMS if st.query_params.get(p)}
        ui.page_link("views/search.py", label=t("meetings.back"), icon=":material/arrow_back:", query_params=back)
    if focused:
        heading = t("meetings.found", q=query) if query else t("meetings.focused")
        st.markdown(f"**{ui.md_escape(heading)}**")
        ui.speech_card(focused[0], focused=True, key_prefix="focus", mark=marks.get(focus), terms=terms)
        st.divider()
    elif focus:
        st.warning(t("meetings.focus_missing"))
    for speech in speeches:
        if focused and speech["speech_id"] == focus:
            # Shown once, above; here only where it stands in the sitting.
            with st.container(border=True, key=f"speech-{focus}"):
                st.caption("▲ " + ui.md_escape(t("meetings.shown_above", n=int(speech["seq"]))))
            continue
        ui.speech_card(speech, mark=marks.get(speech["speech_id"]), terms=terms)
