"""議員ページ (?member=<person_id>): who they are, what they asked (headlines, counts, charts and short
quotations), how often the minutes list them present, and a side-by-side comparison with others.

A page narrowed to one speaker never compiles that speaker's statements in full: 著作権法40条1項
allows any use of political speeches except collecting one person's. Full texts are read in the
sitting they belong to (会議), which is 40条1項 use; see docs/legal.md.
"""

import altair as alt
import pandas as pd
import streamlit as st

from oshigiin.dashboard import data, follows, ui, video
from oshigiin.dashboard.i18n import label, t
from oshigiin.dashboard.views import member_votes

db, council_id = ui.current()
person_id = st.query_params.get("member")
person = data.load_person(db, person_id) if person_id else None
if person is None:
    st.title(t("page.member"))
    if person_id:
        st.warning(t("member.not_found", id=ui.md_escape(person_id)))
    st.info(t("member.pick"))
    ui.page_link("views/members.py", label=t("page.members"), icon=":material/groups:")
    st.stop()

st.title(ui.md_escape(person["name"]), anchor=False)
facts = [person["kana"], person["faction"] or t("no_faction"),
         t("member.seat", n=int(person["seat"])) if not ui.is_missing(person["seat"]) else None,
         t("members.current") if person["current"] else t("members.former_one")]
st.caption(ui.md_escape(" · ".join(str(f) for f in facts if not ui.is_missing(f))))
if person["kana_source"] == "generated":
    st.caption(t("member.kana_generated"))

following = person_id in follows.followed()
with st.container(horizontal=True):
    if following:
        if st.button(t("follow.unfollow"), icon=":material/star:", key="unfollow"):
            follows.unfollow(person_id)
            st.rerun()
    elif st.button(t("follow.follow"), icon=":material/star_outline:", key="follow", type="primary"):
        follows.follow(person_id)
        st.rerun()
    st.metric(t("member.questions"), f"{int(person['questions']):,}")
    st.metric(t("home.speeches"), f"{int(person['speeches']):,}")
if ui.safe_url(person["source_url"]):
    st.caption(ui.md_link(t("member.source"), person["source_url"]))
feed = ui.feed_link("member", person_id)
if feed:
    ui.feed_caption(feed)

history = data.load_faction_history(db, person_id)
if len(history) > 1 or (len(history) == 1 and not ui.is_missing(history["end_date"].iloc[0])):
    st.subheader(t("member.factions"), anchor=False)
    st.dataframe(history.assign(start_date=history["start_date"].map(ui.fmt_date),
                                end_date=history["end_date"].map(ui.fmt_date)),
                 hide_index=True, column_config={"faction": t("members.col.faction"),
                                                 "start_date": t("member.from"), "end_date": t("member.until"),
                                                 "source_url": st.column_config.LinkColumn(t("members.col.source"))})

def by_session(frame: pd.DataFrame) -> pd.DataFrame:
    """Questions per 会期 and topic, in the UI language, with the sessions in date order."""
    frame = frame.assign(session=[ui.session_label(s, d) for s, d in zip(frame["session"], frame["first_date"],
                                                                          strict=True)],
                         topic=frame["topic"].map(ui.topic_name))
    return frame.groupby([c for c in ("member", "session", "topic") if c in frame], as_index=False).agg(
        questions=("questions", "sum"), first_date=("first_date", "min"))


