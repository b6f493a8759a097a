"""Politeness under test (issue 9.7): robots.txt obeyed, the per-host rate measured on a local
server with the delay a real council gets, and the project's User-Agent on every request."""

from __future__ import annotations

import os
import subprocess
import sys

from crawler import settings as crawl_settings
from demo.generator import DemoCouncil
from pipeline.registry import find_council
from tests.faulty_server import FaultyServer, crawl
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
