"""「録画で見る」 in a real browser: the demo is built (served, crawled by the real spiders, loaded),
served again on its port so the video pages answer, and the dashboard is driven by Debian's chromium.
The member page lists the member's recordings; the question card and the meeting page open the
right segment — the captioned one at the second its question starts."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from tests.conftest import free_port
from tests.dashboard_server import WAIT_MS, chromium, page_errors, serve_dashboard

SPEECHES = 1500


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from oshigiin.demo.build import build
    from oshigiin.demo.generator import DemoCouncil
    from oshigiin.demo.server import DiscussNetServer

    data = tmp_path_factory.mktemp("video-browser") / "data"
    data.mkdir()
    saved = {k: os.environ.get(k) for k in ("OSHIGIIN_DATA", "OSHIGIIN_DB")}
    os.environ["OSHIGIIN_DATA"], os.environ["OSHIGIIN_DB"] = str(data), str(data / "oshigiin.duckdb")
    port = free_port()
    try:
        for _ in build(speeches=SPEECHES, port=port):
            pass
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    # The same council on the same port: the links in the database open.
    with DiscussNetServer(DemoCouncil(speeches=SPEECHES), port=port) as server:
        yield data / "oshigiin.duckdb", server


def expected(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        timed = con.execute("""
            SELECT v.person_id, v.question_id, v.meeting_id, v.segment_url, t.seconds
            FROM video_segments v JOIN video_speech_times t ON t.segment_id = v.segment_id AND t.speech_id = v.speech_id
            WHERE v.platform = 'discussvision' AND v.question_id IS NOT NULL AND t.seconds > 0
            ORDER BY v.segment_id LIMIT 1""").fetchone()
        count = con.execute("SELECT count(*) FROM video_segments WHERE person_id = ?", [timed[0]]).fetchone()[0]
    finally:
        con.close()
    person, question, meeting, url, seconds = timed
    return {"person": person, "question": question, "meeting": meeting, "url": f"{url}#t={int(seconds)}",
            "count": count}


def test_watch_the_recording_opens_the_right_segment(demo_db, tmp_path):
    db, server = demo_db
    want = expected(db)
    with serve_dashboard(db, tmp_path) as (base, log), chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/member?member={want['person']}", wait_until="domcontentloaded")
        page.get_by_role("heading", name="録画").wait_for(timeout=WAIT_MS)
        # The member page lists their recordings, and the question card carries the timed link.
        links = page.locator("a", has_text="録画で見る")
        links.first.wait_for(timeout=WAIT_MS)
        hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
        assert want["url"] in hrefs
        assert page.get_by_text(f"この議員の議会中継の録画（{want['count']}件）").count() == 1
        card = page.locator(f".st-key-question-{want['question']}").get_by_role("link", name="録画で見る")
        assert card.get_attribute("href") == want["url"]
        with page.expect_popup() as popup_info:
            card.click()
        popup = popup_info.value
        popup.wait_for_load_state("domcontentloaded")
        assert popup.url == want["url"]
        assert "映像はありません" in popup.content()  # the demo's viewer page answered
        assert popup.locator("#t").inner_text() == "#t=" + want["url"].rsplit("#t=", 1)[1]

        # The meeting page lists every segment of the sitting.
        page.goto(f"{base}/meetings?meeting={want['meeting']}", wait_until="domcontentloaded")
        page.get_by_text("この会議の録画").click(timeout=WAIT_MS)
        page.locator("a", has_text="録画で見る").nth(1).wait_for(timeout=WAIT_MS)

        # English: the same link, labelled in English.
        page.goto(f"{base}/member?member={want['person']}&lang=en", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Recordings").wait_for(timeout=WAIT_MS)
        page.locator("a", has_text="Watch the recording").first.wait_for(timeout=WAIT_MS)
        assert not page_errors(page)
    assert ("GET", "/smart/tenant/demo/speech.html", 200) in server.request_log
    assert "Traceback" not in log.read_text(errors="replace")
