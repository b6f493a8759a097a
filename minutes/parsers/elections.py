"""Election result files, as election commissions and 総務省 publish them → plain rows.

Pure functions of (bytes, file name): `oshigiin import-elections`, the elections spider and the
tests call them without a crawl or a database. Nothing here decides what a row means for the
database; pipeline/elections.py validates and stores.

The files are tables with one header row somewhere under a few title lines, often with a second
header row of 男・女・計 under each count, numbers written with thousands separators, full-width
digits, trailing spaces or units, and (for candidates' votes) three decimals: 按分票, votes for a
name two candidates share, split between them. Columns are found by their header text, so one
reader serves every commission's column order. CSV comes in UTF-8 (with or without BOM) or
Shift_JIS (read as cp932, which also covers the NEC/IBM extension characters); Excel as .xlsx.

The 東京都選挙管理委員会 publishes each election's 投票結果 as CSV: a title line naming the
election and its date, 開票区名 in the second column (indented with full-width spaces, totals such
as 区部計 marked with ★ or ☆), then 当日有権者数 and 投票者数 as 男・女・計 (UTF-8 with BOM;
described in a public importer's notes, 2026-10). `read_table` reads that shape like any other.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urljoin

from parsel import Selector

from oshigiin.minutes.normalize import parse_wareki
from oshigiin.minutes.parsers.discussnet import ParseError

# Header labels per field, most specific first. A header cell matches a label when, folded,
# it equals the label or starts with it (「当日有権者数(計)」, 「投票率(%)」); 「期日前投票者数」
# does not start with 「投票者数」, so early-vote counts are never taken for the total.
COLUMNS: dict[str, tuple[str, ...]] = {
    "election_id": ("election_id",),
    "area_id": ("area_id", "団体コード", "全国地方公共団体コード", "市区町村コード", "区市町村コード"),
    "area_name": ("area_name", "区市町村名", "市区町村名", "開票区名", "開票区", "団体名", "自治体名"),
    "election_type": ("election_type", "選挙の種類", "選挙種別", "選挙名", "選挙"),
    "date": ("date", "執行日", "投票日", "選挙期日", "執行年月日", "投票年月日", "選挙執行日"),
    "electorate": ("electorate", "当日有権者数", "有権者数"),
    "voters": ("voters", "投票者数", "投票者総数"),
    "turnout": ("turnout", "投票率"),
    "seats": ("seats", "議員定数", "定数", "定員", "選挙すべき数"),
    "candidates": ("candidates", "立候補者数", "候補者数"),
    "name": ("name", "候補者名", "候補者氏名", "氏名"),
    "party": ("party", "党派名", "党派", "所属党派"),
    "votes": ("votes", "得票数", "得票"),
    "elected": ("elected", "当落", "当選"),
    "rank": ("rank", "order", "得票順位", "順位"),
    "group_kind": ("group_kind",),
    "age_group": ("age_group", "年齢区分", "年齢層", "年齢別", "年代別", "年齢", "年代"),
    "district": ("district", "投票区名", "投票区", "投票所名", "投票所"),
    "group": ("group",),
    "status": ("status", "区分"),
    "source": ("source", "出典"),
    "source_url": ("source_url", "出典url", "url"),
    "note": ("note", "備考"),
}
SUBHEADER = ("男", "女", "計", "合計", "総数")
TOTALS = ("計", "合計", "総数")
# Labels that must match a header whole: 「選挙人名簿登録者数」 is not a 選挙 column, 「当選回数」 not 当落.
EXACT_ONLY = {"選挙", "当選", "url", "順位", "年齢", "group"}
HEADER_SCAN = 20   # title lines a header may sit under

# Election types as they are named in oshigiin, and the spellings files use for them.
TYPES = ("区議会議員選挙", "区長選挙", "市議会議員選挙", "市長選挙", "町議会議員選挙", "町長選挙",
         "村議会議員選挙", "村長選挙", "都議会議員選挙", "都知事選挙", "衆議院議員総選挙",
         "参議院議員通常選挙", "最高裁判所裁判官国民審査")
_TYPE_PATTERNS = (
    (re.compile(r"(?:東京)?都議会議員(補欠)?選挙"), "都議会議員{}選挙"),
    (re.compile(r"(?:東京)?都知事選挙"), "都知事選挙"),
    (re.compile(r"衆議院(?:議員)?(?:総)?選挙|衆議院議員選挙"), "衆議院議員総選挙"),
    (re.compile(r"参議院(?:議員)?(?:通常)?選挙"), "参議院議員通常選挙"),
    (re.compile(r"([区市町村])議会議員(補欠|増員|再|一般)?選挙"), "{0}議会議員{1}選挙"),
    (re.compile(r"([区市町村])長(補欠|再|出直し)?選挙"), "{0}長選挙"),
)
_SPACE = re.compile(r"[\s\u3000]+")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


@dataclass
class Table:
    """One sheet: the lines above the header (titles), the columns found, the data rows."""

    titles: list[str]
    columns: dict[str, int]             # field → column index
    headers: list[str]                  # the header cells as printed
    rows: list[tuple[int, list[str]]]   # (line or Excel row number, cells)
    header_line: int = 0
    extra: dict = field(default_factory=dict)

    def get(self, cells: list[str], name: str) -> str:
        i = self.columns.get(name)
        return cells[i].strip() if i is not None and i < len(cells) and cells[i] is not None else ""


# -- reading ----------------------------------------------------------------------------------

def decode(data: bytes) -> str:
    """UTF-8 (BOM or not) first; Shift_JIS files are read as cp932."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise ParseError(f"neither UTF-8 nor Shift_JIS (cp932): {exc}") from None


