"""Question threading against real annotated minutes (NTCIR QA Lab-PoliInfo sample data).

    .venv/bin/python bench/threading_eval.py [path/to/utterances.json]

Data: ../shared/fixtures/poliinfo/utterances-tokyo-2001-09-26.json — one plenary day of the Tokyo
Metropolitan Assembly split into sentence-level utterances, each labelled with SpeakerPosition,
SpeakerName and QuestionSpeaker (the member whose question the utterance asks or answers; null
for procedure and stage directions).

Method. Consecutive utterances of the same speaker (SpeakerPosition + SpeakerName) are one speech;
its text is the utterances joined by newlines. An utterance without a speaker (〔…登壇〕, （拍手）)
is a speech of its own with no speaker and kind "other", as a stage direction. For the others the
speaker line is rebuilt as the Tokyo minutes print it (○知事（石原慎太郎君）) and read with
pipeline.speakers.split_speaker and speech_kind under the ○ marker convention: members ask,
executives answer, the chair is procedural. Two gaps of minutes/speakers.py are bridged here and
reported (the threader sees what a correct speaker reader would give it):
  * a seat in kanji numerals (百十三番) is not read as a seat, so the member would get role
    「百十三番」 and kind "other" — here a 〜番 position is a seat and the role is empty;
  * 知事 / 副知事 are offices that answer, but speech_kind's executive pattern misses them
    (kind "other") — here they are answers.
The line "pipeline kinds as-is" shows the score without these two bridges.
thread_sitting(speeches, "本会議") then gives questions; every utterance's predicted
QuestionSpeaker is the questioner of the question whose speeches list its speech, else null.
Gold and predicted names are compared without the faction in brackets and without spacing.

Metrics.
  accuracy  — over all utterances: predicted QuestionSpeaker == gold (null == null counts).
  precision / recall / F1 — question–answer linking over answer utterances. A gold link is an
    utterance whose gold QuestionSpeaker is set and whose speaker is not that questioner (an
    answerer's sentence); a predicted link is an utterance whose speech the threader lists with
    role answer or reanswer. A predicted link is correct when the utterance is a gold link to the
    same questioner. P = correct / predicted links, R = correct / gold links.

Comparison. The PoliInfo-3 QA Alignment task (NTCIR-16; best F1 0.833, P 0.870 / R 0.804) is
finer and harder: it aligns each individual question inside one member's 一括 question with the
specific answer passage that responds to it. This file only labels which member's question an
utterance belongs to, so the score here measures questioner-level threading (who asked, which
answers belong to that member), not point-by-point alignment; the two numbers are not comparable
and a score above 0.833 here does not beat that task. The file also holds a single questioner
(one 代表質問 answered by 知事 and 教育長), so it cannot show confusion between members — the
hand-made sittings and the demo council in tests/test_questions.py cover that.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT = REPO.parent / "shared" / "fixtures" / "poliinfo" / "utterances-tokyo-2001-09-26.json"

_SEAT = re.compile(r"^[0-9０-９一二三四五六七八九十百千]+番$")
_ANSWERING_OFFICES = ("知事", "副知事")


def name_key(name: str | None) -> str | None:
    """「松本文明（自民党）」 → 松本文明: no faction, NFKC, no spacing."""
    if not name:
        return None
    name = re.sub(r"[（(][^（）()]*[）)]\s*$", "", unicodedata.normalize("NFKC", name))
    return re.sub(r"\s+", "", name) or None


def to_speeches(utterances: list[dict], bridge: bool = True) -> tuple[list[dict], list[int]]:
    """Speech dicts in the pipeline's shape, and for every utterance the seq of its speech."""
    from oshigiin.minutes.speakers import speech_kind, split_speaker

    speeches: list[dict] = []
    seq_of: list[int] = []
    previous = object()
    for u in utterances:
        who = (u.get("SpeakerPosition"), u.get("SpeakerName"))
        if who != previous or not speeches:
            position, name = who
            if not position and not name:
                sp = {"speaker_raw": "", "speaker_name": None, "speaker_role": None, "seat": None, "kind": "other"}
            else:
                raw = f"○{position or ''}（{name or ''}君）"
                speaker = split_speaker(raw)
                role, seat = speaker.role, speaker.seat
                if bridge and role and _SEAT.match(role):
                    role, seat = None, int(unicodedata.normalize("NFKC", role[:-1])) if role[:-1].isdigit() else None
                kind = speech_kind("○", role)
                if bridge and role in _ANSWERING_OFFICES:
                    kind = "answer"
                sp = {"speaker_raw": raw, "speaker_name": speaker.name, "speaker_role": role, "seat": seat,
                      "kind": kind}
            sp.update(seq=len(speeches) + 1, ext_minute_id=str(len(speeches) + 1), text="")
            speeches.append(sp)
            previous = who
        sp = speeches[-1]
        sp["text"] = (sp["text"] + "\n" if sp["text"] else "") + (u.get("Utterance") or "")
        seq_of.append(sp["seq"])
    return speeches, seq_of


