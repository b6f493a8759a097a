# Over 500 lines: the importer's checks live beside the schema they protect; turnout_summary is the last 130 lines.
"""Elections and turnout: the data model, the importer, the curated reference data, the
candidate → member link, and the figures the 投票率 page charts.

Every figure carries its source and whether it is official (the election commission's or the
ward's own figure) or secondary (a newspaper, a blog, a civic-tech transcription). A missing
figure stays missing: NULL, never estimated.

Importing is all or nothing: a file is read and every row validated before anything is
written, and the write runs in one transaction. A bad file is rejected with each offending line
and the reason. Importing the same file twice is all noops. A secondary figure never replaces
an official one for the same election (the curated reference data is reloaded on every load;
an official file imported later must stay).

Election ids are derived from the area, the type and the date — `131121:区議会議員選挙:2023-04-23`
— so the same election from two files is one row. Areas are 全国地方公共団体コード as in
data/councils.toml, 'demo' for the demo council, and pseudo areas for averages (AVERAGE_AREAS).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from oshigiin.minutes.normalize import normalize_name
from oshigiin.minutes.parsers import elections as parse
from oshigiin.minutes.parsers.discussnet import ParseError
from oshigiin.paths import reference, staging_dir
from oshigiin.pipeline.publishing.db import SCHEMA
from oshigiin.registry import load_registry

# The 23 wards' average as 総務省 reports it for the unified local elections (the mean over the
# wards that held that election that day), and the 区部計 row of the 東京都選挙管理委員会's
# files. Not a 全国地方公共団体コード: 13100 is the code prefix the wards share.
TOKUBETSUKU = "13100-tokubetsuku"
AVERAGE_AREAS = {TOKUBETSUKU: "特別区（23区）"}
AVERAGE_ALIASES = {"区部計": TOKUBETSUKU, "特別区計": TOKUBETSUKU, "特別区平均": TOKUBETSUKU,
                   "23区平均": TOKUBETSUKU, "特別区": TOKUBETSUKU, "区部": TOKUBETSUKU}
STATUSES = ("official", "secondary")
TURNOUT_TOLERANCE = Decimal("0.01")   # commissions round or truncate to two decimals
REFERENCE_FILES = ("elections.csv", "election_results.csv", "election_turnout_groups.csv")
ASSEMBLY = r"^[区市町村]議会議員(補欠|増員)?選挙$"   # a council's own election: its candidates can be its members

DDL = f"""
CREATE TABLE IF NOT EXISTS elections (
    election_id   VARCHAR PRIMARY KEY,    -- {{area_id}}:{{election_type}}:{{date}}
    area_id       VARCHAR NOT NULL,       -- 全国地方公共団体コード (131121), 'demo', or {TOKUBETSUKU}
    area_name     VARCHAR NOT NULL,       -- 世田谷区
    election_type VARCHAR NOT NULL,       -- 区議会議員選挙 | 区長選挙 | 都議会議員選挙 (within the area) …
    date          DATE NOT NULL,          -- 投票日
    electorate    BIGINT,                 -- 当日有権者数
    voters        BIGINT,                 -- 投票者数
    turnout       DECIMAL(5,2),           -- 投票率, percent, as published
    seats         INTEGER,                -- 定数
    candidates    INTEGER,                -- 候補者数
    status        VARCHAR NOT NULL CHECK (status IN ('official', 'secondary')),
    source        VARCHAR NOT NULL,       -- who says so, in words
    source_url    VARCHAR,
    note          VARCHAR,
    imported_at   TIMESTAMPTZ NOT NULL,
    content_hash  VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS election_results (
    election_id   VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,       -- as on the ballot list (大場　やすのぶ)
    name_norm     VARCHAR NOT NULL,       -- pipeline.normalize.normalize_name: what links to people
    party         VARCHAR,                -- 党派 as published
    votes         DECIMAL(12,3),          -- 得票数; 按分票 make fractions
    elected       BOOLEAN,
    rank          INTEGER,                -- 得票順位 where published
    status        VARCHAR NOT NULL CHECK (status IN ('official', 'secondary')),
    source        VARCHAR NOT NULL,
    source_url    VARCHAR,
    imported_at   TIMESTAMPTZ NOT NULL,
    content_hash  VARCHAR NOT NULL,
    PRIMARY KEY (election_id, name_norm)
);

-- Turnout by age group (年齢別, often a sample survey: 抽出調査) or by polling district (投票区別).
CREATE TABLE IF NOT EXISTS election_turnout_groups (
    election_id   VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('age', 'district')),
    label         VARCHAR NOT NULL,       -- 20代, 18・19歳, 第1投票区
    ordinal       INTEGER NOT NULL,       -- order as published
    electorate    BIGINT,
    voters        BIGINT,
    turnout       DECIMAL(5,2),
    status        VARCHAR NOT NULL CHECK (status IN ('official', 'secondary')),
    source        VARCHAR NOT NULL,
    source_url    VARCHAR,
    note          VARCHAR,
    imported_at   TIMESTAMPTZ NOT NULL,
    content_hash  VARCHAR NOT NULL,
    PRIMARY KEY (election_id, kind, label)
);

