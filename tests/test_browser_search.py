"""The search page in a real browser (issue 13, items 2, 5, 6): abusive queries get an answer within
the budget while other visitors search, every download equals the page's count under its filters,
and a search that finds nothing says why and offers a way on.

A real `streamlit run` on a demo council built the real way (serve → crawl → load, 1,500 speeches),
driven by Debian's chromium in independent browser contexts (separate visitors).
"""

from __future__ import annotations

import csv
import io
import re
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from oshigiin.dashboard.data import SEARCH_BUDGET_S
from tests.conftest import build_demo_db
from tests.dashboard_server import WAIT_MS, chromium, page_errors, serve_dashboard

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
# Rendering the answer after the search returns: four Streamlit reruns at once over websockets on a
# 2-core machine shared with other work (measured 1.2-1.6 s at load 5, 2.3-2.7 s at load 13). The
# search itself is held to SEARCH_BUDGET_S on the server; before issue 13's fix the 300-character
# query alone ran past 60 s.
RENDER_S = 3.0
TOTAL = re.compile(r"([\d,]+)件の発言が見つかりました")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("browser-search"))


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    with serve_dashboard(demo_db, tmp_path_factory.mktemp("served")) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def sql(db: Path, query: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def open_search(context, base: str, **params: str):
    page = context.new_page()
    page.goto(f"{base}/search?{urllib.parse.urlencode(params)}", wait_until="domcontentloaded")
    return page


def answer(page):
    """The page's answer to a search: a count of hits, or a message (warning or info box)."""
    return page.locator("[data-testid='stAlert'], [data-testid='stMarkdown']:has-text('件の発言が見つかりました')")


def total_on(page) -> int:
    text = page.get_by_text(TOTAL).first.inner_text(timeout=WAIT_MS)
    return int(TOTAL.search(text).group(1).replace(",", ""))


def test_huge_and_long_queries_answer_within_the_budget_while_another_visitor_searches(
        browser, server, demo_db: Path) -> None:
    """Issue 13: a 5,000-character ?q= showed a ParserException traceback, and a 200-character
    query held another browser's search for 18.5 s."""
    from playwright.sync_api import expect

    base, log = server
    paragraph = sql(demo_db, "SELECT text_norm FROM speeches WHERE kind = 'question' "
                             "ORDER BY length(text_norm) DESC, speech_id LIMIT 1")[0][0]
    pasted = " ".join(paragraph.split())[:300]  # a pasted paragraph: its sentences become AND terms
    queries = {"huge": "福祉" * 2500, "long": pasted, "other": "保育", "repeated": "福祉" * 150}
    # A first visit starts the server's connection and caches: what is timed below is the searches.
    warm = browser.new_context(locale="ja-JP")
    expect(answer(open_search(warm, base, q="介護")).first).to_be_visible(timeout=WAIT_MS)
    warm.close()
    contexts = {name: browser.new_context(locale="ja-JP") for name in queries}
    try:
        pages = {name: contexts[name].new_page() for name in queries}
        for page in pages.values():
            page.goto(f"{base}/search", wait_until="domcontentloaded")
        boxes = {name: page.get_by_role("textbox", name="発言を検索") for name, page in pages.items()}
        for name, box in boxes.items():
            box.fill(queries[name])
        started = {}
        for name, box in boxes.items():  # all at once, from separate visitors
            box.press("Enter")
            started[name] = time.monotonic()
        took = {}
        for name, page in pages.items():
            expect(answer(page).first).to_be_visible(timeout=WAIT_MS)
            took[name] = time.monotonic() - started[name]
        print({name: f"{s:.2f}s" for name, s in took.items()})
        for name, page in pages.items():
            body = page.inner_text("body")
            assert "Exception" not in body and "Traceback" not in body and "duckdb" not in body.lower(), name
            assert not page_errors(page), name
        expect(pages["huge"].get_by_text("検索語が長すぎます（5000文字）。500文字以内にしてください。")).to_be_visible()
        assert total_on(pages["long"]) >= 1  # the paragraph's own speech at least
        assert total_on(pages["other"]) > 0
        # Every visitor has an answer within the budget (plus the rerun's rendering), whatever the others asked.
        for name, seconds in took.items():
            assert seconds < SEARCH_BUDGET_S + RENDER_S, f"{name}: {seconds:.1f} s"
    finally:
        for context in contexts.values():
            context.close()
    assert "Traceback" not in log.read_text(errors="replace")


def test_every_download_holds_as_many_rows_as_the_page_counts(browser, server, demo_db: Path) -> None:
    """Issue 13: with 本会議 + 答弁 the page showed 42 hits and the download held 313 rows."""
    base = server[0]
    person = sql(demo_db, "SELECT person_id FROM speeches WHERE person_id IS NOT NULL AND contains(text_norm, '保育') "
                          "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")[0][0]
    faction = sql(demo_db, "SELECT faction FROM members WHERE faction IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC "
                           "LIMIT 1")[0][0]
    year = sql(demo_db, "SELECT year(max(date)) FROM meetings")[0][0]
    combos = [{}, {"mkind": "本会議"}, {"kind": "answer"}, {"mkind": "本会議", "kind": "answer"},
              {"member": person}, {"from": str(year - 1), "to": str(year - 1)}, {"faction": faction},
              {"mkind": "委員会", "kind": "question", "from": str(year)}]
    context = browser.new_context(locale="ja-JP", accept_downloads=True)
    seen = set()
    try:
        for combo in combos:
            page = open_search(context, base, q="保育", **combo)
            shown = total_on(page)
            with page.expect_download(timeout=WAIT_MS) as download:
                page.get_by_role("button", name="結果をすべてCSVでダウンロード").click()
            text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
            rows = list(csv.DictReader(io.StringIO(text, newline="")))
            assert len(rows) == shown > 0, (combo, len(rows), shown)
            if "mkind" in combo:
                assert {r["meeting_kind"] for r in rows} == {combo["mkind"]}
            if "kind" in combo:
                assert {r["kind"] for r in rows} == {combo["kind"]}
            if "member" in combo:  # one speaker: headlines and excerpts, never the compiled full texts
                assert "text" not in rows[0] and all(len(r["excerpt"]) <= 120 for r in rows)
                assert {r["person_id"] for r in rows} == {person}
            else:
                assert "text" in rows[0]
            seen.add(shown)
            page.close()
    finally:
        context.close()
    assert len(seen) >= 5, f"the filters should change the count: {seen}"


def test_dead_ends_say_why_and_offer_a_way_on(browser, server) -> None:
    from playwright.sync_api import expect

    base = server[0]
    context = browser.new_context(locale="ja-JP")
    try:
        page = open_search(context, base, q="-保育")
        expect(page.get_by_text("探す語を少なくとも一つ入れてください")).to_be_visible(timeout=WAIT_MS)

        page = open_search(context, base, q="保育 or 介護")
        expect(page.get_by_text("大文字の OR を使います")).to_be_visible(timeout=WAIT_MS)
        page.get_by_role("button", name="「保育 OR 介護」で探す").click()
        expect(page.get_by_text(TOTAL)).to_be_visible(timeout=WAIT_MS)
        page.wait_for_url("**q=%E4%BF%9D%E8%82%B2+OR+*", timeout=WAIT_MS)

        page = open_search(context, base, q="ほいく")
        expect(page.get_by_text("が読みなら、漢字で探してみてください")).to_be_visible(timeout=WAIT_MS)
        page.get_by_role("button", name="「保育」で探す").click()
        expect(page.get_by_text(TOTAL)).to_be_visible(timeout=WAIT_MS)
        # The sitting opened from a hit carries the search, for marking the words and the way back.
        link = page.get_by_role("link", name="会議録で読む").first.get_attribute("href")
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
        assert params["q"] == ["保育"] and params["meeting"] and params["speech"], link

        english = open_search(context, base, q="ほいく", lang="en")
        expect(english.get_by_text("is a reading, try it in kanji")).to_be_visible(timeout=WAIT_MS)
        expect(english.get_by_role("button", name="Search “保育”")).to_be_visible()
        assert "読みなら" not in english.inner_text("body") and "見つかりません" not in english.inner_text("body")
    finally:
        context.close()


def test_the_member_filter_takes_a_reading(browser, server, demo_db: Path) -> None:
    from playwright.sync_api import expect

    base = server[0]
    person, name, kana = sql(demo_db, "SELECT m.person_id, m.name, m.kana FROM members m JOIN speeches s "
                                      "USING (person_id) WHERE m.kana IS NOT NULL AND contains(s.text_norm, '保育') "
                                      "GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1")[0]
    context = browser.new_context(locale="ja-JP")
    try:
        page = open_search(context, base, q="保育")
        expect(page.get_by_text(TOTAL)).to_be_visible(timeout=WAIT_MS)
        page.get_by_text("絞り込み・並べ替え").click()
        finder = page.get_by_role("textbox", name="議員を名前・よみで探す")
        finder.fill(kana.replace(" ", "").replace("\u3000", ""))
        finder.press("Enter")
        page.wait_for_timeout(500)
        page.get_by_role("combobox", name=re.compile("^議員")).click()
        options = page.get_by_role("option")
        expect(options.filter(has_text=name)).to_have_count(1, timeout=WAIT_MS)
        assert options.count() <= 4, options.all_inner_texts()  # the reading narrowed the list
        options.filter(has_text=name).click()
        page.wait_for_url(f"**member={urllib.parse.quote(person)}*", timeout=WAIT_MS)
        expect(page.get_by_text("発言ごとに日付・会議・質問の見出し・冒頭120字")).to_be_visible(timeout=WAIT_MS)
    finally:
        context.close()
