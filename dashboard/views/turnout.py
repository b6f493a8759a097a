"""投票率: turnout history per election type, the ward against the 23-ward average, the latest
change in words, by age group or district where published; every figure with its source."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard.i18n import t

db, council_id = ui.current()
st.title(t("page.turnout"))
summary = data.load_turnout(db, council_id)
history: pd.DataFrame = summary["history"]
if history.empty:
    st.info(t("turnout.none"))
    st.stop()

for sentence in summary["changes"]:
    st.markdown(f"**{ui.md_escape(sentence)}**")

known = history.dropna(subset=["turnout"])
st.subheader(t("turnout.by_year"), anchor=False)
if known.empty:
    st.info(t("turnout.no_figures"))
else:
    points = known.assign(kind=known["status"].map(lambda s: t(f"turnout.status.{s}")))
    base = alt.Chart(points).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y")),
        y=alt.Y("turnout:Q", title=t("turnout.percent"), scale=alt.Scale(zero=False)),
        color=alt.Color("name:N", title=None, legend=alt.Legend(orient="bottom", columns=1)),
    )
    chart = base.mark_line(point=False) + base.mark_point(filled=True, size=60).encode(
        shape=alt.Shape("kind:N", title=t("turnout.status"), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("name:N"), alt.Tooltip("date:T", format="%Y-%m-%d"), alt.Tooltip("turnout:Q"),
                 alt.Tooltip("kind:N"), alt.Tooltip("source:N")])
    st.altair_chart(chart.properties(height=300), width="stretch")
    missing = history[history["turnout"].isna()]
    if len(missing):
        st.caption(t("turnout.missing", years="、".join(f"{r.year}年 {r.name}" for r in missing.itertuples())))

comparison: pd.DataFrame = summary["comparison"]
if not comparison.empty and comparison["series"].nunique() > 1:
    st.subheader(t("turnout.vs_average"), anchor=False)
    chart = alt.Chart(comparison).mark_line(point=True).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y")),
        y=alt.Y("turnout:Q", title=t("turnout.percent"), scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("election_type:N", title=None),
        tooltip=["series", "election_type", alt.Tooltip("date:T", format="%Y-%m-%d"), "turnout", "source"],
    )
    st.altair_chart(chart.properties(height=280), width="stretch")

groups: pd.DataFrame = summary["groups"]
if not groups.empty:
    st.subheader(t("turnout.groups", date=ui.fmt_date(groups["date"].iloc[0])), anchor=False)
    for kind, part in groups.groupby("kind", sort=False):
        chart = alt.Chart(part).mark_bar().encode(
            x=alt.X("label:N", sort=part.sort_values("ordinal")["label"].tolist(), title=None),
            y=alt.Y("turnout:Q", title=t("turnout.percent")), color=alt.Color("election_type:N", title=None),
            xOffset="election_type:N", tooltip=["election_type", "label", "turnout"])
        st.caption(t(f"turnout.kind.{kind}"))
        st.altair_chart(chart.properties(height=240), width="stretch")

st.subheader(t("turnout.sources"), anchor=False)
for row in summary["sources"].itertuples():
    tag = t(f"turnout.status.{row.status}")
    st.caption(f"{ui.md_escape(tag)}: " + (ui.md_link(row.source, row.source_url) if ui.safe_url(row.source_url)
                                           else ui.md_escape(row.source)))

table = history[["date", "name", "turnout", "electorate", "voters", "seats", "candidates", "status", "source",
                 "source_url"]]
with st.expander(t("turnout.table")):
    st.dataframe(table.assign(date=table["date"].map(ui.fmt_date)), hide_index=True)
st.download_button(t("turnout.download"), lambda: data.export_csv(db, council_id, "elections"),
                   file_name=f"oshigiin-{council_id}-elections.csv", mime="text/csv", icon=":material/download:",
                   on_click="ignore")
