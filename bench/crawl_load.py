"""Crawl and load the demo council at a given size; print the numbers.

    .venv/bin/python bench/crawl_load.py --speeches 100000

Peer, measured in the same run on the same staging files: a bare DuckDB scan that reads every
line and unnests every speech (the floor for any load). The ratio load_s / scan_s says how much
the load adds on top of reading its input; absolute seconds on these shared machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speeches", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, help="Keep the data here (default: a temp dir).")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="oshigiin-bench-"))
    os.environ["OSHIGIIN_DATA"] = str(work)
    os.environ["OSHIGIIN_DB"] = str(work / "oshigiin.duckdb")

    from oshigiin.demo.build import CODE, crawl_subprocess
    from oshigiin.demo.generator import DemoCouncil
    from oshigiin.demo.server import DiscussNetServer
    from oshigiin.paths import staging_dir
    from oshigiin.pipeline.publishing.load import load

    council = DemoCouncil(speeches=args.speeches)
    started = time.monotonic()
    with DiscussNetServer(council) as server:
        result = crawl_subprocess(server.url)
        requests = len(server.request_log)
    crawl_s = time.monotonic() - started
    if result.returncode:
        sys.exit(result.stderr[-2000:])

    files = sorted(str(p) for p in (staging_dir() / CODE).glob("*/meetings.ndjson"))
    staged_mb = sum(Path(f).stat().st_size for f in files) / 1e6
    started = time.monotonic()
    scanned = duckdb.sql(
        f"SELECT count(*) FROM (SELECT unnest(speeches) FROM read_json({files}, format='newline_delimited'))"
    ).fetchone()[0]
    scan_s = time.monotonic() - started

    started = time.monotonic()
    report = load([CODE])
    load_s = time.monotonic() - started
    started = time.monotonic()
    again = load([CODE])
    reload_s = time.monotonic() - started
    assert not again.published and scanned == report.counts["speeches"]["insert"] == council.total_speeches()

    db_mb = report.db.stat().st_size / 1e6
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"speeches={scanned} meetings={report.counts['meetings']['insert']} requests={requests}")
    print(f"crawl_s={crawl_s:.1f} ({scanned / crawl_s:,.0f} speeches/s) staged_mb={staged_mb:.1f}")
    print(f"load_s={load_s:.2f} scan_s={scan_s:.2f} load/scan={load_s / scan_s:.1f}x noop_reload_s={reload_s:.2f}")
    print(f"db_mb={db_mb:.1f} peak_rss_mb={rss_mb:.0f} (this process: load, not crawl)")
    print(f"reproduce: .venv/bin/python bench/crawl_load.py --speeches {args.speeches}")


if __name__ == "__main__":
    main()
