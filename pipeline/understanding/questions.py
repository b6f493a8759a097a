"""Question threading: a sitting's speeches → questions, each with its answers.

Residents ask "what did my councillor ask, and what was the answer?". In the minutes that is a
run of speeches between two of the chair's boundaries:

    ○議長   次に、１５番佐藤花子議員。〔佐藤花子議員登壇〕          ← a member is called
    ◆１５番（佐藤花子議員）   …第１点目、…について。…第２点目、…   ← the question (一括)
    ◎区長   佐藤花子議員の御質問にお答えいたします。…             ← answers, several answerers
    ◎教育長 教育に関する御質問にお答えいたします。…
    ◆（佐藤花子議員）   再質問いたします。…                       ← re-question
    ◎区長   再質問にお答えいたします。…                            ← re-answer
    ○議長   以上で佐藤花子議員の一般質問を終わります。             ← the end

or, in 一問一答 and in committee 質疑, question and answer alternating item by item.

`thread_sitting(speeches, kind)` is pure (no DB) and linear in the number of speeches: only the
chair's speeches, stage directions and the first sentences of members' speeches are read with
regular expressions, and item headings are taken from members' question texts once.

A unit opens at a member's question speech and stays open through answers, the chair naming an
answerer or the same member again, recesses and stage directions. It closes when the chair calls
another member, ends the question (「…質問を終わります」「ほかに質疑はありませんか」), moves to
another agenda item (日程第…, 採決, 散会 …), or when another member asks. Answers given while no
unit is open (a mayor's policy speech, a department's explanation of a bill) belong to no
question. Members speaking in a debate (討論, 意見開陳) are not asking questions.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

FORMS = ("代表質問", "一般質問", "質疑")
STYLES = ("一括", "一問一答")

_NUM = r"[0-9０-９一二三四五六七八九十百]+"
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_WS = re.compile(r"\s+")


def question_id(meeting_id: str, ordinal: int) -> str:
    """Stable id of a sitting's ordinal-th question: the sitting's own id and the order of asking."""
    return f"{meeting_id}-q{ordinal}"


def _to_int(num: str) -> int | None:
    """「１２」「12」「十二」「百十三」 → int."""
    num = unicodedata.normalize("NFKC", num)
    if num.isdigit():
        return int(num)
    total, current = 0, 0
    for ch in num:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            return None
    return total + current


def _squash(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", text or ""))


@lru_cache(maxsize=4096)
def _name_key(name: str) -> str:
    return _squash(name)


def _same_member(a: str, b: str) -> bool:
    """Names as the chair says them (「佐藤議員」) against as printed (佐藤花子): equal or a prefix."""
    a, b = _name_key(a or ""), _name_key(b or "")
    if not a or not b:
        return False
    return a == b or a.startswith(b) or b.startswith(a)


# -- items: 第１点目 / 第一に / １点目 / 通告 headings / まず…次に… --------------------------------
_SENTENCE_START = r"(?:^|(?<=[。\n]))[ \t\u3000]*"
_LEAD = r"(?:(?:そこで|では|それでは|また|次に|まず|初めに|最後に)[、，,]?)?"
_TEN = re.compile(
    _SENTENCE_START + _LEAD
    + rf"(?:大きな|大きく)?(?P<dai>第)?(?P<n>{_NUM})(?:点目|番目|項目め?|つ目)(?:の質問)?[はのに]?[、，,\s]?"
    + rf"|{_SENTENCE_START}{_LEAD}第(?P<n2>{_NUM})(?:に|は|点)[、，,\s]", re.M)
# A 通告 heading on its own line: 「１　防災対策について」「（２）学童保育の拡充」「一、区政運営について」.
_HEADING_LINE = re.compile(
    rf"^[ \t\u3000]*(?P<paren>[（(])?(?P<n>{_NUM})(?(paren)[）)]|[　 ．.、])[ \t\u3000]*(?P<h>[^。\n]{{2,50}})$", re.M)
_SEQ = re.compile(
    _SENTENCE_START
    + r"(?P<w>初めに|はじめに|最初に|まず(?:は|初めに|最初に)?|次に|続いて|続きまして|引き続き|最後に)[、，,]"
    + r"(?P<rest>[^。\n]{0,80}?(?:について|に関して|に関連して|に関する)[^。\n]{0,30})", re.M)
_ABOUT = re.compile(r"^(?P<h>[^。\n]{1,60}?(?:について|に関して|に関連して|の件))")


def _heading(rest: str) -> str | None:
    """The subject a marker introduces, up to and including its について, when it says one."""
    rest = rest.strip(" \t\u3000、，,")
    if m := _ABOUT.match(rest):
        return m["h"].strip(" \t\u3000、，,")
    return None


def _asked_about(text: str) -> str | None:
    """「私からは、庁舎の修繕について伺います。」 → 庁舎の修繕について: the subject a plain ask names."""
    for sentence in _first_sentences(text, 4):
        if _ASKS_ABOUT.search(sentence):
            return _heading(_PLAIN_LEAD.sub("", sentence))
    return None


def extract_items(text: str) -> list[dict]:
    """Numbered points of one question text: [{"no", "heading", "text"}].

    Explicit numbering (第１点目, 第一に, １点目, 通告 headings) that runs 1, 2, 3 … gives the items;
    numbering that restarts is a second level (points within topics), so the topic sequence
    (まず…について, 次に…について, 最後に…について) gives them instead. Text before the first
    marker is the preamble and belongs to no item; a text with no structure is one item.
    """
    text = text or ""
    numbered: list[tuple[int, int, str | None]] = []  # (offset, number, heading)
    for m in _HEADING_LINE.finditer(text):
        n = _to_int(m["n"])
        h = m["h"].strip()
        if n is not None and not h.endswith(("円", "％", "%", "人", "件", "年", "月", "日")):
            numbered.append((m.start(), n, _heading(h) or h))
    for m in _TEN.finditer(text):
        n = _to_int(m["n"] or m["n2"])
        if n is not None:
            line_end = text.find("。", m.end())
            rest = text[m.end(): line_end if line_end != -1 else len(text)]
            numbered.append((m.start(), n, _heading(rest.split("\n", 1)[0])))
    numbered.sort(key=lambda x: x[0])
    numbered = [x for i, x in enumerate(numbered) if i == 0 or x[0] != numbered[i - 1][0]]
    sequence = [(m.start(), 0, _heading(m["rest"])) for m in _SEQ.finditer(text)]

    def runs_up(marks):
        return len(marks) >= 2 and marks[0][1] == 1 and all(b[1] > a[1] for a, b in zip(marks, marks[1:], strict=False))

    if runs_up(numbered):
        marks = numbered
    elif len(sequence) >= 2:
        marks = sequence
    elif len(numbered) >= 2:
        marks = numbered
    else:
        marks = []
    if not marks:
        heading = (numbered or sequence or [(0, 0, None)])[0][2] or _asked_about(text)
        return [{"no": 1, "heading": heading, "text": text.strip()}] if text.strip() else []
    items = []
    for i, (start, _, heading) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        items.append({"no": i + 1, "heading": heading, "text": text[start:end].strip()})
    return items


# -- the chair: phases, calls and ends -------------------------------------------------------
_PRESIDING = {"議長", "副議長", "仮議長", "臨時議長", "委員長", "副委員長", "座長", "副座長", "分科会長", "会長"}
# What the chair says a stretch of the sitting is; the last one said wins.
_PHASE = re.compile(
    r"(?P<label>代表質問|一般質問|緊急質問|質疑|質問|討論|意見開陳|意見表明|態度表明|採決|選挙)"
    r"(?:[はをにのが]|等|など|いた)"
    r"|(?P<opinion>御?意見)(?:等|など)?[がは]?(?:ございましたら|ありましたら|あれば|をお願い|を伺|をいただ|をお聞き|を求め)"
    r"|意見交換|(?P<agenda>日程第|議題と)")
# Stretches where members speak but do not ask: what they say is nobody's question.
_NOT_ASKING = {"討論", "意見開陳", "意見表明", "態度表明", "採決", "選挙"}
_END = re.compile(
    r"(?:質問|質疑)(?:は|を)?(?:全て|すべて|全部)?(?:終わり|終了|終結|終え|打ち切り)"
    r"|ほかに(?:御|ご)?(?:関連した)?(?:質疑|質問|発言)はありませんか"
    r"|(?:質疑|質問|発言)(?:は|が)?(?:ほかに|他に)?ありませんか"
    r"|日程第|議題と(?:いた)?し|採決|散会|延会|閉会|休会|閉議"
    r"|説明を求め|報告を求め|発言を求められて|挨拶|あいさつ|所信|提案理由")
# 「質問は終わりました。答弁を求めます。」: the asking is over, the question is not.
_ANSWER_NEXT = re.compile(r"答弁を求め|答弁願い|答弁をお願い|答弁を許")
# 〔１５番佐藤花子議員登壇〕 （大泉　潤市長登壇） 〔知事石原慎太郎君登壇〕
_STAGE = re.compile(r"[〔（(](?P<who>[^〔〕（）()\n]{1,40}?)(?:登壇|発言席|質問席)[^〔〕（）()\n]{0,6}[〕）)]")
_STAGE_ANY = re.compile(r"[〔（(][^〔〕（）()\n]*[〕）)]")
# The chair's sentence that is nothing but a member's name: 「次に、１５番佐藤花子議員。」「佐藤委員。」
_CALL = re.compile(
    r"^(?:(?:次に|初めに|はじめに|最初に|まず|続いて|続きまして|引き続き)[、，,]?)?(?:[^。]{0,40}を代表して[、，,]?)?"
    rf"(?P<seat>{_NUM}番)?(?P<name>[^、，,。（）()〔〕「」『』\s]{{1,24}}?)(?P<hon>議員|委員|君)(?:の発言を許します)?$")
# A called name holding an office is an executive (「知事石原慎太郎君」「代表監査委員」), not a member.
_OFFICE = re.compile(r"長|知事|理事|参事|監|管理者|委員|主幹|局|部|課|室|所|官")
_SPLIT_SENTENCES = re.compile(r"[。\n]")


def _member_called(who: str) -> tuple[int | None, str] | None:
    """(seat, name) when a called or 登壇 name is a member's, else None (an executive or nothing)."""
    m = _CALL.match(_squash(who))
    if not m:
        return None
    name, hon, seat = m["name"], m["hon"], m["seat"]
    if hon != "議員" and not seat and _OFFICE.search(name):
        return None
    return (_to_int(seat[:-1]) if seat else None), name


