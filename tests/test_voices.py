"""VOICES/Web on real recorded pages (つくば: gijiroku-com/standard, 八戸: gijiroku-com/asp).

Parsers on the recorded pages, as stored (UTF-8) and as the live servers send them (Shift_JIS);
then real Scrapy crawls over HTTP of the same pages replayed by RecordedSite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import duckdb
import pytest

from oshigiin.minutes.parsers import voices as vo
from oshigiin.minutes.parsers.discussnet import ParseError
from oshigiin.pipeline.publishing.load import load
from tests.recorded_site import RecordedSite, Route
from tests.registry import write_registry

# variant: (install root, FINO and KGNO of the recorded document, HUID of the recorded speech page,
#           documents listed, sidebar entries)
RECORDED = {
    "standard": ("voices", "2778", "1878", "338564", 190, 15),
    "asp": ("kaigiroku", "4285", "2392", "220280", 137, 42),
}


def read(minutes_fixtures, variant, name) -> bytes:
    return (minutes_fixtures / "gijiroku-com" / variant / name).read_bytes()


def as_served(minutes_fixtures, variant, name) -> bytes:
    """The page as the live server sends it: Shift_JIS (cp932)."""
    return read(minutes_fixtures, variant, name).decode("utf-8").encode("cp932")


# ---------------------------------------------------------------- parsers


@pytest.mark.parametrize("variant", sorted(RECORDED))
def test_meeting_list_rows(minutes_fixtures, variant):
    _, fino, kgno, _, n_docs, _ = RECORDED[variant]
    page = vo.parse_list_page(read(minutes_fixtures, variant, "search-result.html"))
    assert len(page.documents) == page.declared == n_docs  # 「190件の日程がヒットしました」, one page
    assert page.more == []
    first = page.documents[0]
    assert (first.fino, first.kgno) == (fino, kgno)
    assert first.href.startswith("voiweb.exe?ACT=200&") and f"FINO={fino}" in first.href
    assert len({d.fino for d in page.documents}) == n_docs
    # The live server's Shift_JIS reads the same.
    assert vo.parse_meeting_list(as_served(minutes_fixtures, variant, "search-result.html")) == page.documents


def test_tsukuba_list_fields(minutes_fixtures):
    docs = {d.fino: d for d in vo.parse_meeting_list(read(minutes_fixtures, "standard", "search-result.html"))}
    committee = docs["2778"]
    assert (committee.title, committee.label, committee.unid) == (
        "令和　６年１２月２６日議会運営委員会", "12月26日-01号", "K_R06122614011")
    fields = vo.meeting_fields(committee)
    assert fields == vo.MeetingFields(
        title="令和6年12月26日議会運営委員会 12月26日-01号", kind="委員会", session=None,
        committee="議会運営委員会", date=date(2024, 12, 26), number=1)
    plenary = vo.meeting_fields(docs["2602"])  # 令和　６年　３月定例会,02月28日-03号
    assert (plenary.kind, plenary.session, plenary.committee, plenary.date, plenary.number) == (
        "本会議", "令和6年3月定例会", None, date(2024, 2, 28), 3)
    # Every sitting of one 定例会 shares its KGNO.
    assert {d.kgno for d in docs.values() if d.title == "令和　６年　３月定例会"} == {"1728"}
    contents = [d for d in docs.values() if d.is_contents]
    assert len(contents) == 6 and all(d.label.endswith("目次") for d in contents)
    appendix = vo.meeting_fields(docs["2628"])  # 03月22日-付録
    assert appendix.number is None and appendix.date == date(2024, 3, 22)


def test_hachinohe_list_fields(minutes_fixtures):
    docs = {d.fino: d for d in vo.parse_meeting_list(read(minutes_fixtures, "asp", "search-result.html"))}
    special = vo.meeting_fields(docs["4280"])  # 令和　６年１２月　デジタル化推進特別委員会
    assert (special.kind, special.committee, special.date) == ("委員会", "デジタル化推進特別委員会", date(2024, 12, 13))
    council = vo.meeting_fields(docs["4285"])  # 民生環境協議会: a 協議会 is neither plenary nor committee
    assert (council.kind, council.committee) == ("その他", None)
    assert council.title == "令和6年12月民生環境協議会 12月17日-01号"
    kinds = [vo.meeting_fields(d).kind for d in docs.values()]
    assert kinds.count("本会議") == 30 and kinds.count("委員会") == 53


def test_header_is_the_front_matter(minutes_fixtures):
    header = vo.parse_header(as_served(minutes_fixtures, "standard", "header.html"))
    assert header.title == "令和　６年１２月２６日議会運営委員会"
    assert header.date == date(2024, 12, 26)
    assert [p.huid for p in header.passages] == ["338563"]
    front = header.front_matter
    assert "つくば市議会議会運営委員会" in front and "出　席　委　員" in front and "議　　事　　日　　程" in front
    assert "get_view_no" not in front  # the page's script is not text

    asp = vo.parse_header(read(minutes_fixtures, "asp", "header.html"))
    assert asp.title == "令和　６年１２月　民生環境協議会" and asp.date == date(2024, 12, 17)
    assert "出席委員（７名）" in asp.front_matter and asp.front_matter.rstrip().endswith("午前10時40分　開会")


@pytest.mark.parametrize("variant", sorted(RECORDED))
def test_sidebar_lists_every_passage(minutes_fixtures, variant):
    _, fino, _, huid, _, n_entries = RECORDED[variant]
    entries = vo.parse_sidebar(as_served(minutes_fixtures, variant, "sidebar.html"))
    assert len(entries) == n_entries
    assert entries[0].label == "(名簿)" and entries[0].is_front_matter and entries[0].page == "1"
    assert all(e.is_speech for e in entries[1:])
    assert entries[1].huid == huid and entries[1].marker == "○"
    assert all(f"HUID={e.huid}" in e.href and f"FINO={fino}" in e.href for e in entries)
    assert [int(e.huid) for e in entries] == sorted(int(e.huid) for e in entries)


def test_sidebar_markers_and_speakers(minutes_fixtures):
    tsukuba = vo.parse_sidebar(read(minutes_fixtures, "standard", "sidebar.html"))
    assert [(e.marker, e.label) for e in tsukuba[8:10]] == [("○", "委員長(塩田)"), ("◎", "議会局長(川崎)")]
    assert tsukuba[-1].page == "5"
    hachinohe = vo.parse_sidebar(read(minutes_fixtures, "asp", "sidebar.html"))
    markers = [e.marker for e in hachinohe[1:]]
    assert (markers.count("○"), markers.count("◎"), markers.count("◆")) == (12, 15, 14)
    assert hachinohe[8].label == "委員(伊藤)" and hachinohe[4].label == "こども健康部長(秋山)"


def test_huid_page_is_one_speech(minutes_fixtures):
    speech = vo.parse_huid_page(as_served(minutes_fixtures, "standard", "huid-page.html"), "338564")
    assert (speech.huid, speech.marker, speech.speaker_raw) == ("338564", "○", "○塩田\u3000委員長")
    assert speech.text.startswith("改めましておはようございます。議会運営委員各位には")
    assert "意見書案第６号\u3000北朝鮮による日本人拉致問題" in speech.text

    asp = vo.parse_huid_page(read(minutes_fixtures, "asp", "huid-page.html"))
    assert asp.speaker_raw == "○中村\u3000委員長"
    # A marked line inside the passage is part of the speech, not a new speaker.
    assert asp.text.startswith("ただいまから民生環境協議会を開きます。")
    assert asp.text.endswith("●\u3000所管事項の報告について")

    # With the sidebar's label the speaker ends after the office it names; the same reading.
    labelled = vo.parse_huid_page(read(minutes_fixtures, "asp", "huid-page.html"), "220280", "委員長(中村)")
    assert labelled == asp

    with pytest.raises(ParseError, match="338565"):
        vo.parse_huid_page(read(minutes_fixtures, "standard", "huid-page.html"), "338565")


@pytest.mark.parametrize("variant", sorted(RECORDED))
def test_speeches_in_sidebar_order(minutes_fixtures, variant):
    _, _, _, huid, _, _ = RECORDED[variant]
    entries = vo.parse_sidebar(read(minutes_fixtures, variant, "sidebar.html"))
    speech = vo.parse_huid_page(read(minutes_fixtures, variant, "huid-page.html"), huid)
    sidebar_url = f"https://example.gijiroku.com/{RECORDED[variant][0]}/cgi/voiweb.exe?ACT=202&FINO=1"
    records = vo.assemble_speeches(entries, {huid: speech}, sidebar_url)
    assert len(records) == 1
    record = records[0]
    assert set(record) == {"ext_minute_id", "seq", "speaker_raw", "speaker_name", "speaker_role", "seat",
                           "kind", "text", "source_url"}
    assert (record["ext_minute_id"], record["seq"], record["speaker_role"], record["kind"]) == (
        huid, 1, "委員長", "procedural")
    assert record["speaker_name"] in ("塩田", "中村")
    assert record["source_url"].startswith(f"https://example.gijiroku.com/{RECORDED[variant][0]}/cgi/voiweb.exe?ACT=203&")
    assert f"HUID={huid}" in record["source_url"]


def test_a_speech_without_a_speaker_line_takes_the_sidebars(minutes_fixtures):
    entries = vo.parse_sidebar(read(minutes_fixtures, "asp", "sidebar.html"))
    member = entries[8]  # ◆ 委員(伊藤)
    bare = vo.Speech(member.huid, "", "", "質問します。")
    [record] = vo.assemble_speeches(entries, {member.huid: bare}, "https://x/kaigiroku/cgi/voiweb.exe")
    assert (record["speaker_raw"], record["speaker_name"], record["speaker_role"], record["kind"]) == (
        "◆委員(伊藤)", "伊藤", "委員", "question")


@pytest.mark.parametrize(("line", "label", "speaker_raw", "text"), [
    # Plenary: office and bracketed name. Committee: name, office, then the speech on the same
    # line after one space (八戸) or two (つくば), or on the next line.
    ("○議長（黒田健祐君）　おはようございます。", "議長(黒田)", "○議長（黒田健祐君）", "おはようございます。"),
    ("◎中山　都市計画課長　　お答えします。", "都市計画課長(中山)", "◎中山　都市計画課長", "お答えします。"),
    ("◎秋山　こども健康部長　報告します。", "こども健康部長(秋山)", "◎秋山　こども健康部長", "報告します。"),
    ("◆伊藤　委員\n　質問します。", "委員(伊藤)", "◆伊藤　委員", "質問します。"),
    ("○２０番（鈴木まさし議員）　質問します。", "", "○２０番（鈴木まさし議員）", "質問します。"),
])
def test_speaker_line_shapes(line, label, speaker_raw, text):
    speech = vo.read_speech(vo.Passage("1", line), label)
    assert (speech.speaker_raw, speech.text, speech.heading) == (speaker_raw, text, False)


def whole_document(minutes_fixtures, variant) -> str:
    """The recorded 名簿 page with the recorded speech passage after it: what HATSUGENMODE=1 sends."""
    header = read(minutes_fixtures, variant, "header.html").decode("utf-8")
    page = read(minutes_fixtures, variant, "huid-page.html").decode("utf-8")
    start = page.index('<A NAME="HUID')
    passage = page[start:page.index("<P><FORM", start)]
    cut = header.index("<P><FORM")
    return header[:cut] + passage + header[cut:]


def test_a_page_with_several_passages(minutes_fixtures):
    body = whole_document(minutes_fixtures, "standard")
    header = vo.parse_header(body)
    assert [p.huid for p in header.passages] == ["338563", "338564"]
    assert "改めまして" not in header.front_matter
    assert vo.parse_huid_page(body, "338564").speaker_raw == "○塩田\u3000委員長"


def test_unreadable_pages():
    busy = ("<HTML><HEAD><TITLE>Server Busy</TITLE></HEAD><BODY><CENTER><BR>"
            "該当する発言がありませんでした。<br></CENTER></BODY></HTML>").encode("cp932")
    for parse in (vo.parse_list_page, vo.parse_header, vo.parse_sidebar, vo.parse_huid_page):
        with pytest.raises(vo.ServerBusy):
            parse(busy)
    with pytest.raises(ParseError, match="HUID"):
        vo.parse_header(b"<html><body>maintenance</body></html>")
    with pytest.raises(ParseError, match="ACT=200"):
        vo.parse_list_page(b"<html><body>maintenance</body></html>")
    with pytest.raises(ParseError, match="sidebar"):
        vo.parse_sidebar(b"<html><body>maintenance</body></html>")


def test_list_paging_links():
    # Installations that page the list print page and year links; the folder links (FINO) and the
    # paging of an unfolded branch (TITL_SUBT) are not list pages.
    page = vo.parse_list_page("""<TABLE><TR><TD>3件の日程がヒットしました。</TD></TR></TABLE>
        <A HREF="voiweb.exe?ACT=100&amp;FINO=978&amp;PAGE=1&amp;HIT=3"><IMG></A>令和　７年１２月定例会,
        <A HREF="voiweb.exe?ACT=200&amp;KGNO=221&amp;FINO=978">11月28日-01号</A>
        <A HREF="voiweb.exe?ACT=100&amp;KENSAKU=0&amp;TITL_SUBT=%97%DF&amp;PAGE=2&amp;HIT=3">2</A>
        <A HREF="voiweb.exe?ACT=100&amp;KENSAKU=0&amp;PAGE=2&amp;HIT=3">2</A>
        <A HREF="voiweb.exe?ACT=100&amp;KENSAKU=0&amp;YEAR=2024">令和 06年</A>""")
    assert [(d.fino, d.kgno, d.title, d.label) for d in page.documents] == [
        ("978", "221", "令和　７年１２月定例会", "11月28日-01号")]
    assert page.more == ["voiweb.exe?ACT=100&KENSAKU=0&PAGE=2&HIT=3", "voiweb.exe?ACT=100&KENSAKU=0&YEAR=2024"]


# ---------------------------------------------------------------- crawls


def routes_for(minutes_fixtures, variant, **bodies) -> list[Route]:
    """The four recorded pages, routed by the parameters that name them; anything else is a 404."""
    root, fino, kgno, huid, _, _ = RECORDED[variant]
    cgi = f"/{root}/cgi/voiweb.exe"
    folder = minutes_fixtures / "gijiroku-com" / variant
    pages = [
        ("list", {"ACT": "100"}, "search-result.html"),
        # The 名簿 request names the document's KGNO; the sidebar's speech links carry KGNO= empty.
        ("header", {"ACT": "203", "KGNO": kgno, "FINO": fino}, "header.html"),
        ("sidebar", {"ACT": "202", "FINO": fino}, "sidebar.html"),
        ("speech", {"ACT": "203", "HUID": huid}, "huid-page.html"),
    ]
    return [Route("GET", cgi, params, folder / name, encoding="cp932", body=bodies.get(page))
            for page, params, name in pages]


def registry_for(tmp_path, url: str) -> str:
    return write_registry(tmp_path, platform="voices", base_url=url, download_delay=0.0)


def crawl(tmp_path, data_dir, site, root, *args) -> tuple[subprocess.CompletedProcess, list, list]:
    env = {**os.environ, "OSHIGIIN_COUNCILS": registry_for(tmp_path, f"{site.url}{root}/"),
           "OSHIGIIN_DATA": str(data_dir), "OSHIGIIN_DB": str(data_dir / "oshigiin.duckdb")}
    argv = [sys.executable, "-m", "scrapy", "crawl", "voices", "-a", "council=recorded",
            "-s", "HTTPCACHE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]
    for a in args:
        argv += ["-a", a]
    result = subprocess.run(argv, cwd=str(os.path.dirname(os.path.dirname(__file__))), env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    [run] = list((data_dir / "staging" / "recorded").iterdir())
    lines = lambda name: [json.loads(x) for x in (run / name).read_text().splitlines()] if (run / name).exists() else []  # noqa: E731
    return result, lines("meetings.ndjson"), lines("fetch_log.ndjson")


@pytest.mark.parametrize("variant", sorted(RECORDED))
def test_crawl_one_document(minutes_fixtures, data_dir, tmp_path, variant):
    root, fino, kgno, huid, _, n_entries = RECORDED[variant]
    n_speeches = n_entries - 1  # every entry but the 名簿
    with RecordedSite(routes_for(minutes_fixtures, variant)) as site:
        _, meetings, log = crawl(tmp_path, data_dir, site, root, f"fino={fino}")
        requests = list(site.request_log)

    # robots.txt, the list, the 名簿, the sidebar, then one page per speech: nothing else.
    assert len(requests) == 4 + n_speeches
    assert [r[1].split("&")[0] for r in requests[:4]] == [
        "/robots.txt", f"/{root}/cgi/voiweb.exe?ACT=100", f"/{root}/cgi/voiweb.exe?ACT=203",
        f"/{root}/cgi/voiweb.exe?ACT=202"]
    assert f"KGNO={kgno}&FINO={fino}&HATSUGENMODE=1" in requests[2][1]
    assert sum(status == 200 for _, _, status in requests) == 5

    # Only one speech page was recorded: the document is not staged with holes in it, and
    # every missing page is a failure with its URL and reason.
    assert meetings == []
    failed = [f for f in log if f["outcome"] != "ok"]
    not_found = [f for f in failed if f["outcome"] == "http_error"]
    assert len(not_found) == n_speeches - 1 and all(f["reason"] == "HTTP 404" for f in not_found)
    [incomplete] = [f for f in failed if f["outcome"] == "incomplete"]
    assert f"FINO={fino}: {n_speeches - 1} of {n_speeches} speech pages failed" in incomplete["reason"]
    assert "ACT=200" in incomplete["url"]


def test_crawl_stages_what_arrived_with_partial(minutes_fixtures, data_dir, tmp_path, monkeypatch):
    with RecordedSite(routes_for(minutes_fixtures, "standard")) as site:
        _, meetings, _ = crawl(tmp_path, data_dir, site, "voices", "fino=2778", "years=2024", "partial=1")
        requests = list(site.request_log)
    assert "FYY=2024&TYY=2024" in requests[1][1]
    [meeting] = meetings
    assert (meeting["ext_council_id"], meeting["ext_schedule_id"], meeting["kind"], meeting["committee"]) == (
        "1878", "2778", "委員会", "議会運営委員会")
    assert (meeting["date"], meeting["number"], meeting["session"]) == ("2024-12-26", 1, None)
    assert meeting["title"] == "令和6年12月26日議会運営委員会 12月26日-01号"
    # What a person opens: the document's frameset; each speech links its own HUID page.
    assert meeting["source_url"].startswith(site.url + "voices/cgi/voiweb.exe?ACT=200&")
    assert "KGNO=1878&FINO=2778" in meeting["source_url"]
    [speech] = meeting["speeches"]
    assert (speech["ext_minute_id"], speech["seq"], speech["speaker_name"], speech["speaker_role"]) == (
        "338564", 1, "塩田", "委員長")
    assert speech["source_url"].startswith(site.url + "voices/cgi/voiweb.exe?ACT=203&")
    assert "HUID=338564&KGNO=&FINO=2778" in speech["source_url"]
    assert speech["text"].startswith("改めましておはようございます。")

    monkeypatch.setenv("OSHIGIIN_COUNCILS", str(tmp_path / "councils.toml"))
    assert load(["recorded"]).published
    con = duckdb.connect(str(data_dir / "oshigiin.duckdb"), read_only=True)
    assert con.execute("SELECT meeting_id, kind, committee FROM meetings").fetchall() == [
        ("recorded-voices-1878-2778", "委員会", "議会運営委員会")]
    assert con.execute("SELECT speech_id FROM speeches").fetchall() == [("recorded-voices-1878-2778-338564",)]


def test_crawl_takes_speeches_from_a_whole_document_page(minutes_fixtures, data_dir, tmp_path):
    # A server that honours HATSUGENMODE=1 sends the speech with the 名簿: it is not fetched again.
    whole = whole_document(minutes_fixtures, "asp").encode("cp932")
    with RecordedSite(routes_for(minutes_fixtures, "asp", header=whole)) as site:
        _, meetings, _ = crawl(tmp_path, data_dir, site, "kaigiroku", "fino=4285", "partial=1")
        requests = list(site.request_log)
    assert len(requests) == 4 + 41 - 1
    assert not any("HUID=220280" in path for _, path, _ in requests)
    [meeting] = meetings
    assert [s["ext_minute_id"] for s in meeting["speeches"]] == ["220280"]
    assert meeting["kind"] == "その他" and meeting["date"] == "2024-12-17"


def test_crawl_obeys_the_vendors_robots_txt(minutes_fixtures, data_dir, tmp_path):
    # The robots.txt VOICES installations ship disallows the CGI: nothing but robots.txt is fetched.
    robots = "User-agent: *\nDisallow: /voices/cgi/\nDisallow: /voices2/cgi/\nDisallow: /gikai/cgi/\n"
    with RecordedSite(routes_for(minutes_fixtures, "standard"), robots=robots) as site:
        _, meetings, log = crawl(tmp_path, data_dir, site, "voices", "years=2024")
        requests = list(site.request_log)
    assert [path for _, path, _ in requests] == ["/robots.txt"]
    assert meetings == []
    assert [f["outcome"] for f in log if f["outcome"] != "ok"] == ["robots_forbidden"]


def test_crawl_retries_a_busy_server_then_records_it(minutes_fixtures, data_dir, tmp_path):
    busy = "<HTML><HEAD><TITLE>Server Busy</TITLE></HEAD><BODY>該当する発言がありませんでした。</BODY></HTML>"
    routes = routes_for(minutes_fixtures, "standard", sidebar=busy.encode("cp932"))
    with RecordedSite(routes) as site:
        _, meetings, log = crawl(tmp_path, data_dir, site, "voices", "fino=2778")
        requests = list(site.request_log)
    sidebar = [path for _, path, _ in requests if "ACT=202" in path]
    assert len(sidebar) == 3 and len(requests) == 6  # robots, list, 名簿, the sidebar three times
    [failure] = [f for f in log if f["outcome"] != "ok"]
    assert failure["outcome"] == "parse_error" and "Server Busy" in failure["reason"]
    assert meetings == []


def test_crawl_follows_list_pages(minutes_fixtures, data_dir, tmp_path):
    # A paged list (generated: the recorded つくば list with a pager, the 八戸 list as page 2).
    folder = minutes_fixtures / "gijiroku-com"
    first = (folder / "standard" / "search-result.html").read_text(encoding="utf-8").replace(
        "</BODY>", '<A HREF="voiweb.exe?ACT=100&amp;KENSAKU=0&amp;SORT=0&amp;PAGE=2&amp;HIT=327">2</A></BODY>')
    routes = [
        Route("GET", "/voices/cgi/voiweb.exe", {"ACT": "100", "PAGE": "2"}, folder / "asp" / "search-result.html",
              encoding="cp932"),
        Route("GET", "/voices/cgi/voiweb.exe", {"ACT": "100"}, body=first.encode("cp932"), encoding="cp932"),
    ]
    with RecordedSite(routes) as site:
        _, meetings, log = crawl(tmp_path, data_dir, site, "voices", "fino=4285")
        requests = [path for _, path, _ in site.request_log]
    assert len(requests) == 4
    assert "PAGE=2" in requests[2] and "ACT=203" in requests[3] and "FINO=4285" in requests[3]
