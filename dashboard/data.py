# Over 500 lines: every query the dashboard runs, in one place by design (STYLE.md: no SQL in the views).
"""Read-only access to the published DuckDB file: the only module of the dashboard with SQL.

Every query function is `st.cache_data` and takes everything it depends on as an argument,
including the `DbFile` (path, inode, mtime): when the pipeline publishes a new file by
renaming it over the old one, the key changes and every cached result is recomputed.
Values always travel as query parameters, never inside the SQL text.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pandas as pd
import streamlit as st

from oshigiin import paths
from oshigiin.minutes.normalize import normalize_name, normalize_text, to_hiragana

_CACHE = {"max_entries": 256, "show_spinner": False}
_SEARCH_LOCK = threading.Lock()
# A search is interrupted after SEARCH_BUDGET_S, and waits at most that long for the one before it
# (searches run one at a time): no query holds another visitor's search beyond the budget. The
# instance's memory is capped and spills to a bounded directory under data/ (a runaway join once
# wrote 33 GB of temp files into the working directory).
SEARCH_BUDGET_S = float(os.environ.get("OSHIGIIN_SEARCH_BUDGET", "2"))
MEMORY_LIMIT = os.environ.get("OSHIGIIN_DASHBOARD_MEMORY", "1GB")
MAX_TEMP = os.environ.get("OSHIGIIN_DASHBOARD_MAX_TEMP", "2GB")
QUOTE_CHARS = 120  # a search narrowed to one member quotes at most this much per hit, as its download does
_log = logging.getLogger(__name__)


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
    spill = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    con.close()
    shutil.rmtree(spill, ignore_errors=True)


@st.cache_resource(max_entries=2, on_release=_close, show_spinner=False)
def _connect(path: str, ino: int, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    # ino and mtime_ns only key the cache. The file is ATTACHed read-only into a private
    # in-memory instance instead of duckdb.connect(path, read_only=True): DuckDB keeps one
    # instance per path per process, so connecting again while the old connection lives
    # would hand back the *old* file's data after a publish (duckdb/duckdb#15912).
    # One thread per query: on 2 shared cores the search query set measured p95 25 ms with one
    # against 38-59 ms with two (docs/search.md).
    # Its own spill directory: two instances sharing one could overwrite each other's temp files.
    spill = paths.data_dir().absolute() / "tmp" / f"dashboard-{os.getpid()}-{ino}-{mtime_ns}"
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:", config={"threads": 1, "memory_limit": MEMORY_LIMIT,
                                             "temp_directory": str(spill), "max_temp_directory_size": MAX_TEMP})
    # ATTACH takes no parameters; the path is ours (env var or default), quoted as a literal.
    literal = "'" + path.replace("'", "''") + "'"
    con.execute(f"ATTACH {literal} AS pub (READ_ONLY)")
    return con


@contextmanager
def _cursor(db: DbFile) -> Iterator[duckdb.DuckDBPyConnection]:
    # A cursor per query: Streamlit serves sessions from several threads, and a DuckDB
    # connection must not be shared between threads. USE is per cursor.
    with _connect(*db).cursor() as cur:
        cur.execute("USE pub")
        yield cur


def _query(db: DbFile, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    try:
        with _cursor(db) as cur:
            return cur.execute(sql, params or {}).df()
    except duckdb.FatalException:
        # DuckDB invalidates a connection after an internal error: drop it, so the next query
        # reopens the file instead of every page failing until the next publish.
        _connect.clear()
        raise


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


# -- members: profile, questions, attendance --------------------------------------------------------
@st.cache_data(**_CACHE)
def load_person(db: DbFile, person_id: str) -> dict[str, Any] | None:
    df = _query(db, """
        SELECT m.person_id, m.council_id, m.name, m.kana, m.kana_source, m.seat, m.faction, m.current,
               m.source_url, (SELECT count(*) FROM speeches s WHERE s.person_id = m.person_id) AS speeches,
               (SELECT count(*) FROM questions q WHERE q.person_id = m.person_id) AS questions,
               (SELECT min(mt.date) FROM attendance a JOIN meetings mt USING (meeting_id)
                WHERE a.person_id = m.person_id) AS first_listed,
               (SELECT max(mt.date) FROM attendance a JOIN meetings mt USING (meeting_id)
                WHERE a.person_id = m.person_id) AS last_listed
        FROM members m WHERE m.person_id = $id
    """, {"id": person_id})
    return df.iloc[0].to_dict() if len(df) else None


@st.cache_data(**_CACHE)
def load_people_names(db: DbFile, person_ids: tuple[str, ...]) -> dict[str, str]:
    df = _query(db, "SELECT person_id, name FROM people WHERE list_contains($ids, person_id)",
                {"ids": list(person_ids)})
    return dict(zip(df["person_id"], df["name"], strict=True))


@st.cache_data(**_CACHE)
def load_faction_history(db: DbFile, person_id: str) -> pd.DataFrame:
    """Factions the member belonged to, as the roster pages recorded them."""
    return _query(db, """
        SELECT o.name AS faction, ms.start_date, ms.end_date, ms.source_url
        FROM memberships ms JOIN organizations o USING (organization_id)
        WHERE ms.person_id = $id AND o.classification = 'faction'
        ORDER BY ms.end_date IS NULL, ms.end_date, ms.start_date
    """, {"id": person_id})


_QUESTIONS = """
    SELECT q.question_id, q.meeting_id, q.ordinal, q.person_id, p.name AS questioner_name, q.questioner, q.form,
           q.style, q.headline, q.items, q.answerers, q.first_seq, q.last_seq, mt.date, mt.title AS meeting_title,
           mt.kind AS meeting_kind, mt.session, mt.committee, mt.source_url AS meeting_url, q.source_url,
           timezone('UTC', q.fetched_at) AS fetched_at,
           coalesce((SELECT list(t.topic ORDER BY t.score DESC) FROM question_topics t
                     WHERE t.question_id = q.question_id), []) AS topics,
           (SELECT min_by(qs.speech_id, qs.seq) FROM question_speeches qs
            WHERE qs.question_id = q.question_id) AS first_speech_id
    FROM questions q JOIN meetings mt USING (meeting_id) LEFT JOIN people p ON p.person_id = q.person_id
