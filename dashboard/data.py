"""Read-only access to the published DuckDB file: the only module of the dashboard with SQL.

Every query function is `st.cache_data` and takes everything it depends on as an argument,
including the `DbFile` (path, inode, mtime): when the pipeline publishes a new file by
renaming it over the old one, the key changes and every cached result is recomputed.
Values always travel as query parameters, never inside the SQL text.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pandas as pd
import streamlit as st

from pipeline import paths
from pipeline.normalize import normalize_name, normalize_text, to_hiragana

_CACHE = {"max_entries": 256, "show_spinner": False}


class DbFile(NamedTuple):
    """One published version of the database file."""

    path: str
    ino: int
    mtime_ns: int


def db_path() -> Path:
    """$OSHIGIIN_DB, else data/oshigiin.duckdb: the same rule the pipeline publishes by."""
    return paths.db_path().absolute()


def current_db(path: str | Path | None = None) -> DbFile | None:
    """The file as it is now, or None when there is none to read."""
    p = Path(path) if path is not None else db_path()
    try:
        info = p.stat()
    except OSError:
        return None
    return DbFile(str(p), info.st_ino, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def _close(con: duckdb.DuckDBPyConnection) -> None:
    con.close()


@st.cache_resource(max_entries=2, on_release=_close, show_spinner=False)
def _connect(path: str, ino: int, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    # ino and mtime_ns only key the cache. The file is ATTACHed read-only into a private
    # in-memory instance instead of duckdb.connect(path, read_only=True): DuckDB keeps one
    # instance per path per process, so connecting again while the old connection lives
    # would hand back the *old* file's data after a publish (duckdb/duckdb#15912).
    con = duckdb.connect(":memory:")
    # ATTACH takes no parameters; the path is ours (env var or default), quoted as a literal.
    literal = "'" + path.replace("'", "''") + "'"
    con.execute(f"ATTACH {literal} AS pub (READ_ONLY)")
    return con


def _query(db: DbFile, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    # A cursor per query: Streamlit serves sessions from several threads, and a DuckDB
    # connection must not be shared between threads. USE is per cursor.
    with _connect(*db).cursor() as cur:
        cur.execute("USE pub")
        return cur.execute(sql, params or {}).df()


@st.cache_data(**_CACHE)
def load_councils(db: DbFile) -> pd.DataFrame:
    return _query(db, """
        SELECT council_id, name, prefecture, platform, fictional
        FROM councils ORDER BY council_id
    """)


@st.cache_data(**_CACHE)
def load_overview(db: DbFile) -> pd.DataFrame:
    """Per council: how much there is, the period it covers, and how fresh it is (UTC)."""
    return _query(db, """
        SELECT c.council_id, c.name, c.fictional,
               (SELECT count(*) FROM meetings m WHERE m.council_id = c.council_id) AS meetings,
               (SELECT count(*) FROM speeches s WHERE s.council_id = c.council_id) AS speeches,
               (SELECT count(*) FROM people p WHERE p.council_id = c.council_id) AS members,
               (SELECT min(date) FROM meetings m WHERE m.council_id = c.council_id) AS first_date,
               (SELECT max(date) FROM meetings m WHERE m.council_id = c.council_id) AS last_date,
               -- As naive UTC: pandas' conversion of TIMESTAMPTZ warns under pandas 3.1.
               timezone('UTC', greatest(
                   (SELECT max(fetched_at) FROM meetings m WHERE m.council_id = c.council_id),
                   (SELECT max(fetched_at) FROM speeches s WHERE s.council_id = c.council_id)
               )) AS last_fetched,
               timezone('UTC', (SELECT max(fetched_at) FROM fetch_log f WHERE f.council_id = c.council_id))
                   AS last_crawled
        FROM councils c
        ORDER BY c.council_id
    """)


@st.cache_data(**_CACHE)
def load_factions(db: DbFile, council_id: str) -> list[str]:
    df = _query(db, """
        SELECT DISTINCT faction FROM members
        WHERE council_id = $council AND faction IS NOT NULL ORDER BY faction
    """, {"council": council_id})
    return df["faction"].tolist()


@st.cache_data(**_CACHE)
def load_members(
    db: DbFile, council_id: str, factions: tuple[str, ...] = (), query: str = "", former: bool = False
) -> pd.DataFrame:
    """Members with their current faction and number of speeches; former members only if asked.

    `query` matches the folded name (髙橋 finds 高橋) or the reading, typed in hiragana or
    katakana; spaces in the query and in the stored reading are ignored.
    """
    name = normalize_name(query)
    return _query(db, """
        SELECT m.person_id, m.seat, m.name, m.kana, m.faction, m.current,
               (SELECT count(*) FROM speeches s WHERE s.person_id = m.person_id) AS speeches,
               m.source_url
        FROM members m
        WHERE m.council_id = $council AND (m.current OR $former)
          AND (len($factions) = 0 OR list_contains($factions, m.faction))
          AND ($name = ''
               OR contains(m.name_norm, $name)
               OR contains(regexp_replace(coalesce(m.kana, ''), '\\s|\u3000', '', 'g'), $kana))
        ORDER BY m.current DESC, m.seat NULLS LAST, m.name_norm
    """, {"council": council_id, "factions": list(factions), "name": name, "kana": to_hiragana(name),
          "former": former})


@st.cache_data(**_CACHE)
def load_meeting_years(db: DbFile, council_id: str) -> list[int]:
    df = _query(db, """
        SELECT DISTINCT year(date) AS y FROM meetings
        WHERE council_id = $council AND date IS NOT NULL ORDER BY y DESC
    """, {"council": council_id})
    return [int(y) for y in df["y"]]


@st.cache_data(**_CACHE)
def load_meetings(
    db: DbFile, council_id: str, kinds: tuple[str, ...] = (), year: int | None = None
) -> pd.DataFrame:
    """Meetings newest first, optionally only some kinds (本会議/委員会/その他) and one year."""
    return _query(db, """
        SELECT m.meeting_id, m.date, m.kind, m.title, m.committee, m.session,
               (SELECT count(*) FROM speeches s WHERE s.meeting_id = m.meeting_id) AS speeches,
               m.source_url
        FROM meetings m
        WHERE m.council_id = $council
          AND (len($kinds) = 0 OR list_contains($kinds, m.kind))
          AND ($year IS NULL OR year(m.date) = $year)
        ORDER BY m.date DESC NULLS LAST, m.meeting_id DESC
    """, {"council": council_id, "kinds": list(kinds), "year": year})


@st.cache_data(**_CACHE)
def load_meeting(db: DbFile, meeting_id: str) -> dict[str, Any] | None:
    df = _query(db, """
        SELECT meeting_id, council_id, date, kind, title, committee, session, number, source_url
        FROM meetings WHERE meeting_id = $id
    """, {"id": meeting_id})
    return df.iloc[0].to_dict() if len(df) else None


@st.cache_data(**_CACHE)
def load_speeches(db: DbFile, meeting_id: str) -> pd.DataFrame:
    """A meeting's speeches in the order they were made."""
    return _query(db, """
        SELECT speech_id, seq, speaker_raw, speaker_name, speaker_role, person_id, kind, text, annotations,
               source_url
        FROM speeches WHERE meeting_id = $id ORDER BY seq
    """, {"id": meeting_id})


