"""Votes in the database: decisions derived from the minutes, roll calls from staging.

Runs inside a load (pipeline/publishing/load.py), on the database being built:

- `derive(con, changed)`: the sittings whose speeches changed (and any an older version of
  pipeline/votes/decisions.py read) are read in order, their printed text restored (stage directions
  included: 〔「異議なし」と呼ぶ者あり〕 is part of how a decision reads), and their decisions
  replace that sitting's `vote_events` (source = minutes), `counts` and `motions`.
- `load_roll_calls(con, council_ids, staging)`: `rollcalls.ndjson` files written by the 参議院
  spider become vote events (source = roll call), their counts and every member's `votes`,
  linked to a person where the normalised name is a member of that council.

Faction stances are imported (pipeline/votes/stances.py) and never derived here: a roll call says how
each member voted, not what their faction decided.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import duckdb
import pandas as pd

from oshigiin.minutes.annotations import restore
from oshigiin.minutes.normalize import normalize_name
from oshigiin.pipeline.votes.decisions import extract

DDL = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")
# Bump when pipeline/votes/decisions.py changes what it finds: every sitting is read again.
VERSION = "4"
BATCH = 200

_CLASSES = (
    (re.compile(r"議員提出議案|委員会提出議案|議会提出議案|会議案|発議"), "議員提出議案"),
    (re.compile(r"意見書"), "意見書案"),
    (re.compile(r"決議"), "決議案"),
    (re.compile(r"請願"), "請願"),
    (re.compile(r"陳情"), "陳情"),
    (re.compile(r"報告第"), "報告"),
    (re.compile(r"承認第"), "承認"),
    (re.compile(r"認定第"), "認定"),
    (re.compile(r"同意第"), "同意"),
    (re.compile(r"諮問第"), "諮問"),
    (re.compile(r"法律案"), "法律案"),
    (re.compile(r"議案|^議第"), "議案"),
)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def classify(identifier: str) -> str:
    for pattern, name in _CLASSES:
        if pattern.search(identifier):
            return name
    return "その他"


def motion_id(council_id: str, year: int | None, identifier: str, meeting_id: str | None = None) -> str:
    """Numbered motions are numbered per year (議案第1号 comes back every January); an unnumbered
    agenda item (議員派遣について) is only itself within its sitting."""
    if "第" in identifier and "号" in identifier:
        return f"{council_id}:{year}:{identifier}"
    return f"{meeting_id}:{identifier}"


def _hash(*parts) -> str:
    return hashlib.md5("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


def pending(con: duckdb.DuckDBPyConnection, changed: str) -> list[str]:
    return [r[0] for r in con.execute(f"""
        SELECT meeting_id FROM ({changed})
        UNION
        SELECT m.meeting_id FROM meetings m LEFT JOIN decision_runs d USING (meeting_id)
        WHERE d.version IS DISTINCT FROM ?
    """, [VERSION]).fetchall()]


def _rows(speeches: list[dict]) -> tuple[list[dict], ...]:
    for sp in speeches:
        notes = sp.pop("annotations")
        sp["text"] = restore(sp["text"], list(notes)) if notes else sp["text"]
    by_seq = {s["seq"]: s for s in speeches}
    first = speeches[0]
    council, meeting_id, day = first["council_id"], first["meeting_id"], first["date"]
    year = int(str(day)[:4]) if day else None
    events, counts, motions, votes, stances = [], [], [], [], []
    for d in extract(speeches):
        sp = by_seq.get(d.seq, first)
        mid = motion_id(council, year, d.motion, meeting_id)
        vid = f"{sp['speech_id']}:{d.motion}" + (":reported" if d.reported else "")
        body = d.body if d.reported else first["meeting_kind"] if first["meeting_kind"] != "委員会" else (
            first["committee"] or "委員会")
        row = {"vote_event_id": vid, "council_id": council, "motion_id": mid, "meeting_id": meeting_id,
               "date": day, "body": body, "reported": d.reported, "grouping": d.group, "method": d.method,
               "result": d.result, "majority": d.majority, "speech_id": sp["speech_id"], "source": "minutes",
               "evidence": d.sentence, "source_url": sp["source_url"], "fetched_at": sp["fetched_at"]}
        row["content_hash"] = _hash(*(row[k] for k in ("motion_id", "body", "reported", "grouping", "method",
                                                       "result", "majority", "evidence", "source_url")),
                                    d.yes, d.no, d.total, json.dumps([d.names, d.stances], ensure_ascii=False))
        events.append(row)
        for option, value in (("total", d.total), ("yes", d.yes), ("no", d.no)):
            if value is not None:
                counts.append({"vote_event_id": vid, "option": option, "value": int(value)})
        motions.append({"motion_id": mid, "council_id": council, "identifier": d.motion, "title": d.title,
                        "classification": classify(d.motion), "year": year, "source_url": sp["source_url"],
                        "fetched_at": sp["fetched_at"]})
        for st in d.stances:  # a committee report naming each faction's side
            org = f"{council}:faction:{normalize_name(st['faction'])}"
            stances.append({"stance_id": f"{mid}@{org}@{vid}", "council_id": council, "motion_id": mid,
                            "organization_id": org, "faction": st["faction"], "option_raw": st["option_raw"],
                            "option": st["option"], "date": day, "source": f"minutes:{meeting_id}",
                            "source_url": sp["source_url"], "fetched_at": sp["fetched_at"]})
        for n in d.names:  # a 記名投票 whose names the minutes print
            votes.append({"vote_event_id": vid, "voter_name": n["name"], "name_norm": normalize_name(n["name"]),
                          "option_raw": n["option_raw"], "option": n["option"], "source_url": sp["source_url"],
                          "fetched_at": sp["fetched_at"], "council_id": council, "date": day})
    return events, counts, motions, votes, stances


def derive(con: duckdb.DuckDBPyConnection, changed: str) -> dict[str, int]:
    """Re-read the decisions of the sittings `changed` names (a subquery of meeting_ids) and stale ones."""
    ensure_schema(con)
    ids = pending(con, changed)
    totals = {"insert": 0, "update": 0, "noop": 0, "delete": 0}
    for start in range(0, len(ids), BATCH):
        for k, v in _derive_batch(con, ids[start:start + BATCH]).items():
            totals[k] += v
    return totals


def _derive_batch(con: duckdb.DuckDBPyConnection, meeting_ids: list[str]) -> dict[str, int]:
    con.execute("CREATE OR REPLACE TEMP TABLE decision_ids (meeting_id VARCHAR PRIMARY KEY)")
    con.execute("INSERT INTO decision_ids SELECT unnest(?)", [meeting_ids])
    # Plain tuples, not a DataFrame: pandas' conversion of the annotations (a list of structs) cost
    # 15x the query itself (1.0 s against 0.07 s for 3,000 speeches).
    cur = con.execute("""
        SELECT s.meeting_id, s.council_id, s.speech_id, s.seq, s.speaker_raw, s.speaker_role, s.text,
               s.annotations, s.source_url, s.fetched_at::VARCHAR AS fetched_at, m.date::VARCHAR AS date,
               m.kind AS meeting_kind, m.committee
        FROM speeches s JOIN decision_ids USING (meeting_id) JOIN meetings m USING (meeting_id)
        ORDER BY s.meeting_id, s.seq
    """)
    names = [d[0] for d in cur.description]
    sittings: dict[str, list[dict]] = {}
    for row in cur.fetchall():
        sittings.setdefault(row[0], []).append(dict(zip(names, row, strict=True)))
    events, counts, motions, votes, stances = [], [], [], [], []
    for meeting in sittings.values():
        e, c, m, v, s = _rows(meeting)
        events += e
        counts += c
        motions += m
        votes += v
        stances += s
    before = dict(con.execute("SELECT vote_event_id, content_hash FROM vote_events JOIN decision_ids "
                              "USING (meeting_id) WHERE source = 'minutes'").fetchall())
    after = {e["vote_event_id"]: e["content_hash"] for e in events}
    report = {"insert": sum(k not in before for k in after),
              "update": sum(k in before and before[k] != h for k, h in after.items()),
              "noop": sum(before.get(k) == h for k, h in after.items()),
              "delete": sum(k not in after for k in before)}
    for table in ("counts", "votes"):
        con.execute(f"DELETE FROM {table} WHERE vote_event_id IN (SELECT vote_event_id FROM vote_events "
                    "JOIN decision_ids USING (meeting_id) WHERE source = 'minutes')")
    con.execute("DELETE FROM vote_events WHERE source = 'minutes' "
                "AND meeting_id IN (SELECT meeting_id FROM decision_ids)")
    if events:
        frame = pd.DataFrame(events).drop_duplicates("vote_event_id")  # noqa: F841 - read by DuckDB
        cols = ", ".join(frame.columns)
        con.execute(f"INSERT INTO vote_events ({cols}) SELECT {cols} FROM frame")
    if counts:
        frame = pd.DataFrame(counts).drop_duplicates(["vote_event_id", "option"])  # noqa: F841
        con.execute("INSERT INTO counts SELECT vote_event_id, option, value FROM frame")
    con.execute("DELETE FROM stances WHERE source IN (SELECT 'minutes:' || meeting_id FROM decision_ids)")
    if stances:
        frame = pd.DataFrame(stances).drop_duplicates("stance_id")  # noqa: F841 - read by DuckDB
        con.execute("INSERT INTO stances SELECT stance_id, council_id, motion_id, organization_id, faction, "
                    "option_raw, option, date::DATE, source, source_url, fetched_at::TIMESTAMPTZ FROM frame")
    if votes:
        # The member by normalised name at that council; the faction theirs at that date (memberships),
        # since the minutes print names only. A name that matches nobody keeps person_id NULL.
        frame = pd.DataFrame(votes).drop_duplicates(["vote_event_id", "name_norm"])  # noqa: F841
        con.execute("""
            INSERT INTO votes
            SELECT f.vote_event_id, f.voter_name, f.name_norm, p.person_id,
                   (SELECT any_value(o.name) FROM memberships ms JOIN organizations o USING (organization_id)
                    WHERE ms.person_id = p.person_id AND o.classification = 'faction'
                      AND (ms.start_date IS NULL OR ms.start_date <= f.date::DATE)
                      AND (ms.end_date IS NULL OR f.date::DATE <= ms.end_date)),
                   f.option_raw, f.option, f.source_url, f.fetched_at::TIMESTAMPTZ
            FROM frame f LEFT JOIN people p ON p.council_id = f.council_id AND p.name_norm = f.name_norm
        """)
    if motions:
        _upsert_motions(con, motions)
    _drop_orphan_motions(con)
    con.execute("DELETE FROM decision_runs WHERE meeting_id IN (SELECT meeting_id FROM decision_ids)")
    con.execute("INSERT INTO decision_runs SELECT meeting_id, ? FROM decision_ids", [VERSION])
    return report


def _upsert_motions(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """A motion named in several sittings: the first title seen stays, a later one fills a gap."""
    frame = pd.DataFrame(rows)  # noqa: F841 - read by DuckDB
    con.execute("""
        CREATE OR REPLACE TEMP TABLE new_motions AS
        SELECT motion_id, any_value(council_id) AS council_id, any_value(identifier) AS identifier,
               first(title ORDER BY title IS NULL, fetched_at) AS title, any_value(classification) AS classification,
               any_value(year) AS year, first(source_url ORDER BY fetched_at) AS source_url,
               min(fetched_at)::TIMESTAMPTZ AS fetched_at
        FROM frame GROUP BY motion_id
    """)
    con.execute("""
        INSERT OR REPLACE INTO motions
        SELECT n.motion_id, n.council_id, n.identifier, coalesce(m.title, n.title), n.classification, n.year,
               coalesce(m.source_url, n.source_url), coalesce(m.fetched_at, n.fetched_at)
        FROM new_motions n LEFT JOIN motions m USING (motion_id)
    """)


def _drop_orphan_motions(con: duckdb.DuckDBPyConnection) -> None:
    """A motion nothing refers to any more (a corrected sitting no longer names it) goes."""
    con.execute("""DELETE FROM motions WHERE motion_id NOT IN (SELECT motion_id FROM vote_events)
                   AND motion_id NOT IN (SELECT motion_id FROM stances)""")


# --- roll calls -----------------------------------------------------------------------------

def roll_call_files(council_ids: list[str], staging: Path) -> list[Path]:
    return sorted(p for c in council_ids for p in (staging / c).glob("*/rollcalls.ndjson") if p.stat().st_size)


def load_roll_calls(con: duckdb.DuckDBPyConnection, council_ids: list[str], staging: Path) -> dict[str, int]:
    """Staged roll calls → vote events, counts and votes. The newest fetch of each roll call wins;
    a line cut short by a killed crawl is skipped; a roll call whose totals disagree was never staged."""
    ensure_schema(con)
    latest: dict[str, dict] = {}
    for path in roll_call_files(council_ids, staging):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            key = f"{rec['council_id']}:rollcall:{rec['number']}"
            if key not in latest or rec["fetched_at"] > latest[key]["fetched_at"]:
                latest[key] = rec
    totals = {"insert": 0, "update": 0, "noop": 0, "delete": 0}
    for vid, rec in latest.items():
        state = _load_roll_call(con, vid, rec)
        totals[state] += 1
    return totals


def _load_roll_call(con: duckdb.DuckDBPyConnection, vid: str, rec: dict) -> str:
    council = rec["council_id"]
    year = int(rec["date"][:4]) if rec.get("date") else None
    identifier = re.sub(r"^日程第\d+\s*", "", rec["title"]) or rec["number"]
    mid = f"{council}:{rec.get('session')}:{identifier}"
    bill = rec.get("bill") or {}
    content = _hash(rec["title"], rec.get("date"), rec.get("total"), rec.get("yes"), rec.get("no"),
                    json.dumps(rec["votes"], ensure_ascii=False, sort_keys=True), bill.get("result"))
    old = con.execute("SELECT content_hash FROM vote_events WHERE vote_event_id = ?", [vid]).fetchone()
    if old and old[0] == content:
        return "noop"
    meeting = con.execute("""
        SELECT meeting_id FROM meetings WHERE council_id = ? AND date = ?::DATE AND title LIKE '参議院本会議%'
        ORDER BY number LIMIT 1""", [council, rec.get("date")]).fetchone()
    result = bill.get("result") or ("可決" if (rec.get("yes") or 0) > (rec.get("no") or 0) else "否決")
    con.execute("DELETE FROM votes WHERE vote_event_id = ?", [vid])
    con.execute("DELETE FROM counts WHERE vote_event_id = ?", [vid])
    con.execute("DELETE FROM vote_events WHERE vote_event_id = ?", [vid])
    con.execute("INSERT OR REPLACE INTO motions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [mid, council, identifier, bill.get("title") or identifier, classify(identifier), year,
                 bill.get("url") or rec["url"], rec["fetched_at"]])
    con.execute("""INSERT INTO vote_events VALUES (?, ?, ?, ?, ?::DATE, '参議院本会議', false, NULL, '押しボタン', ?,
                   NULL, NULL, 'roll call', ?, ?, ?, ?)""",
                [vid, council, mid, meeting[0] if meeting else None, rec.get("date"), result, rec["title"],
                 rec["url"], rec["fetched_at"], content])
    for option in ("total", "yes", "no"):
        if rec.get(option) is not None:
            con.execute("INSERT INTO counts VALUES (?, ?, ?)", [vid, option, rec[option]])
    frame = pd.DataFrame(rec["votes"])  # noqa: F841 - read by DuckDB
    # A member of that council by normalised name (people), else a Diet speaker of that name who
    # speaks as a member; a name that matches nobody keeps person_id NULL and its printed form.
    con.execute("""
        INSERT INTO votes
        SELECT ?, f.name, f.name_norm, p.person_id, f.faction, f.vote_raw, f.vote, ?, ?::TIMESTAMPTZ
        FROM frame f LEFT JOIN people p ON p.council_id = ? AND p.name_norm = f.name_norm
        QUALIFY row_number() OVER (PARTITION BY f.name_norm ORDER BY p.person_id) = 1
    """, [vid, rec["url"], rec["fetched_at"], council])
    return "update" if old else "insert"


def load_stage(con: duckdb.DuckDBPyConnection, council_ids: list[str], staging: Path, report) -> bool:
    """The load's votes stage (after _apply, whose changed_sittings it reads): decisions from the
    minutes, staged roll calls, staged stance pages. Returns whether anything changed; a staged page
    that does not import is reported (report.problems) and skipped, the rest of the load goes on."""
    counts = report.counts
    counts["vote_events"] = derive(con, "SELECT meeting_id FROM changed_sittings")
    counts["roll_calls"] = load_roll_calls(con, council_ids, staging)
    counts["stances"] = load_stance_pages(con, council_ids, staging, report.problems)
    return any(counts[t][k] for t in ("vote_events", "roll_calls", "stances") for k in ("insert", "update", "delete"))


def load_stance_pages(con: duckdb.DuckDBPyConnection, council_ids: list[str], staging: Path,
                      problems: list[str]) -> dict[str, int]:
    """Staged stance pages (crawler/spiders/stances.py), the newest fetch of each URL."""
    from oshigiin.pipeline.votes.stances import StanceImportError, import_file

    ensure_schema(con)
    latest: dict[str, tuple[dict, Path]] = {}
    for council in council_ids:
        for manifest in sorted((staging / council).glob("*/stance_pages.ndjson")):
            for line in manifest.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if rec["url"] not in latest or rec["fetched_at"] > latest[rec["url"]][0]["fetched_at"]:
                    latest[rec["url"]] = (rec, manifest.parent / rec["file"])
    totals = {"insert": 0, "update": 0, "noop": 0, "delete": 0}
    for url, (rec, path) in sorted(latest.items()):
        try:
            result = import_file(con, path, rec["council_id"], url, "metro-tokyo", source=f"page:{url}")
        except (StanceImportError, OSError) as exc:
            problems.append(f"stance page {url}: {exc}")
            continue
        for k in totals:
            totals[k] += result.counts[k]
    return totals