# Streamlit's default autosize ("fit") makes `height` the whole chart's, axes and legend included, which
# left the bars 0 px on a desktop and a 5 px strip on a phone: fit the width only, the height is the plot's.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def topic_chart(frame: pd.DataFrame, rows: int) -> alt.Chart:
    """Horizontal bars, one per 会期 (oldest at the top), coloured by topic. Labels read across, on a phone
    too, and the chart's height follows the number of sessions: a fixed height left no room for the bars
    once the long labels and the legend had taken theirs (issue 13)."""
    order = frame.groupby("session")["first_date"].min().sort_values().index.tolist()
    topic, session, count = t("member.topic"), t("member.session"), t("member.questions")
    frame = frame.rename(columns={"topic": topic, "session": session, "questions": count})
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{session}:N", sort=order, title=session,
                axis=alt.Axis(labelLimit=180, titleAngle=0, titleAlign="left", titleAnchor="start", titleY=-8,
                              titleX=-4)),
        x=alt.X(f"sum({count}):Q", title=count, axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color(f"{topic}:N", title=topic, legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[f"{session}:N", f"{topic}:N", alt.Tooltip(f"sum({count}):Q", title=count)],
    )
    return chart.properties(height=max(2, rows) * 26, autosize=FIT_WIDTH)


st.subheader(t("member.over_time"), anchor=False)
st.caption(t("member.basis"))
sessions = data.load_questions_by_session(db, (person_id,))
if sessions.empty:
    st.info(t("member.no_questions"))
else:
    frame = by_session(sessions)
    st.altair_chart(topic_chart(frame, frame["session"].nunique()), width="stretch", key="chart-sessions")

questions = data.load_person_questions(db, person_id)
SHOWN = 20
if not questions.empty:
    st.subheader(t("member.latest", n=min(SHOWN, len(questions)), total=len(questions)), anchor=False)
for q in questions.head(SHOWN).to_dict("records"):
    ui.question_card(db, q, show_questioner=False, quote_only=True)
if not questions.empty:
    # The questions dataset holds headlines, items, topics and who answered: facts about the questions, no
    # speech texts (docs/legal.md).
    st.download_button(t("member.download"), lambda: data.export_csv(db, council_id, "questions", person=person_id),
                       file_name=f"oshigiin-{council_id}-questions-{len(questions)}.csv", mime="text/csv",
                       icon=":material/download:", on_click="ignore", key="member-download")

video.member_recordings(db, person_id)  # 録画: dashboard/video.py

st.subheader(t("member.attendance"), anchor=False)
attendance = data.load_attendance(db, person_id)
if attendance.empty:
    st.info(t("member.no_attendance"))
else:
    for row in attendance.to_dict("records"):
        share = row["present"] / row["listed"] if row["listed"] else 0
        st.markdown(t("member.attendance_row", kind=label("mkind", row["kind"]), present=row["present"],
                      listed=row["listed"], absent=row["absent"], share=f"{share:.0%}"))
    kind_col, status_col, count_col = t("meetings.kind"), t("member.attendance"), t("member.att.count")
    bars = pd.DataFrame([
        {kind_col: label("mkind", r["kind"]), status_col: t(f"member.att.{status}"), count_col: n, "order": i}
        for r in attendance.to_dict("records")
        for i, (status, n) in enumerate((("present", r["present"]), ("absent", r["absent"]),
                                         ("other", r["listed"] - r["present"] - r["absent"])))
        if n])
    st.caption(t("member.attendance_chart"))
    st.altair_chart(alt.Chart(bars).mark_bar().encode(
        y=alt.Y(f"{kind_col}:N", title=None),
        x=alt.X(f"sum({count_col}):Q", title=count_col, axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color(f"{status_col}:N", title=None, sort=[t("member.att.present"), t("member.att.absent"),
                                                             t("member.att.other")],
                        scale=alt.Scale(range=["#2e7d32", "#c62828", "#9e9e9e"]),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("order:Q"),
        tooltip=[f"{kind_col}:N", f"{status_col}:N", f"sum({count_col}):Q"],
    ).properties(height=max(1, len(attendance)) * 34, autosize=FIT_WIDTH), width="stretch", key="chart-attendance")
st.caption(t("member.attendance_how"))

member_votes.render(db, person_id)  # 採決での態度 (issue 17): own votes, else the faction's stance, labelled

# -- compare: members found by name or reading (kanji, hiragana, katakana), as on 議員一覧 ----------------
st.subheader(t("member.compare"), anchor=False)
chosen_key = f"compare-{person_id}"
chosen: list[str] = st.session_state.setdefault(chosen_key, [])
everyone = data.load_members(db, council_id, former=True)
names = dict(zip(everyone["person_id"], everyone["name"], strict=True))
find = st.text_input(t("member.compare_find"), key=f"compare-find-{person_id}", live="300ms",
                     placeholder="髙橋 / たかはし / タカハシ", help=t("members.query_help"))
if find.strip():
    found = data.load_members(db, council_id, former=True, query=find)
    found = found[(found["person_id"] != person_id) & ~found["person_id"].isin(chosen)]
    if found.empty:
        st.caption(t("member.compare_none"))
    for m in found.head(6).to_dict("records"):
        with st.container(horizontal=True, vertical_alignment="center", key=f"cmp-pick-{m['person_id']}"):
            if st.button(t("member.compare_add"), key=f"cmp-add-{m['person_id']}", disabled=len(chosen) >= 2,
                         icon=":material/add:"):
                st.session_state[chosen_key] = [*chosen, m["person_id"]]
                st.rerun()
            st.caption(ui.md_escape(" · ".join(x for x in (m["name"], m["kana"], m["faction"])
                                               if not ui.is_missing(x))))
    if len(chosen) >= 2:
        st.caption(t("member.compare_full"))
chosen = [p for p in chosen if p in names]
if chosen:
    with st.container(horizontal=True):
        for pid in chosen:
            if st.button(f"{names[pid]} ✕", key=f"cmp-remove-{pid}", help=t("member.compare_remove")):
                st.session_state[chosen_key] = [p for p in chosen if p != pid]
                st.rerun()
    ids = (person_id, *chosen)
    who = {person_id: person["name"], **names}
    rows = []
    for pid in ids:
        p = data.load_person(db, pid)
        att = data.load_attendance(db, pid)
        plenary = att[att["kind"] == "本会議"]
        top = data.load_person_questions(db, pid)["topics"].map(lambda ts: ts[0] if len(ts) else None)
        sessions_of = data.load_questions_by_session(db, (pid,))
        rows.append({
            "name": who[pid], "faction": p["faction"] or t("no_faction"), "questions": int(p["questions"]),
            "sessions": len({ui.session_label(s, d) for s, d in zip(sessions_of["session"], sessions_of["first_date"],
                                                                   strict=True)}),
            "plenary": (f"{int(plenary['present'].iloc[0])}/{int(plenary['listed'].iloc[0])}"
                        if len(plenary) else "—"),
            "topics": "、".join(ui.topic_name(x) for x in top.value_counts().head(3).index),
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={
        "name": t("members.col.name"), "faction": t("members.col.faction"), "questions": t("member.questions"),
        "sessions": t("member.sessions"), "plenary": t("member.plenary_present"), "topics": t("member.top_topics")})
    chart_data = data.load_questions_by_session(db, ids)
    if not chart_data.empty:
        frame = by_session(chart_data.assign(member=chart_data["person_id"].map(who)))
        member = t("members.col.name")
        frame = frame.rename(columns={"member": member})
        st.altair_chart(topic_chart(frame, frame["session"].nunique()).encode(
            row=alt.Row(f"{member}:N", title=None, sort=[who[p] for p in ids])), width="stretch",
            key="chart-compare")
