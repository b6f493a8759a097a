"""マイ推し: the latest questions by the members this browser follows, newest first, new ones marked.

The list belongs to the browser (dashboard/follows.py). A shared link (?follow=…) shows its members
with 「この人たちをフォロー」, which adds them; it never replaces the list. The name finder stays on
the page, folded away once something is followed. Questions are shown as headlines with a short
quotation (a list narrowed to chosen speakers: docs/legal.md).
"""

import pandas as pd
import streamlit as st

from oshigiin.dashboard import data, follows, ui
from oshigiin.dashboard.i18n import t

db, council_id = ui.current()
st.title(t("page.home"))
st.write(t("app.tagline"))

ids = follows.followed()
names = data.load_people_names(db, tuple(ids))
since = follows.previous_visit()

# -- a shared list: its known members, and the choice to add them ---------------------------------------
wanted = follows.shared_ids()
if wanted:
    shared = data.load_people_names(db, tuple(wanted))  # unknown or junk ids are dropped here
    with st.container(border=True, key="shared-list"):
        st.markdown(f"**{ui.md_escape(t('follow.shared', n=len(shared)))}**")
        with st.container(horizontal=True):
            for pid, name in shared.items():
                ui.page_link("views/member.py", label=ui.md_escape(name), icon=":material/person:",
                             query_params={"member": pid})
        if len(shared) < len(wanted):
            st.caption(t("follow.dropped", n=len(wanted) - len(shared)))
        missing = [p for p in shared if p not in names]
        if shared and not missing:
            st.caption(t("follow.all_followed"))
        elif missing and st.button(t("follow.adopt"), icon=":material/star:", type="primary", key="adopt",
                                   help=t("follow.adopt_help")):
            follows.follow(*missing)
            st.query_params.pop(follows.PARAM, None)
            st.rerun()


def finder() -> None:
    query = st.text_input(t("members.query"), key="home-find", placeholder="髙橋 / たかはし / タカハシ",
                          help=t("members.query_help"), live="300ms")
    found = data.load_members(db, council_id, (), query)
    found = found[~found["person_id"].isin(list(names))]
    for m in found.head(8).to_dict("records"):
        with st.container(horizontal=True, vertical_alignment="center", key=f"pick-{m['person_id']}"):
            if st.button(t("follow.follow"), icon=":material/star_outline:", key=f"follow-{m['person_id']}"):
                follows.follow(m["person_id"])
                st.rerun()
            ui.page_link("views/member.py", label=ui.md_escape(m["name"]), query_params={"member": m["person_id"]})
            st.caption(ui.md_escape(" · ".join(x for x in (m["kana"], m["faction"]) if not ui.is_missing(x))))
    ui.page_link("views/members.py", label=t("home.all_members"), icon=":material/groups:")


if not names:
    st.info(t("home.empty_follows"))
    finder()
    st.stop()

with st.container(horizontal=True, key="followed"):
    for pid, name in names.items():
        ui.page_link("views/member.py", label=ui.md_escape(name), icon=":material/star:", query_params={"member": pid})
with st.expander(t("home.add_more"), icon=":material/person_add:"):
    finder()

with st.expander(t("home.share"), icon=":material/share:"):
    st.caption(t("home.share_link"))
    st.code(f"{ui.app_url()}?{follows.share_query(list(names))}", language=None, wrap_lines=True)

feed = ui.list_feed_link(db, list(names))
if feed:
    ui.feed_caption(feed)
elif st.button(t("feed.list_make"), icon=":material/rss_feed:", key="make-feed"):
    ui.list_feed_link(db, list(names), make=True)
    st.rerun()

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
        ui.question_card(db, q, new=bool(is_new), quote_only=True)
