"""The DiscussNet parsers on real recorded responses (函館 saas, 墨田 smart)."""

import json

import pytest

from oshigiin.minutes.parsers import discussnet as dn


def read(minutes_fixtures, variant, name):
    return (minutes_fixtures / "discussnet-ssp" / variant / name).read_bytes()


def test_tenant_id_from_both_tenant_js_shapes(minutes_fixtures):
    assert dn.parse_tenant_js(read(minutes_fixtures, "saas", "tenant.js")) == 537
    # The older file carries an example id (1234) in a comment; the real one is 396.
    assert dn.parse_tenant_js(read(minutes_fixtures, "smart", "tenant.js")) == 396


@pytest.mark.parametrize("variant", ["saas", "smart"])
def test_council_index_keeps_proceedings_and_types(minutes_fixtures, variant):
    councils = dn.parse_councils(read(minutes_fixtures, variant, "councils.json"))
    meta = json.loads(read(minutes_fixtures, variant, "metadata.json"))
    recorded = next(c for c in councils if c.council_id == int(meta["councilId"]))
    assert recorded.is_proceedings and recorded.kind == "本会議" and recorded.committee is None
    committees = [c for c in councils if c.kind == "委員会"]
    assert committees and all(c.committee and c.committee.endswith("委員会") for c in committees)
    # 資料 (bill lists, tables) are in the index but are not sittings.
    assert any(not c.is_proceedings for c in councils)


def test_hakodate_sitting(minutes_fixtures):
    minute = dn.parse_minute(read(minutes_fixtures, "saas", "minute.json"))
    speeches = minute["speeches"]
    assert len(speeches) == 20  # 21 blocks, one of them the 名簿
    assert [s["seq"] for s in speeches] == list(range(1, 21))
    first = speeches[0]
    assert (first["speaker_raw"], first["speaker_name"], first["speaker_role"], first["kind"]) == (
        "○議長（吉田崇仁）", "吉田崇仁", "議長", "procedural")
    assert first["text"].startswith("おはようございます。")
    mayor = next(s for s in speeches if s["speaker_role"] == "市長")
    assert mayor["speaker_name"] == "大泉潤" and mayor["kind"] == "answer"
    assert not mayor["text"].startswith("◎")
    assert minute["attendance"][-1] == {"seat": 25, "name": "高橋千晶", "status": "absent"}
    assert sum(a["status"] == "present" for a in minute["attendance"]) == 26  # 〇出席議員（２６人）


def test_sumida_sitting_date_and_number(minutes_fixtures):
    councils = dn.parse_councils(read(minutes_fixtures, "smart", "councils.json"))
    council = next(c for c in councils if c.council_id == 562)
    schedule = dn.parse_schedules(read(minutes_fixtures, "smart", "schedules.json"))[0]
    minute = dn.parse_minute(read(minutes_fixtures, "smart", "minute.json"))
    assert str(dn.sitting_date(council, schedule, minute["front_matter"])) == "2024-12-27"
    assert dn.sitting_number(schedule) == 1
    assert len(minute["attendance"]) == 32  # ３　出席議員（３２人）, two columns
    assert {s["kind"] for s in minute["speeches"]} == {"procedural", "answer"}


def test_year_rolls_over_for_a_december_session_sitting_in_january():
    council = dn.CouncilEntry(1, "令和　７年第４回１２月定例会", 2025, ("全会議", "本会議", "定例会"))
    assert str(dn.sitting_date(council, dn.ScheduleEntry(9, "01月10日－05号"))) == "2026-01-10"


BAD_BODIES = [b"", b"<html>error</html>", b'{"other": 1}', b"[1, 2]", b'{"tenant_minutes": ']


@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_bodies_raise_parse_error(body):
    with pytest.raises(dn.ParseError):
        dn.parse_minute(body)


def test_speech_text_is_html_unescaped_and_marker_stripped():
    body = json.dumps({"tenant_minutes": [{
        "minute_id": 5, "title": "区長（山田一郎）", "minute_type_code": 6,
        "body": "<pre>◎区長（山田一郎）　&lt;script&gt;は表示のみ &amp; 保育\n</pre>"}]})
    speech = dn.parse_minute(body)["speeches"][0]
    assert speech["text"] == "<script>は表示のみ & 保育"
    assert speech["speaker_raw"] == "◎区長（山田一郎）"
