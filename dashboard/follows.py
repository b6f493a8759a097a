"""マイ推し without accounts: the members I follow, kept in two places.

- a small user-state DuckDB file of this installation (`data/user.duckdb`, or $OSHIGIIN_USER_DB),
  never the published database, which the pipeline replaces wholesale and the dashboard only reads;
- the page URL (`?follow=id,id`), so a list can be bookmarked or sent to someone.

A session starts from the URL when it carries a list (a shared link shows exactly that list),
otherwise from the file; every follow or unfollow writes both. The file also keeps when the home
page was last seen, for "new since my last visit".
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import streamlit as st

from pipeline.paths import data_dir

PARAM = "follow"
_KEY = "follows"
_SEEN_KEY = "follows-last-visit"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS follows (person_id VARCHAR PRIMARY KEY, followed_at TIMESTAMPTZ NOT NULL);
CREATE TABLE IF NOT EXISTS visits (page VARCHAR PRIMARY KEY, seen_at TIMESTAMPTZ NOT NULL);
"""


def user_db() -> Path:
    return Path(os.environ.get("OSHIGIIN_USER_DB", data_dir() / "user.duckdb"))


@contextmanager
def _store():
    path = user_db()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(_SCHEMA)
        yield con
    finally:
        con.close()


def _from_url() -> list[str] | None:
    raw = st.query_params.get(PARAM)
    if raw is None:
        return None
    return list(dict.fromkeys(p for p in raw.split(",") if p.strip()))


def _save(ids: list[str]) -> None:
    with _store() as con:
        con.execute("BEGIN")
        con.execute("DELETE FROM follows WHERE person_id NOT IN (SELECT unnest($ids::VARCHAR[]))", {"ids": ids})
        con.execute("INSERT OR IGNORE INTO follows SELECT unnest($ids::VARCHAR[]), now()", {"ids": ids})
        con.execute("COMMIT")


def _sync_url(ids: list[str]) -> None:
    if ids:
        st.query_params[PARAM] = ",".join(ids)
    else:
        st.query_params.pop(PARAM, None)


def followed() -> list[str]:
    """The person_ids followed in this session, in the order they were followed."""
    if _KEY not in st.session_state:
        ids = _from_url()
        if ids is None:
            with _store() as con:
                ids = [r[0] for r in con.execute("SELECT person_id FROM follows ORDER BY followed_at, person_id")
                       .fetchall()]
        else:
            _save(ids)
        st.session_state[_KEY] = ids
    ids = st.session_state[_KEY]
    # Every page keeps the list in its URL, so any page can be bookmarked with it.
    if _from_url() != ids:
        _sync_url(ids)
    return list(ids)


def follow(person_id: str) -> None:
    ids = followed()
    if person_id not in ids:
        ids.append(person_id)
    st.session_state[_KEY] = ids
    _save(ids)
    _sync_url(ids)


def unfollow(person_id: str) -> None:
    ids = [p for p in followed() if p != person_id]
    st.session_state[_KEY] = ids
    _save(ids)
    _sync_url(ids)


def previous_visit(page: str = "home") -> datetime | None:
    """When this page was last seen before this session (kept for the session, so reruns don't
    clear the "new" marks), and records now as the latest visit."""
    if _SEEN_KEY not in st.session_state:
        with _store() as con:
            row = con.execute("SELECT seen_at FROM visits WHERE page = ?", [page]).fetchone()
            con.execute("INSERT OR REPLACE INTO visits VALUES (?, ?)", [page, datetime.now(UTC)])
        st.session_state[_SEEN_KEY] = row[0] if row else None
    return st.session_state[_SEEN_KEY]
