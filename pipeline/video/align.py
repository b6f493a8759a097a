"""Minutes text aligned to caption times: the second at which each speech starts in its segment.

The minutes are edited (fillers dropped, wording tidied) and captions are not, so the two texts
differ; both are reduced to their characters (NFKC, no spacing or punctuation) and aligned as
sequences (difflib's matching blocks: longest common runs, in order). A speech's first character
maps to the caption character it matched, or to the next matched one, and that character's time is
interpolated within its cue. A speech whose opening is not found in the captions (under MIN_SCORE
of its first OPENING characters matched) gets no time rather than a guessed one.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher

import duckdb

OPENING = 40
MIN_SCORE = 0.3
_DROP = re.compile(r"[\s、。，．,.・「」『』（）()〔〕［］\[\]！？!?…―ー－-]+")


def chars(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text or ""))


def caption_stream(cues: Sequence) -> tuple[str, list[float]]:
    """The captions' characters and the time of each (linear within its cue)."""
    out, times = [], []
    for cue in cues:
        start, end, text = (cue["start"], cue["end"], cue["text"]) if isinstance(cue, dict) else cue
        c = chars(text)
        for i, ch in enumerate(c):
            out.append(ch)
            times.append(float(start) + (float(end) - float(start)) * i / max(len(c), 1))
    return "".join(out), times


def align(cues: Sequence, speeches: Sequence[tuple[str, str]]) -> list[tuple[str, float, float]]:
    """[(speech_id, seconds, score)] for the speeches whose opening is found in the captions."""
    stream, times = caption_stream(cues)
    if not stream:
        return []
    starts, pieces, offset = [], [], 0
    for _, text in speeches:
        c = chars(text)
        starts.append((offset, len(c)))
        pieces.append(c)
        offset += len(c)
    minutes = "".join(pieces)
    blocks = [b for b in SequenceMatcher(None, minutes, stream, autojunk=False).get_matching_blocks() if b.size]
    ends = [b.a + b.size for b in blocks]
    matched = bytearray(len(minutes))
    for b in blocks:
        matched[b.a:b.a + b.size] = b"\x01" * b.size
    out = []
    for (speech_id, _), (start, length) in zip(speeches, starts, strict=True):
        window = min(length, OPENING)
        score = sum(matched[start:start + window]) / window if window else 0.0
        i = bisect.bisect_right(ends, start)
        if score < MIN_SCORE or i >= len(blocks):
            continue
        b = blocks[i]
        # Inside the block: the very character; before it (the opening was reworded): its first match,
        # stepped back by the unmatched characters between, so a reworded first word costs little.
        pos = b.b + (start - b.a) if b.a <= start else max(b.b - (b.a - start), 0)
        out.append((speech_id, round(times[min(pos, len(times) - 1)], 2), round(score, 3)))
    return out


def align_changed(con: duckdb.DuckDBPyConnection, segment_ids: list[str]) -> dict[str, int]:
    """Re-align the segments given, and those whose sitting's speeches this load changed."""
    counts = {"insert": 0, "update": 0, "noop": 0, "delete": 0}
    changed_sittings = "SELECT meeting_id FROM changed_sittings" if con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'changed_sittings'").fetchone()[0] else "SELECT NULL"
    targets = con.execute(f"""
        SELECT segment_id, captions, question_id, speech_id FROM video_segments
        WHERE captions IS NOT NULL AND speech_id IS NOT NULL
          AND (segment_id IN (SELECT unnest($s::VARCHAR[])) OR meeting_id IN ({changed_sittings}))
    """, {"s": segment_ids}).fetchall()
    for segment_id, cues, question_id, speech_id in targets:
        if question_id:
            speeches = con.execute("""
                SELECT s.speech_id, s.text FROM question_speeches qs JOIN speeches s USING (speech_id)
                WHERE qs.question_id = ? ORDER BY s.seq""", [question_id]).fetchall()
        else:
            speeches = con.execute("SELECT speech_id, text FROM speeches WHERE speech_id = ?", [speech_id]).fetchall()
        new = {sid: (sec, score) for sid, sec, score in align(cues, speeches)}
        old = dict(((sid, (sec, score)) for sid, sec, score in con.execute(
            "SELECT speech_id, seconds, score FROM video_speech_times WHERE segment_id = ?", [segment_id]).fetchall()))
        counts["insert"] += len(set(new) - set(old))
        counts["delete"] += len(set(old) - set(new))
        counts["update"] += sum(1 for k in set(new) & set(old) if new[k] != old[k])
        counts["noop"] += sum(1 for k in set(new) & set(old) if new[k] == old[k])
        if new != old:
            con.execute("DELETE FROM video_speech_times WHERE segment_id = ?", [segment_id])
            con.executemany("INSERT INTO video_speech_times VALUES (?, ?, ?, ?)",
                            [(segment_id, sid, sec, score) for sid, (sec, score) in new.items()])
    return counts
