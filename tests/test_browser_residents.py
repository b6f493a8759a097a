"""Issue 13, as residents use the dashboard: a real `streamlit run` and Debian's chromium.

Follows belong to each browser (two independent browser contexts), charts draw bars, English stays
English on every page, downloads hold what the screen shows, a speech found by a search is marked once
with a way back, the phone's sidebar closes after a page is chosen, a follow list has one feed, and
errors never show their details.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from tests.dashboard_server import ROOT, WAIT_MS, _free_port, chromium, serve_dashboard
from tests.sample_db import EXPECTED, build_sample_db

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MEETING_101 = "demo-discussnet-1-101"
# Streamlit's own English, which must never show in the Japanese UI.
STREAMLIT_ENGLISH = ("Choose an option", "Choose options", "No results", "Select all", "Press Enter")


def _add_elections(db: Path, directory: Path) -> None:
    from oshigiin.demo.elections import write_files
    from oshigiin.demo.generator import DemoCouncil
    from oshigiin.pipeline import elections

    write_files(DemoCouncil(speeches=700), directory)
    with duckdb.connect(str(db)) as con:
        elections.load_reference(con, directory)
        elections.load_reference(con)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    from oshigiin.dashboard import ui

    tmp = tmp_path_factory.mktemp("residents")
    # Streamlit serves dashboard/static (→ data/feeds) only if it exists when the server starts.
    ui.STATIC.resolve().mkdir(parents=True, exist_ok=True)
    db = build_sample_db(tmp / "oshigiin.duckdb")
    _add_elections(db, tmp / "elections")
    with duckdb.connect(str(db)) as con:
        # As the real committee minutes print it: the committee's name in front of the session's.
        con.execute("UPDATE meetings SET session = '架空区議会企画総務委員会(令和5年第3回9月定例会)' "
                    "WHERE meeting_id = 'demo-discussnet-1-102'")
    with serve_dashboard(db, tmp) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def _wait_ready(page) -> None:
    """Until Streamlit has finished the run (no running indicator, the main block drawn)."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=WAIT_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS)
    page.wait_for_timeout(300)


# -- 1. follows per browser ------------------------------------------------------------------------------


def _follow_by_reading(page, reading: str, name: str) -> None:
    box = page.get_by_placeholder("髙橋 / たかはし / タカハシ").first
    box.fill(reading)
    box.press("Enter")
    _pick(page, name).wait_for(timeout=WAIT_MS)
    _pick(page, name).click()
    page.locator(".st-key-followed").get_by_role("link", name=name).first.wait_for(timeout=WAIT_MS)


def _pick(page, name: str):
    """The follow button beside a member found by the name finder."""
    return (page.locator("[class*='st-key-pick-']").filter(has=page.get_by_role("link", name=name, exact=True))
            .get_by_role("button"))