def search_terms(query: str) -> list[str]:
    """The normalised words of a query; a speech must contain all of them."""
    return normalize_text(query).split()


@st.cache_data(**_CACHE)
def search_speeches(db: DbFile, council_id: str, query: str, limit: int = 50) -> tuple[int, pd.DataFrame]:
    """(total hits, the newest `limit` hits) for speeches containing every word of `query`."""
    terms = search_terms(query)
    if not terms:
        return 0, pd.DataFrame()
    # text_norm went through the same normalize_text at load time, so a plain substring
    # test is the whole match: no LIKE, so % and _ in a query are just characters.
    hits = _query(db, """
        SELECT s.speech_id, s.meeting_id, m.date, m.title AS meeting_title, m.kind AS meeting_kind,
               s.seq, s.speaker_name, s.speaker_role, s.kind, s.text, s.text_norm, s.source_url,
               count(*) OVER () AS total
        FROM speeches s JOIN meetings m USING (meeting_id)
        WHERE s.council_id = $council
          AND list_bool_and(list_transform($terms::VARCHAR[], lambda t: contains(s.text_norm, t)))
        ORDER BY m.date DESC NULLS LAST, s.meeting_id DESC, s.seq
        LIMIT $limit
    """, {"council": council_id, "terms": terms, "limit": limit})
    total = int(hits["total"].iloc[0]) if len(hits) else 0
    return total, hits.drop(columns="total")
