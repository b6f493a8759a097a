"""Faction stances (各会派の態度) from a simple CSV or Excel layout, for volunteers and journalists
transcribing a council's PDF or page.

One row per faction per motion; a header row names the columns (any order, extra columns ignored):

    date,motion,title,faction,stance,source_url
    2025-03-21,議案第1号,令和7年度架空区一般会計予算,架空自由党,賛成,https://…/taido.pdf
    2025-03-21,議案第1号,,区民の会,反対,

- date: the decision's date (YYYY-MM-DD); it says which year's 議案第1号 and which faction a
  member belonged to then;
- motion: the identifier as the council prints it (議案第1号, 陳情第3号, 市第54号議案 …);
- faction: as printed; stance: 賛成 / 反対 / 棄権 / 退席 / 欠席 / 除斥 (or ○ / × / ●);
- title, source_url: optional (source_url defaults to --source-url).

Like the elections importer: the whole file is checked first and one bad line rejects it with the
line and the reason — nothing is written. A re-import of the same file is all noops; a corrected
file replaces what that file said before (its rows share the file's source key).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from oshigiin.minutes.normalize import normalize_name
from oshigiin.pipeline.votes.decisions import MOTION, motion_key
from oshigiin.pipeline.votes.store import classify, ensure_schema, motion_id

OPTIONS = {"賛成": "yes", "○": "yes", "〇": "yes", "反対": "no", "×": "no", "●": "no", "棄権": "abstain",
           "退席": "left", "欠席": "absent", "除斥": "excluded"}
REQUIRED = ("date", "motion", "faction", "stance")
ALIASES = {"日付": "date", "議決日": "date", "議案": "motion", "議案番号": "motion", "件名": "title", "会派": "faction",
           "態度": "stance", "賛否": "stance", "出典": "source_url"}


class StanceImportError(ValueError):
    """A file rejected as a whole: [(line or None, reason)]. Nothing of it was imported."""

    def __init__(self, path: Path | str, problems: list[tuple[int | None, str]]):
        self.path, self.problems = Path(path), problems
        shown = [f"  line {n}: {why}" if n else f"  {why}" for n, why in problems[:20]]
        if len(problems) > 20:
            shown.append(f"  … and {len(problems) - 20} more")
        super().__init__(f"{self.path.name}: rejected, nothing imported ({len(problems)} problems):\n"
                         + "\n".join(shown))


@dataclass
class StanceReport:
    path: Path
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"insert": 0, "update": 0, "noop": 0, "delete": 0})

    def summary(self) -> str:
        c = self.counts
        return (f"{self.path.name}: {self.rows} stances — insert {c['insert']}, update {c['update']}, "
                f"noop {c['noop']}, delete {c['delete']}")


def _rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return [["" if v is None else (v.date().isoformat() if isinstance(v, datetime) else str(v)) for v in row]
                for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise StanceImportError(path, [(None, "neither UTF-8 nor Shift_JIS (cp932)")])
    return list(csv.reader(io.StringIO(text)))


def read_file(path: Path | str, council: str, source_url: str | None = None) -> list[dict]:
    """The file's stances, checked; StanceImportError with every problem (line, reason) otherwise."""
    path = Path(path)
    rows = _rows(path)
    problems: list[tuple[int | None, str]] = []
    if not rows:
        raise StanceImportError(path, [(None, "empty file")])
    header = [ALIASES.get(h.strip(), h.strip().lower()) for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise StanceImportError(path, [(1, f"missing column(s) {', '.join(missing)}; header is {rows[0]}")])
    col = {name: header.index(name) for name in header if name}
    out, seen = [], {}
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        get = {k: (cells[i].strip() if i < len(cells) else "") for k, i in col.items()}
        try:
            day = date.fromisoformat(unicodedata.normalize("NFKC", get["date"]))
        except ValueError:
            problems.append((n, f"date {get['date']!r} is not YYYY-MM-DD"))
            continue
        m = MOTION.fullmatch(unicodedata.normalize("NFKC", get["motion"]).replace(" ", ""))
        if not m:
            problems.append((n, f"motion {get['motion']!r} is not an identifier such as 議案第1号 or 陳情第3号"))
            continue
        if not get["faction"]:
            problems.append((n, "no faction"))
            continue
        raw = unicodedata.normalize("NFKC", get["stance"]).strip()
        raw = {"o": "○", "x": "×"}.get(raw.lower(), raw)
        if raw not in OPTIONS:
            problems.append((n, f"stance {get['stance']!r} is not one of {' / '.join(dict.fromkeys(OPTIONS))}"))
            continue
        url = get.get("source_url") or source_url
        if not url or not re.match(r"^https?://", url):
            problems.append((n, "no source_url (http…) on the line or as --source-url: a stance needs its source"))
            continue
        identifier = motion_key(m)
        key = (identifier, day.year, normalize_name(get["faction"]))
        if key in seen and seen[key] != OPTIONS[raw]:
            problems.append((n, f"{get['faction']} on {identifier} is already {seen[key]} at line "
                                f"{[i for i, r in enumerate(out, 2) if r['key'] == key][0]}"))
            continue
        seen[key] = OPTIONS[raw]
        out.append({"key": key, "date": day, "identifier": identifier, "title": get.get("title") or None,
                    "faction": get["faction"], "option_raw": get["stance"], "option": OPTIONS[raw],
                    "source_url": url, "council_id": council})
    if problems:
        raise StanceImportError(path, problems)
    if not out:
        raise StanceImportError(path, [(None, "no stances in the file")])
    return out


def records_from_page(body: bytes, council: str, source_url: str | None) -> list[dict]:
    """A published 各会派等の議案への賛否 page (minutes/parsers/stances.py) → the same records as a file's.
    Bills there carry titles, not numbers: the title is the motion's identifier; the date is the
    page's 「…現在」 date (the factions as of then)."""
    from oshigiin.minutes.parsers.stances import StancePageError, parse_metro_tokyo

    try:
        page = parse_metro_tokyo(body)
    except StancePageError as exc:
        raise StanceImportError("page", [(None, str(exc))]) from exc
    if not source_url or not re.match(r"^https?://", source_url):
        raise StanceImportError("page", [(None, "no --source-url (http…): a stance needs its source")])
    out = []
    for item in page.items:
        for line in item.titles:
            # Ward pages print the bill's number before its title (「議案第1号 …予算」); the 都議会's, the title.
            numbered = MOTION.match(line)
            identifier = motion_key(numbered) if numbered else line
            title = line[numbered.end():].strip() if numbered else line
            for abbreviation, side in item.sides:
                faction = page.full_name(abbreviation)
                out.append({"key": (identifier, page.year, normalize_name(faction)), "date": page.as_of,
                            "year": page.year, "identifier": identifier, "title": title or None, "faction": faction,
                            "option_raw": side,
                            "option": OPTIONS[side],
                            "source_url": source_url, "council_id": council})
    return out


def import_file(con: duckdb.DuckDBPyConnection, path: Path | str, council: str,
                source_url: str | None = None, fmt: str | None = None, source: str | None = None) -> StanceReport:
    """Check the whole file (a CSV / Excel layout, or a published page with fmt='metro-tokyo'), then
    replace what this file said before with what it says now."""
    path = Path(path)
    if (fmt or ("metro-tokyo" if path.suffix.lower() in (".html", ".htm") else "table")) == "metro-tokyo":
        try:
            records = records_from_page(path.read_bytes(), council, source_url)
        except StanceImportError as exc:
            raise StanceImportError(path, exc.problems) from exc
    else:
        records = read_file(path, council, source_url)
    ensure_schema(con)
    source = source or f"import:{path.name}"   # a crawled page: page:<its URL>, stable across re-crawls
    now = datetime.now(UTC)
    new = {}
    for r in records:
        year = r.get("year") or r["date"].year
        mid = motion_id(council, year, r["identifier"], f"{council}:{year}")
        if not MOTION.search(r["identifier"]):
            # A page that names bills by title only: the motion the minutes numbered, when exactly one
            # motion of that council and year has that title; otherwise the title stands alone.
            same = con.execute("SELECT motion_id FROM motions WHERE council_id = ? AND year = ? AND title = ? "
                               "AND motion_id <> ?", [council, year, r["title"], mid]).fetchall()
            if len(same) == 1:
                mid = same[0][0]
        org = f"{council}:faction:{normalize_name(r['faction'])}"
        sid = f"{mid}@{org}@{source}"
        new[sid] = (r, mid, org, year)
    old = {row[0]: row[1:] for row in con.execute(
        "SELECT stance_id, option_raw, option, date, faction, source_url FROM stances WHERE source = ? "
        "AND council_id = ?", [source, council]).fetchall()}
    report = StanceReport(path=path, rows=len(records))
    for sid, (r, mid, org, year) in new.items():
        values = (r["option_raw"], r["option"], r["date"], r["faction"], r["source_url"])
        if sid not in old:
            report.counts["insert"] += 1
        elif tuple(old[sid]) != values:
            report.counts["update"] += 1
        else:
            report.counts["noop"] += 1
            continue
        con.execute("DELETE FROM stances WHERE stance_id = ?", [sid])
        con.execute("INSERT INTO stances VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [sid, council, mid, org, r["faction"], r["option_raw"], r["option"], r["date"], source,
                     r["source_url"], now])
        con.execute("""INSERT INTO motions SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS
                       (SELECT 1 FROM motions WHERE motion_id = ?)""",
                    [mid, council, r["identifier"], r["title"], classify(r["identifier"]), year,
                     r["source_url"], now, mid])
        if r["title"]:
            con.execute("UPDATE motions SET title = ? WHERE motion_id = ? AND title IS NULL", [r["title"], mid])
    gone = [sid for sid in old if sid not in new]
    report.counts["delete"] = len(gone)
    if gone:
        con.execute("DELETE FROM stances WHERE stance_id IN (SELECT unnest(?))", [gone])
    return report
