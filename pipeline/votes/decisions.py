# Over 500 lines: one grammar of the chair's 採決 sentences: its patterns read best beside each other.
"""Decisions (採決) from the chair's words: which motions, how, with what result and counts.

Most councils record no individual votes. What every set of minutes does record is the chair
putting a question and announcing the outcome:

    ○議長   これより採決いたします。議案第171号については、原案のとおり決することに御異議ありませんか。
            〔「異議なし」と呼ぶ者あり〕
    ○議長   御異議なしと認めます。よって、議案第171号については原案のとおり可決されました。

    ○議長   …電子表決システムにより採決いたします。…賛成の諸君は賛成ボタンを…押してください。
    ○議長   賛成少数であります。よって、本案は否決されました。

    ○議長   採決の方法は、押しボタンによる記名投票といたします。… 総数81、賛成72、反対９。
             よって、原案どおり可決されました。

`extract(speeches)` is pure (no database): a sitting's speeches in order → one `Decision` per
motion decided. It reads the agenda as the minutes print it (日程第１ lines, 「…を一括議題と
いたします」, 「日程第15…から日程第40…まで」), the motions named by anyone since (a committee
chair's report names every bill it covers, with ranges 「議案第133号から議案第145号まで」), the
question the chair puts (the method: 異議なし / 起立 / 挙手 / 押しボタン / 記名投票 / 投票), and
the sentence that announces the outcome (「よって、…可決されました」). Motions decided together
(本案 / 各案件 / 「ただいま決定されました案件を除く各案件」) carry the same `group`.

A committee chair's report to the plenary states the committee's own decisions (「起立採決の結果、
賛成多数をもって原案のとおり可決すべきものと決しました」); they are returned with
`reported=True` and the committee's name as `body`: decisions of another sitting, as reported in
this one. The plenary's 「委員長報告のとおり決しました」 takes its result from that report.

Procedural decisions (会期, 休会, 日程の追加, 委員会付託の省略, 選挙の方法 …) are not motions
and are left out. Nothing is guessed: a decision whose motions cannot be told from the text is
left out rather than attached to the wrong bill, and counts are only those announced.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

from oshigiin.minutes.speakers import split_speaker

# A motion's identifier as councils print it (after NFKC): 議案第146号, 議員提出議案第24号,
# 市第54号議案 (政令市), 第１号議案 (prefectures), 令和6年陳情第12号, 意見書案第5号 …
_PREFIX = (r"議員提出議案|委員会提出議案|議会提出議案|会議案|意見書案|決議案|議案|請願|陳情|報告|承認|認定"
           r"|諮問|同意|発議|(?<![一-龥ぁ-んァ-ヶ])議")
MOTION = re.compile(
    r"(?P<era>(?:令和|平成)(?:元|\d{1,2})年(?:度)?\s?)?"
    r"(?:(?P<pre>" + _PREFIX + r")\s?第\s?(?P<n>\d{1,4})\s?号"
    r"|(?P<pre2>[市区町村県都府道]|議員提出|委員会提出)?第\s?(?P<n2>\d{1,4})\s?号\s?(?P<suf>議案|意見書案|決議案))")
# 「議案第133号…から議案第145号…まで」: an explicit range of the same series.
_RANGE_GAP = re.compile(r"^\s*(?:「[^」]{0,200}」)?\s*(?:から|~|〜|ないし)\s*(?:日程第\d+\s?)?$")
_AGENDA_LINE = re.compile(r"^\s*(?:追加)?日程第(?P<no>\d+)[\s、・]*(?P<rest>.*?)\s*(?P<tilde>[~〜])?\s*$")
_AGENDA_RANGE = re.compile(r"日程第(?P<a>\d+)(?:(?!日程第).){0,300}?(?:から|~|〜)\s*日程第(?P<b>\d+)")
_AGENDA_REF = re.compile(r"(?:追加)?日程第(?P<no>\d+)")
_ON_FLOOR = re.compile(r"議題(?:と(?:いた)?します|に供します|とします|にいたします)")
_TITLE_QUOTED = re.compile(r"^\s*[「『](?P<t>[^」』]{1,200})[」』]")

_QUESTION = re.compile(r"異議(?:は)?(?:ありませんか|ございませんか|ありませんでしょうか)|起立を(?:求め|願)|起立願|"
                       r"挙手を(?:求め|願)|挙手願|ボタンを押|投票を(?:行|開始)|採決(?:いた|を行|し)ます|お諮りいた")
_VOTE_STARTS = re.compile(r"採決(?:いた|を行|し|に入)")
_PROCEDURAL = re.compile(r"会期|休会|日程に追加|日程追加|付託を?省略|省略する|省略したい|延長|議席|選挙の方法|指名推選|"
                         r"署名議員|延会|議会期間|会議時間|順序を変更|推薦の方法|名簿のとおり指名|散会|閉会")
_AGREED = re.compile(r"異議(?:なし|ない(?:もの)?)と認め|異議がありませんので|異議なしと認め|異議なきものと認め")
_MAJORITY = re.compile(
    r"(?P<how>起立|挙手|賛成)(?P<size>多数|少数|全員)|全員(?P<all>賛成|起立|異議なく)|(?P<tie>可否同数)")
_COUNT = {
    "total": re.compile(r"(?:投票)?総数\s*(\d+)"),
    "yes": re.compile(r"(?:賛成|白票|可とする(?:者|もの))(?:票|者)?\s*(\d+)"),
    "no": re.compile(r"(?:反対|青票|否とする(?:者|もの))(?:票|者)?\s*(\d+)"),
}
_VERDICT = re.compile(r"可決|否決|採択|承認|認定|同意|継続審査|継続審議|決しました|決定(?:いたし|し)ました|決定します|"
                      r"議決されました")
# Result words, most specific first.
_RESULTS = (
    (re.compile(r"修正(?:議決|可決|のとおり可決|案のとおり可決)|修正(?:部分)?を除く"), "修正可決"),
    (re.compile(r"原案(?:のとおり|どおり)\s*可決"), "原案可決"),
    (re.compile(r"趣旨採択"), "趣旨採択"),
    (re.compile(r"不採択"), "不採択"),
    (re.compile(r"採択"), "採択"),
    (re.compile(r"不承認|承認しない"), "不承認"),
    (re.compile(r"承認"), "承認"),
    (re.compile(r"不認定|認定しない"), "不認定"),
    (re.compile(r"認定"), "認定"),
    (re.compile(r"不同意|同意しない"), "不同意"),
    (re.compile(r"同意"), "同意"),
    (re.compile(r"否決"), "否決"),
    (re.compile(r"可決"), "可決"),
    (re.compile(r"継続審査|継続審議"), "継続審査"),
    (re.compile(r"委員(?:長|会(?:審査)?)報告(?:書)?(?:のとおり|どおり)"), "委員長報告のとおり"),
    (re.compile(r"派遣|決しました|決定(?:いたし|し)ました"), "決定"),
)
_EXCEPT = re.compile(r"を除(?:く|いた)")
_REPORT = re.compile(r"すべき(?:もの)?と(?:決|決定|した)|すべきものと|"
                     r"(?:可決|否決|採択|承認|認定|同意)(?:と決定|と決し)|継続審査とすべき|継続審査と(?:決|する)")
_COMMITTEE = re.compile(r"([一-龥ァ-ヶー・]{1,20}委員会)")
_SENTENCE = re.compile(r"[^。\n]+[。]?")
_WS = re.compile(r"[ \u3000\t]+")

# 記名投票 whose names the minutes print (〔参照〕 賛成者（白票）の氏名 … 反対者（青票）の氏名 …).
_NAMES_HEAD = re.compile(r"(?P<side>賛成|反対|可とする|否とする|白票|青票)[^\n。]{0,12}?の?(?:氏名|議員の氏名)[^\n]*")
_NAME = re.compile(r"(?:\d+\s*番\s*)?((?:[^\s\d、,。君()（）〔〕]\s?){1,12}?)\s*(?:君|議員)")
_SIDES = {"賛成": ("賛成", "yes"), "可とする": ("賛成", "yes"), "白票": ("白票", "yes"),
          "反対": ("反対", "no"), "否とする": ("反対", "no"), "青票": ("青票", "no")}

# A committee chair's report naming each side: 「賛成多数（賛成：架空自由党、区民クラブ、反対：みどりの風）」
_SIDES_STATED = re.compile(r"[(（]賛成[:：](?P<yes>[^)）]*?)[、,]\s*反対[:：](?P<no>[^)）]*)[)）]")


def stated_stances(clause: str) -> list[dict]:
    m = _SIDES_STATED.search(clause)
    if not m:
        return []
    return [{"faction": f.strip(), "option_raw": raw, "option": option}
            for raw, option, group in (("賛成", "yes", m["yes"]), ("反対", "no", m["no"]))
            for f in re.split(r"[、,]", group) if f.strip()]


CHAIR_ROLES = ("議長", "副議長", "仮議長", "委員長", "副委員長", "委員長代理", "会長", "副会長", "分科会長", "主査")

METHODS = ("簡易採決", "起立", "挙手", "押しボタン", "記名投票", "無記名投票", "投票")


@dataclass
class Decision:
    motion: str                 # 議案第146号, or the agenda item's title when it has no number
    title: str | None           # 青森市職員定数条例の一部を改正する条例の制定について, where printed
    method: str | None          # one of METHODS; None when the minutes do not say
    result: str                 # 可決 | 原案可決 | 修正可決 | 否決 | 採択 | 不採択 | 承認 | … | 決定
    yes: int | None = None      # counts only where announced
    no: int | None = None
    total: int | None = None
    majority: str | None = None  # 全員 | 多数 | 少数 | 可否同数: as announced, never inferred
    group: str | None = None    # motions decided together share this label (日程第1〜日程第3)
    seq: int | None = None      # the speech the outcome was announced in
    speech: str | None = None   # its speech_id (or URL) where the caller gave one
    reported: bool = False      # a committee's decision as its chair reported it, not this sitting's
    body: str | None = None     # the committee, for a reported decision
    sentence: str = ""          # the announcing sentence (NFKC), as evidence
    items: list[str] = field(default_factory=list)  # every motion of the group, in order
    names: list[dict] = field(default_factory=list)  # 記名投票 with names printed: {name, option_raw, option}
    # a report's 「（賛成：A、B、反対：C）」: {faction, option_raw, option}
    stances: list[dict] = field(default_factory=list)

    def record(self) -> dict:
        return asdict(self)


def _nfkc(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFKC", text or ""))


def motion_key(m: re.Match) -> str:
    """The identifier, spacing removed: 議案第146号, 市第54号議案, 令和6年陳情第12号."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", m.group(0)))


