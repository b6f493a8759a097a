"""Question threading: a sitting's speeches → questions with their items, answers and re-questions."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from oshigiin.minutes.segment import segment, speeches
from oshigiin.pipeline.understanding.questions import extract_items, question_id, thread_sitting

REPO = Path(__file__).resolve().parents[1]
POLIINFO = REPO.parent / "shared" / "fixtures" / "poliinfo"


@pytest.fixture
def poliinfo_fixtures() -> Path:
    """The annotated PoliInfo sample, read in place from ../shared (skips cleanly without it)."""
    if not POLIINFO.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POLIINFO} is missing: CI runs with ../shared beside the clone")
        pytest.skip(f"{POLIINFO} is missing (real annotated minutes live in ../shared, beside the repo)")
    return POLIINFO


def sitting(text: str, **person_ids: str) -> list[dict]:
    """Minutes text as a text platform delivers it → speech dicts, with person_id for named members."""
    out = speeches(segment(text))
    for sp in out:
        if sp["speaker_name"] in person_ids:
            sp["person_id"] = person_ids[sp["speaker_name"]]
    return out


def roles(question: dict) -> list[tuple[int, str, int | None]]:
    return [(r["seq"], r["role"], r["item"]) for r in question["speeches"]]


# -- 一括: all the points first, then all the answers, then re-questions --------------------------
IPPAN = """
○議長（山田一郎）　日程第１、一般質問を行います。
　順次発言を許します。
　初めに、１５番佐藤花子議員。
　〔佐藤花子議員登壇〕
◆１５番（佐藤花子議員）　区民クラブの佐藤花子です。通告に従い、２点質問いたします。
　第１点目、保育園の待機児童対策について。
　本区の待機児童は昨年４月に３２人でした。今後の整備計画を伺います。
　第２点目、学校の防災教育について。
　避難訓練の実施状況と今後の充実策を伺います。
　以上で壇上からの質問を終わります。
○議長（山田一郎）　区長。
　〔区長　鈴木一郎登壇〕
◎区長（鈴木一郎）　佐藤花子議員の御質問にお答えいたします。
　保育園の待機児童対策についてでございます。来年度に２園を整備いたします。
　なお、教育に関する御質問には教育長から答弁いたします。
◎教育長（高橋二郎）　学校の防災教育についてお答えいたします。全校で年３回の訓練を行っております。
○議長（山田一郎）　佐藤花子議員。
◆１５番（佐藤花子議員）　再質問いたします。
　保育園の待機児童対策について、整備の時期を改めて伺います。
◎区長（鈴木一郎）　再質問にお答えいたします。令和８年４月の開園を目指します。
○議長（山田一郎）　以上で佐藤花子議員の一般質問を終わります。
　次に、３番田中一郎議員。
　〔田中一郎議員登壇〕
◆３番（田中一郎議員）　田中一郎です。公園の維持管理について伺います。
◎都市整備部長（小林三郎）　公園の維持管理についてお答えいたします。計画的に改修してまいります。
○議長（山田一郎）　以上で一般質問を終わります。
　本日はこれをもって散会いたします。
"""


def test_bulk_question_with_two_answerers_and_a_requestion():
    qs = thread_sitting(sitting(IPPAN, 佐藤花子="demo:佐藤花子"), "本会議")
    assert [(q["ordinal"], q["questioner"], q["form"], q["style"]) for q in qs] == [
        (1, "佐藤花子", "一般質問", "一括"), (2, "田中一郎", "一般質問", "一括")]
    first = qs[0]
    assert first["person_id"] == "demo:佐藤花子"
    assert (first["first_seq"], first["last_seq"]) == (2, 8)
    assert [(i["no"], i["heading"]) for i in first["items"]] == [
        (1, "保育園の待機児童対策について"), (2, "学校の防災教育について")]
    assert first["items"][0]["text"].startswith("第１点目、保育園の待機児童対策について。")
    assert "今後の整備計画を伺います" in first["items"][0]["text"]
    assert "避難訓練" in first["items"][1]["text"] and "待機児童" not in first["items"][1]["text"]
    # The re-question names the first point's subject, so it and its re-answer are tied to item 1.
    assert roles(first) == [(2, "question", None), (4, "answer", None), (5, "answer", None),
                            (7, "requestion", 1), (8, "reanswer", 1)]
    assert first["answerers"] == ["区長", "教育長"]
    second = qs[1]
    assert second["person_id"] is None
    assert roles(second) == [(10, "question", 1), (11, "answer", 1)]
    assert second["items"] == [{"no": 1, "heading": "公園の維持管理について",
                                "text": "田中一郎です。公園の維持管理について伺います。"}]
    assert second["answerers"] == ["都市整備部長"]


# -- 一問一答: question and answer alternating, point by point --------------------------------------
ONE_BY_ONE = """
○議長（山田一郎）　次に、７番鈴木次郎議員。
　〔鈴木次郎議員登壇〕
◆７番（鈴木次郎議員）　鈴木次郎です。一問一答方式で質問いたします。
　初めに、空き家対策について伺います。区内の空き家の件数をお示しください。
○議長（山田一郎）　都市整備部長。
◎都市整備部長（小林三郎）　空き家対策についてお答えいたします。区内の空き家は約４００件でございます。
◆（鈴木次郎議員）　ただいまの御答弁について、再度伺います。所有者への働きかけはどうしていますか。
◎都市整備部長（小林三郎）　所有者には文書で通知しております。
◆（鈴木次郎議員）　次に、地域猫の支援について伺います。
◎区長（鈴木一郎）　地域猫の支援についてお答えいたします。助成を拡充いたします。
◆（鈴木次郎議員）　前向きな御答弁をいただきました。以上で質問を終わります。
○議長（山田一郎）　以上で鈴木次郎議員の一般質問を終わります。
"""


def test_one_by_one_items_follow_the_member_turns():
    (q,) = thread_sitting(sitting(ONE_BY_ONE), "本会議")
    assert (q["questioner"], q["form"], q["style"]) == ("鈴木次郎", "一般質問", "一問一答")
    assert roles(q) == [(2, "question", 1), (4, "answer", 1), (5, "requestion", 1), (6, "reanswer", 1),
                        (7, "question", 2), (8, "answer", 2), (9, "requestion", 2)]
    assert [(i["no"], i["heading"]) for i in q["items"]] == [(1, "空き家対策について"), (2, "地域猫の支援について")]
    assert q["items"][1]["text"] == "次に、地域猫の支援について伺います。"
    assert q["answerers"] == ["都市整備部長", "区長"]
    assert (q["first_seq"], q["last_seq"]) == (2, 9)


# -- 代表質問: a faction's question, answered by several offices in turn --------------------------------
DAIHYO = """
○議長（山田一郎）　日程第３、区長から招集の挨拶があります。
　区長。
　〔区長　鈴木一郎登壇〕
◎区長（鈴木一郎）　令和７年第１回定例会の開会に当たり、一言御挨拶を申し上げます。
○議長（山田一郎）　日程第４、代表質問を行います。
　順次発言を許します。
　初めに、みらい区議団を代表して、佐藤花子議員。
　〔佐藤花子議員登壇〕
◆１５番（佐藤花子議員）　みらい区議団を代表して質問いたします。
　まず、区の財政運営について伺います。基金残高の見通しをお示しください。
　次に、学校の改築について伺います。改築の優先順位の考え方を伺います。
　最後に、駅前の再開発について伺います。事業の進捗を伺います。
◎区長（鈴木一郎）　みらい区議団を代表しての佐藤花子議員の御質問にお答えいたします。
　財政運営についてでございます。基金残高は堅実に推移しております。
◎教育長（高橋二郎）　学校の改築についてお答えいたします。
◎都市整備部長（小林三郎）　駅前の再開発についてお答えいたします。
○議長（山田一郎）　以上で佐藤花子議員の代表質問を終わります。
"""


def test_daihyo_with_several_answerers_leaves_the_opening_address_alone():
    speeches_ = sitting(DAIHYO)
    (q,) = thread_sitting(speeches_, "本会議")
    assert (q["questioner"], q["form"], q["style"]) == ("佐藤花子", "代表質問", "一括")
    assert q["answerers"] == ["区長", "教育長", "都市整備部長"]
    assert [(i["no"], i["heading"]) for i in q["items"]] == [
        (1, "区の財政運営について"), (2, "学校の改築について"), (3, "駅前の再開発について")]
    # The mayor's address before the questions answers nobody.
    assert 2 not in {r["seq"] for r in q["speeches"]}
    assert roles(q) == [(4, "question", None), (5, "answer", None), (6, "answer", None), (7, "answer", None)]


# -- committee 質疑: several members in turn -----------------------------------------------------------
COMMITTEE = """
○委員長（中村四郎）　ただいまから企画総務委員会を開会いたします。
　本日は、議案第１号について審査を行います。理事者から説明を求めます。
◎総務部長（木村五郎）　議案第１号について御説明申し上げます。
○委員長（中村四郎）　説明が終わりました。これより質疑を行います。質疑のある方は挙手願います。
　佐藤委員。
◆佐藤花子委員　職員定数について伺います。増員の理由をお聞かせください。
○委員長（中村四郎）　職員課長。
◎職員課長（林六郎）　職員定数についてでございます。児童相談所の開設に伴う増員でございます。
◆佐藤花子委員　分かりました。採用の見通しはいかがですか。
◎職員課長（林六郎）　年度内に採用いたします。
◎総務部長（木村五郎）　補足して答弁いたします。専門職は通年で募集いたします。
○委員長（中村四郎）　ほかに質疑はありませんか。
　田中委員。
◆田中一郎委員　庁舎の修繕について伺います。
◎総務部長（木村五郎）　庁舎の修繕についてお答えいたします。来年度に実施いたします。
◆田中一郎委員　次に、窓口のデジタル化について伺います。
◎情報政策課長（森七郎）　窓口のデジタル化についてお答えいたします。
○委員長（中村四郎）　ほかに質疑はありませんか。
　〔「なし」と呼ぶ者あり〕
　質疑がなければ、以上で質疑を終了いたします。
　これより討論に入ります。
◆佐藤花子委員　本案に賛成の立場から討論いたします。
○委員長（中村四郎）　以上で本日の企画総務委員会を閉会いたします。
"""


def test_committee_questions_member_by_member_and_no_debate():
    qs = thread_sitting(sitting(COMMITTEE), "委員会")
    assert [(q["questioner"], q["form"], q["style"]) for q in qs] == [
        ("佐藤花子", "質疑", "一問一答"), ("田中一郎", "質疑", "一問一答")]
    sato, tanaka = qs
    assert roles(sato) == [(4, "question", 1), (6, "answer", 1), (7, "requestion", 1), (8, "reanswer", 1),
                           (9, "reanswer", 1)]
    assert sato["answerers"] == ["職員課長", "総務部長"]
    assert roles(tanaka) == [(11, "question", 1), (12, "answer", 1), (13, "question", 2), (14, "answer", 2)]
    assert [i["heading"] for i in tanaka["items"]] == ["庁舎の修繕について", "窓口のデジタル化について"]
    # The department's explanation before the 質疑, and the debate after it, are nobody's question.
    listed = {r["seq"] for q in qs for r in q["speeches"]}
    assert 2 not in listed and 16 not in listed


def test_a_sitting_without_questions():
    text = """
