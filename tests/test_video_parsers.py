"""JFIT and DiscussVision parsers on constructed pages (tests/video_pages, see its README) and bad input."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest

from oshigiin.minutes.parsers import discussvision as dv
from oshigiin.minutes.parsers import jfit
from oshigiin.minutes.parsers.errors import PARSE_ERRORS
from tests.video_replay import PAGES

BASE = "https://kiroku-city.stream.jfit.co.jp/"
J = PAGES / "jfit"
D = PAGES / "discussvision"


def test_jfit_sessions_once_each_with_absolute_links():
    sessions = jfit.parse_sessions((J / "gikai_list.html").read_bytes(), BASE + "?kaigi_id=1&tpl=gikai_list")
    assert [(s.gikai_id, s.name) for s in sessions] == [("31", "令和6年第1回定例会"), ("30", "令和5年第4回定例会")]
    assert sessions[0].url == BASE + "?tpl=gikai_days_list&gikai_id=31"
    assert jfit.session_year(sessions[1].name) == 2023


def test_jfit_days_date_and_meeting_from_link_or_row():
    days = jfit.parse_days((J / "days_31.html").read_bytes(), BASE + "?tpl=gikai_days_list&gikai_id=31",
                           "令和6年第1回定例会")
    assert [(d.date, d.meeting) for d in days] == [(date(2024, 2, 22), "本会議"), (date(2024, 2, 26), "企画総務委員会")]
    # 「12月5日」 alone takes the session's year.
    (day,) = jfit.parse_days((J / "days_30.html").read_bytes(), BASE, "令和5年第4回定例会")
    assert day.date == date(2023, 12, 5) and day.meeting == "本会議"


def test_jfit_day_rows_speaker_faction_agenda_in_order():
    page = jfit.parse_day((J / "result_31_101.html").read_bytes(), BASE + "?tpl=gikai_result", "令和6年第1回定例会")
    assert page.date == date(2024, 2, 22)
    rows = [(r.order, r.inquiry_id, r.speaker_raw, r.speaker_name, r.faction, r.agenda) for r in page.rows]
    assert rows == [
        (1, "1058", "佐藤花子議員", "佐藤花子", "記録市民の会", "一般質問"),
        (2, "1059", "髙橋一郎議員", "髙橋一郎", "みらいの会", "一般質問"),
        (3, "1060", "鈴木まさし議員", "鈴木まさし", "記録市民の会", "一般質問"),
    ]
    assert page.rows[0].url == BASE + "?tpl=play_vod&inquiry_id=1058"


def test_jfit_play_page_sources():
    play = jfit.parse_play((J / "play_1058.html").read_bytes(), BASE + "?tpl=play_vod&inquiry_id=1058")
    assert play["inquiry_id"] == "1058"
    assert play["sources"]["hls"].endswith("/1058/index.m3u8") and play["sources"]["dash"].endswith(".mpd")


def test_jfit_speaker_page_is_the_search_by_member():
    questions = jfit.parse_speaker((J / "speaker_93.html").read_bytes(), BASE + "?tpl=speaker_result&speaker_id=93")
    assert [(q.session, q.date, q.topics, q.inquiry_id) for q in questions] == [
        ("令和6年第1回定例会", date(2024, 2, 22), ("防災について", "子育て支援について"), "1058"),
        ("令和5年第4回定例会", date(2023, 12, 5), ("図書館について",), "1002"),
    ]


@pytest.mark.parametrize("body", [
    b"",
    b'<div id="bm_data">not base64 json!!</div>',
    b'<div id="bm_data">' + base64.b64encode(b'{"playerSetting": {}}') + b"</div>",
    b"<html><body>no player</body></html>",
])
def test_jfit_play_bad_pages_are_parse_errors(body):
    with pytest.raises(PARSE_ERRORS):
        jfit.parse_play(body, BASE + "?tpl=play_vod&inquiry_id=1")


def test_jfit_row_without_speaker_is_a_parse_error():
    body = ('<table><tr class="font-90"><td>一般質問</td>'
            '<td><a href="./?tpl=play_vod&inquiry_id=5">再生</a></td></tr></table>')
    with pytest.raises(PARSE_ERRORS, match="names no speaker"):
        jfit.parse_day(body, BASE)


def test_discussvision_years_and_items():
    assert dv.parse_years((D / "yearlist.json").read_bytes()) == [2024, 2023]
    items = dv.parse_councils((D / "councilrd_2024.json").read_bytes())
    got = [(i.council_id, i.schedule_id, i.playlist_id, i.order, i.date, i.meeting, i.speaker_name, i.speaker_id,
            i.vtt, i.start) for i in items]
    assert got == [
        ("77", "3", "1", 1, date(2024, 2, 22), "本会議", None, None, None, None),
        ("77", "3", "2", 2, date(2024, 2, 22), "本会議", "佐藤花子", "12", "77_3_2.vtt", None),
        ("77", "3", "3", 3, date(2024, 2, 22), "本会議", "髙橋一郎", "15", "missing.vtt", 2470.0),
        # A 11月 session's January day is in the next year; singular key names read too.
        ("76", "9", "4", 1, date(2024, 1, 10), "本会議", "佐藤花子", "12", None, None),
    ]
    assert items[1].session == "令和6年第1回定例会"


def test_webvtt_cues():
    cues = dv.parse_vtt((D / "77_3_2.vtt").read_bytes())
    assert [(c.start, c.end, c.text) for c in cues] == [
        (3.0, 6.5, "記録市民の会の佐藤花子です"), (6.5, 10.0, "防災について伺います"),
        (62.25, 65.0, "区長　お答えいたします")]


@pytest.mark.parametrize("parse,body", [
    (dv.parse_councils, b"{not json"),
    (dv.parse_councils, b'[{"label": "no id", "schedules": []}]'),
    (dv.parse_councils, b'[{"council_id": 1, "schedules": [{"label": "x", "playlist": []}]}]'),
    (dv.parse_councils, b'[{"council_id": 1, "schedules": [{"schedule_id": 2, "playlist": [{"speaker": "a"}]}]}]'),
    (dv.parse_councils, b'[{"council_id": 1, "schedules": ["not an object"]}]'),
    (dv.parse_councils, b'[{"council_id": 1, "schedules": [{"schedule_id": 2, "playlist": [7]}]}]'),
    (dv.parse_years, b'{"a": 1}'),
    (dv.parse_years, b'["twenty"]'),
    (dv.parse_vtt, b"00:00:01.000 --> 00:00:02.000\nno header"),
    (dv.parse_vtt, b"WEBVTT\n\nxx --> yy\ntext"),
])
def test_discussvision_bad_answers_are_parse_errors(parse, body):
    with pytest.raises(PARSE_ERRORS):
        parse(body)


def test_parse_page_reads_saved_video_pages():
    from click.testing import CliRunner

    from oshigiin.cli import main

    result = CliRunner().invoke(main, ["parse-page", "discussvision", "councils", str(D / "councilrd_2024.json")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [x["playlist_id"] for x in lines] == ["1", "2", "3", "4"]
    bad = CliRunner().invoke(main, ["parse-page", "jfit", "play", str(J / "gikai_list.html")])
    assert bad.exit_code != 0 and "no div#bm_data" in bad.output
