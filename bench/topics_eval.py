"""Topic classifier against the hand-labelled set (data/labels/topics.csv, rules in docs/topics.md).

    .venv/bin/python bench/topics_eval.py [--split dev|test|all] [--show-errors]

Each labelled item names a recorded fixture in ../shared/fixtures and a locator; the text is read
through the project's own parsers, never copied into the repo:
  minute_id=N[;paras=a-b]  DiscussNet minute.json, discussnet.parse_minute, the speech with ext_minute_id N
  voice=N[;paras=a-b]      DB-Search page/detail, dbsearch.parse_detail, the voice with ext_minute_id N
  speech=N[;paras=a-b]     kensakusystem statements.txt, parse_statements (pipeline.segment), Nth speech
  huid=N                   VOICES huid-page.html, voices.parse_huid_page, that passage
  id=…                     poliinfo qa-summaries-sample.json: SubTopic (the item's heading) + QuestionSummary
  utt=a[-b]                poliinfo utterances JSON: utterances a..b (0-based, inclusive) joined
paras=a-b picks lines a..b (1-based) of the speech's non-empty lines.

Accuracy: the top topic is the gold primary or secondary; a 'none' item must get no topic at all.
top3: the gold (primary or secondary) is among the returned topics ('none': empty result).
The last line is the summary: `topics: n=… accuracy=… top3=… dev_accuracy=… test_accuracy=…`.
Exits 0 with a message when ../shared is missing.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FIXTURES = REPO.parent / "shared" / "fixtures"
LABELS = REPO / "data" / "labels" / "topics.csv"
COMMAND = ".venv/bin/python bench/topics_eval.py"


@cache
def _speeches(source: str) -> dict[str, dict]:
    """ext_minute_id → speech record, for a minutes fixture, read by the platform's parser."""
    from oshigiin.minutes.parsers import dbsearch, discussnet, kensakusystem

    body = (FIXTURES / source).read_bytes()
    if source.endswith("minute.json"):
        records = discussnet.parse_minute(body)["speeches"]
    elif source.endswith(".html"):
        records = dbsearch.parse_detail(body)["speeches"]
    elif source.endswith(".txt"):
        records = kensakusystem.parse_statements(body)["speeches"]
    else:
        raise ValueError(f"no parser for {source}")
    return {r["ext_minute_id"]: r for r in records}


@cache
def _json(source: str):
    return json.loads((FIXTURES / source).read_text(encoding="utf-8"))


def _span(value: str) -> tuple[int, int]:
    a, _, b = value.partition("-")
    return int(a), int(b or a)


def _lines(text: str, paras: str | None) -> str:
    if not paras:
        return text
    a, b = _span(paras)
    lines = [p.strip() for p in text.split("\n") if p.strip()]
    if not 1 <= a <= b <= len(lines):
        raise ValueError(f"paras={paras} outside 1..{len(lines)}")
    return "\n".join(lines[a - 1: b])


def resolve(source: str, locator: str) -> str:
    """The text one label points at (see the module docstring for the locator forms)."""
    loc = dict(part.split("=", 1) for part in locator.split(";"))
    if "huid" in loc:
        from oshigiin.minutes.parsers import voices

        return voices.parse_huid_page((FIXTURES / source).read_bytes(), loc["huid"]).text
    if "id" in loc:
        item = next(x for x in _json(source) if x["ID"] == loc["id"])
        return f"{item['SubTopic']}。{item['QuestionSummary']}"
    if "utt" in loc:
        a, b = _span(loc["utt"])
        return "\n".join(u["Utterance"] for u in _json(source)[a: b + 1])
    key = loc.get("minute_id") or loc.get("voice") or loc.get("speech")
    if key is None:
        raise ValueError(f"unknown locator {locator!r}")
    return _lines(_speeches(source)[key]["text"], loc.get("paras"))


def load_items(path: Path = LABELS) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["text"] = resolve(r["source"], r["locator"])
        r["golds"] = {g for g in (r["gold"], r["secondary"]) if g}
    return rows


