"""Hostile text (issue 9.5): speeches, speakers, member names and factions carrying HTML, script,
Markdown, SQL fragments and control characters, published by a council site and crawled and
loaded like any other; and search input of the same kind.

They are stored exactly as published, shown as text on every page (AppTest and a real browser
in which no injected script may run), and never change a query: the database is the same,
byte for byte, after every page and every search, and the dashboard's SQL is never built from
strings (a static check of every query call).
"""

from __future__ import annotations

import ast
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from oshigiin.demo.generator import DemoCouncil
from oshigiin.pipeline.publishing.load import load
from tests.dashboard_server import WAIT_MS, chromium, page_errors, serve_dashboard
from tests.faulty_server import Body, FaultyServer, Rule, crawl
from tests.robust_checks import fingerprint, read_only

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
MINUTE = "/dnp/search/minutes/get_minute"
ROSTER = "/gikai/meibo.html"
PWN = "window.__pwned"
# Each speech opens with a marker word, so a test can find it in the database and on a page.
SPEECHES = [
    f"甲一 <script>{PWN}=1;alert('x')</script> の件について伺います。",
    f"甲二 <img src=x onerror=\"{PWN}=2\"> と <svg/onload={PWN}=3> を貼ります。",
    f"甲三 [ここを押す](javascript:{PWN}=4) **太字のつもり** _斜体_ `コード` :red[赤] $x^2$",
    "甲四\n# 見出しのつもり\n> 引用のつもり\n1. 番号のつもり\n    字下げのつもり",
    "甲五 '; DROP TABLE speeches; -- \" OR 1=1 -- $council ? %s {0} ${x} \\",
    "甲六 制御\x00文字\x07と\x1b[31mエスケープ\u202e逆向き\u200bゼロ幅\ufeffBOM",
    "甲七 &lt;b&gt;実体参照&lt;/b&gt; &#x3C;script&#x3E; &amp;amp;",
]
NAME = f"<svg/onload={PWN}=5>乙山'--"       # a roster name cell: the parser drops spaces inside names
FACTION = f"<script>{PWN}=6</script> **会派** [x](javascript:{PWN}=7) '; DELETE FROM people; --"
SPEAKER = f"委員（<img/src/onerror={PWN}=8>丙川）"
SEARCHES = ["'; DROP TABLE speeches; --", "\" OR 1=1 --", "$council", "?", "%", "_", "\\", "<script>",
            "[x](javascript:alert(1))", "\x00", "甲五 DROP", "**", "' OR ''='", "1; SELECT 1"]


def hostile_minute(body: bytes) -> bytes:
    minute = json.loads(body)
    speeches = [b for b in minute["tenant_minutes"] if b["minute_type_code"] in (4, 5, 6)]
    for block, text in zip(speeches, SPEECHES, strict=False):
        marker = block["body"].removeprefix("<pre>")[:1]
        block["body"] = "<pre>" + html.escape(f"{marker}{block['title']}\u3000{text}", quote=False) + "\n</pre>"
    last = speeches[len(SPEECHES)]
    last["title"] = SPEAKER
    last["body"] = "<pre>" + html.escape(f"○{SPEAKER}\u3000甲八 発言者名が敵対的です。", quote=False) + "\n</pre>"
    return json.dumps(minute, ensure_ascii=False).encode()