def test_follows_belong_to_each_browser_and_a_shared_link_adds(browser, server) -> None:
    from playwright.sync_api import expect

    base = server[0]
    alice = browser.new_context(viewport=DESKTOP, locale="ja-JP")
    bob = browser.new_context(viewport=PHONE, locale="ja-JP")
    try:
        a = alice.new_page()
        a.goto(base, wait_until="domcontentloaded")
        expect(a.get_by_text("フォローしている議員はまだいません")).to_be_visible(timeout=WAIT_MS)
        _follow_by_reading(a, "さとう", "佐藤 花子")
        assert "follow=" not in a.url  # the list is the browser's, not the URL's
        # The finder stays on マイ推し after the first follow (folded away): a second member, by katakana.
        a.get_by_text("議員を探して追加する").click()
        _follow_by_reading(a, "スズキ", "鈴木 一郎")
        cookie = [c for c in alice.cookies() if c["name"] == "oshigiin_browser"]
        assert len(cookie) == 1 and re.fullmatch(r"[0-9a-f]{32}", cookie[0]["value"])

        a.reload(wait_until="domcontentloaded")  # survives a reload
        followed = a.locator(".st-key-followed")
        expect(followed.get_by_role("link", name="佐藤 花子")).to_be_visible(timeout=WAIT_MS)
        expect(followed.get_by_role("link", name="鈴木 一郎")).to_be_visible()

        b = bob.new_page()
        b.goto(base, wait_until="domcontentloaded")
        # A new browser sees nothing of the first one's list.
        expect(b.get_by_text("フォローしている議員はまだいません")).to_be_visible(timeout=WAIT_MS)
        assert "佐藤 花子" not in _main_text(b)

        # A friend's link with a junk id: its known members, offered to add, nothing stored yet.
        b.goto(f"{base}/?follow=demo:中村誠,%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", wait_until="domcontentloaded")
        shared = b.locator(".st-key-shared-list")
        expect(shared.get_by_role("link", name="中村 誠")).to_be_visible(timeout=WAIT_MS)
        expect(shared.get_by_text("見つからないID（1件）は無視しました。")).to_be_visible()
        expect(b.get_by_text("フォローしている議員はまだいません")).to_be_visible()
        b.get_by_role("button", name="この人たちをフォロー").click()
        expect(b.locator(".st-key-followed").get_by_role("link", name="中村 誠").first).to_be_visible(timeout=WAIT_MS)
        b.goto(base, wait_until="domcontentloaded")
        expect(b.locator(".st-key-followed").get_by_role("link", name="中村 誠").first).to_be_visible(timeout=WAIT_MS)
        expect(b.locator(".st-key-followed").get_by_role("link")).to_have_count(1)  # 中村 alone, once

        # Alice opens the same link: her list gains 中村, keeps 佐藤 and 鈴木.
        a.goto(f"{base}/?follow=demo:中村誠", wait_until="domcontentloaded")
        a.get_by_role("button", name="この人たちをフォロー").click()
        followed = a.locator(".st-key-followed")
        for name in ("佐藤 花子", "鈴木 一郎", "中村 誠"):
            expect(followed.get_by_role("link", name=name).first).to_be_visible(timeout=WAIT_MS)
        b.reload(wait_until="domcontentloaded")
        expect(b.locator(".st-key-followed").get_by_role("link", name="中村 誠").first).to_be_visible(timeout=WAIT_MS)
        assert "佐藤 花子" not in _main_text(b) and "鈴木 一郎" not in _main_text(b)
    finally:
        alice.close()
        bob.close()


# -- 2. the member's charts draw ---------------------------------------------------------------------------

_BARS = """(el) => [...el.querySelectorAll('g.mark-rect.role-mark path')].map(p => {
    const r = p.getBoundingClientRect();
    return [Math.round(r.width), Math.round(r.height)];
})"""


def _bars(chart) -> list[list[int]]:
    """(width, height) in px of every bar Vega drew (SVG rects of the bar mark, not legend symbols)."""
    chart.scroll_into_view_if_needed(timeout=WAIT_MS)
    chart.locator("g.mark-rect.role-mark path").first.wait_for(state="attached", timeout=WAIT_MS)
    return chart.evaluate(_BARS)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_member_charts_have_bars_and_compare_takes_a_reading(browser, server, viewport) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, locale="ja-JP", device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(f"{server[0]}/member?member=demo:鈴木一郎", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="会期ごとの質問（分野別）")).to_be_visible(timeout=WAIT_MS)
        charts = page.get_by_test_id("stVegaLiteChart")
        # 鈴木's three questions in three 会期; his attendance in 本会議 and 委員会 (present only).
        for i, (what, count) in enumerate((("questions per 会期", 3), ("attendance", 2))):
            bars = _bars(charts.nth(i))
            assert len(bars) == count and all(w >= 10 and h >= 14 for w, h in bars), (what, bars)
        # Compare: a member found by reading (hiragana, as typed on a phone).
        box = page.get_by_placeholder("髙橋 / たかはし / タカハシ").last
        box.fill("なかむら")
        box.press("Enter")
        pick = page.locator("[class*='st-key-cmp-pick-']").filter(has_text="中村 誠")
        pick.get_by_role("button", name="比べる").click(timeout=WAIT_MS)
        expect(page.get_by_role("button", name="中村 誠 ✕")).to_be_visible(timeout=WAIT_MS)
        expect(charts).to_have_count(3, timeout=WAIT_MS)
        bars = _bars(charts.nth(2))
        assert len(bars) >= 4 and all(w >= 10 and h >= 14 for w, h in bars), bars  # 鈴木's 3 and 中村's
        assert "中村 誠" in _main_text(page)
    finally:
        context.close()


