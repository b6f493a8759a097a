"""Elections and turnout (issue 7): the curated figures, the importer, the candidate → member
link, the 東京都選挙管理委員会 spider on a local replay, and the demo's election history.

Files the importer reads here are written by the tests in the shapes commissions publish
(Shift_JIS, thousands separators, 按分票 fractions, title lines over the header, 男・女・計);
every name and count in them is made up. The spider's replay serves the constructed files in
tests/fixtures/elections (see its README).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from oshigiin.demo import DemoCouncil
from oshigiin.demo import elections as demo_elections
from oshigiin.minutes.normalize import normalize_name
from oshigiin.minutes.parsers import elections as ep
from oshigiin.pipeline import elections as el
from tests.recorded_site import RecordedSite, Route
from tests.registry import write_registry

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "elections"


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "e.duckdb"))
    el.ensure_schema(c)
    yield c
    c.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(c) -> dict:
    """Everything the election tables hold, to prove a rejected file changed nothing."""
    return {t: c.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("elections", "election_results", "election_turnout_groups")}


# -- the curated reference data ------------------------------------------------------------------

def turnout(c, election_id):
    row = c.execute("SELECT turnout, status, source, source_url FROM elections WHERE election_id = ?",
                    [election_id]).fetchone()
    return row and (float(row[0]) if row[0] is not None else None, row[1], row[2], row[3])


def test_reference_data_has_the_issue_figures_with_sources(con):
    reports = el.load_reference(con)
    assert [r.path.name for r in reports] == ["elections.csv", "election_results.csv"]
    ward = "131121:区議会議員選挙"
    assert turnout(con, f"{ward}:2023-04-23")[:2] == (46.11, "official")
    for day, value in (("2019-04-21", 43.02), ("2015-04-26", 42.84), ("2007-04-22", 41.29)):
        assert turnout(con, f"{ward}:{day}")[:2] == (value, "secondary"), day
    assert con.execute(f"SELECT seats, candidates FROM elections WHERE election_id = '{ward}:2019-04-21'"
                       ).fetchone() == (50, 75)
    assert turnout(con, "131121:区長選挙:2015-04-26")[0] == 42.83
    averages = dict(con.execute("SELECT election_type || ' ' || year(date), CAST(turnout AS DOUBLE) FROM elections "
                                "WHERE area_id = '13100-tokubetsuku'").fetchall())
    assert averages == {"区議会議員選挙 2015": 42.81, "区議会議員選挙 2019": 42.63, "区議会議員選挙 2023": 44.51,
                        "区長選挙 2015": 44.11, "区長選挙 2019": 44.21, "区長選挙 2023": 45.78}
    # A missing year stays missing: 2011 is known from its results, its turnout is not.
    assert turnout(con, f"{ward}:2011-04-24")[0] is None
    assert turnout(con, "131121:区長選挙:2023-04-23")[0] is None
    # Every figure says where it comes from, and whether it is official.
    assert con.execute("SELECT count(*) FROM elections WHERE source IS NULL OR trim(source) = '' "
                       "OR status NOT IN ('official', 'secondary')").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM election_results WHERE trim(source) = ''").fetchone()[0] == 0


def test_reference_results_keep_fractional_votes(con):
    el.load_reference(con)
    mayor = con.execute("SELECT name, CAST(votes AS INTEGER), elected FROM election_results "
                        "WHERE election_id = '131121:区長選挙:2015-04-26' ORDER BY votes DESC").fetchall()
    assert mayor == [("保坂展人", 196068, True), ("久保田英文", 96416, False)]
    council = "131121:区議会議員選挙:2011-04-24"
    assert con.execute("SELECT count(*), count(*) FILTER (WHERE elected) FROM election_results "
                       "WHERE election_id = ?", [council]).fetchone() == (82, 50)
    assert con.execute("SELECT votes FROM election_results WHERE election_id = ? AND name_norm = ?",
                       [council, normalize_name("大場　やすのぶ")]).fetchone()[0] == Decimal("9617.756")


def test_loading_the_reference_twice_is_all_noops(con):
    el.load_reference(con)
    again = el.load_reference(con)
    for report in again:
        (counts,) = report.counts.values()
        assert counts["insert"] == counts["update"] == counts.get("delete", 0) == 0
        assert counts["noop"] == report.rows > 0


def test_an_official_figure_is_not_replaced_by_a_secondary_one(con, tmp_path):
    el.load_reference(con)
    official = write(tmp_path / "setagaya-2019.csv",
                     "選挙名,執行日,当日有権者数,投票者数,投票率\n"
                     "世田谷区議会議員選挙,2019-04-21,\"100,000\",\"43,020\",43.02\n")
    report = el.import_file(con, official, council="131121", source="世田谷区選挙管理委員会（テスト）")
    assert report.counts["elections"]["update"] == 1
    (again,) = [r for r in el.load_reference(con) if r.kind == "elections"]
    assert again.counts["elections"]["kept"] == 1
    assert con.execute("SELECT status, voters FROM elections WHERE election_id = '131121:区議会議員選挙:2019-04-21'"
                       ).fetchone() == ("official", 43020)


# -- the importer ---------------------------------------------------------------------------------

ELECTIONS_SJIS = """世田谷区議会議員選挙　投票結果の推移
選挙名,執行日,定数,候補者数,当日有権者数,投票者数,投票率(%)
世田谷区議会議員選挙,令和5年4月23日,50,75,"７５６，３３３","348,745 ",46.11
世田谷区議会議員選挙,2019/4/21,50,75,"730,000","314,046",43.02
"""
RESULTS_SJIS = """令和5年4月23日執行　世田谷区議会議員選挙　開票結果
順位,候補者名,党派名,得票数,当落
1,架空　太郎,無所属,"9,617.756",当選
2,髙橋　見本,架空党,"8,411",当選
3,例示　花子,無所属,"2,775.244",落選
"""


def test_shift_jis_files_with_separators_and_fractional_votes(con, tmp_path):
    elections = write(tmp_path / "suii.csv", ELECTIONS_SJIS, "cp932")
    report = el.import_file(con, elections, council="世田谷区", source="世田谷区選挙管理委員会（テスト）")
    assert (report.kind, report.counts["elections"]["insert"]) == ("elections", 2)
    assert con.execute("SELECT electorate, voters, CAST(turnout AS DOUBLE), seats, status FROM elections "
                       "WHERE election_id = '131121:区議会議員選挙:2023-04-23'").fetchone() == (
        756333, 348745, 46.11, 50, "official")

    results = write(tmp_path / "kaihyou.csv", RESULTS_SJIS, "cp932")
    report = el.import_file(con, results, council="131121", source="世田谷区選挙管理委員会（テスト）")
    assert report.kind == "results" and report.counts["election_results"]["insert"] == 3
    assert report.warnings == ["131121:区議会議員選挙:2023-04-23: 候補者数は 75 人、結果は 3 人分"]
    votes = dict(con.execute("SELECT name_norm, votes FROM election_results").fetchall())
    assert votes == {"架空太郎": Decimal("9617.756"), "高橋見本": Decimal("8411.000"), "例示花子": Decimal("2775.244")}
    # The same file again: nothing changes.
    again = el.import_file(con, results, council="131121", source="世田谷区選挙管理委員会（テスト）")
    assert again.counts["election_results"] == {"insert": 0, "update": 0, "noop": 3, "kept": 0, "delete": 0}


def test_bare_thousands_separators_are_rejoined(con, tmp_path):
    """A civic-tech transcription (codeforsetagaya/api, 2011) writes 9,617.756 unquoted."""
    write(tmp_path / "e.csv", "area_id,election_type,date,seats,source\n131121,区議会議員選挙,2011-04-24,50,テスト\n")
    el.import_file(con, tmp_path / "e.csv")
    bare = write(tmp_path / "candidate.csv", "order,elected,name,party,votes\n"
                                             "1,true,架空　一郎,無所属,9,617.756\n"
                                             "2,true,見本　次郎,無所属,1,234,567\n"
                                             "3,false,例示　三郎,無所属,988\n")
    el.import_file(con, bare, council="131121", election_type="区議会議員選挙", date="2011-04-24", source="テスト")
    assert con.execute("SELECT CAST(votes AS DOUBLE) FROM election_results ORDER BY votes DESC").fetchall() == [
        (1234567.0,), (9617.756,), (988.0,)]


def test_excel_workbook_with_a_title_and_male_female_total_columns(con, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["令和5年4月23日執行 世田谷区長選挙 投票結果"])
    ws.append([])
    ws.append(["開票区名", "当日有権者数", None, None, "投票者数", None, None, "投票率"])
    ws.append([None, "男", "女", "計", "男", "女", "計", None])
    ws.append(["世田谷区", 359111, 397222, 756333, "172,345", "176,000", 348345, 46.06])
    path = tmp_path / "kucho.xlsx"
    wb.save(path)
    report = el.import_file(con, path, source="世田谷区選挙管理委員会（テスト）")
    assert report.counts["elections"]["insert"] == 1
    assert con.execute("SELECT election_id, electorate, voters, CAST(turnout AS DOUBLE) FROM elections").fetchone() == (
        "131121:区長選挙:2023-04-23", 756333, 348345, 46.06)


BAD_FILES = {
    # turnout that does not follow from the counts: 348,745 / 756,333 = 46.11%
    "turnout": ("選挙名,執行日,当日有権者数,投票者数,投票率\n"
                "世田谷区長選挙,2019-04-21,\"730,000\",\"314,046\",43.02\n"
                "世田谷区議会議員選挙,2023-04-23,\"756,333\",\"348,745\",46.50\n", 3, "投票率 46.50%"),
    "date": ("選挙名,執行日,当日有権者数,投票者数\n"
             "世田谷区長選挙,2019-04-21,\"730,000\",\"314,046\"\n"
             "世田谷区議会議員選挙,2023-02-30,\"756,333\",\"348,745\"\n", 3, "no such date"),
    "missing column": ("選挙名,当日有権者数,投票者数\n"
                       "世田谷区議会議員選挙,\"756,333\",\"348,745\"\n", 1, "日付の列"),
    "more voters than electors": ("選挙名,執行日,当日有権者数,投票者数\n"
                                  "世田谷区議会議員選挙,2023-04-23,\"348,745\",\"756,333\"\n", 2, "超えています"),
    "not a number": ("選挙名,執行日,当日有権者数,投票者数\n"
                     "世田谷区議会議員選挙,2023-04-23,約75万,\"348,745\"\n", 2, "当日有権者数"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_rejected_with_line_and_reason_and_nothing_changes(con, tmp_path, case):
    el.load_reference(con)
    before = snapshot(con)
    text, line, reason = BAD_FILES[case]
    path = write(tmp_path / "bad.csv", text, "cp932")
    with pytest.raises(el.ElectionImportError) as err:
        el.import_file(con, path, council="131121", source="テスト")
    assert any(n == line and reason in why for n, why in err.value.problems), err.value.problems
    assert f"line {line}: " in str(err.value) and "nothing imported" in str(err.value)
    assert snapshot(con) == before


def test_a_rejected_file_leaves_the_database_file_unchanged(tmp_path):
    db = tmp_path / "x.duckdb"
    good = write(tmp_path / "good.csv", "選挙名,執行日,投票率\n世田谷区長選挙,2015-04-26,42.83\n")
    el.import_file(db, good, council="131121", source="テスト")
    text, _, _ = BAD_FILES["turnout"]
    with pytest.raises(el.ElectionImportError):
        el.import_file(db, write(tmp_path / "bad.csv", text), council="131121", source="テスト")
    with duckdb.connect(str(db)) as c:
        assert c.execute("SELECT election_id FROM elections").fetchall() == [("131121:区長選挙:2015-04-26",)]


def test_results_need_their_election_and_fit_its_seats(con, tmp_path):
    orphan = write(tmp_path / "r.csv", RESULTS_SJIS, "cp932")
    with pytest.raises(el.ElectionImportError) as err:
        el.import_file(con, orphan, council="131121", source="テスト")
    assert err.value.problems[0][0] == 3 and "データベースにありません" in err.value.problems[0][1]
    write(tmp_path / "e.csv", "選挙名,執行日,定数\n世田谷区議会議員選挙,2023-04-23,1\n")
    el.import_file(con, tmp_path / "e.csv", council="131121", source="テスト")
    with pytest.raises(el.ElectionImportError, match="定数 1 を超えています"):
        el.import_file(con, orphan, council="131121", source="テスト")
    assert con.execute("SELECT count(*) FROM election_results").fetchone()[0] == 0


def test_a_tokyo_commission_file_imports_the_ward_and_the_23_ward_total(con):
    path = FIXTURES / "constructed-togikai-touhyou.csv"
    report = el.import_file(con, path, council="131121", source="東京都選挙管理委員会（テスト）")
    assert report.rows == 2 and "八王子市" in report.skipped
    rows = con.execute("SELECT election_id, electorate, voters, CAST(turnout AS DOUBLE) FROM elections ORDER BY 1"
                       ).fetchall()
    assert rows == [("13100-tokubetsuku:都議会議員選挙:2025-06-22", 7613579, 3623579, 47.59),
                    ("131121:都議会議員選挙:2025-06-22", 756333, 372221, 49.21)]


# -- candidate → member ---------------------------------------------------------------------------

def seed_council(c):
    """Three members of council 131121 with sittings in 2023–24, and one who left in 2023."""
    t = "TIMESTAMPTZ '2024-04-01 00:00:00+00'"
    for name in ("山田太郎", "髙橋健二", "中村誠", "佐藤花子"):
        c.execute(f"INSERT INTO people VALUES ('131121:{normalize_name(name)}', '131121', '{name}', "
                  f"'{normalize_name(name)}', NULL, NULL, NULL, 'u', {t}, 'h')")
    for mid, day in (("m1", "2021-06-10"), ("m2", "2023-06-12"), ("m3", "2024-02-22")):
        c.execute(f"INSERT INTO meetings VALUES ('{mid}', '131121', 't', '本会議', NULL, NULL, DATE '{day}', 1, "
                  f"NULL, NULL, 'u', {t}, 'h')")
    # 佐藤花子 sits after 2023 too: only the election's type keeps her 区長 candidacy unlinked.
    sat = {"m1": ("山田太郎", "中村誠"), "m2": ("山田太郎", "髙橋健二", "佐藤花子"), "m3": ("山田太郎", "髙橋健二")}
    for mid, people in sat.items():
        for name in people:
            c.execute(f"INSERT INTO attendance VALUES ('{mid}', '131121:{normalize_name(name)}', '{name}', NULL, "
                      f"'present', 'u', {t})")


def test_candidates_link_to_members_by_name_council_and_date(con, tmp_path):
    seed_council(con)
    write(tmp_path / "e.csv", "選挙名,執行日,定数\n世田谷区議会議員選挙,2019-04-21,50\n"
                              "世田谷区議会議員選挙,2023-04-23,50\n世田谷区長選挙,2023-04-23,1\n")
    el.import_file(con, tmp_path / "e.csv", council="131121", source="テスト")
    write(tmp_path / "r.csv", "選挙名,執行日,候補者名,得票数,当落\n"
                              "区議会議員選挙,2023-04-23,山田　太郎,\"3,000\",当選\n"
                              "区議会議員選挙,2023-04-23,高橋　健二,\"2,500.5\",当選\n"   # 髙 on the roster
                              "区議会議員選挙,2023-04-23,中村　誠,\"1,000\",落選\n"      # sat only before
                              "区議会議員選挙,2023-04-23,例示　三郎,900,落選\n"          # never a member
                              "区議会議員選挙,2019-04-21,山田　太郎,\"2,000\",当選\n"
                              "区議会議員選挙,2019-04-21,中村　誠,\"1,800\",当選\n"
                              "区議会議員選挙,2019-04-21,高橋　健二,700,落選\n"       # current, but not from 2019
                              "区長選挙,2023-04-23,佐藤　花子,\"90,000\",当選\n")    # not this council's election
    el.import_file(con, tmp_path / "r.csv", council="131121", source="テスト")
    links = con.execute("SELECT election_id, person_id FROM candidate_members ORDER BY ALL").fetchall()
    assert links == [("131121:区議会議員選挙:2019-04-21", "131121:中村誠"),
                     ("131121:区議会議員選挙:2019-04-21", "131121:山田太郎"),
                     ("131121:区議会議員選挙:2023-04-23", "131121:山田太郎"),
                     ("131121:区議会議員選挙:2023-04-23", "131121:高橋健二")]


# -- the 投票率 page's figures ---------------------------------------------------------------------

def test_turnout_summary_for_setagaya(con):
    el.load_reference(con)
    s = el.turnout_summary(con, "131121")
    assert s["headline"].startswith("2023年4月23日の世田谷区議会議員選挙の投票率は46.11%で、"
                                    "前回（2019年の43.02%）から3.09ポイント上がりました。")
    assert "特別区（23区）の平均（44.51%）を1.60ポイント上回りました" in s["headline"]
    assert s["latest"]["delta"] == 3.09 and s["latest"]["date"] == date(2023, 4, 23)
    assert "前回 2011年の投票率は記録がありません" in s["changes"][1]
    years = s["comparison"].groupby(["series", "election_type"])["year"].apply(list).to_dict()
    assert years == {("世田谷区", "区議会議員選挙"): [2007, 2015, 2019, 2023], ("世田谷区", "区長選挙"): [2015],
                     ("特別区（23区）平均", "区議会議員選挙"): [2015, 2019, 2023],
                     ("特別区（23区）平均", "区長選挙"): [2015, 2019, 2023]}
    assert s["history"]["turnout"].isna().sum() == 3      # 2011 both, 2023 mayor: missing, not zero
    assert len(s["sources"]) >= 5 and s["sources"]["source"].str.len().min() > 0
    assert s["results"]["election_id"].unique().tolist() == ["131121:区議会議員選挙:2011-04-24"]


def test_turnout_summary_of_an_empty_area(con):
    s = el.turnout_summary(con, "131016")
    assert s["headline"] is None and s["history"].empty and s["comparison"].empty and s["sources"].empty


# -- parsing ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [("1,234", Decimal(1234)), ("１，２３４人", Decimal(1234)),
                                             (" 46.11% ", Decimal("46.11")), ("9,617.756", Decimal("9617.756")),
                                             ("", None), ("-", None)])
def test_numbers(text, value):
    assert ep.number(text) == value


@pytest.mark.parametrize(("text", "day"), [
    ("2023-04-23", date(2023, 4, 23)), ("2023/4/23", date(2023, 4, 23)), ("令和5年4月23日", date(2023, 4, 23)),
    ("平成31年4月21日", date(2019, 4, 21)), ("2023年4月23日", date(2023, 4, 23))])
def test_dates(text, day):
    assert ep.parse_date(text) == day


@pytest.mark.parametrize(("text", "kind"), [("世田谷区議会議員選挙", "区議会議員選挙"), ("世田谷区長選挙", "区長選挙"),
                                            ("東京都議会議員選挙", "都議会議員選挙"), ("東京都知事選挙", "都知事選挙"),
                                            ("世田谷区議会議員一般選挙", "区議会議員選挙"), ("投票結果", None)])
def test_election_types(text, kind):
    assert ep.election_type(text) == kind


def test_tokyo_turnout_table_in_both_encodings():
    text = (FIXTURES / "constructed-togikai-touhyou.csv").read_text(encoding="utf-8")
    facts, rows = ep.turnout_rows(("\ufeff" + text).encode("utf-8"), "touhyou.csv")
    assert facts == {"date": date(2025, 6, 22), "election_type": "都議会議員選挙"}
    by_area = {r["area"]: (r["electorate"], r["voters"], r["turnout"]) for r in rows}
    assert by_area["世田谷区"] == (756333, 372221, Decimal("49.21"))   # the 計 columns, not 男
    assert by_area["区部計"] == (7613579, 3623579, Decimal("47.59"))
    assert ep.turnout_rows(text.encode("cp932"), "touhyou.csv")[1] == rows
    with pytest.raises(ep.ParseError):
        ep.turnout_rows((FIXTURES / "constructed-togikai-kaihyou.csv").read_bytes(), "kaihyou.csv")


# -- the spider on a local replay ------------------------------------------------------------------

def crawl(tmp_path, url: str) -> subprocess.CompletedProcess:
    registry = write_registry(tmp_path, code="131121", name="世田谷区", prefecture="東京都", download_delay=0.0)
    env = {**os.environ, "OSHIGIIN_COUNCILS": registry}
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "elections", "-a", "council=131121",
                           "-a", f"url={url}", "-s", "HTTPCACHE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=10",
                           "-s", "RETRY_TIMES=0"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_spider_on_a_replay_of_the_commission_site(data_dir, tmp_path):
    touhyou = (FIXTURES / "constructed-togikai-touhyou.csv").read_text(encoding="utf-8")
    page = "/election/togikai-all/togikai-2025/"
    site = RecordedSite([
        Route("GET", page, file=FIXTURES / "index.html"),
        # As served: UTF-8 with a BOM.
        Route("GET", page + "csv/touhyou.csv", body=b"\xef\xbb\xbf" + touhyou.encode("utf-8"), content_type="text/csv"),
        Route("GET", page + "csv/kaihyou.csv", file=FIXTURES / "constructed-togikai-kaihyou.csv",
              content_type="text/csv", encoding="cp932"),
    ])
    with site:
        result = crawl(tmp_path, site.url + page.lstrip("/"))
        log = list(site.request_log)
    assert result.returncode == 0, result.stderr[-3000:]
    # robots, the page, its two distinct files; never the 選挙一覧 link.
    assert sorted(p for _, p, _ in log) == sorted(["/robots.txt", page, page + "csv/touhyou.csv",
                                                   page + "csv/kaihyou.csv"]), log
    (run,) = (data_dir / "staging" / "131121").iterdir()
    with (run / "elections.csv").open(encoding="utf-8") as f:
        staged = list(csv.DictReader(f))
    assert [(r["area_id"], r["electorate"], r["voters"], r["turnout"]) for r in staged] == [
        ("13100-tokubetsuku", "7613579", "3623579", "47.59"), ("131121", "756333", "372221", "49.21")]
    assert all(r["source_url"] == site.url + page.lstrip("/") + "csv/touhyou.csv" for r in staged)
    fetch_log = [json.loads(x) for x in (run / "fetch_log.ndjson").read_text().splitlines()]
    assert {f["url"].removeprefix(site.url) for f in fetch_log if f["outcome"] == "ok"} == {
        "robots.txt", page.lstrip("/"), page.lstrip("/") + "csv/touhyou.csv", page.lstrip("/") + "csv/kaihyou.csv"}
    assert all(f["outcome"] == "ok" for f in fetch_log)   # the 開票結果 file is passed over, not a failure
    assert json.loads((run / "run.json").read_text())["elections"] == 2

    c = duckdb.connect(str(tmp_path / "db.duckdb"))
    (report,) = el.load_staged(c, ["131121"])
    assert report.counts["elections"]["insert"] == 2
    assert c.execute("SELECT status, election_type, date FROM elections WHERE area_id = '131121'").fetchone() == (
        "official", "都議会議員選挙", date(2025, 6, 22))


# -- the demo ---------------------------------------------------------------------------------------

def test_demo_history_is_deterministic_and_its_winners_are_the_members(tmp_path):
    council = DemoCouncil(speeches=5000, seed=0)
    first = demo_elections.history(council)
    assert first == demo_elections.history(DemoCouncil(speeches=5000, seed=0))
    assert first != demo_elections.history(DemoCouncil(speeches=5000, seed=1))
    results = first["results"]
    elections = {r["date"] for r in results if r["election_type"] == "区議会議員選挙"}
    assert len(elections) >= 2
    for day in elections:
        won = {normalize_name(r["name"]) for r in results
               if r["date"] == day and r["election_type"] == "区議会議員選挙" and r["elected"] == "当選"}
        seated = {normalize_name(m.name) for m in demo_elections.winners(council, date.fromisoformat(day))}
        assert won == seated and len(won) == 40
    # The demo goes through the real importer: validation passes and every table is filled.
    c = duckdb.connect()
    demo_elections.write_files(council, tmp_path)
    reports = el.load_reference(c, tmp_path)
    assert {r.kind: r.rows for r in reports} == {"elections": len(first["elections"]), "results": len(results),
                                                 "groups": len(first["groups"])}
    s = el.turnout_summary(c, "demo")
    assert s["headline"].startswith("2023年4月23日の架空区議会議員選挙の投票率は") and len(s["groups"]) == 9


def test_demo_candidates_link_to_the_crawled_members(data_dir, tmp_path):
    db = tmp_path / "demo.duckdb"
    built = subprocess.run([sys.executable, "-m", "oshigiin", "demo", "build", "--speeches", "2000", "--db", str(db),
                            "--port", "0"], cwd=REPO, env=dict(os.environ), capture_output=True, text=True,
                           timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    council = DemoCouncil(speeches=2000, seed=0)
    c = duckdb.connect(str(db))
    demo_elections.write_files(council, tmp_path / "demo-elections")
    el.load_reference(c, tmp_path / "demo-elections")
    dates = sorted({r["date"] for r in demo_elections.history(council)["results"]})
    for day in dates:
        linked = {r[0] for r in c.execute("SELECT name_norm FROM candidate_members WHERE election_id = ?",
                                          [f"demo:区議会議員選挙:{day}"]).fetchall()}
        assert linked == {normalize_name(m.name) for m in demo_elections.winners(council, date.fromisoformat(day))}


def test_headers_take_totals_and_whole_labels_only():
    table = ep.read_table("選挙名,執行日,選挙人名簿登録者数,当日有権者数(男),当日有権者数(女),当日有権者数(計),"
                          "期日前投票者数,投票者数,投票率\n".encode(), "t.csv", (("voters",),))
    assert table.columns == {"election_type": 0, "date": 1, "electorate": 5, "voters": 7, "turnout": 8}
    results = ep.read_table("順位,候補者名,党派,当選回数,得票数,当落\n".encode("cp932"), "r.csv", (("name",),))
    assert (results.columns["elected"], results.columns["votes"]) == (5, 4)


def test_secondary_results_do_not_touch_an_official_candidate_list(con, tmp_path):
    write(tmp_path / "e.csv", "選挙名,執行日,定数\n世田谷区長選挙,2015-04-26,1\n")
    el.import_file(con, tmp_path / "e.csv", council="131121", source="テスト")
    official = write(tmp_path / "o.csv", "候補者名,得票数,当落\n架空　一郎,\"1,000\",当選\n見本　次郎,500,落選\n")
    el.import_file(con, official, council="131121", election_type="区長選挙", date="2015-04-26", source="選管")
    before = snapshot(con)
    secondary = write(tmp_path / "s.csv", "候補者名,得票数,当落\n架空　一郎,999,当選\n例示　三郎,10,落選\n")
    report = el.import_file(con, secondary, council="131121", election_type="区長選挙", date="2015-04-26",
                            source="ブログ", status="secondary")
    assert report.counts["election_results"] == {"insert": 0, "update": 0, "noop": 0, "kept": 2, "delete": 0}
    assert snapshot(con) == before


def test_cli_import_publishes_atomically_and_rejects_a_bad_file_whole(tmp_path):
    from click.testing import CliRunner

    from oshigiin.cli import main

    db = tmp_path / "o.duckdb"
    good = tmp_path / "kekka.csv"
    good.write_bytes(("選挙,投票日,当日有権者数,投票者数,投票率\n"
                      '区議会議員選挙,2023-04-23,"100,000","46,110",46.11\n').encode("cp932"))
    run = CliRunner().invoke(main, ["import-elections", str(good), "--council", "世田谷区", "--db", str(db)])
    assert run.exit_code == 0, run.output
    assert "published" in run.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT electorate, voters FROM elections WHERE area_id = '131121' "
                           "AND date = DATE '2023-04-23' AND election_type = '区議会議員選挙'").fetchone() == (
            100000, 46110)
    before = db.stat().st_mtime_ns
    bad = tmp_path / "bad.csv"
    bad.write_bytes(("選挙,投票日,当日有権者数,投票者数,投票率\n"
                     '区長選挙,2023-04-23,"100,000","46,110",46.11\n'
                     '区長選挙,2019-04-21,"100,000","40,000",46.11\n').encode("cp932"))
    run = CliRunner().invoke(main, ["import-elections", str(bad), "--council", "世田谷区", "--db", str(db)])
    assert run.exit_code != 0
    assert "line 3" in run.output and "nothing imported" in run.output
    assert db.stat().st_mtime_ns == before
