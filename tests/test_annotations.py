"""Stage directions, times and separators: out of the spoken text, kept as annotations, nothing lost."""

from __future__ import annotations

import pytest

from oshigiin.minutes.annotations import label, restore, split

CASES = [
    # (printed, spoken, [(kind, label)])
    ("ただいまから会議を開きます。\n　　　〔「異議なし」と呼ぶ者あり〕\n御異議なしと認めます。",
     "ただいまから会議を開きます。\n御異議なしと認めます。", [("stage", "〔「異議なし」と呼ぶ者あり〕")]),
    ("区長。\n　　　〔区長　山本亨登壇〕", "区長。", [("stage", "〔区長　山本亨登壇〕")]),
    ("休憩いたします。\n午後１時４分休憩\n──────────\n午後１時４５分再開\n再開します。",
     "休憩いたします。\n再開します。",
     [("time", "午後１時４分休憩"), ("separator", "──────────"), ("time", "午後１時４５分再開")]),
    ("以上です。\n午前10時31分　散会", "以上です。", [("time", "午前10時31分　散会")]),
    ("（大泉　潤市長登壇）\nおはようございます。", "おはようございます。", [("stage", "（大泉　潤市長登壇）")]),
    ("〔議員村川みどり君登壇〕（拍手）\n皆さん", "皆さん",
     [("stage", "〔議員村川みどり君登壇〕"), ("stage", "（拍手）")]),
    ("報告書　　　　〔巻末委員会審査報告書の部参照〕\n次に", "報告書\n次に",
     [("stage", "〔巻末委員会審査報告書の部参照〕")]),
    ("賛成であります。（拍手）\nよって", "賛成であります。\nよって", [("stage", "（拍手）")]),
    ("－－－－－－－－－－－－\r\n出席委員\r\n", "出席委員\r\n", [("separator", "－－－－－－－－－－－－")]),
]


@pytest.mark.parametrize(("printed", "spoken", "notes"), CASES)
def test_split_takes_out_annotations_and_restore_gives_the_page_back(printed, spoken, notes):
    text, annotations = split(printed)
    assert text == spoken
    assert [(a["kind"], label(a)) for a in annotations] == notes
    assert restore(text, annotations) == printed


@pytest.mark.parametrize("words", [
    "次の本会議は２月27日午前10時から開きます。",   # a time inside a sentence is words
    "不登校対策──ＣＯＣＯＬＯプランを",              # so is a dash inside one
    "（仮称）子ども家庭支援センターについて",         # and an ordinary parenthesis
    "第３条（定義）の改正",
])
def test_words_stay_words(words):
    assert split(words) == (words, [])


def _parsed_speeches(fixtures):
    from oshigiin.minutes.parsers import dbsearch, discussnet, kensakusystem

    for variant in ("saas", "smart"):
        yield from discussnet.parse_minute((fixtures / "discussnet-ssp" / variant / "minute.json").read_bytes())[
            "speeches"]
    for variant in ("sapphire", "index-html"):
        yield from kensakusystem.parse_statements(
            (fixtures / "kensakusystem" / variant / "statements.txt").read_bytes())["speeches"]
    for folder in sorted(p for p in (fixtures / "dbsearch").iterdir() if p.is_dir()):
        for name in ("detail.html", "page.html"):
            if (folder / name).exists():
                yield from dbsearch.parse_detail((folder / name).read_bytes())["speeches"]


def test_real_minutes_lose_nothing_and_keep_no_stage_directions(minutes_fixtures):
    kinds: dict[str, int] = {}
    speeches = list(_parsed_speeches(minutes_fixtures))
    assert len(speeches) > 100
    for sp in speeches:
        text, annotations = split(sp["text"])
        assert restore(text, annotations) == sp["text"]
        assert "〔" not in text, text
        for a in annotations:
            kinds[a["kind"]] = kinds.get(a["kind"], 0) + 1
    # The recordings have all three: 〔…登壇〕, 午後１時４分休憩, ──── lines.
    assert kinds.get("stage", 0) >= 50 and kinds.get("time", 0) >= 3 and kinds.get("separator", 0) >= 10


def _stage(staging, run, text):
    import json

    d = staging / "demo" / run
    d.mkdir(parents=True)
    meeting = {"council_id": "demo", "platform": "discussnet", "ext_council_id": "1", "ext_schedule_id": "1",
               "title": "第1回定例会", "kind": "本会議", "date": "2024-02-22", "source_url": "http://x.invalid/1",
               "fetched_at": "2024-03-01T00:00:00+00:00", "attendance": [],
               "speeches": [{"ext_minute_id": "1", "seq": 1, "speaker_raw": "○議長（佐藤篤）", "speaker_name": "佐藤篤",
                             "speaker_role": "議長", "kind": "procedural", "text": text,
                             "source_url": "http://x.invalid/1#1"}]}
    (d / "meetings.ndjson").write_text(json.dumps(meeting, ensure_ascii=False) + "\n", encoding="utf-8")


def test_load_stores_spoken_text_and_annotations(data_dir):
    import duckdb

    from oshigiin.pipeline.publishing.load import load

    printed = "区長。\n　　　〔区長　山本亨登壇〕"
    _stage(data_dir / "staging", "run1", printed)
    report = load(["demo"], db=data_dir / "o.duckdb", staging=data_dir / "staging")
    assert report.counts["speeches"]["insert"] == 1
    with duckdb.connect(str(data_dir / "o.duckdb"), read_only=True) as con:
        text, text_norm, notes = con.execute("SELECT text, text_norm, annotations FROM speeches").fetchone()
    assert text == "区長。" and "登壇" not in text_norm
    assert restore(text, notes) == printed
    # A re-load of the same page changes nothing.
    assert load(["demo"], db=data_dir / "o.duckdb", staging=data_dir / "staging").counts["speeches"]["noop"] == 1
