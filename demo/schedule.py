"""The demo council's calendar: sessions, councils (会議) and sitting days (schedules).

This is the only part computed up front. It fixes, for every sitting, its DiscussNet ids, its
date and how many speech blocks it will hold; the speeches themselves are generated on demand
from those numbers. The number of years and the number of sitting days grow with the requested
corpus size so that 5,000 speeches look like a normal ward (about four years) and 1,000,000 still
fit in at most twelve.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
from dataclasses import dataclass, field

from . import names
from .jpformat import SP, era, era_year, fw, pad2
from .topics import BUDGET_COMMITTEE, SETTLEMENT_COMMITTEE, STANDING_COMMITTEES

LAST_YEAR = 2025
FIRST_COUNCIL_ID = 1001

# Day types. Plenary: daihyo (01号: opening business and 代表質問), ippan (一般質問), final (採決 and
# closing), rinji (臨時会 after an election). Committee: committee, yosan (予算), kessan (決算).
PLENARY_DAYS = ("daihyo", "ippan", "final", "rinji")
DAY_WEIGHT = {"daihyo": 1.3, "ippan": 1.4, "final": 0.35, "rinji": 0.3,
              "committee": 0.8, "yosan": 1.0, "kessan": 1.0}
DAY_MINIMUM = {"final": 8, "rinji": 8}
DAY_MAXIMUM = {"final": 80, "rinji": 20}  # closing days and 臨時会 stay short however big the corpus
DEFAULT_MINIMUM = 10

# Regular sessions: (number, month, earliest opening day). 臨時会 meets in May after elections.
REGULAR_SESSIONS = ((1, 2, 14), (2, 6, 3), (3, 9, 10), (4, 11, 20))
ELECTION_YEARS = (2015, 2019, 2023)

# Density levels: (一般質問 days, days per standing committee, 予算 days, 決算 days, committees per day)
LEVELS = ((2, 1, 3, 2, 2), (2, 2, 5, 4, 2), (3, 3, 6, 5, 3), (4, 4, 8, 7, 3))


@dataclass(frozen=True)
class Session:
    year: int
    number: int  # 第ｎ回 (counted separately for 定例会 and 臨時会)
    kind: str  # 定例会 | 臨時会
    start: dt.date

    @property
    def council_name(self) -> str:
        """'令和　６年第１回　２月定例会', typeset like DiscussNet's council list."""
        name, year = era(self.start)
        return f"{era_year(name, year, pad=True)}第{fw(self.number)}回{pad2(self.start.month)}月{self.kind}"

    @property
    def label(self) -> str:
        """'令和６年第１回架空区議会定例会': how speeches and the 名簿 refer to the session."""
        name, year = era(self.start)
        return f"{era_year(name, year)}第{fw(self.number)}回{names.COUNCIL}{self.kind}"

    @property
    def short_name(self) -> str:
        """'令和　６年第１回定例会', used in the names of 資料 entries."""
        name, year = era(self.start)
        return f"{era_year(name, year, pad=True)}第{fw(self.number)}回{self.kind}"


@dataclass(frozen=True)
class Meeting:
    council_id: int
    schedule_id: int
    number: int  # 号
    date: dt.date
    day_type: str
    speeches: int  # planned speech blocks (the 名簿 block excluded)
    page_no: int
    committee: str | None
    session: Session
    council_name: str

    @property
    def schedule_name(self) -> str:
        """'02月22日－01号' (half-width digits and U+FF0D, exactly as DiscussNet prints it)."""
        return f"{self.date.month:02d}月{self.date.day:02d}日－{self.number:02d}号"

    @property
    def plenary(self) -> bool:
        return self.day_type in PLENARY_DAYS


@dataclass
class CouncilEntry:
    council_id: int
    name: str
    view_year: int
    type_path: str
    type_names: tuple[str | None, ...]  # council_type_name1..5
    meetings: list[Meeting] = field(default_factory=list)

    @property
    def is_document(self) -> bool:
        return self.type_names[0] == "資料"


# -- business days ---------------------------------------------------------------------------
def _nth_monday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


