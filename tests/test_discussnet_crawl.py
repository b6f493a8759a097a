"""A real Scrapy crawl over HTTP of replayed real DiscussNet responses (函館, 墨田)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from oshigiin.demo.server import DiscussNetServer
from oshigiin.pipeline.publishing.load import load
from oshigiin.pipeline.publishing.status import council_status, failing_pages
from tests.registry import write_registry
from tests.replay import RecordedTenant

RECORDED = {  # variant: (platform 会議 id, speeches in the recorded sitting, sittings listed)
    "saas": (1251, 20, 7),
    "smart": (562, 23, 1),
}


def registry_for(tmp_path, url: str) -> str:
    return write_registry(tmp_path, platform="discussnet", base_url=url, tenant="recorded", download_delay=0.0)


def crawl(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "oshigiin", "crawl", "recorded", "--no-cache", "--no-load",
                           *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("variant", sorted(RECORDED))
def test_crawl_recorded_tenant(minutes_fixtures, data_dir, tmp_path, monkeypatch, variant):
    council_id, n_speeches, n_sittings = RECORDED[variant]
    backend = RecordedTenant(minutes_fixtures / "discussnet-ssp" / variant)
    with DiscussNetServer(backend) as server:
        registry = registry_for(tmp_path, server.url)
        monkeypatch.setenv("OSHIGIIN_COUNCILS", registry)
        result = crawl({"OSHIGIIN_COUNCILS": registry}, "--council-ids", str(council_id))
        log = list(server.request_log)
    assert result.returncode == 0, result.stderr[-2000:]

    # Bounded and polite: robots.txt, tenant.js, the index, one schedule list, its sittings.
    assert len(log) == 4 + n_sittings
    assert log[0][1] == "/robots.txt"

    runs = list((data_dir / "staging" / "recorded").iterdir())
    meetings = [json.loads(line) for line in (runs[0] / "meetings.ndjson").read_text().splitlines()]
    assert len(meetings) == 1  # only one sitting was recorded; the others answer 404
    meeting = meetings[0]
    assert meeting["ext_council_id"] == str(council_id) and meeting["kind"] == "本会議"
    assert len(meeting["speeches"]) == n_speeches
    assert meeting["source_url"].startswith(server.url + "tenant/recorded/MinuteView.html?")
    assert all(s["source_url"].startswith(meeting["source_url"]) for s in meeting["speeches"])

    failures = [json.loads(x) for x in (runs[0] / "fetch_log.ndjson").read_text().splitlines()]
    failed = [f for f in failures if f["outcome"] != "ok"]
    # Every unrecorded sitting is a recorded failure with its URL and reason, not a silent gap.
    assert len({(f["url"], f["request_body"]) for f in failed}) == n_sittings - 1
    assert all(f["reason"] == "HTTP 404" for f in failed)

    report = load(["recorded"])
    assert report.published
    con = duckdb.connect(str(data_dir / "oshigiin.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM speeches").fetchone()[0] == n_speeches
    people = con.execute("SELECT count(*) FROM people").fetchone()[0]
    assert people >= 26  # every member the 出席議員 list names
    resolved = con.execute("""SELECT count(*) FROM speeches WHERE person_id IS NOT NULL""").fetchone()[0]
    chair = con.execute("""SELECT count(*) FROM speeches WHERE speaker_role = '議長'""").fetchone()[0]
    assert resolved >= chair > 0  # the chair is a member, found by name in the attendance list

    # `oshigiin status`: the unrecorded sittings are the council's failing pages, with their reason.
    status = council_status().set_index("council_id").loc["recorded"]
    assert (status.meetings, status.speeches, status.failing_pages) == (1, n_speeches, n_sittings - 1)
    assert status.last_success is not None
    assert status.last_error == ("HTTP 404" if n_sittings > 1 else None)
    failing = failing_pages("recorded")
    assert len(failing) == n_sittings - 1 and set(failing.reason) <= {"HTTP 404"}
    assert failing.archive_path.notna().all()