def test_session_axis_holds_sessions_not_committees() -> None:
    from oshigiin.dashboard import ui

    assert ui.session_label("架空区議会企画総務委員会(令和5年第3回9月定例会)", "2023-09-20") == "令和5年第3回定例会"
    assert ui.session_label("令和6年第1回定例会", "2024-02-22") == "令和6年第1回定例会"
    assert ui.session_label("令和元年第2回臨時会", "2019-08-01") == "令和元年第2回臨時会"
    assert ui.session_label("子ども文教委員会", "2024-03-05") == "2024"  # no session in it: the year


# -- 3. English stays English, Japanese has no Streamlit English ----------------------------------------------


def _ja_fragments() -> list[str]:
    """Pieces of the Japanese UI strings (placeholders cut out) that an English page must not show."""
    from oshigiin.dashboard import i18n

    out = set()
    for key, ja in i18n.JA.items():
        if ja == i18n.EN[key] or key.startswith(("avgarea.", "mkind.")):
            continue
        for piece in re.split(r"\{[^}]*\}|[\s、。「」（）()：:・/…*`\[\]#>-]+", ja):
            # Three-character words (委員会, 投票率) are also the council's own words in data; longer
            # pieces are phrases only the interface says.
            if len(piece) >= 4 and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", piece):
                out.add(piece)
    return sorted(out)


_UI_TEXT = """() => {
    // The page's text without the council's own words (speeches, quotations, headlines, titles, names
    // and sources are data and stay in Japanese): what is left is the interface.
    const root = document.querySelector('[data-testid="stAppViewContainer"]').cloneNode(true);
    root.querySelectorAll('[class*="st-key-speech-"], [class*="st-key-focus-"], [class*="st-key-hit-"], '
        + 'blockquote, [data-testid="stDataFrame"], [data-testid="stVegaLiteChart"], '
        + '[class*="st-key-question-"] strong, [class*="st-key-shared-list"] a, [class*="st-key-followed"] a, '
        + 'h1, a[href^="http"], [data-testid="stCode"]').forEach(e => e.remove());
    // A sitting's title is its subheading on 会議: data.
    root.querySelectorAll('h3').forEach(h => { if (/号|会議/.test(h.innerText)) h.remove(); });
    return root.innerText;
}"""


_CHROME = """() => [...document.querySelectorAll('[data-testid="stWidgetLabel"], [data-testid="stMetricLabel"], '
    + '[data-testid="stExpander"] summary, [data-testid="stAlertContainer"], [data-testid="stSidebarNav"], '
    + 'input[placeholder]:not([placeholder*="たかはし"]):not([placeholder^="e.g."])')]
    .map(e => e.innerText || e.getAttribute('placeholder') || '')"""
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _assert_english(page, where: str, fragments: list[str]) -> None:
    _wait_ready(page)
    text = page.evaluate(_UI_TEXT)
    found = [f for f in fragments if f in text]
    assert not found, f"{where}: Japanese UI text in the English page: {found}"
    # Labels, metric names, expanders, alerts, the menu and placeholders are all interface: no Japanese at
    # all (placeholders that show what to type, "e.g. 保育" and the name finder's, are Japanese on purpose).
    chrome = [c for c in page.evaluate(_CHROME) if _JAPANESE.search(c.replace("架空区", ""))]
    assert not chrome, f"{where}: Japanese in labels: {chrome}"
    assert "lang=en" in page.url, f"{where}: {page.url}"


