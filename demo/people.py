"""Who sits in 架空区議会 and who answers for the ward, at any date.

Everything is derived up front from the seed (it is small: ~60 members, ~100 officials), with
``random.Random`` seeded from descriptive strings so that results never depend on the process,
on ``hash()`` or on the order in which meetings are requested.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from . import names
from .jpformat import fiscal_year, spaced_name

# Tokyo's unified local elections (統一地方選挙, second half): every ward votes on these days.
ELECTIONS: tuple[dt.date, ...] = (
    dt.date(1999, 4, 25), dt.date(2003, 4, 27), dt.date(2007, 4, 22), dt.date(2011, 4, 24),
    dt.date(2015, 4, 26), dt.date(2019, 4, 21), dt.date(2023, 4, 23),
)
REELECTION_RATE = 0.8
COMMITTEE_SIZE_SPECIAL = 9


@dataclass(frozen=True)
class Member:
    name: str  # as published on the roster, may hold variant kanji
    surname: str
    given: str
    kana: str
    faction: str
    seat: int
    first_elected: dt.date
    left: dt.date | None

    @property
    def printed(self) -> str:
        """The name as the minutes' speech titles print it (variant kanji folded, as Shift_JIS forced)."""
        return self.name.translate(names.JIS_FOLD)

    @property
    def spaced(self) -> str:
        return spaced_name(self.surname, self.given)

    def seated_on(self, day: dt.date) -> bool:
        return self.first_elected <= day and (self.left is None or day < self.left)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "kana": self.kana,
            "faction": self.faction,
            "seat": self.seat,
            "first_elected": self.first_elected.isoformat(),
            "left": self.left.isoformat() if self.left else None,
        }


@dataclass(frozen=True)
class Official:
    """A ward executive, manager or council clerk. Not a council member."""

    surname: str
    given: str

    @property
    def name(self) -> str:
        return self.surname + self.given

    @property
    def spaced(self) -> str:
        return spaced_name(self.surname, self.given)


@dataclass(frozen=True)
class Committee:
    name: str
    chair: Member
    vice: Member
    members: tuple[Member, ...]  # by seat, chair and vice included


@dataclass
class Officers:
    """Office holders for one council year (May to April, as 議長 are chosen each May)."""

    chair: Member
    vice_chair: Member
    committees: dict[str, Committee] = field(default_factory=dict)


