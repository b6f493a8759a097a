"""Concurrent use (issue 9.4): the dashboard keeps serving while a crawl and loads publish new
databases under it — no errors, and no stale handle: once a new file is published, the next
query answers from it.

Two levels: the dashboard's data layer read by several threads at once (as Streamlit serves
sessions) while publishes follow each other quickly, and the real `streamlit run` in a browser
while a crawl and a load publish.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
import time

import pytest

from oshigiin.pipeline.publishing.load import load, publish
from tests.dashboard_server import WAIT_MS, chromium, page_errors, serve_dashboard
from tests.faulty_server import FaultyServer, crawl
from tests.robust_checks import fingerprint, two_versions

READERS = 4
PUBLISHES = 8


def bump(n: int):
    """A publish that changes one thing: a fetch_log line, as any crawl's load adds."""
    def work(con) -> bool:
        con.execute("INSERT INTO fetch_log (run_id, council_id, spider, url, method, outcome, fetched_at) "
                    "VALUES (?, 'demo', 'test', ?, 'GET', 'ok', now())", [f"bump-{n}", f"http://127.0.0.1/{n}"])
        return True
    return work


def test_readers_never_fail_and_follow_every_publish(tmp_path, monkeypatch):
    from oshigiin.dashboard import data

    versions = two_versions()
    before, after = (fingerprint(versions[v])["speeches"][0] for v in ("previous", "new"))
    db = tmp_path / "oshigiin.duckdb"
    shutil.copyfile(versions["previous"], db)
    monkeypatch.setenv("OSHIGIIN_DB", str(db))
    monkeypatch.setenv("OSHIGIIN_DATA", str(versions["data"]))

    errors: list[BaseException] = []
    seen: list[int] = []  # the speeches each page view counted
    stop = threading.Event()

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            try:
                current = data.current_db()
                overview = data.load_overview(current).set_index("council_id").loc["demo"]
                # Fresh cache keys every time, so each call is a query on the current connection.
                data.load_members(current, "demo", query=str(rng.randrange(10**6)))
                data.load_questions_by_session(current, (f"demo:{rng.randrange(10**6)}",))
                seen.append(int(overview["speeches"]))
            except BaseException as exc:  # noqa: BLE001 - every failure a reader meets is the finding
                errors.append(exc)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(READERS)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.2)
        assert load(["demo"], db, versions["data"] / "staging").published  # the new data
        for n in range(PUBLISHES):
            assert publish(db, bump(n))
            time.sleep(0.05)
        time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert errors == [], f"{len(errors)} reader errors, first: {errors[0]!r}"
    assert set(seen) <= {before, after}
    assert len(seen) > 50

    # No stale handle: a query now answers from the file published last.
    final = data.current_db()
    assert data.load_overview(final).set_index("council_id").at["demo", "speeches"] == after
    with data._connect(*final).cursor() as cur:
        rows = cur.execute("SELECT count(*) FROM pub.fetch_log WHERE run_id LIKE 'bump-%'").fetchone()[0]
    assert rows == PUBLISHES
    print(f"\nconcurrent readers: {len(seen)} page loads by {READERS} threads across {PUBLISHES + 1} publishes, "
          f"0 errors")


def test_concurrent_searches_keep_working(monkeypatch):
    """Sessions search at the same time: the search page's query from several threads at once."""
    from oshigiin.dashboard import data

    monkeypatch.setenv("OSHIGIIN_DB", str(two_versions()["new"]))
    errors: list[BaseException] = []
    done: list[int] = []
    deadline = time.monotonic() + 3

    def searcher(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline and not errors:
            try:
                found = data.search(data.current_db(), rng.choice(["議会", "予算 OR 保育", "委員会 -予算"]),
                                    data.SearchFilters("demo"), limit=rng.randrange(1, 10**6))
                assert found is not None and found.total > 0
                done.append(found.total)
            except BaseException as exc:  # noqa: BLE001 - every failure a searcher meets is the finding
                errors.append(exc)

    threads = [threading.Thread(target=searcher, args=(i,), daemon=True) for i in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == [], f"{len(errors)} errors after {len(done)} searches, first: {errors[0]!r}"
    assert len(done) > 20


def shown_speeches(page, base: str) -> int:
    """Open the data page afresh, as a new visitor would, and read the speeches figure."""
    from playwright.sync_api import expect

    page.goto(f"{base}/data", wait_until="domcontentloaded")
    metric = page.get_by_test_id("stMetricValue").nth(1)
    expect(metric).to_be_visible(timeout=WAIT_MS)
    errors = page_errors(page)
    assert errors == [], errors
    return int(metric.inner_text().replace(",", ""))


@pytest.mark.browser
def test_the_dashboard_keeps_serving_while_a_crawl_and_a_load_publish(tmp_path):
    versions = two_versions()
    before, after = (fingerprint(versions[v])["speeches"][0] for v in ("previous", "new"))
    data_dir = tmp_path / "data"
    shutil.copytree(versions["data"] / "staging", data_dir / "staging")
    db = data_dir / "oshigiin.duckdb"
    shutil.copyfile(versions["previous"], db)
    env = {"OSHIGIIN_DATA": str(data_dir), "OSHIGIIN_DB": str(db)}
    work: dict[str, object] = {}

    def crawl_and_load() -> None:
        with FaultyServer(versions["council"]) as site:
            work["crawl"] = crawl(site.url, env=env)  # reads the published file for what it holds
        work["load"] = subprocess.run([sys.executable, "-m", "oshigiin", "load", "demo", "--db", str(db)],
                                      env={**os.environ, **env}, capture_output=True, text=True, timeout=300)

    with serve_dashboard(db, tmp_path) as (base, log), chromium() as browser:
        page = browser.new_page(locale="ja-JP")
        assert shown_speeches(page, base) == before
        worker = threading.Thread(target=crawl_and_load)
        worker.start()
        views = []
        while worker.is_alive():
            views.append(shown_speeches(page, base))
        worker.join()
        assert work["crawl"].returncode == 0 and work["load"].returncode == 0, work["load"].stderr[-2000:]
        # No stale handle: the first page opened after the publish shows the new data.
        assert shown_speeches(page, base) == after
        page.close()
        server_log = log.read_text(errors="replace")
    assert set(views) <= {before, after} and views, views
    assert "Traceback" not in server_log, server_log
    print(f"\ndashboard under a crawl and a load: {len(views) + 2} page loads, 0 errors, new data shown at once")
