"""DB-Search (dbsr.jp) parsers on real recorded pages, and a real crawl over a replay of them.

Fixtures (../shared/fixtures/minutes-systems/dbsearch): doc-one-frame (青森市, frameset documents),
document-id (仙台市, one-page `Template=view` documents), nested-span-date (糸島市) and
new-version-no-csrf (宮若市), the last two with top and list pages only. The newest (Laravel)
generation, with `_token` and `li.voice-block`, has no recorded page here; its tests use small
pages built from its documented markup and say so.

Every fixture declares `<meta charset="utf-8">` and dbsr.jp serves UTF-8, so the replay sends the
files as they are (Route's default encoding); a Shift_JIS copy is read in a parser test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date

import pytest

from oshigiin.minutes.parsers import dbsearch as db
from tests.recorded_site import RecordedSite, Route
from tests.registry import write_registry


def path(minutes_fixtures, variant, name):
    return minutes_fixtures / "dbsearch" / variant / name


def read(minutes_fixtures, variant, name):
    return path(minutes_fixtures, variant, name).read_bytes()


# -- top page and list -------------------------------------------------------------------------

@pytest.mark.parametrize(("variant", "action", "fields"), [
    ("doc-one-frame", "/index.php/6709393?Template=list", {"QueryType": "New", "PhraseConnection": "And"}),
    ("document-id", "/index.php/8397604?Template=List", {"QueryType": "New", "Phrase": ""}),
    ("nested-span-date", "/index.php/4815903?Template=list", {"QueryType": "New"}),
    ("new-version-no-csrf", "/index.php/5566586?Template=list", {"QueryType": "New"}),
])
def test_top_page_search_form(minutes_fixtures, variant, action, fields):
    top = db.parse_top(read(minutes_fixtures, variant, "top.html"))
    assert top.action == action
    assert top.token is None  # none of these generations has a CSRF token
    assert fields.items() <= dict(top.fields).items()
    # The simple search's checked 「本文」 box is not carried: the 名簿 documents must be listed too.
    assert not any(name.startswith(("Class", "Cabinet")) for name, _ in top.fields)


def test_top_page_of_the_newest_generation_carries_the_token():
    # Built from the newest generation's markup (音更町, 福岡県 dbsr.jp, 2025–26): no recorded copy here.
    page = """<html><head><meta charset="utf-8"><meta name="csrf-token" content="Tok3n"></head><body>
    <form class="simple__form" method="post" action="https://x.dbsr.jp/index.php/100000" target="list">
      <input type="hidden" name="_token" value="Tok3n" autocomplete="off">
      <input type="hidden" name="Template" value="list"><input type="hidden" name="ListType" value="text">
      <input type="hidden" name="QueryType" value="new"><input class="simple__textbox" type="text" name="Phrase">
      <input type="radio" name="Part[]" value="" checked="checked"></form></body></html>"""
    top = db.parse_top(page)
    assert top.token == "Tok3n" and top.action == "https://x.dbsr.jp/index.php/100000"
    assert dict(top.fields) == {"_token": "Tok3n", "Template": "list", "ListType": "text", "QueryType": "new",
                                "Phrase": ""}


@pytest.mark.parametrize(("variant", "count", "total", "first", "next_url"), [
    ("doc-one-frame", 20, 82,
     ("1485", "令和６年第４回定例会（第９号） 議事日程・名簿", date(2024, 12, 25), "議事日程・名簿"),
     "/index.php/3588550?Template=list&Page=2"),
    ("document-id", 10, 589, ("16088", "ＤＸ推進調査特別委員会 表紙", date(2024, 12, 26), "表紙"),
     "/index.php/3431160?Template=list&Page=2"),
    # 糸島市: the date sits in a span nested in the date span, after a label.
    ("nested-span-date", 10, 103, ("1050", "令和７年 第４回糸島市議会定例会〔資料〕", date(2025, 12, 18), "資料"),
     "/index.php/6122940?Template=list&Page=2"),
    # 宮若市: 「開催日：2025年02月25日」 in a bare span beside the link.
    ("new-version-no-csrf", 10, 47, ("848", "令和７年第１回定例会 会期日程", date(2025, 2, 25), "会期日程"),
     "/index.php/9514400?Template=list&Page=2"),
])
def test_search_result_rows(minutes_fixtures, variant, count, total, first, next_url):
    result = db.parse_search_result(read(minutes_fixtures, variant, "search-result.html"))
    docs = result.documents
    assert len(docs) == count and result.total == total
    assert (docs[0].doc_id, docs[0].title, docs[0].date, docs[0].doc_class) == first
    assert all(d.date for d in docs)
    assert result.next_page == db.NextPage(url=next_url, page=2)


def test_sittings_pair_the_text_with_its_roster(minutes_fixtures):
    docs = db.parse_search_result(read(minutes_fixtures, "doc-one-frame", "search-result.html")).documents
    speech = [d for d in docs if db.is_speech_document(d)]
    rosters = {db.sitting_key(d): d for d in docs if db.is_roster(d)}
    assert [d.doc_id for d in speech] == ["1486", "1484", "1482", "1480", "1478", "1476", "1474", "1472"]
    assert rosters[db.sitting_key(speech[0])].doc_id == "1485"
    # 署名, 資料, 目次, 日程 are neither.
    assert {d.doc_class for d in docs if not db.is_speech_document(d) and not db.is_roster(d)} == {
        "署名", "資料", "目次", "日程"}


def test_last_page_of_the_newest_generation_pages_by_post():
    # The newest generation pages with a form (POST Page=N and _token), not links.
    page = """<html><body><ul class="result-document"><li class="result-document__item"><div class="ans-title">
      <div class="ans-title__name"><a href="https://x.dbsr.jp/index.php/848322?Template=document&Id=1673#one">
      令和６年第４回定例会（第５号）　本文</a></div>
      <div class="ans-title__date"><span class="ans-title__datetitle">開催日:</span> 2024-12-17</div></div></li></ul>
      <nav class="pagination"><form method="post" action="https://x.dbsr.jp/index.php/848322">
      <input type="hidden" name="_token" value="Tok3n"><input type="hidden" name="Template" value="list">
      <button type="button" aria-disabled="true" aria-label="前のページ">&lt; 前</button>
      <button type="submit" aria-disabled="false" name="Page" value="2" aria-label="次のページ">次 &gt;</button>
      </form></nav></body></html>"""
    result = db.parse_search_result(page)
    (doc,) = result.documents
    assert (doc.doc_id, doc.date, doc.doc_class) == ("1673", date(2024, 12, 17), "本文")
    assert result.next_page == db.NextPage(url="https://x.dbsr.jp/index.php/848322", method="POST",
                                           fields=(("_token", "Tok3n"), ("Template", "list"), ("Page", "2")), page=2)
    assert db.document_view_url(doc.url) == "https://x.dbsr.jp/index.php/848322?Template=document&Id=1673"


def test_document_view_urls():
    assert db.document_view_url("/index.php/3588550?Template=doc-one-frame&VoiceType=onehit&DocumentID=1486") == (
        "/index.php/3588550?Template=doc-all-frame&VoiceType=all&DocumentID=1486")
    assert db.document_view_url("/index.php/9514400?Template=doc-one-frame&VoiceType=OneHit&DocumentID=848") == (
        "/index.php/9514400?Template=doc-all-frame&VoiceType=all&DocumentID=848")
    assert db.document_view_url("/index.php/3431160?Template=view&VoiceType=all&DocumentID=16091") == (
        "/index.php/3431160?Template=view&VoiceType=all&DocumentID=16091")
    assert db.with_document_id("/index.php/1?Template=view&VoiceType=all&DocumentID=16091", "15851") == (
        "/index.php/1?Template=view&VoiceType=all&DocumentID=15851")


# -- documents ---------------------------------------------------------------------------------

def test_frameset_and_command_frame(minutes_fixtures):
    frameset = read(minutes_fixtures, "doc-one-frame", "frameset.html")
    assert db.is_frameset(frameset)
    assert not db.is_frameset(read(minutes_fixtures, "doc-one-frame", "page.html"))
    assert db.parse_frameset(frameset) == db.Frames(page="/index.php/9585096?Template=doc-page",
                                                    command="/index.php/9585096?Template=doc-all-command")
    assert db.parse_command(read(minutes_fixtures, "doc-one-frame", "command.html")) == (
        "令和６年第４回定例会（第９号） 本文", None)


def test_frame_page_speeches(minutes_fixtures):
    view = db.parse_document(read(minutes_fixtures, "doc-one-frame", "page.html"))
    speeches = view.speeches
    assert len(speeches) == 122 and [s["seq"] for s in speeches] == list(range(1, 123))
    assert [s["ext_minute_id"] for s in speeches[:3]] == ["1", "2", "3"]  # the page's VoiceNo
    assert view.anchors[0] == "VoiceNo1"
    first = speeches[0]
    # Voice 1 opens with 「午前10時開議」, then the chair speaks.
    assert (first["speaker_raw"], first["speaker_name"], first["speaker_role"], first["kind"]) == (
        "◯議長（奈良岡隆君）", "奈良岡隆", "議長", "procedural")
    assert first["text"].startswith("これより本日の会議を開きます。")
    assert "午前10時開議" in view.front_matter
    member = speeches[2]
    assert (member["speaker_name"], member["seat"], member["kind"]) == ("奈良祥孝", 4, "question")
    mayor = next(s for s in speeches if s["speaker_role"] == "市長")
    assert mayor["speaker_name"] == "西秀記" and mayor["kind"] == "answer"
    assert sum(s["speaker_role"] == "議長" for s in speeches) == 100
    assert speeches[-1]["text"] == (
        "これにて令和６年第４回青森市議会定例会を閉会いたします。\n\u3000\u3000午前10時58分閉会")
    assert set(speeches[0]) == {"ext_minute_id", "seq", "speaker_raw", "speaker_name", "speaker_role", "seat",
                                "kind", "text"}


def test_view_page_speeches(minutes_fixtures):
    view = db.parse_document(read(minutes_fixtures, "document-id", "detail.html"))
    assert (view.title, view.date) == ("ＤＸ推進調査特別委員会 本文", date(2024, 12, 26))
    assert len(view.speeches) == 50  # 「文書中の発言: 50」
    chair = view.speeches[0]
    # Committee minutes print the office alone: 「◯委員長」.
    assert (chair["speaker_raw"], chair["speaker_name"], chair["speaker_role"], chair["kind"]) == (
        "◯委員長", "", "委員長", "procedural")
    assert chair["text"].startswith("ただいまからＤＸ推進調査特別委員会を開会いたします。")
    assert "※会議の概要" in view.front_matter and "1: " not in chair["text"]
    head = view.speeches[1]
    assert (head["speaker_role"], head["kind"]) == ("デジタル戦略推進部長", "answer")
    members = [s for s in view.speeches if s["speaker_role"] == "委員"]
    assert len(members) == 26 and {s["kind"] for s in members} == {"question"}
    assert members[0]["speaker_raw"] == "◯福田ようすけ委員" and members[0]["speaker_name"] == "福田ようすけ"
    assert view.anchors[-1] == "VoiceNo50" and view.speeches[-1]["ext_minute_id"] == "50"


def test_shift_jis_page_reads_the_same(minutes_fixtures):
    text = path(minutes_fixtures, "doc-one-frame", "page.html").read_text(encoding="utf-8")
    sjis = text.replace('<meta charset="utf-8">', '<meta charset="Shift_JIS">').encode("cp932")
    assert db.parse_document(sjis).speeches == db.parse_document(text.encode("utf-8")).speeches


def test_voice_blocks_of_the_newest_generation():
    # Built from the newest generation's markup (`li.voice-block`, data-voice_code, the speaker list's
    # VoiceID[] checkboxes); no recorded copy of it is kept in ../shared.
    page = """<html><head><meta charset="utf-8"></head><body>
    <h1 class="command__title"><span class="command__docname">令和６年第４回定例会（第５号）　本文</span>
      <span class="command__date">2024-12-17</span></h1>
    <ol class="voicelist">
      <li class="voicelist__item" data-voice_code="1"><input type="checkbox" name="VoiceID[]" value="120589"></li>
      <li class="voicelist__item" data-voice_code="2"><input type="checkbox" name="VoiceID[]" value="120590"></li></ol>
    <ul class="page-list" id="page-list">
      <li class="voice-block voice_block d-none" data-voice_code="1" data-voice-title="◯議長（高瀬博文）">
        <div class="voice voice-text"><div class="voice__detail voice-detail">1:</div>
        <p class="voice__text">　　会議の経過<br />
