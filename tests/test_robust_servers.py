"""Faulty servers (issue 9.2): a local DiscussNet site answering 500, 429 with Retry-After,
resetting connections, stalling past the time-out and redirecting in a loop.

Retries back off (and wait out Retry-After) instead of asking again at once, the crawl
finishes, every page that still failed is listed by `oshigiin status` with its reason, and
the next crawl, against the recovered site, fetches exactly those pages and clears the list.
Time-outs and backoff are shortened through Scrapy settings so the suite stays quick.
"""

from __future__ import annotations

import time
from collections import Counter
from email.utils import formatdate

import pytest
from click.testing import CliRunner

from oshigiin import holdings as state
from oshigiin.cli import main as cli
from oshigiin.crawler.middlewares import retry_after_seconds
from oshigiin.demo.generator import DemoCouncil
from oshigiin.pipeline.publishing.load import load
from oshigiin.pipeline.publishing.status import council_status, failing_pages
from tests.faulty_server import FaultyServer, Redirect, Reset, Rule, Stall, Status, crawl
from tests.robust_checks import failures, form, stored_speeches, truth_speeches

BASE = 0.25  # RETRY_BACKOFF_BASE for these tests: retries 0.25 s and 0.5 s after a failure
QUICK = {"DOWNLOAD_TIMEOUT": 0.5, "RETRY_TIMES": 2, "RETRY_BACKOFF_BASE": BASE, "RETRY_BACKOFF_MAX": 5}
TENANT_JS = "/tenant/demo/js/tenant.js"
INDEX = "/dnp/search/councils/index"
SCHEDULE = "/dnp/search/minutes/get_schedule"
MINUTE = "/dnp/search/minutes/get_minute"
ROSTER = "/gikai/meibo.html"


@pytest.mark.parametrize(("header", "seconds"), [
    (b"120", 120.0), (b" 3 ", 3.0), (b"-5", 0.0), (b"soon", None), (None, None),
    ("a minute from now", 60.0),  # an HTTP date, made when the test runs
])
def test_retry_after_is_read_as_seconds_or_a_date(header, seconds):
    if header == "a minute from now":
        header = formatdate(time.time() + 60, usegmt=True).encode()
    got = retry_after_seconds(header)
    assert got is None if seconds is None else got == pytest.approx(seconds, abs=2)


def gaps(hits) -> list[float]:
    return [round(b.at - a.at, 3) for a, b in zip(hits, hits[1:], strict=False)]


def test_retries_back_off_wait_out_retry_after_and_hold_the_host(data_dir):
    council = DemoCouncil(60)
    first = council.meeting_ids()[0]
    rules = [Rule(TENANT_JS, Status(503), times=2),
             Rule(INDEX, Status(429, {"Retry-After": "1"}), times=1),
             Rule(MINUTE, Status(500), times=2, council_id=first[0], schedule_id=first[1])]
    with FaultyServer(council, rules) as server:
        result = crawl(server.url, settings=QUICK)
        hits = server.hits
    assert result.returncode == 0, result.stderr[-3000:]

    tenant = [h for h in hits if h.path == TENANT_JS]
    assert [h.fault for h in tenant] == ["Status", "Status", ""]
    # Scrapy's own retry asks again within milliseconds; these wait 0.25 s, then 0.5 s.
    assert gaps(tenant)[0] >= BASE and gaps(tenant)[1] >= 2 * BASE, gaps(tenant)
    index = [h for h in hits if h.path == INDEX]
    assert [h.fault for h in index] == ["Status", ""] and gaps(index)[0] >= 1.0, gaps(index)
    minute = [h for h in hits if h.path == MINUTE and h.params["schedule_id"] == str(first[1])
              and h.params["council_id"] == str(first[0])]
    assert [h.fault for h in minute] == ["Status", "Status", ""]
    assert gaps(minute)[0] >= BASE and gaps(minute)[1] >= 2 * BASE, gaps(minute)
    # While a retry waits, the whole host waits: after a failure, nothing reaches it before the
    # backoff is over (robots.txt and the roster, whose spider runs after the minutes', are left out).
    minutes_spider = [h for h in hits if h.path not in ("/robots.txt", ROSTER)]
    for failed, backoff in ((minute[0], BASE), (minute[1], 2 * BASE), (index[0], 1.0)):
        following = next(h for h in minutes_spider if h.at > failed.at)
        assert following.at - failed.at >= backoff, (failed, following)
    assert result.runs[0]["failures"] == 0 and result.runs[0]["meetings"] == len(council.meeting_ids())


