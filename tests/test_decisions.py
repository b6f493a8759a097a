"""Decisions (採決) from the chair's words: real recorded minutes from ../shared, and constructed
passages in the forms councils print (each labelled constructed)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from oshigiin.cli import _records, main
from oshigiin.minutes.parsers import dbsearch, discussnet, kensakusystem
from oshigiin.pipeline.votes.decisions import extract, motions_in
from tests.conftest import require_shared

CHAIR = "○議長（山田太郎君）"


def chair(text: str) -> dict:
    return {"speaker_raw": CHAIR, "speaker_role": "議長", "text": text}


def member(text: str, raw: str = "○４番（佐藤花子君）") -> dict:
    return {"speaker_raw": raw, "speaker_role": None, "text": text}


def sitting(*speeches: dict) -> list[dict]:
    return [dict(s, seq=i + 1, speech_id=f"m-{i + 1}") for i, s in enumerate(speeches)]


def plenary(decisions):
    return [d for d in decisions if not d.reported]


# --- real recorded minutes -----------------------------------------------------------------

def _speeches(result) -> list[dict]:
    """What `oshigiin parse-page` prints, the speeches of it: the same path as `oshigiin decisions`."""
    return [r for r in _records(result) if "text" in r and "speaker_raw" in r]


@pytest.fixture(scope="module")
def aomori():
    """青森市 令和6年第4回定例会 最終日 (DB-Search doc-one-frame page): 17 採決 on 47 motions, counted by hand."""
    path = require_shared() / "dbsearch" / "doc-one-frame" / "page.html"
    return extract(_speeches(dbsearch.parse_detail(path.read_bytes())))


def test_real_aomori_every_plenary_decision(aomori):
    decided = plenary(aomori)
    # By hand: 146 / {155,170} / 150–153 / 149,154,156,157 / 147 / 148 / 請願6 / 134 / 159 /
    # the other 24 of 日程第15〜40 / 171 / 172 / 173 / 174 / 議提24 / 議提25 / 議員派遣
    assert len({(d.seq, d.group or d.motion) for d in decided}) == 17
    assert len(decided) == 47
    by = {d.motion: d for d in decided}
    first = by["議案第146号"]
    assert (first.method, first.result, first.majority) == ("押しボタン", "可決", "多数")
    assert by["議員提出議案第25号"].result == "否決" and by["議員提出議案第25号"].majority == "少数"
    assert by["請願第6号"].result == "採択" and by["請願第6号"].title.startswith("加齢性難聴者")
    assert by["議案第171号"].title == "令和6年度青森市一般会計補正予算"
    assert by["議案第172号"].result == "同意" and by["議案第172号"].method == "簡易採決"
    assert by["議員派遣について"].result == "決定"
    # 「ただいま決定されました案件を除く各案件」: the block's other motions, with the committee's result
    rest = [d for d in decided if d.group == "日程第15〜日程第40"]
    assert len(rest) == 24 and "議案第134号" not in {d.motion for d in rest}
    assert by["議案第132号"].result == "承認" and by["議案第133号"].result == "原案可決"
    assert {d.motion for d in decided if d.group == "日程第1〜日程第3"} == {"議案第155号", "議案第170号"}
    # a simple (unanimous) decision is never given counts
    assert all(d.yes is None and d.no is None for d in decided)


def test_real_aomori_committee_reports(aomori):
    reported = [d for d in aomori if d.reported]
    by = {(d.body, d.motion): d for d in reported}
    assert by[("予算特別委員会", "議案第134号")].method == "起立"
    assert by[("予算特別委員会", "議案第132号")].result == "承認"
    # 「議案第133号…から議案第145号…まで及び議案第158号…から議案第169号…までの計25件」
    assert len({d.motion for d in reported if d.body == "予算特別委員会"}) == 26
    assert by[("民生環境常任委員会", "請願第6号")].result == "採択"


def test_real_sumida_committee_report_decision():
    path = require_shared() / "discussnet-ssp" / "smart" / "minute.json"
    decided = plenary(extract(_speeches(discussnet.parse_minute(path.read_bytes()))))
    assert [(d.motion, d.result, d.method) for d in decided] == [("議案第70号", "委員長報告のとおり", "簡易採決")]
    assert decided[0].title == "令和6年度墨田区一般会計補正予算"


@pytest.mark.parametrize("path", ["discussnet-ssp/saas/minute.json", "kensakusystem/index-html/statements.txt",
                                  "kensakusystem/sapphire/statements.txt"])
def test_real_procedural_decisions_are_not_motions(path):
    """函館, 弘前, 目黒 opening days: 会期 and 休会 are decided, no motion is."""
    body = (require_shared() / path).read_bytes()
    parsed = discussnet.parse_minute(body) if path.endswith(".json") else kensakusystem.parse_statements(body)
    speeches = _speeches(parsed)
    assert "異議" in "".join(s["text"] for s in speeches)
    assert extract(speeches) == []


def test_cli_decisions_on_real_page():
    path = require_shared() / "dbsearch" / "doc-one-frame" / "page.html"
    result = CliRunner().invoke(main, ["decisions", "dbsearch", "page", str(path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert len(lines) == 47
    assert set(lines[0]) >= {"motion", "title", "method", "result", "yes", "no", "total", "speech"}
    assert lines[0]["speech"] == 11


# --- constructed passages (the forms the issue quotes and councils print) ----------------

def test_constructed_simple_decision_with_objection_call():
    d = extract(sitting(chair("議案第11号について採決します。本件は原案のとおり決定することに御異議ありませんか。\n"
                              "〔「異議なし」の声多数〕"),
                        chair("異議なしと認めます。本件は、原案のとおり可決されました。")))
    assert [(x.motion, x.method, x.result, x.seq) for x in d] == [("議案第11号", "簡易採決", "原案可決", 2)]


def test_constructed_push_button_roll_call_with_counts():
    d = extract(sitting(chair("日程第３、市第54号議案　大阪市税条例の一部を改正する条例案を議題といたします。"),
                        chair("これより採決いたします。採決の方法は、押しボタンによる記名投票といたします。"
                              "本案を原案どおり可決することに賛成の方は賛成ボタンを、反対の方は反対ボタンを押してください。"),
                        chair("投票漏れはありませんか。投票を確定いたします。総数81、賛成72、反対９。"
                              "よって、原案どおり可決されました。")))
    assert len(d) == 1
    x = d[0]
    assert (x.motion, x.title) == ("市第54号議案", "大阪市税条例の一部を改正する条例案")
    assert (x.method, x.result) == ("押しボタン", "原案可決")
    assert (x.total, x.yes, x.no) == (81, 72, 9)


def test_constructed_standing_vote_and_group_range():
    d = extract(sitting(
        chair("日程第15から日程第17までを一括議題といたします。"),
        member("日程第15、陳情第3号、日程第16、陳情第4号及び日程第17、陳情第5号について、委員会の審査結果を"
               "報告いたします。いずれも起立採決の結果、賛成少数をもって不採択とすべきものと決定いたしました。",
               raw="○厚生委員長（鈴木一郎君）"),
        chair("これより一括して採決いたします。本３件に対する委員長の報告は不採択であります。"
              "原案について、採択することに賛成の方の起立を求めます。\n〔賛成者起立〕"),
        chair("起立少数であります。よって、本３件は不採択と決定いたしました。")))
    decided = plenary(d)
    assert [x.motion for x in decided] == ["陳情第3号", "陳情第4号", "陳情第5号"]
    assert {(x.method, x.result, x.majority, x.group) for x in decided} == {
        ("起立", "不採択", "少数", "日程第15〜日程第17")}
    reported = [x for x in d if x.reported]
    assert len(reported) == 3 and reported[0].body == "厚生委員会" and reported[0].result == "不採択"


def test_constructed_show_of_hands_unanimous_and_amended():
    d = extract(sitting(
        chair("議案第20号を議題といたします。"),
        chair("これより採決いたします。まず、修正案について採決いたします。修正案に賛成の方は挙手願います。\n〔賛成者挙手〕"),
        chair("挙手全員であります。よって、議案第20号は修正議決されました。")))
    assert [(x.motion, x.method, x.result, x.majority) for x in d] == [("議案第20号", "挙手", "修正可決", "全員")]


def test_constructed_continued_examination_and_recognition():
    d = extract(sitting(
        chair("日程第５、認定第１号　令和５年度一般会計歳入歳出決算の認定についてを議題といたします。"),
        chair("本件は、委員長報告のとおり認定することに賛成の方の起立を求めます。\n〔賛成者起立〕"),
        chair("起立多数であります。よって、認定第１号は認定されました。"),
        chair("日程第６、請願第２号を議題といたします。お諮りいたします。本件は、閉会中の継続審査とすることに"
              "御異議ありませんか。\n〔「異議なし」と呼ぶ者あり〕"),
        chair("御異議なしと認めます。よって、請願第２号は閉会中の継続審査とすることに決定いたしました。")))
    assert [(x.motion, x.method, x.result) for x in d] == [("認定第1号", "起立", "認定"),
                                                           ("請願第2号", "簡易採決", "継続審査")]
    assert d[0].title == "令和5年度一般会計歳入歳出決算の認定について"


def test_constructed_opinion_paper_and_named_vote():
    d = extract(sitting(
        chair("日程第９、意見書案第３号を議題といたします。"),
        chair("これより採決いたします。本件は記名投票をもって行います。"),
        chair("投票の結果を報告いたします。投票総数40票、白票22票、青票18票。以上のとおり白票が多数であります。"
              "よって、意見書案第３号は可決されました。")))
    assert [(x.motion, x.method, x.result, x.total, x.yes, x.no) for x in d] == [
        ("意見書案第3号", "記名投票", "可決", 40, 22, 18)]


def test_constructed_procedural_only_is_not_a_decision():
    d = extract(sitting(
        chair("お諮りいたします。本定例会の会期は、本日から３月16日までの28日間といたしたいと思います。"
              "これに御異議ありませんか。\n〔「異議なし」と呼ぶ者あり〕"),
        chair("御異議なしと認めます。よって、会期は28日間と決定いたしました。"),
        chair("ただいま議題となっております議案第１号については、委員会の付託を省略したいと思います。"
              "これに御異議ありませんか。"),
        chair("御異議なしと認めます。よって、委員会の付託を省略することに決しました。")))
    assert d == []


def test_motion_ranges_and_identifiers():
    found = [m for m, _ in motions_in("議案第133号「補正予算」から議案第136号「補正予算」まで及び請願第６号")]
    assert found == ["議案第133号", "議案第134号", "議案第135号", "議案第136号", "請願第6号"]
    # 日程 ranges do not make motion ranges: the numbers between belong to other items
    assert [m for m, _ in motions_in("日程第１議案第146号「条例」から日程第３議案第170号「条例」まで")] == [
        "議案第146号", "議案第170号"]
    assert [m for m, _ in motions_in("会議案第１号、第２号議案、令和６年陳情第12号")] == [
        "会議案第1号", "第2号議案", "令和6年陳情第12号"]


def test_constructed_named_vote_with_names_printed():
    d = extract(sitting(
        chair("日程第２、議案第５号を議題といたします。"),
        chair("これより採決いたします。本案は記名投票をもって採決いたします。投票を行います。"),
        chair("投票の結果を報告いたします。投票総数４票、白票３票、青票１票。よって、本案は原案のとおり可決されました。\n"
              "〔参照〕\n賛成者（白票）の氏名\n　１番　佐藤　花子君　２番　鈴木一郎君　３番　髙橋健二君\n"
              "反対者（青票）の氏名\n　４番　山田太郎君")))
    assert [(x.motion, x.method, x.total, x.yes, x.no) for x in d] == [("議案第5号", "記名投票", 4, 3, 1)]
    assert [(n["name"], n["option"]) for n in d[0].names] == [
        ("佐藤 花子", "yes"), ("鈴木一郎", "yes"), ("髙橋健二", "yes"), ("山田太郎", "no")]


def test_constructed_simple_decision_carries_no_names_or_counts():
    d = extract(sitting(chair("議案第６号について採決します。原案のとおり決定することに御異議ありませんか。"),
                        chair("御異議なしと認めます。よって、議案第６号は原案のとおり可決されました。")))
    assert d[0].names == [] and (d[0].yes, d[0].no, d[0].total) == (None, None, None)


def test_constructed_report_states_each_factions_side():
    d = extract(sitting(
        chair("日程第３、議案第７号を議題といたします。"),
        member("議案第７号について、審査の経過と結果を御報告いたします。採決の結果、本案は賛成多数（賛成：架空自由党、"
               "区民クラブ、反対：みどりの風）により、原案のとおり可決すべきものと決定いたしました。",
               raw="◆企画総務委員長（鈴木一郎議員）")))
    [report] = [x for x in d if x.reported]
    assert report.body == "企画総務委員会" and report.majority == "多数"
    assert [(s["faction"], s["option"]) for s in report.stances] == [
        ("架空自由党", "yes"), ("区民クラブ", "yes"), ("みどりの風", "no")]