"""


@st.cache_data(**_CACHE)
def load_person_questions(db: DbFile, person_id: str) -> pd.DataFrame:
    """Every question the member asked, newest first, with its top topics."""
    return _query(db, _QUESTIONS + """
        WHERE q.person_id = $id ORDER BY mt.date DESC NULLS LAST, q.meeting_id DESC, q.ordinal DESC
    """, {"id": person_id})


@st.cache_data(**_CACHE)
def load_latest_questions(db: DbFile, person_ids: tuple[str, ...], limit: int = 30) -> pd.DataFrame:
    """The newest questions by any of these members."""
    return _query(db, _QUESTIONS + """
        WHERE list_contains($ids, q.person_id)
        ORDER BY mt.date DESC NULLS LAST, q.meeting_id DESC, q.ordinal DESC LIMIT $limit
    """, {"ids": list(person_ids), "limit": limit})


@st.cache_data(**_CACHE)
def load_question_speeches(db: DbFile, question_id: str) -> pd.DataFrame:
    """A question's speeches in order: what was asked, re-asked, and who answered what."""
    return _query(db, """
        SELECT qs.role, s.speech_id, s.meeting_id, s.seq, s.speaker_name, s.speaker_role, s.speaker_raw, s.kind,
               s.text, s.annotations, s.source_url
        FROM question_speeches qs JOIN speeches s USING (speech_id)
        WHERE qs.question_id = $id ORDER BY s.seq
    """, {"id": question_id})


@st.cache_data(**_CACHE)
def load_attendance(db: DbFile, person_id: str) -> pd.DataFrame:
    """Per meeting kind: sittings whose 出席議員/欠席議員 lists name the member, and how."""
    return _query(db, """
        SELECT mt.kind, count(*) AS listed, count(*) FILTER (WHERE a.status = 'present') AS present,
               count(*) FILTER (WHERE a.status = 'absent') AS absent
        FROM attendance a JOIN meetings mt USING (meeting_id)
        WHERE a.person_id = $id GROUP BY mt.kind ORDER BY mt.kind DESC
    """, {"id": person_id})


