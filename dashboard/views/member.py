"""議員ページ (?member=<person_id>): who they are, what they asked and what the answer was,
how often the minutes list them present, and a side-by-side comparison with other members."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, follows, ui
from dashboard.i18n import label, t

db, council_id = ui.current()
person_id = st.query_params.get("member")
person = data.load_person(db, person_id) if person_id else None
if person is None:
    st.title(t("page.member"))
    if person_id:
        st.warning(t("member.not_found", id=ui.md_escape(person_id)))
    st.info(t("member.pick"))
    st.page_link("views/members.py", label=t("page.members"), icon=":material/groups:")
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
links = [ui.md_link(t("member.source"), person["source_url"])] if ui.safe_url(person["source_url"]) else []
feed = ui.feed_link("member", person_id)
if feed:
    links.append(feed)
if links:
    st.caption(" · ".join(links))

history = data.load_faction_history(db, person_id)
if len(history) > 1 or (len(history) == 1 and not ui.is_missing(history["end_date"].iloc[0])):
    st.subheader(t("member.factions"), anchor=False)
    st.dataframe(history.assign(start_date=history["start_date"].map(ui.fmt_date),
                                end_date=history["end_date"].map(ui.fmt_date)),
                 hide_index=True, column_config={"faction": t("members.col.faction"),
                                                 "start_date": t("member.from"), "end_date": t("member.until"),
                                                 "source_url": st.column_config.LinkColumn(t("members.col.source"))})


def topic_chart(frame: pd.DataFrame, column: str | None = None) -> alt.Chart:
    """Questions per session, coloured by topic; sessions in date order."""
    frame = frame.assign(topic=frame["topic"].map(ui.topic_name))
    order = frame.groupby("session")["first_date"].min().sort_values().index.tolist()
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("session:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45, labelLimit=160)),
        y=alt.Y("sum(questions):Q", title=t("member.questions"), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("topic:N", title=t("member.topic"), legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=["session", "topic", "sum(questions)"],
    )
    return chart.properties(height=260)


st.subheader(t("member.over_time"), anchor=False)
by_session = data.load_questions_by_session(db, (person_id,))
if by_session.empty:
    st.info(t("member.no_questions"))
else:
    st.altair_chart(topic_chart(by_session), width="stretch")

questions = data.load_person_questions(db, person_id)
SHOWN = 20
if not questions.empty:
    st.subheader(t("member.latest", n=min(SHOWN, len(questions)), total=len(questions)), anchor=False)
for q in questions.head(SHOWN).to_dict("records"):
    ui.question_card(db, q, show_questioner=False)
if not questions.empty:
    st.download_button(t("member.download"), lambda: data.export_csv(db, council_id, "questions", person=person_id),
                       file_name=f"oshigiin-{council_id}-questions-{len(questions)}.csv", mime="text/csv",
                       icon=":material/download:", on_click="ignore", key="member-download")

st.subheader(t("member.attendance"), anchor=False)
attendance = data.load_attendance(db, person_id)
if attendance.empty:
    st.info(t("member.no_attendance"))
else:
    for row in attendance.to_dict("records"):
        share = row["present"] / row["listed"] if row["listed"] else 0
        st.markdown(t("member.attendance_row", kind=label("mkind", row["kind"]), present=row["present"],
                      listed=row["listed"], absent=row["absent"], share=f"{share:.0%}"))
st.caption(t("member.attendance_how"))

st.subheader(t("member.compare"), anchor=False)
others = data.load_members(db, council_id, former=True)
others = others[others["person_id"] != person_id]
names = dict(zip(others["person_id"], others["name"], strict=True))
chosen = st.multiselect(t("member.compare_with"), list(names), format_func=names.__getitem__, max_selections=2,
                        key=f"compare-{person_id}", placeholder=t("member.compare_pick"))
if chosen:
    ids = (person_id, *chosen)
    everyone = {person_id: person["name"], **names}
    rows = []
    for pid in ids:
        p = data.load_person(db, pid)
        att = data.load_attendance(db, pid)
        plenary = att[att["kind"] == "本会議"]
        top = data.load_person_questions(db, pid)["topics"].map(lambda ts: ts[0] if len(ts) else None)
        rows.append({
            "name": everyone[pid], "faction": p["faction"] or t("no_faction"), "questions": int(p["questions"]),
            "sessions": data.load_questions_by_session(db, (pid,))["session"].nunique(),
            "plenary": (f"{int(plenary['present'].iloc[0])}/{int(plenary['listed'].iloc[0])}"
                        if len(plenary) else "—"),
            "topics": "、".join(ui.topic_name(x) for x in top.value_counts().head(3).index),
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={
        "name": t("members.col.name"), "faction": t("members.col.faction"), "questions": t("member.questions"),
        "sessions": t("member.sessions"), "plenary": t("member.plenary_present"), "topics": t("member.top_topics")})
    chart_data = data.load_questions_by_session(db, ids)
    if not chart_data.empty:
        chart_data = chart_data.assign(member=chart_data["person_id"].map(everyone))
        st.altair_chart(topic_chart(chart_data).encode(row=alt.Row("member:N", title=None)), width="stretch")
