"""Search query syntax → a structured query, and the query → SQL over the n-gram index.

Syntax (docs/search.md): words separated by spaces must all occur (AND); `OR` (or `|`) between
two words accepts either; `-word` excludes; "a phrase", “a phrase” or 「a phrase」 is one term
that may hold spaces or operator characters. Every term is folded with normalize_text, exactly
as speeches.text_norm is, and matches as a substring: 保 finds 保育, 德永 finds 徳永.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.normalize import normalize_text
from pipeline.search_index import GRAM_BITS, K1, KINDS, LQ_SCALE, MEETING_KINDS, B

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
    """'保育 OR 幼稚園 -民営化 "待機 児童"' → groups [[保育, 幼稚園], [待機 児童]], excluded [民営化]."""
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
    so that DuckDB builds its hash tables on the small side.
    """
    if posted(term):
        return (f"SELECT doc, tf, lq FROM search_postings WHERE gram = {sql.param(gram(term))}"
                f"{rng.clause(sql, 'doc')}")
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


def length_norms(avgdl: float) -> list[float]:
    """BM25's K1 * (1 - B + B * dl / avgdl) for each length code lq (index lq + 1 in SQL)."""
    return [K1 * (1 - B + B * math.expm1(lq / LQ_SCALE) / avgdl) for lq in range(256)]


def weighted(sql: SqlBuilder, name: str, term_idf: str, norms: str) -> str:
    """SQL of (doc, s): the term's BM25 contribution per speech, from the CTE `name`."""
    return f"SELECT doc, tf / (tf + {norms}[lq + 1]) * {term_idf} AS s FROM {name}"
