"""Faction stances imported from CSV / Excel (files written here: CONSTRUCTED transcriptions),
validated like the elections importer, published atomically, re-imports as noops."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from oshigiin.cli import main

GOOD = """date,motion,title,faction,stance,source_url
2025-03-21,議案第１号,令和7年度架空区一般会計予算,架空自由党,賛成,https://example.org/taido.pdf
2025-03-21,議案第1号,,区民の会,反対,
2025-03-21,陳情第3号,保育の拡充を求める陳情,区民の会,○,
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def db(data_dir):
    return data_dir / "o.duckdb"


def test_import_publishes_and_reimport_is_noop(tmp_path, db):
    path = tmp_path / "taido.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = run("import-stances", str(path), "--council", "demo", "--source-url", "https://example.org/p",
                 "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "insert 3" in result.output and "published" in result.output
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT motion_id, organization_id, faction, option_raw, option, source_url FROM stances "
                       "ORDER BY motion_id, faction").fetchall()
    assert rows == [
        ("demo:2025:議案第1号", "demo:faction:区民の会", "区民の会", "反対", "no", "https://example.org/p"),
        ("demo:2025:議案第1号", "demo:faction:架空自由党", "架空自由党", "賛成", "yes", "https://example.org/taido.pdf"),
        ("demo:2025:陳情第3号", "demo:faction:区民の会", "区民の会", "○", "yes", "https://example.org/p")]
    assert con.execute("SELECT title, classification FROM motions WHERE identifier = '陳情第3号'").fetchone() == (
        "保育の拡充を求める陳情", "陳情")
    con.close()
    again = run("import-stances", str(path), "--council", "demo", "--source-url", "https://example.org/p",
                "--db", str(db))
    assert "noop 3" in again.output and "nothing published" in again.output
    # A corrected file replaces what it said before
    path.write_text(GOOD.replace("区民の会,反対", "区民の会,棄権").replace(
        "2025-03-21,陳情第3号,保育の拡充を求める陳情,区民の会,○,\n", ""), encoding="utf-8")
    third = run("import-stances", str(path), "--council", "demo", "--source-url", "https://example.org/p",
                "--db", str(db))
    assert "update 1" in third.output and "delete 1" in third.output


@pytest.mark.parametrize("bad, reason", [
    ("2025-13-01,議案第1号,,架空自由党,賛成,", "line 2: date '2025-13-01' is not YYYY-MM-DD"),
    ("2025-03-21,予算について,,架空自由党,賛成,", "line 2: motion '予算について' is not an identifier"),
    ("2025-03-21,議案第1号,,架空自由党,たぶん賛成,", "line 2: stance 'たぶん賛成' is not one of"),
    ("2025-03-21,議案第1号,,,賛成,", "line 2: no faction"),
])
def test_a_bad_line_rejects_the_file_and_writes_nothing(tmp_path, db, bad, reason):
    path = tmp_path / "bad.csv"
    path.write_text("date,motion,title,faction,stance,source_url\n" + bad + "\n"
                    + GOOD.splitlines()[1] + "\n", encoding="utf-8")
    result = run("import-stances", str(path), "--council", "demo", "--source-url", "https://example.org/p",
                 "--db", str(db))
    assert result.exit_code != 0
    assert "rejected, nothing imported" in result.output and reason in result.output
    assert not db.exists()


def test_contradiction_and_missing_source_are_rejected(tmp_path, db):
    path = tmp_path / "twice.csv"
    path.write_text(GOOD + "2025-03-21,議案第1号,,架空自由党,反対,https://example.org/2\n", encoding="utf-8")
    result = run("import-stances", str(path), "--council", "demo", "--db", str(db))
    assert result.exit_code != 0
    assert "line 5: 架空自由党 on 議案第1号 is already yes at line 2" in result.output
    assert "line 3: no source_url" in result.output and "line 4: no source_url" in result.output
    assert not db.exists()


def test_shift_jis_and_excel_files(tmp_path, db):
    sjis = tmp_path / "sjis.csv"
    sjis.write_bytes(GOOD.replace("議案第１号", "議案第2号").encode("cp932"))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["日付", "議案", "会派", "態度", "出典"])
    sheet.append(["2025-06-10", "意見書案第3号", "架空自由党", "反対", "https://example.org/x"])
    xlsx = tmp_path / "taido.xlsx"
    book.save(xlsx)
    result = run("import-stances", str(sjis), str(xlsx), "--council", "demo", "--source-url",
                 "https://example.org/p", "--db", str(db))
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM stances").fetchone()[0] == 4
    assert con.execute("SELECT option FROM stances WHERE motion_id = 'demo:2025:意見書案第3号'").fetchone() == ("no",)


# --- a published stance page: 東京都議会's 各会派等の議案への賛否 (CONSTRUCTED page, see its README) ---

PAGE = Path(__file__).parent / "fixtures" / "stances" / "metro-tokyo.html"


