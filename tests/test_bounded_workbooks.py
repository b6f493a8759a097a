"""Bounded election workbooks (issue 14.4): a 5 KB .xlsx with one cell at XFD6000 took 1.8 GB.

`pandas.read_excel` padded every row to column XFD (16,384 cells × 6,000 rows) and the importer
read the workbook up to four times. Now a workbook is read once, in openpyxl's read-only mode,
only its stored cells; rows, columns, file size and unpacked size have caps, and a file past one
is refused with the cap named. The workbooks here are written by the tests; every figure is made up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from oshigiin.minutes.parsers import elections as ep
from tests.recorded_site import RecordedSite, Route
from tests.registry import write_registry

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "elections"

# The import in a child of its own: its peak memory (ru_maxrss) is the import's, not the test run's.
MEASURE = """
import json, resource, sys, time
from oshigiin.pipeline import elections
began = time.monotonic()
try:
    elections.import_file(sys.argv[1], sys.argv[2], council="131121", source="test")
    outcome = "imported"
except elections.ElectionImportError as exc:
    outcome = str(exc)
print(json.dumps({"seconds": time.monotonic() - began, "outcome": outcome,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def workbook(path: Path, stray: str | None = None, rows: int = 0) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["区市町村名", "執行日", "選挙の種類", "当日有権者数", "投票者数", "投票率"])
    ws.append(["世田谷区", "2023-04-23", "区議会議員選挙", 750000, 330000, 44.0])
    for _ in range(rows):
        ws.append(["世田谷区"])
    if stray:
        ws[stray] = "x"
    wb.save(path)
    return path


def measure(db: Path, path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(db), str(path)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_cell_at_xfd6000_is_refused_quickly_in_little_memory(tmp_path):
    bomb = workbook(tmp_path / "bomb.xlsx", "XFD6000")
    assert bomb.stat().st_size < 8_000
    peer = measure(tmp_path / "peer.duckdb", workbook(tmp_path / "plain.xlsx"))
    got = measure(tmp_path / "bomb.duckdb", bomb)
    print(f"\nimport_file of a {bomb.stat().st_size:,}-byte workbook with a cell at XFD6000: "
          f"{got['seconds']:.2f} s, peak {got['peak_mb']:.0f} MB; the same workbook without it: "
          f"{peer['seconds']:.2f} s, peak {peer['peak_mb']:.0f} MB "
          f"(python -c MEASURE, resource.getrusage(RUSAGE_SELF).ru_maxrss)")
    assert peer["outcome"] == "imported"
    assert "column 16384" in got["outcome"] and "cap of 256 columns" in got["outcome"], got["outcome"]
    assert "nothing imported" in got["outcome"]
    # Before the fix: 1.8–2.6 GB and 30–90 s. Now within a small margin of the plain workbook.
    assert got["peak_mb"] < peer["peak_mb"] + 60, (got, peer)
    assert got["seconds"] < 10


def test_caps_on_rows_columns_and_unpacked_size_name_the_cap(tmp_path, monkeypatch):
    with pytest.raises(ep.TooLarge, match=r"cap of 256 columns \(MAX_COLUMNS\)"):
        ep.read_rows(workbook(tmp_path / "a.xlsx", "XFD60000").read_bytes(), "a.xlsx")
    monkeypatch.setattr(ep, "MAX_ROWS", 500)
    with pytest.raises(ep.TooLarge, match=r"more than 500 rows \(MAX_ROWS\)"):
        ep.read_rows(workbook(tmp_path / "b.xlsx", "A900").read_bytes(), "b.xlsx")
    with pytest.raises(ep.TooLarge, match=r"more than 500 rows"):
        ep.read_rows(("a,b\n" * 600).encode(), "b.csv")
    assert len(ep.read_rows(workbook(tmp_path / "c.xlsx", rows=400).read_bytes(), "c.xlsx")) == 402
    # A zip that unpacks far beyond what it weighs: refused before openpyxl unpacks anything.
    packed = workbook(tmp_path / "d.xlsx")
    with zipfile.ZipFile(packed, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/padding.bin", b"\0" * (ep.MAX_UNCOMPRESSED_BYTES + 1))
    assert packed.stat().st_size < 200_000
    with pytest.raises(ep.TooLarge, match="MAX_UNCOMPRESSED_BYTES"):
        ep.read_rows(packed.read_bytes(), "d.xlsx")
    monkeypatch.setattr(ep, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ep.TooLarge, match="MAX_FILE_BYTES"):
        ep.read_rows(b"x" * 1001, "e.csv")


def test_stored_cells_only_and_the_row_numbers_a_person_looks_up(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "表題"
    ws["B4"] = 12345.0
    ws["C4"] = None
    path = tmp_path / "sparse.xlsx"
    wb.save(path)
    assert ep.read_rows(path.read_bytes(), "sparse.xlsx") == [(1, ["表題"]), (4, ["", "12345"])]


def test_trailing_empty_csv_columns_are_not_counted():
    rows = ep.read_rows(("a,b" + "," * 1000 + "\n1,2\n").encode(), "wide.csv")
    assert rows[1] == (2, ["1", "2"])


def test_the_spider_records_a_workbook_past_a_cap_as_too_large(data_dir, tmp_path):
    touhyou = (FIXTURES / "constructed-togikai-touhyou.csv").read_bytes()
    bomb = workbook(tmp_path / "bomb.xlsx", "XFD6000").read_bytes()
    page = "/election/x/"
    index = (b'<html><body><a href="touhyou.csv">CSV</a> <a href="kekka.xlsx">Excel</a></body></html>')
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    site = RecordedSite([Route("GET", page, body=index), Route("GET", page + "touhyou.csv", body=touhyou,
                                                                 content_type="text/csv"),
                         Route("GET", page + "kekka.xlsx", body=bomb, content_type=sheet)])
    registry = write_registry(tmp_path, code="131121", name="世田谷区", prefecture="東京都", download_delay=0.0)
    with site:
        done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "elections", "-a", "council=131121",
                               "-a", f"url={site.url}{page.lstrip('/')}", "-s", "HTTPCACHE_ENABLED=False",
                               "-s", "DOWNLOAD_TIMEOUT=10", "-s", "RETRY_TIMES=0"],
                              cwd=REPO, env={**os.environ, "OSHIGIIN_COUNCILS": registry}, capture_output=True,
                              text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    (run,) = (data_dir / "staging" / "131121").iterdir()
    log = [json.loads(x) for x in (run / "fetch_log.ndjson").read_text().splitlines()]
    (refused,) = [f for f in log if f["outcome"] == "too_large"]
    assert refused["url"].endswith("kekka.xlsx") and "MAX_COLUMNS" in refused["reason"]
    assert (run / "elections.csv").exists()   # the CSV on the same page still staged its rows


def test_the_importer_checks_the_file_size_before_reading_it(tmp_path, monkeypatch):
    from oshigiin.pipeline import elections as el

    path = workbook(tmp_path / "k.xlsx")
    monkeypatch.setattr(ep, "MAX_FILE_BYTES", path.stat().st_size - 1)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    with pytest.raises(el.ElectionImportError, match="MAX_FILE_BYTES"):
        el.import_file(tmp_path / "e.duckdb", path, council="131121", source="test")
