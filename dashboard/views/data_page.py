"""データ: what is in the database per council, how fresh it is, and downloads."""

import streamlit as st

from dashboard import data, ui
from dashboard.i18n import t

db, council_id = ui.current()
overview = data.load_overview(db)
row = overview.set_index("council_id").loc[council_id]

st.title(f"{t('page.data')}: {ui.md_escape(row['name'])}")
if row["fictional"]:
    st.info(t("sidebar.fictional"))

if row["meetings"] == 0:
    st.warning(t("home.empty"))
# A horizontal container keeps the three figures on one line on a phone, where columns stack.
with st.container(horizontal=True):
    for key in ("meetings", "speeches", "members"):
        st.metric(t(f"home.{key}"), f"{int(row[key]):,}")
st.markdown(
    f"**{t('home.period')}**: {ui.fmt_date(row['first_date'])} 〜 {ui.fmt_date(row['last_date'])}  \n"
    f"**{t('home.fetched')}**: {ui.fmt_time(row['last_fetched'])}  \n"
    f"**{t('home.crawled')}**: {ui.fmt_time(row['last_crawled'])}"
)

st.subheader(t("home.all_councils"))
table = overview.assign(
    first_date=overview["first_date"].map(ui.fmt_date),
    last_date=overview["last_date"].map(ui.fmt_date),
    last_fetched=overview["last_fetched"].map(ui.fmt_time),
)[["name", "meetings", "speeches", "members", "first_date", "last_date", "last_fetched"]]
st.dataframe(
    table,
    hide_index=True,
    column_config={
        "name": t("home.col.name"),
        "meetings": t("home.meetings"),
        "speeches": t("home.speeches"),
        "members": t("home.members"),
        "first_date": t("home.col.first"),
        "last_date": t("home.col.last"),
        "last_fetched": t("home.fetched"),
    },
)

st.subheader(t("data.downloads"), anchor=False)
st.caption(t("data.downloads_how"))
with st.container(horizontal=True):
    for name in ("members", "meetings", "questions"):
        st.download_button(
            t(f"data.download.{name}"), lambda name=name: data.export_csv(db, council_id, name),
            file_name=f"oshigiin-{council_id}-{name}.csv", mime="text/csv", icon=":material/download:",
            on_click="ignore", key=f"download-{name}")

feed = ui.feed_link("council", council_id, "data.feeds")
if feed:
    st.caption(feed)
st.caption(t("data.snapshot"))
