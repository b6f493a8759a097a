"""The whole enrichment (threading + topics) over every sitting of a demo corpus; speeches/s, peak memory.

    .venv/bin/python bench/enrich.py --speeches 1000000

Builds the demo council at that size (serve → crawl → load, as `make run` does) unless --db names
an existing database, then re-runs the enrichment of every sitting on a copy of it. Peer, measured
in the same run on the same file: reading every speech in order (the floor for any enrichment).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpus import build_demo  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speeches", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="An existing database to enrich (skips the build).")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="oshigiin-enrich-"))
    os.environ["OSHIGIIN_DATA"] = str(work)

    from oshigiin.pipeline.publishing.db import SCHEMA, register_functions
    from oshigiin.pipeline.understanding.enrich import enrich

    db = args.db
    if db is None:
        db = build_demo(args.speeches, work)
    copy = work / "enrich.duckdb"
    shutil.copyfile(db, copy)

    con = duckdb.connect(str(copy), config={"memory_limit": "2GB"})
    con.execute(SCHEMA)
    register_functions(con)
    speeches = con.execute("SELECT count(*) FROM speeches").fetchone()[0]
    started = time.monotonic()
    con.execute("SELECT meeting_id, seq, speaker_name, speaker_role, kind, text FROM speeches "
                "ORDER BY meeting_id, seq").fetch_df()
    read_s = time.monotonic() - started

    ids = [r[0] for r in con.execute("SELECT meeting_id FROM meetings").fetchall()]
    started = time.monotonic()
    con.execute("BEGIN")
    counts = enrich(con, ids)
    con.execute("COMMIT")
    enrich_s = time.monotonic() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    con.close()
    shutil.rmtree(work, ignore_errors=True)

    print(f"sittings={counts['sittings']} questions={counts['questions']} topics={counts['topics']}")
    print(f"read_s={read_s:.1f} enrich_s={enrich_s:.1f} enrich/read={enrich_s / read_s:.1f}x")
    print(f"reproduce: .venv/bin/python bench/enrich.py --speeches {args.speeches}")
    print(f"enrich: speeches={speeches} speeches_per_s={speeches / enrich_s:,.0f} seconds={enrich_s:.0f} "
          f"peak_rss_mb={rss_mb:.0f}")


if __name__ == "__main__":
    main()