○議長（山田一郎）　ただいまから本日の会議を開きます。
　日程第１、会議録署名議員の指名を行います。
　１５番佐藤花子議員、３番田中一郎議員を指名いたします。
○議長（山田一郎）　日程第２、議案第１号を議題といたします。提案理由の説明を求めます。
　〔区長　鈴木一郎登壇〕
◎区長（鈴木一郎）　議案第１号について御説明申し上げます。
○議長（山田一郎）　これより採決いたします。本案は原案のとおり決定することに御異議ありませんか。
◆１５番（佐藤花子議員）　議長、動議。
○議長（山田一郎）　御異議なしと認めます。本日はこれをもって散会いたします。
"""
    assert thread_sitting(sitting(text), "本会議") == []
    assert thread_sitting([], "本会議") == []


def test_chair_naming_an_answerer_or_the_same_member_or_a_recess_does_not_split():
    text = """
○議長（山田一郎）　次に、１５番佐藤花子議員。
◆１５番（佐藤花子議員）　公園の整備について伺います。
○議長（山田一郎）　議事の都合により、暫時休憩いたします。
　　　午後０時０分休憩
　　　午後１時０分再開
○副議長（小川八郎）　休憩前に引き続き、会議を開きます。
　都市整備部長。
◎都市整備部長（小林三郎）　公園の整備についてお答えいたします。
○副議長（小川八郎）　佐藤議員。
◆１５番（佐藤花子議員）　再質問いたします。
◎都市整備部長（小林三郎）　再質問にお答えいたします。
○副議長（小川八郎）　次に、２番木下九郎議員。
◆２番（木下九郎議員）　図書館について伺います。
◎教育長（高橋二郎）　図書館についてお答えいたします。
"""
    qs = thread_sitting(sitting(text), "本会議")
    assert [(q["questioner"], [r["role"] for r in q["speeches"]]) for q in qs] == [
        ("佐藤花子", ["question", "answer", "requestion", "reanswer"]),
        ("木下九郎", ["question", "answer"])]


def test_floor_requests_are_not_speeches_of_a_question():
    text = """
