"""The search index: n-gram postings of every speech, inside the published DuckDB file.

Japanese has no spaces, so a word can start at any character. Every run of one, two and three
characters of speeches.text_norm is indexed, whitespace and punctuation included, so every
query term is answered exactly from the index:

- a term of up to three characters is one posting list (search_postings: gram → doc, tf, lq);
- a longer term is a join of the bigram positions (search_positions: gram → doc, pos) that
  tile it: 「待機児童」 is 「待機」 at p and 「児童」 at p+2 in the same speech.

Filters are posting lists too (search_filters: 'k:question', 'm:本会議', 'p:{person_id}',
'c:{council_id}', 't:{topic}' → doc), so a filter reads its own rows, not every speech.

Doc ids are BIGINTs that sort by date: (days since 1900-01-01) << day_bits | n << 4 | code, n
counting the speeches of that day in (sitting, seq) order and code holding the speech's kind
(two bits) and its sitting's kind (two bits). Date ranges, recency order, the by-year facet and
the question/answer and 本会議/委員会 filters then read the postings alone, and a sitting of any
date is indexed into its own day's slot. day_bits holds twice the busiest day (search_meta):
doc ids stay close together, which is what keeps the bit-packed doc columns small.

Both posting tables are sorted by gram at a full build, so DuckDB's zone maps skip to a gram's
rows; a load appends the postings of the sittings it changed (index_speeches), and a full
rebuild re-sorts once the appended share grows past COMPACT_SHARE.
"""

from __future__ import annotations

import math
import time

import duckdb

# Bump when the index layout or weights change: an index of another version is rebuilt.
VERSION = "5"
MIN_DAY_BITS = 10
# The low bits of a doc id: speech kind (bits 0-1) and sitting kind (bits 2-3). A value not
# listed gets code 3 and is filtered through search_filters instead.
CODE_BITS = 4
KINDS = ("question", "answer", "procedural")
MEETING_KINDS = ("本会議", "委員会", "その他")
EPOCH = "DATE '1900-01-01'"
GRAM_BITS = 21  # every Unicode code point fits in 21 bits
# BM25 constants. A posting stores tf and the speech's length on a log scale, lq =
# round(ln(1 + dl) * LQ_SCALE) (5.5% steps, one byte up to a million characters); a query turns
# lq back into the length normalisation with the corpus's current average length.
LQ_SCALE = 18
K1 = 1.2
B = 0.75
# Appended postings beyond this share of the sorted ones make a load rebuild the index.
COMPACT_SHARE = 0.05

SCHEMA = """
CREATE TABLE IF NOT EXISTS search_docs (
    doc          BIGINT NOT NULL,     -- days since 1900-01-01 << day_bits | n << 4 | kind codes
    speech_id    VARCHAR NOT NULL,
    meeting_id   VARCHAR NOT NULL,
    council_id   VARCHAR NOT NULL,
    person_id    VARCHAR,
    kind         VARCHAR NOT NULL,
    meeting_kind VARCHAR,
    dl           INTEGER NOT NULL     -- length of text_norm in characters
);
CREATE TABLE IF NOT EXISTS search_postings (
    gram BIGINT NOT NULL,             -- code points packed 21 bits apart: 1, 2 or 3 characters
    doc  BIGINT NOT NULL,
    tf   UTINYINT NOT NULL,           -- occurrences in the speech, at most 255
    lq   UTINYINT NOT NULL            -- round(ln(1 + dl) * LQ_SCALE): the speech's length
);
CREATE TABLE IF NOT EXISTS search_positions (
    gram BIGINT NOT NULL,             -- bigrams only
    doc  BIGINT NOT NULL,
    pos  INTEGER NOT NULL             -- 0-based character offset in text_norm
);
CREATE TABLE IF NOT EXISTS search_filters (
    key  VARCHAR NOT NULL,            -- k:question, m:本会議, p:{person_id}, c:{council_id}, t:{topic}
    doc  BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS search_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
"""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def _meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM search_meta").fetchall())


def _set_meta(con: duckdb.DuckDBPyConnection, values: dict[str, object]) -> None:
    con.execute("DELETE FROM search_meta WHERE key IN (SELECT unnest(?))", [list(values)])
    con.execute("INSERT INTO search_meta SELECT unnest(?), unnest(?)",
                [list(values), [str(v) for v in values.values()]])


