"""Politeness under test (issue 9.7): robots.txt obeyed, the per-host rate measured on a local
server with the delay a real council gets, and the project's User-Agent on every request."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from oshigiin.crawler import settings as crawl_settings
from oshigiin.demo.generator import DemoCouncil
from oshigiin.registry import find_council
from tests.faulty_server import FaultyServer, Reset, Rule, Stall, Status, crawl
from tests.registry import write_registry
from tests.robust_checks import failures

MINUTE = "/dnp/search/minutes/get_minute"


def test_robots_txt_is_obeyed_for_our_user_agent(data_dir):
    council = DemoCouncil(60)
    # Our own group forbids the minutes; the catch-all group would allow everything.
    robots = "User-agent: oshigiin\nDisallow: /dnp/search/minutes/get_minute\n\nUser-agent: *\nAllow: /\n"
    with FaultyServer(council, robots=robots) as server:
        result = subprocess.run([sys.executable, "-m", "oshigiin", "crawl", "demo", "--base-url", server.url,
                                 "--no-cache", "--no-load"], env=dict(os.environ), capture_output=True, text=True,
                                timeout=120)
        hits = server.hits
    assert [h for h in hits if h.path == MINUTE] == []  # not one request to a forbidden path
    assert {h.path for h in hits} >= {"/robots.txt", "/dnp/search/councils/index", "/dnp/search/minutes/get_schedule"}
    forbidden = [f for f in failures(data_dir) if f["outcome"] == "robots_forbidden"]
    assert len(forbidden) == len(council.meeting_ids()) and all(f["url"].endswith(MINUTE) for f in forbidden)
    # The command says so plainly and points at the import route, instead of reporting an empty success.
    assert result.returncode != 0 and "robots.txt" in result.stderr and "oshigiin import" in result.stderr


def test_one_request_at_a_time_about_a_second_apart_with_our_user_agent(data_dir, tmp_path, monkeypatch):
    council = DemoCouncil(60)
    first = council.meeting_ids()[0][0]
    sittings = sum(1 for c, _ in council.meeting_ids() if c == first)
    with FaultyServer(council) as server:
        # A council as the registry holds a real one: no download_delay of its own, so the default.
        registry = write_registry(tmp_path, code="polite", name="礼儀市", platform="discussnet",
                                  base_url=server.url, tenant="demo")
        monkeypatch.setenv("OSHIGIIN_COUNCILS", registry)
        assert find_council("polite").download_delay is None
        result = crawl(server.url, council="polite", env={"OSHIGIIN_COUNCILS": registry}, council_ids=str(first))
        hits = server.hits
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(hits) == 4 + sittings  # robots.txt, tenant.js, the index, one schedule list, its sittings

    delay = crawl_settings.DOWNLOAD_DELAY
    assert delay >= 1.0 and crawl_settings.CONCURRENT_REQUESTS_PER_DOMAIN == 1
    gaps = [b.at - a.at for a, b in zip(hits, hits[1:], strict=False)]
    # Scrapy spreads the delay over 0.5–1.5 × DOWNLOAD_DELAY; never two requests closer than half of it.
    assert min(gaps) >= 0.5 * delay - 0.05, gaps
    rate = (len(hits) - 1) / (hits[-1].at - hits[0].at)
    assert rate <= 2 / delay, rate  # about 1 / DOWNLOAD_DELAY on average
    print(f"\npoliteness: {len(hits)} requests, gaps {min(gaps):.2f}–{max(gaps):.2f} s, "
          f"{rate:.2f} requests/s to the host")

    agents = {h.user_agent for h in hits}
    assert agents == {crawl_settings.USER_AGENT}
    assert crawl_settings.USER_AGENT.startswith("oshigiin/") and "+https://" in crawl_settings.USER_AGENT


# -- robots.txt per RFC 9309, one per host for all of a council's spiders (issue 14.3) ----------------
QUICK = {"DOWNLOAD_TIMEOUT": 0.5, "RETRY_TIMES": 2, "RETRY_BACKOFF_BASE": 0.1, "RETRY_BACKOFF_MAX": 5}


@pytest.mark.parametrize("fault", [Status(503), Stall(10), Reset()], ids=["503", "timeout", "reset"])
def test_unreachable_robots_txt_disallows_the_host_for_the_run(data_dir, fault):
    """RFC 9309 §2.3.1.4: a 5xx or a network error is a complete disallow. Before: 8 attempts at
    robots.txt (4 per spider), then every sitting fetched as if everything were allowed."""
    council = DemoCouncil(60)
    with FaultyServer(council, [Rule("/robots.txt", fault)]) as server:
        result = crawl(server.url, settings=QUICK)
        hits = server.hits
    assert result.returncode == 0, result.stderr[-3000:]
    # Only robots.txt was asked for, by one spider and its retries: the roster spider reused the answer.
    assert {h.path for h in hits} == {"/robots.txt"} and len(hits) == QUICK["RETRY_TIMES"] + 1
    log = failures(data_dir)
    robots = [f for f in log if f["url"].endswith("/robots.txt")]
    outcome = "http_error" if isinstance(fault, Status) else "network_error"
    # Each spider's run says why its pages were not fetched: robots.txt's own failure, then its pages
    # (the minutes' first request, the roster, and whatever else the council's entry crawls).
    assert len(robots) == len(result.runs) >= 2 and {f["outcome"] for f in robots} == {outcome}
    assert all("robots.txt unreachable" in f["reason"] for f in robots)
    blocked = [f for f in log if f["outcome"] == "robots_unreachable"]
    assert {"gikai/meibo.html", "tenant/demo/js/tenant.js"} <= {f["url"].removeprefix(server.url) for f in blocked}
    assert all("RFC 9309" in f["reason"] and f"{server.url}robots.txt" in f["reason"] for f in blocked)
    assert all(r["robots_unreachable"] >= 1 and r["meetings"] == r["members"] == 0 for r in result.runs)


def test_unreachable_robots_txt_is_said_plainly_by_the_command(data_dir):
    with FaultyServer(DemoCouncil(60), [Rule("/robots.txt", Status(503))]) as server:
        result = subprocess.run([sys.executable, "-m", "oshigiin", "crawl", "demo", "--base-url", server.url,
                                 "--no-load"], env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "robots.txt could not be read" in result.stderr and "RFC 9309" in result.stderr


def test_robots_txt_answering_4xx_allows_everything(data_dir):
    council = DemoCouncil(60)
    with FaultyServer(council, [Rule("/robots.txt", Status(404))]) as server:
        result = crawl(server.url, settings=QUICK)
        hits = server.hits
    assert result.returncode == 0, result.stderr[-3000:]
    assert [h.path for h in hits].count("/robots.txt") == 1
    assert failures(data_dir) == []
    assert sum(r["meetings"] for r in result.runs) == len(council.meeting_ids())


def test_one_robots_txt_and_one_pace_per_host_across_the_councils_spiders(data_dir, tmp_path, monkeypatch):
    """The minutes spider and the roster spider ask the same host: one robots.txt for both, and
    DOWNLOAD_DELAY kept between the last request of one and the first of the next. Before: each
    spider fetched robots.txt, and the two ran side by side with a downloader each."""
    council = DemoCouncil(60)
    first = council.meeting_ids()[0][0]
    delay = 0.6
    with FaultyServer(council) as server:
        registry = write_registry(tmp_path, code="polite", name="礼儀市", platform="discussnet", base_url=server.url,
                                  tenant="demo", roster_url=f"{server.url}gikai/meibo.html", download_delay=delay)
        result = crawl(server.url, council="polite", env={"OSHIGIIN_COUNCILS": registry}, council_ids=str(first))
        hits = server.hits
    assert result.returncode == 0, result.stderr[-3000:]
    assert [r["spider"] for r in result.runs] == ["discussnet", "roster"]  # an entry without video
    paths = [h.path for h in hits]
    assert paths.count("/robots.txt") == 1
    assert paths[-1] == "/gikai/meibo.html"  # the roster after the minutes, not beside them
    gaps = [b.at - a.at for a, b in zip(hits, hits[1:], strict=False)]
    # Scrapy spreads a delay over 0.5–1.5 × within a spider; between spiders it is kept whole.
    assert min(gaps) >= 0.5 * delay - 0.05, gaps
    assert gaps[-1] >= delay - 0.05, gaps
    print(f"\none host, two spiders: {len(hits)} requests, 1 robots.txt, gaps {min(gaps):.2f}–{max(gaps):.2f} s, "
          f"{gaps[-1]:.2f} s before the roster")
