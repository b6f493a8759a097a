"""Search query syntax → a structured query, and the query → SQL over the n-gram index.

Syntax (docs/search.md): words separated by spaces must all occur (AND); `OR` (or `|`) between
two words accepts either; `-word` excludes; "a phrase", “a phrase” or 「a phrase」 is one term
that may hold spaces or operator characters. Every term is folded with normalize_text, exactly
as speeches.text_norm is, and matches as a substring: 保 finds 保育, 德永 finds 徳永.

A query is at most MAX_QUERY_CHARS characters and MAX_TERMS terms (QueryError otherwise), and
whatever its length a term costs a bounded number of joins: at most JOINED_TILES bigram
position lists, then the candidates are verified against the text (term_docs).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from oshigiin.minutes.normalize import normalize_text
from oshigiin.pipeline.search.index import GRAM_BITS, K1, KINDS, LQ_SCALE, MEETING_KINDS, B

# Limits that keep one query from occupying the server (issue 13): long enough for a pasted
# paragraph of minutes, short enough that parsing and planning stay instant.
MAX_QUERY_CHARS = 500
MAX_TERMS = 16


class QueryError(ValueError):
    """A query the engine will not run, with a code the dashboard translates (search.error.<code>)."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|“([^”]*)”?|「([^」]*)」?|(\S+))')
_OR = {"OR", "|"}


@dataclass
class Query:
    """AND over `groups`, each an OR of folded terms; `excluded` terms must not occur."""

    groups: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)  # the terms typed in quotes

    @property
    def terms(self) -> list[str]:
        """Every positive term, longest first, without repeats: what a snippet highlights."""
        seen = dict.fromkeys(t for g in self.groups for t in g)
        return sorted(seen, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self.groups)


def parse_query(q: str) -> Query:
    """'保育 OR 幼稚園 -民営化 "待機 児童"' → groups [[保育, 幼稚園], [待機 児童]], excluded [民営化].

    Raises QueryError for a query over MAX_QUERY_CHARS characters or MAX_TERMS terms."""
    if len(q or "") > MAX_QUERY_CHARS:
        raise QueryError("too_long", f"the query has {len(q):,} characters; at most {MAX_QUERY_CHARS} are searched",
                         n=len(q), max=MAX_QUERY_CHARS)
    query = Query()
    pending_or = False
    # NFKC before tokenising so that full-width quotes, minus signs, spaces and ＯＲ act as
    # operators; the case of OR matters, so each term is folded (lower-cased) only afterwards.
    for m in _TOKEN.finditer(unicodedata.normalize("NFKC", q or "")):
        minus, *quoted, bare = m.groups()
        phrase = next((p for p in quoted if p is not None), None)
        if phrase is None and not minus and bare in _OR:
            pending_or = bool(query.groups)
            continue
        raw = phrase if phrase is not None else bare
        if raw == "-":
            continue
        term = normalize_text(raw)
        if not term.strip():
            pending_or = False
            continue
        if phrase is None:
            term = term.strip()
        else:
            query.phrases.append(term)
        if minus:
            query.excluded.append(term)
        elif pending_or:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        pending_or = False
    terms = sum(len(g) for g in query.groups) + len(query.excluded)
    if terms > MAX_TERMS:
        raise QueryError("too_many_terms", f"the query has {terms} terms; at most {MAX_TERMS} are searched",
                         n=terms, max=MAX_TERMS)
    return query


def bigram(a: str, b: str) -> int:
    return (ord(a) << GRAM_BITS) | ord(b)


# Terms up to this length are one posting list; longer ones are joined from bigram positions.
POSTED = 3


def gram(term: str) -> int:
    """The posting key of a term of one to three characters: code points packed 21 bits apart."""
    key = 0
    for ch in term:
        key = (key << GRAM_BITS) | ord(ch)
    return key


def posted(term: str) -> bool:
    return len(term) <= POSTED


