"""Atom 1.0 feeds: per member (their questions), per council (new sittings), per saved search.

    oshigiin feeds --out feeds/ --searches data/searches.toml

Every entry links to the original minutes (source_url) and has a stable id, the record's own
ID as a tag: URI, so a reader never shows an entry twice after a re-crawl. `updated` is when
the source was fetched; the output depends on the database alone (no "now"), so an unchanged
database rewrites identical files. XML is built with ElementTree, which escapes every value;
characters XML 1.0 cannot carry (control characters in scraped text) are dropped first.

File names (relative to the output directory), from `feed_path`:
    councils/<council_id>.xml                   new sittings of a council
    members/<council_id>-<hash of person_id>.xml   a member's latest questions
    searches/<key>.xml                          a saved search's newest matching speeches
    index.opml                                  every feed, for a reader to subscribe to all

Saved searches are a TOML file (default data/searches.toml when it exists):

    [searches.hoiku]
    title = "保育・待機児童"
    query = "保育 OR 待機児童 -民営化"      # the search syntax (docs/search.md)
    council = "131121"                       # optional, as are member, faction and topic
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from pipeline.export import Filters, opened, select
from pipeline.normalize import normalize_text
from pipeline.paths import REPO
from pipeline.search import parse_query, snippet_segments

ATOM = "http://www.w3.org/2005/Atom"
TAG = "tag:oshigiin,2025:"  # fixed date: an entry's id must never change
KINDS = ("council", "member", "search")
DEFAULT_SEARCHES = REPO / "data" / "searches.toml"
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
ET.register_namespace("", ATOM)


@dataclass(frozen=True)
class SavedSearch:
    key: str
    title: str
    query: str
    council: str | None = None
    member: str | None = None
    faction: str | None = None
    topic: str | None = None

    @property
    def filters(self) -> Filters:
        return Filters(council=self.council, person=self.member, faction=self.faction, topic=self.topic,
                       query=self.query)


@dataclass
class Feed:
    kind: str
    key: str
    title: str
    path: str
    entries: int


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)


def feed_path(kind: str, key: str) -> str:
    """Where a feed lives under the output directory, e.g. members/demo-1f2e3d4c5b6a.xml.

    A member's file is named by a hash of the person_id: person_ids hold kanji and ':', the hash
    keeps file names and URLs plain ASCII, and the same member always gets the same file."""
    if kind == "council":
        return f"councils/{_safe(key)}.xml"
    if kind == "member":
        council = key.split(":", 1)[0]
        return f"members/{_safe(council)}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.xml"
    if kind == "search":
        if not _KEY.match(key):
            raise ValueError(f"a saved search's key must be letters, digits, - or _: {key!r}")
        return f"searches/{key}.xml"
    raise ValueError(f"unknown feed kind {kind!r}; one of: {', '.join(KINDS)}")


def load_searches(path: Path | str | None = None) -> list[SavedSearch]:
    """Saved searches from a TOML file; none when no path is given and the default does not exist."""
    if path is None:
        if not DEFAULT_SEARCHES.exists():
            return []
        path = DEFAULT_SEARCHES
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for key, spec in data.get("searches", {}).items():
        if not _KEY.match(key) or not isinstance(spec, dict) or not spec.get("query"):
            raise ValueError(f"{path}: [searches.{key}] needs a plain key (letters, digits, - _) and a query")
        unknown = set(spec) - {"title", "query", "council", "member", "faction", "topic"}
        if unknown:
            raise ValueError(f"{path}: [searches.{key}] has unknown settings: {', '.join(sorted(unknown))}")
        out.append(SavedSearch(key=key, title=spec.get("title") or spec["query"], query=spec["query"],
                               **{k: spec.get(k) for k in ("council", "member", "faction", "topic")}))
    return out


# -- Atom --------------------------------------------------------------------------------------------------
def _text(value: object) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _text(text)
    return el


def _when(value: datetime | date | None) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00+09:00"  # a sitting's day, in Japan
    return "1970-01-01T00:00:00Z"


def _tag(*parts: str) -> str:
    # An IRI: the IDs keep their characters (kanji included); only what would break one is encoded.
    return TAG + ":".join(re.sub(r"[\s<>\"{}|\\^`%]", lambda m: f"%{ord(m.group()):02X}", p) for p in parts)


@dataclass
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    published: date | None
    summary: str
    author: str | None = None
    categories: tuple[str, ...] = ()


def _write(out_dir: Path, feed: Feed, feed_id: str, entries: list[Entry], fallback: datetime | None,
           base_url: str | None) -> None:
    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "ja"})
    _sub(root, "id", feed_id)
    _sub(root, "title", feed.title)
    _sub(root, "updated", _when(max((e.updated for e in entries), default=fallback)))
    _sub(_sub(root, "author"), "name", "oshigiin")
    _sub(root, "generator", "oshigiin")
    if base_url:
        _sub(root, "link", rel="self", type="application/atom+xml", href=base_url.rstrip("/") + "/" + feed.path)
    for e in entries:
        entry = _sub(root, "entry")
        _sub(entry, "id", e.id)
        _sub(entry, "title", e.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=e.link)
        _sub(entry, "updated", _when(e.updated))
        if e.published:
            _sub(entry, "published", _when(e.published))
        if e.author:
            _sub(_sub(entry, "author"), "name", e.author)
        for c in e.categories:
            _sub(entry, "category", term=c)
        _sub(entry, "summary", e.summary, type="text")
    ET.indent(root)
    target = out_dir / feed.path
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    ET.ElementTree(root).write(partial, encoding="utf-8", xml_declaration=True)
    partial.replace(target)


# -- the three kinds ---------------------------------------------------------------------------------------
def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _json_list(value: object) -> list:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else list(value)


def question_entry(q: dict) -> Entry:
    answerers = "、".join(_json_list(q["answerers"])) or "—"
    headings = " / ".join(str(i.get("heading") or "") for i in _json_list(q["items"]) if isinstance(i, dict))
    summary = "\n".join(line for line in (
        f"会議: {q['meeting_title']}", f"質問者: {q['questioner']}（{q['form'] or '質問'}）",
        f"答弁者: {answerers}", f"項目: {headings}" if headings else "",
        f"話題: {', '.join(q['topics'])}" if q["topics"] else "") if line)
    return Entry(id=_tag("question", q["question_id"]),
                 title=f"{q['date'] or ''} {q['form'] or '質問'}: {q['headline'] or q['meeting_title']}".strip(),
                 link=q["source_url"], updated=q["fetched_at"], published=q["date"], summary=summary,
                 author=q["questioner"], categories=tuple(q["topics"] or ()))


def meeting_entry(m: dict) -> Entry:
    what = " ".join(x for x in (m["kind"], m["committee"]) if x)
    return Entry(id=_tag("meeting", m["meeting_id"]), title=f"{m['date'] or ''} {m['title']}".strip(),
                 link=m["source_url"], updated=m["fetched_at"], published=m["date"],
                 summary=f"{what}。発言 {m['speeches']} 件、質問 {m['questions']} 件。")


def speech_entry(s: dict, terms: list[str]) -> Entry:
    snippet = "".join(t for t, _ in snippet_segments(s["text"], normalize_text(s["text"]), terms))
    speaker = s["speaker_name"] or "—"
    if s["speaker_role"]:
        speaker += f"（{s['speaker_role']}）"
    return Entry(id=_tag("speech", s["speech_id"]), title=f"{s['date'] or ''} {speaker} — {s['meeting_title']}".strip(),
                 link=s["source_url"], updated=s["fetched_at"], published=s["date"], summary=snippet,
                 author=s["speaker_name"])


def write_feeds(source, out_dir: Path | str, searches: list[SavedSearch] = (), *, limit: int = 50,
                base_url: str | None = None) -> list[Feed]:
    """Every council's, every member's and every saved search's feed under out_dir, and index.opml."""
    out = Path(out_dir)
    feeds: list[Feed] = []
    with opened(source) as con:
        latest = con.execute("SELECT max(fetched_at) FROM meetings").fetchone()[0]
        councils = dict(con.execute("SELECT council_id, name FROM councils ORDER BY council_id").fetchall())

        sql, params = select("meetings", order_by="date DESC, meeting_id DESC", limit=limit, per="council_id")
        by_council: dict[str, list[Entry]] = {c: [] for c in councils}
        for m in _rows(con, sql, params):
            by_council.setdefault(m["council_id"], []).append(meeting_entry(m))
        for cid, entries in by_council.items():
            name = councils.get(cid, cid)
            feed = Feed("council", cid, f"{name}議会の新しい会議録 — oshigiin", feed_path("council", cid), len(entries))
            _write(out, feed, _tag("feed", "council", cid), entries, latest, base_url)
            feeds.append(feed)

        sql, params = select("questions", order_by="date DESC, meeting_id DESC, ordinal DESC", limit=limit,
                             per="person_id")
        by_member: dict[str, list[Entry]] = {}
        for q in _rows(con, sql, params):
            by_member.setdefault(q["person_id"], []).append(question_entry(q))
        people = con.execute("SELECT person_id, name, council_id FROM people ORDER BY person_id").fetchall()
        for pid, name, cid in people:
            entries = by_member.get(pid, [])
            title = f"{name}（{councils.get(cid, cid)}）の質問 — oshigiin"
            feed = Feed("member", pid, title, feed_path("member", pid), len(entries))
            _write(out, feed, _tag("feed", "member", pid), entries, latest, base_url)
            feeds.append(feed)

        for s in searches:
            sql, params = select("search", s.filters, limit=limit)
            terms = parse_query(s.query).terms
            entries = [speech_entry(row, terms) for row in _rows(con, sql, params)]
            feed = Feed("search", s.key, f"検索「{s.title}」の新しい発言 — oshigiin", feed_path("search", s.key),
                        len(entries))
            _write(out, feed, _tag("feed", "search", s.key), entries, latest, base_url)
            feeds.append(feed)
    _prune(out, {f.path for f in feeds})
    _opml(out / "index.opml", feeds, base_url)
    return feeds


def _prune(out: Path, keep: set[str]) -> None:
    """Feeds of members or searches that no longer exist go, so no reader follows a dead list."""
    for sub in ("councils", "members", "searches"):
        for path in (out / sub).glob("*.xml"):
            if path.relative_to(out).as_posix() not in keep:
                path.unlink()


def _opml(path: Path, feeds: list[Feed], base_url: str | None) -> None:
    root = ET.Element("opml", {"version": "2.0"})
    _head = ET.SubElement(root, "head")
    ET.SubElement(_head, "title").text = "oshigiin feeds"
    body = ET.SubElement(root, "body")
    for f in feeds:
        url = (base_url.rstrip("/") + "/" if base_url else "") + f.path
        ET.SubElement(body, "outline", {"type": "rss", "text": _text(f.title), "title": _text(f.title),
                                        "xmlUrl": url})
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
