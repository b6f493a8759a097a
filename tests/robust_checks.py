"""What the robustness tests compare: the published database against the demo's ground truth,
a database's whole content as one fingerprint, and the failures a crawl staged."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import duckdb

from oshigiin.minutes.annotations import restore


def read_only(db: Path) -> duckdb.DuckDBPyConnection:
    """The published file as a reader opens it: ATTACHed read-only, like the dashboard and status."""
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{str(db).replace(chr(39), chr(39) * 2)}' AS pub (READ_ONLY)")
    con.execute("USE pub")
    return con


def fingerprint(db: Path) -> dict[str, tuple[int, str]]:
    """{table: (rows, hash of every row)}: equal fingerprints, equal content, whatever the row order."""
    con = read_only(db)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'pub' ORDER BY 1").fetchall()]
        return {t: con.execute(f"""SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), ''))
                                  FROM (SELECT md5(r::VARCHAR) AS h FROM "{t}" r)""").fetchone() for t in tables}
    finally:
        con.close()


def truth_speeches(council, skip: set[tuple[int, int]] = frozenset()) -> dict[tuple[str, str, str], str]:
    """{(ext_council_id, ext_schedule_id, minute_id): text as printed} from the generator."""
    return {(str(m["ext_council_id"]), str(m["ext_schedule_id"]), str(s["minute_id"])): s["text"]
            for m in council.truth() if (m["ext_council_id"], m["ext_schedule_id"]) not in skip
            for s in m["speeches"]}


def stored_speeches(db: Path) -> dict[tuple[str, str, str], str]:
    """The same keys from the published database, each text restored to the page as printed."""
    con = read_only(db)
    try:
        rows = con.execute("""SELECT m.ext_council_id, m.ext_schedule_id, s.ext_minute_id, s.text, s.annotations
                              FROM speeches s JOIN meetings m USING (meeting_id)""").fetchall()
        duplicates = con.execute("SELECT count(*) - count(DISTINCT speech_id) FROM speeches").fetchone()[0]
    finally:
        con.close()
    assert duplicates == 0, f"{duplicates} duplicated speech ids"
    return {(c, s, m): restore(text, annotations) for c, s, m, text, annotations in rows}


def staged_fetches(data_dir: Path, council: str = "demo") -> list[dict]:
    """Every fetch_log line every run of the council staged, oldest run first."""
    lines = []
    for path in sorted((data_dir / "staging" / council).glob("*/fetch_log.ndjson")):
        lines += [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return lines


def failures(data_dir: Path, council: str = "demo") -> list[dict]:
    return [f for f in staged_fetches(data_dir, council) if f["outcome"] != "ok"]


def form(request_body: str | None) -> dict[str, str]:
    """The POST parameters of a fetch_log line (DiscussNet's API is form-encoded)."""
    from urllib.parse import parse_qs

    return {k: v[0] for k, v in parse_qs(request_body or "").items()}


@functools.cache
def two_versions(speeches: int = 80) -> dict:
    """The demo council published twice, built once per test process: `previous` from a crawl that
    missed every other sitting, `new` from loading a second, complete crawl over it. The staging
    of both crawls stays, so a load onto a copy of `previous` publishes exactly `new` again."""
    import atexit
    import shutil
    import tempfile

    from oshigiin.demo.generator import DemoCouncil
    from oshigiin.pipeline.publishing.load import load
    from tests.faulty_server import FaultyServer, Rule, Status, crawl

    data = Path(tempfile.mkdtemp(prefix="oshigiin-versions-"))
    atexit.register(shutil.rmtree, data, ignore_errors=True)
    env, staging = {"OSHIGIIN_DATA": str(data), "OSHIGIIN_DB": str(data / "oshigiin.duckdb")}, data / "staging"
    council = DemoCouncil(speeches)
    missing = council.meeting_ids()[::2]
    rules = [Rule("/dnp/search/minutes/get_minute", Status(500), council_id=c, schedule_id=s) for c, s in missing]
    with FaultyServer(council, rules) as server:
        first = crawl(server.url, settings={"RETRY_TIMES": 0}, env=env)
        assert first.returncode == 0, first.stderr[-3000:]
        previous, new = data / "previous.duckdb", data / "new.duckdb"
        load(["demo"], previous, staging)
        server.set_rules([])
        second = crawl(server.url, settings={"RETRY_TIMES": 0}, env=env, full="1")
        assert second.returncode == 0, second.stderr[-3000:]
    shutil.copyfile(previous, new)
    assert load(["demo"], new, staging).published
    return {"data": data, "council": council, "previous": previous, "new": new, "missing": missing,
            "sizes": (previous.stat().st_size, new.stat().st_size)}
