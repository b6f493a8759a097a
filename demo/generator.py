"""DemoCouncil: a deterministic, fictional ward council (架空区) behind a DiscussNet SSP facade.

The JSON bodies it returns copy the shapes, key order, value types and typesetting of real
DiscussNet SSP responses (see ../shared/fixtures/minutes-systems/discussnet-ssp/). Only the
calendar is computed up front; a sitting's 名簿 and speeches are generated when asked for, from
a ``random.Random`` seeded with "{seed}:{council_id}:{schedule_id}", so any process produces the
same bytes in any request order, and a million-speech corpus costs nothing until it is crawled.

``truth()`` yields what a correct crawler and parser must extract from those responses.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from . import meibo, names, pages
from .jpformat import SP, era_of_year, era_year, fiscal_year_label, fw
from .meibo import Attendance
from .people import Member, Official, People
from .schedule import Calendar, Meeting
from .speeches import write_meeting
from .topics import (
    BUDGET_COMMITTEE,
    COMMITTEE_DEPTS,
    ORDINANCES,
    SETTLEMENT_COMMITTEE,
    STANDING_COMMITTEES,
    TOPICS,
    TOPICS_BY_COMMITTEE,
    Topic,
)
from .writer import Block, MeetingContext, split_34

KIND_PLENARY = "本会議"
KIND_COMMITTEE = "委員会"
START = 10 * 60  # every sitting opens at 午前１０時
ROOMS = ("第一委員会室", "第二委員会室", "第三委員会室")


def normalise_session(council_name: str) -> str:
    """'令和　６年第１回　２月定例会' -> '令和6年第1回2月定例会' (NFKC, no whitespace)."""
    return "".join(unicodedata.normalize("NFKC", council_name).split())


@dataclass(frozen=True)
class _Setup:
    """Everything about a sitting except its speeches: cheap, and needed by get_schedule."""

    meeting: Meeting
    chair: Member
    chair_role: str
    vice: Member | None
    vice_role: str | None
    roster: list[Member]  # who was expected: the council or the committee
    absent: list[Member]
    answerers: dict[str, Official]
    officials: list[tuple[str, Official]]  # as listed under 説明員
    end: int
    agenda: list[str]
    reporters: list[tuple[str, Member]]
    new_chair: Member | None
    body: str  # the 名簿 block, '<pre>…</pre>'

    @property
    def present(self) -> list[Member]:
        return [m for m in self.roster if m not in self.absent]


class DemoCouncil:
    """A fictional ward council with ``speeches`` speech blocks in total (±0: the count is exact)."""

    tenant_slug = "demo"
    tenant_id = 9001
    name = names.WARD

    def __init__(self, speeches: int = 5000, seed: int = 0) -> None:
        self.seed = seed
        self.calendar = Calendar(speeches, seed)
        self.people = People(seed, self.calendar.first_day, self.calendar.last_day)
        # Per-instance caches: a crawler asks for a sitting's schedule, minutes and page in turn.
        self._setup = functools.lru_cache(maxsize=256)(self._make_setup)
        self._blocks = functools.lru_cache(maxsize=16)(self._make_blocks)
        self._interests: dict[str, tuple[Topic, ...]] = {}

    # -- the DiscussNet API ----------------------------------------------------------------
    def tenant_js(self) -> str:
        return f"dnp.params.tenant_id = {self.tenant_id}"

    def councils_index(self) -> dict:
        years: dict[int, dict[str, list]] = {}
        for entry in self.calendar.councils:
            types = years.setdefault(entry.view_year, {})
            types.setdefault(entry.type_path, [entry.type_names, []])[1].append(entry)
        view_years = []
        for year in sorted(years, reverse=True):
            council_types = []
            for path in sorted(years[year], key=lambda p: [int(x) for x in p.strip("/").split("/")]):
                type_names, entries = years[year][path]
                council_types.append({
                    "council_type_path": path,
                    **{f"council_type_name{i + 1}": n for i, n in enumerate(type_names)},
                    "councils": [{"council_id": e.council_id, "name": e.name, "postit_count": 0}
                                 for e in sorted(entries, key=lambda e: e.council_id)],
                })
            view_years.append({
                "view_year": str(year),
                "japanese_year": era_year(*era_of_year(year), full_width=False),
                "council_type": council_types,
            })
        return {"councils": [{"view_years": view_years}]}

    def schedules(self, council_id: int) -> dict:
        entry = self.calendar.by_id[council_id]  # KeyError for an unknown council
        return {"council_schedules": [
            {"schedule_id": m.schedule_id, "name": m.schedule_name, "page_no": m.page_no, "hit_count": 0,
             "postit_count": 0, "member_list": self._setup(m.council_id, m.schedule_id).body}
            for m in entry.meetings
        ]}

    def minute(self, council_id: int, schedule_id: int) -> dict:
        setup = self._setup(council_id, schedule_id)
        page = setup.meeting.page_no
        minutes = [_minute_json(1, "（名簿）", page, setup.body, "名簿", 2)]
        for i, b in enumerate(self._blocks(council_id, schedule_id)):
            body = "<pre>" + html.escape(f"{b.marker}{b.title}{SP}{b.text}", quote=False) + "\n</pre>"
            minutes.append(_minute_json(i + 3, b.title, page + 1 + i // 4, body, b.minute_type, b.code))
        return {"tenant_minutes": minutes}

    def minute_view_html(self, council_id: int, schedule_id: int) -> str:
        setup = self._setup(council_id, schedule_id)
        m = setup.meeting
        inner = html.unescape(setup.body.removeprefix("<pre>").removesuffix("\n</pre>"))
        blocks = self._blocks(council_id, schedule_id)
        speeches = ((i + 3, b.speaker_raw, b.text) for i, b in enumerate(blocks))
        return pages.minute_view_html(m.council_name, m.schedule_name, m.date, inner, speeches)

    def roster_html(self) -> str:
        day = self.calendar.last_day
        return pages.roster_html(names.COUNCIL, self.people.seated(day), day)

    def stance_page_html(self, name: str) -> str:
        """/gikai/taido/index.html and /gikai/taido/<会議 id>.html: 各会派等の議案への賛否 (demo/votes.py)."""
        from . import votes

        return votes.stance_page_index(self) if name == "index.html" else votes.stance_page_html(self, name)

    # -- ground truth ----------------------------------------------------------------------
    def members(self) -> list[dict]:
        return [m.as_dict() for m in self.people.members]

    def total_speeches(self) -> int:
        return sum(m.speeches for m in self.calendar.meetings)

    def meeting_ids(self) -> list[tuple[int, int]]:
        """(council_id, schedule_id) of every sitting, in calendar order."""
        return [(m.council_id, m.schedule_id) for m in self.calendar.meetings]

    def truth(self) -> Iterator[dict]:
        for m in self.calendar.meetings:
            setup = self._setup(m.council_id, m.schedule_id)
            blocks = self._make_blocks(m.council_id, m.schedule_id)  # uncached: a full pass evicts anyway
            yield {
                "ext_council_id": m.council_id,
                "ext_schedule_id": m.schedule_id,
                # As the spider files it: the platform's 会議 name, NFKC and unspaced. A committee's
                # 会議 name carries its 定例会 in brackets: 架空区議会企画総務委員会(令和6年第1回2月定例会).
                "session": normalise_session(m.council_name),
                "kind": KIND_PLENARY if m.plenary else KIND_COMMITTEE,
                "committee": m.committee,
                "date": m.date.isoformat(),
                "schedule_name": m.schedule_name,
                "council_name": m.council_name,
                "speeches": [
                    {"minute_id": i + 3, "seq": i + 1, "speaker_raw": b.speaker_raw,
                     "speaker_name": b.speaker_name, "speaker_role": b.speaker_role, "member": b.member,
                     "kind": b.kind, "text": b.text}
                    for i, b in enumerate(blocks)
                ],
                "attendance": [
                    {"seat": p.seat, "name": p.name, "status": "absent" if p in setup.absent else "present"}
                    for p in sorted(setup.roster, key=lambda p: p.seat)
                ],
            }

    # -- generation ------------------------------------------------------------------------
    def _interests_of(self, member: Member) -> tuple[Topic, ...]:
        if member.name not in self._interests:
            rng = random.Random(f"{self.seed}:interests:{member.name}")
            self._interests[member.name] = tuple(rng.sample(TOPICS, 3))
        return self._interests[member.name]

    def _make_blocks(self, council_id: int, schedule_id: int) -> tuple[Block, ...]:
        setup = self._setup(council_id, schedule_id)
        m = setup.meeting
        nxt = self.calendar.next_sitting(m)
        ctx = MeetingContext(
            day_type=m.day_type, date=m.date, session_label=m.session.label, session_number=m.session.number,
            number=m.number,
            committee=m.committee, chair=setup.chair, chair_role=setup.chair_role, vice=setup.vice,
            vice_role=setup.vice_role, present=[p for p in setup.present if p is not setup.chair],
            answerers=setup.answerers,
            topics=TOPICS_BY_COMMITTEE.get(m.committee or "", TOPICS),
            interests=self._interests_of, start=START, end=setup.end,
            agenda=setup.agenda[0] if m.committee else "",
            next_day=nxt.date if nxt else None, session_end=self.calendar.session_end(m.session),
            reporters=setup.reporters, bills=setup.agenda if m.day_type == "final" else [],
            new_chair=setup.new_chair,
        )
        rng = random.Random(f"{self.seed}:{council_id}:{schedule_id}")
        blocks = write_meeting(ctx, m.speeches, rng)
        assert len(blocks) == m.speeches, (council_id, schedule_id, len(blocks), m.speeches)
        return tuple(blocks)

    def _make_setup(self, council_id: int, schedule_id: int) -> _Setup:
        m = self.calendar.meeting(council_id, schedule_id)  # KeyError for unknown ids
        rng = random.Random(f"{self.seed}:{council_id}:{schedule_id}:attendance")
        officers = self.people.officers(m.date)
        seated = self.people.seated(m.date)
        secretariat = self.people.secretariat(m.date)
        # A long sitting runs into the evening, but even a budget committee stops by 21:30.
        minutes = 20 + m.speeches * 4 + rng.randint(0, 20) + (60 if m.speeches >= 26 else 0)
        end = min(START + minutes, 21 * 60 + rng.randint(0, 29))
        new_chair = None
        if m.plenary:
            chair, chair_role, vice, vice_role = officers.chair, "議長", officers.vice_chair, "副議長"
            if m.day_type == "rinji":  # the most senior member presides until a 議長 is elected
                new_chair = officers.chair
                chair = min(seated, key=lambda p: (p.first_elected, p.seat))
                chair_role, vice = "臨時議長", None
            roster = seated
            k = rng.choices((0, 1, 2), weights=(55, 30, 15))[0]
        else:
            committee = officers.committees[m.committee]
            chair, chair_role, vice, vice_role = committee.chair, "委員長", committee.vice, "副委員長"
            roster = list(committee.members)
            k = rng.choices((0, 1), weights=(80, 20))[0]
        keep = {id(chair), id(vice), id(new_chair)}
        absent = sorted(rng.sample([p for p in roster if id(p) not in keep], k), key=lambda p: p.seat)
        officials, answerers = self._officials(m)
        agenda = self._agenda(m, rng)
        reporters: list[tuple[str, Member]] = []
        if m.day_type == "final":
            reporters = self._reporters(m, officers, absent)
            agenda = self._bills(m, rng, reporters)
        setup = _Setup(m, chair, chair_role, vice, vice_role, roster, absent, answerers, officials, end,
                       agenda, reporters, new_chair, body="")
        return dataclasses.replace(setup, body=self._meibo(setup, secretariat))

    def _officials(self, m: Meeting) -> tuple[list[tuple[str, Official]], dict[str, Official]]:
        executives = self.people.executives(m.date)
        if m.plenary:
            listed = [(post, person) for post, _, person in executives]
            answerers: dict[str, Official] = {}
            for _, title, person in executives:
                answerers.setdefault(title, person)
            return listed, answerers
        if m.committee in COMMITTEE_DEPTS:
            depts = COMMITTEE_DEPTS[m.committee]
        else:  # budget and settlement committees hear every department
            depts = tuple(t for _, t, _ in executives if t.endswith(("部長", "次長")))
        by_title = {title: (post, person) for post, title, person in executives}
        listed, answerers = [], {}
        for dept in depts:
            post, person = by_title[dept]
            listed.append((post, person))
            answerers[dept] = person
            for section, official in self.people.sections(dept, m.date):
                listed.append((section, official))
                answerers[section] = official
        return listed, answerers

    def _agenda(self, m: Meeting, rng: random.Random) -> list[str]:
        if m.day_type == "daihyo":
            return ["会議録署名議員の指名", "会期の決定", "区長の招集挨拶", "代表質問"]
        if m.day_type == "ippan":
            return ["一般質問"]
        if m.day_type == "rinji":
            return ["議長の選挙", "副議長の選挙", "議席の指定", "常任委員の選任", "議会運営委員の選任"]
        if m.day_type == "yosan":
            return [f"議案第１号{SP}{fiscal_year_label(m.date, 1)}{names.WARD}一般会計予算"]
        if m.day_type == "kessan":
            return [f"認定第１号{SP}{fiscal_year_label(m.date, -1)}{names.WARD}一般会計歳入歳出決算"]
        if m.committee:
            ordinance = rng.choice(ORDINANCES[m.committee])
            return [f"議案第{fw(rng.randint(2, 60))}号{SP}{names.WARD}{ordinance}の一部を改正する条例"]
        return []  # final: replaced by the bills

    def _reporters(self, m: Meeting, officers, absent: list[Member]) -> list[tuple[str, Member]]:
        committees = [c for c, _ in STANDING_COMMITTEES]
        if m.session.number == 1:
            committees.insert(0, BUDGET_COMMITTEE[0])
        if m.session.number == 3:
            committees.insert(0, SETTLEMENT_COMMITTEE[0])
        out = []
        for c in committees:
            chair = officers.committees[c].chair
            if chair not in absent and chair is not officers.chair:
                out.append((c, chair))
        return out

    def _bills(self, m: Meeting, rng: random.Random, reporters: list[tuple[str, Member]]) -> list[str]:
        room = max(0, m.speeches - 4)  # the final day's opening and closing take four blocks
        count = len(split_34(room)[0]) if reporters else room // 2  # one bill per report or vote unit
        committees = [c for c, _ in reporters] or [c for c, _ in STANDING_COMMITTEES]
        number = rng.randint(3, 20)
        bills = []
        for i in range(count):
            committee = committees[i % len(committees)]
            if committee == BUDGET_COMMITTEE[0]:
                bills.append(f"議案第１号{SP}{fiscal_year_label(m.date, 1)}{names.WARD}一般会計予算")
                continue
            if committee == SETTLEMENT_COMMITTEE[0]:
                bills.append(f"認定第１号{SP}{fiscal_year_label(m.date, -1)}{names.WARD}一般会計歳入歳出決算")
                continue
            ordinance = rng.choice(ORDINANCES[committee])
            bills.append(f"議案第{fw(number)}号{SP}{names.WARD}{ordinance}の一部を改正する条例")
            number += 1
        return bills

    def _meibo(self, s: _Setup, secretariat: list[tuple[str, Official]]) -> str:
        m = s.meeting
        attendance = Attendance(present=s.present, absent=s.absent)
        if m.plenary:
            text = meibo.plenary_meibo(
                council_name=m.council_name, session_label=m.session.label, number=m.number, day=m.date,
                start=START, end=s.end, opening_day=m.number == 1,
                closing_day=m.day_type in ("final", "rinji"),
                agenda=s.agenda, attendance=attendance, officials=s.officials, secretariat=secretariat,
            )
        else:
            text = meibo.committee_meibo(
                council_name=m.council_name, committee=m.committee or "", day=m.date, start=START, end=s.end,
                room=ROOMS[m.schedule_id % len(ROOMS)], chair=s.chair, vice=s.vice or s.chair,
                attendance=attendance, officials=s.officials, secretariat=secretariat[:2],
                agenda=s.agenda[0],
            )
        inner = text.removeprefix("<pre>").removesuffix("\n</pre>")
        return "<pre>" + html.escape(inner, quote=False) + "\n</pre>"


def _minute_json(minute_id: int, title: str, page_no: int, body: str, minute_type: str, code: int) -> dict:
    # Key order and value types as in the recorded get_minute responses.
    return {
        "minute_id": minute_id, "title": title, "page_no": page_no, "hit_count": 0, "body": body,
        "minute_anchor_id": "", "minute_type": minute_type, "minute_type_code": code, "speech_type": None,
        "minute_link": [],
    }
