"""Speeches → Parquet and → CSV with `pipeline.export`: seconds and peak memory; pandas as the peer.

    .venv/bin/python bench/export.py --speeches 1000000

Builds the demo council at that size (serve → crawl → load, as `make run` does) unless --db names
an existing database. Each export runs in its own child process, so its peak RSS
(getrusage ru_maxrss) is the export's alone, imports and datapackage.json (which hashes the file)
included. Peer, measured last in the same run on the same file and the same query: a plain
`pandas.read_sql → to_csv`. Targets (issue 8): Parquet ≤ 30 s, CSV ≤ 60 s, peak memory ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpus import build_demo  # noqa: E402

TARGETS = {"parquet": 30.0, "csv": 60.0}
RSS_TARGET_MB = 1024


def child(kind: str, db: Path, out: Path) -> None:
    """One measurement, printed as JSON on the last line."""
    started = time.monotonic()
    if kind == "pandas":
        import duckdb
        import pandas as pd

        from oshigiin.pipeline.sharing.export import select

        query, _ = select("speeches", fmt="csv")
        con = duckdb.connect(str(db), read_only=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas only blesses sqlite3 among DBAPI2 connections
            frame = pd.read_sql(query, con)
        path = out / "pandas-speeches.csv"
        frame.to_csv(path, index=False)
        rows, size = len(frame), path.stat().st_size
    else:
        from oshigiin.pipeline.sharing.export import export

        result = export(db, "speeches", kind, out / kind)
        rows, size = result.resources[0].rows, result.resources[0].path.stat().st_size
    seconds = time.monotonic() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss, "rows": rows, "bytes": size}))


def measure(kind: str, db: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--db", str(db), "--out", str(out)],
                          check=True, capture_output=True, text=True, cwd=REPO)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speeches", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="An existing database to export (skips the build).")
    parser.add_argument("--child", choices=["parquet", "csv", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.out)
        return

    work = Path(tempfile.mkdtemp(prefix="oshigiin-export-bench-"))
    db = args.db
    if db is None:
        db = build_demo(args.speeches, work)
    try:
        runs = {kind: measure(kind, db, work) for kind in ("parquet", "csv", "pandas")}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    for kind, r in runs.items():
        target = TARGETS.get(kind)
        verdict = "" if target is None else (
            " ok" if r["seconds"] <= target and r["rss_mb"] <= RSS_TARGET_MB else " OVER TARGET")
        print(f"{kind:<8} rows={r['rows']:,} seconds={r['seconds']:.1f} peak_rss_mb={r['rss_mb']:.0f} "
              f"file_mb={r['bytes'] / 1e6:,.0f}{verdict}")
    speeches = runs["parquet"]["rows"]
    peak = max(runs["parquet"]["rss_mb"], runs["csv"]["rss_mb"])
    ratio = runs["pandas"]["seconds"] / runs["csv"]["seconds"]
    print(f"pandas read_sql → to_csv took {ratio:.1f}x the time of the CSV export and "
          f"{runs['pandas']['rss_mb'] / runs['csv']['rss_mb']:.1f}x its peak memory")
    print(f"reproduce: .venv/bin/python bench/export.py --speeches {args.speeches}"
          + (f" --db {args.db}" if args.db else ""))
    print(f"export: speeches={speeches} parquet_s={runs['parquet']['seconds']:.1f} csv_s={runs['csv']['seconds']:.1f} "
          f"peak_rss_mb={peak:.0f} pandas_csv_s={runs['pandas']['seconds']:.1f} ratio={ratio:.1f}")


if __name__ == "__main__":
    main()