@st.cache_data(**_CACHE)
def load_questions_by_session(db: DbFile, person_ids: tuple[str, ...]) -> pd.DataFrame:
    """Questions per member, session and top topic: what the members-over-time charts draw."""
    return _query(db, """
        SELECT q.person_id, coalesce(mt.session, strftime(mt.date, '%Y')) AS session, min(mt.date) AS first_date,
               coalesce((SELECT t.topic FROM question_topics t WHERE t.question_id = q.question_id
                         ORDER BY t.score DESC LIMIT 1), 'none') AS topic,
               count(*) AS questions
        FROM questions q JOIN meetings mt USING (meeting_id)
        WHERE list_contains($ids, q.person_id)
        GROUP BY ALL ORDER BY first_date
    """, {"ids": list(person_ids)})


@st.cache_data(max_entries=16, show_spinner=False)
def export_csv(db: DbFile, council_id: str, name: str, **narrowed: Any) -> bytes:
    """A dataset of a council (narrowed by person, faction, dates …) as the same CSV
    `oshigiin export --excel` writes: UTF-8 with a BOM so Excel reads Japanese, every row with
    its source URL and fetch time. Every download of the dashboard comes through here."""
    from oshigiin.pipeline.sharing.export import Filters, export_bytes

    with _cursor(db) as cur:
        return export_bytes(cur, name, "csv", Filters(council=council_id, **narrowed), excel=True)


@st.cache_data(max_entries=16, show_spinner=False)
def export_subset(db: DbFile, council_id: str, name: str, column: str, keys: tuple[str, ...], **narrowed: Any) -> bytes:
    """export_csv narrowed to the rows whose `column` is one of `keys`: a download that is exactly the
    rows on the screen, whichever filters made them (the export code knows only some of them)."""
    import csv
    import io

    text = export_csv(db, council_id, name, **narrowed).decode("utf-8-sig")
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows)
    at = header.index(column)
    wanted = set(keys)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(r for r in rows if r[at] in wanted)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


@st.cache_data(max_entries=4, show_spinner=False)
def snapshot_zip(db: DbFile) -> bytes:
    """The whole snapshot, as `oshigiin export --all` writes it (every dataset as Parquet with its
    datapackage.json), zipped for one download. Built once per published file."""
    import io
    import tempfile
    import zipfile

    from oshigiin.pipeline.sharing.export import export_all

    with tempfile.TemporaryDirectory(prefix="oshigiin-snapshot-") as tmp:
        result = export_all(db.path, tmp)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:  # Parquet is compressed already
            for path in [r.path for r in result.resources] + [result.datapackage]:
                z.write(path, path.name)
        return buffer.getvalue()


@st.cache_data(**_CACHE)
def dataset_rows(db: DbFile, council_id: str) -> dict[str, int]:
    """Rows per dataset of a council, as its download would have them (datasets whose tables the
    database lacks, or that need a query, are left out)."""
    from oshigiin.pipeline.sharing import datapackage as dp
    from oshigiin.pipeline.sharing.export import Filters, available, count_rows

    out = {}
    with _cursor(db) as cur:
        present = available(cur)
        for ds in dp.DATASETS.values():
            if ds.requires or any(tb not in present for tb in ds.tables):
                continue
            filters = Filters(council=council_id) if "council" in ds.filters else Filters()
            try:
                out[ds.name] = count_rows(cur, ds, filters)
            except ValueError:
                continue
    return out


@st.cache_data(**_CACHE)
def load_meeting_questions(db: DbFile, meeting_id: str) -> pd.DataFrame:
    """The sitting's questions in order."""
    return _query(db, _QUESTIONS + " WHERE q.meeting_id = $id ORDER BY q.ordinal", {"id": meeting_id})


@st.cache_data(**_CACHE)
def load_question_marks(db: DbFile, meeting_id: str) -> pd.DataFrame:
    """speech_id → the question it belongs to (ordinal, questioner) and its part in it."""
    return _query(db, """
        SELECT qs.speech_id, q.ordinal, coalesce(p.name, q.questioner) AS questioner, qs.role
        FROM questions q JOIN question_speeches qs USING (question_id) LEFT JOIN people p USING (person_id)
        WHERE q.meeting_id = $id
    """, {"id": meeting_id})