def _calls(text: str) -> list[tuple[int | None, str]]:
    """Members the chair calls to speak (by a sentence naming them, or a 登壇 stage direction)."""
    found = [c for m in _STAGE.finditer(text) if (c := _member_called(m["who"]))]
    for sentence in _SPLIT_SENTENCES.split(_STAGE_ANY.sub("", text)):
        if sentence.strip() and (c := _member_called(sentence)):
            found.append(c)
    return found


def _is_presiding(sp: dict) -> bool:
    """The chair of this sitting, not a committee chair reporting to it (総務常任委員長 …)."""
    role = sp.get("speaker_role")
    return sp.get("kind") == "procedural" and (
        not role or role in _PRESIDING or (role.endswith("議長") and len(role) <= 4))


def _is_floor_request(text: str) -> bool:
    """「議長」 alone: a speaker asking for the floor (墨田区 prints it as a speech)."""
    if len(text) > 16:
        return False
    t = _squash(text).rstrip("。!！")
    return t in ("議長", "委員長", "副議長", "副委員長", "")


# -- member turns: new point or re-question -----------------------------------------------------
_REQUESTION = re.compile(
    r"再質問|再々質問|再度の(?:御)?(?:質問|質疑)|再々度|(?:[2-9２-９二三四]回目|[2-9２-９二三]度目)の(?:質問|質疑)")