def length_code(dl: float) -> int:
    """lq of a speech of dl characters, as the index stores it."""
    return min(255, round(math.log1p(dl) * LQ_SCALE))


# Speeches per batch while splitting text into grams: a batch's grams are grouped in memory
# (about 300 MB for 25,000 speeches), beside whatever the load itself holds in its transaction;
# only the final sorts see every posting, and DuckDB spills them to disk under its memory_limit.
BATCH = 25_000


def _insert_grams(con: duckdb.DuckDBPyConnection, docs: str) -> int:
    """Postings and positions of the speeches in `docs` (a table with doc, speech_id, dl)."""
    ranges = con.execute(f"""
        SELECT min(doc), max(doc) FROM (SELECT doc, (row_number() OVER (ORDER BY doc) - 1) // {BATCH} AS batch
                                        FROM {docs}) GROUP BY batch ORDER BY 1
    """).fetchall()
    for table in ("postings", "positions"):
        con.execute(f"CREATE OR REPLACE TEMP TABLE search_stage_{table} AS FROM search_{table} LIMIT 0")
    # The staging tables are sorted afterwards: letting DuckDB fill them in any order streams the
    # batches with less memory. The sorted inserts below need the order kept, so it is restored.
    caller = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    try:
        con.execute("SET preserve_insertion_order = false")
        _stage_batches(con, docs, ranges)
        # Sorted by gram, so that zone maps skip to a gram's rows.
        con.execute("SET preserve_insertion_order = true")
        con.execute("INSERT INTO search_postings SELECT * FROM search_stage_postings ORDER BY gram, doc")
        con.execute("INSERT INTO search_positions SELECT * FROM search_stage_positions ORDER BY gram, doc, pos")
    finally:
        con.execute(f"SET preserve_insertion_order = {bool(caller)}")
    rows = con.execute("SELECT count(*) FROM search_stage_postings").fetchone()[0]
    con.execute("DROP TABLE search_stage_postings")
    con.execute("DROP TABLE search_stage_positions")
    return rows


