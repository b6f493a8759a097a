"""マイ推し: the latest questions by the members I follow, newest first, new ones marked.

The follow list lives in a user-state file and in the URL (dashboard/follows.py); with nobody
followed yet, the page helps pick members.
"""

import pandas as pd
import streamlit as st

from dashboard import data, follows, ui
from dashboard.i18n import t

db, council_id = ui.current()
st.title(t("page.home"))
st.write(t("app.tagline"))

ids = follows.followed()
names = data.load_people_names(db, tuple(ids))
since = follows.previous_visit()

if not names:
    st.info(t("home.empty_follows"))
    query = st.text_input(t("members.query"), key="home-find", placeholder="髙橋 / たかはし / タカハシ",
                          help=t("members.query_help"))
    found = data.load_members(db, council_id, (), query)
    for m in found.head(8).to_dict("records"):
        with st.container(horizontal=True, vertical_alignment="center", key=f"pick-{m['person_id']}"):
            if st.button(t("follow.follow"), icon=":material/star_outline:", key=f"follow-{m['person_id']}"):
                follows.follow(m["person_id"])
                st.rerun()
            st.page_link("views/member.py", label=ui.md_escape(m["name"]), query_params={"member": m["person_id"]})
            st.caption(ui.md_escape(" · ".join(x for x in (m["kana"], m["faction"]) if not ui.is_missing(x))))
    st.page_link("views/members.py", label=t("home.all_members"), icon=":material/groups:")
    st.stop()

with st.container(horizontal=True, key="followed"):
    for pid, name in names.items():
        st.page_link("views/member.py", label=ui.md_escape(name), icon=":material/star:", query_params={"member": pid})
st.caption(t("home.share"))

latest = data.load_latest_questions(db, tuple(names))
if latest.empty:
    st.info(t("home.no_questions"))
else:
    fetched = pd.to_datetime(latest["fetched_at"], utc=True)
    fresh = fetched > pd.Timestamp(since) if since is not None else pd.Series(False, index=latest.index)
    st.subheader(t("home.latest"), anchor=False)
    if since is not None:
        st.caption(t("home.since", n=int(fresh.sum()), when=ui.fmt_time(since)))
    for q, is_new in zip(latest.to_dict("records"), fresh, strict=True):
        ui.question_card(db, q, new=bool(is_new))
