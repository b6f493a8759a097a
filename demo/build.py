"""Build the demo database the way a real council's is built: serve, crawl over HTTP, load.

Nothing bypasses the crawl: the generator's council is served on 127.0.0.1 in the DiscussNet
format and the real spider fetches it. The crawl runs in a child process because Scrapy's
reactor can start only once per process, and `demo build` should be callable from anywhere.

The server listens on the registry's port (8765) when it is free, because the records keep
their source URLs: `make run` serves the same council there again so that the dashboard's
links to the original minutes open. The parameters are kept in data/demo.json for that.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from oshigiin.demo import elections, votes
from oshigiin.demo.generator import DemoCouncil
from oshigiin.demo.server import DiscussNetServer
from oshigiin.jobs import load_and_publish
from oshigiin.paths import data_dir, staging_dir
from oshigiin.registry import find_council

CODE = "demo"


def registry_port() -> int:
    return urlsplit(find_council(CODE).base_url).port or 8765


def settings_path() -> Path:
    return data_dir() / "demo.json"


def saved_settings() -> dict:
    """What the last build used: the council to serve again for source links."""
    path = settings_path()
    return json.loads(path.read_text()) if path.exists() else {"speeches": 5000, "seed": 0}


def crawl_subprocess(base_url: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "oshigiin", "crawl", CODE, "--base-url", base_url, "--no-cache", "--no-load", *extra],
        env=dict(os.environ), capture_output=True, text=True, check=False,
    )


def _server(council: DemoCouncil, port: int | None) -> tuple[DiscussNetServer, str | None]:
    wanted = registry_port() if port is None else port
    try:
        return DiscussNetServer(council, port=wanted).start(), None
    except OSError as exc:
        note = (f"port {wanted} is busy ({exc.strerror}); serving on a free port instead, so the "
                "source links in this database will not open later")
        return DiscussNetServer(council, port=0).start(), note


def build(speeches: int = 5000, seed: int = 0, db: Path | None = None, port: int | None = None) -> Iterator[str]:
    """Yield progress lines; raise if the crawl fails. port=0 picks a free port (tests)."""
    council = DemoCouncil(speeches=speeches, seed=seed)
    # The demo's staging is generated data: a rebuild replaces it rather than adding to it.
    shutil.rmtree(staging_dir() / CODE, ignore_errors=True)
    started = time.monotonic()
    server, note = _server(council, port)
    with server:
        if note:
            yield f"warning: {note}"
        yield f"serving 架空区 (demo, {council.total_speeches():,} speeches) at {server.url}"
        result = crawl_subprocess(server.url)
        stances = votes.crawl_stance_pages(server.url) if result.returncode == 0 else ""  # demo/votes.py
        requests = len(server.request_log)
    if result.returncode != 0:
        raise RuntimeError(f"demo crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    yield result.stdout.strip()
    yield stances
    yield f"crawl: {time.monotonic() - started:.1f}s, {requests} requests"
    # The election commission of a fictional ward publishes nothing: its history is generated and
    # staged like a crawl's, so it goes through the real importer's validation at load.
    elections.write_files(council, staging_dir() / CODE / "elections-generated")
    report = yield from load_and_publish([CODE], db)
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(json.dumps({"speeches": speeches, "seed": seed, "url": server.url}))
    if report.db.exists():
        yield f"database: {report.db} ({report.db.stat().st_size / 1e6:.1f} MB)"