def hostile_roster(body: bytes) -> bytes:
    page = body.decode()
    first = re.search(r"<tr><td>1</td><td>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td></tr>", page)
    row = first.group(0).replace(first.group(1), html.escape(NAME)).replace(first.group(2), html.escape(FACTION))
    return page.replace(first.group(0), row).encode()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A council whose site publishes hostile text, crawled and loaded like any other."""
    data = tmp_path_factory.mktemp("data")
    mp = pytest.MonkeyPatch()
    mp.setenv("OSHIGIIN_DATA", str(data))
    mp.setenv("OSHIGIIN_DB", str(data / "oshigiin.duckdb"))
    try:
        council = DemoCouncil(60)
        target = next(m for m in council.truth() if len(m["speeches"]) > len(SPEECHES))
        sitting = (target["ext_council_id"], target["ext_schedule_id"])
        rules = [Rule(MINUTE, Body(hostile_minute), council_id=sitting[0], schedule_id=sitting[1]),
                 Rule(ROSTER, Body(hostile_roster, "text/html; charset=utf-8"))]
        with FaultyServer(council, rules) as server:
            result = crawl(server.url)
        assert result.returncode == 0 and all(r["failures"] == 0 for r in result.runs), result.stderr[-3000:]
        db = data / "oshigiin.duckdb"
        load(["demo"], db)
        yield {"db": db, "meeting": f"demo-discussnet-{sitting[0]}-{sitting[1]}", "data": data}
    finally:
        mp.undo()


def test_hostile_text_is_stored_exactly_as_published(hostile):
    from oshigiin.minutes.annotations import restore

    con = read_only(hostile["db"])
    try:
        texts = [restore(t, a) for t, a in con.execute("SELECT text, annotations FROM speeches WHERE meeting_id = ? "
                                                       "ORDER BY seq", [hostile["meeting"]]).fetchall()]
        people = con.execute("SELECT name, person_id FROM people").fetchall()
        factions = [r[0] for r in con.execute("SELECT name FROM organizations "
                                              "WHERE classification = 'faction'").fetchall()]
        speakers = [r[0] for r in con.execute("SELECT speaker_raw FROM speeches WHERE meeting_id = ?",
                                              [hostile["meeting"]]).fetchall()]
    finally:
        con.close()
    for text in SPEECHES:
        assert text in texts, text
    assert NAME in {name for name, _ in people} and FACTION in factions
    assert f"○{SPEAKER}" in speakers
    # Still a database with every table: nothing in the text ran as SQL.
    assert {"speeches", "people", "meetings"} <= set(fingerprint(hostile["db"]))


# -- the dashboard, headless -------------------------------------------------------------------------
_RAW_MARKUP = re.compile(r"(?<!\\)<(script|svg|img)|(?<!\\)\]\((?:<)?javascript", re.I)


def _rendered(at: AppTest) -> list[str]:
    texts = []
    for kind in ("markdown", "caption", "title", "subheader", "header", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    return texts


def _open(hostile, monkeypatch, page: str, **query) -> AppTest:
    monkeypatch.setenv("OSHIGIIN_DB", str(hostile["db"]))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.query_params.update(query)
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    raw = [t for t in _rendered(at) if _RAW_MARKUP.search(t)]
    assert raw == [], raw  # every bracket and angle from the data arrives escaped
    return at


@pytest.fixture
def user_db(tmp_path, monkeypatch):
    monkeypatch.setenv("OSHIGIIN_USER_DB", str(tmp_path / "user.duckdb"))


def test_every_page_shows_hostile_text_escaped_and_changes_nothing(hostile, monkeypatch, user_db):
    before = fingerprint(hostile["db"])
    con = read_only(hostile["db"])
    person = con.execute("SELECT person_id FROM people WHERE name = ?", [NAME]).fetchone()[0]
    con.close()
    shown = "\n".join(_rendered(_open(hostile, monkeypatch, "meetings", meeting=hostile["meeting"])))
    assert "甲一" in shown and "DROP TABLE speeches" in shown
    _open(hostile, monkeypatch, "members")
    member = _open(hostile, monkeypatch, "member", member=person)
    assert any("乙山" in t for t in _rendered(member))
    for bogus in ("' OR 1=1 --", "<script>", "demo:'; DROP TABLE people; --"):
        _open(hostile, monkeypatch, "member", member=bogus)
        _open(hostile, monkeypatch, "meetings", meeting=bogus, speech=bogus)
    for query in SEARCHES:
        _open(hostile, monkeypatch, "search", q=query)
    assert fingerprint(hostile["db"]) == before


def test_a_search_for_hostile_words_finds_them_as_words(hostile, monkeypatch, user_db):
    at = _open(hostile, monkeypatch, "search", q="DROP TABLE speeches")
    shown = "\n".join(_rendered(at))
    assert "甲五" in shown  # the speech that says it, found as text
    at = _open(hostile, monkeypatch, "search", q="甲一 script")
    assert "甲一" in "\n".join(_rendered(at))


# -- the dashboard's SQL is never built from strings --------------------------------------------------
QUERY_CALLS = {"execute", "executemany", "sql", "query", "_query"}
# Not constants, and why that is safe. `sql` inside _query is its parameter: every call of _query
# is itself checked here. ATTACH takes no parameters; its path is the operator's own setting
# (OSHIGIIN_DB), quoted as a literal, never anything a visitor sends.
ALLOWED = {("data.py", "sql"), ("data.py", 'f"ATTACH {literal} AS pub (READ_ONLY)"')}


def _constant_sql(node: ast.AST, constants: dict[str, ast.AST]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id in constants and _constant_sql(constants[node.id], constants)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _constant_sql(node.left, constants) and _constant_sql(node.right, constants)
    if isinstance(node, ast.Subscript):
        return _constant_sql(node.value, constants)
    if isinstance(node, ast.Dict):
        return all(_constant_sql(v, constants) for v in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("replace", "strip"):
        # A constant edited by constants (`_QUESTIONS.replace("SELECT …", "SELECT …")`) is a constant.
        counts = [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, int)]
        return _constant_sql(node.func.value, constants) and all(
            a in counts or _constant_sql(a, constants) for a in node.args)
    return False


def test_dashboard_sql_is_never_built_from_strings():
    built = []
    checked = 0
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                     for t in node.targets if isinstance(t, ast.Name)}
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute | ast.Name)):
                continue
            name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
            if name not in QUERY_CALLS or not call.args:
                continue
            sql = call.args[1] if name == "_query" else call.args[0]
            checked += 1
            if _constant_sql(sql, constants):
                continue
            source = ast.get_source_segment(path.read_text(encoding="utf-8"), sql) or ""
            if (path.name, source) not in ALLOWED:
                built.append(f"{path.relative_to(ROOT)}:{call.lineno}: {source[:80]}")
    assert checked >= 20 and built == [], built


# -- a real browser: no injected script runs ---------------------------------------------------------
def _assert_nothing_ran(page) -> None:
    found = page.evaluate("""() => ({
        pwned: typeof window.__pwned,
        scripts: [...document.scripts].filter(s => s.textContent.includes('__pwned')).length,
        images: document.querySelectorAll('img[src="x"], img[onerror]').length,
        svgs: document.querySelectorAll('svg[onload]').length,
        jsLinks: document.querySelectorAll('a[href^="javascript" i]').length,
    })""")
    assert found == {"pwned": "undefined", "scripts": 0, "images": 0, "svgs": 0, "jsLinks": 0}, found


@pytest.mark.browser
def test_no_injected_script_runs_in_a_browser(hostile, tmp_path):
    from playwright.sync_api import expect

    db = tmp_path / "oshigiin.duckdb"
    shutil.copyfile(hostile["db"], db)
    con = read_only(db)
    person = con.execute("SELECT person_id FROM people WHERE name = ?", [NAME]).fetchone()[0]
    con.close()
    dialogs: list[str] = []
    with serve_dashboard(db, tmp_path) as (base, log), chromium() as browser:
        page = browser.new_page(locale="ja-JP")
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{base}/meetings?meeting={hostile['meeting']}", wait_until="domcontentloaded")
        expect(page.get_by_text("甲一", exact=False).first).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_text("<script>window.__pwned=1;alert('x')</script>", exact=False).first).to_be_visible()
        expect(page.get_by_text("DROP TABLE speeches", exact=False).first).to_be_visible()
        _assert_nothing_ran(page)

        page.goto(f"{base}/member?member={person}", wait_until="domcontentloaded")
        expect(page.get_by_text(NAME, exact=False).first).to_be_visible(timeout=WAIT_MS)
        _assert_nothing_ran(page)

        page.goto(f"{base}/search", wait_until="domcontentloaded")
        box = page.get_by_role("textbox", name="発言を検索")
        for query in ("<img src=x onerror=window.__pwned=9>", "'; DROP TABLE speeches; --", "甲二"):
            box.fill(query)
            box.press("Enter")
            page.wait_for_timeout(300)
        expect(page.get_by_text("<svg/onload=window.__pwned=3>", exact=False).first).to_be_visible(timeout=WAIT_MS)
        _assert_nothing_ran(page)
        errors = page_errors(page)
        page.close()
        server_log = log.read_text(errors="replace")
    assert dialogs == [] and errors == []
    assert "Traceback" not in server_log, server_log
    assert fingerprint(db) == fingerprint(hostile["db"])


# -- the terminal (issue 14.10) ----------------------------------------------------------------------
TERMINAL = {"\x1b]0;pwned\x07": "\\x1b]0;pwned\\x07",        # retitle the terminal
            "\x1b[2J\x1b[31m": "\\x1b[2J\\x1b[31m",         # clear it, paint it red
            "\u202e": "\\u202e", "\r": "\\x0d", "\x9b": "\\x9b"}  # bidi override, carriage return, 8-bit CSI


def test_review_and_status_never_send_scraped_control_characters_to_the_terminal(data_dir, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from oshigiin.cli import main as cli

    registry = tmp_path / "councils.toml"
    registry.write_text('[[council]]\ncode = "t"\nname = "試験市"\nplatform = "discussnet"\n', encoding="utf-8")
    monkeypatch.setenv("OSHIGIIN_COUNCILS", str(registry))
    run = data_dir / "staging" / "t" / "run1"
    run.mkdir(parents=True)
    name = "山田" + "".join(TERMINAL) + "花子"
    speech = {"ext_minute_id": "1", "seq": 1, "speaker_raw": f"◆（{name}議員）", "speaker_name": name,
              "speaker_role": None, "seat": None, "kind": "question", "text": "伺います。",
              "source_url": "http://x/m#1\x1b[8m"}
    meeting = {"council_id": "t", "platform": "discussnet", "ext_council_id": "1", "ext_schedule_id": "2",
               "title": "令和6年第1回定例会", "kind": "本会議", "session": "令和6年第1回定例会", "committee": None,
               "date": "2024-02-22", "number": 1, "source_url": "http://x/m", "api_url": "http://x/a",
               "fetched_at": "2024-03-01T00:00:00+00:00", "attendance": [], "speeches": [speech]}
    (run / "meetings.ndjson").write_text(json.dumps(meeting, ensure_ascii=False) + "\n", encoding="utf-8")
    failure = {"run_id": "run1", "council_id": "t", "spider": "discussnet", "url": "http://x/p\x1b]0;x\x07",
               "method": "GET", "request_body": None, "status": None, "outcome": "parse_error",
               "reason": "ParseError: \x1b[31mred", "archive_path": None, "fetched_at": "2024-03-01T00:00:00+00:00"}
    (run / "fetch_log.ndjson").write_text(json.dumps(failure) + "\n", encoding="utf-8")
    load(["t"])

    review = CliRunner().invoke(cli, ["review", "t"])
    status = CliRunner().invoke(cli, ["status", "t"])
    assert review.exit_code == 0 and status.exit_code == 0, (review.output, status.output)
    for out in (review.output, status.output):
        # Nothing a terminal acts on: no C0/C1 control (but the line ends) and no bidi override.
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out), repr(out)
    # ...and the reviewer still sees that the name holds them, spelled out.
    assert "山田" + "".join(TERMINAL.values()) + "花子" in review.output
    assert "http://x/m#1\\x1b[8m" in review.output and "ParseError: \\x1b[31mred" in status.output