def motions_in(text: str) -> list[tuple[str, str | None]]:
    """(identifier, title) of every motion the text names, explicit ranges expanded, in order."""
    found: list[tuple[str, str | None]] = []
    matches = list(MOTION.finditer(text))
    for i, m in enumerate(matches):
        title = None
        after = text[m.end():m.end() + 210]
        if q := _TITLE_QUOTED.match(after):
            title = q["t"]
        found.append((motion_key(m), title))
        if i + 1 < len(matches):
            nxt = matches[i + 1]
            gap = text[m.end():nxt.start()]
            tail = text[nxt.end():nxt.end() + 220]
            same = (m["pre"] or m["pre2"] or "", m["suf"] or "", m["era"] or "") == \
                   (nxt["pre"] or nxt["pre2"] or "", nxt["suf"] or "", nxt["era"] or "")
            # 「議案第133号「…」から議案第145号「…」まで」 names every number between.
            closed = re.match(r"^\s*(?:「[^」]{0,200}」)?\s*まで", tail)
            if same and closed and _RANGE_GAP.match(gap) and "日程" not in gap:
                a, b = int(m["n"] or m["n2"]), int(nxt["n"] or nxt["n2"])
                if 0 < b - a < 200:
                    key = motion_key(m)
                    num = m["n"] or m["n2"]
                    for n in range(a + 1, b):
                        found.append((key.replace(f"第{num}号", f"第{n}号", 1), None))
    return found


