"""Speech and member search over the n-gram index (pipeline/search/index.py).

    result = search(con, '保育 OR 幼稚園 -民営化', council_id='131121', order='relevance')
    result.total, result.hits, result.by_year, result.by_member

Exact-substring semantics on normalised text: every speech whose text_norm contains the query's
terms is counted, one- and two-character words included. Ranking is BM25 over those terms
(or newest first); snippets come back as (text, is_match) segments for the caller to escape.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from oshigiin.minutes.normalize import normalize_name, normalize_text, to_hiragana
from oshigiin.pipeline.search.index import (
    KINDS,
    MEETING_KINDS,
    VERSION,
    ensure_schema,
    index_bytes,
    index_speeches,
    rebuild,
)
from oshigiin.pipeline.search.query import (
    DocRange,
    Query,
    QueryError,
    SqlBuilder,
    doc_range,
    gram,
    idf,
    length_norms,
    parse_query,
    posted,
    probes,
    term_docs,
    weighted,
)

__all__ = ["QueryError", "SearchResult", "budget", "ensure_schema", "index_bytes", "index_speeches", "is_indexed",
           "parse_query", "rebuild", "search", "search_ids", "search_members", "snippet_segments"]

EPOCH = date(1900, 1, 1)
ORDERS = ("relevance", "recent")
HIT_COLUMNS = ["speech_id", "meeting_id", "council_id", "score", "date", "meeting_title", "meeting_kind", "seq",
               "speaker_name", "speaker_role", "person_id", "kind", "source_url", "text", "snippet"]


@dataclass
class SearchResult:
    query: Query
    total: int = 0
    hits: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=HIT_COLUMNS))
    by_year: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["year", "hits"]))
    by_member: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["person_id", "name", "hits"]))
    elapsed_ms: float = 0.0


@contextmanager
def budget(con: duckdb.DuckDBPyConnection, seconds: float | None) -> Iterator[None]:
    """Interrupt whatever `con` runs once `seconds` have passed; the search then raises
    QueryError('timeout') instead of holding the connection (and the searches queued behind it).

    The interrupt is repeated until the block ends: DuckDB forgets an interrupt that arrives
    between two statements, and a search runs several."""
    if seconds is None:
        yield
        return
    done = threading.Event()
    expired = threading.Event()

    def watch() -> None:
        if done.wait(seconds):
            return
        expired.set()
        while not done.is_set():
            con.interrupt()
            done.wait(0.02)

    watcher = threading.Thread(target=watch, name="search-budget", daemon=True)
    watcher.start()
    try:
        yield
        if expired.is_set():
            raise QueryError("timeout", f"the search took longer than {seconds:g} s", seconds=f"{seconds:g}")
    except duckdb.InterruptException:
        if not expired.is_set():
            raise
        raise QueryError("timeout", f"the search took longer than {seconds:g} s", seconds=f"{seconds:g}") from None
    finally:
        done.set()
        watcher.join()


def _day(value: date | str | None) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()
    return max(0, (value - EPOCH).days)


def is_indexed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this database holds a search index search() can read (a load builds it)."""
    try:
        return con.execute("SELECT value FROM search_meta WHERE key = 'version'").fetchone() == (VERSION,)
    except duckdb.CatalogException:
        return False


