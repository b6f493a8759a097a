"""参議院 roll calls: the real 2011-format pages in ../shared/fixtures/votes, and CONSTRUCTED
current-format pages in tests/fixtures/sangiin (see its README)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from oshigiin.cli import main
from oshigiin.minutes.parsers import sangiin
from tests.conftest import SHARED, require_shared

VOTES = SHARED / "fixtures" / "votes" / "sangiin-2011"
CONSTRUCTED = Path(__file__).parent / "fixtures" / "sangiin"
URL_2011 = "https://www.sangiin.go.jp/japanese/joho1/kousei/vote/177/177-0622-v001.htm"
URL_NOW = "https://www.sangiin.go.jp/japanese/touhyoulist/217/217-0331-v001.htm"


@pytest.fixture(scope="module")
def roll_2011():
    return sangiin.parse_roll_call((require_shared(VOTES) / "177-0622-v001.htm").read_bytes(), URL_2011)


def test_real_2011_roll_call_totals_agree(roll_2011):
    assert roll_2011.check() == []
    assert (roll_2011.total, roll_2011.yes, roll_2011.no) == (238, 232, 6)
    assert sum(v.vote == "yes" for v in roll_2011.votes) == 232
    assert sum(v.vote == "no" for v in roll_2011.votes) == 6
    assert len(roll_2011.votes) == sum(f.seats for f in roll_2011.factions) == 242
    assert roll_2011.date.isoformat() == "2011-06-22" and (roll_2011.session, roll_2011.number) == (177,
                                                                                                 "177-0622-v001")
    assert roll_2011.title.startswith("日程第1 現下の厳しい経済状況")


def test_real_2011_each_member_as_printed_and_mapped(roll_2011):
    by = {v.name_norm: v for v in roll_2011.votes}
    assert (by["井上哲士"].faction, by["井上哲士"].vote_raw, by["井上哲士"].vote) == ("日本共産党", "●", "no")
    assert by["足立信也"].name == "足立 信也" and by["足立信也"].vote == "yes"
    # 投票なし is two empty cells: the President (西岡武夫) among them; never counted as yes or no
    assert by["西岡武夫"].vote == "not voting" and by["西岡武夫"].vote_raw == ""
    # 異体字 folded for linking (北澤 → 北沢), the printed name kept
    assert by["北沢俊美"].name == "北澤 俊美"


def test_real_2011_tampered_total_is_reported(roll_2011):
    body = (VOTES / "177-0622-v001.htm").read_bytes().replace("賛成票 104".encode(), "賛成票 105".encode(), 1)
    call = sangiin.parse_roll_call(body, URL_2011)
    assert call.check() == ["民主党・新緑風会: page says yes 105, members counted 104"]


def test_real_2011_index():
    entries = sangiin.parse_index((require_shared(VOTES) / "177-vote_ind.htm").read_bytes(),
                                  "https://www.sangiin.go.jp/japanese/joho1/kousei/vote/177/vote_ind.htm")
    assert len(entries) == 126
    assert entries[0].url == URL_2011 and entries[0].date.isoformat() == "2011-06-22"
    assert len({e.url for e in entries}) == 126


def test_constructed_current_format():
    call = sangiin.parse_roll_call((CONSTRUCTED / "217-0331-v001.htm").read_bytes(), URL_NOW)
    assert call.format == "current" and call.check() == []
    assert (call.total, call.yes, call.no) == (9, 6, 3)
    assert [f.name for f in call.factions] == ["架空自由党", "架空民主党", "各派に属しない議員"]
    by = {v.name_norm: v for v in call.votes}
    assert by["阿部一郎"].name == "阿部 一郎"      # 「阿部 　 一郎」: mixed padding squeezed
    assert by["高木はるか"].vote == "yes"           # 髙 folded
    assert (by["尾崎四郎"].vote_raw, by["尾崎四郎"].vote) == ("投票なし", "not voting")
    assert (by["山本十子"].vote_raw, by["山本十子"].vote) == ("欠席", "absent")
    assert by["福田八郎"].faction == "架空民主党" and by["福田八郎"].vote == "yes"


def test_constructed_bill_page_joins_the_roll_call():
    bill = sangiin.parse_bill_page((CONSTRUCTED / "m21705001.htm").read_bytes(),
                                   "https://www.sangiin.go.jp/japanese/joho1/kousei/gian/217/meisai/m21705001.htm")
    houses = {h["house"]: h for h in bill["houses"]}
    assert houses["参議院"]["roll_call_url"] == URL_NOW and houses["参議院"]["method"] == "押しボタン"
    assert houses["衆議院"]["roll_call_url"] is None and houses["衆議院"]["method"] == "起立"
    call = sangiin.parse_roll_call((CONSTRUCTED / "217-0331-v001.htm").read_bytes(), URL_NOW)
    assert call.url == houses["参議院"]["roll_call_url"]


def test_not_a_roll_call_is_a_clear_error():
    with pytest.raises(sangiin.RollCallError, match="not a 参議院 roll call"):
        sangiin.parse_roll_call(b"<html><body><p>404 Not Found</p></body></html>")


def test_cli_parse_page_roll_call_prints_one_line_per_member(tmp_path):
    result = CliRunner().invoke(main, ["parse-page", "sangiin", "roll-call",
                                       str(require_shared(VOTES) / "177-0622-v001.htm")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert len(lines) == 242 and set(lines[0]) == {"faction", "name", "name_norm", "vote_raw", "vote"}
    bad = tmp_path / "bad.htm"
    bad.write_bytes((VOTES / "177-0622-v001.htm").read_bytes().replace("反対票   6".encode(), "反対票   7".encode()))
    result = CliRunner().invoke(main, ["parse-page", "sangiin", "roll-call", str(bad)])
    assert result.exit_code != 0 and "totals do not agree" in result.output


# --- the spider against a local replay of the recorded pages ------------------------------

def test_spider_crawls_index_and_roll_calls_from_a_replay(data_dir, tmp_path):
    import os
    import subprocess
    import sys

    from tests.recorded_site import RecordedSite, Route
    from tests.registry import write_registry

    folder = require_shared(VOTES)
    base = "/japanese/joho1/kousei/vote/177/"
    routes = [Route("GET", base + "vote_ind.htm", body=(folder / "177-vote_ind.htm").read_bytes()),
              Route("GET", base + "177-0622-v001.htm", body=(folder / "177-0622-v001.htm").read_bytes())]
    with RecordedSite(routes) as site:
        registry = write_registry(tmp_path, code="kokkai", name="国会", platform="kokkai", base_url=site.url)
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "sangiin", "-a", "council=kokkai", "-a", f"base_url={site.url}",
             "-a", "sessions=177", "-a", "index=japanese/joho1/kousei/vote/{session}/vote_ind.htm", "-a", "limit=2",
             "-s", "HTTPCACHE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"],
            cwd=Path(__file__).parents[1], env={**os.environ, "OSHIGIIN_COUNCILS": registry}, capture_output=True,
            text=True, timeout=120)
        log = list(site.request_log)
    assert result.returncode == 0, result.stderr[-2000:]
    # robots.txt, the index, then only the first two roll calls (limit=2): one recorded, one a 404
    paths = [p for _, p, _ in log]
    assert paths[:2] == ["/robots.txt", base + "vote_ind.htm"]   # the roll calls after, in either order
    assert sorted(paths[2:]) == [base + "177-0622-v001.htm", base + "177-0622-v002.htm"]
    staged = [json.loads(line) for p in (data_dir / "staging" / "kokkai").glob("*/rollcalls.ndjson")
              for line in p.read_text(encoding="utf-8").splitlines()]
    assert len(staged) == 1 and staged[0]["number"] == "177-0622-v001" and len(staged[0]["votes"]) == 242
    failures = [json.loads(line) for p in (data_dir / "staging" / "kokkai").glob("*/fetch_log.ndjson")
                for line in p.read_text(encoding="utf-8").splitlines()]
    assert [f["status"] for f in failures if f["outcome"] != "ok"] == [404]
