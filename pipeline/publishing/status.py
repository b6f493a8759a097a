"""Per council: is the data fresh, and what is failing? Read from the published database."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd

from oshigiin.paths import db_path, staging_dir
from oshigiin.runs import run_seq

# A page is failing when its most recent fetch failed: a later success clears it, so the
# list shrinks as re-crawls pick the pages up again.
STATUS_SQL = """
WITH latest AS (
    SELECT council_id, url, coalesce(request_body, '') AS body, outcome, reason, fetched_at
    FROM pub.fetch_log
    QUALIFY row_number() OVER (PARTITION BY council_id, url, coalesce(request_body, '')
                               ORDER BY fetched_at DESC, outcome = 'ok') = 1
), runs AS (
    SELECT council_id,
           timezone('UTC', max(fetched_at) FILTER (WHERE outcome = 'ok')) AS last_success,
           timezone('UTC', max(fetched_at) FILTER (WHERE outcome <> 'ok')) AS last_error_at,
           arg_max(reason, fetched_at) FILTER (WHERE outcome <> 'ok') AS last_error
    FROM pub.fetch_log GROUP BY council_id
), failing AS (
    SELECT council_id, count(*) AS failing_pages FROM latest WHERE outcome <> 'ok' GROUP BY council_id
), held AS (
    SELECT m.council_id, count(DISTINCT m.meeting_id) AS meetings, count(s.speech_id) AS speeches,
           strftime(max(m.date), '%Y-%m-%d') AS latest_sitting
    FROM pub.meetings m LEFT JOIN pub.speeches s USING (meeting_id) GROUP BY m.council_id
)
SELECT c.council_id, c.name, c.platform, r.last_success, r.last_error_at, r.last_error,
       coalesce(h.meetings, 0) AS meetings, coalesce(h.speeches, 0) AS speeches, h.latest_sitting,
       coalesce(f.failing_pages, 0) AS failing_pages
FROM pub.councils c
LEFT JOIN runs r USING (council_id) LEFT JOIN failing f USING (council_id) LEFT JOIN held h USING (council_id)
ORDER BY c.council_id
"""

FAILING_SQL = """
SELECT url, request_body, outcome, reason, archive_path, timezone('UTC', fetched_at) AS fetched_at
FROM pub.fetch_log
WHERE council_id = ?
QUALIFY row_number() OVER (PARTITION BY url, coalesce(request_body, '') ORDER BY fetched_at DESC,
                           outcome = 'ok') = 1 AND outcome <> 'ok'
ORDER BY fetched_at DESC
"""


def printable(value: object) -> str:
    """Scraped text made safe for a terminal: control and format characters (ESC sequences that
    recolour or retitle the terminal, BEL, CR, bidi overrides, zero-width…) shown as escapes
    (`\\x1b`, `\\u202e`) instead of acting. Names in `oshigiin review` come from council sites."""
    text = "" if value is None else str(value)
    return "".join(_escaped(ch) if unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch for ch in text)


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _attach(db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{str(db).replace(chr(39), chr(39) * 2)}' AS pub (READ_ONLY)")
    return con


def council_status(db: Path | None = None) -> pd.DataFrame:
    path = Path(db or db_path())
    if not path.exists():
        return pd.DataFrame()
    with _attach(path) as con:
        table = con.execute(STATUS_SQL).df()
    # A council with no success (or no error) yet: None, not NaT, which has no strftime.
    for column in ("last_success", "last_error_at"):
        table[column] = table[column].astype(object).where(table[column].notna(), None)
    return table


def suspect_runs(council_id: str, staging: Path | None = None) -> list[dict]:
    """Each spider's latest staged run, when the crawl marked it suspect (crawler/run.py: it listed or
    yielded under half of its previous successful run). A later run without the mark clears it."""
    root = Path(staging or staging_dir()) / council_id
    latest: dict[str, dict] = {}
    if not root.is_dir():
        return []
    for d in sorted((d for d in root.iterdir() if (d / "run.json").is_file()), key=run_seq):
        try:
            run = json.loads((d / "run.json").read_text(encoding="utf-8"))
        except ValueError:
            continue
        latest[run.get("spider", "?")] = run
    return [run for run in latest.values() if run.get("suspect")]


def failing_pages(council_id: str, db: Path | None = None) -> pd.DataFrame:
    path = Path(db or db_path())
    if not path.exists():
        return pd.DataFrame()
    with _attach(path) as con:
        return con.execute(FAILING_SQL, [council_id]).df()


UNRESOLVED_SQL = """
SELECT s.council_id, s.speaker_name, s.speaker_role, count(*) AS speeches,
       strftime(min(m.date), '%Y-%m-%d') AS first_date, strftime(max(m.date), '%Y-%m-%d') AS last_date,
       min(s.source_url) AS example_url
FROM pub.speeches s JOIN pub.meetings m USING (meeting_id)
WHERE s.person_id IS NULL AND ($council IS NULL OR s.council_id = $council)
  AND (s.speaker_role IS NULL OR s.speaker_role SIMILAR TO '.*(議長|委員長|委員|議員|番)')
GROUP BY ALL ORDER BY speeches DESC, s.speaker_name LIMIT $limit
"""


def unresolved_speakers(council_id: str | None, db: Path | None = None, limit: int = 50) -> pd.DataFrame:
    """Speakers who speak as members (no office, or a council office) but matched no member."""
    path = Path(db or db_path())
    if not path.exists():
        return pd.DataFrame()
    with _attach(path) as con:
        return con.execute(UNRESOLVED_SQL, {"council": council_id, "limit": limit}).df()


# A seat whose holder's name changes from one plenary sitting to the next, the old name never
# listed again: a renamed member, or a new one in that seat. A person decides, in data/people.toml.
RENAMED_SQL = """
WITH listed AS (
    SELECT m.council_id, a.seat, m.date, a.name, a.person_id
    FROM pub.attendance a JOIN pub.meetings m USING (meeting_id)
    WHERE m.kind = '本会議' AND a.seat IS NOT NULL AND ($council IS NULL OR m.council_id = $council)
), runs AS (
    SELECT *, lag(person_id) OVER w AS before_id, lag(name) OVER w AS before, lag(date) OVER w AS until
    FROM listed WINDOW w AS (PARTITION BY council_id, seat ORDER BY date)
), last_seen AS (SELECT person_id, max(date) AS last FROM listed GROUP BY person_id)
SELECT r.council_id, r.seat, r.before, r.name AS after, strftime(r.until, '%Y-%m-%d') AS last_as_before,
       strftime(r.date, '%Y-%m-%d') AS first_as_after
FROM runs r JOIN last_seen l ON l.person_id = r.before_id
WHERE r.before_id <> r.person_id AND l.last = r.until AND right(r.before, 1) = right(r.name, 1)
ORDER BY r.council_id, r.date
"""


def rename_candidates(council_id: str | None, db: Path | None = None) -> pd.DataFrame:
    """Seats whose member's name changed between sittings, the old name gone for good, and the name
    ending alike (the given name kept): perhaps one person renamed. A person checks and records it
    in data/people.toml; nothing is merged on this guess."""
    path = Path(db or db_path())
    if not path.exists():
        return pd.DataFrame()
    with _attach(path) as con:
        return con.execute(RENAMED_SQL, {"council": council_id}).df()
