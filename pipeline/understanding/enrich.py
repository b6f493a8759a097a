"""Enrichment, the load's last stage: speeches → questions with their answers, and topics.

Runs inside a load, on the database being built, for the sittings whose speeches changed (or that
an older version of this stage enriched). Per sitting: thread the speeches into questions
(pipeline/understanding/questions.py), classify each question's text into topics with the evidence that matched
(pipeline/understanding/topics.py), and replace that sitting's rows. Bulk in, bulk out: one query reads the
sittings' speeches in order, DataFrames go back in one INSERT per table.
"""

from __future__ import annotations

import json
import re

import duckdb
import pandas as pd

from oshigiin.minutes.annotations import restore
from oshigiin.minutes.normalize import normalize_name
from oshigiin.pipeline.understanding.questions import question_id, thread_sitting
from oshigiin.pipeline.understanding.topics import classify, headline_terms

# Bump when threading or topics change: every sitting enriched by an older version is redone.
VERSION = "2"

_SPEECH_COLUMNS = ["meeting_id", "council_id", "speech_id", "seq", "speaker_raw", "speaker_name", "speaker_role",
                   "person_id", "kind", "text", "annotations", "source_url", "fetched_at"]


def pending(con: duckdb.DuckDBPyConnection, changed: str) -> list[str]:
    """Sittings to enrich: those the load changed (a subquery of meeting_ids) and stale ones."""
    return [r[0] for r in con.execute(f"""
        SELECT meeting_id FROM ({changed})
        UNION
        SELECT m.meeting_id FROM meetings m LEFT JOIN enrichment e USING (meeting_id)
        WHERE e.version IS DISTINCT FROM ?
    """, [VERSION]).fetchall()]


def _question_rows(meeting: pd.DataFrame, kind: str) -> tuple[list[dict], list[dict], list[dict]]:
    speeches = meeting.to_dict("records")
    for sp in speeches:
        notes = sp.pop("annotations")
        sp["printed"] = restore(sp["text"], list(notes)) if notes is not None and len(notes) else sp["text"]
    by_seq = {s["seq"]: s for s in speeches}
    meeting_id = speeches[0]["meeting_id"]
    questions, links, topics = [], [], []
    for q in thread_sitting(speeches, kind):
        qid = question_id(meeting_id, q["ordinal"])
        asked = _without_introduction("\n".join(by_seq[p["seq"]]["text"] for p in q["speeches"]
                                                if p["role"] in ("question", "requestion") and p["seq"] in by_seq),
                                      q["questioner"])
        first = by_seq.get(q["first_seq"], speeches[0])
        questions.append({
            "question_id": qid, "meeting_id": meeting_id, "council_id": first["council_id"],
            "ordinal": q["ordinal"], "form": q["form"], "style": q["style"], "questioner": q["questioner"],
            "person_id": q["person_id"], "first_seq": q["first_seq"], "last_seq": q["last_seq"],
            "items": json.dumps(q["items"], ensure_ascii=False), "answerers": json.dumps(q["answerers"],
                                                                                         ensure_ascii=False),
            "headline": " ".join(headline_terms(asked)), "source_url": first["source_url"],
            "fetched_at": first["fetched_at"],
        })
        for p in q["speeches"]:
            if p["seq"] in by_seq:
                links.append({"question_id": qid, "speech_id": by_seq[p["seq"]]["speech_id"], "seq": p["seq"],
                              "role": p["role"], "item": p.get("item")})
        for t in classify(asked):
            topics.append({"question_id": qid, "topic": t["topic"], "score": float(t["score"]),
                           "evidence": json.dumps(t["evidence"], ensure_ascii=False)})
    return questions, links, topics


_SENTENCE = re.compile(r"[^。\n]*[。\n]?")


def _without_introduction(text: str, questioner: str | None) -> str:
    """The question without the member introducing themselves (「区民クラブの佐藤花子です。」): their
    name and faction are not what they asked about, so not its headline or topic evidence."""
    if not questioner:
        return text
    name = normalize_name(questioner)
    out, head = [], 0
    for sentence in _SENTENCE.findall(text):
        head += 1
        if head <= 3 and len(sentence) < 80 and name in normalize_name(sentence):
            continue
        out.append(sentence)
    return "".join(out)


# Sittings per batch: memory stays flat however many sittings a load enriches.
BATCH = 200


def enrich(con: duckdb.DuckDBPyConnection, meeting_ids: list[str]) -> dict[str, int]:
    counts = {"sittings": 0, "questions": 0, "topics": 0}
    for start in range(0, len(meeting_ids), BATCH):
        batch = _enrich_batch(con, meeting_ids[start:start + BATCH])
        counts = {k: counts[k] + batch[k] for k in counts}
    return counts


def _enrich_batch(con: duckdb.DuckDBPyConnection, meeting_ids: list[str]) -> dict[str, int]:
    con.execute("CREATE OR REPLACE TEMP TABLE enrich_ids (meeting_id VARCHAR PRIMARY KEY)")
    con.execute("INSERT INTO enrich_ids SELECT unnest(?)", [meeting_ids])
    # fetched_at travels as ISO text (offset included): pandas' TIMESTAMPTZ conversion is deprecated.
    columns = ", ".join(f"s.{c}::VARCHAR AS {c}" if c == "fetched_at" else f"s.{c}" for c in _SPEECH_COLUMNS)
    speeches = con.execute(f"""
        SELECT {columns}, m.kind AS meeting_kind
        FROM speeches s JOIN enrich_ids USING (meeting_id) JOIN meetings m USING (meeting_id)
        ORDER BY s.meeting_id, s.seq
    """).df()
    questions, links, topics = [], [], []
    for _, meeting in speeches.groupby("meeting_id", sort=False):
        q, lk, t = _question_rows(meeting, meeting["meeting_kind"].iloc[0])
        questions += q
        links += lk
        topics += t
    for table in ("question_topics", "question_speeches"):
        con.execute(f"DELETE FROM {table} WHERE question_id IN "
                    "(SELECT question_id FROM questions JOIN enrich_ids USING (meeting_id))")
    con.execute("DELETE FROM questions WHERE meeting_id IN (SELECT meeting_id FROM enrich_ids)")
    for table, rows in (("questions", questions), ("question_speeches", links), ("question_topics", topics)):
        if rows:
            frame = pd.DataFrame(rows)  # noqa: F841 - read by DuckDB through its name
            cols = ", ".join(frame.columns)
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM frame")
    con.execute("DELETE FROM enrichment WHERE meeting_id IN (SELECT meeting_id FROM enrich_ids)")
    con.execute("INSERT INTO enrichment SELECT meeting_id, ? FROM enrich_ids", [VERSION])
    return {"sittings": len(meeting_ids), "questions": len(questions), "topics": len(topics)}
