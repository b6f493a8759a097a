# Over 500 lines: one transaction from staging to the published file; its steps share the staged tables.
"""Staging files → the published DuckDB database, in bulk, idempotently and atomically.

1. read every staging run of the councils being loaded (DuckDB read_json; a line cut short
   by a killed crawl, or any line lacking what its table requires, is skipped and counted in
   the report), keeping the newest fetch of each sitting: the latest run in the council's run
   sequence (oshigiin/runs.py), then the latest fetch time within a run;
2. derive: normalised text and names, stable IDs, content hashes, speaker → member;
3. build a copy of the published database and upsert into it, counting insert / update /
   noop by content hash (fetched_at is provenance, not content: a re-crawl of unchanged
   minutes is a noop and keeps the first fetch time);
4. publish the copy by rename. A reader never sees a half-loaded file; a killed load leaves
   the previous database in place; a load that changes nothing publishes nothing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from oshigiin.paths import db_path, staging_dir
from oshigiin.pipeline import elections
from oshigiin.pipeline.publishing.db import SCHEMA, register_functions
from oshigiin.pipeline.search import engine as search
from oshigiin.pipeline.understanding import enrich
from oshigiin.pipeline.understanding.identities import identities
from oshigiin.pipeline.video import segments as video
from oshigiin.pipeline.votes import store as votes
from oshigiin.registry import find_council
from oshigiin.runs import run_seq

SPEECH = (
    "STRUCT(ext_minute_id VARCHAR, seq INTEGER, speaker_raw VARCHAR, speaker_name VARCHAR, "
    "speaker_role VARCHAR, seat INTEGER, kind VARCHAR, text VARCHAR, source_url VARCHAR)[]"
)
MEETING_COLUMNS = {
    "council_id": "VARCHAR", "platform": "VARCHAR", "ext_council_id": "VARCHAR",
    "ext_schedule_id": "VARCHAR", "title": "VARCHAR", "kind": "VARCHAR", "session": "VARCHAR",
    "committee": "VARCHAR", "date": "DATE", "number": "INTEGER", "source_url": "VARCHAR",
    "api_url": "VARCHAR", "fetched_at": "TIMESTAMPTZ", "speeches": SPEECH,
    "attendance": "STRUCT(seat INTEGER, name VARCHAR, status VARCHAR)[]",
}
MEMBER_COLUMNS = {
    "council_id": "VARCHAR", "name": "VARCHAR", "kana": "VARCHAR", "faction": "VARCHAR",
    "seat": "INTEGER", "source_url": "VARCHAR", "fetched_at": "TIMESTAMPTZ",
}
FETCH_COLUMNS = {
    "run_id": "VARCHAR", "council_id": "VARCHAR", "spider": "VARCHAR", "url": "VARCHAR",
    "method": "VARCHAR", "request_body": "VARCHAR", "status": "INTEGER", "outcome": "VARCHAR",
    "reason": "VARCHAR", "archive_path": "VARCHAR", "fetched_at": "TIMESTAMPTZ",
}
# What a staged line must have to be loaded (the NOT NULL columns it feeds, the parts of its id).
# A line cut short by a killed crawl reads as all NULL and fails this; so does a line of the wrong shape.
REQUIRED = {
    # speeches / attendance: a list of the wrong shape reads as NULL, and a sitting staged with none
    # would delete the speeches and attendance a load already holds for it.
    "meetings": ("council_id", "platform", "ext_council_id", "ext_schedule_id", "title", "kind", "source_url",
                 "fetched_at", "speeches", "attendance"),
    "members": ("council_id", "name", "source_url", "fetched_at"),
    "fetch_log": ("run_id", "council_id", "spider", "url", "method", "outcome", "fetched_at"),
}
# Upserted tables, their keys, and which stage view feeds them. attendance and memberships
# belong to their meeting / person and are replaced with them.
TABLES = ("councils", "meetings", "speeches", "people", "organizations", "memberships")
KEYS = {"councils": "council_id", "meetings": "meeting_id", "speeches": "speech_id", "people": "person_id",
        "organizations": "organization_id", "memberships": "membership_id"}


class NothingToLoad(RuntimeError):
    pass


@dataclass
class LoadReport:
    db: Path
    published: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    enriched: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    indexed: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)   # staged file → malformed lines left out

    def summary(self) -> str:
        lines = [f"{'table':<14}{'insert':>9}{'update':>9}{'noop':>9}{'delete':>9}"]
        for table, c in self.counts.items():
            lines.append(f"{table:<14}{c['insert']:>9}{c['update']:>9}{c['noop']:>9}{c['delete']:>9}")
        if self.enriched.get("sittings"):
            lines.append(f"enriched {self.enriched['sittings']} sittings: {self.enriched['questions']} questions, "
                         f"{self.enriched['topics']} topic assignments")
        if self.indexed:
            lines.append(f"search index ({self.indexed.get('mode', 'rebuild')}): "
                         f"{int(self.indexed.get('speeches', 0))} speeches in {self.indexed.get('seconds', 0):.1f}s")
        lines.extend(f"skipped {n} malformed line{'s' if n > 1 else ''} in {f}" for f, n in self.skipped.items())
        lines.extend(f"not loaded: {p}" for p in self.problems)
        lines.append(f"published: {self.db}" if self.published else "no changes: nothing published")
        return "\n".join(lines)


def _ndjson(council_dirs: list[Path], name: str) -> list[str]:
    return sorted(str(p) for d in council_dirs for p in d.glob(f"*/{name}.ndjson") if p.stat().st_size)


def _read_json(files: list[str], columns: dict[str, str]) -> str:
    cols = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
    listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    return f"read_json({listing}, format='newline_delimited', columns={cols}, ignore_errors=true, filename=true)"


def _read_staged(con: duckdb.DuckDBPyConnection, name: str, files: list[str], columns: dict[str, str],
                 staging: Path, report: LoadReport | None, table: str, newest: tuple[str, ...] = (),
                 extra: str = "") -> str:
    """TEMP TABLE `table`: the lines of these files that have what their table requires (REQUIRED),
    with their run's sequence number (run_seq) and file (staged_file), and `extra` columns. With
    `newest` (key columns), only the newest fetch of each key: the latest run in the council's run
    sequence, then the latest fetch within it (wall clocks only break ties inside one run, or among
    runs made before sequences). Read in one pass. Malformed lines are counted per file in the
    report and left out: a later load is never stopped by them, and nothing else of a file is lost."""
    invalid = " OR ".join(f"{c} IS NULL" for c in REQUIRED[name])
    if files:
        con.execute("CREATE OR REPLACE TEMP TABLE staged_runs (file VARCHAR, run_seq BIGINT)")
        con.executemany("INSERT INTO staged_runs VALUES (?, ?)", [(f, run_seq(Path(f).parent)) for f in files])
        source = f"{_read_json(files, columns)} r LEFT JOIN staged_runs s ON s.file = r.filename"
        seq = "coalesce(s.run_seq, 0)"
    else:
        source = ("(SELECT * FROM (SELECT " + ", ".join(f"NULL::{t} AS {c}" for c, t in columns.items())
                  + ", NULL::VARCHAR AS filename) WHERE false) r")
        seq = "0::BIGINT"
    # Malformed lines pass the filter to be counted; only well-formed ones compete for newest.
    qualify = (f"QUALIFY ({invalid}) OR row_number() OVER (PARTITION BY ({invalid}), {', '.join(newest)} "
               f"ORDER BY {seq} DESC, fetched_at DESC, r.filename DESC) = 1") if newest else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT r.* EXCLUDE (filename), {extra} {seq} AS run_seq, r.filename AS staged_file, ({invalid}) AS malformed
        FROM {source} {qualify}
    """)
    bad = con.execute(f"SELECT staged_file, count(*) FROM {table} WHERE malformed GROUP BY ALL ORDER BY ALL").fetchall()
    for file, n in bad:
        if report is not None:
            shown = Path(file).relative_to(staging) if Path(file).is_relative_to(staging) else Path(file)
            report.skipped[str(shown)] = n
    if bad:
        con.execute(f"DELETE FROM {table} WHERE malformed")
    return table


