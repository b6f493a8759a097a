"""Resource bounds (issue 9.6): an enormous page is capped and recorded, an enormous document is
loaded whole in bounded memory, and a disk that fills up during a load leaves the published
database as it was.

Disk-full is real where the tests run as root (a small tmpfs, ENOSPC); elsewhere it is simulated
with RLIMIT_FSIZE on the load's process (EFBIG on the write past the limit).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from oshigiin.crawler import settings as crawl_settings
from oshigiin.demo.generator import DemoCouncil
from oshigiin.pipeline.publishing.load import load
from tests.faulty_server import Body, FaultyServer, Huge, Rule, crawl
from tests.robust_checks import failures, fingerprint, form, stored_speeches, truth_speeches, two_versions

MINUTE = "/dnp/search/minutes/get_minute"
CAP = crawl_settings.DOWNLOAD_MAXSIZE
MB = 1024 * 1024


def test_the_download_cap_is_set_well_above_real_pages_and_far_below_memory():
    # The largest recorded page is 0.4 MB; Scrapy's own default is 1 GB per response.
    assert 8 * MB <= CAP <= 128 * MB and crawl_settings.DOWNLOAD_WARNSIZE < CAP


def test_an_enormous_page_is_abandoned_recorded_and_the_rest_kept(data_dir):
    council = DemoCouncil(60)
    sittings = council.meeting_ids()
    streamed, announced = sittings[1], sittings[2]
    rules = [Rule(MINUTE, Huge(3 * CAP, chunked=True), council_id=streamed[0], schedule_id=streamed[1]),
             Rule(MINUTE, Huge(2 * CAP), council_id=announced[0], schedule_id=announced[1])]
    with FaultyServer(council, rules) as server:
        result = crawl(server.url)  # the shipped settings: the real cap
    assert result.returncode == 0, result.stderr[-3000:]
    failed = {(form(f["request_body"])["council_id"], form(f["request_body"])["schedule_id"]): f
              for f in failures(data_dir)}
    assert set(failed) == {tuple(map(str, streamed)), tuple(map(str, announced))}
    for f in failed.values():
        assert f["outcome"] == "too_large" and f"{CAP:,}" in f["reason"] and f["url"].startswith(server.url)
    # Never held whole: the crawl's peak memory stays far below the page (3 × 64 MB streamed).
    assert result.max_rss_kb * 1024 < 2 * CAP + 300 * MB, result.max_rss_kb
    load(["demo"])
    assert stored_speeches(data_dir / "oshigiin.duckdb") == truth_speeches(council, skip={streamed, announced})
    print(f"\nenormous pages: {3 * CAP / MB:.0f} MB streamed and {2 * CAP / MB:.0f} MB announced, both capped at "
          f"{CAP / MB:.0f} MB and recorded; crawl peak RSS {result.max_rss_kb / 1024:.0f} MB")


LOAD_RSS = """
import re, sys
from oshigiin.pipeline.publishing.load import load
load(["demo"], sys.argv[1])
print(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
"""


def test_an_enormous_document_under_the_cap_is_loaded_whole_in_bounded_memory(data_dir):
    council = DemoCouncil(40)
    target = council.meeting_ids()[0]
    words = "議会の記録を読む。" * 110_000  # 1M characters, 3 MB: longer than any real sitting's speech

    def enormous(body: bytes) -> bytes:
        minute = json.loads(body)
        last = minute["tenant_minutes"][-1]
        last["body"] = last["body"].replace("</pre>", words + "</pre>")
        return json.dumps(minute, ensure_ascii=False).encode()

    with FaultyServer(council, [Rule(MINUTE, Body(enormous), council_id=target[0], schedule_id=target[1])]) as server:
        result = crawl(server.url)
    assert result.returncode == 0 and result.runs[0]["failures"] == 0, result.stderr[-3000:]
    db = data_dir / "oshigiin.duckdb"
    child = subprocess.run([sys.executable, "-c", LOAD_RSS, str(db)], capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-3000:]
    peak = int(child.stdout.split()[-1]) * 1024
    stored = stored_speeches(db)
    longest = max(stored.values(), key=len)
    assert longest.endswith(words) and len(stored) == len(truth_speeches(council))
    # Measured 2026-11: ~360 MB for a small load, ~550 MB with this speech (the load's memory grows
    # ~65 bytes per byte of its largest speech, search index included). A gigabyte is the bound.
    assert peak < 1024 * MB, f"{peak / MB:.0f} MB"
    print(f"\nenormous document: a {len(words.encode()) / MB:.0f} MB speech loaded whole, "
          f"load peak RSS {peak / MB:.0f} MB")


# -- disk full ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def versions():
    """Staging for a load, the database before it, and the database after it."""
    return two_versions()


def run_load(db: Path, data: Path, file_limit: int | None = None) -> subprocess.CompletedProcess:
    def limit():
        if file_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), not the process
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run([sys.executable, "-m", "oshigiin", "load", "demo", "--db", str(db)],
                          env={**os.environ, "OSHIGIIN_DATA": str(data)}, preexec_fn=limit,
                          capture_output=True, text=True, timeout=300)


def leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.startswith(f".{db.name}."))


class FullDisk:
    """Room for `budget` bytes beside the published file: a tmpfs that size where the tests run as
    root and may mount (ENOSPC), else a file-size limit on the load's process (EFBIG)."""

    def __init__(self, tmp_path: Path, published: Path, budget: int):
        self.dir, self.budget, self.mounted = tmp_path / "disk", budget, False
        self.dir.mkdir()
        if os.geteuid() == 0:
            size = published.stat().st_size + budget
            done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "oshigiin-test", str(self.dir)],
                                  capture_output=True, check=False)
            self.mounted = done.returncode == 0
        self.db = self.dir / "oshigiin.duckdb"
        shutil.copyfile(published, self.db)
        self.error = "No space left on device" if self.mounted else "File too large"

    def load(self, data: Path) -> subprocess.CompletedProcess:
        return run_load(self.db, data, None if self.mounted else self.budget)

    def free(self) -> None:
        for stale in leftovers(self.db):
            (self.dir / stale).unlink()
        if self.mounted:
            subprocess.run(["mount", "-o", f"remount,size={64 * MB}", str(self.dir)], check=True)
        self.budget = 64 * MB

    def close(self) -> None:
        if self.mounted:
            subprocess.run(["umount", str(self.dir)], check=False)


