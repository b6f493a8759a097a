"""Exports of any dataset (pipeline/sharing/datapackage.py) to CSV, Parquet, NDJSON or JSON, streamed.

    with opened(db) as con:
        export(con, ["speeches"], "csv", out_dir, Filters(council="131121", query="保育"), excel=True)

Every file is written by DuckDB's COPY from a query on the published database: rows go from the
database to the file in DuckDB's own buffers, never through Python, so memory stays flat however
large the export; a memory limit makes the ORDER BY spill to disk instead of growing. The order
is total (every dataset ends its ORDER BY with its key), so the same data always gives the same
bytes and therefore the same version in datapackage.json.

The database is only ever read: a file path is ATTACHed READ_ONLY into a private in-memory
instance (as the dashboard does), so an export runs while the dashboard serves the same file and
a publish by rename never changes what a running export reads. A file appears under its final
name only when complete.

Progress comes from DuckDB itself (query_progress(), polled from a thread while COPY runs): it
measures the scan, so it reaches 100% before the sort and write of an ordered export finish; the
bytes written so far are reported with it. Chunking by date ranges would give finer progress but
cannot append to one Parquet file, and would re-scan the table per chunk.

Narrowed to one member (Filters.person), a dataset that holds what was said gives for each speech
its metadata, the headline of the question it belongs to, an excerpt of at most EXCERPT_CHARS
characters and the link to the sitting, never the full texts: 著作権法40条1項 allows the use of
political speeches except compiling one speaker's statements, and 32条 allows quotation with the
source (docs/legal.md). Exports across speakers keep the full text.

The Excel variant (excel=True) prefixes a text cell that starts with =, +, -, @, TAB or CR with
an apostrophe, so that a spreadsheet never runs it as a formula; plain CSV, NDJSON, JSON and
Parquet hold the text byte for byte.

A search query filters with the search's own parser (pipeline.search.parse_query) and its
semantics, exact substrings of speeches.text_norm, as a SQL condition: the hits are exactly the
ones pipeline.search.search counts (tests/test_export.py checks it against a built index), and
they stream, where paging through search() would hydrate and snippet every hit in Python.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb

from oshigiin.paths import db_path
from oshigiin.pipeline.search.engine import parse_query
from oshigiin.pipeline.sharing import datapackage as dp

EXCEL_ROWS = 1_048_576  # Excel's row limit, header included
PARQUET_ROW_GROUP = 10_000
# Peak RSS is the limit plus ~250 MB of Python, DuckDB and writer buffers (bench/export.py). One
# thread: on the 2-core machine two were no faster for a sort-then-write, and each adds buffers.
MEMORY_LIMIT = os.environ.get("OSHIGIIN_EXPORT_MEMORY", "400MB")
THREADS = int(os.environ.get("OSHIGIIN_EXPORT_THREADS", "1"))
Progress = Callable[[str, float, int], None]  # (dataset, percent of the scan, bytes written)


@dataclass(frozen=True)
class Filters:
    """What to export: every field is optional; dates are YYYY-MM-DD; query uses the search syntax."""

    council: str | None = None
    person: str | None = None
    faction: str | None = None
    date_from: date | str | None = None
    date_to: date | str | None = None
    topic: str | None = None
    query: str | None = None
    meeting_kind: str | None = None
    kind: str | None = None

    def used(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


@dataclass
class Export:
    """What an export wrote: its files, the datapackage.json and the dataset version."""

    resources: list[dp.Resource]
    datapackage: Path | None = None
    version: str | None = None
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _literal(text: str) -> str:
    """COPY and ATTACH take no parameters for their paths; ours are quoted as SQL literals."""
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def opened(source: duckdb.DuckDBPyConnection | str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection as given, or the database at `source` (default: the published one) read-only,
    with a memory limit and a private spill directory."""
    if isinstance(source, duckdb.DuckDBPyConnection):
        yield source
        return
    path = Path(source or db_path())
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: build or load a database first")
    spill = tempfile.mkdtemp(prefix="oshigiin-export-")
    con = duckdb.connect(":memory:", config={"memory_limit": MEMORY_LIMIT, "threads": THREADS,
                                             "temp_directory": spill})
    try:
        con.execute(f"ATTACH {_literal(str(path.absolute()))} AS pub (READ_ONLY)")
        con.execute("USE pub")
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _dataset(name: str) -> dp.Dataset:
    try:
        return dp.DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; one of: {', '.join(dp.DATASETS)}") from None


