"""議案 (?bill=<motion_id>): each bill's decisions across committee and plenary, the factions'
stances and the recorded individual votes — three things kept apart (docs/votes.md)."""

import streamlit as st

from oshigiin.dashboard import data, ui
from oshigiin.dashboard.i18n import label, t

db, council_id = ui.current()
wanted = st.query_params.get("bill")
bill = data.load_bill(db, wanted) if wanted and data.has_votes(db) else None

if bill is None:
    st.title(t("page.bills"))
    if wanted:
        st.warning(t("bills.not_found", id=ui.md_escape(wanted)))
    bills = data.load_bills(db, council_id, "") if data.has_votes(db) else None
    if bills is None or bills.empty:
        st.info(t("bills.none"))
        st.stop()
    query = st.text_input(t("bills.query"), key=f"bill-query-{council_id}", placeholder="議案第1号 / 条例")
    shown = data.load_bills(db, council_id, query) if query.strip() else bills
    st.metric(t("bills.count"), f"{len(shown)} / {len(bills)}" if query.strip() else str(len(bills)))
    st.caption(t("bills.pick"))
    picked = st.dataframe(
        shown.assign(date=shown["date"].map(ui.fmt_date),
                     result=shown["result"].map(lambda r: label("result", r) if isinstance(r, str) else ""))[
            ["identifier", "title", "date", "result", "decisions"]],
        hide_index=True, on_select="rerun", selection_mode="single-row", key=f"bills-{council_id}",
        column_config={"identifier": t("bills.col.identifier"), "title": t("bills.col.title"),
                       "date": t("bills.col.date"), "result": t("bills.col.result"),
                       "decisions": t("bills.col.decisions")})
    rows = picked.selection.rows if picked else []
    if rows:
        st.query_params["bill"] = shown["motion_id"].iloc[rows[0]]
        st.rerun()
    st.stop()

motion = bill["motion"]
st.title(ui.md_escape(motion["identifier"]), anchor=False)
if motion["title"] and motion["title"] != motion["identifier"]:
    st.caption(ui.md_escape(motion["title"]))

st.subheader(t("bills.decisions"), anchor=False)
for e in bill["events"].to_dict("records"):
    with st.container(border=True):
        body = t("bills.reported", body=e["body"]) if e["reported"] else (e["body"] or "")
        result = label("result", e["result"])
        st.markdown(f"**{ui.fmt_date(e['date'])} · {ui.md_escape(body)} · {ui.md_escape(result)}**")
        if not ui.is_missing(e["method"]):
            st.caption(t("bills.method", method=label("method", e["method"])))
        if not ui.is_missing(e["yes"]) or not ui.is_missing(e["total"]):
            fmt = {k: "—" if ui.is_missing(e[k]) else int(e[k]) for k in ("yes", "no", "total")}
            st.markdown(t("bills.counts", **fmt))
        elif e["method"] == "簡易採決":
            st.caption(t("bills.simple"))
        if not ui.is_missing(e["grouping"]):
            st.caption(t("bills.group", group=ui.md_escape(e["grouping"])))
        if e["evidence"]:
            st.markdown(f"> {ui.md_escape(e['evidence'])}")
        links = []
        if ui.safe_url(e["source_url"]):
            links.append(ui.md_link(t("bills.evidence"), e["source_url"]))
        if links:
            st.caption(" · ".join(links))
        if not ui.is_missing(e["meeting_id"]):
            ui.page_link("views/meetings.py", label=t("bills.meeting"), icon=":material/article:",
                         query_params={"meeting": e["meeting_id"], **({"speech": e["speech_id"]}
                                                                      if not ui.is_missing(e["speech_id"]) else {})})

st.subheader(t("bills.stances"), anchor=False)
stances = bill["stances"]
if stances.empty:
    st.caption(t("bills.no_stances"))
else:
    st.dataframe(stances.assign(stance=stances["option"].map(lambda o: label("option", o)),
                                date=stances["date"].map(ui.fmt_date),
                                source_url=stances["source_url"].map(ui.safe_url))[
                     ["faction", "stance", "option_raw", "date", "source_url"]],
                 hide_index=True, column_config={
                     "faction": t("votes.col.faction"), "stance": t("votes.col.stance"),
                     "option_raw": t("votes.col.printed"), "date": t("votes.col.date"),
                     "source_url": st.column_config.LinkColumn(t("votes.col.source"))})

votes = bill["votes"]
if not votes.empty:
    st.subheader(t("bills.votes"), anchor=False)
    st.dataframe(votes.assign(vote=votes["option"].map(lambda o: label("option", o)))[
                     ["faction", "voter_name", "vote", "option_raw"]],
                 hide_index=True, column_config={
                     "faction": t("votes.col.faction"), "voter_name": t("bills.col.name"),
                     "vote": t("bills.col.vote"), "option_raw": t("votes.col.printed")})