-- A candidate is a member when the council is the election's area, the normalised names are
-- equal, and the person sat in that council after the election and before the next general
-- election of it (attendance at a sitting), or is a current member and the election is the
-- council's latest. Only a council's own assembly elections link: a 区長 or 都議 candidate who
-- also sat in the ward council is not "elected to it" by that election.
CREATE OR REPLACE VIEW candidate_members AS
WITH assembly AS (
    SELECT e.election_id, e.area_id, e.date,
           (SELECT min(g.date) FROM elections g WHERE g.area_id = e.area_id AND g.date > e.date
                AND regexp_matches(g.election_type, '^[区市町村]議会議員選挙$')) AS next_date,
           e.date = max(e.date) OVER (PARTITION BY e.area_id) AS latest
    FROM elections e WHERE regexp_matches(e.election_type, '{ASSEMBLY}')
), sat AS (
    SELECT a.person_id, m.council_id, m.date FROM attendance a JOIN meetings m USING (meeting_id)
)
SELECT r.election_id, r.name, r.name_norm, r.elected, e.area_id AS council_id, e.date AS election_date,
       p.person_id, p.name AS member_name
FROM election_results r
JOIN assembly e USING (election_id)
JOIN people p ON p.council_id = e.area_id AND p.name_norm = r.name_norm
WHERE EXISTS (SELECT 1 FROM sat s WHERE s.person_id = p.person_id AND s.date > e.date
                AND (e.next_date IS NULL OR s.date < e.next_date))
   OR (e.latest AND p.person_id IN (SELECT person_id FROM members WHERE current));
"""

# What a row's content is, for insert / update / noop (provenance columns excluded).
CONTENT = {
    "elections": ("area_id", "area_name", "election_type", "date", "electorate", "voters", "turnout", "seats",
                  "candidates", "status", "source", "source_url", "note"),
    "election_results": ("name", "party", "votes", "elected", "rank", "status", "source", "source_url"),
    "election_turnout_groups": ("ordinal", "electorate", "voters", "turnout", "status", "source", "source_url",
                                "note"),
}
KEYS = {"elections": ("election_id",), "election_results": ("election_id", "name_norm"),
        "election_turnout_groups": ("election_id", "kind", "label")}


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The project schema (the link view reads people and attendance) and the election tables."""
    con.execute(SCHEMA)
    con.execute(DDL)


class ElectionImportError(ValueError):
    """A file rejected as a whole: [(line or None, reason)]. Nothing of it was imported."""

    def __init__(self, path: Path | str, problems: list[tuple[int | None, str]]):
        self.path, self.problems = Path(path), problems
        shown = problems[:20]
        lines = [f"  line {n}: {why}" if n else f"  {why}" for n, why in shown]
        if len(problems) > len(shown):
            lines.append(f"  … and {len(problems) - len(shown)} more")
        super().__init__(f"{self.path.name}: rejected, nothing imported ({len(problems)} problems):\n"
                         + "\n".join(lines))


@dataclass
class ImportReport:
    path: Path
    kind: str                                   # elections | results | groups
    rows: int = 0
    skipped: list[str] = field(default_factory=list)   # areas in the file that are not ours
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self) -> str:
        out = [f"{self.path.name}: {self.rows} {self.kind} rows"]
        for table, c in self.counts.items():
            out.append(f"  {table}: " + ", ".join(f"{k} {v}" for k, v in c.items()))
        if self.skipped:
            out.append(f"  skipped areas: {', '.join(self.skipped[:10])}" + (" …" if len(self.skipped) > 10 else ""))
        out.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(out)


# -- areas ------------------------------------------------------------------------------------

class _Areas:
    """Area names and codes → (area_id, area_name), from the registry and the pseudo areas."""

    def __init__(self):
        self.by_key: dict[str, tuple[str, str]] = {k: (k, v) for k, v in AVERAGE_AREAS.items()}
        for alias, area in AVERAGE_ALIASES.items():
            self.by_key[alias] = (area, AVERAGE_AREAS[area])
        for c in load_registry():
            self.by_key.setdefault(c.code, (c.code, c.name))
            self.by_key.setdefault(c.name, (c.code, c.name))
            if c.name.endswith(("区", "市", "町", "村")):
                self.by_key.setdefault(c.name + "計", (c.code, c.name))

    def resolve(self, area_id: str, area_name: str) -> tuple[str, str] | None:
        area_id, area_name = area_id.strip(), parse.area_label(area_name)
        if area_id and area_id in self.by_key:
            return self.by_key[area_id]
        if area_id and re.fullmatch(r"\d{6}|\d{5}-[a-z]+", area_id) and area_name:
            return area_id, area_name   # a code the registry does not list yet
        if area_name in self.by_key:
            return self.by_key[area_name]
        return None