@st.cache_data(**_CACHE)
def load_turnout(db: DbFile, council_id: str) -> dict[str, Any]:
    """The council's elections, its turnout against the 23-ward average, and the latest change in words."""
    from oshigiin.pipeline.elections import turnout_summary

    with _cursor(db) as cur:
        return turnout_summary(cur, council_id)


class SearchFilters(NamedTuple):
    """What a search is narrowed to: hashable, so a result is cached per query and filters."""

    council_id: str
    person_id: str | None = None
    faction: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    meeting_kind: str | None = None
    topic: str | None = None
    kind: str | None = None

    def date_from(self) -> str | None:
        return f"{self.year_from}-01-01" if self.year_from else None

    def date_to(self) -> str | None:
        return f"{self.year_to}-12-31" if self.year_to else None


@st.cache_data(**_CACHE)
def search(db: DbFile, query: str, filters: SearchFilters, order: str = "relevance", limit: int = 20) -> Any:
    """Speeches containing the query, ranked, with the exact total and hits by year and member
    (pipeline/search/engine.py over the index the load built).

    Raises pipeline.search.QueryError (code: too_long, too_many_terms, timeout, busy, too_heavy,
    failed) for the page to explain; a database error never reaches the page as such."""
    from oshigiin.pipeline.search.engine import QueryError, is_indexed, parse_query
    from oshigiin.pipeline.search.engine import search as run

    parse_query(query)  # over the limits: refused before waiting for anything

    def attempt() -> Any:
        with _cursor(db) as cur:
            if not is_indexed(cur):
                return None
            return run(cur, query, council_id=filters.council_id, person_id=filters.person_id,
                       faction=filters.faction,
                       date_from=filters.date_from(), date_to=filters.date_to(),
                       meeting_kind=filters.meeting_kind, topic=filters.topic, kind=filters.kind, order=order,
                       limit=limit, budget_s=SEARCH_BUDGET_S,
                       # Narrowed to one member, each hit is a short quotation (著作権法32条, 40条1項).
                       snippet_chars=QUOTE_CHARS if filters.person_id else 160)

    # One search at a time per process: concurrent searches through cursors of one connection hit
    # an internal error in duckdb 1.5.5 that leaves the connection dead (tests/test_robust_concurrency).
    # The same error was seen, rarely, with one search at a time: then the search is run once more
    # on a freshly opened connection rather than failing the page.
    started = time.monotonic()
    if not _SEARCH_LOCK.acquire(timeout=SEARCH_BUDGET_S):
        raise QueryError("busy", "another search is still running", seconds=f"{SEARCH_BUDGET_S:g}")
    try:
        try:
            return attempt()
        except (duckdb.InternalException, duckdb.FatalException):
            _connect.clear()
            if time.monotonic() - started > SEARCH_BUDGET_S:
                raise QueryError("timeout", "the search took too long", seconds=f"{SEARCH_BUDGET_S:g}") from None
            return attempt()
    except duckdb.OutOfMemoryException as exc:
        _log.warning("search %r ran out of its memory or temp budget: %s", query[:200], exc)
        raise QueryError("too_heavy", "the search needs more memory than a search may use") from None
    except duckdb.Error as exc:  # a parser or binder error is our bug, not the visitor's: logged, not shown
        _log.exception("search %r failed", query[:200])
        raise QueryError("failed", f"the search failed ({type(exc).__name__})") from None
    finally:
        _SEARCH_LOCK.release()


@st.cache_data(**_CACHE)
def search_hints(db: DbFile, query: str, council_id: str) -> list:
    """Why `query` found nothing and what to try (pipeline/search/hints.py)."""
    from oshigiin.pipeline.search.hints import hints

    with _cursor(db) as cur:
        return hints(cur, query, council_id)


