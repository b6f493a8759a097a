"""Long crawls that tell you where they are, and notice missing data (issue 16.4).

Real crawls by `oshigiin crawl` of the demo council's minutes served on 127.0.0.1
(tests/faulty_server.py), as a council of its own; the site "shrinks" by hiding 会議 from its index.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

from oshigiin.demo.generator import DemoCouncil
from tests.faulty_server import Body, FaultyServer, Rule
from tests.registry import write_registry
from tests.robust_checks import read_only
from tests.test_robust_fresh import INDEX, meetings_held, without


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """The demo's minutes as a council of their own (as in tests/test_robust_fresh.py), no delay."""
    def write(server):
        monkeypatch.setenv("OSHIGIIN_COUNCILS", write_registry(
            tmp_path, code="fresh", name="新鮮区", platform="discussnet", base_url=server.url, tenant="demo",
            roster_url=f"{server.url}gikai/meibo.html", download_delay=0.0))

    return write


def crawl_cli(url: str, *flags: str, tty: bool = False) -> tuple[subprocess.CompletedProcess, str]:
    """`oshigiin crawl fresh`; with tty=True its stderr is a terminal (a pty) and is returned as read."""
    env = dict(os.environ, OSHIGIIN_PROGRESS_INTERVAL="0.05")
    cmd = [sys.executable, "-m", "oshigiin", "crawl", "fresh", "--base-url", url, *flags]
    if not tty:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        return done, done.stderr
    parent, child = pty.openpty()
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=child, text=True) as proc:
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(parent, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        out = proc.stdout.read()
        proc.wait(timeout=120)
    os.close(parent)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, ""), b"".join(chunks).decode("utf-8", "replace")


def progress_lines(stderr: str) -> list[str]:
    return [line for line in stderr.replace("\r", "\n").splitlines() if "sittings listed" in line and "ETA" in line]


def test_a_crawl_shows_its_progress_on_a_terminal_and_one_summary_line_otherwise(data_dir, registry):
    council = DemoCouncil(60)
    n = len(council.meeting_ids())
    with FaultyServer(council, []) as server:
        registry(server)
        # On a terminal: one line rewritten in place while the crawl runs.
        tty, err = crawl_cli(server.url, tty=True)
        assert tty.returncode == 0, err[-3000:]
        assert "\r" in err and "\x1b[K" in err
        lines = [s for s in progress_lines(err) if s.startswith("discussnet:")]
        assert len(lines) >= 2, lines  # updates while running, then the final line
        assert f"discussnet: {n} sittings listed, 0 already held, {n} fetched, 0 failed" in lines[-1]
        assert "ETA 0:00 (finished)" in lines[-1]

        # Otherwise (a pipe, a log): one summary line per spider, no terminal control.
        piped, err = crawl_cli(server.url, "--full")
    assert piped.returncode == 0, err[-3000:]
    assert "\r" not in err and "\x1b[K" not in err
    summaries = [s for s in progress_lines(err) if s.startswith("discussnet:")]
    assert len(summaries) == 1, summaries
    assert f"discussnet: {n} sittings listed, 0 already held, {n} fetched, 0 failed" in summaries[0]
    requests = int(summaries[0].split(" requests")[0].rsplit(" ", 1)[1])
    assert requests >= n + 2  # robots.txt, the index, every sitting
    print(f"\nprogress: {len(lines)} updates on a terminal, last: {lines[-1]!r}")


