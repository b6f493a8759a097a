"""投票率: turnout history per election type, the ward against the 23-ward average, the latest
change in words, by age group or district where published; every figure with its source.

The sentences are written here, in the UI language, from the same numbers the pipeline's summary uses;
the CSV holds every point the two line charts draw, the 23-ward average included."""

import altair as alt
import pandas as pd
import streamlit as st

from oshigiin.dashboard import data, ui
from oshigiin.dashboard.i18n import label, t
from oshigiin.pipeline.elections import AVERAGE_AREAS, _type_order, display_name


def when(d) -> str:
    d = pd.Timestamp(d)
    return t("turnout.date", y=d.year, m=d.month, d=d.day)


def pct(x: float) -> str:
    return f"{x:.2f}%"


def sentences(summary: dict) -> list[str]:
    """One sentence per election type, the assembly first: the latest turnout, the change from the
    previous election of that type, and the gap to the average area."""
    history: pd.DataFrame = summary["history"]
    comparison: pd.DataFrame = summary["comparison"]
    avg_id, area = summary["average_area"], summary["area_name"]
    averages = {(r["election_type"], pd.Timestamp(r["date"])): r for r in comparison.to_dict("records")
                if r["area_id"] == avg_id}
    out = []
    records = history.to_dict("records")
    for kind in sorted({r["election_type"] for r in records}, key=_type_order):
        same = [r for r in records if r["election_type"] == kind]
        known = [r for r in same if not pd.isna(r["turnout"])]
        if not known:
            continue
        latest = known[-1]
        earlier = [r for r in same if r["date"] < latest["date"]]
        previous = earlier[-1] if earlier else None
        text = t("turnout.sentence", date=when(latest["date"]), name=display_name(area, kind),
                 turnout=pct(latest["turnout"]))
        if previous is None:
            text += t("turnout.first")
        elif pd.isna(previous["turnout"]):
            text += t("turnout.no_previous", year=pd.Timestamp(previous["date"]).year)
        else:
            delta = latest["turnout"] - previous["turnout"]
            step = "same" if round(delta, 2) == 0 else ("up" if delta > 0 else "down")
            text += t(f"turnout.{step}", year=pd.Timestamp(previous["date"]).year, previous=pct(previous["turnout"]),
                      delta=f"{abs(delta):.2f}")
        average = averages.get((kind, pd.Timestamp(latest["date"])))
        if average is not None and not pd.isna(average["turnout"]):
            gap = latest["turnout"] - average["turnout"]
            step = "avg_same" if round(gap, 2) == 0 else ("avg_above" if gap > 0 else "avg_below")
            text += t(f"turnout.{step}", area=average_name(avg_id), average=pct(average["turnout"]),
                      gap=f"{abs(gap):.2f}")
        if any(r is not None and r["status"] == "secondary" for r in (latest, previous, average)):
            text += t("turnout.secondary_note")
        out.append(text)
    return out


def average_name(avg_id: str | None) -> str:
    return label("avgarea", AVERAGE_AREAS.get(avg_id, avg_id or ""))


def chart_csv(history: pd.DataFrame, comparison: pd.DataFrame, council_id: str, avg_id: str | None) -> bytes:
    """Every point of the two charts: the ward's elections and the average area's, one row each, with
    the series name the chart's legend shows and each figure's source."""
    cols = ["series", "area_id", "area_name", "election_type", "date", "turnout", "electorate", "voters", "seats",
            "candidates", "status", "source", "source_url"]
    ward = history.assign(series=history["area_name"], area_id=council_id)
    avg = comparison[comparison["area_id"] == avg_id] if avg_id else comparison.iloc[0:0]
    avg = avg.assign(series=t("turnout.series_average", area=average_name(avg_id)))
    rows = pd.concat([ward.reindex(columns=cols), avg.reindex(columns=cols)], ignore_index=True)
    rows["date"] = rows["date"].map(ui.fmt_date)
    return rows.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")

db, council_id = ui.current()
st.title(t("page.turnout"))
summary = data.load_turnout(db, council_id)
history: pd.DataFrame = summary["history"]
if history.empty:
    st.info(t("turnout.none"))
    st.stop()

for sentence in sentences(summary):
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
        st.caption(t("turnout.missing", years="、".join(t("turnout.year_item", y=r.year, name=r.name)
                                                       for r in missing.itertuples())))

comparison: pd.DataFrame = summary["comparison"]
if not comparison.empty:
    comparison = comparison.assign(series=[
        t("turnout.series_average", area=average_name(a)) if a != council_id else n
        for a, n in zip(comparison["area_id"], comparison["area_name"], strict=True)])
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
st.download_button(t("turnout.download"),
                   chart_csv(history, summary["comparison"], council_id, summary["average_area"]),
                   file_name=f"oshigiin-{council_id}-turnout.csv", mime="text/csv", icon=":material/download:",
                   on_click="ignore", key="turnout-download")