@st.cache_data(**_CACHE)
def load_speech_questions(db: DbFile, speech_ids: tuple[str, ...]) -> pd.DataFrame:
    """For each speech that is part of a question: the question, for grouping search hits by it."""
    return _query(db, _QUESTIONS.replace("SELECT q.question_id", "SELECT qs.speech_id, q.question_id", 1)
                  .replace("FROM questions q", "FROM question_speeches qs JOIN questions q USING (question_id)", 1)
                  + " WHERE list_contains($ids, qs.speech_id)", {"ids": list(speech_ids)})


def export_search(db: DbFile, query: str, filters: SearchFilters) -> bytes:
    """Every hit of a search (not just the page shown) as the CSV `oshigiin export search` writes:
    every filter of the page applies (tests/test_browser_search.py compares the counts)."""
    return export_csv(db, filters.council_id, "search", query=query, person=filters.person_id,
                      faction=filters.faction,
                      date_from=filters.date_from(), date_to=filters.date_to(), topic=filters.topic,
                      meeting_kind=filters.meeting_kind, kind=filters.kind)


# --- votes (issue 17, docs/votes.md): decisions, faction stances and recorded votes, kept apart ---

@st.cache_data(**_CACHE)
def has_votes(db: DbFile) -> bool:
    """Databases published before votes existed have none of their tables."""
    df = _query(db, "SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = 'pub' "
                    "AND table_name IN ('vote_events', 'motions', 'stances', 'votes', 'counts')")
    return int(df["n"].iloc[0]) == 5


@st.cache_data(**_CACHE)
def load_member_votes(db: DbFile, person_id: str) -> pd.DataFrame:
    """The member's own recorded votes (roll calls, 記名投票 with names): the vote as printed and
    mapped, with the faction's line in that vote where the member's faction voted both ways or not.
    `line` is the faction's imported stance on the motion, else the majority of its members' recorded
    yes / no in that vote (`line_source` says which); `contested`: the vote had both yes and no."""
    return _query(db, """
        WITH mine AS (
            SELECT v.*, ve.date, ve.motion_id, ve.result, ve.method, ve.body, ve.source_url AS event_url
            FROM votes v JOIN vote_events ve USING (vote_event_id) WHERE v.person_id = $id
        ), majority AS (
            SELECT vote_event_id, faction,
                   CASE WHEN sum((option = 'yes')::INT) > sum((option = 'no')::INT) THEN 'yes'
                        WHEN sum((option = 'yes')::INT) < sum((option = 'no')::INT) THEN 'no' END AS line
            FROM votes WHERE vote_event_id IN (SELECT vote_event_id FROM mine) GROUP BY ALL
        ), contested AS (
            SELECT vote_event_id, bool_or(option = 'yes') AND bool_or(option = 'no') AS contested
            FROM votes WHERE vote_event_id IN (SELECT vote_event_id FROM mine) GROUP BY ALL
        )
        SELECT m.date, mo.identifier, mo.title, m.motion_id, m.result, m.method, m.body, m.voter_name,
               m.option_raw, m.option, m.faction, m.source_url, m.vote_event_id,
               coalesce(st.option, mj.line) AS line,
               CASE WHEN st.option IS NOT NULL THEN 'stance' WHEN mj.line IS NOT NULL THEN 'majority' END
                   AS line_source,
               c.contested
        FROM mine m JOIN motions mo USING (motion_id)
        LEFT JOIN majority mj ON mj.vote_event_id = m.vote_event_id AND mj.faction = m.faction
        LEFT JOIN contested c ON c.vote_event_id = m.vote_event_id
        LEFT JOIN (SELECT motion_id, faction, any_value(option) AS option FROM stances GROUP BY ALL) st
               ON st.motion_id = m.motion_id AND st.faction = m.faction
        ORDER BY m.date DESC NULLS LAST, mo.identifier
    """, {"id": person_id})