_NEW_POINT = re.compile(
    r"^[ \t\u3000]*(?:次に|続いて|続きまして|最後に|初めに|はじめに|最初に|もう[一１1]点"
    rf"|(?:大きな)?第?{_NUM}(?:点目|番目|項目)|第{_NUM}に)")
_FOLLOW = re.compile(
    r"ありがとうござい|分かりました|わかりました|了解|理解(?:いた)?し|ただいまの|今の|先ほどの|さきほどの|再度|改めて|重ねて"
    r"|もう少し|関連して|要望|答弁(?:は|を|に|で|について|いただ)")
_ASKS_ABOUT = re.compile(r"(?:について|に関して|に関連して|に関し|の件で).{0,10}?(?:伺|質問|お聞き|お尋ね|聞き|尋ね)")
_PLAIN_LEAD = re.compile(r"^(?:私からは|私は|では|それでは|まず|初めに|次に|最後に)[、，,]?")
_ONE_BY_ONE = re.compile(r"一問一答|質問席")
# A member or answerer saying this question is a 代表質問, not mentioning another one.
_DAIHYO = re.compile(r"代表質問(?:を(?:終わ|終え|行い|いたし|させて|申し上げ)|にお答え|に対する|いたします)"
                     r"|を代表(?:して|し[、，,]|する|いたし|させて)")
_IPPAN = re.compile(r"一般質問")
_ASKING = re.compile(r"伺|質問|お尋ね|お聞き|見解を|所見を|答弁を求め|いかがでしょうか|お答えください")