def evaluate(utterances: list[dict], bridge: bool = True) -> dict:
    from oshigiin.pipeline.understanding.questions import thread_sitting

    speeches, seq_of = to_speeches(utterances, bridge)
    questions = thread_sitting(speeches, "本会議")
    questioner_of: dict[int, str] = {}
    answer_seqs: set[int] = set()
    for q in questions:
        for row in q["speeches"]:
            questioner_of[row["seq"]] = name_key(q["questioner"])
            if row["role"] in ("answer", "reanswer"):
                answer_seqs.add(row["seq"])

    correct = 0
    gold_links = predicted_links = correct_links = 0
    per_label: dict[str | None, Counter] = {}
    for u, seq in zip(utterances, seq_of, strict=True):
        gold = name_key(u.get("QuestionSpeaker"))
        pred = questioner_of.get(seq)
        correct += pred == gold
        for label, key in ((gold, "gold"), (pred, "pred")):
            per_label.setdefault(label, Counter())[key] += 1
        if pred == gold:
            per_label[gold]["hit"] += 1
        is_gold_link = gold is not None and name_key(u.get("SpeakerName")) != gold
        is_pred_link = seq in answer_seqs
        gold_links += is_gold_link
        predicted_links += is_pred_link
        correct_links += is_gold_link and is_pred_link and pred == gold
    precision = correct_links / predicted_links if predicted_links else 0.0
    recall = correct_links / gold_links if gold_links else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(utterances), "speeches": len(speeches), "questions": questions,
            "accuracy": correct / len(utterances) if utterances else 0.0, "precision": precision,
            "recall": recall, "f1": f1, "per_label": per_label,
            "links": (gold_links, predicted_links, correct_links)}


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    print(f"reproduce: cd {REPO} && .venv/bin/python bench/threading_eval.py" + (f" {path}" if len(argv) > 1 else ""))
    if not path.exists():
        print(f"skipped: {path} is missing (the annotated PoliInfo sample lives in ../shared, beside the repo)")
        return 0
    utterances = json.loads(path.read_text(encoding="utf-8"))
    result = evaluate(utterances)
    print(f"{path.name}: {result['n']} utterances → {result['speeches']} speeches → "
          f"{len(result['questions'])} question(s)")
    for q in result["questions"]:
        roles = Counter(r["role"] for r in q["speeches"])
        print(f"  q{q['ordinal']} {q['questioner']} {q['form']} {q['style']} seq {q['first_seq']}–{q['last_seq']} "
              f"items={len(q['items'])} answerers={'・'.join(q['answerers'])} roles={dict(roles)}")
    print(f"{'label':<16}{'gold':>6}{'pred':>6}{'hit':>6}{'prec':>7}{'rec':>7}")
    for label, c in sorted(result["per_label"].items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        prec = c["hit"] / c["pred"] if c["pred"] else 0.0
        rec = c["hit"] / c["gold"] if c["gold"] else 0.0
        print(f"{label or '(null)':<16}{c['gold']:>6}{c['pred']:>6}{c['hit']:>6}{prec:>7.3f}{rec:>7.3f}")
    gold_links, predicted_links, correct_links = result["links"]
    print(f"answer links: gold={gold_links} predicted={predicted_links} correct={correct_links}")
    raw = evaluate(utterances, bridge=False)
    print(f"pipeline kinds as-is (no speakers.py bridges): accuracy={raw['accuracy']:.3f} f1={raw['f1']:.3f}")
    print("not comparable with PoliInfo-3 QA Alignment (F1 0.833, P 0.870 / R 0.804): that task aligns single "
          "questions with single answers; this file labels the questioner only (see the docstring)")
    print(f"threading: accuracy={result['accuracy']:.3f} precision={result['precision']:.3f} "
          f"recall={result['recall']:.3f} f1={result['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