@st.cache_data(**_CACHE)
def load_member_stances(db: DbFile, person_id: str) -> pd.DataFrame:
    """Stances of the faction the member belonged to at each decision's date, for motions on which
    the member has no recorded vote. `dated`: the membership's dates are known (otherwise the
    roster's current faction is all there is, and the page says so)."""
    return _query(db, """
        SELECT s.date, mo.identifier, mo.title, s.motion_id, s.faction, s.option_raw, s.option, s.source_url,
               (ms.start_date IS NOT NULL OR ms.end_date IS NOT NULL) AS dated,
               (SELECT first(ve.result ORDER BY ve.date DESC) FROM vote_events ve
                WHERE ve.motion_id = s.motion_id AND NOT ve.reported) AS result
        FROM stances s
        JOIN memberships ms ON ms.organization_id = s.organization_id AND ms.person_id = $id
             AND (ms.start_date IS NULL OR s.date IS NULL OR ms.start_date <= s.date)
             AND (ms.end_date IS NULL OR s.date IS NULL OR s.date <= ms.end_date)
        JOIN motions mo USING (motion_id)
        WHERE NOT EXISTS (SELECT 1 FROM votes v JOIN vote_events ve USING (vote_event_id)
                          WHERE v.person_id = $id AND ve.motion_id = s.motion_id)
        -- One stance per motion: a published page or an import before a committee report's statement.
        QUALIFY row_number() OVER (PARTITION BY s.motion_id ORDER BY starts_with(s.source, 'minutes:'),
                                   s.source) = 1
        ORDER BY s.date DESC NULLS LAST, mo.identifier
    """, {"id": person_id})


@st.cache_data(**_CACHE)
def load_bills(db: DbFile, council_id: str, query: str = "") -> pd.DataFrame:
    """Motions with their latest decision (plenary first), newest first; narrowed by number or title."""
    return _query(db, """
        SELECT mo.motion_id, mo.identifier, mo.title, mo.classification, mo.year,
               max(ve.date) AS date,
               first(ve.result ORDER BY ve.reported, ve.date DESC) AS result,
               count(ve.vote_event_id) AS decisions,
               (SELECT count(*) FROM stances s WHERE s.motion_id = mo.motion_id) AS stances,
               (SELECT count(*) FROM votes v JOIN vote_events e USING (vote_event_id)
                WHERE e.motion_id = mo.motion_id) AS votes
        FROM motions mo LEFT JOIN vote_events ve USING (motion_id)
        WHERE mo.council_id = $council
          AND ($q = '' OR contains(mo.identifier, $q) OR contains(coalesce(mo.title, ''), $q))
        GROUP BY ALL ORDER BY date DESC NULLS LAST, mo.identifier
    """, {"council": council_id, "q": normalize_text(query.strip())})


@st.cache_data(**_CACHE)
def load_bill(db: DbFile, motion_id: str) -> dict[str, Any] | None:
    """One motion: its decisions across committee and plenary (with counts and the speech that
    announced each), the factions' stances, and the recorded individual votes."""
    motion = _query(db, "SELECT * FROM motions WHERE motion_id = $id", {"id": motion_id})
    if motion.empty:
        return None
    events = _query(db, """
        SELECT ve.vote_event_id, ve.date, ve.body, ve.reported, ve.grouping, ve.method, ve.result, ve.majority,
               ve.source, ve.evidence, ve.source_url, ve.meeting_id, ve.speech_id, mt.title AS meeting_title,
               (SELECT value FROM counts c WHERE c.vote_event_id = ve.vote_event_id AND c.option = 'yes') AS yes,
               (SELECT value FROM counts c WHERE c.vote_event_id = ve.vote_event_id AND c.option = 'no') AS no,
               (SELECT value FROM counts c WHERE c.vote_event_id = ve.vote_event_id AND c.option = 'total') AS total
        FROM vote_events ve LEFT JOIN meetings mt USING (meeting_id)
        WHERE ve.motion_id = $id ORDER BY ve.date, ve.reported DESC, ve.vote_event_id
    """, {"id": motion_id})
    stances = _query(db, """SELECT faction, option_raw, option, date, source_url FROM stances
                            WHERE motion_id = $id ORDER BY faction""", {"id": motion_id})
    votes = _query(db, """
        SELECT v.vote_event_id, v.faction, v.voter_name, v.person_id, v.option_raw, v.option, v.source_url
        FROM votes v JOIN vote_events ve USING (vote_event_id) WHERE ve.motion_id = $id
        ORDER BY v.faction, v.voter_name
    """, {"id": motion_id})
    return {"motion": motion.iloc[0].to_dict(), "events": events, "stances": stances, "votes": votes}
