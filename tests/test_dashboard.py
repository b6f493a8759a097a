"""The dashboard's pages, driven headlessly with Streamlit's AppTest against tests/sample_db.py."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from oshigiin.dashboard import ui

try:  # tests/ is a plain folder: importable as a package only with the repo root on sys.path
    from tests.sample_db import EXPECTED, HOSTILE, build_sample_db
except ImportError:
    from sample_db import EXPECTED, HOSTILE, build_sample_db

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
MEETING_101 = "demo-discussnet-1-101"  # 本会議 2023-06-12, 9 speeches, the hostile one is seq 7
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_UNESCAPED_SPECIAL = re.compile(r"(?<!\\)[<>\[\]()*_`#]")


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_db(tmp_path_factory.mktemp("db") / "oshigiin.duckdb")


@pytest.fixture(autouse=True)
def user_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Follows and visits go to a private user-state file, never data/user.duckdb."""
    path = tmp_path / "user.duckdb"
    monkeypatch.setenv("OSHIGIIN_USER_DB", str(path))
    return path


@pytest.fixture
def app(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("OSHIGIIN_DB", str(sample_db))
    return AppTest.from_file(str(APP), default_timeout=30)


def open_page(at: AppTest, page: str, **query: str) -> AppTest:
    at.run()
    at.query_params.update(query)
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def speech_headers(at: AppTest) -> list[str]:
    """The seq/speaker line of each speech card, in page order."""
    return [m for m in texts(at.markdown) if re.match(r"(▶ )?\*\*\d+\.\*\*", m)]


# データ ----------------------------------------------------------------------------------------


def test_data_page_shows_counts_and_freshness(app: AppTest) -> None:
    open_page(app, "data_page")
    assert texts(app.title) == ["データ: 架空区"]
    assert texts(app.metric) == [str(EXPECTED[k]) for k in ("meetings", "speeches", "members")]
    facts = "\n".join(texts(app.markdown))
    assert "2023-06-12 〜 2024-03-05" in facts
    assert "2024-04-01 15:00" in facts  # newest fetched_at, 06:00 UTC, shown in Japan time
    assert app.sidebar.selectbox(key=ui.COUNCIL_KEY).value == "demo"
    assert app.dataframe[0].value["name"].tolist() == ["架空区"]


def test_missing_database_shows_help_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSHIGIIN_DB", str(tmp_path / "nope.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "`make run` でデモデータベースを作成してください" in at.error[0].value


def test_unreadable_database_shows_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bogus = tmp_path / "oshigiin.duckdb"
    bogus.write_text("not a database")
    monkeypatch.setenv("OSHIGIIN_DB", str(bogus))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    assert "データベースを読み込めませんでした" in at.error[0].value


def test_a_newly_published_file_is_noticed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    live = build_sample_db(tmp_path / "oshigiin.duckdb")
    monkeypatch.setenv("OSHIGIIN_DB", str(live))
    at = AppTest.from_file(str(APP), default_timeout=30)
    open_page(at, "data_page")
    assert texts(at.metric)[1] == "30"

    # Publish the way the pipeline does: build aside, then rename over the live file.
    staged = build_sample_db(tmp_path / "staged.duckdb")
    con = duckdb.connect(str(staged))
    con.execute("DELETE FROM speeches WHERE seq > 5")
    con.close()
    os.replace(staged, live)

    at.run()
    assert not at.exception
    assert texts(at.metric)[1] == "20"


def test_english_toggle(app: AppTest) -> None:
    app.run()
    app.sidebar.toggle[0].set_value(True).run()
    assert app.query_params["lang"] == "en"  # the URL is the language's source of truth
    open_page(app, "members")
    assert texts(app.title) == ["Members"]
    assert app.metric[0].label == "Members"
    assert app.query_params["lang"] == "en"  # kept across the page change
    app.sidebar.toggle[0].set_value(False).run()
    assert texts(app.title) == ["議員一覧"] and "lang" not in app.query_params


def test_a_shared_english_link_opens_in_english(app: AppTest) -> None:
    app.query_params["lang"] = "en"
    open_page(app, "turnout")
    assert texts(app.title) == ["Turnout"]
    assert app.sidebar.toggle[0].value is True


# 議員一覧 ------------------------------------------------------------------------------------


def test_members_lists_everyone_with_speech_counts(app: AppTest) -> None:
    open_page(app, "members")
    assert app.metric[0].value == str(EXPECTED["members"])
    table = app.dataframe[0].value
    assert len(table) == EXPECTED["members"]
    assert table["name"].tolist()[:2] == ["山田 太郎", "髙橋 健二"]
    sato = table.set_index("name").loc["佐藤 花子"]
    assert sato[["kana", "faction", "seat", "speeches"]].tolist() == ["さとう はなこ", "区民クラブ", 3, 3]
    assert table.set_index("name").at["中村 誠", "faction"] == "（会派なし）"  # his membership ended


def test_faction_filter_narrows_the_list(app: AppTest) -> None:
    open_page(app, "members")
    app.multiselect(key="factions-demo").set_value(["架空未来の会"]).run()
    assert not app.exception
    assert app.dataframe[0].value["name"].tolist() == ["山田 太郎", "髙橋 健二"]
    assert app.metric[0].value == f"{EXPECTED['members_in_mirai']} / {EXPECTED['members']}"


def test_former_members_are_hidden_until_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = build_sample_db(tmp_path / "oshigiin.duckdb")
    with duckdb.connect(str(db)) as con:  # 中村 誠 leaves the council: no longer on the roster
        con.execute("DELETE FROM memberships WHERE person_id = 'demo:中村誠' AND organization_id = 'demo:council'")
    monkeypatch.setenv("OSHIGIIN_DB", str(db))
    at = open_page(AppTest.from_file(str(APP), default_timeout=30), "members")
    assert app_names(at) and "中村 誠" not in app_names(at)
    assert at.metric[0].value == str(EXPECTED["members"] - 1)
    at.toggle(key="former-demo").set_value(True).run()
    table = at.dataframe[0].value.set_index("name")
    assert len(table) == EXPECTED["members"]
    assert table.at["中村 誠", "status"] == "元議員" and table.at["山田 太郎", "status"] == "現職"


def app_names(at: AppTest) -> list[str]:
    return at.dataframe[0].value["name"].tolist()


@pytest.mark.parametrize("typed", ["タカハシ", "たかはし", "ﾀｶﾊｼ ｹﾝｼﾞ", "高橋", "髙橋", "高橋健二"])
def test_member_search_by_reading_or_folded_name(app: AppTest, typed: str) -> None:
    open_page(app, "members")
    app.text_input(key="member-query-demo").input(typed).run()
    assert not app.exception
    assert app.dataframe[0].value["name"].tolist() == ["髙橋 健二"]


def test_member_search_without_match(app: AppTest) -> None:
    open_page(app, "members")
    app.text_input(key="member-query-demo").input("存在しない").run()
    assert not app.exception
    assert app.metric[0].value == "0 / 6"
    assert "該当する議員はいません" in app.info[0].value


# 会議 ----------------------------------------------------------------------------------------


def test_meetings_list_and_filters(app: AppTest) -> None:
    open_page(app, "meetings")
    assert app.dataframe[0].value["date"].tolist() == ["2024-03-05", "2024-02-22", "2023-09-20", "2023-06-12"]
    app.multiselect(key="meeting-kinds-demo").set_value(["委員会"]).run()
    assert app.dataframe[0].value["kind"].tolist() == ["委員会", "委員会"]
    app.selectbox(key="meeting-year-demo").set_value(2023).run()
    assert not app.exception
    assert app.dataframe[0].value["title"].tolist() == ["企画総務委員会 09月20日-01号"]


def test_opening_a_meeting_shows_its_speeches_in_order(app: AppTest) -> None:
    open_page(app, "meetings")
    app.selectbox(key="meeting-demo").set_value(MEETING_101).run()
    assert not app.exception
    headers = speech_headers(app)
    assert [int(re.search(r"\d+", h).group()) for h in headers] == list(range(1, 10))
    assert "**山田太郎（議長）**" in headers[0]
    assert "**佐藤花子**" in headers[2] and "質問" in headers[2]
    assert "答弁" in headers[3]
    assert app.query_params["meeting"] == MEETING_101  # shareable
    assert any("minutes/1/101?minute=101001" in c for c in texts(app.caption))


def test_meeting_query_param_opens_it_and_marks_the_speech(app: AppTest) -> None:
    speech = f"{MEETING_101}-101005"
    open_page(app, "meetings", meeting=MEETING_101, speech=speech)
    assert app.selectbox(key="meeting-demo").value == MEETING_101
    headers = speech_headers(app)
    assert len(headers) == 9  # the marked speech first, then the other eight: shown once (issue 13)
    assert headers[0].startswith("▶ **5.** **髙橋健二**")
    assert [int(re.search(r"\d+", h).group()) for h in headers[1:]] == [1, 2, 3, 4, 6, 7, 8, 9]
    assert any("5\\. この発言は上に表示しています" in c for c in texts(app.caption))
    assert "**リンクされた発言**" in texts(app.markdown)
    assert not [p for p in app.get("page_link") if p.label == "検索結果に戻る"]


def test_a_speech_opened_from_a_search_is_labelled_marked_and_leads_back(app: AppTest) -> None:
    speech = f"{MEETING_101}-101005"
    open_page(app, "meetings", meeting=MEETING_101, speech=speech, q="保育", kind="answer")
    markdown = texts(app.markdown)
    assert "**検索「保育」で見つかった発言**" in markdown
    assert any(":orange-background[保育]" in m for m in markdown)  # the term marked in the speech
    back = [p for p in app.get("page_link") if p.label == "検索結果に戻る"]
    assert len(back) == 1 and back[0].proto.page.endswith("search")
    assert dict(back[0].proto.query_string and [kv.split("=") for kv in back[0].proto.query_string.split("&")]
                or []) == {"q": "%E4%BF%9D%E8%82%B2", "kind": "answer"}


def test_unknown_meeting_param_warns(app: AppTest) -> None:
    open_page(app, "meetings", meeting="demo-nope")
    assert "会議が見つかりません" in app.warning[0].value
    assert speech_headers(app) == []


def test_hostile_speech_is_inert_on_the_meeting_page(app: AppTest) -> None:
    open_page(app, "meetings", meeting=MEETING_101)
    assert_rendered_literally(texts(app.markdown), HOSTILE)


# 発言検索 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "hits"),
    [("保育", EXPECTED["hits_保育"]), ("桜", EXPECTED["hits_桜"]), ("櫻", EXPECTED["hits_桜"]), ("script", 1),
     ("１２番", 1), ("保育 質", 2), ("%", 0)],
)
def test_search_hit_counts(app: AppTest, query: str, hits: int) -> None:
    open_page(app, "search")
    app.text_input(key="q").input(query).run()
    assert not app.exception
    if hits:
        assert texts(app.markdown)[0].startswith(f"**{hits}件の発言が見つかりました。**")
        assert len([m for m in texts(app.markdown) if ":orange-background[" in m]) == hits  # one snippet a hit
    else:
        assert "見つかりませんでした" in app.info[0].value
    assert app.query_params["q"] == query