def stage(con: duckdb.DuckDBPyConnection, council_ids: list[str], staging: Path,
          report: LoadReport | None = None) -> None:
    """Create temp views stage_<table> holding what the staging files say now."""
    dirs = [staging / c for c in council_ids if (staging / c).is_dir()]
    meetings, members, fetches = (_ndjson(dirs, n) for n in ("meetings", "members", "fetch_log"))
    if not meetings and not members:
        raise NothingToLoad(f"no staging files for {', '.join(council_ids)} under {staging}")

    # The newest fetch of each sitting (run order, then fetch time), its id derived.
    _read_staged(con, "meetings", meetings, MEETING_COLUMNS, staging, report, "raw_meetings",
                 newest=("council_id", "platform", "ext_council_id", "ext_schedule_id"),
                 extra="concat_ws('-', council_id, platform, ext_council_id, ext_schedule_id) AS meeting_id,")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stage_meetings AS
        SELECT meeting_id, council_id, title, kind, session, committee, date, number,
               ext_council_id, ext_schedule_id, source_url, fetched_at,
               md5(concat_ws('|', title, kind, session, committee, date, number, source_url)) AS content_hash
        FROM raw_meetings
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stage_speeches AS
        WITH s AS (SELECT meeting_id, council_id, fetched_at, unnest(speeches) AS sp FROM raw_meetings)
        SELECT meeting_id || '-' || sp.ext_minute_id AS speech_id, meeting_id, council_id, sp.seq AS seq,
               sp.speaker_raw AS speaker_raw, sp.speaker_name AS speaker_name,
               sp.speaker_role AS speaker_role, sp.seat AS seat, sp.kind AS kind,
               coalesce(sp.text, '') AS text,
               sp.ext_minute_id AS ext_minute_id, sp.source_url AS source_url, fetched_at
        FROM s
        -- A page that repeats a speech: kept once (the first printed), never counted twice.
        QUALIFY row_number() OVER (PARTITION BY speech_id ORDER BY sp.seq) = 1
    """)
    staged = _read_staged(con, "members", members, MEMBER_COLUMNS, staging, report, "staged_members")
    con.execute(f"CREATE OR REPLACE TEMP TABLE raw_roster AS SELECT * EXCLUDE (run_seq, staged_file, malformed) "
                f"FROM {staged}")
    # name_key runs in Python: once per distinct name, not once per row.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE name_keys AS
        SELECT name, name_key(name) AS name_norm FROM (
            SELECT DISTINCT name FROM (
                SELECT unnest(attendance).name AS name FROM raw_meetings
                UNION ALL SELECT name FROM raw_roster
                UNION ALL SELECT unnest(speeches).speaker_name FROM raw_meetings)
            WHERE name IS NOT NULL)
    """)
    # A name means a person at a date (pipeline/understanding/identities.py): name changes and namesakes.
    known = identities()  # noqa: F841 - read by DuckDB through its name
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stage_identities AS
        SELECT council_id::VARCHAR AS council_id, name_norm::VARCHAR AS name_norm,
               coalesce(valid_from::DATE, DATE '0001-01-01') AS valid_from,
               coalesce(valid_until::DATE, DATE '9999-12-31') AS valid_until, person_id::VARCHAR AS person_id
        FROM known
    """)
    con.execute("""
        CREATE OR REPLACE MACRO person_at(council, norm, day) AS coalesce(
            (SELECT any_value(i.person_id) FROM stage_identities i WHERE i.council_id = council
             AND i.name_norm = norm AND coalesce(day, DATE '9999-12-31') BETWEEN i.valid_from AND i.valid_until),
            council || ':' || norm)
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stage_attendance AS
        WITH a AS (SELECT meeting_id, council_id, date, source_url, fetched_at, unnest(attendance) AS att
                   FROM raw_meetings)
        SELECT meeting_id, person_at(council_id, k.name_norm, date) AS person_id, att.name AS name,
               att.seat AS seat, att.status AS status, source_url, fetched_at
        FROM a JOIN name_keys k ON k.name = a.att.name
        QUALIFY row_number() OVER (PARTITION BY meeting_id, person_id ORDER BY att.status DESC) = 1
    """)
    # The newest roster row of each person; a member who left keeps their last known row.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stage_roster AS
        SELECT person_at(r.council_id, k.name_norm, r.fetched_at::DATE) AS person_id, r.*,
               r.fetched_at = max(r.fetched_at) OVER (PARTITION BY r.council_id) AS current
        FROM raw_roster r JOIN name_keys k USING (name)
        QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY r.fetched_at DESC) = 1
    """)
    # People: the roster first; anyone the minutes list as attending but the roster lacks too.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stage_people AS
        WITH listed AS (
            SELECT a.person_id, m.council_id, a.name, a.seat, a.source_url, a.fetched_at
            FROM stage_attendance a JOIN raw_meetings m USING (meeting_id)
            QUALIFY row_number() OVER (PARTITION BY a.person_id ORDER BY m.date DESC NULLS LAST,
                                       a.fetched_at DESC) = 1
        ), merged AS (
            SELECT coalesce(r.person_id, l.person_id) AS person_id,
                   coalesce(r.council_id, l.council_id) AS council_id,
                   coalesce(r.name, l.name) AS name, r.kana AS kana, coalesce(r.seat, l.seat) AS seat,
                   coalesce(r.source_url, l.source_url) AS source_url,
                   coalesce(r.fetched_at, l.fetched_at) AS fetched_at
            FROM stage_roster r FULL OUTER JOIN listed l ON r.person_id = l.person_id
        ), generated AS (
            -- Computed for every row, then chosen: inside coalesce() DuckDB hands an Arrow UDF a
            -- selection of rows and the strings came back corrupted (duckdb 1.5.5).
            SELECT *, reading(name) AS generated_kana FROM merged
        )
        SELECT person_id, council_id, name, (SELECT name_norm FROM name_keys k WHERE k.name = g.name) AS name_norm,
               coalesce(kana, generated_kana) AS kana,
               CASE WHEN kana IS NOT NULL THEN 'published' ELSE 'generated' END AS kana_source,
               seat, source_url, fetched_at,
               md5(concat_ws('|', name, kana, seat, source_url)) AS content_hash
        FROM generated g
    """)
    councils = []
    for code in council_ids:
        c = find_council(code)
        councils.append((c.code, c.name, c.prefecture, c.platform or "", c.base_url, c.tenant, c.fictional,
                         c.source))
    con.execute("CREATE OR REPLACE TEMP TABLE stage_councils (council_id VARCHAR, name VARCHAR, "
                "prefecture VARCHAR, platform VARCHAR, base_url VARCHAR, tenant VARCHAR, "
                "fictional BOOLEAN, source_url VARCHAR)")
    con.executemany("INSERT INTO stage_councils VALUES (?, ?, ?, ?, ?, ?, ?, ?)", councils)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stage_councils_h AS
        SELECT *, md5(concat_ws('|', name, prefecture, platform, base_url, tenant, fictional, source_url))
               AS content_hash
        FROM stage_councils WHERE council_id IN (SELECT council_id FROM raw_meetings
                                                 UNION SELECT council_id FROM stage_roster)
    """)
    # Popolo: everyone on the latest roster holds a membership of the council itself (that is
    # what "current member" means), and of their faction when they have one.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE roster_orgs AS
        SELECT person_id, council_id, r.source_url, fetched_at, council_id || ':council' AS organization_id,
               c.name || '議会' AS name, 'council' AS classification
        FROM stage_roster r JOIN stage_councils c USING (council_id) WHERE current
        UNION ALL
        SELECT person_id, council_id, source_url, fetched_at,
               council_id || ':faction:' || name_key(faction), faction, 'faction'
        FROM stage_roster WHERE current AND faction IS NOT NULL
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stage_organizations AS
        SELECT DISTINCT ON (organization_id) organization_id, council_id, name, classification, source_url,
               fetched_at, md5(concat_ws('|', name, classification, source_url)) AS content_hash
        FROM roster_orgs
        ORDER BY organization_id, fetched_at DESC
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE stage_memberships AS
        SELECT person_id || '@' || organization_id AS membership_id, person_id, organization_id,
               'member' AS role, NULL::DATE AS start_date, NULL::DATE AS end_date, source_url, fetched_at,
               md5(concat_ws('|', organization_id, source_url)) AS content_hash
        FROM roster_orgs
    """)
    # Speaker → member: same council, same normalised name, and speaking as a member (no office,
    # or a council office such as 議長 / 委員長 / 委員), so an executive who shares a member's
    # name is never taken for them.
    # A speaker's name means a person at the sitting's date, as for the 出席議員 lists.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE speaker_keys AS
        SELECT DISTINCT s.meeting_id, s.speaker_name, k.name_norm,
               person_at(s.council_id, k.name_norm, m.date) AS person_id
        FROM stage_speeches s JOIN name_keys k ON k.name = s.speaker_name JOIN raw_meetings m USING (meeting_id)
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE stage_speeches_resolved AS
        WITH member_speaker AS (
            SELECT s.*, s.speaker_role IS NULL OR s.speaker_role SIMILAR TO '.*(議長|委員長|委員|議員|番)' AS as_member
            FROM stage_speeches s
        )
        SELECT s.* EXCLUDE (seat, as_member, resolved), s.resolved AS person_id,
               md5(concat_ws('|', s.seq, s.speaker_raw, s.speaker_name, s.speaker_role, s.kind, s.text,
                             s.source_url, s.resolved, '{DERIVATION}')) AS content_hash
        FROM (
            -- By name first; by seat number (「２０番（…）」) against that sitting's 出席議員 list
            -- when the printed name differs from the roster's (a nickname, a changed surname); by
            -- surname when committee minutes print only that (「塩田委員長」) and exactly one member
            -- listed at that sitting has a name starting with it.
            SELECT s.*, CASE WHEN s.as_member THEN coalesce(p.person_id, a.person_id, sn.person_id) END AS resolved
            FROM member_speaker s
            LEFT JOIN speaker_keys k USING (meeting_id, speaker_name)
            LEFT JOIN stage_people p ON p.person_id = k.person_id
            LEFT JOIN stage_attendance a ON a.meeting_id = s.meeting_id AND a.seat = s.seat AND s.seat IS NOT NULL
            LEFT JOIN (
                SELECT s2.meeting_id, k2.name_norm, any_value(a2.person_id) AS person_id
                FROM (SELECT DISTINCT meeting_id, speaker_name FROM stage_speeches) s2
                JOIN speaker_keys k2 USING (meeting_id, speaker_name)
                JOIN stage_attendance a2 ON a2.meeting_id = s2.meeting_id
                 AND starts_with(split_part(a2.person_id, ':', 2), k2.name_norm) AND length(k2.name_norm) >= 1
                GROUP BY ALL HAVING count(DISTINCT a2.person_id) = 1
            ) sn ON sn.meeting_id = s.meeting_id AND sn.name_norm = k.name_norm
        ) s
    """)
    staged = _read_staged(con, "fetch_log", fetches, FETCH_COLUMNS, staging, report, "staged_fetch_log")
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage_fetch_log AS SELECT {', '.join(FETCH_COLUMNS)} FROM {staged}")