def _first_sentences(text: str, n: int = 3) -> list[str]:
    out = []
    for s in _SPLIT_SENTENCES.split(text[:400]):
        if s.strip():
            out.append(s.strip(" \t\u3000"))
            if len(out) == n:
                break
    return out


def _turn_kind(text: str) -> str:
    """A member's later turn: 'new' point (次に…について伺います) or 'follow' (再質問, ただいまの答弁…)."""
    sentences = _first_sentences(text)
    head = "。".join(sentences[:2])
    if _REQUESTION.search(head):
        return "follow"
    if any(_NEW_POINT.match(s) for s in sentences):
        return "new"
    if sentences and _FOLLOW.search(sentences[0]):
        return "follow"
    if any(_ASKS_ABOUT.search(s) for s in sentences[:2]):
        return "new"
    return "follow"


# -- threading ---------------------------------------------------------------------------------
def _units(speeches: list[dict]) -> list[dict]:
    """Pass 1: runs of speeches that make one question, with what the chair said around them."""
    units: list[dict] = []
    current: dict | None = None
    phase: str | None = None  # the chair's last label: 代表質問, 一般質問, 質疑, 質問, 討論 …
    chair_before: list[str] = []  # the chair's last words before a unit opens (the call, 一問一答 …)

    def close():
        nonlocal current
        if current is not None:
            units.append(current)
            current = None

    for sp in speeches:
        kind = sp.get("kind")
        text = sp.get("text") or ""
        if kind == "procedural" or kind == "other" and not sp.get("speaker_name"):
            presiding = _is_presiding(sp) or kind == "other"
            if not presiding:
                close()  # a committee chair's report to the plenary is nobody's question
                continue
            if kind == "procedural":
                labels = list(_PHASE.finditer(text))
                if labels:
                    last = labels[-1]
                    # None after 日程第 / 議題と: a new agenda item.
                    phase = last["label"] or ("意見" if last["agenda"] is None else None)
                end = _END.search(text)
                if end and not _ANSWER_NEXT.search(text, end.end()):
                    close()
                    chair_before.clear()
            # The 〔…登壇〕 that says who took the floor is an annotation, not part of the spoken text.
            for seat, name in _calls(sp.get("printed") or text):
                if current is not None and not (
                        _same_member(name, current["questioner"])
                        and (seat is None or current["seat"] is None or seat == current["seat"])):
                    close()
                    chair_before.clear()
            if current is None:
                chair_before = [*chair_before[-2:], text]
            continue
        if _is_floor_request(text):
            continue
        if kind == "question":
            if phase in _NOT_ASKING:
                close()
                continue
            name = sp.get("speaker_name") or ""
            if current is not None and not _same_member(name, current["questioner"]):
                close()
            if current is None:
                current = {"questioner": name, "person_id": None, "seat": sp.get("seat"),
                           "phase": phase, "chair": "\n".join(chair_before), "speeches": []}
                chair_before = []
            current["speeches"].append(sp)
            current["person_id"] = current["person_id"] or sp.get("person_id")
        elif kind == "answer" and current is not None:
            current["speeches"].append(sp)
        # other speeches by someone (the clerk reading a document) neither open nor close a unit
    close()
    return units


def _form(unit: dict, plenary: bool) -> str:
    members = "\n".join(s.get("text") or "" for s in unit["speeches"] if s["kind"] == "question")
    answers = "\n".join((s.get("text") or "")[:200] for s in unit["speeches"] if s["kind"] == "answer")
    if not plenary:
        return "質疑"
    said = _DAIHYO.search(members[:600]) or _DAIHYO.search(members[-300:]) or _DAIHYO.search(answers)
    if unit["phase"] == "代表質問" or "代表質問" in unit["chair"] or said and unit["phase"] != "一般質問":
        return "代表質問"
    if unit["phase"] == "一般質問" or _IPPAN.search(members) or _IPPAN.search(answers):
        return "一般質問"
    if unit["phase"] == "質疑":
        return "質疑"
    return "一般質問"


def _turns(unit: dict) -> list[tuple[str, list[dict]]]:
    """Consecutive speeches of one side: [("question", [...]), ("answer", [...]), …]."""
    turns: list[tuple[str, list[dict]]] = []
    for sp in unit["speeches"]:
        side = "question" if sp["kind"] == "question" else "answer"
        if turns and turns[-1][0] == side:
            turns[-1][1].append(sp)
        else:
            turns.append((side, [sp]))
    return turns