def _result(text: str) -> str | None:
    for pattern, name in _RESULTS:
        if pattern.search(text):
            return name
    return None


def _method(sentence: str, current: str | None) -> str | None:
    if re.search(r"ボタン|電子表決|電子採決", sentence):
        return "押しボタン"
    if "無記名投票" in sentence:
        return "無記名投票"
    if "記名投票" in sentence:
        return "記名投票"
    if re.search(r"投票(?:により|によって|で|を行|を開始)", sentence):
        # 「投票を行います」 after 「記名投票をもって採決いたします」 is the same ballot
        return current if current in ("記名投票", "無記名投票", "押しボタン") else "投票"
    if re.search(r"起立(?:により|によって|採決|を(?:求め|願)|願)", sentence):
        return "起立"
    if re.search(r"挙手(?:により|によって|採決)|賛成の(?:方|諸君|委員|議員)[^。]{0,10}挙手", sentence):
        return "挙手"
    if re.search(r"異議(?:は)?(?:ありませんか|ございませんか|ありませんでしょうか)", sentence):
        return current if current in ("起立", "挙手", "押しボタン", "記名投票", "無記名投票", "投票") else "簡易採決"
    return current


def _counts(text: str) -> dict[str, int]:
    out = {}
    for key, pattern in _COUNT.items():
        if m := pattern.search(text):
            out[key] = int(m.group(1))
    return out