STAGE = {"councils": "stage_councils_h", "meetings": "stage_meetings", "speeches": "stage_speeches_resolved",
         "people": "stage_people", "organizations": "stage_organizations",
         "memberships": "stage_memberships"}


# Columns derived from others, computed only for the rows a load writes: folding a million
# speeches' text is most of a load's work, and an unchanged re-crawl should not pay for it.
# Each step is its own query: an Arrow UDF fed another's output in one projection is where
# duckdb 1.5.5 corrupted strings (see stage_people).
DERIVED = {"speeches": [
    "SELECT speech_id, annotate(text) AS a FROM changed",
    "SELECT speech_id, a.text AS text, a.annotations AS annotations FROM prev",
    "SELECT speech_id, text, annotations, fold(text) AS text_norm FROM prev",
]}
# Part of every speech's content hash: bump it when what DERIVED computes changes, and the next
# load re-derives every speech (and re-enriches their sittings).
DERIVATION = "2"


def _upsert(con: duckdb.DuckDBPyConnection, table: str, scope: str) -> dict[str, int]:
    """Insert new rows, replace changed ones, delete ones the source no longer has (within scope)."""
    key, stage_table = KEYS[table], STAGE[table]
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    counts = dict(zip(("insert", "update", "noop"), con.execute(f"""
        SELECT count(*) FILTER (WHERE t.{key} IS NULL),
               count(*) FILTER (WHERE t.{key} IS NOT NULL AND t.content_hash <> s.content_hash),
               count(*) FILTER (WHERE t.content_hash = s.content_hash)
        FROM {stage_table} s LEFT JOIN {table} t ON t.{key} = s.{key}
    """).fetchone(), strict=True))
    counts["delete"] = con.execute(f"""
        SELECT count(*) FROM {table} t WHERE {scope}
        AND NOT EXISTS (SELECT 1 FROM {stage_table} s WHERE s.{key} = t.{key})
    """).fetchone()[0]
    if counts["delete"]:
        con.execute(f"""DELETE FROM {table} t WHERE {scope}
                        AND NOT EXISTS (SELECT 1 FROM {stage_table} s WHERE s.{key} = t.{key})""")
    if counts["insert"] or counts["update"]:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE changed AS
            SELECT s.* FROM {stage_table} s LEFT JOIN {table} t ON t.{key} = s.{key}
            WHERE t.{key} IS NULL OR t.content_hash <> s.content_hash
        """)
        derived: list[str] = []
        for step in DERIVED.get(table, []):
            con.execute(f"CREATE OR REPLACE TEMP TABLE derived AS {step}")
            con.execute("CREATE OR REPLACE TEMP TABLE prev AS SELECT * FROM derived")
            derived = [c for c, *_ in con.execute("DESCRIBE derived").fetchall() if c != key]
        select = ", ".join(f"d.{c}" if c in derived else f"s.{c}" for c in cols)
        source = f"changed s JOIN derived d USING ({key})" if derived else "changed s"
        con.execute(f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) SELECT {select} FROM {source}")
        con.execute("DROP TABLE IF EXISTS prev; DROP TABLE IF EXISTS derived; DROP TABLE changed")
    return counts


# What a load of some councils may delete: rows of those councils whose parent was re-staged.
SCOPES = {
    "councils": "false",
    "meetings": "false",  # a sitting missing from one crawl is not evidence it was withdrawn
    "speeches": "t.meeting_id IN (SELECT meeting_id FROM stage_meetings)",
    # A person no source names any more (a name a people.toml record has since merged into another):
    # only when nothing still points at them, so a sitting missing from one crawl deletes nobody.
    "people": """t.council_id IN (SELECT council_id FROM stage_people)
                 AND t.person_id NOT IN (SELECT person_id FROM stage_attendance)
                 AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.person_id = t.person_id
                                 AND a.meeting_id NOT IN (SELECT meeting_id FROM stage_meetings))
                 AND NOT EXISTS (SELECT 1 FROM speeches s WHERE s.person_id = t.person_id)""",
    "organizations": "t.council_id IN (SELECT council_id FROM stage_roster)",
    "memberships": "t.person_id IN (SELECT person_id FROM stage_roster)",
}


def _apply(con: duckdb.DuckDBPyConnection, report: LoadReport) -> bool:
    changed = False
    # Sittings whose speeches this load changes: their questions and topics are redone.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE changed_sittings AS
        SELECT DISTINCT s.meeting_id FROM stage_speeches_resolved s LEFT JOIN speeches t USING (speech_id)
        WHERE t.speech_id IS NULL OR t.content_hash <> s.content_hash
        UNION
        SELECT DISTINCT t.meeting_id FROM speeches t
        WHERE t.meeting_id IN (SELECT meeting_id FROM stage_meetings)
          AND t.speech_id NOT IN (SELECT speech_id FROM stage_speeches_resolved)
    """)
    for table in TABLES:
        report.counts[table] = _upsert(con, table, SCOPES[table])
        c = report.counts[table]
        changed |= bool(c["insert"] or c["update"] or c["delete"])
    # Attendance belongs to its sitting: replaced wholesale for re-staged sittings that changed.
    before = con.execute("""
        SELECT count(*) FROM attendance t JOIN stage_attendance s USING (meeting_id, person_id)
        WHERE t.status = s.status AND t.seat IS NOT DISTINCT FROM s.seat AND t.name = s.name
    """).fetchone()[0]
    total = con.execute("SELECT count(*) FROM stage_attendance").fetchone()[0]
    existing = con.execute("SELECT count(*) FROM attendance WHERE meeting_id IN "
                           "(SELECT meeting_id FROM stage_meetings)").fetchone()[0]
    report.counts["attendance"] = {"insert": total - before, "update": 0, "noop": before,
                                   "delete": existing - before}
    if total != before or existing != before:
        con.execute("DELETE FROM attendance WHERE meeting_id IN (SELECT meeting_id FROM stage_meetings)")
        con.execute("INSERT INTO attendance SELECT meeting_id, person_id, name, seat, status, source_url, "
                    "fetched_at FROM stage_attendance")
        changed = True
    redo = enrich.pending(con, "SELECT meeting_id FROM changed_sittings")
    report.enriched = enrich.enrich(con, redo)
    changed |= bool(report.enriched["sittings"])
    # The search index follows the speeches and topics it was just given, in the same transaction,
    # so text and index are published together; a database without one gets it whole.
    if not search.is_indexed(con):
        # A whole build sorts every posting: it gets the search issue's budget (4 GB peak) rather
        # than the load's, spilling to disk beyond it.
        con.execute(f"SET memory_limit = '{os.environ.get('OSHIGIIN_INDEX_MEMORY', '3GB')}'")
        report.indexed = search.index_speeches(con, None)
        con.execute(f"SET memory_limit = '{_load_memory()}'")
        changed = True
    elif redo:
        report.indexed = search.index_speeches(con, redo)
    new_fetches = con.execute("SELECT count(*) FROM (SELECT * FROM stage_fetch_log EXCEPT "
                              "SELECT * FROM fetch_log)").fetchone()[0]
    report.counts["fetch_log"] = {"insert": new_fetches, "update": 0, "noop": 0, "delete": 0}
    if new_fetches:
        con.execute("INSERT INTO fetch_log SELECT * FROM stage_fetch_log EXCEPT SELECT * FROM fetch_log")
        changed = True
    return changed


