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

from pipeline.load import load
from tests.robust_checks import fingerprint, stored_speeches, truth_speeches, two_versions

TRIALS = 20
# Ready means imported, with the kana dictionary (0.4 s) in memory: the kill lands in the load itself.
LOADER = """
import sys
from pipeline.load import load
from pipeline.normalize import reading
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
