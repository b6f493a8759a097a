"""The matcher (pipeline/video/segments.py) on hand-made cases, and on the real 名取 join (../shared) as gold."""

from __future__ import annotations

from datetime import date

from oshigiin.pipeline.video.align import align
from oshigiin.pipeline.video.evaluation import natori_gold, natori_scores
from oshigiin.pipeline.video.segments import Question, Segment, Sitting, match, member_key
from tests.conftest import SHARED, require_shared

NATORI = SHARED / "fixtures" / "video" / "natori-jfit"
DAY = date(2024, 2, 22)


def sitting(key: str, kind: str = "本会議", committee: str | None = None, session: str | None = None,
            questions: list[tuple[str, str]] = ()) -> Sitting:
    return Sitting(key, "c", DAY, kind, committee, session,
                   [Question(f"{key}-q{i}", f"{key}-s{i}", member_key(n), f"c:{n}") for i, n in questions])


def test_names_compare_after_normalisation():
    assert member_key("髙橋　一郎議員") == member_key("高橋一郎")
    assert member_key("佐藤 花子 委員") == member_key("佐藤花子")


def test_sitting_by_meeting_name_then_session_and_no_guess_when_ambiguous():
    plenary = sitting("p", questions=[(1, "佐藤花子")])
    committee = sitting("k", kind="委員会", committee="企画総務委員会", questions=[(1, "佐藤花子")])
    other = sitting("k2", kind="委員会", committee="文教委員会")
    links = {x.segment: x for x in match([
        Segment("a", "c", DAY, "本会議", None, "佐藤花子議員", 1),
        Segment("b", "c", DAY, "企画総務委員会", None, "佐藤花子委員", 1),
        Segment("c", "c", DAY, None, None, "佐藤花子議員", 2),           # no meeting name, three sittings
        Segment("d", "c", date(2024, 2, 23), "本会議", None, "佐藤花子議員", 1),
    ], [plenary, committee, other])}
    assert (links["a"].meeting_id, links["a"].question_id, links["a"].match) == ("p", "p-q1", "member")
    assert (links["b"].meeting_id, links["b"].speech_id) == ("k", "k-s1")
    assert (links["c"].meeting_id, links["c"].speech_id, links["c"].match) == (None, None, "ambiguous-sitting")
    assert (links["d"].meeting_id, links["d"].match) == (None, "no-sitting")


def test_a_members_nth_segment_goes_to_their_nth_question_per_platform():
    s = sitting("p", questions=[(1, "佐藤花子"), (2, "鈴木まさし"), (3, "佐藤花子")])
    segments = [Segment("j1", "c", DAY, "本会議", None, "佐藤花子議員", 1, "jfit"),
                Segment("j2", "c", DAY, "本会議", None, "佐藤花子議員", 2, "jfit"),
                Segment("d1", "c", DAY, "本会議", None, "佐藤花子議員", 1, "discussvision"),
                Segment("j3", "c", DAY, "本会議", None, "田中次郎議員", 3, "jfit")]
    links = {x.segment: x for x in match(segments, [s])}
    assert [links[k].question_id for k in ("j1", "j2", "d1")] == ["p-q1", "p-q3", "p-q1"]
    assert links["j2"].match == "member+order"
    # A speaker who asked nothing that sitting: the sitting only, never someone else's question.
    assert (links["j3"].meeting_id, links["j3"].question_id, links["j3"].match) == ("p", None, "sitting")


def test_alignment_finds_each_speech_and_refuses_a_speech_not_in_the_captions():
    cues = [(0.0, 4.0, "えー佐藤花子です防災について"), (4.0, 8.0, "伺いますよろしくお願いします"),
            (20.0, 24.0, "お答えいたします備蓄は十分です")]
    speeches = [("q", "佐藤花子です。防災について伺います。よろしくお願いします。"),
                ("a", "お答えいたします。備蓄は十分です。"),
                ("x", "まったく別の話題で、字幕にはない長い発言がここにあります。")]
    got = {sid: sec for sid, sec, _ in align(cues, speeches)}
    assert set(got) == {"q", "a"}
    assert 0.25 <= got["q"] <= 0.35   # one character in: after the filler 「えー」 (ー is not counted)
    assert got["a"] == 20.0


def test_natori_gold_is_real_and_consistent():
    folder = require_shared(NATORI)
    g = natori_gold(folder)
    assert len(g.segments) == 373 and sum(v is not None for v in g.gold.values()) == 215
    assert len(g.sittings) == 66 and g.same_order_days == 66


def test_matcher_on_the_natori_gold():
    """Member + date + order against the published join: every anchor found, nothing linked where the
    join has no minutes (bench/video_match.py prints the same figures)."""
    m = natori_scores(require_shared(NATORI))
    assert (m["precision"], m["recall"], m["false_on_unpublished"]) == (1.0, 1.0, 0)


def test_staged_segments_newest_fetch_wins_and_malformed_lines_are_counted(tmp_path):
    import json

    from oshigiin.pipeline.video.segments import read_staged
    from oshigiin.runs import new_run

    def line(ext, **kw):
        rec = {"council_id": "c", "platform": "jfit", "ext_id": ext, "segment_url": f"https://v/{ext}",
               "source_url": "https://v/list", "fetched_at": "2026-12-01T00:00:00+00:00", "order": 1, **kw}
        return json.dumps(rec, ensure_ascii=False)

    for lines in ([line("1", speaker_name="古い"), line("2")],
                  [line("1", speaker_name="新しい"), line("3", order="first"), line("4", captions=[[0, "x"]]),
                   '{"council_id": "c", "platform": "jfit", "ext_id": "5"', line("6", segment_url=None)]):
        _, run, _ = new_run("c", "jfit", tmp_path)
        (run / "video_segments.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, bad = read_staged(["c"], tmp_path)
    assert sorted(r["ext_id"] for r in records) == ["1", "2"] and bad == 4
    assert next(r for r in records if r["ext_id"] == "1")["speaker_name"] == "新しい"
