"""採決での態度 on the member page and the 議案 page: AppTest and a real browser, on the sample
council with votes added (CONSTRUCTED: fictional members, motions, stances and a roll call).

The rule under test: a member's own recorded vote, a faction's stance and a decision without
objection are three different things and are never shown as one another."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from oshigiin.pipeline.votes.store import ensure_schema
from tests.sample_db import build_sample_db

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
NOW = datetime(2024, 4, 1, tzinfo=UTC)
URL = "https://demo.example.invalid/kagiku"


def add_votes(db: Path) -> Path:
    with duckdb.connect(str(db)) as con:
        ensure_schema(con)
        con.executemany("INSERT INTO motions VALUES (?, 'demo', ?, ?, '議案', 2024, ?, ?)", [
            ("demo:2024:議案第1号", "議案第1号", "架空区手数料条例の一部を改正する条例", URL, NOW),
            ("demo:2024:議案第2号", "議案第2号", "架空区一般会計予算", URL, NOW),
            ("demo:2024:議案第3号", "議案第3号", "架空区区民会館条例", URL, NOW)])
        events = [
            # 議案第1号: without objection — nobody's individual vote
            ("ev1", "demo:2024:議案第1号", "2024-03-01", "簡易採決", "原案可決", "minutes", None),
            # 議案第2号: a named vote with names printed
            ("ev2", "demo:2024:議案第2号", "2024-03-21", "記名投票", "可決", "minutes", (3, 2, 5)),
            # 議案第3号: only stances
            ("ev3", "demo:2024:議案第3号", "2024-03-21", "起立", "否決", "minutes", None)]
        for vid, mid, day, method, result, source, counts in events:
            con.execute("INSERT INTO vote_events VALUES (?, 'demo', ?, NULL, ?::DATE, '本会議', false, NULL, ?, ?, "
                        "NULL, NULL, ?, ?, ?, ?, 'h')",
                        [vid, mid, day, method, result, source, f"よって、{mid[10:]}は{result}されました。",
                         f"{URL}/minutes#{vid}", NOW])
            if counts:
                con.executemany("INSERT INTO counts VALUES (?, ?, ?)",
                                [(vid, "yes", counts[0]), (vid, "no", counts[1]), (vid, "total", counts[2])])
        # 架空未来の会 split 1–1; its stance (imported) was 賛成, 山田 voted 反対
        con.executemany("INSERT INTO votes VALUES ('ev2', ?, ?, ?, ?, ?, ?, ?, ?)", [
            (name, name.replace(" ", ""), f"demo:{name.replace(' ', '')}", faction, raw, option, URL, NOW)
            for name, faction, raw, option in [
                ("山田 太郎", "架空未来の会", "反対", "no"), ("髙橋 健二", "架空未来の会", "賛成", "yes"),
                ("佐藤 花子", "区民クラブ", "賛成", "yes"), ("渡辺 美咲", "みどりの風", "賛成", "yes"),
                ("鈴木 一郎", "区民クラブ", "反対", "no")]])
        con.executemany("INSERT INTO stances VALUES (?, 'demo', ?, ?, ?, ?, ?, ?::DATE, 'import:t.csv', ?, ?)", [
            ("s1", "demo:2024:議案第3号", "demo:faction:区民クラブ", "区民クラブ", "賛成", "yes", "2024-03-21", URL,
             NOW),
            ("s2", "demo:2024:議案第3号", "demo:faction:架空未来の会", "架空未来の会", "反対", "no", "2024-03-21", URL,
             NOW),
            ("s3", "demo:2024:議案第2号", "demo:faction:区民クラブ", "区民クラブ", "賛成", "yes", "2024-03-21", URL,
             NOW),
            ("s4", "demo:2024:議案第2号", "demo:faction:架空未来の会", "架空未来の会", "賛成", "yes", "2024-03-21",
             URL, NOW)])
    return db


@pytest.fixture(scope="module")
def votes_db(tmp_path_factory) -> Path:
    return add_votes(build_sample_db(tmp_path_factory.mktemp("votes") / "oshigiin.duckdb"))


@pytest.fixture
def app(votes_db, monkeypatch, tmp_path):
    monkeypatch.setenv("OSHIGIIN_DB", str(votes_db))
    monkeypatch.setenv("OSHIGIIN_USER_DB", str(tmp_path / "user.duckdb"))
    return AppTest.from_file(str(APP), default_timeout=30)


def open_page(at: AppTest, page: str, **query: str) -> AppTest:
    at.run()
    at.query_params.update(query)
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def test_member_with_recorded_vote_sees_their_own_vote(app):
    at = open_page(app, "member", member="demo:山田太郎")
    assert "採決での態度" in [s.value for s in at.subheader]
    assert any("本人の投票" in m.value for m in at.markdown)
    own = next(f for f in frames(at) if "option_raw" in f.columns and "vote" in f.columns)
    assert list(own["identifier"]) == ["議案第2号"] and list(own["vote"]) == ["反対"]
    assert list(own["line"]) == ["賛成"]   # his faction's stance on a contested vote (1–1 inside it: no majority)
    assert any("1件のうち、会派の態度（または会派の多数）と異なる投票は1件" in c.value for c in at.caption)
    # 議案第1号 was decided without objection: nobody's vote, not on the member page
    assert all("議案第1号" not in list(f.get("identifier", [])) for f in frames(at))
    # his faction's stance on 議案第3号, labelled as the faction's, in a table that is not "本人の投票"
    assert any("会派の態度 — 会派としての賛否で、本人の投票の記録ではありません" in m.value for m in at.markdown)
    faction = next(f for f in frames(at) if "stance" in f.columns)
    assert list(faction["identifier"]) == ["議案第3号"] and list(faction["stance"]) == ["反対"]
    assert "vote" not in faction.columns


def test_member_without_votes_sees_only_the_faction_stance(app):
    # 佐藤 voted on 議案第2号 (recorded): her faction's stance on it is not shown in its place
    at = open_page(app, "member", member="demo:渡辺美咲")
    assert not any("会派の態度 —" in m.value for m in at.markdown)   # みどりの風 has no stance recorded
    at = open_page(app, "member", member="demo:鈴木一郎")
    stance = next(f for f in frames(at) if "stance" in f.columns)
    assert list(stance["identifier"]) == ["議案第3号"]              # not 議案第2号: he has his own vote there
    assert any("時点の所属会派「区民クラブ」の態度" in c.value for c in at.caption)   # dated membership


def test_member_with_nothing_recorded(app):
    at = open_page(app, "member", member="demo:中村誠")
    assert any("投票の記録も、所属会派の態度の記録もまだありません" in i.value for i in at.info)


def test_bills_list_and_page(app):
    at = open_page(app, "bills")
    listing = frames(at)[0]
    assert set(listing["identifier"]) == {"議案第1号", "議案第2号", "議案第3号"}
    at = open_page(app, "bills", bill="demo:2024:議案第1号")
    assert at.title[0].value == "議案第1号"
    assert any("異議なしで決定（簡易採決）: 議員ごとの賛否は記録されていません" in c.value for c in at.caption)
    at = open_page(app, "bills", bill="demo:2024:議案第2号")
    assert any("賛成3・反対2（総数5）" in m.value for m in at.markdown)
    votes = next(f for f in frames(at) if "voter_name" in f.columns)
    assert len(votes) == 5
    stances = next(f for f in frames(at) if "stance" in f.columns)
    assert list(stances["faction"]) == ["区民クラブ", "架空未来の会"]


def test_english(app):
    at = open_page(app, "member", member="demo:山田太郎", lang="en")
    if "How they voted" not in [s.value for s in at.subheader]:
        at.sidebar.toggle[0].set_value(True).run()
    assert "How they voted" in [s.value for s in at.subheader]
    assert any("not a record of their own vote" in m.value for m in at.markdown)


def test_real_browser_keeps_votes_and_stances_apart(votes_db, tmp_path):
    from tests.dashboard_server import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, serve_dashboard

    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    with serve_dashboard(votes_db, tmp_path) as (base, _log), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ja-JP")
            page.goto(f"{base}/member?member=demo:山田太郎", wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="採決での態度")).to_be_visible(timeout=WAIT_MS)
            own = page.get_by_text("本人の投票（記録されたもの）")
            faction = page.get_by_text("会派の態度 — 会派としての賛否で、本人の投票の記録ではありません")
            expect(own).to_be_visible(timeout=WAIT_MS)
            expect(faction).to_be_visible(timeout=WAIT_MS)
            # the own-vote section comes first, the faction's after it, each with its own table
            assert own.bounding_box()["y"] < faction.bounding_box()["y"]
            page.goto(f"{base}/bills?bill=demo:2024:議案第1号", wait_until="domcontentloaded")
            expect(page.get_by_text("異議なしで決定（簡易採決）")).to_be_visible(timeout=WAIT_MS)
            assert date(2024, 3, 1).isoformat()[:4] in page.content()
        finally:
            browser.close()