BUDGETS = {  # room for: half a copy of the database, or a copy and a quarter of what the load adds
    "while copying the database": lambda previous, new: previous // 2,
    "while writing the load": lambda previous, new: previous + (new - previous) // 4,
}


@pytest.fixture(params=sorted(BUDGETS))
def full_disk(request, versions, tmp_path):
    disk = FullDisk(tmp_path, versions["previous"], BUDGETS[request.param](*versions["sizes"]))
    yield disk
    disk.close()


def test_a_full_disk_during_a_load_leaves_the_published_database_intact(versions, full_disk):
    before = fingerprint(full_disk.db)
    failed = full_disk.load(versions["data"])
    assert failed.returncode != 0 and full_disk.error in failed.stderr, failed.stderr[-2000:]
    assert fingerprint(full_disk.db) == before  # opens, and holds exactly what it held
    full_disk.free()
    assert full_disk.load(versions["data"]).returncode == 0
    assert fingerprint(full_disk.db) == fingerprint(versions["new"])
    print(f"\nfull disk ({'tmpfs' if full_disk.mounted else 'RLIMIT_FSIZE'}): failed load, published file intact")


def test_a_failed_load_leaves_no_partial_files(versions, full_disk):
    assert full_disk.load(versions["data"]).returncode != 0
    assert leftovers(full_disk.db) == []


def test_a_decompression_bomb_is_recorded_as_too_large(data_dir, tmp_path):
    """A small gzip body (Content-Encoding: gzip) that expands past DOWNLOAD_MAXSIZE: abandoned while
    decompressing and recorded as too_large with the cap. Before: recorded as network_error."""
    import gzip

    from tests.recorded_site import RecordedSite, Route
    from tests.registry import write_registry

    bomb = gzip.compress(b"<html>" + b" " * (2 * CAP), compresslevel=9)
    roster = "/gikai/meibo.html"
    with RecordedSite([Route("GET", roster, body=bomb, headers={"Content-Encoding": "gzip"})]) as site:
        registry = write_registry(tmp_path, code="bomb", name="爆弾市", roster_url=f"{site.url}{roster.lstrip('/')}",
                                  download_delay=0.0)
        env = {**os.environ, "OSHIGIIN_COUNCILS": registry}
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "roster", "-a", "council=bomb",
                                 "-s", "RETRY_TIMES=0"], cwd=Path(__file__).resolve().parents[1], env=env,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    [failed] = failures(data_dir, "bomb")
    assert failed["outcome"] == "too_large" and f"{CAP:,}" in failed["reason"], failed
    assert "decompressing" in failed["reason"] and failed["url"] == f"{site.url}{roster.lstrip('/')}"
    print(f"\ndecompression bomb: {len(bomb) / 1024:.0f} KB gzip expanding to {2 * CAP / MB:.0f} MB, "
          f"recorded as too_large at the {CAP / MB:.0f} MB cap")