def _listed(value: str | list[str] | tuple[str, ...]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _coded(values: str | list[str] | tuple[str, ...] | None, known: tuple[str, ...]) -> list[str] | None:
    """The values when the doc ids' low bits can answer them, else None (search_filters will)."""
    if not values:
        return None
    values = _listed(values)
    return values if all(v in known for v in values) else None


def _doc_filters(sql: SqlBuilder, council_id, person_id, faction, meeting_kind, topic, kind) -> list[str]:
    """One subquery of docs per filter the doc ids cannot answer, each reading its rows of search_filters."""
    keys = []
    if council_id:
        keys.append(f"key = 'c:' || {sql.param(council_id)}")
    if person_id:
        keys.append(f"key = 'p:' || {sql.param(person_id)}")
    if kind and _coded(kind, KINDS) is None:
        keys.append(f"key IN (SELECT 'k:' || unnest({sql.param(_listed(kind))}::VARCHAR[]))")
    if meeting_kind and _coded(meeting_kind, MEETING_KINDS) is None:
        keys.append(f"key IN (SELECT 'm:' || unnest({sql.param(_listed(meeting_kind))}::VARCHAR[]))")
    if faction:
        p = sql.param(faction)
        keys.append(f"key IN (SELECT 'p:' || person_id FROM members WHERE faction = {p} OR faction_id = {p})")
    if topic:
        # A speech is on a topic when it belongs to a question (or its answer) classified so.
        keys.append(f"key = 't:' || {sql.param(topic)}")
    return [f"SELECT doc FROM search_filters WHERE {k}" for k in keys]


def _hits_sql(sql: SqlBuilder, query: Query, stats: dict, rng: DocRange, where: list[str],
              materialized: bool = False) -> str | None:
    """The CTEs ending in `hits (doc, score)`, or None when some required term occurs nowhere."""
    ctes, groups = [], []
    norms = f"({sql.param(length_norms(stats['avgdl']))}::DOUBLE[])"
    # Largest group first: DuckDB probes with the left side of a join and builds on the right.
    for i, group in enumerate(sorted(query.groups, key=lambda g: -_estimate(g, stats["df"]))):
        parts = []
        for j, term in enumerate(group):
            if _absent(term, stats["df"]):
                continue
            if posted(term):
                term_idf = sql.param(idf(stats["n"], stats["df"][gram(term)]))
            else:
                # A long term's df is only known once matched: counted by a window over its rows.
                n = sql.param(stats["n"])
                term_idf = f"ln(1 + ({n} - count(*) OVER () + 0.5) / (count(*) OVER () + 0.5))"
            ctes.append(f"t{i}_{j} AS ({term_docs(sql, term, rng, stats['df'])})")
            parts.append(weighted(sql, f"t{i}_{j}", term_idf, norms))
        if not parts:
            return None
        body = parts[0] if len(parts) == 1 else (
            "SELECT doc, sum(s) AS s FROM (" + " UNION ALL ".join(parts) + ") GROUP BY doc")
        ctes.append(f"g{i} AS ({body})")
        groups.append(f"g{i}")
    conditions = []
    for k, term in enumerate(query.excluded):
        if _absent(term, stats["df"]):
            continue
        ctes.append(f"x{k} AS ({term_docs(sql, term, rng, stats['df'])})")
        conditions.append(f"g0.doc NOT IN (SELECT doc FROM x{k})")
    conditions += [f"g0.doc IN ({subquery})" for subquery in where]
    joins = "".join(f" JOIN {g} USING (doc)" for g in groups[1:])
    score = " + ".join(f"{g}.s" for g in groups)
    ctes.append(f"hits AS {'MATERIALIZED ' if materialized else ''}(SELECT g0.doc, {score} AS score FROM g0{joins}"
                + (" WHERE " + " AND ".join(conditions) if conditions else "") + ")")
    return "WITH " + ",\n".join(ctes)


def _estimate(group: list[str], df: dict[int, int]) -> int:
    """An upper bound of the speeches an OR group matches: a long term is no commoner than its
    rarest bigram."""
    return sum(df.get(gram(t), 0) if posted(t) else min(df.get(g, 0) for _, g in probes(t)) for t in group)


def _absent(term: str, df: dict[int, int]) -> bool:
    """Whether the index shows the term occurs nowhere (a gram of it is in no speech)."""
    return df.get(gram(term), 0) == 0 if posted(term) else any(df.get(g, 0) == 0 for _, g in probes(term))


def _stats(con: duckdb.DuckDBPyConnection, query: Query) -> dict:
    terms = [t for g in query.groups for t in g] + query.excluded
    short = sorted({gram(t) for t in terms if posted(t)} | {g for t in terms if not posted(t) for _, g in probes(t)})
    n, meta, df = con.execute("""
        SELECT (SELECT count(*) FROM search_docs),
               (SELECT map(list(key), list(value)) FROM search_meta),
               (SELECT map(list(gram), list(n)) FROM (
                   SELECT gram, count(*) AS n FROM search_postings WHERE gram IN (SELECT unnest($g::BIGINT[]))
                   GROUP BY gram))
    """, {"g": short}).fetchone()
    meta = meta or {}
    if "version" not in meta:
        raise RuntimeError("the search index is not built: run pipeline.search.index_speeches(con)")
    if meta.get("version") != VERSION:
        raise RuntimeError(f"the search index is version {meta.get('version')}, not {VERSION}: rebuild it")
    return {"n": n, "avgdl": float(meta["avgdl"]), "day_bits": int(meta["day_bits"]), "df": dict(df or {})}


def search(con: duckdb.DuckDBPyConnection, query: str | Query, *, council_id: str | None = None,
           person_id: str | None = None, faction: str | None = None, date_from: date | str | None = None,
           date_to: date | str | None = None, meeting_kind: str | list[str] | None = None,
           topic: str | None = None, kind: str | list[str] | None = None, order: str = "relevance",
           limit: int = 20, offset: int = 0, facets: bool = True, budget_s: float | None = None,
           snippet_chars: int = 160) -> SearchResult:
    """Speeches containing the query, ranked; exact total and (with facets) hits by year and member.

    order: 'relevance' (BM25; newer first among equals) or 'recent' (date, newest first).
    kind: 'question' | 'answer' | 'procedural' | 'other', or a list of them.
    budget_s: stop after this many seconds with QueryError('timeout'). A query over the length
    or term limits raises QueryError before anything runs (pipeline.search_query).
    snippet_chars: the width of each hit's snippet (120 for a quotation narrowed to one speaker).
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    parsed = parse_query(query) if isinstance(query, str) else query
    with budget(con, budget_s):
        return _search(con, parsed, (council_id, person_id, faction, meeting_kind, topic, kind), date_from, date_to,
                       order, limit, offset, facets, snippet_chars)


def _search(con: duckdb.DuckDBPyConnection, parsed: Query, filters: tuple, date_from, date_to, order: str,
            limit: int, offset: int, facets: bool, snippet_chars: int) -> SearchResult:
    started = time.perf_counter()
    result = SearchResult(query=parsed)
    plan = _plan(con, parsed, filters, date_from, date_to)
    if plan is not None:
        stats, rng, sql, ctes = plan
        # DuckDB's late materialization turns a top-N over one posting list into a second scan.
        con.execute("SET SESSION late_materialization_max_rows = 0")
        ranking = "score DESC, doc DESC" if order == "relevance" else "doc DESC"
        page = f"ORDER BY {ranking} LIMIT {int(limit)} OFFSET {int(offset)}"  # ints: nothing to escape
        single = [t for g in parsed.groups for t in g]
        joined = _doc_filters(SqlBuilder(), *filters)  # filters the doc ids cannot answer alone
        if len(single) == 1 and posted(single[0]) and not parsed.excluded and not joined:
            # One posting list: its length is the total (counted only within a date range), which
            # is cheaper than carrying a window count over every hit.
            result.total = stats["df"][gram(single[0])] if rng == DocRange() else \
                con.execute(f"{ctes} SELECT count(*) FROM hits", sql.params).fetchone()[0]
            top = con.execute(f"{ctes} SELECT doc, score FROM hits {page}", sql.params).fetchall()
        else:
            rows = con.execute(f"{ctes} SELECT doc, score, count(*) OVER () AS total FROM hits {page}",
                               sql.params).fetchall()
            top = [(doc, score) for doc, score, _ in rows]
            if rows:
                result.total = int(rows[0][2])
            elif offset:
                result.total = con.execute(f"{ctes} SELECT count(*) FROM hits", sql.params).fetchone()[0]
        result.hits = _hydrate(con, top, parsed.terms, snippet_chars)
        if facets and result.total:
            result.by_year, result.by_member = _facets(con, parsed, stats, rng, filters)
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


def _plan(con: duckdb.DuckDBPyConnection, parsed: Query, filters: tuple, date_from, date_to):
    """(stats, doc range, parameters, CTEs ending in `hits`), or None when nothing can match."""
    if not parsed:
        return None
    stats = _stats(con, parsed)
    rng = doc_range(_day(date_from), _day(date_to), stats["day_bits"], _coded(filters[5], KINDS),
                    _coded(filters[3], MEETING_KINDS))
    sql = SqlBuilder()
    ctes = _hits_sql(sql, parsed, stats, rng, _doc_filters(sql, *filters))
    return None if ctes is None else (stats, rng, sql, ctes)


def search_ids(con: duckdb.DuckDBPyConnection, query: str | Query, *, council_id: str | None = None,
               person_id: str | None = None, faction: str | None = None, date_from: date | str | None = None,
               date_to: date | str | None = None, meeting_kind: str | list[str] | None = None,
               topic: str | None = None, kind: str | list[str] | None = None,
               budget_s: float | None = None) -> list[str]:
    """The speech_id of every speech search() counts, unranked: for exports and recall checks."""
    parsed = parse_query(query) if isinstance(query, str) else query
    with budget(con, budget_s):
        plan = _plan(con, parsed, (council_id, person_id, faction, meeting_kind, topic, kind), date_from, date_to)
        if plan is None:
            return []
        _, _, sql, ctes = plan
        return [r[0] for r in con.execute(f"{ctes} SELECT d.speech_id FROM hits JOIN search_docs d USING (doc)",
                                          sql.params).fetchall()]


def _facets(con: duckdb.DuckDBPyConnection, query: Query, stats: dict, rng: DocRange,
            filters: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hits per year (from the doc ids alone) and per member (a join with the members' filter rows)."""
    sql = SqlBuilder()
    ctes = _hits_sql(sql, query, stats, rng, _doc_filters(sql, *filters), materialized=True)
    days, members = con.execute(f"""{ctes}
        SELECT (SELECT list(struct_pack(day := day, n := n)) FROM (
                    SELECT doc >> {stats["day_bits"]} AS day, count(*) AS n FROM hits GROUP BY day)),
               (SELECT list(struct_pack(person_id := person_id, n := n)) FROM (
                    SELECT substr(f.key, 3) AS person_id, count(*) AS n FROM search_filters f JOIN hits USING (doc)
                    WHERE starts_with(f.key, 'p:') GROUP BY f.key))
    """, sql.params).fetchone()
    return _by_year(days or []), _by_member(con, members or [])


def _hydrate(con: duckdb.DuckDBPyConnection, top: list[tuple[int, float]], terms: list[str],
             width: int = 160) -> pd.DataFrame:
    """The top hits' speeches and sittings, with snippets: three key lookups, no scan."""
    if not top:
        return pd.DataFrame(columns=HIT_COLUMNS)
    ids = dict(con.execute("SELECT doc, speech_id FROM search_docs WHERE doc IN (SELECT unnest($docs::BIGINT[]))",
                           {"docs": [doc for doc, _ in top]}).fetchall())
    # Separate lookups: joined, DuckDB scans the whole speeches table instead of probing its key.
    speeches = {r[0]: r for r in con.execute("""
        SELECT speech_id, meeting_id, council_id, seq, speaker_name, speaker_role, person_id, kind, source_url,
               text, text_norm
        FROM speeches WHERE speech_id IN (SELECT unnest($ids::VARCHAR[]))
    """, {"ids": list(ids.values())}).fetchall()}
    meetings = {r[0]: r[1:] for r in con.execute("""
        SELECT meeting_id, date, title, kind FROM meetings WHERE meeting_id IN (SELECT unnest($ids::VARCHAR[]))
    """, {"ids": sorted({s[1] for s in speeches.values()})}).fetchall()}
    records = []
    for doc, score in top:
        sid, mid, council, seq, name, role, pid, kind, url, text, norm = speeches[ids[doc]]
        day, title, meeting_kind = meetings.get(mid, (None, None, None))
        records.append((sid, mid, council, score, day, title, meeting_kind, seq, name, role, pid, kind, url, text,
                        snippet_segments(text, norm, terms, before=min(40, width // 4), width=width)))
    return pd.DataFrame.from_records(records, columns=HIT_COLUMNS)


def _by_year(days: list[dict]) -> pd.DataFrame:
    counts: dict[int | None, int] = {}
    for d in days:
        year = (EPOCH + timedelta(days=d["day"])).year if d["day"] else None  # day 0: no date
        counts[year] = counts.get(year, 0) + d["n"]
    frame = pd.DataFrame([{"year": y, "hits": n} for y, n in counts.items()], columns=["year", "hits"])
    return frame.sort_values("year", na_position="first").reset_index(drop=True)


def _by_member(con: duckdb.DuckDBPyConnection, members: list[dict]) -> pd.DataFrame:
    if not members:
        return pd.DataFrame(columns=["person_id", "name", "hits"])
    frame = con.execute("""
        SELECT f.person_id, coalesce(p.name, f.person_id) AS name, f.n AS hits
        FROM (SELECT unnest($m, recursive := true)) f LEFT JOIN people p USING (person_id)
        ORDER BY hits DESC, name
    """, {"m": members}).df()
    return frame


_SPACES = re.compile(r"\s+")


def _aligned(text: str, text_norm: str, upto: int) -> list[int] | None:
    """For each index of text_norm[:upto + 1], the index in `text` of the character it came from;
    None when folding character by character does not reproduce text_norm there (a combining
    mark folded into the character before it): then text_norm itself is shown."""
    if text == text_norm:
        return list(range(upto + 1))
    starts: list[int] = []
    pieces: list[str] = []
    i = 0
    while i < len(text) and len(starts) <= upto:
        piece = normalize_text(text[i])
        pieces.append(piece)
        starts.extend([i] * len(piece))
        i += 1
    starts.append(i)
    if len(starts) <= upto or not text_norm.startswith("".join(pieces)):
        return None
    return starts


def snippet_segments(text: str, text_norm: str, terms: list[str], before: int = 40,
                     width: int = 160) -> list[tuple[str, bool]]:
    """A window of the published text around the first match: [(text, is_match), ...].

    Matches are found in text_norm (where search found them) and shown in the published
    characters they came from, so 德永 is highlighted as printed. Plain text: the caller escapes.
    """
    spans = sorted((m.start(), m.start() + len(t)) for t in terms if t
                   for m in re.finditer(re.escape(t), text_norm))
    if not spans:
        body = _SPACES.sub(" ", text[:width])
        return [(body + ("…" if len(text) > width else ""), False)]
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    lo = max(0, merged[0][0] - before)
    hi = min(len(text_norm), lo + width)
    starts = _aligned(text, text_norm, hi)
    source, to_source = (text, starts.__getitem__) if starts else (text_norm, int)
    segments: list[tuple[str, bool]] = []
    cursor = lo
    for s, e in merged:
        if s >= hi:
            break
        s, e = max(s, cursor), min(e, hi)
        if s > cursor:
            segments.append((source[to_source(cursor):to_source(s)], False))
        segments.append((source[to_source(s):to_source(e)], True))
        cursor = e
    if cursor < hi:
        segments.append((source[to_source(cursor):to_source(hi)], False))
    segments = [(_SPACES.sub(" ", t), m) for t, m in segments if t]
    if lo > 0:
        segments.insert(0, ("…", False))
    if hi < len(text_norm):
        segments.append(("…", False))
    return segments


_KATAKANA = "".join(chr(c) for c in range(ord("ァ"), ord("ヶ") + 1))
_HIRAGANA = "".join(chr(c - 0x60) for c in range(ord("ァ"), ord("ヶ") + 1))


def search_members(con: duckdb.DuckDBPyConnection, q: str, council_id: str | None = None,
                   limit: int = 50) -> pd.DataFrame:
    """Members whose name (kanji, folded: 德永 finds 徳永, spaces ignored) or reading (hiragana or
    katakana) contains q; exact matches first, then prefixes, then current members."""
    name_key = normalize_name(q or "")
    kana_key = "".join(to_hiragana(q or "").split())
    if not name_key:
        return pd.DataFrame(columns=["person_id", "council_id", "name", "kana", "faction", "current", "seat"])
    return con.execute(f"""
        WITH m AS (
            SELECT *, translate(replace(coalesce(kana, ''), ' ', ''), '{_KATAKANA}', '{_HIRAGANA}') AS kana_key
            FROM members WHERE $council IS NULL OR council_id = $council
        )
        SELECT person_id, council_id, name, kana, faction, current, seat,
               CASE WHEN name_norm = $name OR kana_key = $kana THEN 0
                    WHEN starts_with(name_norm, $name) OR starts_with(kana_key, $kana) THEN 1 ELSE 2 END AS rank
        FROM m
        WHERE contains(name_norm, $name) OR contains(kana_key, $kana)
        ORDER BY rank, current DESC, kana_key, name
        LIMIT $limit
    """, {"name": name_key, "kana": kana_key, "council": council_id, "limit": int(limit)}).df().drop(columns="rank")