def _majority(text: str) -> str | None:
    m = _MAJORITY.search(text)
    if not m:
        return None
    if m["tie"]:
        return "可否同数"
    if m["all"]:
        return "全員"
    return m["size"]


def named_votes(text: str) -> list[dict]:
    """The names printed under 賛成者（白票）の氏名 / 反対者（青票）の氏名, each with its side."""
    heads = list(_NAMES_HEAD.finditer(text))
    out = []
    for i, head in enumerate(heads):
        segment = text[head.end():heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        raw, option = _SIDES[head["side"]]
        for m in _NAME.finditer(segment):
            name = m.group(1).strip()
            if name:
                out.append({"name": name, "option_raw": raw, "option": option})
    return out


def is_chair(speech: dict) -> bool:
    """The sitting's chair: 議長 / 委員長 exactly. A committee chair reporting to the plenary
    (「○厚生委員長（鈴木一郎君）」) is not: their report states the committee's decisions."""
    role = speech.get("speaker_role")
    if role is None and speech.get("speaker_raw"):
        who = split_speaker(speech["speaker_raw"])
        role = who.role or who.name   # 「◯委員長」 alone reads as a name
    return (role or "") in CHAIR_ROLES


@dataclass
class _Floor:
    """What is before the house: agenda items and every motion named since they were taken up."""
    items: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)  # 日程 no → (motion, title)
    numbers: list[int] = field(default_factory=list)
    motions: dict[str, str | None] = field(default_factory=dict)                # motion → title
    decided: list[str] = field(default_factory=list)
    label: str | None = None

    def open(self, numbers: list[int], label: str | None) -> None:
        self.numbers, self.label, self.motions, self.decided = numbers, label, {}, []
        for no in numbers:
            motion, title = self.items.get(no, (None, None))
            if motion:
                self.motions[motion] = title

    def name(self, found: list[tuple[str, str | None]]) -> None:
        for motion, title in found:
            if motion not in self.motions or (title and not self.motions[motion]):
                self.motions[motion] = title or self.motions.get(motion)

    def remaining(self) -> list[str]:
        return [m for m in self.motions if m not in self.decided]

    def titled_item(self) -> str | None:
        """An agenda item without a number (議員派遣について): its title stands for the motion."""
        if len(self.numbers) == 1:
            motion, title = self.items.get(self.numbers[0], (None, None))
            if not motion and title:
                return title
        return None


@dataclass
class _Question:
    motions: list[str] = field(default_factory=list)
    method: str | None = None
    is_vote: bool = False
    context: str = ""
    proposal: str | None = None
    majority: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


def _agenda_line(line: str, floor: _Floor) -> int | None:
    """A 日程第N line printed in the chair's speech (the order of business): remembered by number."""
    m = _AGENDA_LINE.match(line)
    if not m or _ON_FLOOR.search(line) or "。" in line:
        return None
    rest = m["rest"].strip()
    motion, title = None, None
    if mm := MOTION.match(rest):
        motion = motion_key(mm)
        title = rest[mm.end():].strip(" 、・") or None
    elif rest:
        title = rest.strip("「」")
    floor.items[int(m["no"])] = (motion, title)
    return int(m["no"])


def _label(numbers: list[int]) -> str | None:
    if not numbers:
        return None
    return f"日程第{numbers[0]}" if len(numbers) == 1 else f"日程第{min(numbers)}〜日程第{max(numbers)}"


