"""Policy topics of a question or speech, with the words that show them (data/topics.toml).

    classify(text)        → [{"topic": "welfare_care", "score": 7.4,
                              "evidence": [{"term": "介護保険", "count": 2}, …]}, …]
    headline_terms(text)  → ["介護保険", "地域包括支援センター", …]

Explainable on purpose: a topic is reported only because listed terms occur in the text, and the
evidence says which and how often. Method (docs/topics.md):
  1. fold the text with pipeline.normalize.normalize_text (NFKC, 異体字, lower case);
  2. blank what is no evidence: stage directions, bill titles in 「」, committee names, and every
     sentence that conducts the sitting (「お諮りいたします」, 「日程第」, 「答弁を求めます」…);
  3. find every term in one pass of a regex built as a trie, so the longest term wins
     (子ども医療費 over 子ども; an excluded phrase such as 議会運営委員会 swallows 議会運営);
  4. score each topic as Σ weight × (1 + ln count) and keep those at min_score and above and at
     least min_share of the best. Procedural or empty text scores nothing and gets [].
Pure and deterministic; the taxonomy is read once per process.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from oshigiin.minutes.normalize import ITAIJI, normalize_text
from oshigiin.paths import reference

TAXONOMY = reference("topics.toml")

_SENTENCE = re.compile(r"[^。\n]*(?:[。\n]|$)")
_ASCII_WORD = re.compile(r"[a-z0-9]")
# A headline candidate: a maximal run of kanji, katakana, latin letters or digits (・ inside joins).
_RUN = re.compile(r"[\u3005\u3006\u4e00-\u9fff\u30a1-\u30fa\u30fcA-Za-z0-9][\u3005\u3006\u4e00-\u9fff\u30a1-\u30fa"
                  r"\u30fc\u30fbA-Za-z0-9]*")
_NUMBER_PREFIX = re.compile(r"^(?:令和|平成|昭和)?(?:第)?[0-9]+"
                            r"(?:年度|年|か月|ヶ月|月|日|号|番|回|点目|点|人|件|円|億|万|歳|%)*")
_DIGIT = re.compile(r"[0-9]")
# Kanji stems whose okurigana follow the run (見直し, 取組み): not part of the noun.
_STEMS = ("見直", "取組", "取扱", "受入", "申込", "引上", "引下", "立上", "見込", "打出", "組立", "考", "伺", "新")
# Okurigana that follow a verb or adjective stem (踏み込む, 進める, 図る, 早く, 行って), never a
# noun: particles (の を に は が と で へ も や か) and サ変 endings (し す さ せ い) are not here,
# so 理解いたします and 実施して keep their nouns.
_OKURIGANA = frozenset("みめりれきけちてぎびくつむぶぐるっげべ")
_HIRAGANA = re.compile(r"[\u3041-\u3096]")


@dataclass(frozen=True)
class Topic:
    id: str
    ja: str
    en: str
    description: str
    terms: dict[str, float]      # folded term → weight
    exclude: tuple[str, ...]     # folded phrases that contain a term but are not evidence


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    lookup: dict[str, tuple[str, float] | None]  # folded string → (topic id, weight); None = excluded phrase
    matcher: re.Pattern
    blank: re.Pattern        # stage directions, bill titles, committee names
    cues: re.Pattern         # procedural cues anywhere in a sentence
    lead_cues: re.Pattern    # procedural cues that count only at a sentence's start
    min_score: float
    min_share: float
    stopwords: frozenset[str]
    max_len_weight: int


def trie_regex(words: list[str]) -> str:
    """One regex matching any of `words`, built as a trie so a match costs the term's length, not the
    number of terms, and the longest word at a position wins (each optional tail is greedy)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return body + "?" if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + body + ")?"
        return body

    return build(root)


