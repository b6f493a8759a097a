"""Killed loads (issue 9.3): `kill -9` of a load at random moments, 20 times and more.

After every kill the published database opens and holds exactly the previous data or exactly the
new data (compared row for row, by fingerprint); a load run afterwards completes, and the result
has every speech once. The load runs in a child process that imports first and starts on a
signal, so the random moments fall in the load's work and not in Python's start-up.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

import pytest

from oshigiin.pipeline.publishing.load import load
from tests.robust_checks import fingerprint, stored_speeches, truth_speeches, two_versions

TRIALS = 20
# Ready means imported, with the kana dictionary (0.4 s) in memory: the kill lands in the load itself.
LOADER = """
import sys
from oshigiin.pipeline.publishing.load import load
from oshigiin.minutes.normalize import reading
reading("議会")
print("ready", flush=True)
sys.stdin.readline()
load(["demo"], sys.argv[1], sys.argv[2])
"""


@pytest.fixture(scope="module")
def loads():
    """A published database (the previous data) and staging holding more (the new data)."""
    return two_versions()


def warm_loader(db: Path, staging: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", LOADER, str(db), str(staging)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return child


def start(child: subprocess.Popen) -> float:
    assert child.stdout.readline().strip() == "ready"
    child.stdin.write("go\n")
    child.stdin.flush()
    return time.monotonic()


def building(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f".{db.name}.*.building"))


def test_kill_9_at_random_moments_leaves_the_previous_or_the_new_data(loads, tmp_path):
    previous_fp, new_fp = fingerprint(loads["previous"]), fingerprint(loads["new"])
    assert previous_fp != new_fp and previous_fp["speeches"][0] < new_fp["speeches"][0]
    staging = loads["data"] / "staging"
    db = tmp_path / "oshigiin.duckdb"

    # How long an uncut load takes, from its start signal to its exit. The trials run slower (the
    # next loaders import beside them), so the kills fall mostly inside the load's work.
    shutil.copyfile(loads["previous"], db)
    child = warm_loader(db, staging)
    began = start(child)
    assert child.wait(timeout=120) == 0
    whole = time.monotonic() - began
    assert fingerprint(db) == new_fp
    warm = deque(warm_loader(db, staging) for _ in range(2))  # importing while the trials run

    rng = random.Random(9)
    landed = {"before the copy": 0, "while building the copy": 0, "after publishing": 0}
    shutil.copyfile(loads["previous"], db)
    for trial in range(TRIALS):
        child = warm.popleft()
        start(child)
        warm.append(warm_loader(db, staging))
        time.sleep(rng.uniform(0, 1.2 * whole))
        in_flight = bool(building(db))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        state = fingerprint(db)  # opens: a half-written file would raise here
        assert state in (previous_fp, new_fp), f"trial {trial}: neither the previous nor the new data"
        phase = ("after publishing" if state == new_fp else "while building the copy" if in_flight
                 else "before the copy")
        landed[phase] += 1
        if state == new_fp:
            shutil.copyfile(loads["previous"], db)  # back to the previous data for the next trial
    for child in warm:
        child.kill()
        child.wait()
    print(f"\nkilled loads: {TRIALS} kills ({landed}), load time {whole:.2f} s")
    assert landed["while building the copy"] >= TRIALS // 4, landed  # the kills reached the critical part

    # A load run after all that completes, with every speech exactly once.
    done = subprocess.run([sys.executable, "-m", "oshigiin", "load", "demo", "--db", str(db)],
                          env={**os.environ, "OSHIGIIN_DATA": str(loads["data"])},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert fingerprint(db) == new_fp
    assert stored_speeches(db) == truth_speeches(loads["council"])


def test_a_load_clears_what_killed_loads_left_behind(loads, tmp_path):
    db = tmp_path / "oshigiin.duckdb"
    shutil.copyfile(loads["previous"], db)
    child = warm_loader(db, loads["data"] / "staging")
    start(child)
    deadline = time.monotonic() + 60
    while not building(db) and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.05)
    child.kill()
    child.wait()
    assert building(db), "the kill came too late to leave a copy"
    load(["demo"], db, loads["data"] / "staging")
    assert building(db) == [] and list(db.parent.glob("*.building.wal")) == []


STALE_WAL = """
import duckdb, os, signal, sys
con = duckdb.connect(sys.argv[1])
con.execute("SET wal_autocheckpoint = '1TB'")
con.execute("CREATE TABLE left_by_a_killed_load AS SELECT 1 AS x")  # committed to the WAL, never checkpointed
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_stale_wal_left_by_a_killed_load_with_the_same_pid_is_not_replayed(loads, tmp_path):
    """Process ids are reused: a killed load's copy and its WAL may sit exactly where the next load
    with the same pid builds its own. DuckDB replays a WAL it finds beside a database file, so that
    load would publish what the killed one had committed but never checkpointed."""
    db = tmp_path / "oshigiin.duckdb"
    shutil.copyfile(loads["previous"], db)
    mine = db.with_name(f".{db.name}.{os.getpid()}.building")  # the name publish() gives this process's copy
    shutil.copyfile(loads["previous"], mine)
    subprocess.run([sys.executable, "-c", STALE_WAL, str(mine)], check=False, timeout=60)
    assert mine.with_name(mine.name + ".wal").exists()
    load(["demo"], db, loads["data"] / "staging")
    assert "left_by_a_killed_load" not in fingerprint(db)
    assert fingerprint(db) == fingerprint(loads["new"])