開会（午前１０時００分）<br />
◯議長（高瀬博文）<br />
　報告します。<br />
</p></div></li>
      <li class="voice-block voice_block d-none" data-voice_code="2" data-voice-title="◯議会運営委員長（神長基子）">
        <div class="voice"><p class="voice__text">◯議会運営委員長（神長基子）〔登壇〕<br />
　おはようございます。<br />
</p></div></li></ul></body></html>"""
    view = db.parse_document(page.encode("utf-8"))
    assert (view.title, view.date) == ("令和６年第４回定例会（第５号） 本文", date(2024, 12, 17))
    first, second = view.speeches
    assert (first["ext_minute_id"], first["speaker_name"], first["text"]) == ("120589", "高瀬博文", "報告します。")
    assert "開会（午前１０時００分）" in view.front_matter
    assert second["speaker_role"] == "議会運営委員長" and second["text"].startswith("〔登壇〕")
    assert view.anchors == [None, None]


def test_running_text_falls_back_to_the_segmenter():
    page = """<html><body><pre>〇出席議員（２人）
　　１番　山　田　太　郎　　　２番　佐　藤　花　子
○議長（山田太郎君）　ただいまから会議を開きます。
○２番（佐藤花子君）　質問します。
</pre></body></html>"""
    view = db.parse_document(page)
    assert [(s["ext_minute_id"], s["speaker_name"], s["seat"]) for s in view.speeches] == [
        ("1", "山田太郎", None), ("2", "佐藤花子", 2)]
    assert view.attendance == [{"seat": 1, "name": "山田太郎", "status": "present"},
                               {"seat": 2, "name": "佐藤花子", "status": "present"}]


@pytest.mark.parametrize(("page", "title", "when"), [
    # Command frames of other frameset councils (shapes from open-gikai's notes; no recorded copy here).
    ('<h2 class="command__title"><span class="command__date">2025-12-19</span>'
     "：令和７年第５回定例会（第５日）  名簿</h2>",
     "令和７年第５回定例会（第５日） 名簿", date(2025, 12, 19)),
    ('<h1 class="command__title">令和７年第２回臨時市会（第２日） <date class="command__date">2025-12-26</date></h1>',
     "令和７年第２回臨時市会（第２日）", date(2025, 12, 26)),
    ("<h2>2025年12月19日：宗像市：令和７年第４回定例会（第１日）　本文</h2>",
     "令和７年第４回定例会（第１日） 本文", date(2025, 12, 19)),
])
def test_command_frame_shapes(page, title, when):
    assert db.parse_command(f"<html><body>{page}</body></html>") == (title, when)


def test_a_voice_opening_with_roster_and_headings():
    pre, speech = db.split_voice(
        "〇出席議員（２名）\n　１番　山田太郎\n◎開議の宣告\n◯議長（山田太郎君）　開会します。\n◎日程第１")
    assert pre.startswith("〇出席議員") and pre.endswith("◎開議の宣告\n")
    assert (speech["speaker_name"], speech["speaker_role"], speech["text"]) == (
        "山田太郎", "議長", "開会します。\n◎日程第１")
    # An office alone on its line, the speech below: a speaker, not a heading.
    _, speech = db.split_voice("◯委員長\n　ただいまから開会します。")
    assert (speech["speaker_role"], speech["text"]) == ("委員長", "ただいまから開会します。")
    assert db.split_voice("◎会期の決定\n") == ("◎会期の決定\n", None)
    # The block's title wins, even when the text prints no marker at all.
    assert db.split_voice("賛成の立場から発言します。", "◯議員（田中太郎）")[1]["speaker_name"] == "田中太郎"


def test_parse_detail_record(minutes_fixtures):
    record = db.parse_detail(read(minutes_fixtures, "document-id", "detail.html"))
    assert (record["title"], record["date"], len(record["speeches"])) == (
        "ＤＸ推進調査特別委員会 本文", "2024-12-26", 50)
    assert record["attendance"] == []


def test_not_a_document():
    with pytest.raises(db.ParseError):
        db.parse_document(b'{"error": "session expired"}')
    with pytest.raises(db.ParseError):
        db.parse_frameset(b"<html><frameset><frame src='/x?Template=doc-all-command'></frameset></html>")


@pytest.mark.parametrize(("title", "kind", "committee", "session", "number"), [
    ("令和６年第４回定例会（第９号）", "本会議", None, "令和6年第4回定例会", 9),
    ("令和７年 第４回糸島市議会定例会（第６日）", "本会議", None, "令和7年第4回定例会", 6),
    ("令和７年　長期総合計画審査特別委員会", "委員会", "長期総合計画審査特別委員会", None, None),
    ("ＤＸ推進調査特別委員会", "委員会", "DX推進調査特別委員会", None, None),
])
def test_meeting_fields_from_titles(title, kind, committee, session, number):
    assert db.meeting_kind(title) == (kind, committee)
    assert db.session_name(title) == session
    assert db.sitting_number(title) == number


# -- a real crawl over a replay ------------------------------------------------------------------

def registry_for(tmp_path, url: str) -> str:
    return write_registry(tmp_path, platform="dbsearch", base_url=url, download_delay=0.0)


def crawl(tmp_path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OSHIGIIN_COUNCILS": registry_for(tmp_path, url)}
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "dbsearch", "-a", "council=recorded",
                           "-a", f"base_url={url}", "-s", "HTTPCACHE_ENABLED=False", *args],
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), env=env,
                          capture_output=True, text=True, timeout=120)


def staged(data_dir):
    (run,) = list((data_dir / "staging" / "recorded").iterdir())
    meetings = [json.loads(x) for x in (run / "meetings.ndjson").read_text().splitlines()] \
        if (run / "meetings.ndjson").exists() else []
    log = [json.loads(x) for x in (run / "fetch_log.ndjson").read_text().splitlines()]
    return meetings, log


def second_list_page(html: str) -> str:
    """Page 2 of 青森's list, generated: its first sitting renumbered as another, and no 「次」 link."""
    start = html.index('<div class="result-doc">')
    third = html.index('<div class="result-doc">', html.index('<div class="result-doc">', start + 1) + 1)
    close = html.rindex("</div>", 0, html.index('<div class="pagination-bottom">'))
    rows = (html[start:third].replace("DocumentID=1485", "DocumentID=1401")
            .replace("DocumentID=1486", "DocumentID=1402")
            .replace("（第９号）", "（第１号）").replace("2024-12-25", "2024-11-28"))
    return re.sub(r'<li><a href="[^"]*">次 &gt;</a></li>', "", html[:start] + rows + html[close:])