def load_taxonomy(path: Path = TAXONOMY) -> Taxonomy:
    """Read and check data/topics.toml: unique ids, every term in one topic only, after folding."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    topics, lookup, excluded = [], {}, set()
    for t in data["topic"]:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", t["id"]):
            raise ValueError(f"topic id {t['id']!r} is not an ascii slug")
        if any(x.id == t["id"] for x in topics):
            raise ValueError(f"topic id {t['id']!r} twice")
        terms = {}
        for raw, weight in t["terms"].items():
            term = normalize_text(raw).strip()
            if term in lookup:
                raise ValueError(f"term {raw!r} is in {lookup[term][0]} and {t['id']}")
            lookup[term] = (t["id"], float(weight))
            terms[term] = float(weight)
        exclude = tuple(normalize_text(x).strip() for x in t.get("exclude", []))
        excluded.update(exclude)
        topics.append(Topic(t["id"], t["ja"], t["en"], t["description"], terms, exclude))
    # A phrase excluded by one topic stays evidence where another topic lists it as a term (扶助費).
    for phrase in excluded - lookup.keys():
        lookup[phrase] = None
    proc = data["procedural"]
    blank = "|".join(f"(?:{p})" for p in (proc["stage"], proc["bill_titles"], proc["committee_names"]))
    folded = {normalize_text(c).strip() for c in proc["cues"]}
    cues = trie_regex(sorted(c for c in folded if not c.startswith("^")))
    lead = trie_regex(sorted(c[1:] for c in folded if c.startswith("^")))
    head = data["headline"]
    return Taxonomy(
        topics=tuple(topics), lookup=lookup, matcher=re.compile(trie_regex(sorted(lookup))),
        blank=re.compile(blank), cues=re.compile(cues), lead_cues=re.compile(r"[\s\u3000]*(?:" + lead + ")"),
        min_score=float(data["scoring"]["min_score"]), min_share=float(data["scoring"]["min_share"]),
        stopwords=frozenset(normalize_text(w) for w in head["stopwords"]), max_len_weight=int(head["max_len_weight"]),
    )


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def evidence_text(text: str, tax: Taxonomy | None = None) -> str:
    """The folded text with everything that is no evidence blanked (see the module docstring, step 2)."""
    tax = tax or taxonomy()
    folded = tax.blank.sub(" ", normalize_text(text))
    return "".join(s for s in _SENTENCE.findall(folded)
                   if s and not tax.cues.search(s) and not tax.lead_cues.match(s))


def term_counts(text: str, tax: Taxonomy | None = None) -> Counter:
    """Counter of matched terms (folded) in the evidence text; excluded phrases are not counted."""
    tax = tax or taxonomy()
    body = evidence_text(text, tax)
    counts: Counter = Counter()
    lookup = tax.lookup
    for m in tax.matcher.finditer(body):
        term = m.group()
        if lookup[term] is None:
            continue
        # Latin terms are words: 「ai」 in 「email」 or 「it」 in 「digit」 is not one.
        if term[0].isascii() and ((m.start() and _ASCII_WORD.match(body, m.start() - 1))
                                  or _ASCII_WORD.match(body, m.end())):
            continue
        counts[term] += 1
    return counts


def classify(text: str, top: int = 3) -> list[dict]:
    """The text's policy topics, best first: [{"topic", "score", "evidence": [{"term", "count"}]}].

    Empty when no topic reaches the threshold, which is what procedural text (votes, calling the
    next speaker, agenda items) gets. Evidence lists each matched term of the topic with its count,
    largest contribution first; scores are rounded to 3 decimals so results compare exactly.
    """
    if not text:
        return []
    tax = taxonomy()
    scores: dict[str, float] = {}
    evidence: dict[str, list[tuple[float, str, int]]] = {}
    for term, count in term_counts(text, tax).items():
        topic, weight = tax.lookup[term]
        part = weight * (1.0 + math.log(count))
        scores[topic] = scores.get(topic, 0.0) + part
        evidence.setdefault(topic, []).append((part, term, count))
    if not scores:
        return []
    best = max(scores.values())
    order = sorted(scores, key=lambda t: (-scores[t], t))
    out = []
    for t in order[:top]:
        if scores[t] < tax.min_score or scores[t] < tax.min_share * best:
            break
        ev = sorted(evidence[t], key=lambda e: (-e[0], e[1]))
        out.append({"topic": t, "score": round(scores[t], 3),
                    "evidence": [{"term": term, "count": count} for _, term, count in ev]})
    return out


def _strip_stem(run: str, after: str) -> str:
    if not after or not _HIRAGANA.match(after):
        return run
    for stem in _STEMS:
        if run.endswith(stem):
            return run[: -len(stem)]
    if after in _OKURIGANA and "\u4e00" <= run[-1] <= "\u9fff":
        return run[:-1]
    return run


def headline_terms(text: str, n: int = 5) -> list[str]:
    """The text's own salient terms: kanji/katakana/latin compounds it repeats, longest favoured.

    Candidates are maximal runs of kanji, katakana (・ inside), latin letters and digits in the
    NFKC text (hiragana ends a run, so particles and verb endings split words); a leading number
    with its counter (令和7年度, 第2点目) is dropped, a verb stem before its okurigana (一歩踏み込む,
    見直し) is cut,
    and candidates still holding digits, single characters and stopwords (質問, 区長, 答弁…) go.
    Ranked by count × min(length, 8), ties by first appearance; shown as first written.
    """
    if not text:
        return []
    tax = taxonomy()
    nfkc = unicodedata.normalize("NFKC", text).translate(_ITAIJI_TABLE)
    stats: dict[str, list] = {}  # key → [count, first position, surface]
    for m in _RUN.finditer(nfkc):
        run = _strip_stem(m.group(), nfkc[m.end(): m.end() + 1])
        run = _NUMBER_PREFIX.sub("", run).strip("・")
        if len(run) > 2 and run.endswith("等"):
            run = run[:-1]
        key = run.lower()
        if len(run) < 2 or _DIGIT.search(run) or key in tax.stopwords:
            continue
        if key in stats:
            stats[key][0] += 1
        else:
            stats[key] = [1, m.start(), run]
    ranked = sorted(stats.values(), key=lambda s: (-s[0] * min(len(s[2]), tax.max_len_weight), s[1]))
    return [s[2] for s in ranked[:n]]


_ITAIJI_TABLE = str.maketrans(ITAIJI)