def test_every_page_in_english_stays_english(browser, server) -> None:
    from playwright.sync_api import expect

    base = server[0]
    fragments = _ja_fragments()
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{base}/?lang=en", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="My members")).to_be_visible(timeout=WAIT_MS)
        _assert_english(page, "home", fragments)
        page.get_by_placeholder("髙橋 / たかはし / タカハシ").fill("さとう")
        page.get_by_placeholder("髙橋 / たかはし / タカハシ").press("Enter")
        _pick(page, "佐藤 花子").click()
        page.locator(".st-key-followed").wait_for(timeout=WAIT_MS)
        _assert_english(page, "home with a follow", fragments)

        # Through the menu: the language survives every page change.
        nav = page.get_by_test_id("stSidebarNav")
        for label, heading in (("Members", "Members"), ("Meetings", "Meetings"), ("Turnout", "Turnout"),
                               ("Data", "Data: 架空区")):
            nav.get_by_role("link", name=label, exact=True).click()
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=WAIT_MS)
            page.wait_for_url("**lang=en**", timeout=WAIT_MS)
            _assert_english(page, label, fragments)

        # 議員一覧 → a row → the member page, in English (issue 13: it came up in Japanese).
        nav.get_by_role("link", name="Members", exact=True).click()
        expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible(timeout=WAIT_MS)
        grid = page.get_by_test_id("stDataFrame")
        grid.wait_for(timeout=WAIT_MS)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 12, box["y"] + 38 + 17)  # the first row's selection cell
        expect(page.get_by_role("heading", name="Questions per session, by topic")).to_be_visible(timeout=WAIT_MS)
        _assert_english(page, "member", fragments)
        page.reload(wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Questions per session, by topic")).to_be_visible(timeout=WAIT_MS)
        _assert_english(page, "member after reload", fragments)

        # A sitting opened from a search hit, as the search page links it.
        page.goto(f"{base}/meetings?meeting={MEETING_101}&speech={MEETING_101}-101005&q=保育&lang=en",
                  wait_until="domcontentloaded")
        expect(page.get_by_text("The speech found by the search “保育”")).to_be_visible(timeout=WAIT_MS)
        _assert_english(page, "meeting", fragments)

        # The search page is 13B's; its strings go through the same translations.
        nav.get_by_role("link", name="Find questions", exact=True).click()
        expect(page.get_by_role("heading", name="Find questions")).to_be_visible(timeout=WAIT_MS)
        _assert_english(page, "search", fragments)
    finally:
        context.close()


JA_PAGES = (("/", "マイ推し"), ("/members", "議員一覧"), ("/member?member=demo:鈴木一郎", "鈴木 一郎"),
            (f"/meetings?meeting={MEETING_101}", "会議"), ("/turnout", "投票率"), ("/data", "データ: 架空区"),
            ("/search", "質問を探す"))


def test_japanese_pages_show_no_streamlit_english(browser, server) -> None:
    from playwright.sync_api import expect

    base = server[0]
    context = browser.new_context(viewport=DESKTOP, locale="ja-JP")
    page = context.new_page()
    try:
        for path, heading in JA_PAGES:
            page.goto(base + path, wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=WAIT_MS)
            _wait_ready(page)
            # Open every multiselect and selectbox: their dropdowns are where Streamlit's English lives.
            for box in page.locator("[data-testid='stMultiSelect'], [data-testid='stSelectbox']").all():
                if not box.is_visible():
                    continue
                box.get_by_role("combobox").click()
                page.wait_for_timeout(200)
                text = page.locator("body").inner_text()
                assert not [s for s in STREAMLIT_ENGLISH if s in text], (path, text[-500:])
                page.keyboard.press("Escape")
            text = page.locator("body").inner_text()
            assert not [s for s in STREAMLIT_ENGLISH if s in text], path
        # Typing into a name box gives no "Press Enter to apply": it searches as you type.
        page.goto(f"{base}/members", wait_until="domcontentloaded")
        box = page.get_by_placeholder("髙橋 / たかはし / タカハシ")
        box.fill("たか")
        page.wait_for_timeout(100)
        assert "Press Enter" not in page.locator("body").inner_text()
    finally:
        context.close()


# -- 4. downloads are the screen -------------------------------------------------------------------------


def _download(page, button) -> bytes:
    _wait_ready(page)  # a button of a run that is being replaced drops the click
    with page.expect_download() as download:
        button.click()
    return Path(download.value.path()).read_bytes()


def _csv_rows(raw: bytes) -> list[dict]:
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_downloads_hold_what_the_screen_shows(browser, server) -> None:
    from playwright.sync_api import expect

    base = server[0]
    context = browser.new_context(viewport=DESKTOP, locale="ja-JP", accept_downloads=True)
    page = context.new_page()
    try:
        # 投票率: the ward's elections and the 23-ward average the chart draws.
        page.goto(f"{base}/turnout", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="23区平均との比較")).to_be_visible(timeout=WAIT_MS)
        rows = _csv_rows(_download(page, page.get_by_role("button", name="CSVをダウンロード")))
        series = {r["series"] for r in rows}
        assert "特別区（23区）平均" in series and len(series) == 2, series
        assert all(r["source"] for r in rows)
        db = Path(server[1]).parent / "oshigiin.duckdb"
        with duckdb.connect(str(db), read_only=True) as con:
            ward = con.execute("SELECT count(*) FROM elections WHERE area_id = 'demo'").fetchone()[0]
        assert sum(r["area_id"] == "demo" for r in rows) == ward

        # 議員一覧 narrowed by a faction: the download is the list shown.
        page.goto(f"{base}/members", wait_until="domcontentloaded")
        page.get_by_test_id("stMultiSelect").get_by_role("combobox").click()
        page.get_by_role("option", name="区民クラブ").click()
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("stMetricValue")).to_have_text(re.compile(r"^2 / "), timeout=WAIT_MS)
        rows = _csv_rows(_download(page, page.get_by_role("button", name="議員の一覧をCSVでダウンロード")))
        assert sorted(r["name"] for r in rows) == ["佐藤 花子", "鈴木 一郎"]

        # 会議 narrowed by kind: 2 委員会 on the screen, 2 in the file.
        page.goto(f"{base}/meetings", wait_until="domcontentloaded")
        page.get_by_test_id("stMultiSelect").first.get_by_role("combobox").click()
        page.get_by_role("option", name="委員会").click()
        page.keyboard.press("Escape")
        page.wait_for_timeout(800)
        rows = _csv_rows(_download(page, page.get_by_role("button", name="会議の一覧をCSVでダウンロード")))
        assert [r["kind"] for r in rows] == ["委員会", "委員会"]

        # データ: every dataset with its row count, speeches included; each file has that many rows.
        page.goto(f"{base}/data", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="全データ")).to_be_visible(timeout=WAIT_MS)
        for name, expected in (("speeches", EXPECTED["speeches"]), ("members", EXPECTED["members"]),
                               ("meetings", EXPECTED["meetings"])):
            card = page.locator(f".st-key-dataset-{name}")
            shown = int(re.search(r"（([\d,]+)行）", card.inner_text()).group(1).replace(",", ""))
            assert shown == expected, name
            assert len(_csv_rows(_download(page, card.get_by_role("button", name="CSV")))) == shown
        cards = page.locator("[class*='st-key-dataset-']").count()
        assert cards >= 10  # members … elections: every dataset the database has
        raw = _download(page, page.get_by_role("button", name=re.compile("全データをまとめてダウンロード")))
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            names = set(z.namelist())
            package = __import__("json").loads(z.read("datapackage.json"))
        assert "speeches.parquet" in names and "members.parquet" in names
        assert {r["path"] for r in package["resources"]} <= names
    finally:
        context.close()