ROSTER_PAGE = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head><body class="page">
<div class="page-text"><div class="page-text__voice" id="VoiceNo1"><p class="page-text__text border textwrap">
<span class="page-text__number VoiceAnchor" data-voiceno="1">1</span>
〇出席議員（３名）<br />
　　１番　赤　平　勇　人　　　４番　奈　良　祥　孝<br />
　２７番　小　倉　尚　裕<br />
〇欠席議員（なし）<br />
</p></div></div></body></html>"""


def test_crawl_frameset_generation(minutes_fixtures, data_dir, tmp_path):
    """青森 (frames): top → POST search (years=2024) → page 2 → 本文 frameset → page frame → 名簿."""
    variant = minutes_fixtures / "dbsearch" / "doc-one-frame"
    result_html = (variant / "search-result.html").read_text(encoding="utf-8")
    frameset = (variant / "frameset.html").read_text(encoding="utf-8")
    site = RecordedSite([
        Route("GET", "/", file=variant / "top.html"),
        # Only a search that carries the period answers: the years reach the form.
        Route("POST", "/index.php/6709393", {"Template": "list", "QueryType": "New", "TermStartYear": "2024",
                                             "TermEnd": "2024-12-31"}, variant / "search-result.html"),
        Route("GET", "/index.php/3588550", {"Template": "list", "Page": "2"},
              body=second_list_page(result_html).encode("utf-8")),
        Route("GET", "/index.php/3588550", {"Template": "doc-all-frame", "VoiceType": "all", "DocumentID": "1486"},
              variant / "frameset.html"),
        Route("GET", "/index.php/9585096", {"Template": "doc-page"}, variant / "page.html"),
        # The 名簿 of the same sitting, opened in its own session: generated, the recording has none.
        Route("GET", "/index.php/3588550", {"Template": "doc-all-frame", "VoiceType": "all", "DocumentID": "1485"},
              body=frameset.replace("9585096", "7777777").encode("utf-8")),
        Route("GET", "/index.php/7777777", {"Template": "doc-page"}, body=ROSTER_PAGE.encode("utf-8")),
    ])
    with site:
        result = crawl(tmp_path, site.url, "-a", "years=2024")
        log = list(site.request_log)
    assert result.returncode == 0, result.stderr[-3000:]

    # robots, top, search, page 2; the recorded sitting: frameset, page, 名簿 frameset, 名簿 page;
    # the 8 other 本文 documents (7 on page 1, 1 on page 2) answer 404 at their frameset.
    assert len(log) == 4 + 4 + 8, log
    assert [m for m, _, _ in log[:3]] == ["GET", "GET", "POST"] and log[0][1] == "/robots.txt"
    meetings, fetch_log = staged(data_dir)
    (meeting,) = meetings
    assert (meeting["ext_schedule_id"], meeting["ext_council_id"], meeting["date"]) == ("1486", "", "2024-12-25")
    assert (meeting["title"], meeting["kind"], meeting["session"], meeting["number"]) == (
        "令和6年第4回定例会(第9号)", "本会議", "令和6年第4回定例会", 9)
    assert meeting["source_url"] == site.url + "index.php/3588550?Template=doc-all-frame&VoiceType=all&DocumentID=1486"
    assert meeting["api_url"] == site.url + "index.php/9585096?Template=doc-page"
    assert len(meeting["speeches"]) == 122
    assert meeting["speeches"][1]["source_url"] == meeting["source_url"] + "#VoiceNo2"
    assert meeting["attendance"] == [{"seat": 1, "name": "赤平勇人", "status": "present"},
                                     {"seat": 4, "name": "奈良祥孝", "status": "present"},
                                     {"seat": 27, "name": "小倉尚裕", "status": "present"}]
    failed = [f for f in fetch_log if f["outcome"] != "ok"]
    assert len(failed) == 8 and all(f["reason"] == "HTTP 404" for f in failed)
    assert {re.search(r"DocumentID=(\d+)", f["url"]).group(1) for f in failed} == {
        "1484", "1482", "1480", "1478", "1476", "1474", "1472", "1402"}


def document_id_site(minutes_fixtures) -> RecordedSite:
    """仙台's recorded top, list and one document view, as the live site answers them."""
    variant = minutes_fixtures / "dbsearch" / "document-id"
    return RecordedSite([
        Route("GET", "/", file=variant / "top.html"),
        Route("POST", "/index.php/8397604", {"Template": "List"}, variant / "search-result.html"),
        Route("GET", "/index.php/3431160", {"Template": "view", "VoiceType": "all", "DocumentID": "16091"},
              variant / "detail.html"),
    ])


