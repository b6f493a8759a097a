"""Staging runs in the order they were started: a per-council sequence number, not a clock.

Which of two fetches of a sitting is newer was decided by `fetched_at`: equal times (two imports in
one second, or a file's mtime) tied arbitrarily, and clocks of two machines writing one staging
folder disagree. Each run now takes the next number of its council's sequence when it starts
(data/staging/.sequences/<council>, under a lock: beside the councils' folders, not in them, so
a council's folder holds only its runs); the run keeps it in `run.seq`. A load orders
runs by that number, and by `fetched_at` only within one run or among runs made before sequences
existed (number 0, older than any numbered run).
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path

from oshigiin.paths import staging_dir

SEQUENCES = ".sequences"
RUN_SEQ = "run.seq"


def run_seq(run_dir: Path) -> int:
    """The run's number in its council's sequence; 0 for a run made before sequences existed."""
    try:
        return int((run_dir / RUN_SEQ).read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        return 0


def new_run(council_code: str, spider: str, staging: Path | None = None) -> tuple[str, Path, int]:
    """Create the run's folder and give it the next number: (run_id, folder, number).

    The number is one past both the counter and every run already there, so a deleted counter
    (or a copied-in run) never makes a new run rank below an old one."""
    staging = Path(staging or staging_dir())
    council_dir = staging / council_code
    council_dir.mkdir(parents=True, exist_ok=True)
    (staging / SEQUENCES).mkdir(exist_ok=True)
    counter = staging / SEQUENCES / council_code
    with open(counter.with_name(council_code + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            last = int(counter.read_text(encoding="ascii").strip())
        except (FileNotFoundError, ValueError):
            last = 0
        last = max([last, *(run_seq(d) for d in council_dir.iterdir() if d.is_dir())])
        number = last + 1
        run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{spider}-{os.getpid()}"
        run = council_dir / run_id
        run.mkdir(parents=True, exist_ok=True)
        (run / RUN_SEQ).write_text(f"{number}\n", encoding="ascii")
        tmp = counter.with_name(f"{council_code}.{os.getpid()}.tmp")
        tmp.write_text(f"{number}\n", encoding="ascii")
        os.replace(tmp, counter)
    return run_id, run, number