def _cell(value) -> str:
    """An Excel cell as the text a CSV would hold: 12345.0 → '12345', a date → ISO."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Bounds on what a result file may make us hold. The largest real files are a few hundred KB
# (総務省's nationwide tables: ~1,900 rows; a ward's 投票区 table: ~60). A workbook is a zip: its
# sheets are checked uncompressed before openpyxl opens them, and cells are read as they are
# stored — a lone cell at XFD6000 once made pandas pad 6,000 rows × 16,384 columns (1.8 GB).
MAX_FILE_BYTES = 16 * 2**20
MAX_UNCOMPRESSED_BYTES = 64 * 2**20
MAX_ROWS = 100_000
MAX_COLUMNS = 256


class TooLarge(ParseError):
    """A file beyond one of the caps above: refused whole, with the cap named."""


def _check_size(data: bytes, name: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge(f"{name}: {len(data):,} bytes, over the cap of {MAX_FILE_BYTES:,} bytes (MAX_FILE_BYTES)")


def _check_row(line: int, width: int) -> None:
    if line > MAX_ROWS:
        raise TooLarge(f"more than {MAX_ROWS:,} rows (MAX_ROWS): row {line} is past the cap")
    if width > MAX_COLUMNS:
        raise TooLarge(f"row {line} has a value in column {width}, past the cap of {MAX_COLUMNS} columns (MAX_COLUMNS)")


def _workbook_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """The first sheet's rows, read once in openpyxl's read-only mode: only stored cells are read,
    each row as wide as its last value, empty rows left out."""
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ParseError(f"not a readable .xlsx workbook: {exc}") from None
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise TooLarge(f"the workbook unpacks to {unpacked:,} bytes, over the cap of "
                       f"{MAX_UNCOMPRESSED_BYTES:,} bytes (MAX_UNCOMPRESSED_BYTES)")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise ParseError(f"not a readable .xlsx workbook: {type(exc).__name__}: {exc}") from None
    rows = []
    try:
        sheet = book.worksheets[0]
        # The sheet's declared dimension is not trusted: without it each row is as wide as its own
        # last stored cell, and missing rows come as empty tuples (nothing is padded to XFD).
        sheet.reset_dimensions()
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            _check_row(line, 0)
            cells = list(values)
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            _check_row(line, len(cells))
            if cells:
                rows.append((line, [_cell(v) for v in cells]))
    except ParseError:
        raise
    except Exception as exc:
        raise ParseError(f"not a readable .xlsx workbook: {type(exc).__name__}: {exc}") from None
    finally:
        book.close()
    return rows


def read_rows(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    """Every row with the line (CSV) or row (Excel) number a person would look up. Raises TooLarge
    past MAX_FILE_BYTES, MAX_ROWS or MAX_COLUMNS."""
    _check_size(data, name)
    if name.lower().endswith((".xlsx", ".xlsm")):
        return _workbook_rows(data)
    if name.lower().endswith(".xls"):
        raise ParseError("old .xls workbooks are not read: save the file as .xlsx or CSV")
    text = decode(data)
    # The csv module, not pandas: it keeps ragged rows (a number split by an unquoted thousands
    # separator) and the physical line numbers an error message must point to.
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for cells in reader:
            width = len(cells)
            while width and not cells[width - 1].strip():
                width -= 1   # trailing empty cells of a spreadsheet's export are not columns
            _check_row(reader.line_num, width)
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ParseError(f"line {reader.line_num}: {exc}") from None
    return rows


def fold(header: str) -> str:
    """A header cell as compared: NFKC, lower case, no spaces, units and brackets dropped."""
    h = unicodedata.normalize("NFKC", header or "").lower()
    return re.sub(r"[\s()\[\]（）「」【】]", "", h)


def _match(headers: list[str]) -> dict[str, int]:
    folded = [fold(h) for h in headers]
    found: dict[str, int] = {}
    taken: set[int] = set()
    # Exact matches first, so 「投票区」 is not taken by a 「投票区名」 column that also exists.
    for exact in (True, False):
        for fld, labels in COLUMNS.items():
            if fld in found:
                continue
            for label in labels:
                if exact:
                    hits = [i for i, h in enumerate(folded) if i not in taken and h == label]
                elif label in EXACT_ONLY:
                    continue
                else:
                    # 「有権者数（男）」「有権者数（女）」「有権者数（計）」: the total, never one sex.
                    rest = {i: h[len(label):] for i, h in enumerate(folded)
                            if i not in taken and h.startswith(label)}
                    hits = ([i for i, r in rest.items() if r in TOTALS]
                            or [i for i, r in rest.items() if r not in ("男", "女")])
                if hits:
                    found[fld] = hits[0]
                    taken.add(hits[0])
                    break
    return found


def _is_subheader(cells: list[str]) -> bool:
    labels = [fold(c) for c in cells if c and c.strip()]
    return bool(labels) and all(label in SUBHEADER for label in labels) and "計" in labels


def read_table(data: bytes | None, name: str, needs: tuple[tuple[str, ...], ...],
               rows: list[tuple[int, list[str]]] | None = None) -> Table:
    """The first header row (within HEADER_SCAN rows) that has every field group in `needs`
    (a group is satisfied by any one of its fields). `rows` (from read_rows) saves re-reading a
    file that is tried against several shapes."""
    if rows is None:
        rows = read_rows(data, name)
    for k, (line, cells) in enumerate(rows[:HEADER_SCAN]):
        columns = _match(cells)
        if not all(any(f in columns for f in group) for group in needs):
            continue
        headers = list(cells)
        body = rows[k + 1:]
        if body and _is_subheader(body[0][1]):
            # 男・女・計 under each count: the count is its 計 column.
            sub = [fold(c) for c in body[0][1]]
            for fld, i in list(columns.items()):
                if i < len(sub) and sub[i] in ("男", "女"):
                    total = next((j for j in range(i, min(i + 4, len(sub))) if sub[j] in ("計", "合計", "総数")),
                                 None)
                    if total is not None:
                        columns[fld] = total
            body = body[1:]
        titles = [" ".join(c for c in r if c and c.strip()) for _, r in rows[:k]]
        return Table(titles=[t for t in titles if t], columns=columns, headers=headers, rows=body, header_line=line)
    wanted = " and ".join("/".join(COLUMNS[f][1] if len(COLUMNS[f]) > 1 else f for f in g) for g in needs)
    raise ParseError(f"no header row with {wanted} in the first {HEADER_SCAN} rows")


def repair_split_numbers(cells: list[str], width: int) -> list[str]:
    """Join numbers an unquoted thousands separator split into two cells: 9,617.756 written
    bare in a CSV reads as '9' and '617.756'. Only where the row is too long, right to left,
    and only digit groups that can be nothing else."""
    cells = list(cells)
    i = len(cells) - 1
    while len(cells) > width and i > 0:
        left, right = cells[i - 1].strip(), cells[i].strip()
        if re.fullmatch(r"\d{3}(?:,\d{3})*(?:\.\d+)?", right) and re.fullmatch(r"[+-]?\d{1,3}", left):
            cells[i - 1:i + 1] = [f"{left},{right}"]
        i -= 1
    return cells


# -- values -----------------------------------------------------------------------------------

def number(text: str) -> Decimal | None:
    """'1,234' '１２３４人' ' 46.11% ' '9,617.756' → Decimal; '' and '-' → None; else ValueError."""
    s = unicodedata.normalize("NFKC", text or "")
    s = _SPACE.sub("", s).replace(",", "")
    s = re.sub(r"(人|票|%|ポイント|pt)$", "", s)
    if s in ("", "-", "―", "－", "—"):
        return None
    if not _NUMBER.match(s):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(s)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None


def parse_date(text: str) -> date | None:
    """'2023-04-23', '2023/4/23', '2023年4月23日', '令和5年4月23日' → date; '' → None; else ValueError."""
    s = unicodedata.normalize("NFKC", text or "").strip()
    if not s:
        return None
    if m := re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+0{1,2}:0{2}(?::0{2})?)?", s):
        y, mo, d = (int(x) for x in m.groups())
        try:
            return date(y, mo, d)
        except ValueError:
            raise ValueError(f"no such date: {text!r}") from None
    if re.search(r"(明治|大正|昭和|平成|令和)", s):
        found = parse_wareki(s)
        if found:
            return found
    raise ValueError(f"not a date: {text!r}")


def parse_elected(text: str) -> bool | None:
    s = unicodedata.normalize("NFKC", text or "").strip().lower()
    if s in ("当", "当選", "true", "1", "yes", "○", "◯", "当選人"):
        return True
    if s in ("落", "落選", "false", "0", "no", "", "×"):
        return False if s else None
    if s in ("繰当", "繰上当選"):
        return True
    raise ValueError(f"not 当選/落選: {text!r}")


def election_type(text: str) -> str | None:
    """The type named in a title or a cell: 「世田谷区議会議員選挙」 → 区議会議員選挙,
    「東京都議会議員選挙」 → 都議会議員選挙. None when no type is named."""
    s = _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))
    if s in TYPES:
        return s
    for pattern, form in _TYPE_PATTERNS:
        if m := pattern.search(s):
            # 一般選挙 is the legal name of an ordinary election: the same type.
            groups = ["" if g in (None, "一般") else g for g in m.groups()]
            return form.format(*groups) if groups else form
    return None


def area_label(text: str) -> str:
    """A 開票区名 cell as a name: indentation and the ★☆ that mark totals removed."""
    return re.sub(r"[\s\u3000★☆※]", "", unicodedata.normalize("NFKC", text or ""))


def title_facts(titles: list[str]) -> dict:
    """What the title lines above a table say: the election and its date, where they say it."""
    facts: dict = {}
    for t in titles:
        if "date" not in facts and (d := parse_wareki(t)):
            facts["date"] = d
        if "date" not in facts:
            m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", unicodedata.normalize("NFKC", t))
            if m:
                facts["date"] = date(*(int(x) for x in m.groups()))
        if "election_type" not in facts and (kind := election_type(t)):
            facts["election_type"] = kind
    return facts


# -- the 東京都選挙管理委員会's pages ---------------------------------------------------------------

def result_links(html: str | bytes, base_url: str) -> list[str]:
    """Links to result files (CSV, .xlsx) on an election's page, absolute, in page order, once each."""
    sel = Selector(text=html if isinstance(html, str) else decode(html))
    seen: list[str] = []
    for href in sel.css("a::attr(href)").getall():
        url = urljoin(base_url, href.strip())
        if re.search(r"\.(csv|xlsx)(?:$|[?#])", url, re.I) and url not in seen:
            seen.append(url)
    return seen


def turnout_rows(data: bytes, name: str) -> tuple[dict, list[dict]]:
    """A 投票結果 file → (title facts, [{area, electorate, voters, turnout, line}]).

    One row per 開票区 as printed (area names cleaned, totals kept: a caller picks the rows it
    wants, e.g. 世田谷区 and 区部計). Rows without counts (blank lines, notes) are skipped.
    """
    table = read_table(data, name, (("area_name",), ("electorate",), ("voters",)))
    out = []
    for line, cells in table.rows:
        area = area_label(table.get(cells, "area_name"))
        if not area:
            continue
        try:
            electorate, voters = number(table.get(cells, "electorate")), number(table.get(cells, "voters"))
            turnout = number(table.get(cells, "turnout")) if "turnout" in table.columns else None
        except ValueError as exc:
            raise ParseError(f"line {line}: {exc}") from None
        if electorate is None or voters is None:
            continue
        out.append({"area": area, "electorate": int(electorate), "voters": int(voters),
                    "turnout": turnout, "line": line})
    if not out:
        raise ParseError("no 開票区 rows with 当日有権者数 and 投票者数")
    return title_facts(table.titles), out
