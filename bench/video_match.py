"""Video ↔ minutes matching: precision and recall on the 名取 gold and on the demo; caption alignment error.

    .venv/bin/python bench/video_match.py [--speeches 2000] [--natori ../shared/fixtures/video/natori-jfit]

名取 (real identifiers): a published join of JFIT video links to DB-Search minutes anchors, per
member. The JFIT side becomes segments (member as printed, date, order = inquiry_id within the
day); each DB-Search document becomes a sitting (its date taken from the join: one document per
date, checked) whose questions are the anchors (#one:N) in voice order, named by member. The
matcher (pipeline/video.py, the code the load runs) gets the segments and the sittings, never the
join; a link is right when it names the document and anchor the join names. Segments whose minutes
the join does not name (not yet published when it was built) must stay unlinked: a link there is a
false positive.

Demo: the demo council is built (served, crawled by the real spiders, loaded) into a temporary
folder; demo/video.py knows which speech each segment records and when each captioned speech starts.

Peers measured in the same run: for matching, order only (the k-th segment of a sitting to its k-th
question, names ignored); for alignment, each speech placed by its share of the segment's characters.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.video import Question, Segment, Sitting, match, member_key, sittings_for  # noqa: E402

NATORI = REPO.parent / "shared" / "fixtures" / "video" / "natori-jfit"


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


def natori(folder: Path) -> list[str]:
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
    agree = total = 0
    for doc, anchors in docs.items():
        d = next(iter(doc_dates[doc]))
        listed = sorted((s for s in segments if s.date == d and gold[s.key]), key=lambda s: s.ordinal)
        video = [s.speaker for s in listed]
        agree += video == [n for _, n in sorted(anchors)]
        total += 1
    links = {x.segment: x.speech_id for x in match(segments, sittings)}
    peer = order_only(segments, sittings)
    p, r, c, made, wanted = pr(links, gold)
    pp, rr, cc, mm, _ = pr(peer, gold)
    false_on_unpublished = sum(1 for k, v in links.items() if v is not None and gold[k] is None)
    return [
        f"名取 (JFIT ↔ DB-Search, {len(segments)} segments of {len(members)} members, {wanted} with minutes anchors, "
        f"{len(docs)} documents)",
        f"  matcher (member + date + order): precision {p:.3f} recall {r:.3f} ({c}/{made} links right, "
        f"{wanted} in the join); links to segments without minutes: {false_on_unpublished}",
        f"  peer, order only:                precision {pp:.3f} recall {rr:.3f} ({cc}/{mm})",
        f"  video order = minutes order on {agree}/{total} days",
    ]


def demo(speeches: int, seed: int) -> list[str]:
    import duckdb

    from demo.generator import DemoCouncil
    from demo.video import DemoVideo

    with tempfile.TemporaryDirectory(prefix="video-bench-") as tmp:
        os.environ["OSHIGIIN_DATA"] = tmp
        os.environ["OSHIGIIN_DB"] = str(Path(tmp) / "bench.duckdb")
        os.environ.setdefault("OSHIGIIN_LOCAL_SERVERS", "127.0.0.1")
        from demo.build import build

        started = time.monotonic()
        for _ in build(speeches=speeches, seed=seed, port=0):
            pass
        built = time.monotonic() - started
        con = duckdb.connect(os.environ["OSHIGIIN_DB"], read_only=True)
        rows = con.execute("SELECT segment_id, meeting_id, speech_id, match FROM video_segments").fetchall()
        times = {(s, sp): sec for s, sp, sec in con.execute(
            "SELECT segment_id, speech_id, seconds FROM video_speech_times").fetchall()}
        texts = dict(con.execute("SELECT speech_id, text FROM speeches").fetchall())
        dates = {d for (d,) in con.execute("SELECT DISTINCT date FROM video_segments WHERE date IS NOT NULL")
                 .fetchall()}
        sittings = sittings_for(con, ["demo"], dates)
        segs = [Segment(*row) for row in con.execute(
            "SELECT segment_id, council_id, date, meeting, session, speaker_name, ordinal, platform "
            "FROM video_segments WHERE speaker_name <> '区長'").fetchall()]
        con.close()
    truth = {t["segment_id"]: t for t in DemoVideo(DemoCouncil(speeches=speeches, seed=seed)).truth()}
    got = {r[0]: r for r in rows}
    missing = sorted(set(truth) - set(got))
    true_sittings = {k: t["meeting_id"] for k, t in truth.items()}
    true_speeches = {k: t["speech_id"] for k, t in truth.items()}
    sp, sr, sc, sm, sw = pr({k: got[k][1] if k in got else None for k in truth}, true_sittings)
    qp, qr, qc, qm, qw = pr({k: got[k][2] if k in got else None for k in truth}, true_speeches)
    peer = order_only(segs, sittings)
    pp, rr, cc, mm, _ = pr({k: peer.get(k) for k in truth}, true_speeches)
    lines = [
        f"demo ({speeches} speeches, seed {seed}; built, crawled and loaded in {built:.1f}s): "
        f"{len(truth)} segments served, {len(got)} loaded, {len(missing)} missing",
        f"  sitting link:  precision {sp:.3f} recall {sr:.3f} ({sc}/{sm}, {sw} true)",
        f"  question link: precision {qp:.3f} recall {qr:.3f} ({qc}/{qm}, {qw} true)",
        f"  peer, order only: precision {pp:.3f} recall {rr:.3f} ({cc}/{mm})",
    ]
    errors, peer_errors, total = [], [], 0
    for key, t in truth.items():
        if not t.get("captioned"):
            continue
        true_times = t["times"]
        chars = {s: len(re.sub(r"\s", "", texts.get(s, ""))) for s in true_times}
        span = max(true_times.values()) + 1.0
        whole, acc = sum(chars.values()) or 1, 0
        for speech, true_start in sorted(true_times.items(), key=lambda x: x[1]):
            total += 1
            # The peer: the segment's time shared out by characters, from the known lead-in.
            peer_errors.append(abs(5.0 + (span - 5.0) * acc / whole - true_start))
            acc += chars[speech]
            if (key, speech) in times:
                errors.append(abs(times[(key, speech)] - true_start))
    if total:
        def q(xs, f):
            return statistics.quantiles(xs, n=10)[8] if f == "p90" and len(xs) > 1 else statistics.median(xs)
        lines.append(f"  captions: {len(errors)}/{total} speeches aligned; error median {q(errors, 'med'):.2f}s, "
                     f"p90 {q(errors, 'p90'):.2f}s, max {max(errors):.2f}s" if errors else "  captions: none aligned")
        lines.append(f"  peer, by character share: error median {q(peer_errors, 'med'):.2f}s, "
                     f"p90 {q(peer_errors, 'p90'):.2f}s, max {max(peer_errors):.2f}s")
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--speeches", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--natori", type=Path, default=NATORI)
    ap.add_argument("--skip-demo", action="store_true")
    args = ap.parse_args(argv)
    print("command: .venv/bin/python bench/video_match.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    if args.natori.exists():
        print("\n".join(natori(args.natori)))
    else:
        print(f"名取: {args.natori} is missing (real data lives in ../shared); skipped")
    if not args.skip_demo:
        print("\n".join(demo(args.speeches, args.seed)))


if __name__ == "__main__":
    main()