def judge(item: dict, result: list[dict]) -> tuple[bool, bool]:
    """(top-1 correct, gold within the returned topics)."""
    if item["gold"] == "none":
        return not result, not result
    got = [r["topic"] for r in result]
    return bool(got) and got[0] in item["golds"], any(t in item["golds"] for t in got)


def evaluate(items: list[dict]) -> dict:
    from oshigiin.pipeline.understanding.topics import classify

    for it in items:
        it["result"] = classify(it["text"])
        it["top1"], it["top3"] = judge(it, it["result"])

    def acc(rows, key="top1"):
        return sum(r[key] for r in rows) / len(rows) if rows else float("nan")

    return {
        "n": len(items), "accuracy": acc(items), "top3": acc(items, "top3"),
        "dev_accuracy": acc([i for i in items if i["split"] == "dev"]),
        "test_accuracy": acc([i for i in items if i["split"] == "test"]),
        "dev_n": sum(i["split"] == "dev" for i in items), "test_n": sum(i["split"] == "test" for i in items),
    }


def per_topic(items: list[dict]) -> list[tuple[str, int, int, int, float, float]]:
    """(topic, gold count, predicted count, correct, precision, recall) on the top-1 prediction.

    A prediction counts as correct for its topic when it is the item's primary or secondary gold;
    recall is over items whose primary gold is the topic.
    """
    gold, pred, hit, hit_pred = Counter(), Counter(), Counter(), Counter()
    for it in items:
        p = it["result"][0]["topic"] if it["result"] else "none"
        gold[it["gold"]] += 1
        pred[p] += 1
        if it["top1"]:
            hit[it["gold"]] += 1
            hit_pred[p] += 1
    rows = []
    for t in sorted(set(gold) | set(pred)):
        prec = hit_pred[t] / pred[t] if pred[t] else float("nan")
        rec = hit[t] / gold[t] if gold[t] else float("nan")
        rows.append((t, gold[t], pred[t], hit[t], prec, rec))
    return rows


def confusion(items: list[dict]) -> list[tuple[str, str, int]]:
    """(gold primary, top-1 prediction, count) for the misses, most frequent first."""
    c = Counter()
    for it in items:
        if not it["top1"]:
            c[(it["gold"], it["result"][0]["topic"] if it["result"] else "none")] += 1
    return [(g, p, n) for (g, p), n in c.most_common()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "test", "all"), default="all", help="which half to report in detail")
    ap.add_argument("--show-errors", action="store_true", help="list every miss with its result")
    args = ap.parse_args(argv)
    if not FIXTURES.exists():
        print(f"topics eval skipped: {FIXTURES} is missing (the recorded fixtures live in ../shared)")
        return 0
    started = time.perf_counter()
    items = load_items()
    summary = evaluate(items)
    shown = items if args.split == "all" else [i for i in items if i["split"] == args.split]
    print(f"labelled items: {summary['n']} (dev {summary['dev_n']}, test {summary['test_n']}); "
          f"detail below for: {args.split}")
    print(f"{'topic':<20} {'gold':>5} {'pred':>5} {'hit':>5} {'prec':>6} {'recall':>6}")
    for t, g, p, h, prec, rec in per_topic(shown):
        print(f"{t:<20} {g:>5} {p:>5} {h:>5} {prec:>6.2f} {rec:>6.2f}")
    print("confusion (gold → predicted, misses only):")
    for g, p, n in confusion(shown):
        print(f"  {g:<20} → {p:<20} {n}")
    if args.show_errors:
        for it in shown:
            if not it["top1"]:
                got = [(r["topic"], r["score"], [e["term"] for e in r["evidence"][:4]]) for r in it["result"]]
                print(f"  MISS {it['item']} gold={it['gold']}/{it['secondary'] or '-'} got={got}")
    print(f"elapsed {time.perf_counter() - started:.2f}s; reproduce: {COMMAND}")
    print(f"topics: n={summary['n']} accuracy={summary['accuracy']:.3f} top3={summary['top3']:.3f} "
          f"dev_accuracy={summary['dev_accuracy']:.3f} test_accuracy={summary['test_accuracy']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
