"""The dashboard as a person sees it: a real `streamlit run` driven by Debian's chromium.

Screenshots go to test-artifacts/ (desktop 1280 px and phone 390 px wide).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboard_server import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, serve_dashboard
from tests.sample_db import EXPECTED, HOSTILE, build_sample_db

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


def _add_elections(db: Path, directory: Path) -> None:
    """The demo ward's generated election history and the curated 23-ward averages, as a load adds them."""
    import duckdb

    from oshigiin.demo.elections import write_files
    from oshigiin.demo.generator import DemoCouncil
    from oshigiin.pipeline import elections

    write_files(DemoCouncil(speeches=700), directory)
    with duckdb.connect(str(db)) as con:
        elections.load_reference(con, directory)
        elections.load_reference(con)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(base URL, log file) of a dashboard served from a fresh sample database."""
    tmp = tmp_path_factory.mktemp("browser")
    db = build_sample_db(tmp / "oshigiin.duckdb")
    _add_elections(db, tmp / "elections")
    with serve_dashboard(db, tmp) as served:
        yield served


@pytest.fixture(scope="module")
def browser(chromium: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    if charts.count():
        # Vega draws after the page settles: wait for every chart's canvas or svg.
        for i in range(charts.count()):
            charts.nth(i).locator("canvas, svg").first.wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(500)  # let Streamlit's fade-in of rerun elements finish
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _search(page, query: str) -> None:
    box = page.get_by_role("textbox", name="発言を検索")
    box.fill(query)
    box.press("Enter")


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_search_and_read_without_running_injected_script(
    browser, server: tuple[str, Path], device: str
) -> None:
    from playwright.sync_api import expect

    base = server[0]
    context = browser.new_context(viewport=VIEWPORTS[device], locale="ja-JP")
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        page.goto(base, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="マイ推し")).to_be_visible(timeout=WAIT_MS)
        _shot(page, f"{device}-home")

        page.goto(f"{base}/members", wait_until="domcontentloaded")
        expect(page.get_by_test_id("stMetricValue")).to_have_text(str(EXPECTED["members"]), timeout=WAIT_MS)
        _shot(page, f"{device}-members")

        if device == "desktop":
            page.get_by_role("link", name="質問を探す").click()
        else:  # the sidebar is folded away on a phone: arrive by URL, as a shared link would
            page.goto(f"{base}/search", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="質問を探す")).to_be_visible(timeout=WAIT_MS)

        _search(page, "保育")
        expect(page.get_by_text(f"{EXPECTED['hits_保育']}件の発言が見つかりました")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_text("待機児童対策として").filter(visible=True).first).to_be_visible()
        page.wait_for_url("**/search?q=*", timeout=WAIT_MS)
        assert "q=%E4%BF%9D%E8%82%B2" in page.url  # the query is in the shareable URL
        _shot(page, f"{device}-search")
        # Every hit, not just the page shown, as the CSV a journalist opens in Excel.
        with page.expect_download() as download:
            page.get_by_role("button", name="結果をすべてCSVでダウンロード").click()
        body = Path(download.value.path()).read_bytes()
        assert body.startswith(b"\xef\xbb\xbf")
        assert len(body.decode("utf-8-sig").splitlines()) == 1 + EXPECTED["hits_保育"]

        _search(page, "script")
        expect(page.get_by_text("1件の発言が見つかりました")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_text("<script>alert('x')</script>", exact=False).filter(visible=True).first).to_be_visible()
        _assert_inert(page)
        _shot(page, f"{device}-search-hostile")

        page.get_by_role("link", name="会議録で読む").last.click()
        expect(page.get_by_text(re.compile("リンクされた発言|検索「script」で見つかった発言"))).to_be_visible(
            timeout=WAIT_MS)
        # The whole speech, character for character, as the text of one element.
        expect(page.get_by_text(HOSTILE, exact=True).first).to_be_visible()
        assert "speech=" in page.url
        _assert_inert(page)
        _shot(page, f"{device}-meeting")

        page.goto(f"{base}/search?q=%E6%A1%9C", wait_until="domcontentloaded")  # ?q=桜, as shared
        expect(page.get_by_text(f"{EXPECTED['hits_桜']}件の発言が見つかりました")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_role("textbox", name="発言を検索")).to_have_value("桜")
    finally:
        context.close()
    assert dialogs == []


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_follow_a_member_found_by_kana_and_read_their_latest_question(
    browser, server: tuple[str, Path], device: str
) -> None:
    """The resident's journey: find a member by reading, follow, see their question, open the original."""
    from playwright.sync_api import expect

    base = server[0]
    context = browser.new_context(viewport=VIEWPORTS[device], locale="ja-JP")
    # The sample's minutes live on a host that does not exist: answer for it, as the council's site would.
    opened: list[str] = []

    def council_site(route) -> None:
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body="<h1>会議録</h1>")

    context.route("https://demo.example.invalid/**", council_site)
    page = context.new_page()
    try:
        # A new browser context is a new browser: it starts from the empty state, whatever another one
        # followed (issue 13).
        page.goto(base, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="マイ推し")).to_be_visible(timeout=WAIT_MS)
        _shot(page, f"{device}-my-empty")
        box = page.get_by_placeholder("髙橋 / たかはし / タカハシ")
        box.fill("さとう")
        box.press("Enter")
        # Wait for the narrowed list: a click on a button of the previous run is dropped.
        expect(page.get_by_role("link", name="山田 太郎")).to_have_count(0, timeout=WAIT_MS)
        page.get_by_role("button", name="フォロー").first.click()
        expect(page.get_by_text("待機児童対策").first).to_be_visible(timeout=WAIT_MS)
        _shot(page, f"{device}-my")

        with context.expect_page() as popup:
            page.get_by_role("link", name="原文").first.click()
        original = popup.value
        original.wait_for_load_state()
        assert original.url.startswith("https://demo.example.invalid/kagiku/minutes/1/101")
        assert opened and opened[0].startswith("https://demo.example.invalid/")
        original.close()

        page.get_by_role("link", name="佐藤 花子").first.click()
        expect(page.get_by_role("heading", name="佐藤 花子")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_role("button", name="フォロー中")).to_be_visible()
        _shot(page, f"{device}-member")

        # The follow list is the browser's: another page, opened fresh, still finds it.
        page.goto(base, wait_until="domcontentloaded")
        expect(page.locator(".st-key-followed").get_by_role("link", name="佐藤 花子")).to_be_visible(timeout=WAIT_MS)
        page.goto(f"{base}/turnout", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="投票率", exact=True)).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_text("投票率は").first).to_be_visible(timeout=WAIT_MS)
        _shot(page, f"{device}-turnout")
        page.goto(f"{base}/data", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="データ: 架空区")).to_be_visible(timeout=WAIT_MS)
        _shot(page, f"{device}-data")
        _assert_no_horizontal_scroll(page, device)
    finally:
        context.close()