def tiling(term: str) -> list[tuple[int, int]]:
    """(offset, bigram) pairs that cover a term of four or more characters, fewest first:
    a speech contains the term at p exactly when it has each bigram at p + offset."""
    offsets = list(range(0, len(term) - 1, 2))
    if offsets[-1] != len(term) - 2:
        offsets.append(len(term) - 2)
    return [(o, bigram(term[o], term[o + 1])) for o in offsets]


# A term whose tiling has more bigrams than this is not joined whole: JOINED_TILES of its rarest
# bigrams, spread over its length, find candidates, and the text confirms them. Joining all of
# them made a 200-character term a 100-way join (30 s at 100,000 speeches, and the optimizer
# cannot be interrupted); every term of the benchmark set (up to seven characters) is still exact
# from positions alone.
JOINED_TILES = 4
# Bigrams of a long term whose document counts are looked up to choose the rarest: a sample, so
# that a 500-character term costs a bounded lookup too.
PROBED = 48


def probes(term: str) -> list[tuple[int, int]]:
    """(offset, bigram) pairs whose document counts choose a long term's joined tiles: its tiling
    when that is joined whole, else up to PROBED offsets spread evenly over the term."""
    tiles = tiling(term)
    if len(tiles) <= JOINED_TILES:
        return tiles
    span = len(term) - 1
    offsets = sorted({round(i * (span - 1) / (PROBED - 1)) for i in range(PROBED)}) if span > PROBED else range(span)
    return [(o, bigram(term[o], term[o + 1])) for o in offsets]


def verified(term: str) -> bool:
    """Whether term_docs confirms this term's candidates against the text (more tiles than it joins)."""
    return not posted(term) and len(tiling(term)) > JOINED_TILES


