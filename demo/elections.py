"""The demo ward's election history: turnout for every 区議会議員選挙 and 区長選挙 since 1999,
candidates' results for the elections its members come from, and turnout by age group for
the latest one. Fictional, deterministic (seeded), and consistent with the demo's people: the
winners of each election are exactly the members seated after it, under the names the roster
prints, so the candidate → member link works end to end; the 区長 elected is the one who
answers in the minutes afterwards.

The frames have the importer's column names (pipeline/elections.py), and `write_files` writes
them where `pipeline.elections.load_reference(con, directory)` reads them, so the demo's
figures go through the same validation as a real commission's file.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from oshigiin.minutes.normalize import normalize_name

from . import names
from .generator import DemoCouncil
from .people import ELECTIONS, Member

AREA = "demo"
SOURCE = "架空区選挙管理委員会「選挙の記録」（架空: demo/elections.py が生成）"
COUNCIL_TYPE, MAYOR_TYPE = "区議会議員選挙", "区長選挙"
# Age groups as ward commissions print them, with each group's share of the electorate and how
# far its turnout sits from the ward's (the familiar shape: young people vote least).
AGE_GROUPS = (("18・19歳", 0.02, -8.0), ("20〜24歳", 0.06, -17.0), ("25〜29歳", 0.08, -14.0),
              ("30代", 0.16, -9.0), ("40代", 0.18, -3.0), ("50代", 0.17, 3.0), ("60代", 0.13, 9.0),
              ("70代", 0.12, 13.0), ("80歳以上", 0.08, -1.0))
ELECTION_COLUMNS = ("area_id", "area_name", "election_type", "date", "electorate", "voters", "turnout", "seats",
                    "candidates", "status", "source", "source_url", "note")
RESULT_COLUMNS = ("area_id", "election_type", "date", "rank", "name", "party", "votes", "elected", "status",
                  "source")
GROUP_COLUMNS = ("area_id", "election_type", "date", "group_kind", "group", "electorate", "voters", "turnout",
                 "status", "source", "note")


def _ballot(surname: str, given: str) -> str:
    """Ballot lists print the surname and the given name apart: 「佐藤　花子」."""
    return f"{surname}\u3000{given}"


def _turnout(voters: int, electorate: int) -> str:
    return f"{voters * 100 / electorate:.2f}"


class _History:
    def __init__(self, council: DemoCouncil):
        self.council = council
        self.people = council.people
        self.rng = random.Random(f"{council.seed}:elections")
        first_day, last_day = council.calendar.first_day, council.calendar.last_day
        # The council in office on the first sitting was elected at the last election before it.
        self.first = max((e for e in ELECTIONS if e <= first_day), default=ELECTIONS[0])
        self.with_results = [e for e in ELECTIONS if self.first <= e <= last_day]
        taken = {normalize_name(m.name) for m in self.people.members}
        taken |= {normalize_name(o.name) for _, o in self._mayors()}
        self.taken = taken

    def _mayors(self) -> list[tuple[dt.date, object]]:
        # The 区長 the minutes show answering in the May after each election.
        return [(e, self.people.official("区長", dt.date(e.year, 5, 1))) for e in ELECTIONS]

    def _newcomer(self) -> tuple[str, str]:
        """A fictional losing candidate: never the name of anyone in the demo's minutes."""
        while True:
            sur, _ = self.rng.choice(names.SURNAMES)
            given, _ = self.rng.choice(names.FEMALE_GIVEN if self.rng.random() < 0.35 else names.MALE_GIVEN)
            if normalize_name(sur + given) not in self.taken:
                self.taken.add(normalize_name(sur + given))
                return sur, given

    def _votes(self, winners: int, candidates: int, valid: int) -> list[str]:
        """Votes, highest first: the first `winners` are the elected. Some carry 按分票 fractions."""
        weights = sorted((self.rng.lognormvariate(0, 0.35) for _ in range(candidates)), reverse=True)
        # Losers trail: the last seat is won by a clear margin, as the demo's winners are fixed.
        weights = [w * (1.0 if i < winners else 0.7) for i, w in enumerate(weights)]
        total = sum(weights)
        out = []
        for w in weights:
            v = int(valid * w / total)
            out.append(f"{v}.{self.rng.randint(1, 999):03d}" if self.rng.random() < 0.12 else str(v))
        return out

    def build(self) -> dict[str, list[dict]]:
        elections, results, groups = [], [], []
        electorate = 318_000
        turnout = 43.5
        mayors = dict(self._mayors())
        for i, e in enumerate(ELECTIONS):
            electorate = int(electorate * (1 + self.rng.uniform(0.01, 0.04)))
            turnout = min(49.0, max(37.0, turnout + self.rng.uniform(-2.2, 2.4)))
            voters = round(electorate * turnout / 100)
            mayor_voters = min(electorate, voters + self.rng.randint(-900, 2600))
            council_row = {"area_id": AREA, "area_name": names.WARD, "election_type": COUNCIL_TYPE,
                           "date": e.isoformat(), "electorate": electorate, "voters": voters,
                           "turnout": _turnout(voters, electorate), "seats": names.SEATS,
                           "status": "official", "source": SOURCE}
            mayor_row = {**council_row, "election_type": MAYOR_TYPE, "voters": mayor_voters,
                         "turnout": _turnout(mayor_voters, electorate), "seats": 1}
            if e in self.with_results:
                council_row["candidates"] = self._council_results(e, voters, results)
                mayor_row["candidates"] = self._mayor_results(e, mayors[e], mayor_voters, results)
            elections += [council_row, mayor_row]
            if i == len(ELECTIONS) - 1:
                groups += self._age_groups(e, electorate, voters)
        return {"elections": elections, "results": results, "groups": groups}

    def _council_results(self, e: dt.date, voters: int, results: list[dict]) -> int:
        after = e + dt.timedelta(days=1)
        winners = [m for m in self.people.members if m.seated_on(after)]
        # Members whose seat ended at this election: most ran again and lost, some retired.
        defeated = [m for m in self.people.members if m.left == e and self.rng.random() < 0.7]
        losers: list[tuple[str, str, str]] = [(m.surname, m.given, m.faction) for m in defeated]
        for _ in range(self.rng.randint(10, 20)):
            sur, given = self._newcomer()
            losers.append((sur, given, self.rng.choice(("無所属", *[f for f, _ in names.FACTIONS[:4]]))))
        self.rng.shuffle(winners)
        self.rng.shuffle(losers)
        people = [(m.surname, m.given, m.faction, True) for m in winners] + [(*x, False) for x in losers]
        valid = int(voters * self.rng.uniform(0.965, 0.98))
        for rank, ((sur, given, party, won), votes) in enumerate(
                zip(people, self._votes(len(winners), len(people), valid), strict=True), start=1):
            results.append(self._result(e, COUNCIL_TYPE, rank, _ballot(sur, given), party, votes, won))
        return len(people)

    def _mayor_results(self, e: dt.date, mayor, voters: int, results: list[dict]) -> int:
        rivals = [self._newcomer() for _ in range(self.rng.randint(1, 3))]
        people = [(mayor.surname, mayor.given, True)] + [(s, g, False) for s, g in rivals]
        valid = int(voters * self.rng.uniform(0.975, 0.99))
        votes = self._votes(1, len(people), valid)
        for rank, ((sur, given, won), v) in enumerate(zip(people, votes, strict=True), start=1):
            results.append(self._result(e, MAYOR_TYPE, rank, _ballot(sur, given), "無所属", v.split(".")[0], won))
        return len(people)

    @staticmethod
    def _result(e, kind, rank, name, party, votes, won) -> dict:
        return {"area_id": AREA, "election_type": kind, "date": e.isoformat(), "rank": rank, "name": name,
                "party": party, "votes": votes, "elected": "当選" if won else "落選", "status": "official",
                "source": SOURCE}

    def _age_groups(self, e: dt.date, electorate: int, voters: int) -> list[dict]:
        overall = voters * 100 / electorate
        shift = -sum(share * offset for _, share, offset in AGE_GROUPS)  # keeps the weighted mean near overall
        rows = []
        for label, share, offset in AGE_GROUPS:
            n = round(electorate * share)
            t = min(95.0, max(5.0, overall + offset + shift + self.rng.uniform(-1.5, 1.5)))
            v = round(n * t / 100)
            rows.append({"area_id": AREA, "election_type": COUNCIL_TYPE, "date": e.isoformat(), "group_kind": "age",
                         "group": label, "electorate": n, "voters": v, "turnout": _turnout(v, n),
                         "status": "official", "source": SOURCE, "note": "年齢別投票率（架空）"})
        return rows


def history(council: DemoCouncil) -> dict[str, list[dict]]:
    """{'elections': […], 'results': […], 'groups': […]}: rows in the importer's columns."""
    return _History(council).build()


def winners(council: DemoCouncil, election: dt.date) -> list[Member]:
    """The members an election seated: the ground truth the candidate → member link must find."""
    after = election + dt.timedelta(days=1)
    return [m for m in council.people.members if m.seated_on(after)]


def write_files(council: DemoCouncil, directory: Path) -> list[Path]:
    """elections.csv, election_results.csv, election_turnout_groups.csv in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    frames = history(council)
    out = []
    for name, key, columns in (("elections.csv", "elections", ELECTION_COLUMNS),
                               ("election_results.csv", "results", RESULT_COLUMNS),
                               ("election_turnout_groups.csv", "groups", GROUP_COLUMNS)):
        path = directory / name
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows({c: row.get(c, "") for c in columns} for row in frames[key])
        out.append(path)
    return out
