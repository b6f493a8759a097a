"""マイ推し without accounts: the members a browser follows, and when it last saw the home page.

Each browser gets a random id (128 bits) in a first-party cookie, written by a few lines of our own
JavaScript on its first visit and read back from the request by `st.context.cookies` when it
returns. The list itself lives on the server, in the small user-state DuckDB file of this
installation (`data/user.duckdb`, or $OSHIGIIN_USER_DB), keyed by that id: never in the published
database, which the pipeline replaces wholesale and the dashboard only reads. Another browser has
another id and sees nothing of this one's list.

A shared link (`/?follow=id,id`) does not replace anyone's list: the home page shows its members
and offers to add them (`shared()`). Ids nobody in the published database has are dropped.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import streamlit as st

from oshigiin.paths import data_dir

PARAM = "follow"
COOKIE = "oshigiin_browser"
COOKIE_DAYS = 400  # the longest lifetime browsers accept for a cookie (RFC 6265bis)
MAX_SHARED = 50  # ids read from a shared link; a longer list is cut, not an error
_ID = re.compile(r"^[0-9a-f]{32}$")
_ID_KEY = "browser-id"
_NEW_KEY = "browser-id-new"
_KEY = "follows"
_SEEN_KEY = "follows-last-visit"
_LOCK = threading.Lock()  # one writer at a time in this process: no write-write conflicts between sessions
_SCHEMA = """
CREATE TABLE IF NOT EXISTS browser_follows (
    browser_id VARCHAR NOT NULL, person_id VARCHAR NOT NULL, followed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (browser_id, person_id));
CREATE TABLE IF NOT EXISTS browser_visits (
    browser_id VARCHAR NOT NULL, page VARCHAR NOT NULL, seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (browser_id, page));
"""


def user_db() -> Path:
    return Path(os.environ.get("OSHIGIIN_USER_DB", data_dir() / "user.duckdb"))


@contextmanager
def _store():
    path = user_db()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        con = duckdb.connect(str(path))
        try:
            con.execute(_SCHEMA)
            yield con
        finally:
            con.close()


def _cookie() -> object:
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no request behind the session (AppTest, bare mode): no cookie
        return None


def browser_id() -> str:
    """This browser's id: from its cookie, or a new random one (written by `remember_browser`)."""
    if _ID_KEY not in st.session_state:
        raw = _cookie()
        known = isinstance(raw, str) and bool(_ID.match(raw))
        st.session_state[_ID_KEY] = raw if known else secrets.token_hex(16)
        st.session_state[_NEW_KEY] = not known
    return st.session_state[_ID_KEY]


def remember_browser() -> None:
    """On every run of a session that arrived without the cookie: set it, so a reload finds the list."""
    ident = browser_id()
    if st.session_state.get(_NEW_KEY):
        # Only our own hex id goes into the script, through json.dumps.
        value = json.dumps(f"{COOKIE}={ident}; Max-Age={COOKIE_DAYS * 86400}; Path=/; SameSite=Lax")
        st.html(f"<script>document.cookie = {value} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
                unsafe_allow_javascript=True)


def followed() -> list[str]:
    """The person_ids this browser follows, in the order they were followed."""
    if _KEY not in st.session_state:
        with _store() as con:
            st.session_state[_KEY] = [r[0] for r in con.execute(
                "SELECT person_id FROM browser_follows WHERE browser_id = ? ORDER BY followed_at, person_id",
                [browser_id()]).fetchall()]
    return list(st.session_state[_KEY])


def follow(*person_ids: str) -> None:
    ids = followed()
    new = [p for p in dict.fromkeys(person_ids) if p not in ids]
    if not new:
        return
    now = datetime.now(UTC)
    with _store() as con:
        con.executemany("INSERT OR IGNORE INTO browser_follows VALUES (?, ?, ?)",
                        [[browser_id(), p, now] for p in new])
    st.session_state[_KEY] = ids + new


def unfollow(person_id: str) -> None:
    with _store() as con:
        con.execute("DELETE FROM browser_follows WHERE browser_id = ? AND person_id = ?", [browser_id(), person_id])
    st.session_state[_KEY] = [p for p in followed() if p != person_id]


def shared_ids() -> list[str]:
    """The ids of a shared link (?follow=a,b), deduplicated, at most MAX_SHARED; not yet checked."""
    raw = st.query_params.get(PARAM) or ""
    ids = [p.strip() for p in raw.split(",") if p.strip() and len(p.strip()) <= 200]
    return list(dict.fromkeys(ids))[:MAX_SHARED]


def share_query(ids: list[str]) -> str:
    """The query string of a link that shares this list."""
    from urllib.parse import urlencode

    return urlencode({PARAM: ",".join(ids)})


def previous_visit(page: str = "home") -> datetime | None:
    """When this browser last saw this page before this session (kept for the session, so reruns don't
    clear the "new" marks), and records now as its latest visit."""
    if _SEEN_KEY not in st.session_state:
        with _store() as con:
            row = con.execute("SELECT seen_at FROM browser_visits WHERE browser_id = ? AND page = ?",
                              [browser_id(), page]).fetchone()
            con.execute("INSERT OR REPLACE INTO browser_visits VALUES (?, ?, ?)",
                        [browser_id(), page, datetime.now(UTC)])
        st.session_state[_SEEN_KEY] = row[0] if row else None
    return st.session_state[_SEEN_KEY]