def test_crawl_view_generation(minutes_fixtures, data_dir, tmp_path):
    """仙台 (one-page views): a failed list page 2 still fetches page 1's documents; the 名簿 404s."""
    site = document_id_site(minutes_fixtures)
    with site:
        result = crawl(tmp_path, site.url)
        log = list(site.request_log)
    assert result.returncode == 0, result.stderr[-3000:]
    # robots, top, search, page 2 (404); 16091 and its 名簿 16089 (404); 15851 (404).
    assert len(log) == 4 + 2 + 1, log
    meetings, fetch_log = staged(data_dir)
    (meeting,) = meetings
    assert (meeting["ext_schedule_id"], meeting["date"], meeting["kind"], meeting["committee"]) == (
        "16091", "2024-12-26", "委員会", "DX推進調査特別委員会")
    assert meeting["title"] == "DX推進調査特別委員会" and meeting["session"] is None
    assert len(meeting["speeches"]) == 50 and meeting["attendance"] == []
    assert meeting["speeches"][0]["source_url"].endswith("DocumentID=16091#VoiceNo1")
    failed = {f["url"].split("?")[1]: f["reason"] for f in fetch_log if f["outcome"] != "ok"}
    assert failed == {"Template=list&Page=2": "HTTP 404",
                      "Template=view&VoiceType=all&DocumentID=16089": "HTTP 404",
                      "Template=view&VoiceType=all&DocumentID=15851": "HTTP 404"}


def test_crawl_one_document(minutes_fixtures, data_dir, tmp_path):
    """-a doc_id: the first list page only, then that document."""
    site = document_id_site(minutes_fixtures)
    with site:
        result = crawl(tmp_path, site.url, "-a", "doc_id=16091")
        log = list(site.request_log)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [p.split("?")[-1] for _, p, _ in log] == [
        "/robots.txt", "/", "Template=List", "Template=view&VoiceType=all&DocumentID=16091",
        "Template=view&VoiceType=all&DocumentID=16089"]
    meetings, _ = staged(data_dir)
    assert [m["ext_schedule_id"] for m in meetings] == ["16091"]