○議長（山田一郎）　これより質疑に入ります。
◆（佐藤花子議員）　議長
○議長（山田一郎）　佐藤花子議員。
◆（佐藤花子議員）　議案第１号について伺います。
◎副区長（岸川紀子）　議長
○議長（山田一郎）　岸川副区長。
◎副区長（岸川紀子）　議案第１号についてお答えいたします。
"""
    (q,) = thread_sitting(sitting(text), "本会議")
    assert roles(q) == [(4, "question", 1), (7, "answer", 1)]
    assert q["form"] == "質疑"


def test_deterministic_and_order_independent():
    speeches_ = sitting(IPPAN)
    once = thread_sitting(speeches_, "本会議")
    assert thread_sitting(list(reversed(speeches_)), "本会議") == once
    assert json.dumps(once, ensure_ascii=False) == json.dumps(thread_sitting(sitting(IPPAN), "本会議"),
                                                             ensure_ascii=False)


def test_question_id():
    assert question_id("131121-discussnet-12-345", 3) == "131121-discussnet-12-345-q3"


# -- items -------------------------------------------------------------------------------------------
def test_items_restarting_numbers_are_points_within_topics():
    text = ("会派を代表して質問いたします。\n初めに、子育て支援について伺います。\n第一に、保育料です。\n"
            "第二に、学童保育です。\n次に、防災対策について伺います。\n第一に、備蓄です。\n"
            "最後に、区の財政について伺います。")
    items = extract_items(text)
    assert [(i["no"], i["heading"]) for i in items] == [
        (1, "子育て支援について"), (2, "防災対策について"), (3, "区の財政について")]
    assert items[0]["text"] == "初めに、子育て支援について伺います。\n第一に、保育料です。\n第二に、学童保育です。"


def test_items_from_notice_headings_and_plain_text():
    text = "通告に従い質問します。\n１　防災対策について\n備蓄を伺います。\n２　公園の整備\n遊具を伺います。"
    assert [(i["no"], i["heading"], i["text"]) for i in extract_items(text)] == [
        (1, "防災対策について", "１　防災対策について\n備蓄を伺います。"),
        (2, "公園の整備", "２　公園の整備\n遊具を伺います。")]
    assert extract_items("区の考えを伺います。") == [{"no": 1, "heading": None, "text": "区の考えを伺います。"}]
    assert extract_items("") == []


# -- real minutes ----------------------------------------------------------------------------------
def test_real_daihyo_shitsumon_meguro(minutes_fixtures):
    """目黒区 (kensakusystem): two 代表質問 answered by 区長 and 教育長, each pressed by re-questions."""
    text = (minutes_fixtures / "kensakusystem" / "sapphire" / "statements.txt").read_text(encoding="utf-8")
    qs = thread_sitting(speeches(segment(text)), "本会議")
    assert [(q["questioner"], q["form"], q["style"], q["answerers"]) for q in qs] == [
        ("鈴木まさし", "代表質問", "一括", ["区長", "教育長"]), ("たぞえ麻友", "代表質問", "一括", ["区長", "教育長"])]
    assert roles(qs[0]) == [(9, "question", None), (10, "answer", None), (11, "answer", None),
                            (12, "requestion", None), (13, "reanswer", None), (14, "reanswer", None)]
    assert [i["heading"] for i in qs[0]["items"]] == [
        "事務事業スクラップの強化について", "新たな目黒区民センターの見直しについて",
        "区制１００周年に向けた文化・芸術等のシンボル創出について", "２０２５年問題を迎えての重点対策について",
        "次期の目黒区子ども総合計画について", "学校と地域の連携と協働について"]
    assert [r["role"] for r in qs[1]["speeches"]].count("requestion") == 2
    # The mayor's policy speech (seq 6) before the questions answers nobody.
    assert all(r["seq"] > 8 for q in qs for r in q["speeches"])


def test_demo_council_questions():
    from oshigiin.demo.generator import DemoCouncil

    checked_questions = checked_answers = 0
    for s in DemoCouncil(speeches=3000).truth():
        qs = thread_sitting(s["speeches"], s["kind"])
        where = {r["seq"]: q for q in qs for r in q["speeches"]}
        assert [q["ordinal"] for q in qs] == list(range(1, len(qs) + 1))
        asked = False
        for sp in s["speeches"]:
            if sp["kind"] == "question" and sp["member"]:
                asked = True
                q = where.get(sp["seq"])
                assert q is not None and q["questioner"] == sp["speaker_name"], (s["ext_schedule_id"], sp["seq"])
                checked_questions += 1
            elif sp["kind"] == "answer" and asked:
                # Answers before a sitting's first question (the mayor's address, a department's
                # explanation of a bill) answer nobody; every one after it answers a question.
                assert sp["seq"] in where, (s["ext_schedule_id"], sp["seq"], sp["text"][:40])
                checked_answers += 1
        # The chair opens the day's business by name: 「代表質問を行います」 or 「一般質問を行います」.
        announced = next((form for form in ("代表質問", "一般質問") for sp in s["speeches"]
                          if sp["kind"] == "procedural" and f"{form}を行います" in sp["text"]), "質疑")
        for q in qs:
            assert q["form"] == announced, (s["ext_schedule_id"], q["ordinal"])
            assert q["style"] in ("一括", "一問一答")
            assert q["answerers"] and q["items"]
    assert checked_questions > 300 and checked_answers > 300


def test_poliinfo_eval(poliinfo_fixtures, capsys):
    spec = importlib.util.spec_from_file_location("threading_eval", REPO / "bench" / "threading_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = poliinfo_fixtures / "utterances-tokyo-2001-09-26.json"
    result = module.evaluate(json.loads(path.read_text(encoding="utf-8")))
    assert result["n"] == 490
    assert result["accuracy"] >= 0.95
    assert result["f1"] > 0.833
    (q,) = result["questions"]
    assert (q["questioner"], q["form"], q["style"]) == ("松本文明", "代表質問", "一括")
    assert q["answerers"] == ["知事", "教育長"]
    assert module.main(["threading_eval.py", str(path)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("threading: accuracy=") and " f1=" in last
