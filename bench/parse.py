"""Parse throughput per platform on the real recorded pages in ../shared/fixtures.

    .venv/bin/python bench/parse.py

For each page: MB/s of our parser, and of a peer measured in the same run on the same bytes —
the bare decode-and-parse any parser of that page must do (json.loads for JSON, lxml for HTML,
decode + line split for text). The ratio peer/ours says how much our extraction costs on top.
Pages are fed as the live servers send them: cp932 for VOICES and kensakusystem.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import lxml.html

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FIXTURES = REPO.parent / "shared" / "fixtures" / "minutes-systems"


def throughput(fn, body: bytes, min_seconds: float = 0.3) -> float:
    """MB/s, repeating the call until min_seconds have passed."""
    fn(body)
    runs, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < min_seconds:
        fn(body)
        runs += 1
    return len(body) * runs / elapsed / 1e6


def html_peer(body: bytes):
    return lxml.html.fromstring(body)


def json_peer(body: bytes):
    return json.loads(body)


def text_peer(body: bytes):
    return body.decode("cp932", errors="replace").splitlines()


def cases():
    from oshigiin.minutes.parsers import discussnet, kensakusystem, textfile, voices

    for variant in ("saas", "smart"):
        d = FIXTURES / "discussnet-ssp" / variant
        yield "discussnet", f"{variant}/councils", discussnet.parse_councils, d / "councils.json", "utf-8", json_peer
        yield "discussnet", f"{variant}/minute", discussnet.parse_minute, d / "minute.json", "utf-8", json_peer
    for variant in ("standard", "asp"):
        d = FIXTURES / "gijiroku-com" / variant
        yield "voices", f"{variant}/search-result", voices.parse_meeting_list, d / "search-result.html", "cp932", \
            html_peer
        yield "voices", f"{variant}/sidebar", voices.parse_sidebar, d / "sidebar.html", "cp932", html_peer
        yield "voices", f"{variant}/huid-page", voices.parse_huid_page, d / "huid-page.html", "cp932", html_peer
    for variant in ("sapphire", "index-html"):
        d = FIXTURES / "kensakusystem" / variant
        yield "kensakusystem", f"{variant}/tree", kensakusystem.parse_tree, d / "tree.html", "cp932", html_peer
        yield "kensakusystem", f"{variant}/speakers", kensakusystem.parse_speakers, d / "speakers.html", "cp932", \
            html_peer
        yield "kensakusystem", f"{variant}/statements", kensakusystem.parse_statements, d / "statements.txt", \
            "cp932", text_peer
        yield "text import", f"{variant}/statements", textfile.parse_text_minutes, d / "statements.txt", "cp932", \
            text_peer
    try:
        from oshigiin.minutes.parsers import dbsearch
    except ImportError:
        return
    for d in sorted(p for p in (FIXTURES / "dbsearch").iterdir() if p.is_dir()):
        for name, fn in (("search-result.html", dbsearch.parse_search_result), ("detail.html", dbsearch.parse_document),
                         ("page.html", dbsearch.parse_document)):
            if (d / name).exists():
                yield "dbsearch", f"{d.name}/{name.removesuffix('.html')}", fn, d / name, "utf-8", html_peer


def main() -> None:
    if not FIXTURES.exists():
        sys.exit(f"{FIXTURES} is missing: the recorded pages live in ../shared beside the repository")
    totals: dict[str, list[float]] = {}
    print(f"{'platform':<14}{'page':<34}{'KB':>7}{'MB/s':>9}{'peer MB/s':>11}{'peer/ours':>10}")
    for platform, page, fn, path, encoding, peer in cases():
        body = path.read_text(encoding="utf-8").encode(encoding)
        ours, theirs = throughput(fn, body), throughput(peer, body)
        totals.setdefault(platform, []).append(ours)
        print(f"{platform:<14}{page:<34}{len(body) / 1e3:>7.0f}{ours:>9.1f}{theirs:>11.1f}{theirs / ours:>10.1f}")
    summary = " ".join(f"{p.replace(' ', '_')}={min(v):.1f}" for p, v in totals.items())
    print("reproduce: .venv/bin/python bench/parse.py")
    print(f"parse_mb_s_min: {summary}")


if __name__ == "__main__":
    main()