def test_metro_tokyo_page_structure():
    from oshigiin.minutes.parsers.stances import parse_metro_tokyo

    page = parse_metro_tokyo(PAGE.read_bytes())
    assert (page.session, page.year, page.as_of.isoformat()) == ("令和7年第1回定例会", 2025, "2025-03-28")
    assert page.seats == {"自由": 40, "みらい": 30, "架空党": 12, "無(架空の声)": 1}
    assert page.legend["みらい"] == "みらいの会 架空都議団"
    assert [(i.titles, i.result) for i in page.items] == [
        (["令和7年度架空都一般会計予算"], "可決"), (["架空都青少年の健全な育成に関する条例"], "否決"),
        (["架空都組織条例", "架空都手数料条例"], "可決"), (["架空都監査委員の選任(架空花子)"], "同意")]
    assert page.items[1].sides[-1] == ("自由", "賛成") and page.items[1].categories == ["条例", "一部改正"]


@pytest.mark.parametrize("edit, reason", [
    (("反対 架空党</p>", "反対 架空党、謎の会</p>"), "sides name factions the page does not list: 謎の会"),
    (("<p>否決</p>", ""), "after the sides of"),
    (("令和7年第1回定例会 各会派等の議案への賛否", "お知らせ"), "no session heading"),
])
def test_metro_tokyo_page_errors(edit, reason):
    from oshigiin.minutes.parsers.stances import StancePageError, parse_metro_tokyo

    with pytest.raises(StancePageError, match=reason):
        parse_metro_tokyo(PAGE.read_text(encoding="utf-8").replace(*edit))


def test_import_a_stance_page(db):
    result = run("import-stances", str(PAGE), "--council", "demo", "--source-url",
                 "https://example.org/newsletter/06.html", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "19 stances" in result.output
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT faction, option FROM stances WHERE motion_id = ? ORDER BY faction",
                       ["demo:2025:架空都青少年の健全な育成に関する条例"]).fetchall()
    assert rows == [("みらいの会 架空都議団", "no"), ("日本架空党都議会議員団", "no"), ("架空都議会自由党", "yes"),
                    ("無所属(架空の声)", "no")]
    assert con.execute("SELECT DISTINCT date FROM stances").fetchall() == [(date(2025, 3, 28),)]


def test_a_page_title_joins_the_numbered_motion_when_unique(db):
    import duckdb as ddb

    from oshigiin.pipeline.votes.store import ensure_schema

    with ddb.connect(str(db)) as con:
        con.execute((Path(__file__).parents[1] / "pipeline" / "publishing" / "schema.sql").read_text(encoding="utf-8"))
        ensure_schema(con)
        con.executemany("INSERT INTO motions VALUES (?, 'demo', ?, ?, '議案', 2025, 'https://example.org/m', now())", [
            ("demo:2025:第12号議案", "第12号議案", "架空都組織条例"),
            ("demo:2025:第13号議案", "第13号議案", "架空都手数料条例"),
            ("demo:2025:第14号議案", "第14号議案", "架空都手数料条例")])
    result = run("import-stances", str(PAGE), "--council", "demo", "--source-url", "https://example.org/06.html",
                 "--db", str(db))
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    motions = {r[0] for r in con.execute("SELECT DISTINCT motion_id FROM stances").fetchall()}
    assert "demo:2025:第12号議案" in motions                       # one motion with that title: joined
    assert "demo:2025:架空都手数料条例" in motions                  # two with that title: not guessed
    assert "demo:2025:第13号議案" not in motions and "demo:2025:第14号議案" not in motions


def test_demo_stance_pages_crawled_and_loaded(data_dir):
    """The demo serves 各会派等の議案への賛否 pages in the 都議会 structure; the real spider crawls them
    over HTTP from 127.0.0.1 and the load imports what it staged."""
    import json as js

    import duckdb as ddb

    from oshigiin.demo.generator import DemoCouncil
    from oshigiin.demo.server import DiscussNetServer
    from oshigiin.demo.votes import crawl_stance_pages
    from oshigiin.pipeline.votes import store as votes

    council = DemoCouncil(speeches=1500)
    with DiscussNetServer(council, port=0) as server:
        crawl_stance_pages(server.url)
        log = [p for _, p, _ in server.request_log]
    assert log[0] == "/robots.txt" and log[1] == "/gikai/taido/index.html"
    manifests = list((data_dir / "staging" / "demo").glob("*/stance_pages.ndjson"))
    staged = [js.loads(line) for m in manifests for line in m.read_text(encoding="utf-8").splitlines()]
    assert staged and len(staged) == len(log) - 2          # every linked page fetched once and staged
    con = ddb.connect(str(data_dir / "s.duckdb"))
    con.execute((Path(__file__).parents[1] / "pipeline" / "publishing" / "schema.sql").read_text(encoding="utf-8"))
    problems: list[str] = []
    first = votes.load_stance_pages(con, ["demo"], data_dir / "staging", problems)
    assert problems == [] and first["insert"] > 0
    assert con.execute("SELECT count(*) FROM stances WHERE NOT starts_with(source, 'page:http://127.0.0.1')"
                       ).fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM stances WHERE motion_id NOT LIKE 'demo:____:%第%号'").fetchone()[0] == 0
    again = votes.load_stance_pages(con, ["demo"], data_dir / "staging", problems)
    assert again["noop"] == first["insert"] and again["insert"] == 0