# -- issue 14.7: a line cut short in any staging file -----------------------------------------------

def _meeting(schedule: str, text: str, fetched_at: str = "2024-03-01T00:00:00+00:00") -> dict:
    return {"council_id": "demo", "platform": "discussnet", "ext_council_id": "1", "ext_schedule_id": schedule,
            "title": f"第{schedule}回定例会", "kind": "本会議", "date": "2024-02-22",
            "source_url": f"http://x.invalid/{schedule}", "fetched_at": fetched_at, "attendance": [],
            "speeches": [{"ext_minute_id": "1", "seq": 1, "speaker_raw": "○議長（佐藤篤）", "speaker_name": "佐藤篤",
                          "speaker_role": "議長", "kind": "procedural", "text": text,
                          "source_url": f"http://x.invalid/{schedule}#1"}]}


def _lines(*records) -> str:
    import json

    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def test_a_cut_off_line_in_any_staging_file_is_skipped_and_counted(tmp_path):
    """Before: one cut-off fetch_log line failed every later load with
    `NOT NULL constraint failed: fetch_log.run_id` until the file was edited by hand."""
    import duckdb

    staging = tmp_path / "staging"
    run = staging / "demo" / "20240301T000000000000Z-discussnet-1"
    run.mkdir(parents=True)
    fetch = {"run_id": run.name, "council_id": "demo", "spider": "discussnet", "url": "http://x.invalid/1",
             "method": "GET", "request_body": None, "status": 200, "outcome": "ok", "reason": None,
             "archive_path": None, "fetched_at": "2024-03-01T00:00:00+00:00"}
    member = {"council_id": "demo", "name": "佐藤篤", "kana": None, "faction": None, "seat": 1,
              "source_url": "http://x.invalid/roster", "fetched_at": "2024-03-01T00:00:00+00:00"}
    import json

    cut = json.dumps(_meeting("3", "切れた"), ensure_ascii=False)[:150]
    (run / "meetings.ndjson").write_text(_lines(_meeting("1", "一つ目"), cut, _meeting("2", "二つ目"),
                                                '{"council_id": "demo"}', {**_meeting("5", ""), "speeches": "oops"}),
                                         encoding="utf-8")
    (run / "fetch_log.ndjson").write_text(_lines(fetch, json.dumps(fetch)[:40], [1, 2], "garbage"),
                                          encoding="utf-8")
    (run / "members.ndjson").write_text(_lines(member, json.dumps(member, ensure_ascii=False)[:30]),
                                        encoding="utf-8")
    db = tmp_path / "o.duckdb"
    report = load(["demo"], db, staging)
    print("\n" + report.summary())
    assert report.published
    assert report.skipped == {f"demo/{run.name}/meetings.ndjson": 3, f"demo/{run.name}/fetch_log.ndjson": 3,
                              f"demo/{run.name}/members.ndjson": 1}
    assert "skipped 3 malformed lines in demo/" in report.summary()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM meetings").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM fetch_log").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM people").fetchone()[0] == 1
    # A later load with another run beside it: not stopped by the old file, which is counted again.
    later = staging / "demo" / "20240302T000000000000Z-discussnet-2"
    later.mkdir()
    (later / "meetings.ndjson").write_text(_lines(_meeting("4", "四つ目")), encoding="utf-8")
    (later / "fetch_log.ndjson").write_text(_lines({**fetch, "run_id": later.name, "url": "http://x.invalid/4"}),
                                            encoding="utf-8")
    again = load(["demo"], db, staging)
    assert again.published and again.counts["meetings"]["insert"] == 1 and again.counts["fetch_log"]["insert"] == 1
    assert again.skipped[f"demo/{run.name}/fetch_log.ndjson"] == 3


def test_run_order_not_wall_clocks_decides_the_newer_fetch(tmp_path):
    """Two runs of one sitting: the second run's machine clock is an hour behind the first's.
    The run sequence (oshigiin/runs.py) says which came later."""
    import duckdb

    from oshigiin.runs import new_run

    staging = tmp_path / "staging"
    _, first, one = new_run("demo", "discussnet", staging)
    _, second, two = new_run("demo", "discussnet", staging)
    assert two == one + 1
    (first / "meetings.ndjson").write_text(_lines(_meeting("1", "最初の取得", "2024-03-01T12:00:00+00:00")),
                                           encoding="utf-8")
    (second / "meetings.ndjson").write_text(_lines(_meeting("1", "後の取得", "2024-03-01T11:00:00+00:00")),
                                            encoding="utf-8")
    db = tmp_path / "o.duckdb"
    load(["demo"], db, staging)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT text FROM speeches").fetchone()[0] == "後の取得"
    # A deleted counter never makes a new run rank below the runs already there.
    (staging / ".sequences" / "demo").unlink()
    # A council's folder holds only its runs (tests and crawler.run list them).
    assert sorted(p.name for p in (staging / "demo").iterdir()) == sorted([first.name, second.name])
    assert new_run("demo", "discussnet", staging)[2] == two + 1
