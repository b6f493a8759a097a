"""Fresh by design (issue 14.1): a re-crawl sees what the site publishes now.

Before: `oshigiin crawl` kept Scrapy's HTTP cache on with no expiry and a cache-everything policy,
so a site that grew from 6 to 40 sittings was re-crawled as 6, with 0 requests sent. Now the cache
is off unless asked for (`--cache`), and even then holds only settled sittings' documents: the
listings, new and recent sittings and robots.txt always come from the site.

The site is the demo council's minutes and roster on 127.0.0.1 (tests/faulty_server.py), as a
council of its own; it "grows" by hiding some 会議 from its index during the first crawl.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
import scrapy

from oshigiin.crawler.httpcache import CACHEABLE, SettledPagesOnly
from oshigiin.crawler.spiders.discussnet import DiscussNetSpider
from oshigiin.demo.generator import DemoCouncil
from tests.faulty_server import Body, FaultyServer, Rule
from tests.registry import write_registry
from tests.robust_checks import read_only

INDEX = "/dnp/search/councils/index"
MINUTE = "/dnp/search/minutes/get_minute"


def without(council_ids: set[int]):
    """The councils index with some 会議 left out: the site before they were published."""
    def prune(value):
        if isinstance(value, list):
            return [prune(v) for v in value if not (isinstance(v, dict) and v.get("council_id") in council_ids)]
        if isinstance(value, dict):
            return {k: prune(v) for k, v in value.items()}
        return value

    return lambda body: json.dumps(prune(json.loads(body)), ensure_ascii=False).encode()


def crawl_cli(url: str, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "oshigiin", "crawl", "fresh", "--base-url", url, *flags],
                          env=dict(os.environ), capture_output=True, text=True, timeout=180)


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """The demo's minutes and roster as a council of their own: what the registry's demo entry
    adds beyond them (its video) is not what these tests are about."""
    def write(server):
        path = write_registry(tmp_path, code="fresh", name="新鮮区", platform="discussnet", base_url=server.url,
                              tenant="demo", roster_url=f"{server.url}gikai/meibo.html", download_delay=0.0)
        monkeypatch.setenv("OSHIGIIN_COUNCILS", path)

    return write


def minutes_fetched(hits) -> set[tuple[int, int]]:
    return {(int(h.params["council_id"]), int(h.params["schedule_id"])) for h in hits if h.path == MINUTE}


def meetings_held(data_dir) -> int:
    con = read_only(data_dir / "oshigiin.duckdb")
    try:
        return con.execute("SELECT count(*) FROM meetings").fetchone()[0]
    finally:
        con.close()


def test_a_default_re_crawl_sees_the_sittings_published_since(data_dir, registry):
    council = DemoCouncil(60)
    sittings = council.meeting_ids()
    later = set(sittings[2:])  # published after the first crawl
    with FaultyServer(council, [Rule(INDEX, Body(without({c for c, _ in later})))]) as server:
        registry(server)
        first = crawl_cli(server.url)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "discussnet: 2 sittings listed, 0 already held, 2 fetched" in first.stdout, first.stdout
        server.set_rules([])  # the site grows
        before = len(server.hits)
        second = crawl_cli(server.url)  # the default: no flags
        hits = server.hits[before:]
    assert second.returncode == 0, second.stderr[-3000:]
    # Before the fix: "2 sittings listed, 2 already held, 0 fetched" and 0 requests.
    assert f"discussnet: {len(sittings)} sittings listed, 2 already held, {len(later)} fetched" in second.stdout
    assert minutes_fetched(hits) == later
    assert {"/robots.txt", INDEX} <= {h.path for h in hits}
    assert meetings_held(data_dir) == len(sittings)
    assert not (data_dir / "httpcache").exists()  # nothing cached by default
    print(f"\nfresh: the site grew from 2 to {len(sittings)} sittings; the default re-crawl sent "
          f"{len(hits)} requests and fetched the {len(later)} new ones")


def test_the_development_cache_replays_only_settled_sittings(data_dir, registry):
    council = DemoCouncil(60)
    sittings = council.meeting_ids()
    later = set(sittings[3:])
    with FaultyServer(council, [Rule(INDEX, Body(without({c for c, _ in later})))]) as server:
        registry(server)
        assert crawl_cli(server.url, "--cache").returncode == 0
        server.set_rules([])
        mark = len(server.hits)
        grown = crawl_cli(server.url, "--cache")
        assert grown.returncode == 0, grown.stderr[-3000:]
        # The listing came from the site, not the cache: the new sittings are seen and fetched.
        assert minutes_fetched(server.hits[mark:]) == later
        # --full asks for every sitting again: all held and settled (older than 90 days), so they
        # are stored on the first pass and replayed on the second...
        assert crawl_cli(server.url, "--cache", "--full").returncode == 0
        mark = len(server.hits)
        replay = crawl_cli(server.url, "--cache", "--full")
        hits = server.hits[mark:]
    assert replay.returncode == 0, replay.stderr[-3000:]
    assert f"discussnet: {len(sittings)} sittings listed" in replay.stdout
    assert minutes_fetched(hits) == set()
    # ...while robots.txt, tenant.js, the index, every schedule list and the roster are asked for again.
    paths = [h.path for h in hits]
    assert paths.count("/robots.txt") == 1 and paths.count(INDEX) == 1
    assert paths.count("/dnp/search/minutes/get_schedule") == len({c for c, _ in sittings})
    assert "/gikai/meibo.html" in paths
    assert (data_dir / "httpcache").is_dir()


def test_what_the_cache_may_hold(data_dir):
    spider = DiscussNetSpider(council="demo")
    today = date.today()
    spider.held = {("1", "2"): today - timedelta(days=10), ("1", "3"): today - timedelta(days=400), ("1", "4"): None}
    assert spider.settled(1, 2) == {}                    # recent: councils still correct it
    assert spider.settled(1, 3) == {CACHEABLE: True}     # held and settled
    assert spider.settled(1, 4) == {} and spider.settled(1, 5) == {}  # no date; not held
    policy = SettledPagesOnly(scrapy.settings.Settings())
    page = "http://127.0.0.1:8765/dnp/search/minutes/get_minute"
    assert policy.should_cache_request(scrapy.Request(page, meta={CACHEABLE: True}))
    assert not policy.should_cache_request(scrapy.Request(page))  # a listing, or anything unmarked
    assert not policy.should_cache_request(scrapy.Request("http://127.0.0.1:8765/robots.txt", meta={CACHEABLE: True}))
    response = scrapy.http.Response(page, status=404)
    assert not policy.should_cache_response(response, response.request or scrapy.Request(page))