def display_name(area_name: str, election_type: str) -> str:
    """世田谷区 + 区議会議員選挙 → 世田谷区議会議員選挙; 世田谷区 + 都議会議員選挙 → 都議会議員選挙（世田谷区）."""
    if area_name and election_type[:1] == area_name[-1:] and election_type[1:2] in ("議", "長"):
        return area_name[:-1] + election_type
    return f"{election_type}（{area_name}）"


# -- reading and validating -------------------------------------------------------------------

KINDS = (
    ("results", (("name",), ("votes",))),
    ("groups", (("age_group", "district", "group"), ("turnout", "voters"))),
    ("elections", (("turnout", "voters", "seats", "candidates"), ("election_type", "date", "area_name", "area_id"))),
    ("elections", (("turnout", "voters"),)),
)


def _read(data: bytes, name: str) -> tuple[str, parse.Table]:
    rows = parse.read_rows(data, name)   # once: each shape below is tried on the same rows
    last = None
    for kind, needs in KINDS:
        try:
            return kind, parse.read_table(None, name, needs, rows=rows)
        except ParseError as exc:
            last = exc
    raise ParseError(f"not an election, results or turnout table: {last}")


def _decimal_places(value: Decimal) -> int:
    return max(0, -value.as_tuple().exponent)


class _Rows:
    """Turns a table into records, collecting every problem with its line."""

    def __init__(self, table: parse.Table, defaults: dict, areas: _Areas):
        self.table, self.defaults, self.areas = table, defaults, areas
        self.facts = parse.title_facts(table.titles)
        self.problems: list[tuple[int | None, str]] = []
        self.skipped: list[str] = []

    def has(self, fld: str) -> bool:
        return fld in self.table.columns

    def number(self, line, cells, fld, label, places=0):
        try:
            value = parse.number(self.table.get(cells, fld))
        except ValueError as exc:
            self.problems.append((line, f"{label}: {exc}"))
            return None
        if value is not None and (value < 0 or _decimal_places(value.normalize()) > places):
            kind = "整数" if places == 0 else f"小数第{places}位までの数"
            self.problems.append((line, f"{label} {value} は 0 以上の{kind}ではありません"))
            return None
        return value

    def election_key(self, line, cells) -> tuple[str, str, str, date] | None:
        """(election_id, area_id, area_name, date) from columns, the title lines or the defaults."""
        t = self.table
        area = self.areas.resolve(t.get(cells, "area_id"), t.get(cells, "area_name"))
        council = self.defaults.get("council")
        if not (self.has("area_id") or self.has("area_name")):
            if council is None:
                self.problems.append((t.header_line, "地域の列（area_id / 区市町村名）がなく、"
                                      "council も指定されていません"))
                return None
            area = council
        elif area is None:
            label = t.get(cells, "area_name") or t.get(cells, "area_id")
            if council is not None or not label:
                if label:
                    self.skipped.append(label)
                return None
            self.problems.append((line, f"地域 {label!r} が登録簿（data/councils.toml）にありません"))
            return None
        if council is not None and area[0] not in (council[0], TOKUBETSUKU):
            self.skipped.append(area[1])
            return None
        raw_type = t.get(cells, "election_type") if self.has("election_type") else ""
        kind = parse.election_type(raw_type) if raw_type else (self.defaults.get("election_type")
                                                               or self.facts.get("election_type"))
        if raw_type and not kind:
            self.problems.append((line, f"選挙の種類が読めません: {raw_type!r}"))
            return None
        if not kind:
            self.problems.append((t.header_line, "選挙の種類の列（選挙名 / election_type）がなく、"
                                  "表題にも指定にもありません"))
            return None
        when = self.defaults.get("date") or self.facts.get("date")
        if self.has("date"):
            try:
                when = parse.parse_date(t.get(cells, "date"))
            except ValueError as exc:
                self.problems.append((line, f"日付: {exc}"))
                return None
        if when is None:
            if self.has("date"):
                self.problems.append((line, "日付がありません"))
            else:
                self.problems.append((t.header_line, "日付の列（執行日 / 投票日 / date）がなく、"
                                      "表題にも指定にもありません"))
            return None
        if not date(1946, 1, 1) <= when <= date.today():
            self.problems.append((line, f"日付 {when} は選挙の記録としてありえません（1946年以降、今日まで）"))
            return None
        return f"{area[0]}:{kind}:{when.isoformat()}", area[0], area[1], when

    def turnout(self, line, cells, label="") -> tuple | None:
        electorate = self.number(line, cells, "electorate", "当日有権者数")
        voters = self.number(line, cells, "voters", "投票者数")
        turnout = self.number(line, cells, "turnout", "投票率", places=2)
        if turnout is not None and turnout > 100:
            self.problems.append((line, f"投票率 {turnout}% は 100% を超えています"))
            return None
        if electorate is not None and voters is not None:
            if electorate == 0 or voters > electorate:
                self.problems.append((line, f"投票者数 {voters} が当日有権者数 {electorate} を超えています"
                                      if electorate else "当日有権者数が 0 です"))
                return None
            computed = voters * 100 / electorate
            if turnout is None:
                turnout = computed.quantize(Decimal("0.01"))
            elif abs(computed - turnout) > TURNOUT_TOLERANCE:
                self.problems.append((line, f"{label}投票率 {turnout}% が 投票者数 ÷ 当日有権者数 = "
                                      f"{computed:.3f}% と合いません（誤差は 0.01 ポイントまで）"))
                return None
        return (int(electorate) if electorate is not None else None,
                int(voters) if voters is not None else None, turnout)

    def provenance(self, line, cells) -> tuple[str, str, str | None] | None:
        status = self.table.get(cells, "status") or self.defaults.get("status") or "official"
        if status not in STATUSES:
            self.problems.append((line, f"status は official か secondary です: {status!r}"))
            return None
        source = self.table.get(cells, "source") or self.defaults.get("source")
        url = self.table.get(cells, "source_url") or self.defaults.get("source_url") or None
        if not source:
            self.problems.append((line, "出典（source）がありません"))
            return None
        return status, source, url