# -- 5. a search hit in its sitting ----------------------------------------------------------------------


def test_a_search_hit_opens_marked_once_with_a_way_back(browser, server) -> None:
    from playwright.sync_api import expect

    base = server[0]
    context = browser.new_context(viewport=PHONE, locale="ja-JP")
    page = context.new_page()
    try:
        speech = f"{MEETING_101}-101003"  # 佐藤花子: …保育園の新設計画について伺います。
        page.goto(f"{base}/meetings?meeting={MEETING_101}&speech={speech}&q=%E4%BF%9D%E8%82%B2&kind=question",
                  wait_until="domcontentloaded")
        expect(page.get_by_text("検索「保育」で見つかった発言")).to_be_visible(timeout=WAIT_MS)
        assert "共有された発言" not in _main_text(page)
        focus = page.locator(f".st-key-focus-{speech}")
        marks = focus.locator("mark, span[class*='orange'], [style*='background']")
        assert "保育" in focus.inner_text()
        # Once: the card above, a pointer in the sitting where it stood.
        assert page.get_by_text("この発言は上に表示しています").count() == 1
        assert page.locator(f"[class*='st-key-speech-{speech}']").inner_text().count("保育") == 0
        assert marks.count() >= 1
        page.get_by_role("link", name="検索結果に戻る").click()
        page.wait_for_url("**/search?**", timeout=WAIT_MS)
        assert "q=%E4%BF%9D%E8%82%B2" in page.url and "kind=question" in page.url

        # From the search page itself (13B's links carry the search as ?q=… and its filters).
        page.goto(f"{base}/search?q=%E4%BF%9D%E8%82%B2", wait_until="domcontentloaded")
        page.locator("[class*='st-key-hit-']").first.get_by_role("link", name="会議録で読む").click()
        expect(page.get_by_text("検索「保育」で見つかった発言")).to_be_visible(timeout=WAIT_MS)
        page.get_by_role("link", name="検索結果に戻る").click()
        expect(page.get_by_role("textbox", name="発言を検索")).to_have_value("保育", timeout=WAIT_MS)
    finally:
        context.close()


