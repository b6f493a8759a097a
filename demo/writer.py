"""The building blocks of generated minutes: speech blocks, sitting context and the Writer.

A ``Writer`` holds one sitting's ``random.Random`` and who is in the chair, fills phrase
templates (numbers and 年度 labels invented on demand) and makes ``Block``s with the exact
titles DiscussNet prints: 議長（吉田崇仁）, １５番（佐藤花子議員）, （佐藤花子議員）,
佐藤花子委員, 子ども家庭部長（山田一郎）.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from . import names, phrases
from .jpformat import RULE, SP, clock, fiscal_year_label, fw
from .people import Member, Official
from .topics import Topic

MINUTE_TYPES = {4: "○議長", 5: "◆質問", 6: "◎答弁"}
PARA = "\n" + SP  # a new paragraph inside a speech starts on a new line, indented one cell
STAGE = "\n" + SP * 3  # stage directions 〔…〕 sit on their own, further indented line
TIME = "\n" + SP * 5  # 午後１時４５分再開 and the like
AGREED = STAGE + "〔「異議なし」と呼ぶ者あり〕"


@dataclass(frozen=True)
class Block:
    marker: str  # ○ chair, ◆ member, ◎ executive
    title: str  # as in the API's "title": 議長（吉田崇仁）, １５番（佐藤花子議員）, 佐藤花子委員
    code: int  # minute_type_code: 4 chair, 5 question, 6 answer
    text: str  # never starts or ends with whitespace
    kind: str  # question | answer | procedural | other
    speaker_name: str
    speaker_role: str | None
    member: str | None  # published name when the speaker is a council member

    @property
    def speaker_raw(self) -> str:
        return self.marker + self.title

    @property
    def minute_type(self) -> str:
        return MINUTE_TYPES[self.code]


@dataclass(frozen=True)
class Item:
    """One point of a question: the answer refers back to the same subject and proposal."""

    topic: Topic
    subject: str
    proposal: str
    measure: str
    ask: str  # the question template; when it names the proposal, the answer takes a stance on it

    @property
    def proposes(self) -> bool:
        return "{p}" in self.ask


@dataclass
class MeetingContext:
    day_type: str  # see schedule.py
    date: dt.date
    session_label: str  # 令和６年第１回架空区議会定例会
    session_number: int
    number: int  # 号: the sitting's number within its council
    committee: str | None
    chair: Member
    chair_role: str  # 議長 | 委員長
    vice: Member | None
    vice_role: str | None
    present: list[Member]  # attending members other than the chair, by seat
    answerers: dict[str, Official]  # speech-title post -> official, those attending
    topics: tuple[Topic, ...]
    interests: Callable[[Member], tuple[Topic, ...]]
    start: int  # minutes since midnight
    end: int
    agenda: str = ""  # committee: the item under examination
    next_day: dt.date | None = None
    session_end: dt.date | None = None
    reporters: list[tuple[str, Member]] = field(default_factory=list)  # final day: (committee, chair)
    bills: list[str] = field(default_factory=list)
    new_chair: Member | None = None  # rinji: the 議長 about to be elected


def _money(rng: random.Random, lo: int, hi: int) -> str:
    """An amount in 億/万円 as minutes print it: '１２億３，４００万円'."""
    man = rng.randrange(lo, hi) * 100
    oku, rest = divmod(man, 10000)
    text = f"{fw(f'{oku:,}').replace(',', '，')}億" if oku else ""
    return text + (f"{fw(f'{rest:,}').replace(',', '，')}万円" if rest else "円")


def _num(lo: int, hi: int) -> Callable[[random.Random, MeetingContext], str]:
    return lambda rng, ctx: fw(f"{rng.randint(lo, hi):,}").replace(",", "，")


_SLOTS: dict[str, Callable[[random.Random, MeetingContext], str]] = {
    "n": _num(12, 480), "n2": _num(520, 9800), "n_small": _num(3, 30),
    "pct": _num(5, 48), "pct_small": _num(2, 9), "pct_mid": _num(18, 45), "pct_high": _num(55, 85),
    "pct_age": _num(19, 26), "age": _num(38, 58), "temp": _num(33, 38), "g": _num(420, 590),
    "h": _num(45, 90), "h_small": _num(1, 3), "ratio": _num(2, 6),
    "yen": lambda rng, ctx: _money(rng, 30, 900), "yen_big": lambda rng, ctx: _money(rng, 15000, 32000),
    "fy_prev": lambda rng, ctx: fiscal_year_label(ctx.date, -1),
    "fy_this": lambda rng, ctx: fiscal_year_label(ctx.date),
    "fy_next": lambda rng, ctx: fiscal_year_label(ctx.date, 1),
    "ward": lambda rng, ctx: names.WARD,
}


class _Slots(dict):
    """format_map mapping that invents numbers and 年度 labels on demand."""

    def __init__(self, rng: random.Random, ctx: MeetingContext, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self._rng, self._ctx = rng, ctx

    def __missing__(self, key: str) -> str:
        return _SLOTS[key](self._rng, self._ctx)


class Writer:
    """Builds blocks for one sitting; holds the sitting's rng and who is in the chair."""

    def __init__(self, ctx: MeetingContext, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.chair_member = ctx.chair
        self.chair_role = ctx.chair_role

    # -- text ------------------------------------------------------------------------------
    def pick(self, options):
        return self.rng.choice(options)

    def fill(self, template: str, **fixed: str) -> str:
        return template.format_map(_Slots(self.rng, self.ctx, fixed))

    def items_for(self, member: Member, n_topics: int, per_topic: int) -> list[Item]:
        """Points a member raises: topics they care about first, distinct subjects and proposals."""
        pool = [t for t in self.ctx.interests(member) if t in self.ctx.topics] or list(self.ctx.topics)
        extra = [t for t in self.ctx.topics if t not in pool]
        self.rng.shuffle(extra)
        asks = phrases.COMMITTEE_ASKS if self.ctx.committee else phrases.ASKS
        out = []
        for topic in (pool + extra)[:n_topics]:
            k = min(per_topic, len(topic.subjects))
            subjects = self.rng.sample(topic.subjects, k)
            proposals = self.rng.sample(topic.proposals, min(k, len(topic.proposals)))
            measures = self.rng.sample(topic.measures, min(k, len(topic.measures)))
            for i, subject in enumerate(subjects):
                out.append(Item(topic, subject, proposals[i % len(proposals)], measures[i % len(measures)],
                                self.pick(asks)))
        return out

    def stance(self, item: Item) -> str:
        options = phrases.STANCES + ((phrases.STANCE_BUDGET,) if self.ctx.date.month == 2 else ())
        stance = self.fill(self.pick(options))
        return self.fill(self.pick(phrases.STANCE_LINES), p=item.proposal, stance=stance)

    # -- blocks ----------------------------------------------------------------------------
    def chair(self, *paras: str) -> Block:
        m = self.chair_member
        return Block("○", f"{self.chair_role}（{m.printed}）", 4, PARA.join(paras), "procedural",
                     m.printed, self.chair_role, m.name)

    def question(self, member: Member, paras: list[str], *, seat: bool) -> Block:
        if self.ctx.committee:
            title, role = f"{member.printed}委員", "委員"
        else:
            title = f"{fw(member.seat)}番（{member.printed}議員）" if seat else f"（{member.printed}議員）"
            role = None
        return Block("◆", title, 5, PARA.join(paras), "question", member.printed, role, member.name)

    def answer(self, post: str, paras: list[str]) -> Block:
        person = self.ctx.answerers[post]
        return Block("◎", f"{post}（{person.name}）", 6, PARA.join(paras), "answer", person.name, post, None)

    def report(self, committee: str, member: Member, paras: list[str]) -> Block:
        role = committee.removesuffix("会") + "長"  # 企画総務委員会 -> 企画総務委員長
        return Block("◆", f"{role}（{member.printed}）", 5, PARA.join(paras), "other", member.printed, role,
                     member.name)

    def call_answerer(self, post: str) -> Block:
        person = self.ctx.answerers[post]
        if self.ctx.committee:
            return self.chair(f"{post}。")
        return self.chair(f"{post}。{STAGE}〔{post}{SP}{person.name}登壇〕")

    def answer_post(self, topic: Topic, *, plenary: bool) -> str:
        """Who answers a point on ``topic``: 部長 in plenary, usually the 課長 in committee."""
        a = self.ctx.answerers
        if plenary:
            if topic.education and "教育長" in a and self.rng.random() < 0.7:
                return "教育長"
            return topic.dept if topic.dept in a else "区長"
        candidates = [s for s in topic.sections if s in a]
        if candidates and self.rng.random() < 0.7:
            return self.pick(candidates)
        if topic.dept in a:
            return topic.dept
        return self.pick(sorted(a))

    # -- breaks ----------------------------------------------------------------------------
    def recess(self, size: int) -> list[Block]:
        """A lunch break: one block ('休憩 … 再開') or two (the second resumes the sitting)."""
        out_at = 12 * 60 + self.rng.randint(0, 25)
        back = 13 * 60 + self.rng.randint(0, 20)
        committee = bool(self.ctx.committee)
        lead = "暫時休憩いたします。" if committee else "議事の都合により、暫時休憩いたします。"
        blocks = [self.chair(f"{lead}{TIME}{clock(out_at)}休憩\n{RULE}{TIME}{clock(back)}再開")]
        if size >= 2:
            # After lunch the vice-chair sometimes takes the chair for the afternoon.
            if self.ctx.vice and not committee and self.rng.random() < 0.35:
                self.chair_member, self.chair_role = self.ctx.vice, self.ctx.vice_role or "副議長"
            resume = "委員会を再開いたします。" if committee else "休憩前に引き続き、会議を開きます。"
            blocks.append(self.chair(resume))
        return blocks


def partition(rng: random.Random, total: int, parts: int, minimum: int) -> list[int]:
    """Random sizes >= minimum that sum to ``total`` (fewer parts if total is too small)."""
    parts = min(parts, total // minimum)
    if parts <= 0:
        return []
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    spare = total - parts * minimum
    sizes = [minimum + int(spare * w / sum(weights)) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def split_34(room: int) -> tuple[list[int], int]:
    """Sizes of 3 or 4 summing to ``room`` where possible, and what is left over (0–2)."""
    for threes in range(4):
        rest = room - 3 * threes
        if rest >= 0 and rest % 4 == 0:
            return [4] * (rest // 4) + [3] * threes, 0
    return ([3], 2) if room == 5 else ([], room)