def _params(filters: Filters) -> dict[str, object]:
    params: dict[str, object] = {}
    for key, value in filters.used().items():
        if key in ("date_from", "date_to"):
            try:
                params[key] = value if isinstance(value, date) else date.fromisoformat(str(value))
            except ValueError:
                raise ValueError(f"{key} must be a date YYYY-MM-DD, not {value!r}") from None
        elif key == "query":
            parsed = parse_query(str(value))
            if not parsed:
                raise ValueError(f"the search query {value!r} has no word to look for")
            params["groups"], params["excluded"] = parsed.groups, parsed.excluded
        else:
            params[key] = str(value)
    return params


EXCERPT_CHARS = 120
# Narrowed to one member, the texts become a headline and an excerpt (one_speaker).
_EXCERPT = (f"CASE WHEN length(x.flat) <= {EXCERPT_CHARS} THEN x.flat "
            f"ELSE left(x.flat, {EXCERPT_CHARS - 1}) || '…' END")
_HEADLINE = ("(SELECT min(q.headline) FROM question_speeches qs "
             "JOIN questions q USING (question_id) WHERE qs.speech_id = x.speech_id)")
_ITEM_HEADINGS = """'[{"no": "JSON", "heading": "VARCHAR"}]'"""
HEADLINE = dp.F("headline", "string", "発言が属する質問の見出し（特徴語）。質問に属さなければ空",
                "Headline of the question the speech belongs to; empty outside a question")
EXCERPT = dp.F("excerpt", "string",
               f"本文の冒頭（最大{EXCERPT_CHARS}字）。一人の議員に絞った出力は全文を含みません（著作権法40条1項）。"
               "全文は source_url の会議録で",
               f"The speech's first {EXCERPT_CHARS} characters at most. Narrowed to one member, an export holds no "
               "full texts (Copyright Act Art. 40(1)); read them at source_url")
ITEMS = dp.F("items", "array", "質問項目の番号と見出し [{no, heading}]（一人に絞った出力は本文なし）",
             "Numbered items with their headings [{no, heading}] (no text when narrowed to one member)")


def one_speaker(ds: dp.Dataset) -> dp.Dataset:
    """The dataset as written when narrowed to one member: the texts become a headline and an
    excerpt (speeches, search hits), question items keep their headings. Others are unchanged."""
    names = ds.field_names
    if "text" in names:
        fields: list[dp.Field] = []
        for f in ds.fields:
            if f.name == "text":
                fields += [HEADLINE, EXCERPT]
            elif f.name != "annotations":  # offsets into the full text: nothing without it
                fields.append(f)
        dropped = "text, flat" + (", annotations" if "annotations" in names else "")
        sql = (f"SELECT x.* EXCLUDE ({dropped}), {_HEADLINE} AS headline, {_EXCERPT} AS excerpt "
               rf"FROM (SELECT *, trim(regexp_replace(text, '[\s\x{{3000}}]+', ' ', 'g')) AS flat "
               f"FROM ({ds.sql})) AS x")
    elif "items" in names:
        fields = [ITEMS if f.name == "items" else f for f in ds.fields]
        sql = f"SELECT x.* REPLACE (to_json(from_json(x.items, {_ITEM_HEADINGS})) AS items) FROM ({ds.sql}) AS x"
    else:
        return ds
    return replace(ds, sql=sql, fields=tuple(fields), ja=f"{ds.ja}（一人の議員: 見出しと抜粋）",
                   en=f"{ds.en} (one member: headlines and excerpts)")


def spec(dataset: str | dp.Dataset, filters: Filters = Filters()) -> dp.Dataset:
    """The definition a dataset is written with under these filters (one_speaker when narrowed to a member)."""
    ds = _dataset(dataset) if isinstance(dataset, str) else dataset
    return one_speaker(ds) if filters.person else ds


