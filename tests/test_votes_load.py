"""The load's votes stage on real DuckDB files: decisions derived from staged minutes, roll calls
from staged rollcalls.ndjson, loaded twice as noops, corrected minutes replacing their decisions.
The staged sittings are CONSTRUCTED (small, in the forms the real minutes print); the roll call is
the real 2011 page from ../shared, parsed as the spider stages it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from oshigiin.crawler.spiders.sangiin import roll_call_record
from oshigiin.minutes.parsers import sangiin
from oshigiin.pipeline.publishing.load import load
from tests.conftest import SHARED, require_shared

FETCHED = "2026-01-10T00:00:00+00:00"
URL = "http://127.0.0.1/MinuteView.html"


def _speech(seq: int, raw: str, role: str | None, name: str, text: str) -> dict:
    return {"ext_minute_id": str(seq), "seq": seq, "speaker_raw": raw, "speaker_name": name, "speaker_role": role,
            "seat": None, "kind": "procedural" if role == "議長" else "other", "text": text,
            "source_url": f"{URL}#{seq}"}


def _sitting(result_line: str) -> dict:
    chair = ("○議長（山田太郎議員）", "議長", "山田太郎")
    speeches = [
        _speech(1, *chair, "日程第１、議案第１号　架空区手数料条例の一部を改正する条例を議題といたします。"),
        _speech(2, *chair, "これより採決いたします。本案に賛成の方の起立を求めます。\n〔賛成者起立〕"),
        _speech(3, *chair, result_line),
        _speech(4, *chair, "日程第２、議員提出議案第３号　架空区議会委員会条例の一部を改正する条例を議題といたします。"
                           "これより採決いたします。採決は押しボタンにより行います。"),
        _speech(5, *chair, "投票総数40、賛成22、反対18。よって、議員提出議案第３号は可決されました。"),
    ]
    return {"council_id": "demo", "platform": "discussnet", "ext_council_id": "9", "ext_schedule_id": "1",
            "title": "令和7年第1回定例会 03月20日-05号", "kind": "本会議", "session": "令和7年第1回定例会",
            "committee": None, "date": "2025-03-20", "number": 5, "source_url": URL, "api_url": URL,
            "fetched_at": FETCHED, "speeches": speeches,
            "attendance": [{"seat": 1, "name": "山田太郎", "status": "present"}]}


def _stage(staging: Path, council: str, run: str, name: str, records: list[dict]) -> None:
    d = staging / council / run
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{name}.ndjson").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                      encoding="utf-8")


@pytest.fixture
def staged(data_dir):
    staging = data_dir / "staging"
    passed = _sitting("起立多数であります。よって、議案第１号は原案のとおり可決されました。")
    _stage(staging, "demo", "r1", "meetings", [passed])
    return staging


def test_decisions_loaded_and_reloaded_as_noops(staged, data_dir):
    db = data_dir / "o.duckdb"
    first = load(["demo"], db, staged)
    assert first.published and first.counts["vote_events"]["insert"] == 2
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT motion_id, method, result, majority, speech_id, source FROM vote_events "
                       "ORDER BY motion_id").fetchall()
    assert rows == [("demo:2025:議員提出議案第3号", "押しボタン", "可決", None, "demo-discussnet-9-1-5", "minutes"),
                    ("demo:2025:議案第1号", "起立", "原案可決", "多数", "demo-discussnet-9-1-3", "minutes")]
    assert dict(con.execute("SELECT option, value FROM counts").fetchall()) == {"total": 40, "yes": 22, "no": 18}
    assert con.execute("SELECT title, classification FROM motions WHERE identifier = '議案第1号'").fetchone() == (
        "架空区手数料条例の一部を改正する条例", "議案")
    assert con.execute("SELECT count(*) FROM votes").fetchone()[0] == 0   # minutes of 起立 name nobody
    con.close()
    again = load(["demo"], db, staged)
    assert not again.published and again.counts["vote_events"] == {"insert": 0, "update": 0, "noop": 0, "delete": 0}


def test_corrected_minutes_replace_their_decisions(staged, data_dir):
    db = data_dir / "o.duckdb"
    load(["demo"], db, staged)
    later = _sitting("起立少数であります。よって、議案第１号は否決されました。")
    later["fetched_at"] = "2026-02-01T00:00:00+00:00"
    _stage(staged, "demo", "r2", "meetings", [later])
    report = load(["demo"], db, staged)
    assert report.counts["vote_events"]["update"] == 1 and report.counts["vote_events"]["noop"] == 1
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT result, majority FROM vote_events WHERE motion_id = 'demo:2025:議案第1号'").fetchall()
    assert rows == [("否決", "少数")]


def test_roll_call_votes_linked_to_members(data_dir):
    votes_dir = require_shared(SHARED / "fixtures" / "votes")
    page = votes_dir / "sangiin-2011" / "177-0622-v001.htm"
    url = "https://www.sangiin.go.jp/japanese/joho1/kousei/vote/177/177-0622-v001.htm"
    staging = data_dir / "staging"
    call = sangiin.parse_roll_call(page.read_bytes(), url)
    _stage(staging, "kokkai", "r1", "rollcalls", [roll_call_record(call, "kokkai", FETCHED)])
    # A Diet sitting whose attendance lists two of the members (as 参議院 minutes do)
    sitting = _sitting("よって、議案第１号は可決されました。") | {
        "council_id": "kokkai", "platform": "kokkai", "ext_council_id": "177", "title": "参議院本会議第30号",
        "date": "2011-06-22", "speeches": [],
        "attendance": [{"seat": None, "name": "井上　哲士", "status": "present"},
                       {"seat": None, "name": "北沢　俊美", "status": "present"}]}
    _stage(staging, "kokkai", "r1", "meetings", [sitting])
    db = data_dir / "o.duckdb"
    report = load(["kokkai"], db, staging)
    assert report.counts["roll_calls"]["insert"] == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), count(person_id) FROM votes").fetchone() == (242, 2)
    inoue = con.execute("SELECT option_raw, option, faction FROM votes WHERE person_id = 'kokkai:井上哲士'").fetchone()
    assert inoue == ("●", "no", "日本共産党")
    # 北澤 on the roll call, 北沢 in the minutes: one person after normalisation
    assert con.execute("SELECT voter_name FROM votes WHERE person_id = 'kokkai:北沢俊美'").fetchone() == ("北澤 俊美",)
    event = con.execute("SELECT meeting_id, method, source FROM vote_events").fetchone()
    assert event == ("kokkai-kokkai-177-1", "押しボタン", "roll call")
    assert dict(con.execute("SELECT option, value FROM counts").fetchall()) == {"total": 238, "yes": 232, "no": 6}
    con.close()
    assert load(["kokkai"], db, staging).counts["roll_calls"]["noop"] == 1


def test_named_vote_and_reported_sides_from_the_minutes(data_dir):
    staging = data_dir / "staging"
    chair = ("○議長（山田太郎議員）", "議長", "山田太郎")
    sitting = _sitting("よって、議案第１号は原案のとおり可決されました。") | {"speeches": [
        _speech(1, *chair, "日程第１、議案第１号　架空区手数料条例の一部を改正する条例を議題といたします。"),
        _speech(2, "◆企画総務委員長（佐藤花子議員）", "企画総務委員長", "佐藤花子",
                "採決の結果、本案は賛成多数（賛成：架空自由党、反対：区民の会）により、原案のとおり可決すべきものと"
                "決定いたしました。"),
        _speech(3, *chair, "これより採決いたします。本案は記名投票をもって採決いたします。"),
        _speech(4, *chair, "投票総数２票、白票１票、青票１票。よって、本案は原案のとおり可決されました。\n〔参照〕\n"
                           "賛成者（白票）の氏名\n　２番　佐藤花子君\n反対者（青票）の氏名\n　９番　架空一郎君")],
        "attendance": [{"seat": 1, "name": "山田太郎", "status": "present"},
                       {"seat": 2, "name": "佐藤　花子", "status": "present"}]}
    _stage(staging, "demo", "r1", "meetings", [sitting])
    db = data_dir / "o.duckdb"
    load(["demo"], db, staging)
    con = duckdb.connect(str(db), read_only=True)
    # 佐藤花子 is a member (attendance); 架空一郎 matches nobody and is kept as printed
    named = con.execute("SELECT voter_name, person_id, option_raw, option FROM votes ORDER BY voter_name").fetchall()
    assert named == [("佐藤花子", "demo:佐藤花子", "賛成", "yes"), ("架空一郎", None, "反対", "no")]
    assert con.execute("SELECT faction, option, source FROM stances ORDER BY faction").fetchall() == [
        ("区民の会", "no", "minutes:demo-discussnet-9-1"), ("架空自由党", "yes", "minutes:demo-discussnet-9-1")]
    assert con.execute("SELECT count(*) FROM vote_events WHERE reported").fetchone()[0] == 1