class _NamePool:
    """Hands out people's names that are unique once variant kanji are folded, so that every
    speaker in the minutes resolves to exactly one person."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, rng: random.Random, *, surname: tuple[str, str] | None = None,
             hiragana_ok: bool = False) -> tuple[str, str, str]:
        while True:
            sur, sur_kana = surname or rng.choice(names.SURNAMES)
            female = rng.random() < 0.4
            if hiragana_ok and rng.random() < 0.18:
                pool = [g for g, sex in names.HIRAGANA_GIVEN if (sex == "female") == female]
                given = rng.choice(pool)
                given_kana = given
                if surname is None and rng.random() < 0.3:  # whole name in hiragana: 'たかはしのりこ'
                    sur = sur_kana
            else:
                given, given_kana = rng.choice(names.FEMALE_GIVEN if female else names.MALE_GIVEN)
            key = (sur + given).translate(names.JIS_FOLD)
            if key not in self._taken:
                self._taken.add(key)
                return sur, given, sur_kana + given_kana
            surname = None  # a forced variant surname collided; fall back to any surname


def _faction_draw(rng: random.Random) -> str:
    factions = [f for f, _ in names.FACTIONS]
    weights = [w for _, w in names.FACTIONS]
    return rng.choices(factions, weights=weights)[0]


class People:
    """Members, officers and officials of the demo ward between ``start`` and ``end``."""

    def __init__(self, seed: int, start: dt.date, end: dt.date) -> None:
        self.seed = seed
        self.start = start
        self.end = end
        self._pool = _NamePool()
        self.members: list[Member] = self._elect_members()
        self._officers: dict[int, Officers] = {}
        self._posts = self._appoint_officials()

    # -- members ---------------------------------------------------------------------------
    def _elect_members(self) -> list[Member]:
        rng = random.Random(f"{self.seed}:members")
        first = max(e for e in ELECTIONS if e <= self.start) if self.start >= ELECTIONS[0] else ELECTIONS[0]
        earlier = [e for e in ELECTIONS if e <= first]
        # Exact faction sizes for the first council, so the demo always has a clear majority.
        factions = [f for f, size in names.FACTIONS for _ in range(size)]
        rng.shuffle(factions)
        variant_slots = dict(zip(rng.sample(range(names.SEATS), 4), names.VARIANT_SURNAMES[:4], strict=True))
        sitting: dict[int, dict] = {}
        for i in range(names.SEATS):
            sur, given, kana = self._pool.take(rng, surname=variant_slots.get(i), hiragana_ok=True)
            seniority = rng.choices(earlier[-4:], weights=[1, 2, 3, 5][-len(earlier[-4:]):])[0]
            sitting[i + 1] = dict(name=sur + given, surname=sur, given=given, kana=kana,
                                  faction=factions[i], seat=i + 1, first_elected=seniority, left=None)
        done: list[Member] = []
        for election in (e for e in ELECTIONS if first < e <= self.end):
            for seat in range(1, names.SEATS + 1):
                if rng.random() < REELECTION_RATE:
                    continue
                done.append(Member(**{**sitting[seat], "left": election}))
                variant = names.VARIANT_SURNAMES[4 + len(done) % 2] if rng.random() < 0.1 else None
                sur, given, kana = self._pool.take(rng, surname=variant, hiragana_ok=True)
                sitting[seat] = dict(name=sur + given, surname=sur, given=given, kana=kana,
                                     faction=_faction_draw(rng), seat=seat, first_elected=election, left=None)
        done.extend(Member(**m) for m in sitting.values())
        return sorted(done, key=lambda m: (m.first_elected, m.seat))

    def seated(self, day: dt.date) -> list[Member]:
        return sorted((m for m in self.members if m.seated_on(day)), key=lambda m: m.seat)

    # -- officers --------------------------------------------------------------------------
    def officers(self, day: dt.date) -> Officers:
        """議長, 副議長 and committee seats; reassigned every May (and so after every election)."""
        period = day.year if day.month >= 5 else day.year - 1
        if period not in self._officers:
            self._officers[period] = self._assign_officers(period, day)
        return self._officers[period]

    def _assign_officers(self, period: int, day: dt.date) -> Officers:
        from .topics import BUDGET_COMMITTEE, SETTLEMENT_COMMITTEE, STANDING_COMMITTEES

        rng = random.Random(f"{self.seed}:officers:{period}")
        seated = self.seated(day)
        by_faction: dict[str, list[Member]] = {}
        for m in seated:
            by_faction.setdefault(m.faction, []).append(m)
        ranked = sorted(by_faction, key=lambda f: (-len(by_faction[f]), f))
        # The chair comes from the largest group and is one of its most senior members.
        senior = sorted(by_faction[ranked[0]], key=lambda m: (m.first_elected, m.seat))
        chair = rng.choice(senior[:3])
        vice_pool = by_faction[ranked[1]] if len(ranked) > 1 else [m for m in seated if m is not chair]
        vice_chair = rng.choice(vice_pool)
        officers = Officers(chair=chair, vice_chair=vice_chair)
        others = [m for m in seated if m is not chair]
        rng.shuffle(others)
        groups = [others[i::len(STANDING_COMMITTEES)] for i in range(len(STANDING_COMMITTEES))]
        for (name, _), group in zip(STANDING_COMMITTEES, groups, strict=True):
            officers.committees[name] = self._committee(rng, name, group)
        for name, _ in (BUDGET_COMMITTEE, SETTLEMENT_COMMITTEE):
            group = rng.sample(others, min(COMMITTEE_SIZE_SPECIAL, len(others)))
            officers.committees[name] = self._committee(rng, name, group)
        return officers

    @staticmethod
    def _committee(rng: random.Random, name: str, group: list[Member]) -> Committee:
        chair, vice = rng.sample(group, 2)
        members = tuple(sorted(group, key=lambda m: m.seat))
        return Committee(name=name, chair=chair, vice=vice, members=members)

    # -- officials -------------------------------------------------------------------------
    def _appoint_officials(self) -> dict[str, list[tuple[int, Official]]]:
        """For every post, the holders over the years: [(first fiscal year, official), ...].

        Posts change hands on 1 April; 部長 and 課長 rotate every two or three years, the
        elected 区長 and the 教育長 stay longer.
        """
        first_fy, last_fy = fiscal_year(self.start) - 1, fiscal_year(self.end)
        posts: list[str] = []
        for i, (_, title) in enumerate(names.EXECUTIVE_POSTS):
            posts.append(f"{title}#{i}" if title == "副区長" else title)
        for sections in names.SECTION_POSTS.values():
            posts.extend(sections)
        posts.extend(names.SECRETARIAT_POSTS)
        tenure = {"区長": (8, 12), "教育長": (3, 6), "副区長#1": (4, 4), "副区長#2": (4, 6)}
        holders: dict[str, list[tuple[int, Official]]] = {}
        for post in posts:
            rng = random.Random(f"{self.seed}:post:{post}")
            lo, hi = tenure.get(post, (2, 3))
            fy = first_fy - rng.randrange(0, lo)  # staggered, so not every post changes in one year
            terms = []
            while fy <= last_fy:
                sur, given, _ = self._pool.take(rng)
                terms.append((fy, Official(sur, given)))
                fy += rng.randint(lo, hi)
            holders[post] = terms
        return holders

    def official(self, post: str, day: dt.date) -> Official:
        fy = fiscal_year(day)
        current = self._posts[post][0][1]
        for start, person in self._posts[post]:
            if start <= fy:
                current = person
        return current

    def executives(self, day: dt.date) -> list[tuple[str, str, Official]]:
        """[(post as listed in 名簿, post as printed in speech titles, official)] in 名簿 order."""
        out = []
        for i, (listed, title) in enumerate(names.EXECUTIVE_POSTS):
            key = f"{title}#{i}" if title == "副区長" else title
            out.append((listed, title, self.official(key, day)))
        return out

    def sections(self, dept: str, day: dt.date) -> list[tuple[str, Official]]:
        return [(post, self.official(post, day)) for post in names.SECTION_POSTS.get(dept, ())]

    def secretariat(self, day: dt.date) -> list[tuple[str, Official]]:
        return [(post, self.official(post, day)) for post in names.SECRETARIAT_POSTS]