def test_a_crawl_that_lists_under_half_is_suspect_and_the_load_keeps_what_was_held(data_dir, registry):
    council = DemoCouncil(60)
    sittings = council.meeting_ids()
    hidden = {c for c, _ in sittings[2:]}  # the site's index loses all but two 会議
    with FaultyServer(council, []) as server:
        registry(server)
        first, err = crawl_cli(server.url)
        assert first.returncode == 0, err[-3000:]
        assert "SUSPECT" not in first.stdout
        held = meetings_held(data_dir)
        assert held == len(sittings)
        server.set_rules([Rule(INDEX, Body(without(hidden)))])
        second, err = crawl_cli(server.url)
    assert second.returncode == 0, err[-3000:]
    assert "SUSPECT: 新鮮区's discussnet crawl" in second.stdout, second.stdout
    assert "sittings listed: 2, the previous successful run" in second.stdout
    # The run is marked in its run.json, with the run it was compared with.
    runs = [json.loads(p.read_text()) for p in (data_dir / "staging" / "fresh").glob("*/run.json")]
    suspect = [r for r in runs if r.get("suspect")]
    assert len(suspect) == 1 and suspect[0]["listed"] == 2 and suspect[0]["spider"] == "discussnet"
    # The load deletes no sitting the previous run had (meetings are never in a load's delete scope).
    assert meetings_held(data_dir) == held
    status = subprocess.run([sys.executable, "-m", "oshigiin", "status"], capture_output=True, text=True,
                            timeout=60, env=dict(os.environ))
    assert status.returncode == 0, status.stderr
    assert "SUSPECT: the latest discussnet crawl" in status.stdout
    assert "The sittings held before are kept, not deleted" in status.stdout
    print(f"\ndrop alarm: listed {len(sittings)} → 2; held before {held}, after {meetings_held(data_dir)}")


def test_a_later_healthy_crawl_clears_the_alarm(data_dir, registry):
    council = DemoCouncil(60)
    sittings = council.meeting_ids()
    hidden = {c for c, _ in sittings[2:]}
    with FaultyServer(council, []) as server:
        registry(server)
        assert crawl_cli(server.url)[0].returncode == 0
        server.set_rules([Rule(INDEX, Body(without(hidden)))])
        assert "SUSPECT" in crawl_cli(server.url)[0].stdout
        server.set_rules([])  # the index is whole again; compared with the last run that was not suspect
        healthy = crawl_cli(server.url)[0]
    assert healthy.returncode == 0
    assert "SUSPECT" not in healthy.stdout
    status = subprocess.run([sys.executable, "-m", "oshigiin", "status"], capture_output=True, text=True,
                            timeout=60, env=dict(os.environ))
    assert "SUSPECT" not in status.stdout, status.stdout


MINUTE = "/dnp/search/minutes/get_minute"


def first_entries(n: int):
    """A minutes answer cut to its first n entries: a site (or a parser) that lost most speeches."""
    def cut(body: bytes) -> bytes:
        doc = json.loads(body)
        doc["tenant_minutes"] = doc["tenant_minutes"][:n]
        return json.dumps(doc, ensure_ascii=False).encode()

    return cut


def speeches_held(data_dir) -> int:
    con = read_only(data_dir / "oshigiin.duckdb")
    try:
        return con.execute("SELECT count(*) FROM speeches").fetchone()[0]
    finally:
        con.close()


def test_sittings_back_with_under_half_their_speeches_are_not_loaded(data_dir, registry):
    council = DemoCouncil(60)
    with FaultyServer(council, []) as server:
        registry(server)
        first, err = crawl_cli(server.url)
        assert first.returncode == 0, err[-3000:]
        speeches = speeches_held(data_dir)
        assert speeches > 0
        server.set_rules([Rule(MINUTE, Body(first_entries(3)))])
        second, err = crawl_cli(server.url, "--full")  # every sitting fetched again, each cut short
    assert second.returncode != 0
    assert "speeches per fetched sitting" in second.stdout, second.stdout
    assert "not loaded" in err and "oshigiin load fresh" in err, err[-2000:]
    assert speeches_held(data_dir) == speeches  # nothing replaced
    status = subprocess.run([sys.executable, "-m", "oshigiin", "status"], capture_output=True, text=True,
                            timeout=60, env=dict(os.environ))
    assert "SUSPECT" in status.stdout and "speeches per fetched sitting" in status.stdout
    print(f"\nspeech drop: {speeches} speeches held before and after a crawl that brought back under half")