def _style(unit: dict, turns, plenary: bool) -> str:
    """Committees put 質疑 point by point; in plenary, 一問一答 only where the minutes say so
    (一問一答, 質問席) — an unmarked plenary question is asked 一括 and pressed by re-questions."""
    if not plenary:
        return "一問一答"
    first_text = (turns[0][1][0].get("text") or "")[:600]
    if _ONE_BY_ONE.search(unit["chair"]) or _ONE_BY_ONE.search(first_text):
        return "一問一答"
    return "一括"


def _item_of(text: str, items: list[dict]) -> int | None:
    """The item a re-question is about, when exactly one item's subject is named in its opening."""
    if len(items) == 1:
        return 1
    head = _squash(text[:300])
    hits = []
    for it in items:
        subject = _squash(it["heading"] or "")
        subject = re.sub(r"(?:について|に関して|に関連して|の件)$", "", subject)
        if len(subject) >= 3 and subject in head:
            hits.append(it["no"])
    return hits[0] if len(hits) == 1 else None


def _thread(unit: dict, ordinal: int, plenary: bool) -> dict:
    turns = _turns(unit)
    style = _style(unit, turns, plenary)
    rows: list[dict] = []
    items: list[dict] = []
    answerers: list[str] = []
    if style == "一括":
        first = turns[0][1]
        first_ids = {id(s) for s in first}
        items = extract_items("\n".join(s.get("text") or "" for s in first))
        single = 1 if len(items) == 1 else None
        asked_again = False
        item = single
        for side, sps in turns:
            for sp in sps:
                if side == "question":
                    if id(sp) in first_ids:
                        rows.append({"seq": sp["seq"], "role": "question", "item": single})
                    else:
                        asked_again = True
                        item = _item_of(sp.get("text") or "", items)
                        rows.append({"seq": sp["seq"], "role": "requestion", "item": item})
                else:
                    rows.append({"seq": sp["seq"], "role": "reanswer" if asked_again else "answer",
                                 "item": item if asked_again else single})
    else:
        item, role = 0, "question"
        for i, (side, sps) in enumerate(turns):
            if side == "question":
                text = "\n".join(s.get("text") or "" for s in sps)
                if i == 0 or _turn_kind(text) == "new":
                    found = extract_items(text)
                    heading = next((it["heading"] for it in found if it["heading"]), None)
                    items.append({"no": len(items) + 1, "heading": heading, "text": text.strip()})
                    item, role = len(items), "question"
                else:
                    role = "requestion"
                for sp in sps:
                    rows.append({"seq": sp["seq"], "role": role, "item": item})
            else:
                for sp in sps:
                    rows.append({"seq": sp["seq"], "role": "answer" if role == "question" else "reanswer",
                                 "item": item})
    for sp in unit["speeches"]:
        if sp["kind"] == "answer":
            who = sp.get("speaker_role") or sp.get("speaker_name") or ""
            if who and who not in answerers:
                answerers.append(who)
    seqs = [sp["seq"] for sp in unit["speeches"]]
    return {
        "ordinal": ordinal,
        "questioner": unit["questioner"],
        "person_id": unit["person_id"],
        "form": _form(unit, plenary),
        "style": style,
        "first_seq": min(seqs),
        "last_seq": max(seqs),
        "items": items,
        "speeches": rows,
        "answerers": answerers,
    }


def _looks_like_question(unit: dict) -> bool:
    """A unit nobody answered is kept only when the member asked something (not a motion or remark).

    When the chair invited opinions (御意見等ございましたら), only an answered speech was a question.
    """
    if any(sp["kind"] == "answer" for sp in unit["speeches"]):
        return True
    if unit["phase"] == "意見":
        return False
    return any(_ASKING.search(sp.get("text") or "") for sp in unit["speeches"])


def thread_sitting(speeches: list[dict], kind: str) -> list[dict]:
    """Group one sitting's speeches (in seq order) into questions.

    kind is the sitting's kind (本会議 | 委員会 | その他); anything but 本会議 is read as a
    committee, where members put 質疑 to the executives one point at a time. Each question:
    {ordinal, questioner, person_id, form, style, first_seq, last_seq, items, speeches, answerers}
    (see docs/data-model.md, questions / question_speeches).
    """
    plenary = kind == "本会議"
    ordered = sorted(speeches, key=lambda s: s["seq"])
    out = []
    for unit in _units(ordered):
        if _looks_like_question(unit):
            out.append(_thread(unit, len(out) + 1, plenary))
    return out