@functools.cache
def holidays(year: int) -> frozenset[dt.date]:
    """Japanese public holidays that can fall inside a council session, plus 年末年始."""
    d = dt.date
    # Equinox days by the usual approximation (valid for 1980–2099).
    spring = int(20.8431 + 0.242194 * (year - 1980) - (year - 1980) // 4)
    autumn = int(23.2488 + 0.242194 * (year - 1980) - (year - 1980) // 4)
    days = {
        d(year, 1, 1), d(year, 1, 2), d(year, 1, 3), _nth_monday(year, 1, 2), d(year, 2, 11),
        d(year, 3, spring), d(year, 4, 29), d(year, 5, 3), d(year, 5, 4), d(year, 5, 5),
        _nth_monday(year, 7, 3), d(year, 8, 11), _nth_monday(year, 9, 3), d(year, 9, autumn),
        _nth_monday(year, 10, 2), d(year, 11, 3), d(year, 11, 23), d(year, 12, 29), d(year, 12, 30),
        d(year, 12, 31),
    }
    if year != 2019:  # 天皇誕生日 moved from 12/23 to 2/23 with the 2019 succession (none that year)
        days.add(d(year, 2, 23) if year >= 2020 else d(year, 12, 23))
    for day in list(days):  # 振替休日
        if day.weekday() == 6:
            nxt = day + dt.timedelta(days=1)
            while nxt in days:
                nxt += dt.timedelta(days=1)
            days.add(nxt)
    return frozenset(days)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def business_day_on_or_after(day: dt.date) -> dt.date:
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def add_business_days(day: dt.date, n: int) -> dt.date:
    for _ in range(n):
        day = business_day_on_or_after(day + dt.timedelta(days=1))
    return day


# -- planning ---------------------------------------------------------------------------------
def years_for(speeches: int) -> int:
    """About four years for 5,000 speeches, growing logarithmically, never beyond twelve."""
    return max(1, min(12, round(4 + 3.2 * math.log10(speeches / 5000))))


def level_for(speeches_per_session: float) -> int:
    thresholds = (400, 3000, 10000)
    return sum(speeches_per_session >= t for t in thresholds)


@dataclass(frozen=True)
class _Plan:
    session: Session
    day_type: str
    date: dt.date
    committee: str | None


def _plan_session(session: Session, level: int) -> list[_Plan]:
    ippan_days, committee_days, yosan_days, kessan_days, per_day = LEVELS[level]
    if session.kind == "臨時会":
        return [_Plan(session, "rinji", session.start, None)]
    plans = [_Plan(session, "daihyo", session.start, None)]
    day = add_business_days(session.start, 2)
    for _ in range(ippan_days):
        plans.append(_Plan(session, "ippan", day, None))
        day = add_business_days(day, 1)
    day = add_business_days(day, 1)
    slots = [c for _ in range(committee_days) for c, _ in STANDING_COMMITTEES]
    for i in range(0, len(slots), per_day):  # several committee rooms sit on the same day
        for committee in slots[i:i + per_day]:
            plans.append(_Plan(session, "committee", day, committee))
        day = add_business_days(day, 1)
    special = {
        1: (BUDGET_COMMITTEE[0], "yosan", yosan_days),
        3: (SETTLEMENT_COMMITTEE[0], "kessan", kessan_days),
    }
    if session.number in special:
        committee, day_type, days = special[session.number]
        day = add_business_days(day, 1)
        for _ in range(days):
            plans.append(_Plan(session, day_type, day, committee))
            day = add_business_days(day, 1)
    plans.append(_Plan(session, "final", add_business_days(day, 1), None))
    return plans


def _sessions(seed: int, years: range) -> list[Session]:
    sessions = []
    for year in years:
        if year in ELECTION_YEARS:
            rng = random.Random(f"{seed}:calendar:{year}:rinji")
            start = business_day_on_or_after(dt.date(year, 5, 10 + rng.randrange(5)))
            sessions.append(Session(year, 1, "臨時会", start))
        for number, month, first_day in REGULAR_SESSIONS:
            rng = random.Random(f"{seed}:calendar:{year}:{number}")
            start = business_day_on_or_after(dt.date(year, month, first_day + rng.randrange(6)))
            sessions.append(Session(year, number, "定例会", start))
    return sorted(sessions, key=lambda s: s.start)


def _allocate(total: int, weights: list[float], minimums: list[int], maximums: list[float]) -> list[int]:
    """Split ``total`` into integers within [minimum, maximum], proportional to weights."""
    capped: dict[int, int] = {}
    while True:
        free = [i for i in range(len(weights)) if i not in capped]
        if not free:  # everything capped: the last sitting takes the rest
            counts = [capped[i] for i in range(len(weights))]
            counts[-1] += total - sum(counts)
            return counts
        counts = _proportional(total - sum(capped.values()), [weights[i] for i in free],
                               [minimums[i] for i in free])
        over = [(i, c) for i, c in zip(free, counts, strict=True) if c > maximums[i]]
        if not over:
            out = dict(zip(free, counts, strict=True)) | capped
            return [out[i] for i in range(len(weights))]
        for i, _ in over:
            capped[i] = int(maximums[i])


def _proportional(total: int, weights: list[float], minimums: list[int]) -> list[int]:
    """Integers >= minimums summing to ``total``, proportional to weights (largest remainder)."""
    spare = total - sum(minimums)
    wsum = sum(weights)
    quotas = [spare * w / wsum for w in weights]
    counts = [m + math.floor(q) for m, q in zip(minimums, quotas, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - math.floor(quotas[i])), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class Calendar:
    """Councils and meetings for a corpus of ``speeches`` speech blocks."""

    def __init__(self, speeches: int, seed: int) -> None:
        if speeches < 1:
            raise ValueError("speeches must be at least 1")
        years = years_for(speeches)
        sessions = _sessions(seed, range(LAST_YEAR - years + 1, LAST_YEAR + 1))
        level = level_for(speeches / (4 * years))
        plans = [p for s in sessions for p in _plan_session(s, level)]
        minimums = [DAY_MINIMUM.get(p.day_type, DEFAULT_MINIMUM) for p in plans]
        # A tiny corpus cannot fill every sitting: drop the oldest sittings until it fits.
        while len(plans) > 1 and sum(minimums) > speeches:
            plans, minimums = plans[1:], minimums[1:]
        minimums = [min(m, speeches) for m in minimums]
        weights = []
        for p in plans:
            rng = random.Random(f"{seed}:weight:{p.date.isoformat()}:{p.day_type}:{p.committee}")
            weights.append(DAY_WEIGHT[p.day_type] * rng.uniform(0.75, 1.25))
        maximums = [DAY_MAXIMUM.get(p.day_type, math.inf) for p in plans]
        counts = _allocate(speeches, weights, minimums, maximums)
        self.councils: list[CouncilEntry] = []
        self.meetings: list[Meeting] = []
        self._build(plans, counts)
        self.by_id = {c.council_id: c for c in self.councils}
        self._session_end: dict[Session, dt.date] = {}
        for m in self.meetings:
            self._session_end[m.session] = max(m.date, self._session_end.get(m.session, m.date))
        self.meetings.sort(key=lambda m: (m.date, m.council_id, m.schedule_id))
        self.first_day = self.meetings[0].date
        self.last_day = self.meetings[-1].date

    def _build(self, plans: list[_Plan], counts: list[int]) -> None:
        next_id = FIRST_COUNCIL_ID
        by_session: dict[Session, list[tuple[_Plan, int]]] = {}
        for plan, count in zip(plans, counts, strict=True):
            by_session.setdefault(plan.session, []).append((plan, count))
        for session, items in by_session.items():
            groups: dict[str | None, list[tuple[_Plan, int]]] = {}
            for plan, count in items:
                groups.setdefault(plan.committee, []).append((plan, count))
            for committee, group in groups.items():
                entry = self._council_entry(next_id, session, committee)
                next_id += 1
                page = 1
                for i, (plan, count) in enumerate(sorted(group, key=lambda pc: pc[0].date)):
                    meeting = Meeting(
                        council_id=entry.council_id, schedule_id=i + 2, number=i + 1, date=plan.date,
                        day_type=plan.day_type, speeches=count, page_no=page, committee=committee,
                        session=session, council_name=entry.name,
                    )
                    page += pages_for(count)
                    entry.meetings.append(meeting)
                    self.meetings.append(meeting)
                self.councils.append(entry)
            # Like real tenants, list session documents next to the minutes; crawlers must skip them.
            documents = [("会議日程", 10)] + ([("質問一覧表", 12)] if session.kind == "定例会" else [])
            for label, path_id in documents:
                self.councils.append(CouncilEntry(
                    council_id=next_id, name=f"{session.short_name}{SP}{label}", view_year=session.start.year,
                    type_path=f"/0/2/{path_id}/", type_names=("資料", label, None, None, None),
                ))
                next_id += 1

    @staticmethod
    def _council_entry(council_id: int, session: Session, committee: str | None) -> CouncilEntry:
        year = session.start.year
        if committee is None:
            path = "/0/1/3/6/" if session.kind == "定例会" else "/0/1/3/7/"
            return CouncilEntry(council_id, session.council_name, year, path,
                                ("全会議", "本会議", session.kind, None, None))
        standing = dict(STANDING_COMMITTEES)
        if committee in standing:
            path, kind = f"/0/1/4/8/{standing[committee]}/", "常任委員会"
        else:
            special = dict((BUDGET_COMMITTEE, SETTLEMENT_COMMITTEE))
            path, kind = f"/0/1/4/9/{special[committee]}/", "特別委員会"
        name = f"{names.COUNCIL}{committee}（{session.council_name}）"
        return CouncilEntry(council_id, name, year, path, ("全会議", "委員会", kind, committee, None))

    def meeting(self, council_id: int, schedule_id: int) -> Meeting:
        entry = self.by_id[council_id]
        for m in entry.meetings:
            if m.schedule_id == schedule_id:
                return m
        raise KeyError((council_id, schedule_id))

    def next_sitting(self, meeting: Meeting) -> Meeting | None:
        """The next sitting of the same council (for 'the next meeting opens on …')."""
        entry = self.by_id[meeting.council_id]
        later = [m for m in entry.meetings if m.schedule_id > meeting.schedule_id]
        return later[0] if later else None

    def session_end(self, session: Session) -> dt.date:
        return self._session_end[session]


def pages_for(speeches: int) -> int:
    """Printed pages a sitting takes: the 名簿 page plus about four speeches a page."""
    return 2 + speeches // 4
