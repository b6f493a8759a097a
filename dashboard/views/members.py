"""議員一覧: the council's members, filtered by faction and found by name or reading."""

import streamlit as st

from oshigiin.dashboard import data, ui
from oshigiin.dashboard.i18n import t

db, council_id = ui.current()
st.title(t("page.members"))

# Keys carry the council: another council's factions are not valid choices here.
factions = st.multiselect(
    t("members.faction"), data.load_factions(db, council_id), key=f"factions-{council_id}",
    placeholder=t("members.all_factions"), **ui.MULTI,
)
query = st.text_input(
    t("members.query"), key=f"member-query-{council_id}", help=t("members.query_help"),
    placeholder="髙橋 / たかはし / タカハシ", live="300ms",
)

former = st.toggle(t("members.former"), key=f"former-{council_id}", help=t("members.former_help"))

members = data.load_members(db, council_id, tuple(factions), query, former)
total = len(data.load_members(db, council_id, former=former))
shown = f"{len(members)} / {total}" if (factions or query.strip()) else str(total)
st.metric(t("members.count"), shown)

if members.empty:
    st.info(t("members.none"))
else:
    st.caption(t("members.pick_row"))
    picked = st.dataframe(
        members.assign(
            faction=members["faction"].fillna(t("no_faction")),
            kana=members["kana"].fillna(""),
            status=members["current"].map({True: t("members.current"), False: t("members.former_one")}),
            source_url=members["source_url"].map(ui.safe_url),
        )[["seat", "name", "kana", "faction", *(["status"] if former else []), "speeches", "source_url"]],
        hide_index=True,
        column_config={
            "seat": st.column_config.NumberColumn(t("members.col.seat"), width="small"),
            "name": t("members.col.name"),
            "kana": t("members.col.kana"),
            "faction": t("members.col.faction"),
            "status": t("members.col.status"),
            "speeches": st.column_config.NumberColumn(t("members.col.speeches"), width="small"),
            "source_url": st.column_config.LinkColumn(
                t("members.col.source"), display_text=t("members.source_link")
            ),
        },
        on_select="rerun", selection_mode="single-row", key=f"member-table-{council_id}",
    )
    rows = picked.selection.rows if picked else []
    if rows:
        # Cleared first: coming back to the list must not open the same member again.
        del st.session_state[f"member-table-{council_id}"]
        ui.switch_page("views/member.py", query_params={"member": members["person_id"].iloc[rows[0]]})

# The download is the list on the screen: the same members, whatever the filters.
st.download_button(
    t("members.download"),
    lambda: data.export_subset(db, council_id, "members", "person_id", tuple(members["person_id"])),
    file_name=f"oshigiin-{council_id}-members-{len(members)}.csv", mime="text/csv", icon=":material/download:",
    on_click="ignore", key="members-download")