def joined_tiles(term: str, df: dict[int, int] | None) -> list[tuple[int, int]]:
    """The (offset, bigram) pairs term_docs joins: the whole tiling, or for a longer term the
    rarest probed bigram of each of JOINED_TILES equal stretches of it (rare, so few candidates;
    spread, so that a repetitive term such as 福祉福祉… still pins its candidates down)."""
    if not verified(term):
        return tiling(term)
    probed = probes(term)
    span = len(term) - 1
    chosen = []
    for k in range(JOINED_TILES):
        stretch = [p for p in probed if k * span // JOINED_TILES <= p[0] < (k + 1) * span // JOINED_TILES]
        if stretch:
            chosen.append(min(stretch, key=lambda p: (df or {}).get(p[1], 0)))
    return chosen


def idf(n_docs: int, df: int) -> float:
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


class SqlBuilder:
    """Collects named parameters so that no query text ever reaches the SQL string."""

    def __init__(self) -> None:
        self.params: dict[str, object] = {}

    def param(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"


@dataclass
class DocRange:
    """Conditions a doc id answers alone (search_index): a date range is a doc-id range, and the
    low bits hold the speech's and the sitting's kind."""

    lo: int | None = None
    hi: int | None = None
    kinds: list[int] | None = None  # codes of search_index.KINDS
    meeting_kinds: list[int] | None = None  # codes of search_index.MEETING_KINDS

    def clause(self, sql: SqlBuilder, column: str) -> str:
        parts = []
        if self.lo is not None:
            parts.append(f"{column} >= {sql.param(self.lo)}")
        if self.hi is not None:
            parts.append(f"{column} <= {sql.param(self.hi)}")
        if self.kinds is not None:
            parts.append(f"{column} & 3 IN ({', '.join(map(str, self.kinds))})")
        if self.meeting_kinds is not None:
            parts.append(f"({column} >> 2) & 3 IN ({', '.join(map(str, self.meeting_kinds))})")
        return "".join(f" AND {p}" for p in parts)


def doc_range(day_from: int | None, day_to: int | None, day_bits: int, kinds: list[str] | None = None,
              meeting_kinds: list[str] | None = None) -> DocRange:
    return DocRange(None if day_from is None else day_from << day_bits,
                    None if day_to is None else ((day_to + 1) << day_bits) - 1,
                    None if kinds is None else [KINDS.index(k) for k in kinds],
                    None if meeting_kinds is None else [MEETING_KINDS.index(k) for k in meeting_kinds])


def term_docs(sql: SqlBuilder, term: str, rng: DocRange, df: dict[int, int] | None = None) -> str:
    """SQL of (doc, tf, lq) for the speeches containing `term`.

    Up to three characters: the posting list. Longer: the positional join of its tiling, tf =
    the number of places it occurs, lq from the posting of its rarest tile. Given the bigrams'
    document counts `df`, the commonest tile is scanned first and the rarer ones joined to it,
    so that DuckDB builds its hash tables on the small side. A term of more than JOINED_TILES
    tiles joins only JOINED_TILES of them (joined_tiles) and keeps the places where the text
    holds the whole term: its cost grows with its candidates, not with its length.
    """
    if posted(term):
        return (f"SELECT doc, tf, lq FROM search_postings WHERE gram = {sql.param(gram(term))}"
                f"{rng.clause(sql, 'doc')}")
    if verified(term):
        return _verified_docs(sql, term, rng, df)
    tiles = tiling(term)
    if df:
        tiles.sort(key=lambda tile: -df.get(tile[1], 0))
    first_offset, first = tiles[0]
    joins = "".join(
        f" JOIN search_positions p{i} ON p{i}.gram = {sql.param(g)} AND p{i}.doc = p0.doc"
        f" AND p{i}.pos = p0.pos + {o - first_offset}{rng.clause(sql, f'p{i}.doc')}"
        for i, (o, g) in enumerate(tiles[1:], start=1))
    matches = (f"SELECT p0.doc, count(*) AS tf FROM search_positions p0{joins} "
               f"WHERE p0.gram = {sql.param(first)}{rng.clause(sql, 'p0.doc')} GROUP BY p0.doc")
    # The speech's length rides on every posting: the rarest tile's list is the cheapest to join.
    lengths = (f"SELECT doc, lq FROM search_postings WHERE gram = {sql.param(tiles[-1][1])}"
               f"{rng.clause(sql, 'doc')}")
    return f"SELECT m.doc, m.tf, l.lq FROM ({matches}) m JOIN ({lengths}) l USING (doc)"


def _verified_docs(sql: SqlBuilder, term: str, rng: DocRange, df: dict[int, int] | None) -> str:
    tiles = sorted(joined_tiles(term, df), key=lambda tile: -(df or {}).get(tile[1], 0))
    first_offset, first = tiles[0]
    joins = "".join(
        f" JOIN search_positions p{i} ON p{i}.gram = {sql.param(g)} AND p{i}.doc = p0.doc"
        f" AND p{i}.pos = p0.pos + {o - first_offset}{rng.clause(sql, f'p{i}.doc')}"
        for i, (o, g) in enumerate(tiles[1:], start=1))
    starts = (f"SELECT p0.doc, p0.pos - {first_offset} AS start FROM search_positions p0{joins} "
              f"WHERE p0.gram = {sql.param(first)}{rng.clause(sql, 'p0.doc')}")
    # The candidates' speeches are few and close in doc (hence speech_id) order: DuckDB's join
    # filters read only their row groups of speeches. lq is computed as the index stores it.
    return (f"SELECT c.doc, count(*) AS tf, least(255, round(ln(1 + any_value(d.dl)) * {LQ_SCALE}))::UTINYINT AS lq "
            f"FROM ({starts}) c JOIN search_docs d USING (doc) JOIN speeches s ON s.speech_id = d.speech_id "
            f"WHERE c.start >= 0 AND substr(s.text_norm, c.start + 1, {len(term)}) = {sql.param(term)} "
            f"GROUP BY c.doc")


def length_norms(avgdl: float) -> list[float]:
    """BM25's K1 * (1 - B + B * dl / avgdl) for each length code lq (index lq + 1 in SQL)."""
    return [K1 * (1 - B + B * math.expm1(lq / LQ_SCALE) / avgdl) for lq in range(256)]


def weighted(sql: SqlBuilder, name: str, term_idf: str, norms: str) -> str:
    """SQL of (doc, s): the term's BM25 contribution per speech, from the CTE `name`."""
    return f"SELECT doc, tf / (tf + {norms}[lq + 1]) * {term_idf} AS s FROM {name}"