def _election_records(rows: _Rows) -> list[dict]:
    out, seen = [], {}
    t = rows.table
    for line, cells in t.rows:
        if not any(c.strip() for c in cells if c):
            continue
        key = rows.election_key(line, cells)
        if key is None:
            continue
        figures = rows.turnout(line, cells)
        seats = rows.number(line, cells, "seats", "定数")
        candidates = rows.number(line, cells, "candidates", "候補者数")
        prov = rows.provenance(line, cells)
        if figures is None or prov is None:
            continue
        election_id, area_id, area_name, when = key
        if election_id in seen:
            rows.problems.append((line, f"{election_id} は {seen[election_id]} 行目と重複しています"))
            continue
        seen[election_id] = line
        out.append({"election_id": election_id, "area_id": area_id, "area_name": area_name,
                    "election_type": election_id.split(":")[1], "date": when,
                    "electorate": figures[0], "voters": figures[1], "turnout": figures[2],
                    "seats": int(seats) if seats is not None else None,
                    "candidates": int(candidates) if candidates is not None else None,
                    "status": prov[0], "source": prov[1], "source_url": prov[2],
                    "note": t.get(cells, "note") or None})
    return out


def _result_records(rows: _Rows) -> list[dict]:
    out, seen = [], {}
    t = rows.table
    width = len(t.headers)
    for line, cells in t.rows:
        if not any(c.strip() for c in cells if c):
            continue
        cells = parse.repair_split_numbers(cells, width) if len(cells) > width else cells
        if len(cells) > width:
            rows.problems.append((line, f"列の数が {len(cells)} で、見出しの {width} と合いません"))
            continue
        key = rows.election_key(line, cells)
        name = t.get(cells, "name")
        votes = rows.number(line, cells, "votes", "得票数", places=3)
        rank = rows.number(line, cells, "rank", "得票順位")
        prov = rows.provenance(line, cells)
        try:
            elected = parse.parse_elected(t.get(cells, "elected"))
        except ValueError as exc:
            rows.problems.append((line, f"当落: {exc}"))
            continue
        if not name:
            rows.problems.append((line, "候補者名がありません"))
            continue
        if votes is None:
            rows.problems.append((line, f"{name}: 得票数がありません"))
            continue
        if key is None or prov is None:
            continue
        name_norm = normalize_name(name)
        if (key[0], name_norm) in seen:
            rows.problems.append((line, f"{name} は {seen[key[0], name_norm]} 行目と同じ候補者です"))
            continue
        seen[key[0], name_norm] = line
        out.append({"election_id": key[0], "name": name.strip(), "name_norm": name_norm,
                    "party": t.get(cells, "party") or None, "votes": votes, "elected": elected,
                    "rank": int(rank) if rank is not None else None,
                    "status": prov[0], "source": prov[1], "source_url": prov[2], "line": line})
    return out