def test_a_crawl_under_faults_finishes_reports_and_the_next_run_picks_them_up(data_dir):
    council = DemoCouncil(150)
    sittings = council.meeting_ids()
    s500, sreset, sstall, sflaky, slong = sittings[:5]
    listing = next(c for c, _ in sittings if c not in {c for c, _ in sittings[:5]})
    rules = [
        Rule(MINUTE, Status(500), council_id=s500[0], schedule_id=s500[1]),
        Rule(MINUTE, Reset(), council_id=sreset[0], schedule_id=sreset[1]),
        Rule(MINUTE, Stall(10), council_id=sstall[0], schedule_id=sstall[1]),
        Rule(MINUTE, Reset(), times=1, council_id=sflaky[0], schedule_id=sflaky[1]),  # recovers on retry
        Rule(MINUTE, Status(429, {"Retry-After": "3600"}), council_id=slong[0], schedule_id=slong[1]),
        Rule(SCHEDULE, Status(502), council_id=listing),
        Rule(ROSTER, Redirect("/gikai/meibo.html?moved=1")),
        Rule(ROSTER, Redirect("/gikai/meibo.html"), moved="1"),
    ]
    with FaultyServer(council, rules) as server:
        result = crawl(server.url, settings=QUICK)
        hits = server.hits
        faults_injected = sum(1 for h in hits if h.fault)
        assert result.returncode == 0, result.stderr[-3000:]
        assert {r["finish_reason"] for r in result.runs} == {"finished"}

        # Bounded: no page asked for more than RETRY_TIMES + 1 times; a Retry-After of an hour
        # is not waited for (or retried): it fails now and the next crawl asks again.
        per_page = Counter((h.path, tuple(sorted(h.params.items()))) for h in hits)
        assert max(per_page.values()) <= 3, per_page.most_common(3)
        assert len([h for h in hits if h.path == MINUTE and h.params["schedule_id"] == str(slong[1])
                    and h.params["council_id"] == str(slong[0])]) == 1

        failed = {(f["url"].removeprefix(server.url), form(f["request_body"]).get("council_id"),
                   form(f["request_body"]).get("schedule_id")): f for f in failures(data_dir)}
        expected = {
            (MINUTE.lstrip("/"), str(s500[0]), str(s500[1])): ("http_error", "HTTP 500"),
            (MINUTE.lstrip("/"), str(sreset[0]), str(sreset[1])): ("network_error", "ConnectionLost"),
            (MINUTE.lstrip("/"), str(sstall[0]), str(sstall[1])): ("network_error", "DownloadTimeoutError"),
            (MINUTE.lstrip("/"), str(slong[0]), str(slong[1])): ("http_error", "HTTP 429, Retry-After 3600"),
            (SCHEDULE.lstrip("/"), str(listing), None): ("http_error", "HTTP 502"),
            (ROSTER.lstrip("/"), None, None): ("network_error", "redirect loop"),
        }
        assert set(failed) == set(expected)
        for key, (outcome, reason) in expected.items():
            assert failed[key]["outcome"] == outcome and reason in failed[key]["reason"], failed[key]

        # `oshigiin status` after the load: those pages, with their reasons.
        load(["demo"])
        status = council_status().set_index("council_id").loc["demo"]
        assert status.failing_pages == len(expected)
        listed = failing_pages("demo")
        assert sorted(listed.url.str.removeprefix(server.url)) == sorted(k[0] for k in expected)
        shown = CliRunner().invoke(cli, ["status", "demo"])
        assert shown.exit_code == 0, shown.output
        assert f"failing pages {len(expected):>4}" in shown.output
        assert all(reason.split(",")[0] in shown.output for _, reason in expected.values())

        # The next run, the site recovered: only what is missing is fetched, and the list clears.
        lost = {s500, sreset, sstall, slong} | {s for s in sittings if s[0] == listing}
        held = state.held_documents("demo", "discussnet")
        refetch = {s for s in sittings if state.needs_fetch(held, (str(s[0]), str(s[1])))}
        assert lost <= refetch
        server.set_rules([])
        before = len(server.hits)
        again = crawl(server.url, settings=QUICK)
        assert again.returncode == 0, again.stderr[-3000:]
        fetched = {(int(h.params["council_id"]), int(h.params["schedule_id"]))
                   for h in server.hits[before:] if h.path == MINUTE}
    assert fetched == refetch
    load(["demo"])
    assert council_status().set_index("council_id").loc["demo"].failing_pages == 0
    truth = truth_speeches(council)
    assert stored_speeches(data_dir / "oshigiin.duckdb") == truth  # nothing lost, nothing twice
    print(f"\nfaulty server: {len(hits)} requests, {faults_injected} faults injected, {len(expected)} pages "
          f"failed and were listed, all {len(truth)} speeches loaded after the next run, 0 lost")