def _stage_batches(con: duckdb.DuckDBPyConnection, docs: str, ranges: list[tuple[int, int]]) -> None:
    for lo, hi in ranges:
        # Each character as a code point beside the next one: two unnests in one SELECT are
        # zipped, the shorter padded with NULL (code point semantics, as Python's str).
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE search_chars AS
            SELECT d.doc, d.dl, unicode(unnest(string_split(s.text_norm, '')))::BIGINT AS a,
                   unicode(unnest(string_split(substr(s.text_norm, 2), '')))::BIGINT AS b,
                   unicode(unnest(string_split(substr(s.text_norm, 3), '')))::BIGINT AS c,
                   unnest(range(length(s.text_norm)))::INTEGER AS pos
            FROM speeches s JOIN {docs} d USING (speech_id)
            WHERE d.doc BETWEEN $lo AND $hi AND s.text_norm <> ''
        """, {"lo": lo, "hi": hi})
        con.execute(f"""
            INSERT INTO search_stage_postings
            WITH g AS (
                SELECT a AS gram, doc, dl FROM search_chars
                UNION ALL
                SELECT (a << {GRAM_BITS}) | b, doc, dl FROM search_chars WHERE b IS NOT NULL
                UNION ALL
                SELECT (a << {2 * GRAM_BITS}) | (b << {GRAM_BITS}) | c, doc, dl FROM search_chars WHERE c IS NOT NULL
            )
            SELECT gram, doc, least(count(*), 255)::UTINYINT,
                   least(255, round(ln(1 + any_value(dl)) * {LQ_SCALE}))::UTINYINT
            FROM g GROUP BY gram, doc
        """)
        con.execute(f"""
            INSERT INTO search_stage_positions
            SELECT (a << {GRAM_BITS}) | b, doc, pos FROM search_chars WHERE b IS NOT NULL
        """)
    con.execute("DROP TABLE IF EXISTS search_chars")


_DOC_COLUMNS = """s.speech_id, s.meeting_id, s.council_id, s.person_id, s.kind, m.kind AS meeting_kind,
                  length(s.text_norm)::INTEGER AS dl"""
_DAY = f"greatest(0, coalesce(date_diff('day', {EPOCH}, m.date), 0))::BIGINT"


def _code_sql(column: str, values: tuple[str, ...]) -> str:
    return f"coalesce(list_position({list(values)!r}, {column}) - 1, 3)"


_CODE = f"({_code_sql('m.kind', MEETING_KINDS)} << 2 | {_code_sql('s.kind', KINDS)})::BIGINT"


def _insert_filters(con: duckdb.DuckDBPyConnection, docs: str) -> None:
    """The metadata postings of the speeches in `docs`; topics are refreshed by _refresh_topics."""
    con.execute(f"""
        INSERT INTO search_filters
        SELECT key, doc FROM (
            SELECT 'k:' || kind AS key, doc FROM {docs}
            UNION ALL SELECT 'm:' || meeting_kind, doc FROM {docs} WHERE meeting_kind IS NOT NULL
            UNION ALL SELECT 'p:' || person_id, doc FROM {docs} WHERE person_id IS NOT NULL
            UNION ALL SELECT 'c:' || council_id, doc FROM {docs}
        ) ORDER BY key, doc
    """)


def _refresh_topics(con: duckdb.DuckDBPyConnection) -> None:
    """Topic rows, all of them: enrichment may reclassify any sitting, and they are few (one join)."""
    con.execute("DELETE FROM search_filters WHERE starts_with(key, 't:')")
    con.execute("""
        INSERT INTO search_filters
        SELECT DISTINCT 't:' || qt.topic AS key, d.doc
        FROM question_topics qt JOIN question_speeches qs USING (question_id) JOIN search_docs d USING (speech_id)
        ORDER BY key, d.doc
    """)


def _avgdl(con: duckdb.DuckDBPyConnection) -> float:
    return float(con.execute("SELECT coalesce(avg(dl), 1) FROM search_docs").fetchone()[0] or 1.0)


def _day_bits(con: duckdb.DuckDBPyConnection) -> int:
    busiest = con.execute(f"""
        SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM speeches s JOIN meetings m USING (meeting_id)
                                         GROUP BY {_DAY})
    """).fetchone()[0]
    return max(MIN_DAY_BITS, (2 * busiest).bit_length()) + CODE_BITS


def rebuild(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Index every speech from scratch, sorted for zone maps; doc ids renumbered densely per day."""
    started = time.monotonic()
    ensure_schema(con)
    bits = _day_bits(con)
    con.execute("DROP INDEX IF EXISTS search_docs_doc")
    con.execute("DROP TABLE IF EXISTS search_docs")
    con.execute(f"""
        CREATE TABLE search_docs AS
        SELECT ({_DAY} << {bits})
               | ((row_number() OVER (PARTITION BY {_DAY} ORDER BY s.meeting_id, s.seq) - 1) << {CODE_BITS})
               | {_CODE} AS doc, {_DOC_COLUMNS}
        FROM speeches s JOIN meetings m USING (meeting_id)
        ORDER BY doc
    """)
    # Hydrating the top hits looks up a handful of docs: a key lookup, not a scan.
    con.execute("CREATE INDEX search_docs_doc ON search_docs (doc)")
    # Recreated rather than emptied: DuckDB then writes them fresh instead of carrying deleted rows.
    for table in ("search_postings", "search_positions", "search_filters"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    ensure_schema(con)
    rows = _insert_grams(con, "search_docs")
    _insert_filters(con, "search_docs")
    _refresh_topics(con)
    _set_meta(con, {"version": VERSION, "avgdl": _avgdl(con), "day_bits": bits, "sorted_rows": rows,
                    "appended_rows": 0})
    docs = con.execute("SELECT count(*) FROM search_docs").fetchone()[0]
    return {"mode": "rebuild", "speeches": docs, "postings": rows, "seconds": time.monotonic() - started}


def index_speeches(con: duckdb.DuckDBPyConnection, meeting_ids: list[str] | None = None) -> dict[str, float]:
    """(Re)index the speeches of these sittings, or every speech when None.

    Runs inside the caller's transaction, after speeches are upserted and enriched (topic filters
    are read from question_topics, for every sitting, on each call). An index that is missing,
    of another VERSION, whose appended share passed COMPACT_SHARE, or that gets a day busier
    than its doc ids hold, is rebuilt whole.
    """
    ensure_schema(con)
    meta = _meta(con)
    if meeting_ids is None or meta.get("version") != VERSION:
        return rebuild(con)
    started = time.monotonic()
    if not meeting_ids:
        _refresh_topics(con)  # an enrichment-only change still reclassifies topics
        return {"mode": "incremental", "speeches": 0, "postings": 0, "seconds": time.monotonic() - started}
    bits = int(meta["day_bits"])
    mask = (1 << bits) - 1
    con.execute("CREATE OR REPLACE TEMP TABLE search_reindex (meeting_id VARCHAR PRIMARY KEY)")
    con.execute("INSERT INTO search_reindex SELECT DISTINCT unnest(?)", [meeting_ids])
    incoming, indexed = con.execute("""
        SELECT (SELECT count(*) FROM speeches WHERE meeting_id IN (SELECT meeting_id FROM search_reindex)),
               (SELECT count(*) FROM search_docs)
    """).fetchone()
    if incoming > COMPACT_SHARE * indexed:
        return rebuild(con)  # appending this much would be followed by a rebuild anyway
    con.execute("""
        CREATE OR REPLACE TEMP TABLE search_gone AS
        SELECT doc FROM search_docs WHERE meeting_id IN (SELECT meeting_id FROM search_reindex)
    """)
    if con.execute("SELECT count(*) FROM search_gone").fetchone()[0]:
        for table in ("search_postings", "search_positions", "search_filters", "search_docs"):
            con.execute(f"DELETE FROM {table} WHERE doc IN (SELECT doc FROM search_gone)")
    # New docs continue each day's numbering after what the day already holds.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE search_new AS
        WITH s AS (
            SELECT {_DAY} AS day, {_CODE} AS code, s.seq, {_DOC_COLUMNS}
            FROM speeches s JOIN meetings m USING (meeting_id)
            WHERE s.meeting_id IN (SELECT meeting_id FROM search_reindex)
        ), base AS (
            SELECT doc >> {bits} AS day, max((doc & {mask}) >> {CODE_BITS}) + 1 AS next FROM search_docs
            WHERE doc >> {bits} IN (SELECT day FROM s) GROUP BY ALL
        )
        SELECT (s.day << {bits}) | ((coalesce(base.next, 0) + row_number() OVER (
                   PARTITION BY s.day ORDER BY s.meeting_id, s.seq) - 1) << {CODE_BITS}) | s.code AS doc,
               s.* EXCLUDE (day, code, seq)
        FROM s LEFT JOIN base USING (day)
    """)
    worst = con.execute(f"SELECT max(doc & {mask}) >> {CODE_BITS} FROM search_new").fetchone()[0]
    if worst is not None and worst >= mask >> CODE_BITS:
        return rebuild(con)  # a busier day than the ids hold: renumbered with more bits
    con.execute("INSERT INTO search_docs SELECT * FROM search_new ORDER BY doc")
    rows = _insert_grams(con, "search_new")
    _insert_filters(con, "search_new")
    _refresh_topics(con)
    appended = int(meta.get("appended_rows", 0)) + rows
    speeches = con.execute("SELECT count(*) FROM search_new").fetchone()[0]
    for table in ("search_reindex", "search_gone", "search_new"):
        con.execute(f"DROP TABLE {table}")
    if appended > COMPACT_SHARE * max(int(meta.get("sorted_rows", 0)), 1):
        return rebuild(con)
    _set_meta(con, {"appended_rows": appended, "avgdl": _avgdl(con)})
    return {"mode": "incremental", "speeches": speeches, "postings": rows, "seconds": time.monotonic() - started}


def index_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """Bytes of the blocks holding the index tables (what the index adds to the file)."""
    block = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    total = 0
    for table in ("search_docs", "search_postings", "search_positions", "search_filters"):
        total += con.execute(f"SELECT count(DISTINCT block_id) FROM pragma_storage_info('{table}') "
                             "WHERE block_id >= 0").fetchone()[0]
    return total * block