def _group_records(rows: _Rows) -> list[dict]:
    out, seen = [], {}
    t = rows.table
    for ordinal, (line, cells) in enumerate(t.rows, start=1):
        if not any(c.strip() for c in cells if c):
            continue
        if rows.has("age_group"):
            kind, label = "age", t.get(cells, "age_group")
        elif rows.has("district"):
            kind, label = "district", t.get(cells, "district")
        else:
            kind, label = t.get(cells, "group_kind") or "age", t.get(cells, "group")
        if kind not in ("age", "district"):
            rows.problems.append((line, f"group_kind は age か district です: {kind!r}"))
            continue
        if not label or label in ("計", "合計", "全体"):
            continue   # the total is the election's own figure
        key = rows.election_key(line, cells)
        figures = rows.turnout(line, cells, label=f"{label}の")
        prov = rows.provenance(line, cells)
        if key is None or figures is None or prov is None:
            continue
        if (key[0], kind, label) in seen:
            rows.problems.append((line, f"{label} は {seen[key[0], kind, label]} 行目と重複しています"))
            continue
        seen[key[0], kind, label] = line
        out.append({"election_id": key[0], "kind": kind, "label": label, "ordinal": ordinal,
                    "electorate": figures[0], "voters": figures[1], "turnout": figures[2],
                    "status": prov[0], "source": prov[1], "source_url": prov[2],
                    "note": t.get(cells, "note") or None, "line": line})
    return out


def read_file(path: Path, *, council: str | None = None, election_type: str | None = None,
              date_: date | str | None = None, source: str | None = None, source_url: str | None = None,
              status: str | None = None) -> tuple[str, list[dict], list[str]]:
    """Parse and validate a file: (kind, records, skipped areas), or raise ElectionImportError."""
    path = Path(path)
    areas = _Areas()
    defaults: dict = {"source": source, "source_url": source_url, "status": status}
    problems: list[tuple[int | None, str]] = []
    if council:
        defaults["council"] = areas.resolve(council, "") or areas.resolve("", council)
        if defaults["council"] is None:
            problems.append((None, f"council {council!r} が登録簿にありません"))
    if election_type:
        defaults["election_type"] = parse.election_type(election_type)
        if not defaults["election_type"]:
            problems.append((None, f"選挙の種類が読めません: {election_type!r}"))
    if date_:
        try:
            defaults["date"] = date_ if isinstance(date_, date) else parse.parse_date(str(date_))
        except ValueError as exc:
            problems.append((None, f"日付: {exc}"))
    if problems:
        raise ElectionImportError(path, problems)
    try:
        size = path.stat().st_size
        if size > parse.MAX_FILE_BYTES:   # before reading it: the cap is on what we hold
            raise parse.TooLarge(f"{path.name}: {size:,} bytes, over the cap of {parse.MAX_FILE_BYTES:,} bytes "
                                 "(MAX_FILE_BYTES)")
        kind, table = _read(path.read_bytes(), path.name)
    except ParseError as exc:
        raise ElectionImportError(path, [(None, str(exc))]) from None
    rows = _Rows(table, defaults, areas)
    records = {"elections": _election_records, "results": _result_records, "groups": _group_records}[kind](rows)
    if not records and not rows.problems:
        rows.problems.append((None, "取り込める行がありません" + (f"（対象外の地域: {', '.join(rows.skipped[:5])}）"
                                                                if rows.skipped else "")))
    if rows.problems:
        raise ElectionImportError(path, rows.problems)
    return kind, records, sorted(set(rows.skipped))


# -- writing ----------------------------------------------------------------------------------

FRAME_TYPES = {
    "elections": {"date": "DATE", "electorate": "BIGINT", "voters": "BIGINT", "turnout": "DECIMAL(5,2)",
                  "seats": "INTEGER", "candidates": "INTEGER"},
    "election_results": {"votes": "DECIMAL(12,3)", "elected": "BOOLEAN", "rank": "INTEGER"},
    "election_turnout_groups": {"ordinal": "INTEGER", "electorate": "BIGINT", "voters": "BIGINT",
                                "turnout": "DECIMAL(5,2)"},
}
TABLE_OF = {"elections": "elections", "results": "election_results", "groups": "election_turnout_groups"}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]


def _stage(con: duckdb.DuckDBPyConnection, table: str, records: list[dict]) -> None:
    """records → TEMP TABLE incoming, typed like the target, with its content hash."""
    columns = [c for c in _columns(con, table)
               if c not in ("imported_at", "content_hash")]
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in records], columns=columns).astype(object)
    frame = frame.where(frame.notna(), None)
    for c in columns:  # Decimal and date objects travel as text and are cast in SQL, exactly
        if c in FRAME_TYPES[table]:
            frame[c] = frame[c].map(lambda v: None if v is None else str(v))
    con.register("incoming_frame", frame)
    types = FRAME_TYPES[table]
    select = ", ".join(f"CAST({c} AS {types[c]}) AS {c}" if c in types else f"CAST({c} AS VARCHAR) AS {c}"
                       for c in columns)
    content = ", ".join(f"{c} := {c}" for c in CONTENT[table])
    con.execute(f"CREATE OR REPLACE TEMP TABLE incoming AS SELECT *, md5(CAST(struct_pack({content}) AS VARCHAR)) "
                f"AS content_hash FROM (SELECT {select} FROM incoming_frame)")
    con.unregister("incoming_frame")


