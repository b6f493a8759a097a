"""国会会議録検索システム API: parsers on answers in the documented shape, and a real Scrapy crawl
over HTTP of a replay that pages 10 sittings at a time (tests/kokkai_api.py builds the answers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from oshigiin.minutes.parsers import kokkai as kk
from oshigiin.minutes.parsers.discussnet import ParseError
from tests import kokkai_api as api
from tests.recorded_site import RecordedSite, Route
from tests.registry import write_registry

REPO = Path(__file__).resolve().parents[1]
SITTINGS = api.sittings()  # 26: three pages of at most 10
EXAMPLE_ID = "121405254X00220241004"  # the documented example, 衆議院本会議 第2号 2024-10-04
SINCE, UNTIL = "2024-10-01", "2024-12-31"


def body(start: int) -> bytes:
    return api.encode(api.page(SITTINGS, start))


def meeting(issue_id: str) -> kk.Meeting:
    for start in (1, 11, 21):
        for m in kk.parse_meetings(body(start))[0]:
            if m.issue_id == issue_id:
                return m
    raise LookupError(issue_id)


def first(house: str, name: str) -> kk.Meeting:
    meetings = kk.parse_meetings(body(1))[0]
    return next(m for m in meetings if m.house == house and m.name_of_meeting == name)


# ---- parsers ----------------------------------------------------------------------------

def test_paging_block_on_every_page():
    pages = [kk.parse_page(body(start)) for start in (1, 11, 21)]
    assert [(p.number_of_records, p.number_of_return, p.start_record, p.next_record_position) for p in pages] == [
        (26, 10, 1, 11), (26, 10, 11, 21), (26, 6, 21, None)]


def test_meetings_of_a_page():
    meetings, page = kk.parse_meetings(body(1))
    assert len(meetings) == 10 and page.next_record_position == 11
    assert [m.date for m in meetings] == sorted((m.date for m in meetings), reverse=True)  # newest first
    assert all(len(m.issue_id) == 21 and m.is_minutes for m in meetings)


def test_documented_example_plenary():
    m = meeting(EXAMPLE_ID)
    assert (m.title, m.kind, m.committee, m.session_label, m.session, m.date, m.number) == (
        "衆議院本会議第2号", "本会議", None, "第214回国会", 214, "2024-10-04", 2)
    assert m.meeting_url == f"https://kokkai.ndl.go.jp/txt/{EXAMPLE_ID}"
    assert m.pdf_url == f"https://kokkai.ndl.go.jp/img/{EXAMPLE_ID}"
    chair, prime_minister, closing = m.speeches
    # The marker is the speaker as printed; the text starts after the full-width space.
    assert chair["speaker_raw"] == "○議長（額賀福志郎君）"
    assert chair["text"].startswith("これより会議を開きます。\n")  # CRLF → LF
    assert (chair["speaker_name"], chair["speaker_role"], chair["kind"]) == ("額賀福志郎", "議長", "procedural")
    assert (prime_minister["speaker_raw"], prime_minister["speaker_role"], prime_minister["kind"]) == (
        "○内閣総理大臣（石破茂君）", "内閣総理大臣", "answer")
    assert prime_minister["text"] == (
        "この度、第百二代内閣総理大臣に就任いたしました。\n\u3000すべての人に安心と安全を。")
    assert closing["ext_minute_id"] == f"{EXAMPLE_ID}_003" and closing["seq"] == 3
    assert closing["source_url"] == f"https://kokkai.ndl.go.jp/txt/{EXAMPLE_ID}/3"
    assert set(chair) == {"ext_minute_id", "seq", "speaker_raw", "speaker_name", "speaker_role", "seat", "kind",
                          "text", "source_url"}


def test_speech_order_zero_is_front_matter_not_a_speech():
    for start in (1, 11, 21):
        for m in kk.parse_meetings(body(start))[0]:
            assert [s["seq"] for s in m.speeches] == list(range(1, len(m.speeches) + 1))
            assert all(s["speaker_name"] != "会議録情報" and not s["ext_minute_id"].endswith("_000")
                       for s in m.speeches)
            assert m.front_matter.startswith("令和六年")
    assert "議事日程　第二号" in meeting(EXAMPLE_ID).front_matter


def test_shugiin_committee_roles_kinds_and_attendance():
    m = first("衆議院", "総務委員会")
    assert (m.kind, m.committee, m.title) == ("委員会", "総務委員会", "衆議院総務委員会第3号")
    got = [(s["speaker_raw"], s["speaker_name"], s["speaker_role"], s["kind"]) for s in m.speeches]
    assert got == [
        ("○安田委員長", "安田一郎", "委員長", "procedural"),
        ("○山田（太）委員", "山田太郎", "委員", "question"),       # the initial tells two 山田 apart
        ("○石原国務大臣", "石原健一", "国務大臣", "answer"),       # speakerPosition
        ("○中村参考人", "中村三郎", "参考人", "other"),            # speakerRole 参考人 testifies
        ("○山田（美）委員", "山田美樹", "委員", "question"),
        ("○安田委員長", "安田一郎", "委員長", "procedural"),
    ]
    assert m.speeches[1]["text"] == "第8回目の質問です。物価の問題について伺います。"
    # 出席委員 two to a line, offices in front; the minister and the 参考人 below the rule are not members.
    assert m.attendance == [{"seat": None, "name": n, "status": "present"}
                            for n in ("安田一郎", "山田太郎", "佐藤花子", "山田美樹", "東国夫", "鈴木次郎")]
    assert m.pdf_url is None  # pdfURL is absent where no PDF exists


def test_sangiin_committee_attendance_after_the_changes():
    m = first("参議院", "総務委員会")
    names = [a["name"] for a in m.attendance]
    # 委員の異動 (木村一子 辞任) comes before 「出席者は左のとおり。」; 林二子 joined and is listed.
    assert names == ["高橋三郎", "伊藤四郎", "渡辺五子", "林二子", "小林六郎"]
    kinds = [(s["speaker_raw"], s["speaker_role"], s["kind"]) for s in m.speeches]
    assert kinds[:4] == [("○委員長（高橋三郎君）", "委員長", "procedural"), ("○伊藤四郎君", None, "question"),
                         ("○国務大臣（石原健一君）", "総務大臣", "answer"),
                         ("○政府参考人（加藤七郎君）", "政府参考人", "answer")]


def test_plenary_prints_no_attendance():
    assert first("参議院", "本会議").attendance == []


@pytest.mark.parametrize(("head", "speaker", "role"), [
    ("○議長（額賀福志郎君）", "額賀福志郎", "議長"),
    ("○井林委員長", "井林辰憲", "委員長"),
    ("○山田（美）委員", "山田美樹", "委員"),
    ("○石破内閣総理大臣", "石破茂", "内閣総理大臣"),
    ("○山田太郎君", "山田太郎", None),
    ("○政府参考人（加藤七郎君）", "加藤七郎", "政府参考人"),
])
def test_marker_role(head, speaker, role):
    assert kk.marker_role(head, speaker) == role


def test_split_marker_keeps_unmarked_text_whole():
    assert kk.split_marker("○議長（額賀福志郎君）　開会します。\n　以上") == (
        "○議長（額賀福志郎君）", "開会します。\n　以上")
    assert kk.split_marker("○山田太郎君\n質問します。") == ("○山田太郎君", "質問します。")
    assert kk.split_marker("〔拍手〕　以上") == ("", "〔拍手〕　以上")
    speech = kk.parse_speech({"speechID": "X_004", "speechOrder": 4, "speaker": "山田太郎", "speech": "〔拍手〕"})
    assert (speech["speaker_raw"], speech["text"], speech["speaker_role"]) == ("山田太郎", "〔拍手〕", None)


def test_meeting_list_speeches_have_no_text():
    # /api/meeting_list: speechID, speechOrder, speaker, speechURL only.
    record = api.meeting_record(SITTINGS[0])
    record["speechRecord"] = [{k: s[k] for k in ("speechID", "speechOrder", "speaker", "speechURL")}
                              for s in record["speechRecord"]]
    data = {"numberOfRecords": 1, "numberOfReturn": 1, "startRecord": 1, "nextRecordPosition": None,
            "meetingRecord": [record]}
    [m], page = kk.parse_meetings(api.encode(data))
    assert page.next_record_position is None
    assert len(m.speeches) == 6 and all(s["text"] == "" and s["speaker_raw"] == s["speaker_name"] for s in m.speeches)


def test_nothing_found():
    meetings, page = kk.parse_meetings(b'{"numberOfRecords":0,"numberOfReturn":0,"startRecord":1,'
                                       b'"nextRecordPosition":null}')
    assert meetings == [] and page.next_record_position is None


def test_error_object_and_foreign_bodies():
    err = api.encode(api.error("検索条件の入力に誤りがあります。",
                               ["最大取得件数（maximumRecords）は1～10の範囲で指定してください。"]))
    with pytest.raises(kk.KokkaiApiError, match="maximumRecords"):
        kk.parse_meetings(err)
    assert kk.error_message(err).startswith("検索条件の入力に誤りがあります。: 最大取得件数")
    assert kk.error_message(b"<html>404</html>") is None
    with pytest.raises(ParseError, match="numberOfRecords"):
        kk.parse_meetings(b'{"meetingRecord": []}')
    with pytest.raises(ParseError):
        kk.parse_meetings(b"<?xml version='1.0'?><data/>")  # recordPacking=json was not sent


# ---- the spider ---------------------------------------------------------------------------

def registry_for(tmp_path, url: str) -> str:
    return write_registry(tmp_path, code="kokkai", name="国会", platform="kokkai", base_url=url)


def routes(error_at: int | None = None, status: int = 400) -> list[Route]:
    out = []
    for start in (1, 11, 21):
        params = {"from": SINCE, "until": UNTIL, "startRecord": str(start), "maximumRecords": "10",
                  "recordPacking": "json"}
        if start == error_at:
            payload = api.encode(api.error("検索条件の入力に誤りがあります。",
                                           ["開始位置（startRecord）の指定に誤りがあります。"]))
            out.append(Route("GET", "/api/meeting", params, body=payload, content_type="application/json",
                             status=status))
        else:
            out.append(Route("GET", "/api/meeting", params, body=body(start), content_type="application/json"))
    return out


def crawl(site: RecordedSite, tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OSHIGIIN_COUNCILS": registry_for(tmp_path, site.url)}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "kokkai", "-a", "council=kokkai", "-a", f"base_url={site.url}",
         "-a", f"from={SINCE}", "-a", f"until={UNTIL}", "-s", "HTTPCACHE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
         *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def staged(data_dir: Path, name: str) -> list[dict]:
    [run] = list((data_dir / "staging" / "kokkai").iterdir())
    path = run / f"{name}.ndjson"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_crawl_pages_through_the_api(data_dir, tmp_path, monkeypatch):
    with RecordedSite(routes()) as site:
        result = crawl(site, tmp_path)
        log = list(site.request_log)
    assert result.returncode == 0, result.stderr[-2000:]

    # robots.txt, then the three pages in order, one after another.
    assert [path.split("?")[0] for _, path, _ in log] == ["/robots.txt"] + ["/api/meeting"] * 3
    starts = [parse_qs(urlsplit(path).query)["startRecord"][0] for _, path, _ in log[1:]]
    assert starts == ["1", "11", "21"] and all(status == 200 for *_, status in log)

    meetings = staged(data_dir, "meetings")
    assert len(meetings) == 26 and len({m["ext_schedule_id"] for m in meetings}) == 26
    assert sum(len(m["speeches"]) for m in meetings) == sum(len(s.speeches) for s in SITTINGS)
    example = next(m for m in meetings if m["ext_schedule_id"] == EXAMPLE_ID)
    assert {k: example[k] for k in ("platform", "ext_council_id", "title", "kind", "session", "committee", "date",
                                    "number", "source_url")} == {
        "platform": "kokkai", "ext_council_id": "214", "title": "衆議院本会議第2号", "kind": "本会議",
        "session": "第214回国会", "committee": None, "date": "2024-10-04", "number": 2,
        "source_url": f"https://kokkai.ndl.go.jp/txt/{EXAMPLE_ID}"}
    assert example["api_url"].startswith(site.url + "api/meeting?from=2024-10-01&until=2024-12-31&startRecord=21")
    assert [s["speaker_raw"] for s in example["speeches"]] == [
        "○議長（額賀福志郎君）", "○内閣総理大臣（石破茂君）", "○議長（額賀福志郎君）"]
    assert all(not s["text"].startswith("○") and s["seq"] > 0 for m in meetings for s in m["speeches"])
    committees = [m for m in meetings if m["kind"] == "委員会"]
    assert committees and all(m["committee"] and m["attendance"] for m in committees)

    fetches = staged(data_dir, "fetch_log")
    assert [f["outcome"] for f in fetches] == ["ok"] * 4

    # The loader takes the staged Diet sittings as it takes a council's.
    from oshigiin.pipeline.publishing.load import load
    monkeypatch.setenv("OSHIGIIN_COUNCILS", registry_for(tmp_path, site.url))
    assert load(["kokkai"]).published
    con = duckdb.connect(str(data_dir / "oshigiin.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM meetings").fetchone()[0] == 26
    assert con.execute("SELECT count(*) FROM speeches").fetchone()[0] == sum(len(s.speeches) for s in SITTINGS)
    chairs = con.execute("SELECT count(*) FROM speeches WHERE speaker_role = '委員長' AND person_id IS NOT NULL")
    assert chairs.fetchone()[0] > 0  # the chair is found by name in the 出席委員 list


def test_an_error_answer_is_a_failure_record(data_dir, tmp_path):
    with RecordedSite(routes(error_at=11)) as site:
        result = crawl(site, tmp_path)
        log = list(site.request_log)
    assert result.returncode == 0, result.stderr[-2000:]
    # Page 2 answers 400: nothing to page on from there, and nothing retried.
    assert [status for *_, status in log] == [200, 200, 400]
    assert len(staged(data_dir, "meetings")) == 10
    failed = [f for f in staged(data_dir, "fetch_log") if f["outcome"] != "ok"]
    reasons = {f["reason"] for f in failed}
    assert all(f["status"] == 400 and "startRecord=11" in f["url"] for f in failed)
    assert "HTTP 400: 検索条件の入力に誤りがあります。: 開始位置（startRecord）の指定に誤りがあります。" in reasons
    assert any(f["archive_path"] for f in failed)  # the body is kept for a look


def test_an_error_object_with_200_is_a_parse_failure(data_dir, tmp_path):
    with RecordedSite(routes(error_at=1, status=200)) as site:
        result = crawl(site, tmp_path)
        log = list(site.request_log)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(log) == 2 and staged(data_dir, "meetings") == []
    [failure] = [f for f in staged(data_dir, "fetch_log") if f["outcome"] != "ok"]
    assert failure["outcome"] == "parse_error" and failure["reason"].startswith("KokkaiApiError: 検索条件の入力に誤り")


def test_search_parameters_and_politeness(tmp_path, monkeypatch):
    from oshigiin.crawler.spiders.kokkai import KokkaiSpider

    monkeypatch.setenv("OSHIGIIN_COUNCILS", registry_for(tmp_path, "https://kokkai.ndl.go.jp/"))
    monkeypatch.setenv("OSHIGIIN_DATA", str(tmp_path / "data"))
    spider = KokkaiSpider(house="衆議院", meeting="予算委員会", speaker="石破茂", until="2024-10-31",
                          **{"from": "2024-10-01"})
    assert spider.search(11) == {
        "from": "2024-10-01", "until": "2024-10-31", "nameOfHouse": "衆議院", "nameOfMeeting": "予算委員会",
        "speaker": "石破茂", "startRecord": "11", "maximumRecords": "10", "recordPacking": "json"}
    request = spider.page_request(1)
    assert request.url.startswith("https://kokkai.ndl.go.jp/api/meeting?from=2024-10-01&until=2024-10-31"
                                  "&nameOfHouse=%E8%A1%86%E8%AD%B0%E9%99%A2")
    default = KokkaiSpider()
    assert (default.until - default.since).days == 30
    with pytest.raises(ValueError, match="house"):
        KokkaiSpider(house="衆院")
    with pytest.raises(ValueError, match="after"):
        KokkaiSpider(until="2024-10-01", **{"from": "2024-10-31"})
    settings = KokkaiSpider.custom_settings
    assert settings["DOWNLOAD_DELAY"] >= 2 and settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert KokkaiSpider.per_page <= kk.MAX_RECORDS["meeting"] == 10


def test_oshigiin_crawl_kokkai_end_to_end(data_dir, tmp_path):
    """`oshigiin crawl kokkai --from --until` pages politely (the spider's own 3 s delay) and loads."""
    import time

    with RecordedSite(routes()) as site:
        env = {**os.environ, "OSHIGIIN_COUNCILS": registry_for(tmp_path, site.url)}
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "oshigiin", "crawl", "kokkai", "--from", SINCE, "--until", UNTIL, "--no-cache",
             "--db", str(data_dir / "oshigiin.duckdb")],
            env=env, capture_output=True, text=True, timeout=120)
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-2000:]
    assert "26 fetched" in result.stdout and "published" in result.stdout
    assert elapsed >= 2 * 3.0  # three pages, a few seconds apart as the API's terms ask