# A cell a spreadsheet would read as a formula (OWASP's CSV injection list): =, +, -, @, TAB or CR first.
_FORMULA = r"^[=+\-@\t\r]"


def _column(f: dp.Field, fmt: str | None, excel: bool = False) -> str:
    """A field as the format writes it: datetimes as UTC ISO 8601 in text formats (whatever the
    session's time zone), arrays and objects as JSON text in CSV; Parquet keeps native types.
    In the Excel variant a text cell that would start a formula gets a leading apostrophe."""
    name = f'd."{f.name}"'
    if fmt in ("csv", "json", "ndjson") and f.type == "datetime":
        return f"strftime(timezone('UTC', {name}), '%Y-%m-%dT%H:%M:%SZ') AS \"{f.name}\""
    if fmt == "csv" and f.type in ("array", "object"):
        return f'to_json({name}) AS "{f.name}"'
    if excel and f.type == "string":
        return f"CASE WHEN regexp_matches({name}, '{_FORMULA}') THEN '''' || {name} ELSE {name} END AS \"{f.name}\""
    return f'{name} AS "{f.name}"'


def select(dataset: str | dp.Dataset, filters: Filters = Filters(), fmt: str | None = None,
           order_by: str | None = None, limit: int | None = None,
           per: str | None = None, excel: bool = False) -> tuple[str, dict[str, object]]:
    """The query for a dataset under filters: (SQL, parameters). Every value is a parameter.

    With `per` (a column), `limit` applies to each of its values: the newest questions of every
    member in one query. Narrowed to one member, texts become excerpts (one_speaker)."""
    ds = spec(dataset, filters)
    used = filters.used()
    dp.check_filters(ds, list(used))
    where = [ds.filters[k] for k in used]
    order = order_by or ds.order_by
    sql = (f"SELECT {', '.join(_column(f, fmt, excel) for f in ds.fields)} FROM ({ds.sql}) AS d"
           + (" WHERE " + " AND ".join(f"({w})" for w in where) if where else ""))
    if limit is not None and per:  # ints: nothing to escape; columns and orders are ours, not the caller's data
        sql += f" QUALIFY row_number() OVER (PARTITION BY {per} ORDER BY {order}) <= {int(limit)}"
        sql += f" ORDER BY {per}, {order}"
    else:
        sql += f" ORDER BY {order}" + (f" LIMIT {int(limit)}" if limit is not None else "")
    return sql, _params(filters)


def _options(fmt: str, excel: bool) -> str:
    if fmt == "csv":
        # PREFIX writes the BOM once at the start of the file, however many threads write rows. DuckDB
        # writes the header by default and refuses an explicit HEADER beside PREFIX; without PREFIX
        # the last line ends in a newline, with it SUFFIX must supply that newline.
        return "FORMAT csv" + (", PREFIX '\ufeff', SUFFIX '\n'" if excel else "")
    if fmt == "parquet":
        # The writer holds a whole row group in memory: at DuckDB's default (122,880 rows) a table
        # of long speeches alone exceeds the memory limit, so row groups are counted in thousands.
        return f"FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {PARQUET_ROW_GROUP}"
    if fmt == "json":
        return "FORMAT json, ARRAY true"
    return "FORMAT json"


@contextmanager
def _reporting(con: duckdb.DuckDBPyConnection, label: str, partial: Path, progress: Progress | None):
    if progress is None:
        yield
        return
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    con.execute("SET progress_bar_time = 0")
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.25):
            size = partial.stat().st_size if partial.exists() else 0
            progress(label, max(0.0, con.query_progress()), size)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def write(con: duckdb.DuckDBPyConnection, dataset: str, fmt: str, out_dir: Path, filters: Filters = Filters(),
          *, excel: bool = False, progress: Progress | None = None) -> dp.Resource:
    """One dataset to one file, DIR/<dataset>.<ext>, by COPY."""
    if fmt not in dp.FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of: {', '.join(dp.FORMATS)}")
    if excel and fmt != "csv":
        raise ValueError("--excel applies to CSV only")
    sql, params = select(dataset, filters, fmt, excel=excel)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{dataset}{dp.FORMATS[fmt][0]}"
    partial = target.with_name(f".{target.name}.partial")
    try:
        with _reporting(con, dataset, partial, progress):
            rows = con.execute(f"COPY ({sql}) TO {_literal(str(partial))} ({_options(fmt, excel)})",
                               params).fetchone()[0]
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    if progress is not None:
        progress(dataset, 100.0, target.stat().st_size)
    written = spec(dataset, filters)
    return dp.Resource(dataset, target, fmt, int(rows), excel, None if written is dp.DATASETS[dataset] else written)


