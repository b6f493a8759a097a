"""推し議員 dashboard: `streamlit run dashboard/app.py` from the repository root.

This entry script runs on every page view: it checks the database, draws the sidebar
(language, council) and hands over to the page chosen in the navigation.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run` puts dashboard/ on sys.path, not the repository root that holds the
# dashboard and pipeline packages (until the project is pip-installed).
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import duckdb  # noqa: E402
import streamlit as st  # noqa: E402

from oshigiin.dashboard import data, follows, ui  # noqa: E402
from oshigiin.dashboard.i18n import LANG_KEY, sync_lang, t, toggled  # noqa: E402

st.set_page_config(page_title="推し議員", page_icon=":material/how_to_vote:", layout="centered")

# ?lang=en is the language's single source of truth (a reload or a shared link keeps it); the toggle
# writes it there and shows it.
sync_lang()
st.sidebar.toggle(t("sidebar.english"), key=LANG_KEY, on_change=toggled, help=t("lang.toggle_help"))

# Page scripts live in views/, not pages/: a folder named pages/ beside the entry script
# switches Streamlit to its legacy multipage mode, which runs a page without this script
# (so without the database check and the sidebar), always under AppTest and on a server's
# first run. Registered on every run, so the navigation stays even without a database.
page = st.navigation([
    st.Page("views/home.py", title=t("page.home"), icon=":material/star:", default=True),
    st.Page("views/members.py", title=t("page.members"), icon=":material/groups:"),
    # Reached from a member's name (?member=…), not from the menu.
    st.Page("views/member.py", title=t("page.member"), icon=":material/person:", visibility="hidden"),
    st.Page("views/search.py", title=t("page.search"), icon=":material/search:"),
    st.Page("views/meetings.py", title=t("page.meetings"), icon=":material/event_note:"),
    st.Page("views/bills.py", title=t("page.bills"), icon=":material/gavel:", url_path="bills"),
    st.Page("views/turnout.py", title=t("page.turnout"), icon=":material/how_to_vote:"),
    st.Page("views/data_page.py", title=t("page.data"), icon=":material/database:", url_path="data"),
])

db = data.current_db()
if db is None:
    st.title(t("app.title"))
    st.error(t("db.missing", path=ui.md_escape(data.db_path())))
    st.stop()

try:
    councils = data.load_councils(db)
except duckdb.Error as exc:
    st.title(t("app.title"))
    st.error(t("db.unreadable", path=ui.md_escape(db.path), error=ui.md_escape(exc)))
    st.stop()
if councils.empty:
    st.title(t("app.title"))
    st.warning(t("db.no_councils"))
    st.stop()

names = dict(zip(councils["council_id"], councils["name"], strict=True))
if st.session_state.get(ui.COUNCIL_KEY) not in names:
    st.session_state[ui.COUNCIL_KEY] = ui.initial_council(db, list(names), st.query_params)
council_id = st.sidebar.selectbox(
    t("sidebar.council"), list(names), format_func=names.__getitem__, key=ui.COUNCIL_KEY, **ui.SINGLE
)
if bool(councils.set_index("council_id").at[council_id, "fictional"]):
    st.sidebar.caption(t("sidebar.fictional"))

st.session_state[ui.DB_KEY] = db
follows.remember_browser()  # the cookie that finds this browser's follow list again
ui.close_sidebar_on_phone(page.url_path)
page.run()
