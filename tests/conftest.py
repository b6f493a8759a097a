"""Shared test fixtures: real recorded pages from ../shared, temp data dirs, free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The tests' servers run on 127.0.0.1, a loopback address the crawler refuses unless told it is a
# server the project starts itself (crawler/offsite.py). Crawls in child processes inherit this.
os.environ.setdefault("OSHIGIIN_LOCAL_SERVERS", "127.0.0.1")
SHARED = REPO.parent / "shared"
MINUTES = SHARED / "fixtures" / "minutes-systems"


def require_shared(path: Path = MINUTES) -> Path:
    """Real recorded pages are read in place from ../shared; CI must have them."""
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI runs with ../shared beside the clone")
        pytest.skip(f"{path} is missing (real recorded pages live in ../shared, beside the repo)")
    return path


@pytest.fixture
def minutes_fixtures() -> Path:
    return require_shared()


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A private data/ for one test: staging, archive and database all under tmp_path."""
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("OSHIGIIN_DATA", str(d))
    monkeypatch.setenv("OSHIGIIN_DB", str(d / "oshigiin.duckdb"))
    return d


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_demo_db(work: Path, speeches: int = 1500) -> Path:
    """A demo council crawled and loaded as `make run` does it (a child process: Scrapy's reactor
    starts once per process), into work/oshigiin.duckdb with its data folder under work/data."""
    db = work / "oshigiin.duckdb"
    env = {**os.environ, "OSHIGIIN_DATA": str(work / "data")}
    env.pop("OSHIGIIN_DB", None)
    subprocess.run([sys.executable, "-m", "oshigiin", "demo", "build", "--speeches", str(speeches), "--db", str(db),
                    "--port", "0"], check=True, capture_output=True, cwd=REPO, env=env)
    return db