def test_search_results_are_newest_first_with_the_match_marked(app: AppTest) -> None:
    open_page(app, "search", q="保育", order="recent")
    assert app.text_input(key="q").value == "保育"  # read back from the URL
    assert app.radio(key="search-order").value == "recent"
    dates = [c[:12] for c in texts(app.caption) if c[:4].isdigit() and "号" in c]  # hits, not question headers
    assert dates == ["2024\\-03\\-05", "2024\\-03\\-05", "2023\\-06\\-12"]
    snippets = [m for m in texts(app.markdown) if ":orange-background[" in m]
    assert "＜:orange-background[保育]＞の質の確保について、区の考えを伺います。" in snippets
    assert len(snippets) == 3


def test_search_for_the_hostile_speech_shows_it_literally(app: AppTest) -> None:
    open_page(app, "search", q="script")
    snippet = next(m for m in texts(app.markdown) if ":orange-background[" in m)
    marked = re.findall(r":orange-background\[((?:\\.|[^\]\\])*)\]", snippet)
    assert marked == ["script"] * 3  # <script>, </script>, javascript: every occurrence, nothing else
    plain = re.sub(r":orange-background\[((?:\\.|[^\]\\])*)\]", r"\1", snippet)
    assert not _UNESCAPED_SPECIAL.search(plain)
    shown = _ESCAPED.sub(r"\1", plain)
    assert HOSTILE.startswith(shown.rstrip("…"))
    assert shown.startswith("<script>alert('x')</script> **太字のつもり** [ここを押す](javascript:")