# -- 6. the phone's sidebar ---------------------------------------------------------------------------------


def test_the_phone_sidebar_closes_after_choosing_a_page(browser, server) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, locale="ja-JP")
    page = context.new_page()
    try:
        page.goto(server[0], wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="マイ推し")).to_be_visible(timeout=WAIT_MS)
        sidebar = page.get_by_test_id("stSidebar")

        def shown() -> bool:
            box = sidebar.bounding_box()
            return bool(box and box["width"] > 0 and box["x"] + box["width"] > 1)

        assert not shown()  # a phone starts with the menu folded away
        for target, heading in (("議員一覧", "議員一覧"), ("投票率", "投票率")):
            page.get_by_test_id("stExpandSidebarButton").click()
            page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                                   ".getBoundingClientRect().right > 100", timeout=WAIT_MS)
            sidebar.get_by_role("link", name=target).click()
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=WAIT_MS)
            page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                                   ".getBoundingClientRect().right <= 1", timeout=WAIT_MS)
            assert not shown()  # folded off the screen: the page just chosen is readable
    finally:
        context.close()


# -- 7. one feed for the follow list ---------------------------------------------------------------------------


def test_a_follow_list_has_one_feed_with_real_dates(browser, server) -> None:
    import feedparser
    from playwright.sync_api import expect

    from oshigiin.dashboard import ui
    from oshigiin.pipeline.sharing.feeds import feed_path, list_key

    base = server[0]
    ids = ["demo:佐藤花子", "demo:中村誠"]
    target = ui.STATIC.resolve() / feed_path("list", list_key(ids))
    context = browser.new_context(viewport=DESKTOP, locale="ja-JP")
    page = context.new_page()
    try:
        page.goto(f"{base}/?follow={','.join(ids)}", wait_until="domcontentloaded")
        page.get_by_role("button", name="この人たちをフォロー").click()
        page.get_by_role("button", name="フィードのURLを作る").click()
        link = page.get_by_role("link", name="フォロー中の議員の新しい質問（Atomフィード）")
        expect(link).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_text("フィードリーダー").first).to_be_visible()  # what a feed is, next to it
        href = link.get_attribute("href")
        assert href.endswith(f"app/static/lists/{list_key(ids)}.xml")
        response = page.request.get(f"{base}/{href.lstrip('/')}" if not href.startswith("http") else href)
        assert response.status == 200
        parsed = feedparser.parse(response.body())
        assert not parsed.bozo
        assert [link["href"] for link in parsed.feed.links if link["rel"] == "self"] == [
            f"{base}/app/static/lists/{list_key(ids)}.xml"]
        with duckdb.connect(str(Path(server[1]).parent / "oshigiin.duckdb"), read_only=True) as con:
            asked = dict(con.execute("""SELECT 'tag:oshigiin,2025:question:' || question_id, m.date FROM questions
                                        JOIN meetings m USING (meeting_id)
                                        WHERE person_id IN ('demo:佐藤花子', 'demo:中村誠')""").fetchall())
        assert {e.id for e in parsed.entries} == set(asked)
        for e in parsed.entries:
            assert e.updated.startswith(asked[e.id].isoformat())  # the sitting's day, not the build's
            assert e.link.startswith(f"{base}/meetings?meeting=")  # back to the dashboard
            assert any(x["rel"] == "via" and x["href"].startswith("https://demo.example.invalid/") for x in e.links)
            assert all(_JAPANESE.search(tag.term) for tag in e.get("tags", []))  # 日本語の分野名
        assert any(tag.term == "子育て・教育" for e in parsed.entries for tag in e.get("tags", []))
        # Nothing hidden or partial is left in the served folder.
        assert not [p for p in target.parent.rglob(".*")]
    finally:
        context.close()
        target.unlink(missing_ok=True)


