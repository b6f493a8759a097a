"""The demo corpus every benchmark measures on, built as `make run` builds it (serve → crawl → load).

Built in a child process, so that the peak memory a benchmark reports is its own work alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def build_demo(speeches: int, work: Path) -> Path:
    """work/oshigiin.duckdb holding the demo council at `speeches` speeches (data under work/data)."""
    db = work / "oshigiin.duckdb"
    started = time.monotonic()
    built = subprocess.run([sys.executable, "-m", "oshigiin", "demo", "build", "--speeches", str(speeches),
                            "--db", str(db), "--port", "0"], capture_output=True, text=True, cwd=REPO,
                           env={**os.environ, "OSHIGIIN_DATA": str(work / "data")})
    if built.returncode != 0:
        sys.exit(f"demo build failed ({built.returncode}):\n{built.stdout[-2000:]}\n{built.stderr[-4000:]}")
    print(f"built the demo corpus in {time.monotonic() - started:.0f}s", flush=True)
    return db
