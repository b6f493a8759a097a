"""Who is who when a name is not enough: name changes and namesakes, by council and date.

A member is identified by their normalised name within their council (person_id
`{council}:{name}`), which is right nearly always and wrong in two ways the minutes cannot
settle on their own:

- a member changes their name (marriage, a registered 通称): the minutes list 佐藤美咲 until
  one sitting and 高橋美咲 from the next, and both are one person;
- two members share a name (同姓同名), at the same time or decades apart.

Both are facts someone checks and writes down, in `data/people.toml`, with a source:

    [[person]]
    council = "131121"
    name = "高橋美咲"                                # the name they are listed under now
    names = [{ name = "佐藤美咲", until = "2022-06-30" }]
    source = "https://…"                             # where the change is announced

    [[person]]
    council = "131121"
    name = "田中一郎"
    key = "2019"                                     # the second 田中一郎: person_id 131121:田中一郎~2019
    from = "2019-05-01"                              # from their first term
    source = "https://…"

The load turns each into rows (council, name, from, until) → person_id and, wherever it
derives a person from a name (出席議員 lists, rosters, speakers), looks the name up at the date
of the sitting (or of the roster page) before falling back to `{council}:{name}`.

The Diet is one council, `kokkai`, for both houses: a member who moves from one house to the
other is one person, and a namesake in the other house is entered here like any other.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path

import pandas as pd

from oshigiin.minutes.normalize import normalize_name
from oshigiin.paths import reference

COLUMNS = ["council_id", "name_norm", "valid_from", "valid_until", "person_id", "source_url"]


def people_path() -> Path:
    return Path(os.environ.get("OSHIGIIN_PEOPLE", reference("people.toml")))


class IdentityError(ValueError):
    pass


def _day(value, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise IdentityError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def identities(path: Path | None = None) -> pd.DataFrame:
    """Rows (council_id, name_norm, valid_from, valid_until, person_id, source_url); empty without a file."""
    path = path or people_path()
    rows = []
    if path.exists():
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("person", [])
        for i, entry in enumerate(entries, 1):
            where = f"{path.name} person #{i}"
            try:
                council, name = str(entry["council"]), entry["name"]
            except KeyError as exc:
                raise IdentityError(f"{where}: {exc.args[0]!r} is required") from exc
            if not entry.get("source"):
                raise IdentityError(f"{where} ({name}): a source is required")
            person_id = f"{council}:{normalize_name(name)}" + (f"~{entry['key']}" if entry.get("key") else "")
            own = (entry.get("from"), entry.get("until"))
            for alias in [{"name": name, "from": own[0], "until": own[1]}, *entry.get("names", [])]:
                start, end = _day(alias.get("from"), where), _day(alias.get("until"), where)
                if start and end and start > end:
                    raise IdentityError(f"{where} ({alias['name']}): from {start} is after until {end}")
                rows.append((council, normalize_name(alias["name"]), start, end, person_id, entry["source"]))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    clashes = _overlaps(frame)
    if clashes:
        raise IdentityError(f"{path.name}: {clashes[0]} names two people on the same day")
    return frame


def _overlaps(frame: pd.DataFrame) -> list[str]:
    """A name that would mean two people on one day cannot be resolved: refuse the file."""
    found = []
    for (council, name), group in frame.groupby(["council_id", "name_norm"]):
        spans = sorted((r.valid_from or date.min, r.valid_until or date.max, r.person_id)
                       for r in group.itertuples())
        for (_, end, a), (start, _, b) in zip(spans, spans[1:], strict=False):
            if a != b and start <= end:
                found.append(f"{council} {name}")
    return found
