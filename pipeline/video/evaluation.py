"""Evaluating the video matcher (pipeline/video/segments.py): the 名取 gold read into segments and sittings,
precision and recall, and the order-only peer. Used by bench/video_match.py and the tests.

名取 (../shared/fixtures/video/natori-jfit, real identifiers): a published join of JFIT video links to
DB-Search minutes anchors, per member. The JFIT side becomes segments (member as printed, date, order
= inquiry_id within the day); each DB-Search document becomes a sitting (its date taken from the join:
one document per date, checked) whose questions are the join's anchors (#one:N) in voice order, named
by member. The matcher gets the segments and the sittings, never the join; a link is right when it
names the document and anchor the join names, and a link for a segment the join gives no minutes is
a false positive.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from oshigiin.pipeline.video.segments import Question, Segment, Sitting, match, member_key


def pr(predicted: dict, gold: dict) -> tuple[float, float, int, int, int]:
    """precision, recall, correct, predicted links, gold links (None: no link)."""
    made = {k: v for k, v in predicted.items() if v is not None}
    wanted = {k: v for k, v in gold.items() if v is not None}
    correct = sum(1 for k, v in made.items() if wanted.get(k) == v)
    return (correct / len(made) if made else 0.0, correct / len(wanted) if wanted else 0.0, correct, len(made),
            len(wanted))


def order_only(segments: list[Segment], sittings: list[Sitting]) -> dict[str, str | None]:
    """The peer: the k-th segment of a date to the k-th question of the date's only sitting."""
    by_day = defaultdict(list)
    for s in sittings:
        by_day[(s.council_id, s.date)].append(s)
    out, k = {}, defaultdict(int)
    for seg in sorted(segments, key=lambda s: (s.date, s.ordinal)):
        day = by_day.get((seg.council_id, seg.date), [])
        out[seg.key] = None
        if len(day) == 1:
            n = k[(seg.platform, seg.date)] = k[(seg.platform, seg.date)] + 1
            qs = day[0].questions
            out[seg.key] = qs[n - 1].speech_id if n <= len(qs) else None
    return out


@dataclass
class Gold:
    segments: list[Segment]
    sittings: list[Sitting]
    gold: dict[str, str | None]     # segment → "{document}#{anchor}", None: no minutes in the join
    members: int
    same_order_days: int            # days whose video order is the minutes' order


def natori_gold(folder: Path) -> Gold:
    members = {m["id"]: m for m in json.loads((folder / "members.json").read_text(encoding="utf-8"))["members"]}
    joined = json.loads((folder / "questions.json").read_text(encoding="utf-8"))["members"]
    segments, gold, docs = [], {}, defaultdict(list)
    doc_dates: dict[str, set] = defaultdict(set)
    for member_id, entries in joined.items():
        name = members[member_id]["name"]  # 「阿部 正義」: as printed, with its space
        for e in entries:
            inquiry = int(re.search(r"inquiry_id=(\d+)", e["url"]).group(1))
            day = date.fromisoformat(e["date"])
            segments.append(Segment(e["url"], "natori", day, None, e["assembly"], name, inquiry))
            gold[e["url"]] = None
            if m := re.search(r"Id=(\d+)#one:(\d+)", e.get("minutesUrl") or ""):
                doc, voice = m.group(1), int(m.group(2))
                gold[e["url"]] = f"{doc}#{voice}"
                docs[doc].append((voice, name))
                doc_dates[doc].add(day)
    assert all(len(d) == 1 for d in doc_dates.values()), "a document spans two dates"
    by_date = defaultdict(list)
    for doc, d in doc_dates.items():
        by_date[next(iter(d))].append(doc)
    assert all(len(v) == 1 for v in by_date.values()), "a date has two documents"
    sittings = []
    for doc, anchors in docs.items():
        sittings.append(Sitting(doc, "natori", next(iter(doc_dates[doc])), "本会議", None, None,
                                [Question(f"{doc}#{v}", f"{doc}#{v}", member_key(n)) for v, n in sorted(anchors)]))
    # Is the video's order the minutes' order? (inquiry_id within a day against the anchors' voice numbers)
    agree = 0
    for doc, anchors in docs.items():
        d = next(iter(doc_dates[doc]))
        listed = sorted((s for s in segments if s.date == d and gold[s.key]), key=lambda s: s.ordinal)
        video = [s.speaker for s in listed]
        agree += video == [n for _, n in sorted(anchors)]
    return Gold(segments, sittings, gold, len(members), agree)


def natori_scores(folder: Path) -> dict:
    g = natori_gold(folder)
    links = {x.segment: x.speech_id for x in match(g.segments, g.sittings)}
    p, r, c, made, wanted = pr(links, g.gold)
    pp, rr, cc, mm, _ = pr(order_only(g.segments, g.sittings), g.gold)
    return {"segments": len(g.segments), "members": g.members, "documents": len(g.sittings), "precision": p,
            "recall": r, "correct": c, "links": made, "gold": wanted, "same_order_days": g.same_order_days,
            "false_on_unpublished": sum(1 for k, v in links.items() if v is not None and g.gold[k] is None),
            "peer": {"precision": pp, "recall": rr, "correct": cc, "links": mm}}