def test_empty_search_prompts(app: AppTest) -> None:
    open_page(app, "search")
    assert "Enter" in app.caption[0].value
    assert "q" not in app.query_params


def test_every_string_is_translated() -> None:
    from oshigiin.dashboard import i18n

    assert i18n.JA.keys() == i18n.EN.keys()
    assert all(i18n.JA.values()) and all(i18n.EN.values())


# helpers ---------------------------------------------------------------------------------


def assert_rendered_literally(markdowns: list[str], text: str) -> None:
    """One of the Markdown bodies is `text` with every Markdown special escaped."""
    found = [m for m in markdowns if _ESCAPED.sub(r"\1", m) == text]
    assert found, f"{text!r} not shown in {markdowns!r}"
    assert not _UNESCAPED_SPECIAL.search(found[0]), found[0]
    assert "<script>" not in "".join(markdowns)


@pytest.mark.parametrize(
    "text", [HOSTILE, "1. 番号\n    字下げ\n> 引用", "a\\b", "[x](javascript:alert(1))", ":red[x] $x$"]
)
def test_md_escape_round_trips(text: str) -> None:
    escaped = ui.md_escape(text)
    assert not _UNESCAPED_SPECIAL.search(escaped.replace("\\\\", ""))
    assert _ESCAPED.sub(r"\1", escaped.replace("  \n", "\n")) == "\n".join(
        line.lstrip(" ") for line in text.split("\n")
    )


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.jp/a b", "https://example.jp/a%20b"),
        ("http://example.jp/x?y=1&z=(2)", "http://example.jp/x?y=1&z=(2)"),
        ("https://example.jp/<x>", "https://example.jp/%3Cx%3E"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,x", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, safe: str | None) -> None:
    assert ui.safe_url(url) == safe


def test_snippet_prefers_the_published_text() -> None:
    text = "前" * 50 + "保育" + "後" * 100
    head, match, tail = ui.snippet(text, text, ["保育"])
    assert (match, len(head), head[0], tail[-1]) == ("保育", 41, "…", "…")
    # Only normalisation made it match: show the normalised text.
    assert ui.snippet("公園の櫻", "公園の桜", ["桜"]) == ("公園の", "桜", "")


# マイ推し -------------------------------------------------------------------------------------


def _question_headlines(at: AppTest) -> list[str]:
    return [m for m in texts(at.markdown) if m.startswith("**") and "**" in m[2:]]


def test_my_members_starts_empty_and_helps_pick(app: AppTest, user_db: Path) -> None:
    app.run()
    assert not app.exception
    assert texts(app.title) == ["マイ推し"]
    assert "フォローしている議員はまだいません" in app.info[0].value
    app.text_input(key="home-find").set_value("サトウ").run()
    app.button(key="follow-demo:佐藤花子").click().run()
    assert not app.exception
    # Her question is listed; the follow is saved for this browser, not put in the URL.
    assert any("待機児童対策" in h for h in _question_headlines(app))
    assert "follow" not in app.query_params
    with duckdb.connect(str(user_db), read_only=True) as con:
        assert con.execute("SELECT person_id FROM browser_follows").fetchall() == [("demo:佐藤花子",)]
    # The finder stays (folded away) after the first follow, and finds the next one.
    app.text_input(key="home-find").set_value("すずき").run()
    app.button(key="follow-demo:鈴木一郎").click().run()
    assert not app.exception
    with duckdb.connect(str(user_db), read_only=True) as con:
        assert {r[0] for r in con.execute("SELECT person_id FROM browser_follows").fetchall()} == {
            "demo:佐藤花子", "demo:鈴木一郎"}


def test_a_shared_follow_link_offers_its_members_without_replacing_mine(app: AppTest, user_db: Path) -> None:
    app.run()
    app.text_input(key="home-find").set_value("なかむら").run()
    app.button(key="follow-demo:中村誠").click().run()
    app.query_params["follow"] = "demo:鈴木一郎,demo:高橋健二,<img src=x onerror=alert(1)>"
    app.run()
    assert not app.exception
    shared = [p.label for p in app.get("page_link") if p.label in ("鈴木 一郎", "髙橋 健二")]
    assert sorted(shared) == ["鈴木 一郎", "髙橋 健二"]
    assert any("見つからないID（1件）" in c for c in texts(app.caption))  # the junk id dropped
    headlines = [h for h in _question_headlines(app) if " · " in h]
    assert headlines and all("中村" in h for h in headlines)  # still my list, not replaced
    app.button(key="adopt").click().run()
    assert not app.exception
    headlines = _question_headlines(app)
    # Newest first: 鈴木 and 髙橋 asked in 子ども文教委員会 (2024-03-05) before anything older.
    assert len(headlines) == 7
    assert "学校図書館" in headlines[0] or "保育" in headlines[0]
    assert {n for h in headlines for n in ("鈴木", "髙橋", "中村") if n in h} == {"鈴木", "髙橋", "中村"}
    assert "follow" not in app.query_params
    with duckdb.connect(str(user_db), read_only=True) as con:
        stored = {r[0] for r in con.execute("SELECT person_id FROM browser_follows").fetchall()}
    assert stored == {"demo:中村誠", "demo:鈴木一郎", "demo:高橋健二"}


def test_new_since_last_visit(app: AppTest, user_db: Path) -> None:
    from oshigiin.dashboard import follows

    app.run()
    browser = app.session_state["browser-id"]
    with duckdb.connect(str(user_db)) as con:
        con.execute(follows._SCHEMA)
        # Between the fetch of the 2023 meetings (03:00, 04:00 UTC) and the 2024 ones (05:00, 06:00).
        con.execute("INSERT OR REPLACE INTO browser_visits VALUES (?, 'home', TIMESTAMPTZ '2024-04-01 04:30:00+00')",
                    [browser])
        con.execute("INSERT INTO browser_follows VALUES (?, 'demo:鈴木一郎', now())", [browser])
    # Another visit of the same browser: a new session with its id.
    again = AppTest.from_file(str(APP), default_timeout=30)
    again.session_state["browser-id"] = browser
    again.run()
    app = again
    assert not app.exception
    assert "新しく取り込んだ質問: 1件" in " ".join(texts(app.caption))
    new = [c for c in texts(app.caption) if "新着" in c]
    assert len(new) == 1 and "2024\\-03\\-05" in new[0]


# 議員ページ -----------------------------------------------------------------------------------


def test_member_page_profile_questions_answers_attendance(app: AppTest) -> None:
    open_page(app, "member", member="demo:中村誠")
    assert texts(app.title) == ["中村 誠"]
    assert [m.value for m in app.metric] == ["2", "2"]
    headlines = _question_headlines(app)
    assert "商店街" in headlines[0] and "費用" in headlines[1]  # newest first
    markdown = " ".join(texts(app.markdown))
    # One speaker's page: a marked short quotation with its source, never the compiled exchange (40条1項).
    assert "商店街の皆様と協議を重ねてまいります。" not in markdown
    assert "> 「商店街の振興策について伺います。」" in markdown
    assert any(c.startswith("引用（中村誠") and "2024\\-02\\-22" in c for c in texts(app.caption))
    assert "名簿に載った2回のうち出席1回（50%）、欠席1回" in markdown  # 本会議: absent from the first
    assert any("数え方" in c for c in texts(app.caption))
    assert len(app.get("vega_lite_chart")) == 2  # questions per 会期, attendance


def test_follow_from_the_member_page(app: AppTest, user_db: Path) -> None:
    open_page(app, "member", member="demo:渡辺美咲")
    app.button(key="follow").click().run()
    with duckdb.connect(str(user_db), read_only=True) as con:
        assert con.execute("SELECT person_id FROM browser_follows").fetchall() == [("demo:渡辺美咲",)]
    app.button(key="unfollow").click().run()
    assert "follow" not in app.query_params
    with duckdb.connect(str(user_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM browser_follows").fetchone()[0] == 0


def test_compare_members_side_by_side(app: AppTest) -> None:
    open_page(app, "member", member="demo:鈴木一郎")
    # Found by reading, in hiragana and in katakana.
    app.text_input(key="compare-find-demo:鈴木一郎").input("たかはし").run()
    app.button(key="cmp-add-demo:高橋健二").click().run()
    app.text_input(key="compare-find-demo:鈴木一郎").input("ナカムラ").run()
    app.button(key="cmp-add-demo:中村誠").click().run()
    assert not app.exception
    table = app.dataframe[-1].value
    assert table["name"].tolist() == ["鈴木 一郎", "髙橋 健二", "中村 誠"]
    assert table["questions"].tolist() == [3, 2, 2]
    assert table["plenary"].tolist() == ["2/2", "2/2", "1/2"]


def test_unknown_member_warns(app: AppTest) -> None:
    open_page(app, "member", member="demo:だれでもない")
    assert "議員が見つかりません" in app.warning[0].value


def test_data_page_downloads_carry_sources(sample_db: Path) -> None:
    from oshigiin.dashboard import data

    db = data.current_db(sample_db)
    raw = data.export_csv(db, "demo", "members")
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads Japanese only with the BOM
    members = raw.decode("utf-8-sig").splitlines()
    assert members[0].startswith("person_id,council_id,name") and {"source_url", "fetched_at"} <= set(
        members[0].split(","))
    assert len(members) == 1 + EXPECTED["members"]
    questions = data.export_csv(db, "demo", "questions").decode("utf-8-sig")
    assert "demo-discussnet-2-202-q1" in questions and "children_education" in questions


def test_meeting_lists_its_questions_and_marks_their_speeches(app: AppTest) -> None:
    open_page(app, "meetings", meeting=MEETING_101)
    questions = [p.label for p in app.get("page_link") if re.match(r"\d\\\. ", p.label)]
    assert len(questions) == 3
    assert "佐藤 花子" in questions[0] and "髙橋 健二" in questions[1] and "鈴木 一郎" in questions[2]
    marks = [c for c in texts(app.caption) if c.startswith("質問")]
    # 佐藤's question and 区長's answer to it; then 髙橋's and 鈴木's, each with its answer.
    assert marks[:2] == ["質問1（佐藤 花子）の質問", "質問1（佐藤 花子）の答弁"]
    assert len(marks) == 6


def test_speaker_filter_shows_only_that_speaker(app: AppTest) -> None:
    open_page(app, "meetings", meeting=MEETING_101)
    app.multiselect(key=f"speakers-{MEETING_101}").set_value(["架空一郎（区長）"]).run()
    headers = speech_headers(app)
    assert len(headers) == 3 and all("架空一郎（区長）" in h for h in headers)


# 投票率 --------------------------------------------------------------------------------------


def test_turnout_without_elections_says_so(app: AppTest) -> None:
    open_page(app, "turnout")
    assert "選挙の記録はまだありません" in app.info[0].value


def test_turnout_history_with_sources_and_the_latest_change_in_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from oshigiin.demo.elections import write_files
    from oshigiin.demo.generator import DemoCouncil
    from oshigiin.pipeline import elections

    db = build_sample_db(tmp_path / "oshigiin.duckdb")
    write_files(DemoCouncil(speeches=700), tmp_path / "el")
    with duckdb.connect(str(db)) as con:
        elections.load_reference(con, tmp_path / "el")
        # The 23-ward averages come from the curated file, as in a real load.
        elections.load_reference(con)
        latest = con.execute("""SELECT max(date) FROM elections WHERE area_id = 'demo'
                                AND election_type = '区議会議員選挙' AND turnout IS NOT NULL""").fetchone()[0]
    monkeypatch.setenv("OSHIGIIN_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=30)
    open_page(at, "turnout")
    headline = texts(at.markdown)[0]
    assert headline.startswith(f"**{latest.year}年{latest.month}月{latest.day}日の") and "投票率は" in headline
    assert "特別区" in headline  # put next to the 23-ward average
    assert len(at.get("vega_lite_chart")) >= 2
    assert any(c.startswith("公式発表") or c.startswith("二次資料") for c in texts(at.caption))
    assert len(at.get("download_button")) == 1


def test_member_page_links_their_atom_feed(app: AppTest, sample_db: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import feedparser

    from oshigiin.pipeline.sharing.feeds import feed_path, write_feeds

    feeds = tmp_path / "feeds"
    write_feeds(sample_db, feeds)
    monkeypatch.setattr(ui, "STATIC", feeds)
    open_page(app, "member", member="demo:佐藤花子")
    path = feed_path("member", "demo:佐藤花子")
    assert any(f"(app/static/{path})" in c for c in texts(app.caption))
    parsed = feedparser.parse((feeds / path).read_bytes())
    assert not parsed.bozo and parsed.entries[0].link.startswith("https://demo.example.invalid/kagiku/minutes/1/101")


def test_search_filters_come_from_the_url_and_narrow_the_hits(app: AppTest) -> None:
    open_page(app, "search", q="保育", kind="answer")
    assert app.selectbox(key="search-kind").value == "answer"
    assert texts(app.markdown)[0].startswith("**1件の発言が見つかりました。**")  # 教育長's answer only


def test_search_by_member_finds_a_one_character_word(app: AppTest) -> None:
    open_page(app, "search", q="伺", member="demo:鈴木一郎")
    assert app.selectbox(key="search-member").value == "demo:鈴木一郎"
    assert texts(app.markdown)[0].startswith("**2件の発言が見つかりました。**")  # 庁舎の改修, 学校図書館


def test_search_hits_sit_under_their_question_and_the_results_download(app: AppTest, sample_db: Path) -> None:
    from oshigiin.dashboard import data

    open_page(app, "search", q="保育")
    # 髙橋's 保育 question and its answer: one question card above both hits.
    headers = [m for m in texts(app.markdown) if m.startswith("**髙橋 健二** · ")]
    assert len(headers) == 1
    assert len(app.get("download_button")) == 1
    db = data.current_db(sample_db)
    rows = data.export_search(db, "保育", data.SearchFilters("demo")).decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + EXPECTED["hits_保育"]


def test_every_page_download_is_the_export_code_narrowed_as_the_page(app: AppTest, sample_db: Path) -> None:
    from oshigiin.dashboard import data

    for page, params in (("members", {}), ("member", {"member": "demo:中村誠"}), ("meetings", {}),
                         ("data_page", {})):
        at = AppTest.from_file(str(APP), default_timeout=30)
        open_page(at, page, **params)
        assert len(at.get("download_button")) >= 1, page
    db = data.current_db(sample_db)
    rows = data.export_csv(db, "demo", "meetings", date_from="2024-01-01", date_to="2024-12-31")
    assert len(rows.decode("utf-8-sig").splitlines()) == 1 + 2  # the year's two sittings
    mine = data.export_csv(db, "demo", "questions", person="demo:中村誠").decode("utf-8-sig").splitlines()
    assert len(mine) == 1 + 2
