"""Server-side render time of every dashboard page on the demo corpus; cold and cached.

    .venv/bin/python bench/dashboard.py --speeches 1000000

Builds the demo council at that size (serve → crawl → load, as `make run` does) unless --db names
an existing database, then renders each page with Streamlit's AppTest — the same script run a
browser session gets — with the parameters a person would bring: the most active member, the
longest sitting, a two-character search. "cold" is a fresh session with empty caches (the first
visitor after a publish); "warm", the peer measured in the same run, is the same page again with
st.cache_data hits: what is left is Streamlit's own work, so cold/warm is what the queries cost.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpus import build_demo  # noqa: E402

APP = REPO / "dashboard" / "app.py"
TARGET_S = 1.0


def _params(db: Path) -> dict[str, dict[str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        council = con.execute("SELECT council_id FROM councils ORDER BY council_id LIMIT 1").fetchone()[0]
        member = con.execute("""SELECT person_id FROM questions WHERE person_id IS NOT NULL
                                GROUP BY ALL ORDER BY count(*) DESC LIMIT 1""").fetchone()[0]
        follow = [r[0] for r in con.execute("""SELECT person_id FROM questions WHERE person_id IS NOT NULL
                                               GROUP BY ALL ORDER BY count(*) DESC LIMIT 3""").fetchall()]
        meeting = con.execute("SELECT meeting_id FROM speeches GROUP BY ALL ORDER BY count(*) DESC LIMIT 1"
                              ).fetchone()[0]
    _follow(follow)
    return {
        "home": {"council": council},
        "members": {"council": council},
        "member": {"council": council, "member": member},
        "search": {"council": council, "q": "保育"},
        "meetings": {"council": council, "meeting": meeting},
        "turnout": {"council": council},
        "data_page": {"council": council},
    }


BROWSER = "0" * 32  # the benchmark's browser: its follow list is stored as a resident's would be


def _follow(person_ids: list[str]) -> None:
    """The three most active members, followed by the benchmark's browser (dashboard/follows.py)."""
    from oshigiin.dashboard import follows

    with duckdb.connect(os.environ["OSHIGIIN_USER_DB"]) as con:
        con.execute(follows._SCHEMA)
        con.executemany("INSERT OR IGNORE INTO browser_follows VALUES (?, ?, now())",
                        [[BROWSER, p] for p in person_ids])


def _render(page: str, params: dict[str, str]) -> tuple[float, float]:
    """(cold, warm) seconds for one page: caches emptied before the timed run, as after a publish."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["browser-id"] = BROWSER
    at.query_params.update(params)
    if page != "home":
        at.run()  # the entry script lands on マイ推し first
        at.query_params.update(params)
        at.switch_page(f"views/{page}.py")
    st.cache_data.clear()
    started = time.perf_counter()
    at.run()
    cold = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    started = time.perf_counter()
    at.run()
    return cold, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speeches", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="An existing database (skips the build).")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="oshigiin-dashboard-"))
    os.environ["OSHIGIIN_DATA"] = str(work)
    os.environ["OSHIGIIN_USER_DB"] = str(work / "user.duckdb")
    db = args.db
    if db is None:
        db = build_demo(args.speeches, work)
    os.environ["OSHIGIIN_DB"] = str(db)
    with duckdb.connect(str(db), read_only=True) as con:
        speeches = con.execute("SELECT count(*) FROM speeches").fetchone()[0]

    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    pages = _params(db)
    # Imports (altair, pykakasi, the topic taxonomy) happen once per server process, not per visit.
    _render("member", pages["member"])
    results = {}
    for page, params in pages.items():
        results[page] = _render(page, params)
        cold, warm = results[page]
        print(f"{page:<10} cold_s={cold:.2f} warm_s={warm:.2f}")
    worst = max(c for c, _ in results.values())
    print(f"reproduce: .venv/bin/python bench/dashboard.py --speeches {args.speeches}")
    print(f"dashboard: speeches={speeches} " + " ".join(f"{p}_cold_s={c:.2f}" for p, (c, _) in results.items())
          + f" worst_cold_s={worst:.2f} target_s={TARGET_S}")


if __name__ == "__main__":
    main()
