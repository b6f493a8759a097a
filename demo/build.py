"""Build the demo database the way a real council's is built: serve, crawl over HTTP, load.

Nothing bypasses the crawl: the generator's council is served on 127.0.0.1 in the DiscussNet
format and the real spider fetches it. The crawl runs in a child process because Scrapy's
reactor can start only once per process, and `demo build` should be callable from anywhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from demo.generator import DemoCouncil
from demo.server import DiscussNetServer
from pipeline.load import load
from pipeline.paths import staging_dir

CODE = "demo"


def crawl_subprocess(base_url: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "oshigiin", "crawl", CODE, "--base-url", base_url, "--no-cache", "--no-load"],
        env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False,
    )


def build(speeches: int = 5000, seed: int = 0, db: Path | None = None) -> Iterator[str]:
    """Yield progress lines; raise if the crawl fails."""
    council = DemoCouncil(speeches=speeches, seed=seed)
    # The demo's staging is generated data: a rebuild replaces it rather than adding to it.
    shutil.rmtree(staging_dir() / CODE, ignore_errors=True)
    started = time.monotonic()
    with DiscussNetServer(council) as server:
        yield f"serving 架空区 (demo, {council.total_speeches():,} speeches) at {server.url}"
        result = crawl_subprocess(server.url)
        requests = len(server.request_log)
    if result.returncode != 0:
        raise RuntimeError(f"demo crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    yield result.stdout.strip()
    yield f"crawl: {time.monotonic() - started:.1f}s, {requests} requests"
    started = time.monotonic()
    report = load([CODE], db)
    yield report.summary()
    yield f"load: {time.monotonic() - started:.1f}s"
    if report.db.exists():
        yield f"database: {report.db} ({report.db.stat().st_size / 1e6:.1f} MB)"