# -- 9. errors without details -------------------------------------------------------------------------------


def test_a_public_error_shows_no_traceback_or_path(browser, tmp_path) -> None:
    """The project's .streamlit/config.toml (client.showErrorDetails = "none"), read by any app run from
    the repository root: an exception reaches the page as a generic message only."""
    import time
    import urllib.request

    script = tmp_path / "boom.py"
    script.write_text("raise RuntimeError('secret detail at /srv/oshigiin/data/oshigiin.duckdb')\n")
    port = _free_port()
    log = (tmp_path / "boom.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
        page.get_by_test_id("stException").or_(page.get_by_test_id("stAlert")).first.wait_for(timeout=WAIT_MS)
        text = page.locator("body").inner_text()
        assert "secret detail" not in text and "/srv/oshigiin" not in text and "Traceback" not in text
        assert "RuntimeError" not in text and "boom.py" not in text
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    assert "secret detail" in (tmp_path / "boom.log").read_text()  # the details stay in the server log



def test_the_bills_page_in_english_and_japanese(browser, server) -> None:
    """議案 (another helper's page, issue 17) walked the same way: English stays English, and the
    Japanese page has none of Streamlit's English."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{server[0]}/bills?lang=en", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Bills", exact=True)).to_be_visible(timeout=WAIT_MS)
        _assert_english(page, "bills", _ja_fragments())
        page.goto(f"{server[0]}/bills", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="議案", exact=True)).to_be_visible(timeout=WAIT_MS)
        _wait_ready(page)
        text = page.locator("body").inner_text()
        assert not [s for s in STREAMLIT_ENGLISH if s in text]
    finally:
        context.close()