def _upsert(con: duckdb.DuckDBPyConnection, table: str, replace_by: str | None = None) -> dict[str, int]:
    """incoming → table by key. Counts insert / update / noop / kept (an official row a secondary
    one would have replaced) and, with replace_by, delete: rows of the same election that the
    incoming file no longer lists."""
    keys = KEYS[table]
    on = " AND ".join(f"t.{k} = i.{k}" for k in keys)
    # For a replaced group the whole election is protected by any official row of it.
    protected = (f"i.{replace_by} IN (SELECT {replace_by} FROM {table} WHERE status = 'official')" if replace_by
                 else "t.status = 'official'")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE decided AS
        SELECT i.*, CASE WHEN i.status = 'secondary' AND {protected} THEN 'kept'
                         WHEN t.{keys[0]} IS NULL THEN 'insert'
                         WHEN t.content_hash = i.content_hash THEN 'noop'
                         ELSE 'update' END AS outcome
        FROM incoming i LEFT JOIN {table} t ON {on}
    """)
    counts = dict(con.execute("SELECT outcome, count(*) FROM decided GROUP BY outcome").fetchall())
    deleted = 0
    if replace_by:
        # A group (one election's candidates) is replaced whole unless an official one is kept.
        stale = f"""FROM {table} t WHERE t.{replace_by} IN (SELECT {replace_by} FROM decided WHERE outcome <> 'kept')
                    AND NOT EXISTS (SELECT 1 FROM decided i WHERE {on})"""
        deleted = con.execute(f"SELECT count(*) {stale}").fetchone()[0]
        con.execute(f"DELETE {stale}")
    match = " AND ".join(f"{table}.{k} = d.{k}" for k in keys)
    con.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM decided d WHERE {match} AND d.outcome = 'update')")
    columns = [c for c in _columns(con, table) if c != "imported_at"]
    con.execute(f"INSERT INTO {table} ({', '.join(columns)}, imported_at) SELECT {', '.join(columns)}, now() "
                f"FROM decided WHERE outcome IN ('insert', 'update')")
    out = {k: counts.get(k, 0) for k in ("insert", "update", "noop", "kept")}
    if replace_by:
        out["delete"] = deleted
    return out


def _write(con: duckdb.DuckDBPyConnection, path: Path, kind: str, records: list[dict],
           report: ImportReport) -> None:
    table = TABLE_OF[kind]
    if kind != "elections":
        # Results and groups belong to an election already in the database (imported first).
        ids = sorted({r["election_id"] for r in records})
        known = {r[0]: r[1] for r in con.execute(
            "SELECT election_id, seats FROM elections WHERE list_contains(?, election_id)", [ids]).fetchall()}
        problems = [(min(r["line"] for r in records if r["election_id"] == e),
                     f"選挙 {e} がデータベースにありません: 先に選挙の表（elections.csv の形）を取り込んでください")
                    for e in ids if e not in known]
        if kind == "results":
            for e, seats in known.items():
                won = sum(1 for r in records if r["election_id"] == e and r["elected"])
                if seats is not None and won > seats:
                    problems.append((None, f"{e}: 当選者 {won} 人が定数 {seats} を超えています"))
        if problems:
            raise ElectionImportError(path, problems)
    _stage(con, table, records)
    report.counts[table] = _upsert(con, table, replace_by="election_id" if kind != "elections" else None)
    if kind == "results":
        listed = dict(con.execute("SELECT election_id, candidates FROM elections WHERE list_contains(?, election_id)",
                                  [sorted({r["election_id"] for r in records})]).fetchall())
        for e, n in listed.items():
            got = sum(1 for r in records if r["election_id"] == e)
            if n is not None and got != n:
                report.warnings.append(f"{e}: 候補者数は {n} 人、結果は {got} 人分")


@contextmanager
def _atomic(con: duckdb.DuckDBPyConnection, own: bool):
    """A transaction of our own, or none when the caller's is open (the load's BEGIN … COMMIT):
    DuckDB aborts an open transaction that is asked to begin another."""
    if not own:
        yield
        return
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()


def _connect(con_or_db_path) -> tuple[duckdb.DuckDBPyConnection, bool]:
    if isinstance(con_or_db_path, duckdb.DuckDBPyConnection):
        return con_or_db_path, False
    return duckdb.connect(str(con_or_db_path)), True


def import_file(con_or_db_path, path: Path | str, *, council: str | None = None, election_type: str | None = None,
                date: date | str | None = None, source: str | None = None, source_url: str | None = None,
                status: str | None = None, transaction: bool = True) -> ImportReport:
    """Import one CSV or .xlsx file: elections (one row per election, or per area), candidates'
    results, or turnout by age group / polling district — told apart by their columns.

    The keyword arguments fill in what the file does not say: the council a single-ward file is
    about (and, for a file of many areas, the one area to take besides the 23-ward total), the
    election's type and date, the source and its status (default official). All or nothing:
    raises ElectionImportError with every bad line, and then nothing was written.
    transaction=False: the caller's open transaction holds the write (and its rollback undoes it).
    """
    path = Path(path)
    kind, records, skipped = read_file(path, council=council, election_type=election_type, date_=date,
                                       source=source or f"{path.name}（取り込んだファイル）",
                                       source_url=source_url, status=status)
    report = ImportReport(path=path, kind=kind, rows=len(records), skipped=skipped)
    con, opened = _connect(con_or_db_path)
    try:
        with _atomic(con, transaction):
            ensure_schema(con)
            _write(con, path, kind, records, report)
    finally:
        if opened:
            con.close()
    return report


def reference_dir() -> Path:
    return reference("")


def load_reference(con: duckdb.DuckDBPyConnection, directory: Path | None = None,
                   transaction: bool = True) -> list[ImportReport]:
    """The curated figures in data/ (elections.csv, election_results.csv, …), in one transaction
    (or the caller's, transaction=False). Idempotent: a second load is all noops; official
    figures imported since are kept."""
    directory = directory or reference_dir()
    reports = []
    with _atomic(con, transaction):
        ensure_schema(con)
        for name in REFERENCE_FILES:
            path = directory / name
            if not path.exists():
                continue
            kind, records, skipped = read_file(path)
            report = ImportReport(path=path, kind=kind, rows=len(records), skipped=skipped)
            _write(con, path, kind, records, report)
            reports.append(report)
    return reports


def staged_files(council_ids: list[str], staging: Path | None = None) -> list[Path]:
    """What the elections spider left: staging/<council>/<run>/elections.csv, oldest run first."""
    staging = staging or staging_dir()
    return sorted(p for c in council_ids for p in (staging / c).glob("*/elections.csv"))


def load_staged(con: duckdb.DuckDBPyConnection, council_ids: list[str], staging: Path | None = None,
                transaction: bool = True) -> list[ImportReport]:
    """Import every staged election file of these councils; a later run's figures win."""
    return [import_file(con, path, transaction=transaction) for path in staged_files(council_ids, staging)]


# -- what the 投票率 page shows ---------------------------------------------------------------------

def average_area(council_id: str) -> str | None:
    """The average a council's turnout is put next to: the 23 wards' for a ward (13101x–13123x)
    and for the demo (a fictional ward of 東京都)."""
    if council_id == "demo" or re.fullmatch(r"131(0[1-9]|1\d|2[0-3])\d", council_id):
        return TOKUBETSUKU
    return None


def _type_order(election_type: str) -> tuple:
    return (not re.match(ASSEMBLY, election_type), not election_type.endswith("長選挙"), election_type)


def _sentence(area_name: str, latest: dict, previous: dict | None, average: dict | None) -> str:
    when = latest["date"]
    name = display_name(area_name, latest["election_type"])
    text = f"{when.year}年{when.month}月{when.day}日の{name}の投票率は{latest['turnout']:.2f}%"
    if previous is None:
        text += "でした。"
    elif previous["turnout"] is None:
        text += f"でした（前回 {previous['date'].year}年の投票率は記録がありません）。"
    else:
        delta = latest["turnout"] - previous["turnout"]
        change = ("と同じでした" if delta == 0 else
                  f"から{abs(delta):.2f}ポイント{'上がりました' if delta > 0 else '下がりました'}")
        text += f"で、前回（{previous['date'].year}年の{previous['turnout']:.2f}%）{change}。"
    if average is not None and average["turnout"] is not None:
        gap = latest["turnout"] - average["turnout"]
        above = "上回りました" if gap > 0 else "下回りました"
        side = "と同じでした" if gap == 0 else f"を{abs(gap):.2f}ポイント{above}"
        text += f"{average['area_name']}の平均（{average['turnout']:.2f}%）{side}。"
    used = [latest, previous, average]
    if any(r is not None and r["status"] == "secondary" for r in used):
        text += "（二次資料による値を含みます）"
    return text


def turnout_summary(con: duckdb.DuckDBPyConnection, council_id: str) -> dict:
    """Chart-ready frames and the latest change in words, for one council's area.

    history     every election of the area: date, year, type, display name, turnout (float),
                electorate, voters, seats, candidates, status, source, source_url
    comparison  the area against its average area (23 wards), same types only: series, turnout …
    groups      turnout by age group / district of the latest election that has them
    results     the latest assembly election's candidates, with person_id where they link
    changes     one sentence per election type, the council's assembly first; headline = changes[0]
    latest      the numbers behind the headline (type, date, turnout, previous, delta, average)
    sources     every (source, source_url, status) the frames use, for the captions
    """
    # Read-only (the dashboard's connection): a database without the election tables is empty.
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not {"elections", "election_results", "election_turnout_groups", "candidate_members"} <= present:
        con = duckdb.connect()
        ensure_schema(con)
    cols = ("election_id, area_id, area_name, election_type, date, year(date) AS year, "
            "CAST(turnout AS DOUBLE) AS turnout, electorate, voters, seats, candidates, status, source, "
            "source_url, note")
    history = con.execute(f"SELECT {cols} FROM elections WHERE area_id = ? ORDER BY date, election_type",
                          [council_id]).df()
    area_name = history["area_name"].iloc[0] if len(history) else council_id
    history.insert(4, "name", [display_name(a, t) for a, t in zip(history["area_name"], history["election_type"],
                                                                   strict=True)])
    avg_id = average_area(council_id)
    comparison = con.execute(f"""
        SELECT {cols}, CASE WHEN area_id = ? THEN area_name ELSE area_name || '平均' END AS series
        FROM elections
        WHERE area_id IN (?, ?) AND turnout IS NOT NULL
          AND election_type IN (SELECT election_type FROM elections WHERE area_id = ? AND turnout IS NOT NULL)
          AND election_type IN (SELECT election_type FROM elections WHERE area_id = ? AND turnout IS NOT NULL)
        ORDER BY election_type, date, area_id <> ?
    """, [council_id, council_id, avg_id or "", council_id, avg_id or "", council_id]).df()
    groups = con.execute("""
        WITH latest AS (
            SELECT max(e.date) AS date FROM election_turnout_groups g JOIN elections e USING (election_id)
            WHERE e.area_id = ?
        )
        SELECT g.election_id, e.election_type, e.date, g.kind, g.label, g.ordinal,
               CAST(g.turnout AS DOUBLE) AS turnout, g.electorate, g.voters, g.status, g.source, g.source_url, g.note
        FROM election_turnout_groups g JOIN elections e USING (election_id)
        WHERE e.area_id = ? AND e.date = (SELECT date FROM latest)
        ORDER BY e.election_type, g.kind, g.ordinal
    """, [council_id, council_id]).df()
    results = con.execute(f"""
        WITH latest AS (
            SELECT election_id FROM elections
            WHERE area_id = ? AND regexp_matches(election_type, '{ASSEMBLY}')
              AND election_id IN (SELECT election_id FROM election_results)
            ORDER BY date DESC LIMIT 1
        )
        SELECT r.election_id, r.name, r.party, CAST(r.votes AS DOUBLE) AS votes, r.elected, r.rank,
               l.person_id, r.status, r.source, r.source_url
        FROM election_results r LEFT JOIN candidate_members l USING (election_id, name_norm)
        WHERE r.election_id IN (SELECT election_id FROM latest)
        ORDER BY r.votes DESC, r.name
    """, [council_id]).df()

    changes, latest_numbers = [], None
    records = history.to_dict("records")
    averages = {(r["election_type"], r["date"]): r for r in comparison.to_dict("records") if r["area_id"] == avg_id}
    for kind in sorted({r["election_type"] for r in records}, key=_type_order):
        same = [r for r in records if r["election_type"] == kind]
        with_turnout = [r for r in same if not pd.isna(r["turnout"])]
        if not with_turnout:
            continue
        latest = with_turnout[-1]
        earlier = [r for r in same if r["date"] < latest["date"]]
        previous = earlier[-1] if earlier else None
        if previous is not None and pd.isna(previous["turnout"]):
            previous = {**previous, "turnout": None}
        average = averages.get((kind, latest["date"]))
        if average is not None:
            average = {**average, "area_name": AVERAGE_AREAS.get(avg_id, average["area_name"])}
        changes.append(_sentence(area_name, latest, previous, average))
        if latest_numbers is None:
            latest_numbers = {
                "election_type": kind, "name": display_name(area_name, kind), "date": latest["date"].date(),
                "turnout": latest["turnout"],
                "previous": previous["turnout"] if previous else None,
                "previous_date": previous["date"].date() if previous else None,
                "delta": (round(latest["turnout"] - previous["turnout"], 2)
                          if previous and previous["turnout"] is not None else None),
                "average": average["turnout"] if average else None,
            }
    frames = [history, comparison, groups]
    sources = pd.concat([f[["source", "source_url", "status"]] for f in frames if len(f)] or
                        [pd.DataFrame(columns=["source", "source_url", "status"])]).drop_duplicates(ignore_index=True)
    return {"council_id": council_id, "area_name": area_name, "average_area": avg_id, "history": history,
            "comparison": comparison, "groups": groups, "results": results, "changes": changes,
            "headline": changes[0] if changes else None, "latest": latest_numbers, "sources": sources}
