"""Council video (議会中継): where each council's recordings are, and each segment linked to its
sitting and to the question (or speech) it records.

Registry (data/councils.toml, per council): `video_platform` (jfit | discussvision | voices-video |
kensakusystem-vod | youtube | unknown, or a list of them), `video_url` (a URL, or a list in the same
order), `video_tenant` (DiscussVision's tenant), `video_source` (where this was read), `video_note`.

Matching (`match`), on plain data so the load and the benchmarks run the same code:
1. the sitting: the council's sittings on the segment's date; when there are several, the one whose
   kind or committee the site's meeting name says (本会議, 企画総務委員会), then the one whose session
   (第N回) agrees. Exactly one candidate links; none or several leave the segment unlinked (the
   `match` column says which), never a guess.
2. the question: within that sitting, the questions asked by the member the segment names (names
   compared after normalisation: NFKC, 異体字, spacing, the printed office such as 議員 removed); the
   n-th segment of that member on that sitting goes to the member's n-th question. With no threaded
   question, the member's n-th turn of speeches (a run of their speeches) links as a speech.

The load (`load_stage`) reads the staged segments, keeps the newest fetch of each, matches them
against the database being built and upserts by content hash (links included, so a segment whose
sitting has since been published is updated); captions, where staged, are aligned to the minutes
(pipeline/video/align.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from oshigiin.minutes.normalize import normalize_name
from oshigiin.runs import run_seq

DDL = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")
SEGMENTS_FILE = "video_segments.ndjson"
_OFFICE = re.compile(r"(議員|委員長|副委員長|委員|議長|副議長|君|氏)$")
_SESSION_NO = re.compile(r"第(\d+)回")


# -- matching ------------------------------------------------------------------------------------
def member_key(printed: str | None) -> str:
    """The name a segment or a question names, as compared: normalised, the printed office removed."""
    name = unicodedata.normalize("NFKC", printed or "")
    name = re.sub(r"\s+", "", name)
    return normalize_name(_OFFICE.sub("", name) or name)


def session_number(text: str | None) -> str | None:
    m = _SESSION_NO.search(unicodedata.normalize("NFKC", text or ""))
    return m.group(1) if m else None


@dataclass
class Segment:
    key: str
    council_id: str
    date: date | None
    meeting: str | None
    session: str | None
    speaker: str | None       # as printed
    ordinal: int = 0
    platform: str = ""        # the n-th of a member's segments counts per video site


@dataclass
class Question:
    key: str | None           # question_id (None: a turn of speeches without a threaded question)
    speech_id: str
    member: str               # member_key of the questioner
    person_id: str | None = None


@dataclass
class Sitting:
    key: str
    council_id: str
    date: date | None
    kind: str | None = None          # 本会議 | 委員会 | その他
    committee: str | None = None
    session: str | None = None
    questions: list[Question] = field(default_factory=list)
    turns: list[Question] = field(default_factory=list)   # member turns: the fallback


@dataclass
class Link:
    segment: str
    meeting_id: str | None = None
    question_id: str | None = None
    speech_id: str | None = None
    person_id: str | None = None
    match: str = "no-sitting"


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def pick_sitting(segment: Segment, candidates: list[Sitting]) -> tuple[Sitting | None, str]:
    if not candidates:
        return None, "no-sitting"
    pool = candidates
    meeting = _squash(segment.meeting)
    if meeting and len(pool) > 1:
        if "本会議" in meeting:
            narrowed = [s for s in pool if s.kind == "本会議"]
        else:
            narrowed = [s for s in pool if s.committee and (_squash(s.committee) in meeting
                                                             or meeting in _squash(s.committee))]
        pool = narrowed or pool
    number = session_number(segment.session)
    if number and len(pool) > 1:
        pool = [s for s in pool if session_number(s.session) == number] or pool
    if len(pool) > 1:
        return None, "ambiguous-sitting"
    return pool[0], "sitting"


def match(segments: list[Segment], sittings: list[Sitting]) -> list[Link]:
    """Link every segment (see the module's docstring); segments in the order the site lists them."""
    by_day: dict[tuple[str, date | None], list[Sitting]] = defaultdict(list)
    for s in sittings:
        by_day[(s.council_id, s.date)].append(s)
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    links = []
    for seg in sorted(segments, key=lambda s: (s.council_id, s.date or date.min, s.ordinal, s.key)):
        link = Link(seg.key)
        sitting, link.match = pick_sitting(seg, by_day.get((seg.council_id, seg.date), []) if seg.date else [])
        if sitting is None:
            links.append(link)
            continue
        link.meeting_id = sitting.key
        who = member_key(seg.speaker)
        if who:
            seen[(seg.platform, sitting.key, who)] += 1
            nth = seen[(seg.platform, sitting.key, who)]
            asked = [q for q in sitting.questions if q.member == who]
            turns = [q for q in sitting.turns if q.member == who]
            if len(asked) >= nth:
                q = asked[nth - 1]
                link.question_id, link.speech_id, link.person_id = q.key, q.speech_id, q.person_id
                link.match = "member" if len(asked) == 1 else "member+order"
            elif len(turns) >= nth:
                q = turns[nth - 1]
                link.speech_id, link.person_id, link.match = q.speech_id, q.person_id, "speech"
        links.append(link)
    return links


# -- the load's stage ----------------------------------------------------------------------------
def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def read_staged(council_ids: list[str], staging: Path) -> tuple[list[dict], int]:
    """The newest fetch of every staged segment (latest run in the council's sequence, then latest
    fetch), and how many lines were malformed (cut short by a killed crawl, or missing a key part)."""
    newest: dict[str, tuple[tuple, dict]] = {}
    bad = 0
    for code in council_ids:
        for path in sorted((staging / code).glob(f"*/{SEGMENTS_FILE}")):
            seq = run_seq(path.parent)
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                    key = f"{rec['council_id']}-{rec['platform']}-{rec['ext_id']}"
                    if not (rec["ext_id"] and rec["segment_url"] and rec["source_url"] and rec["fetched_at"]):
                        raise KeyError("a required field is empty")
                    # Typed as the table wants them, or the line is malformed (never a failed load).
                    rec["order"] = None if rec.get("order") is None else int(rec["order"])
                    rec["start_seconds"] = None if rec.get("start_seconds") is None else float(rec["start_seconds"])
                    if rec.get("captions") is not None:
                        rec["captions"] = [[float(a), float(b), str(t)] for a, b, t in rec["captions"]]
                except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                    bad += 1
                    continue
                rank = (seq, rec["fetched_at"], str(path))
                if key not in newest or rank > newest[key][0]:
                    newest[key] = (rank, {**rec, "segment_id": key})
    return [r for _, r in newest.values()], bad


def _iso(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def sittings_for(con: duckdb.DuckDBPyConnection, council_ids: list[str], dates: set[date]) -> list[Sitting]:
    """The sittings on these dates, with their threaded questions and each member's turns."""
    if not dates:
        return []
    rows = con.execute("""
        SELECT meeting_id, council_id, date, kind, committee, session FROM meetings
        WHERE council_id IN (SELECT unnest($c::VARCHAR[])) AND date IN (SELECT unnest($d::DATE[]))
    """, {"c": council_ids, "d": sorted(dates)}).fetchall()
    sittings = {r[0]: Sitting(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows}
    if not sittings:
        return []
    ids = list(sittings)
    for qid, mid, questioner, person_id, name_norm, speech_id in con.execute("""
        SELECT q.question_id, q.meeting_id, q.questioner, q.person_id, p.name_norm, s.speech_id
        FROM questions q LEFT JOIN people p USING (person_id)
        JOIN speeches s ON s.meeting_id = q.meeting_id AND s.seq = q.first_seq
        WHERE q.meeting_id IN (SELECT unnest($m::VARCHAR[])) ORDER BY q.meeting_id, q.ordinal
    """, {"m": ids}).fetchall():
        who = name_norm or member_key(questioner)
        sittings[mid].questions.append(Question(qid, speech_id, who, person_id))
    # A member's turn: their first speech after someone else spoke, in the sitting's order.
    previous: dict[str, str | None] = {}
    for mid, speech_id, name, person_id, name_norm, role in con.execute("""
        SELECT s.meeting_id, s.speech_id, s.speaker_name, s.person_id, p.name_norm, s.speaker_role
        FROM speeches s LEFT JOIN people p USING (person_id)
        WHERE s.meeting_id IN (SELECT unnest($m::VARCHAR[])) ORDER BY s.meeting_id, s.seq
    """, {"m": ids}).fetchall():
        who = name_norm or (member_key(name) if person_id else None)
        chair = role is not None and role.endswith(("議長", "委員長"))
        if who and not chair and previous.get(mid) != who:
            sittings[mid].turns.append(Question(None, speech_id, who, person_id))
        previous[mid] = None if chair else (who or "")
    return list(sittings.values())


def _hash(*parts) -> str:
    return hashlib.md5("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


COLUMNS = ("segment_id", "council_id", "platform", "ext_id", "session", "date", "meeting", "ordinal", "speaker_raw",
           "speaker_name", "speaker_id", "faction", "agenda", "segment_url", "start_seconds", "media_url",
           "captions_url", "captions", "meeting_id", "question_id", "speech_id", "person_id", "match", "source_url",
           "fetched_at", "content_hash")


_CUE = pa.struct([("start", pa.float64()), ("end", pa.float64()), ("text", pa.string())])
ARROW_SCHEMA = pa.schema([
    (c, pa.date32() if c == "date" else pa.int32() if c == "ordinal" else
     pa.float64() if c == "start_seconds" else pa.list_(_CUE) if c == "captions" else pa.string())
    for c in COLUMNS])


def load_stage(con: duckdb.DuckDBPyConnection, council_ids: list[str], staging: Path,
               counts: dict[str, dict[str, int]]) -> bool:
    """The load's video stage, after the minutes and questions are in: returns whether anything changed."""
    from oshigiin.pipeline.video import align as video_align

    ensure_schema(con)
    records, bad = read_staged(council_ids, staging)
    c = {"insert": 0, "update": 0, "noop": 0, "delete": 0}
    if bad:
        c["skipped"] = bad
    if not records:
        if bad:
            counts["video_segments"] = c
        return False
    segments = [Segment(r["segment_id"], r["council_id"], _iso(r.get("date")), r.get("meeting"), r.get("session"),
                        r.get("speaker_name") or r.get("speaker_raw"), int(r.get("order") or 0), r["platform"])
                for r in records]
    links = {x.segment: x for x in match(segments, sittings_for(con, council_ids,
                                                                 {s.date for s in segments if s.date}))}
    # Found by name: a segment not linked to a speech still belongs to the member it names, when exactly
    # one member of that council has that (normalised) name.
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for council_id, name_norm, person_id in con.execute(
            "SELECT council_id, name_norm, person_id FROM people WHERE council_id IN (SELECT unnest($c::VARCHAR[]))",
            {"c": council_ids}).fetchall():
        members[(council_id, name_norm)].append(person_id)
    for seg in segments:
        link = links[seg.key]
        found = members.get((seg.council_id, member_key(seg.speaker)), []) if seg.speaker else []
        if link.person_id is None and len(found) == 1:
            link.person_id = found[0]
    rows = []
    for r in records:
        link = links[r["segment_id"]]
        captions = [{"start": float(a), "end": float(b), "text": str(t)} for a, b, t in (r.get("captions") or [])]
        row = {"segment_id": r["segment_id"], "council_id": r["council_id"], "platform": r["platform"],
               "ext_id": str(r["ext_id"]), "session": r.get("session"), "date": _iso(r.get("date")),
               "meeting": r.get("meeting"), "ordinal": r.get("order"), "speaker_raw": r.get("speaker_raw"),
               "speaker_name": r.get("speaker_name"), "speaker_id": r.get("speaker_id"), "faction": r.get("faction"),
               "agenda": r.get("agenda"), "segment_url": r["segment_url"], "start_seconds": r.get("start_seconds"),
               "media_url": r.get("media_url"), "captions_url": r.get("captions_url"),
               "captions": captions if r.get("captions") is not None else None,
               "meeting_id": link.meeting_id, "question_id": link.question_id, "speech_id": link.speech_id,
               "person_id": link.person_id, "match": link.match, "source_url": r["source_url"],
               "fetched_at": r["fetched_at"]}
        row["content_hash"] = _hash(*(json.dumps(row[k], ensure_ascii=False, default=str)
                                      for k in COLUMNS[:-3]), row["source_url"])
        rows.append(row)
    existing = dict(con.execute("SELECT segment_id, content_hash FROM video_segments WHERE segment_id IN "
                                "(SELECT unnest($s::VARCHAR[]))", {"s": [r["segment_id"] for r in rows]}).fetchall())
    changed = []
    for row in rows:
        old = existing.get(row["segment_id"])
        if old is None:
            c["insert"] += 1
            changed.append(row)
        elif old != row["content_hash"]:
            c["update"] += 1
            changed.append(row)
        else:
            c["noop"] += 1
    if changed:
        # One Arrow table, not executemany: DuckDB inserts parameter rows one at a time (17 ms each).
        batch = pa.Table.from_pylist([{k: row[k] for k in COLUMNS} for row in changed], schema=ARROW_SCHEMA)  # noqa: F841
        columns = ", ".join(COLUMNS)
        con.execute(f"INSERT OR REPLACE INTO video_segments ({columns}) SELECT {columns} FROM batch")
    counts["video_segments"] = c
    times = video_align.align_changed(con, [r["segment_id"] for r in changed])
    counts["video_speech_times"] = times
    return bool(changed) or bool(times["insert"] or times["update"] or times["delete"])


# -- links to the recordings, for the feeds and exports -------------------------------------------------
def watch_url(segment_url: str, seconds: float | None) -> str:
    """The segment's page, at `seconds` where known (W3C media fragment `#t=`)."""
    if seconds is None or seconds != seconds or seconds <= 0:  # None, NaN, 0
        return segment_url
    return f"{segment_url.split('#', 1)[0]}#t={int(seconds)}"


def attach_recordings(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Give each question row its recording's link (`recording`): the timed segment first."""
    if not rows or "question_id" not in rows[0] or not con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'video_segments'").fetchone()[0]:
        return
    best = {}
    for qid, url, seconds in con.execute("""
        SELECT v.question_id, v.segment_url, coalesce(t.seconds, nullif(v.start_seconds, 0)) AS seconds
        FROM video_segments v
        LEFT JOIN video_speech_times t ON t.segment_id = v.segment_id AND t.speech_id = v.speech_id
        WHERE list_contains($q, v.question_id)
        ORDER BY v.question_id, seconds IS NULL, v.platform, v.segment_id
    """, {"q": [r["question_id"] for r in rows]}).fetchall():
        best.setdefault(qid, watch_url(url, seconds))
    for r in rows:
        r["recording"] = best.get(r["question_id"])


# -- incremental crawls ------------------------------------------------------------------------------
