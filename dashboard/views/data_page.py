"""データ: what is in the database per council, how fresh it is, and downloads."""

import streamlit as st

from oshigiin.dashboard import data, ui
from oshigiin.dashboard.i18n import lang, t
from oshigiin.pipeline.sharing import datapackage as dp

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
# Every dataset of the data package (pipeline/sharing/datapackage.py) for this council, speeches included, with the
# package's own description of it and of each column; then the whole snapshot.
rows = data.dataset_rows(db, council_id)
for name, ds in dp.DATASETS.items():
    if name not in rows:
        continue
    title = ds.en if lang() == "en" else ds.ja
    with st.container(border=True, key=f"dataset-{name}"):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{ui.md_escape(t('data.dataset_rows', name=title, rows=f'{rows[name]:,}'))}**")
            st.download_button(
                "CSV", lambda name=name: data.export_csv(db, council_id, name),
                file_name=f"oshigiin-{council_id}-{name}.csv", mime="text/csv", icon=":material/download:",
                on_click="ignore", key=f"download-{name}")
        with st.expander(f"`{name}`"):
            st.dataframe([{"field": f.name, "type": f.type, "description": f.en if lang() == "en" else f.ja}
                          for f in ds.fields], hide_index=True,
                         column_config={"field": t("data.col.field"), "type": t("data.col.type"),
                                        "description": t("data.col.description")})

st.subheader(t("data.snapshot_title"), anchor=False)
st.caption(t("data.snapshot_how", council=ui.md_escape(row["name"])))
st.download_button(t("data.snapshot_button"), lambda: data.snapshot_zip(db), file_name="oshigiin-snapshot.zip",
                   mime="application/zip", icon=":material/folder_zip:", on_click="ignore", key="download-snapshot")
st.caption(t("data.snapshot"))

feed = ui.feed_link("council", council_id, "data.feeds")
if feed:
    ui.feed_caption(feed)
st.caption(t("data.legal"))