def _take_up(sentence: str, floor: _Floor) -> None:
    """「日程第15…から日程第40…まで、計26件を一括議題といたします」 / 「日程第1、議案第1号…を議題といたします」."""
    if r := _AGENDA_RANGE.search(sentence):
        numbers = list(range(int(r["a"]), int(r["b"]) + 1))
    else:
        numbers = sorted({int(m["no"]) for m in _AGENDA_REF.finditer(sentence)})
    found = motions_in(sentence)
    if not numbers and not found:
        return
    floor.open(numbers, _label(numbers))
    if len(numbers) == 1 and not found and numbers[0] not in floor.items:
        # 「日程第47「議員派遣について」を議題といたします」 / 「日程第２、会期の決定を議題といたします」
        head = sentence[_AGENDA_REF.search(sentence).end():]
        head = _ON_FLOOR.split(head)[0].strip(" 、・「」")
        head = re.sub(r"[」』]?を$", "", head).strip("「」 ")
        if head:
            floor.items[numbers[0]] = (None, head)
    for motion, title in found:
        if title is None:
            # Title printed after the identifier up to 「を議題」: 「議案第1号 架空区一般会計予算を議題といたします」
            after = sentence.split(motion, 1)[-1]
            head = _ON_FLOOR.split(after)[0]
            head = re.split(r"(?:、|,)?委員会審査報告|(?:及び|並びに|から)(?=\s*(?:日程第|第\d|" + _PREFIX + "))",
                            head)[0]
            title = re.sub(r"を$", "", head.strip(" 、・「」")).strip("「」 ") or None
            if title and MOTION.search(title):
                title = None
        floor.motions[motion] = title
    if len(numbers) == 1 and numbers[0] not in floor.items and found:
        floor.items[numbers[0]] = found[0]


def _without_titles(text: str) -> str:
    """Quoted titles (「…の承認について」) say nothing about the result."""
    return re.sub(r"「[^」]*」", "", text)


def _report(speech: dict, text: str, seq: int, reported: dict[str, str],
            on_floor: list[str] | None = None) -> list[Decision]:
    """A committee chair's report: the committee's decisions, and what 委員長報告のとおり will mean."""
    out: list[Decision] = []
    role = speech.get("speaker_role") or split_speaker(speech.get("speaker_raw") or "").role or ""
    body = role[:-1] + "会" if role.endswith("委員長") and len(role) > 3 else (
        c.group(1) if (c := _COMMITTEE.search(text)) else None)
    context: list[str] = list(on_floor or [])
    for sentence in _SENTENCE.findall(text):
        for clause in re.split(r"(?<=ところ)、|(?<=決し)、|(?<=決定し)、", sentence):
            named = [m for m, _ in motions_in(clause)]
            if not _REPORT.search(clause):
                if named:
                    context = named
                continue
            if _EXCEPT.search(clause):
                excluded = set(m for m, _ in motions_in(_EXCEPT.split(clause)[0]))
                motions = [m for m in context if m not in excluded]
            else:
                motions = named or context
            result = _result(_without_titles(clause))
            if not motions or not result or result == "決定":
                continue
            method = "起立" if "起立" in clause else "挙手" if "挙手" in clause else \
                "押しボタン" if "ボタン" in clause else "簡易採決" if "異議なく" in clause else None
            majority = _majority(clause) or ("全員" if "全員異議なく" in clause else None)
            group = f"{motions[0]}ほか{len(motions) - 1}件" if len(motions) > 1 else None
            for m in motions:
                reported[m] = result
                out.append(Decision(motion=m, title=None, method=method, result=result, majority=majority,
                                    group=group, seq=seq, speech=speech.get("speech_id"), reported=True,
                                    body=body, sentence=clause.strip(), items=list(motions),
                                    stances=stated_stances(clause)))
    return out


def extract(speeches: list[dict]) -> list[Decision]:
    """A sitting's speeches in order (dicts with text as printed, stage directions included, and
    speaker_role / speaker_raw, seq, speech_id) → the decisions announced in it."""
    floor = _Floor()
    question = _Question()
    reported: dict[str, str] = {}
    titles: dict[str, str] = {}
    out: list[Decision] = []
    listing: list[int] = []   # 日程 lines printed since the last item was taken up
    tilde = False
    for index, speech in enumerate(speeches):
        seq = speech.get("seq") or index + 1
        raw = speech.get("text") or ""
        chair = is_chair(speech)
        if not chair and "号" not in raw and "決" not in raw and "継続審査" not in raw:
            continue  # names no motion and reports no decision: most of a sitting's words
        text = _nfkc(raw)
        found = motions_in(text)
        for motion, title in found:
            if title and motion not in titles:
                titles[motion] = title
        if not chair:
            if _REPORT.search(text) and (found or floor.remaining()):
                # 「本案は…可決すべきものと決定いたしました」 with no number: the item on the floor
                out.extend(_report(speech, text, seq, reported, floor.remaining()))
            floor.name(found)
            continue
        last_item = None
        for line in text.split("\n"):
            if (no := _agenda_line(line, floor)) is not None:
                if listing and tilde:   # 「日程第１ … ～ / 日程第３ …」: the items between are on the floor too
                    listing.extend(range(listing[-1] + 1, no))
                listing.append(no)
                last_item, tilde = no, bool(_AGENDA_LINE.match(line)["tilde"])
                floor.open(sorted(set(listing)), _label(listing))
                continue
            if last_item is not None and line.startswith(" ") and line.strip() and not re.match(r"^\s*[─―━-]", line):
                motion, title = floor.items[last_item]   # a wrapped agenda title
                floor.items[last_item] = (motion, (title or "") + line.strip().rstrip("~〜 "))
                floor.open(sorted(set(listing)), _label(listing))
                continue
            last_item = None
            for sentence in _SENTENCE.findall(line):
                question = _sentence(sentence, speech, seq, floor, question, reported, titles, out)
                if _ON_FLOOR.search(sentence):
                    listing = []
        if _NAMES_HEAD.search(text) and out and out[-1].method in ("記名投票", "投票", "押しボタン"):
            names = named_votes(text)
            for d in out:
                if d.seq == out[-1].seq and not d.reported:
                    d.names = names
    return out


