"""Speech search at scale: this engine vs DuckDB contains() scanning vs SQLite FTS5 trigram.

    .venv/bin/python bench/search.py --speeches 1000000

Builds the demo council at that size in a child process (serve → crawl → load, as `make run`
does; or takes --db), indexes it here inside one transaction as the load does (build_s and
peak_rss_mb are this index build's), then runs a fixed query set — one-character,
two-character, rare, common, multi-term, phrase, OR, exclusion, filtered — on the same file,
in the same run, three ways:

- engine: pipeline.search.search(), top 20 by BM25 with the exact hit count, one DuckDB thread
  per query (how the dashboard should serve it: see docs/search.md);
- contains: one SQL scan of speeches.text_norm with contains() per term, hit count and the
  newest 20, on every core (the ground truth: recall is the share of its hits the engine returns);
- sqlite_trigram: the standard library's SQLite FTS5 with tokenize='trigram', MATCH for terms
  of three or more characters, a scan with instr() for shorter ones (the trigram index returns
  nothing for them).

Query time by query length (issue 13: 福祉 ×100 took 21 s, 300+ characters ran past 60 s): with
--lengths, 20 to 300 characters of 福祉 repeated, of 福祉の repeated, of a question's paragraph as
one term (whitespace removed) and of the same paragraph pasted as typed (its sentences become AND
terms), one thread, the median of the timed runs:

    .venv/bin/python bench/search.py --db data/oshigiin.duckdb --lengths

The last line is `search: n=… p50_ms=… p95_ms=… recall=… contains_p95_ms=… sqlite_trigram_p95_ms=…
build_s=… peak_rss_mb=… index_mb=…`.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpus import build_demo  # noqa: E402
from oshigiin.pipeline.search.engine import QueryError, index_bytes, index_speeches, parse_query, search, search_ids  # noqa: E402

# (type, query, filters). Words the demo council says, at frequencies from 0.1% to 41% of speeches.
QUERIES = [
    ("one_char", "桜", {}),
    ("one_char_common", "区", {}),
    ("two_char", "保育", {}),
    ("two_char_variant", "德永", {}),  # folded to 徳永, as text_norm is
    ("common", "区民", {}),
    ("three_char", "空き家", {}),
    ("three_char", "図書館", {}),
    ("rare", "子育て支援", {}),
    ("rare", "バリアフリー", {}),
    ("multi_term", "保育 待機児童", {}),
    ("multi_term", "防災 避難所 区民", {}),
    ("phrase", '"地域防災計画"', {}),
    ("phrase", "「ヤングケアラー」", {}),
    ("or", "保育 OR 幼稚園", {}),
    ("not", "防災 -避難所", {}),
    ("filtered_kind", "保育", {"kind": "question"}),
    ("filtered_date", "防災", {"date_from": "2023-01-01", "date_to": "2023-12-31"}),
    ("filtered_meeting", "空き家", {"meeting_kind": "本会議"}),
    ("filtered_faction", "介護", {"faction": "区民クラブ"}),
    ("filtered_member", "学校", {"person_id": "demo:徳永けんじ"}),
    ("filtered_topic", "子ども", {"topic": "children_education"}),
]
# Not in the set: terms in half of all speeches, to show where the engine is slowest.
STRESS = ["の", "について", "区 の"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def timed(fn, repeat: int) -> tuple[list[float], object]:
    out = fn()  # warm-up: caches and lazily loaded indexes are not what a p95 should measure
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, out


def contains_where(query: str, filters: dict) -> tuple[str, list]:
    """The query's meaning as contains() over speeches s JOIN meetings m, with its parameters."""
    parsed = parse_query(query)
    where, params = ["true"], []
    for group in parsed.groups:
        where.append("(" + " OR ".join("contains(s.text_norm, ?)" for _ in group) + ")")
        params += group
    for term in parsed.excluded:
        where.append("NOT contains(s.text_norm, ?)")
        params.append(term)
    column = {"kind": "s.kind", "meeting_kind": "m.kind", "person_id": "s.person_id", "council_id": "s.council_id"}
    for key, value in filters.items():
        if key in column:
            where.append(f"{column[key]} = ?")
        elif key == "date_from":
            where.append("m.date >= ?::DATE")
        elif key == "date_to":
            where.append("m.date <= ?::DATE")
        elif key == "faction":
            where.append("s.person_id IN (SELECT person_id FROM members WHERE faction = ?)")
        elif key == "topic":
            where.append("s.speech_id IN (SELECT qs.speech_id FROM question_speeches qs "
                         "JOIN question_topics qt USING (question_id) WHERE qt.topic = ?)")
        params.append(value)
    return " AND ".join(where), params