def _elections(con: duckdb.DuckDBPyConnection, council_ids: list[str], staging: Path, report: LoadReport) -> bool:
    """The curated election figures (data/elections.csv …) and what the elections spider or the demo
    staged, inside the load's transaction. A staged file that fails validation is reported and
    skipped: the crawl's minutes still load, and the next load tries the file again."""
    elections.ensure_schema(con)
    # Oldest run first, so a later run's figures win: run order, not clock order (oshigiin/runs.py).
    runs = {p.parent for c in council_ids for p in (staging / c).glob("*/elections.csv")}
    sources = [None, *sorted(runs, key=lambda d: (run_seq(d), d.name))]
    totals = {"insert": 0, "update": 0, "noop": 0, "delete": 0}
    for directory in sources:
        try:
            reports = elections.load_reference(con, directory, transaction=False)
        except elections.ElectionImportError as exc:
            report.problems.append(str(exc))
            continue
        for r in reports:
            for counts in r.counts.values():
                for k in totals:
                    totals[k] += counts.get(k, 0)
    report.counts["elections"] = totals
    return bool(totals["insert"] or totals["update"] or totals["delete"])


@contextmanager
def _exclusive(db: Path):
    """One load at a time per database; a second waits rather than racing the rename."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _load_memory() -> str:
    """Bounded memory on a shared 2-core machine; DuckDB spills to disk beyond it."""
    return os.environ.get("OSHIGIIN_LOAD_MEMORY", "2GB")


def publish(db: Path | None, work: Callable[[duckdb.DuckDBPyConnection], bool]) -> bool:
    """Run `work` on a copy of the database inside one transaction and publish the copy by rename
    when it says something changed. Readers never see a half-written file; a failure (or a kill)
    leaves the published database as it was. Returns whether a new file was published."""
    db = Path(db or db_path())
    with _exclusive(db):
        # What a killed load left: its copy and write-ahead log. A later load with the same pid
        # would otherwise have DuckDB replay that stale log onto its fresh copy.
        for stale in db.parent.glob(f".{db.name}.*.building*"):
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
        tmp = db.with_name(f".{db.name}.{os.getpid()}.building")
        try:
            if db.exists():
                shutil.copyfile(db, tmp)  # inside the try: a disk that fills here keeps no half copy
            con = duckdb.connect(str(tmp), config={"memory_limit": _load_memory()})
            try:
                con.execute(SCHEMA)
                register_functions(con)
                con.execute("BEGIN")
                changed = work(con)
                con.execute("COMMIT")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            if not changed and db.exists():
                return False
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, db)
            return True
        finally:
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)


def load(council_ids: list[str], db: Path | None = None, staging: Path | None = None) -> LoadReport:
    db = Path(db or db_path())
    staging = Path(staging or staging_dir())
    report = LoadReport(db=db)

    def work(con: duckdb.DuckDBPyConnection) -> bool:
        # Staging reads files into temp tables: inside the transaction is fine, they are private.
        stage(con, council_ids, staging, report)
        changed = _apply(con, report)
        changed = votes.load_stage(con, council_ids, staging, report) or changed  # docs/votes.md
        changed = video.load_stage(con, council_ids, staging, report.counts) or changed  # docs/video.md
        return _elections(con, council_ids, staging, report) or changed

    report.published = publish(db, work)
    return report