def _sentence(sentence: str, speech: dict, seq: int, floor: _Floor, question: _Question,
              reported: dict[str, str], titles: dict[str, str], out: list[Decision]) -> _Question:
    """One sentence of the chair's: takes up an item, puts a question, or announces an outcome."""
    if _ON_FLOOR.search(sentence) and ("日程第" in sentence or MOTION.search(sentence)):
        _take_up(sentence, floor)
        return _Question(context=sentence)
    named = motions_in(sentence)
    floor.name(named)
    if _VOTE_STARTS.search(sentence) and not _AGREED.search(sentence):
        question = _Question(is_vote=True, method=question.method, context=question.context)
    question.context += sentence
    if _QUESTION.search(sentence):
        if named and not _EXCEPT.search(sentence):
            question.motions = [m for m, _ in named]
        question.proposal = _result(_without_titles(sentence)) or question.proposal
    question.method = _method(sentence, question.method)
    if _AGREED.search(sentence) and question.method in (None, "簡易採決"):
        question.method = "簡易採決"
    question.majority = _majority(sentence) or question.majority
    if re.search(r"総数|賛成\s*\d|反対\s*\d", sentence):
        question.counts.update(_counts(sentence))
    announces = _VERDICT.search(_without_titles(sentence)) and (
        "よって" in sentence or re.search(r"(?:され|決し|決定(?:いた|し))ました|と決定します", sentence))
    if not announces or _QUESTION.search(sentence):
        return question
    decisions = _verdict(sentence, named, question, floor, reported, titles, seq, speech)
    out.extend(decisions)
    floor.decided.extend(d.motion for d in decisions)
    return _Question()


def _verdict(sentence: str, named: list[tuple[str, str | None]], question: _Question, floor: _Floor,
             reported: dict[str, str], titles: dict[str, str], seq: int, speech: dict) -> list[Decision]:
    result = _result(_without_titles(sentence))
    if result in (None, "決定") and question.proposal and question.proposal != "決定":
        result = question.proposal
    explicit = [m for m, _ in named]
    if _EXCEPT.search(sentence):
        excluded = set(m for m, _ in motions_in(_EXCEPT.split(sentence)[0]))
        motions = [m for m in floor.remaining() if m not in excluded]
    elif explicit:
        motions = explicit
    elif question.motions:
        motions = question.motions
    else:
        motions = floor.remaining()
        if not motions and (item := floor.titled_item()) and item not in floor.decided:
            motions = [item]
    procedural = _PROCEDURAL.search(question.context + sentence + (floor.titled_item() or ""))
    if procedural and not explicit and not question.motions and not (question.is_vote and floor.motions):
        return []
    if not motions or not result:
        return []
    group = floor.label if len(motions) > 1 and floor.label else (
        f"{motions[0]}ほか{len(motions) - 1}件" if len(motions) > 1 else None)
    counts = question.counts
    method = question.method
    if method is None and _AGREED.search(sentence):
        method = "簡易採決"
    out = []
    for motion in motions:
        final = result
        if result == "委員長報告のとおり" and motion in reported:
            final = reported[motion]
        title = floor.motions.get(motion) or titles.get(motion)
        if title is None and motion in [t for _, t in floor.items.values()]:
            title = motion
        out.append(Decision(motion=motion, title=title, method=method, result=final, yes=counts.get("yes"),
                            no=counts.get("no"), total=counts.get("total"),
                            majority=question.majority,
                            group=group, seq=seq, speech=speech.get("speech_id"), sentence=sentence.strip(),
                            items=list(motions)))
    return out