def build_sqlite(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[sqlite3.Connection, float]:
    """docs holds the text once; fts is an external-content FTS5 index over it."""
    started = time.monotonic()
    lite = sqlite3.connect(path)
    lite.executescript("""
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE docs (id INTEGER PRIMARY KEY, speech_id TEXT, text_norm TEXT, date TEXT, kind TEXT,
                           meeting_kind TEXT, person_id TEXT, council_id TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(text_norm, content = 'docs', content_rowid = 'id',
                                            tokenize = 'trigram');
    """)
    cursor = con.execute("""
        SELECT row_number() OVER () AS id, s.speech_id, s.text_norm, m.date::VARCHAR, s.kind, m.kind,
               s.person_id, s.council_id
        FROM speeches s JOIN meetings m USING (meeting_id)
    """)
    while rows := cursor.fetchmany(50_000):
        lite.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    lite.execute("INSERT INTO fts (fts) VALUES ('rebuild')")
    lite.commit()
    return lite, time.monotonic() - started


def sqlite_query(con: duckdb.DuckDBPyConnection, query: str, filters: dict) -> tuple[str, list]:
    """MATCH for terms of three or more characters; a scan with instr() for shorter ones, which
    the trigram index cannot serve (its MATCH and LIKE return nothing for them)."""
    parsed = parse_query(query)
    match, where, params = [], ["true"], []

    def quoted(t: str) -> str:
        return '"' + t.replace('"', '""') + '"'

    for group in parsed.groups:
        if all(len(t) >= 3 for t in group):
            match.append("(" + " OR ".join(quoted(t) for t in group) + ")")
        else:
            where.append("(" + " OR ".join("instr(d.text_norm, ?) > 0" for _ in group) + ")")
            params += group
    for term in parsed.excluded:
        where.append("instr(d.text_norm, ?) = 0")
        params.append(term)
    column = {"kind": "d.kind", "meeting_kind": "d.meeting_kind", "person_id": "d.person_id"}
    for key, value in filters.items():
        if key in column:
            where.append(f"{column[key]} = ?")
        elif key == "date_from":
            where.append("d.date >= ?")
        elif key == "date_to":
            where.append("d.date <= ?")
        elif key in ("faction", "topic"):
            # Resolved to speech ids in DuckDB, where the members and topics live.
            speech_filter, speech_params = contains_where("", {key: value})
            ids = con.execute(f"SELECT s.speech_id FROM speeches s WHERE {speech_filter}", speech_params).fetchall()
            where.append("d.speech_id IN (SELECT value FROM json_each(?))")
            value = "[" + ",".join(f'"{r[0]}"' for r in ids) + "]"
        params.append(value)
    if match:
        sql = (f"SELECT d.speech_id, count(*) OVER () FROM fts JOIN docs d ON d.id = fts.rowid "
               f"WHERE fts MATCH ? AND {' AND '.join(where)} ORDER BY rank LIMIT 20")
        return sql, [" AND ".join(match), *params]
    sql = f"SELECT d.speech_id, count(*) OVER () FROM docs d WHERE {' AND '.join(where)} ORDER BY d.date DESC LIMIT 20"
    return sql, params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speeches", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="An existing database to index (skips the build).")
    parser.add_argument("--repeat", type=int, default=5, help="Timed runs per query (after one warm-up).")
    parser.add_argument("--no-sqlite", action="store_true", help="Skip the SQLite FTS5 peer.")
    parser.add_argument("--lengths", action="store_true",
                        help="Only time queries by length (20-300 characters) on --db as it is, without re-indexing.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="oshigiin-search-"))
    os.environ["OSHIGIIN_DATA"] = str(work)
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


LENGTHS = (20, 50, 100, 200, 300)


def by_length(con: duckdb.DuckDBPyConnection, repeat: int) -> None:
    """Time by query length: a long term is joined on a few rare bigrams and verified, so 300
    characters should cost about what 20 do."""
    paragraph = con.execute("SELECT text_norm FROM speeches WHERE length(text_norm) > 600 AND kind = 'question' "
                            "ORDER BY speech_id LIMIT 1").fetchone()[0]
    series = {"福祉": "福祉" * 150, "福祉の": "福祉の" * 100,
              "varied": re.sub(r'[\s"“”「」|-]', "", paragraph), "pasted": " ".join(paragraph.split())}
    con.execute("SET threads = 1")
    for name, text in series.items():
        for n in LENGTHS:
            query = text[:n]
            try:
                times, result = timed(lambda q=query: search(con, q, facets=False), repeat)
                outcome = f"hits={result.total} terms={len(result.query.terms)}"
            except QueryError as exc:
                times, outcome = [0.0], f"refused: {exc}"
            print(f"length: {name:<7}{n:>5} chars  p50_ms={statistics.median(times):8.1f}  "
                  f"max_ms={max(times):8.1f}  {outcome}", flush=True)


def run(args: argparse.Namespace, work: Path) -> None:
    if args.lengths:
        if args.db is None:
            sys.exit("--lengths needs --db (a database with its search index)")
        con = duckdb.connect(":memory:", config={"threads": 1})
        con.execute(f"ATTACH '{args.db}' AS pub (READ_ONLY)")  # our own path argument, as the dashboard does
        con.execute("USE pub")
        by_length(con, args.repeat)
        print(f"reproduce: .venv/bin/python bench/search.py --db {args.db} --lengths")
        return
    db = args.db
    if db is None:
        db = build_demo(args.speeches, work)
    copy = work / "search.duckdb"
    shutil.copyfile(db, copy)

    con = duckdb.connect(str(copy), config={"memory_limit": os.environ.get("OSHIGIIN_LOAD_MEMORY", "2GB")})
    con.execute("SET enable_progress_bar = false")
    started = time.monotonic()
    con.execute("BEGIN")
    built = index_speeches(con, None)
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    build_s = time.monotonic() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The blocks the index tables occupy (the load already built one into the demo file, so the
    # file's growth would not say it).
    index_mb = index_bytes(con) / 2**20
    n = built["speeches"]
    print(f"index: {n} speeches, {built['postings']:,} postings, build {build_s:.1f}s, peak RSS {rss_mb:.0f} MB, "
          f"index {index_mb:.0f} MB, database file {copy.stat().st_size / 2**20:.0f} MB", flush=True)

    engine_ms, facet_ms, contains_ms, lite_ms, recalls = [], [], [], [], []
    lite = None
    if not args.no_sqlite:
        lite, lite_build = build_sqlite(con, work / "fts.sqlite")
        print(f"sqlite fts5 trigram: built in {lite_build:.0f}s, {(work / 'fts.sqlite').stat().st_size / 2**20:.0f} MB",
              flush=True)
    print(f"{'type':<18}{'query':<16}{'hits':>8}{'recall':>8}{'engine':>9}{'facets':>9}{'contains':>10}"
          f"{'sqlite':>9}{'sq_rec':>8}")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    for kind, query, filters in QUERIES:
        # The engine runs as the dashboard should serve it: one thread per query (docs/search.md).
        con.execute("SET threads = 1")
        times, result = timed(lambda q=query, f=filters: search(con, q, facets=False, **f), args.repeat)
        engine_ms += times
        ftimes, _ = timed(lambda q=query, f=filters: search(con, q, **f), args.repeat)
        facet_ms += ftimes
        found = set(search_ids(con, query, **filters))
        # The scan gets every core: its best case.
        con.execute(f"SET threads = {threads}")
        where, params = contains_where(query, filters)
        scan = (f"SELECT s.speech_id, count(*) OVER () FROM speeches s JOIN meetings m USING (meeting_id) "
                f"WHERE {where} ORDER BY m.date DESC, s.speech_id DESC LIMIT 20")
        ctimes, rows = timed(lambda s=scan, p=params: con.execute(s, p).fetchall(), max(1, args.repeat // 2))
        contains_ms += ctimes
        truth = {r[0] for r in con.execute(f"SELECT s.speech_id FROM speeches s JOIN meetings m USING (meeting_id) "
                                           f"WHERE {where}", params).fetchall()}
        recall = len(found & truth) / len(truth) if truth else 1.0
        recalls.append(recall)
        if found != truth or result.total != len(truth):
            print(f"MISMATCH {query!r}: engine total {result.total}, {len(found - truth)} hits contains() lacks")
        lite_cell, lite_recall = "", ""
        if lite is not None:
            sql, lparams = sqlite_query(con, query, filters)
            ltimes, _ = timed(lambda s=sql, p=lparams: lite.execute(s, p).fetchall(), max(1, args.repeat // 2))
            lite_ms += ltimes
            got = {r[0] for r in lite.execute(sql.replace(" LIMIT 20", ""), lparams).fetchall()}
            lite_cell = f"{statistics.median(ltimes):9.1f}"
            lite_recall = f"{len(got & truth) / len(truth) if truth else 1.0:8.3f}"
        print(f"{kind:<18}{query:<16}{len(truth):>8}{recall:>8.3f}{statistics.median(times):>9.1f}"
              f"{statistics.median(ftimes):>9.1f}{statistics.median(ctimes):>10.1f}{lite_cell}{lite_recall}",
              flush=True)

    con.execute("SET threads = 1")
    for query in STRESS:
        times, result = timed(lambda q=query: search(con, q, facets=False), args.repeat)
        print(f"stress (not in the set): {query!r} hits={result.total} p50_ms={statistics.median(times):.1f}")
    by_length(con, max(1, args.repeat // 2))
    con.execute(f"SET threads = {threads}")
    print(f"incremental: {incremental(con)}")
    print(f"threads: engine 1 per query, contains() scan {threads}, sqlite 1")
    print(f"engine with facets (by year, by member): p50_ms={percentile(facet_ms, 50):.1f} "
          f"p95_ms={percentile(facet_ms, 95):.1f}")
    print(f"reproduce: .venv/bin/python bench/search.py --speeches {args.speeches}")
    lite_p95 = f"{percentile(lite_ms, 95):.1f}" if lite_ms else "skipped"
    print(f"search: n={n} p50_ms={percentile(engine_ms, 50):.1f} p95_ms={percentile(engine_ms, 95):.1f} "
          f"recall={min(recalls):.3f} contains_p95_ms={percentile(contains_ms, 95):.1f} "
          f"sqlite_trigram_p95_ms={lite_p95} build_s={build_s:.1f} peak_rss_mb={rss_mb:.0f} index_mb={index_mb:.0f}")


def incremental(con: duckdb.DuckDBPyConnection) -> str:
    """Seconds to index one new sitting (a copy of the newest, a day later) and to re-index one."""
    newest = con.execute("SELECT meeting_id FROM meetings ORDER BY date DESC, meeting_id DESC LIMIT 1").fetchone()[0]
    con.execute("BEGIN")
    con.execute("""
        INSERT INTO meetings SELECT * REPLACE (meeting_id || '-bench' AS meeting_id, date + 1 AS date)
        FROM meetings WHERE meeting_id = ?""", [newest])
    con.execute("""
        INSERT INTO speeches SELECT * REPLACE (speech_id || '-bench' AS speech_id, meeting_id || '-bench' AS meeting_id)
        FROM speeches WHERE meeting_id = ?""", [newest])
    started = time.monotonic()
    added = index_speeches(con, [newest + "-bench"])
    new_s = time.monotonic() - started
    started = time.monotonic()
    index_speeches(con, [newest])
    again_s = time.monotonic() - started
    con.execute("ROLLBACK")
    return (f"new sitting ({added['speeches']} speeches) {new_s:.2f}s ({added['mode']}), "
            f"re-index of an existing one {again_s:.2f}s")


if __name__ == "__main__":
    main()