def count_rows(con: duckdb.DuckDBPyConnection, dataset: str | dp.Dataset, filters: Filters = Filters()) -> int:
    """How many rows an export of this dataset with these filters holds (the same SQL, counted)."""
    sql, params = select(dataset, filters)
    return con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def available(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables and views of the current database (an older file may lack the election tables)."""
    return {r[0] for r in con.execute("""
        SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()
        UNION SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal
    """).fetchall()}


def export(source, datasets: str | list[str], fmt: str = "csv", out_dir: Path | str = "export",
           filters: Filters = Filters(), *, excel: bool = False, progress: Progress | None = None,
           name: str = "oshigiin") -> Export:
    """Datasets to DIR/<dataset>.<ext> and DIR/datapackage.json describing them.

    source: a connection (used as is: the dashboard's) or a database path (opened read-only).
    Filters that do not apply to a dataset are an error, raised before anything is written.
    """
    names = [datasets] if isinstance(datasets, str) else list(datasets)
    for n in names:
        dp.check_filters(_dataset(n), list(filters.used()))
    _params(filters)
    out = Path(out_dir)
    with opened(source) as con:
        present = available(con)
        for n in names:
            missing = [t for t in dp.DATASETS[n].tables if t not in present]
            if missing:
                raise ValueError(f"{n}: the database has no {', '.join(missing)}")
        result = Export([write(con, n, fmt, out, filters, excel=excel, progress=progress) for n in names])
        _describe(con, result, out, filters, name)
    if excel:
        result.warnings += [f"{r.path.name}: {r.rows:,} rows; Excel opens at most {EXCEL_ROWS - 1:,}"
                            for r in result.resources if r.rows >= EXCEL_ROWS]
    return result


def export_all(source, out_dir: Path | str, *, fmt: str = "parquet", progress: Progress | None = None) -> Export:
    """The bulk snapshot: every dataset, unfiltered, plus datapackage.json. Datasets that need a
    filter (search) and those whose tables the database lacks are skipped and listed."""
    out = Path(out_dir)
    with opened(source) as con:
        present = available(con)
        result = Export([])
        for ds in dp.DATASETS.values():
            if ds.requires or any(t not in present for t in ds.tables):
                result.skipped.append(ds.name)
                continue
            result.resources.append(write(con, ds.name, fmt, out, progress=progress))
        _describe(con, result, out, Filters(), "oshigiin-snapshot")
    return result


def _describe(con: duckdb.DuckDBPyConnection, result: Export, out: Path, filters: Filters, name: str) -> None:
    descriptor = dp.package(con, result.resources, filters.used(), name=name)
    result.datapackage = dp.write_package(out / "datapackage.json", descriptor)
    result.version = descriptor["version"]


def export_bytes(con: duckdb.DuckDBPyConnection, dataset: str, fmt: str = "csv", filters: Filters = Filters(),
                 *, excel: bool = False, package: bool = False) -> bytes:
    """A small export in memory, for a download button: the file's bytes, or with package=True a zip
    of the file and its datapackage.json. The same code as `export`, through a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="oshigiin-download-") as tmp:
        result = export(con, dataset, fmt, Path(tmp), filters, excel=excel)
        if not package:
            return result.resources[0].path.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for path in (result.resources[0].path, result.datapackage):
                z.write(path, path.name)
        return buffer.getvalue()


def file_name(dataset: str, fmt: str, filters: Filters = Filters()) -> str:
    """A download's file name that says what it holds: oshigiin-131121-speeches.csv."""
    council = filters.council or "all"
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in str(council))
    return f"oshigiin-{safe}-{dataset}{dp.FORMATS[fmt][0]}"
