"""Running text split at speaker markers: lossless, and headings told from speeches."""

import pytest

from oshigiin.minutes.segment import segment, speeches

SAMPLE = """令和６年第１回定例会

○議長（佐藤篤）　ただいまから会議を開きます。
◎会期の決定
○塩田　委員長　本日の委員会を開きます。
　〔「異議なし」と呼ぶ者あり〕
○市長（櫻田　宏）　お答えします。
　第一に、保育の件です。
◆２０番（鈴木まさし議員）　再質問します。
"""


def test_concatenation_reproduces_the_document():
    doc = segment(SAMPLE)
    assert doc.front + "".join(s.raw for s in doc.segments) == SAMPLE


def test_speakers_headings_and_text():
    rows = [(s["speaker_name"], s["speaker_role"], s["seat"], s["kind"]) for s in speeches(segment(SAMPLE))]
    assert rows == [("佐藤篤", "議長", None, "procedural"), ("塩田", "委員長", None, "procedural"),
                    ("櫻田宏", "市長", None, "answer"), ("鈴木まさし", None, 20, "question")]
    doc = segment(SAMPLE)
    assert [s.speaker_raw for s in doc.segments if s.heading] == ["◎会期の決定"]
    mayor = next(s for s in doc.segments if s.speaker_raw.startswith("○市長"))
    assert mayor.text == "お答えします。\n　第一に、保育の件です。"


@pytest.mark.parametrize(("variant", "speech_count", "speakers"), [
    ("sapphire", 25, {("おのせ康裕", "議長"), ("青木英二", "区長"), ("関根義孝", "教育長")}),
    ("index-html", 12, {("清野一榮", "議長"), ("櫻田宏", "市長")}),
])
def test_real_kensakusystem_statements(minutes_fixtures, variant, speech_count, speakers):
    text = (minutes_fixtures / "kensakusystem" / variant / "statements.txt").read_text(encoding="utf-8")
    doc = segment(text)
    assert doc.front + "".join(s.raw for s in doc.segments) == text
    found = speeches(doc)
    assert len(found) == speech_count
    assert speakers <= {(s["speaker_name"], s["speaker_role"]) for s in found}
