"""Video ↔ minutes matching: precision and recall on the 名取 gold and on the demo; caption alignment error.

    .venv/bin/python bench/video_match.py [--speeches 2000] [--natori ../shared/fixtures/video/natori-jfit]

名取 (real identifiers): a published join of JFIT video links to DB-Search minutes anchors, per
member. The JFIT side becomes segments (member as printed, date, order = inquiry_id within the
day); each DB-Search document becomes a sitting (its date taken from the join: one document per
date, checked) whose questions are the anchors (#one:N) in voice order, named by member. The
matcher (pipeline/video/segments.py, the code the load runs) gets the segments and the sittings, never the
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
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from oshigiin.demo.video import scores as demo_scores  # noqa: E402
from oshigiin.pipeline.video.evaluation import natori_scores  # noqa: E402

NATORI = REPO.parent / "shared" / "fixtures" / "video" / "natori-jfit"


def natori(folder: Path) -> list[str]:
    m = natori_scores(folder)
    return [
        f"名取 (JFIT ↔ DB-Search, {m['segments']} segments of {m['members']} members, {m['gold']} with minutes "
        f"anchors, {m['documents']} documents)",
        f"  matcher (member + date + order): precision {m['precision']:.3f} recall {m['recall']:.3f} "
        f"({m['correct']}/{m['links']} links right, {m['gold']} in the join); links to segments without minutes: "
        f"{m['false_on_unpublished']}",
        f"  peer, order only:                precision {m['peer']['precision']:.3f} recall {m['peer']['recall']:.3f} "
        f"({m['peer']['correct']}/{m['peer']['links']})",
        f"  video order = minutes order on {m['same_order_days']}/{m['documents']} days",
    ]


def demo(speeches: int, seed: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="video-bench-") as tmp:
        os.environ["OSHIGIIN_DATA"] = tmp
        os.environ["OSHIGIIN_DB"] = str(Path(tmp) / "bench.duckdb")
        os.environ.setdefault("OSHIGIIN_LOCAL_SERVERS", "127.0.0.1")
        from oshigiin.demo.build import build

        started = time.monotonic()
        for _ in build(speeches=speeches, seed=seed, port=0):
            pass
        built = time.monotonic() - started
        m = demo_scores(Path(os.environ["OSHIGIIN_DB"]), speeches, seed)
    lines = [
        f"demo ({speeches} speeches, seed {seed}; built, crawled and loaded in {built:.1f}s): "
        f"{m['served']} segments served, {m['loaded']} loaded, {m['missing']} missing",
        "  sitting link:  precision {precision:.3f} recall {recall:.3f} ({correct}/{links}, {gold} true)".format(
            **m["sitting"]),
        "  question link: precision {precision:.3f} recall {recall:.3f} ({correct}/{links}, {gold} true)".format(
            **m["question"]),
        "  peer, order only: precision {precision:.3f} recall {recall:.3f} ({correct}/{links})".format(**m["peer"]),
    ]
    a, p = m["alignment"], m["alignment_peer"]
    if a["speeches"]:
        lines.append(f"  captions: {a['aligned']}/{a['speeches']} speeches aligned; error median {a['median']:.2f}s, "
                     f"p90 {a['p90']:.2f}s, max {a['max']:.2f}s")
        lines.append(f"  peer, by character share: error median {p['median']:.2f}s, p90 {p['p90']:.2f}s, "
                     f"max {p['max']:.2f}s")
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
