"""Why a search found nothing, and what to try instead: the search page's way out of dead ends.

    for hint in hints(con, 'ほいく', council_id='demo'):
        hint.code      # 'only_excluded' | 'lowercase_or' | 'reading'
        hint.queries   # queries to offer, ready to run: ['保育']
        hint.members   # [(person_id, name)] whose reading matches, for a reading

Readings come from what the database and the taxonomy already know: members' readings
(members.kana, published or generated) and pykakasi readings of the topic terms in
data/topics.toml. A reading is a guess, so these are offered as suggestions, never searched
in place of what was typed.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb

from oshigiin.minutes.normalize import reading, to_hiragana
from oshigiin.pipeline.search.query import QueryError, parse_query

_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fcー]+")
MAX_SUGGESTIONS = 6


@dataclass
class Hint:
    code: str
    params: dict[str, object] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def term_readings() -> dict[str, tuple[str, ...]]:
    """Hiragana reading → the topic terms (folded, as written in data/topics.toml) read so."""
    from oshigiin.pipeline.understanding.topics import taxonomy

    out: dict[str, set[str]] = {}
    for topic in taxonomy().topics:
        for term in topic.terms:
            if _KANA.fullmatch(term):
                continue  # already kana: searching the reading finds it
            out.setdefault(reading(term), set()).add(term)
    return {k: tuple(sorted(v, key=lambda t: (len(t), t))) for k, v in out.items() if k}


_WARMING = threading.Lock()
_warmed: list[threading.Thread] = []


def warm() -> None:
    """Compute term_readings in the background, once per process (pykakasi over every topic term
    takes seconds): a page calls this so the first kana query that finds nothing need not wait."""
    with _WARMING:
        if not _warmed:
            _warmed.append(threading.Thread(target=term_readings, name="search-readings", daemon=True))
            _warmed[0].start()


def kanji_for(kana: str) -> list[str]:
    """Topic terms read as `kana`: exact readings first, then terms whose reading starts with it."""
    key = to_hiragana(kana)
    readings = term_readings()
    exact = list(readings.get(key, ()))
    longer = [t for r, terms in sorted(readings.items(), key=lambda kv: (len(kv[0]), kv[0]))
              if r != key and r.startswith(key) and len(key) >= 2 for t in terms]
    return list(dict.fromkeys(exact + longer))[:MAX_SUGGESTIONS]


def _tokens(q: str) -> list[str]:
    return unicodedata.normalize("NFKC", q or "").split()


def lowercase_or(q: str) -> Hint | None:
    """`保育 or 介護`: `or` in lower case is a word to look for; OR (capitals) is the operator."""
    tokens = _tokens(q)
    inner = [i for i, tok in enumerate(tokens) if tok.lower() == "or" and tok != "OR" and 0 < i < len(tokens) - 1]
    if not inner:
        return None
    fixed = " ".join("OR" if i in inner else tok for i, tok in enumerate(tokens))
    return Hint("lowercase_or", {"typed": tokens[inner[0]]}, [fixed])


def hints(con: duckdb.DuckDBPyConnection | None, q: str, council_id: str | None = None) -> list[Hint]:
    """What to tell someone whose search `q` found nothing (con: for members' readings)."""
    try:
        parsed = parse_query(q)
    except QueryError:
        return []
    out: list[Hint] = []
    if not parsed and parsed.excluded:
        positive = " ".join(parsed.excluded)
        out.append(Hint("only_excluded", {"terms": positive}, [positive]))
    hint = lowercase_or(q)
    if hint:
        out.append(hint)
    tokens = _tokens(q)
    for term in [t for g in parsed.groups for t in g]:
        if not _KANA.fullmatch(term):
            continue
        kanji = kanji_for(term)
        members: list[tuple[str, str]] = []
        if con is not None:
            from oshigiin.pipeline.search.engine import search_members

            found = search_members(con, term, council_id=council_id, limit=MAX_SUGGESTIONS)
            members = [(r.person_id, r.name) for r in found.itertuples() if r.kana]
        if kanji or members:
            queries = [" ".join(k if tok == term else tok for tok in tokens) for k in kanji]
            out.append(Hint("reading", {"term": term}, queries, members))
    return out