def _assert_no_horizontal_scroll(page, device: str) -> None:
    """On a phone nothing may be wider than the screen (a sideways-scrolling page is unusable)."""
    if device != "phone":
        return
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow


def _assert_inert(page) -> None:
    """Nothing from the speech became markup: no script, link, bold, heading or maths."""
    found = page.evaluate(
        """() => {
            const main = document.querySelector('section.main, [data-testid="stMain"]') || document.body;
            return {
              scripts: [...document.scripts].filter(s => s.textContent.includes("alert('x')")).length,
              jsLinks: document.querySelectorAll('a[href^="javascript" i]').length,
              // the speech's **太字のつもり** made bold (our own bold headline may name the word 太字)
              bold: [...main.querySelectorAll('strong, b')]
                  .filter(e => e.textContent.trim() === '太字のつもり').length,
              headings: [...main.querySelectorAll('h1,h2,h3,h4,h5,h6')]
                  .filter(e => e.textContent.includes('見出し')).length,
              katex: main.querySelectorAll('.katex').length,
            };
        }"""
    )
    assert found == {"scripts": 0, "jsLinks": 0, "bold": 0, "headings": 0, "katex": 0}


def test_server_log_has_no_errors(browser, server: tuple[str, Path]) -> None:
    """Runs after the page tests (same module fixtures): anything they provoked is logged here."""
    log = server[1].read_text(errors="replace")
    assert "Traceback" not in log and "Error" not in log, log
