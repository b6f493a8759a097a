"""Atom 1.0 feeds: per member (their questions), per follow list, per council (new sittings), per saved search.

    oshigiin feeds --out feeds/ --searches data/searches.toml

Every entry links to the original minutes (source_url) — or, when the dashboard's address is known, to
the sitting in the dashboard with the original as rel="via" — and has a stable id, the record's own
ID as a tag: URI, so a reader never shows an entry twice after a re-crawl. `published` and `updated`
are the day of the sitting (when the question was asked in public), not the build or fetch time; the
output depends on the database alone (no "now"), so an unchanged database rewrites identical files.
XML is built with ElementTree, which escapes every value; characters XML 1.0 cannot carry (control
characters in scraped text) are dropped first. Files are written beside the output directory and
renamed into it, so the served folder never holds a partial or hidden file.

File names (relative to the output directory), from `feed_path`:
    councils/<council_id>.xml                   new sittings of a council
    decisions/<council_id>.xml                  its latest decisions (採決: motion, result, method, counts)
    members/<council_id>-<hash of person_id>.xml   a member's latest questions
    lists/<hash of the sorted person_ids>.xml   a follow list's latest questions (one feed per list)
    searches/<key>.xml                          a saved search's newest matching speeches
    index.opml                                  every feed except follow lists, for a reader to subscribe to all

A follow list's feed is written when a resident asks for it on the dashboard (`write_list_feed`); its
members are kept in the feed itself (category elements), so every later `write_feeds` — each
published load — refreshes it with the same self link and dashboard links.

Member and list feeds carry headlines, topics and who answered, never speech texts: a feed narrowed to
one speaker must not compile their statements (著作権法40条1項, docs/legal.md).

Saved searches are a TOML file (default data/searches.toml when it exists):

    [searches.hoiku]
    title = "保育・待機児童"
    query = "保育 OR 待機児童 -民営化"      # the search syntax (docs/search.md)
    council = "131121"                       # optional, as are member, faction and topic
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from oshigiin.minutes.normalize import normalize_text
from oshigiin.paths import reference
from oshigiin.pipeline.search.engine import parse_query, snippet_segments
from oshigiin.pipeline.sharing.export import Filters, available, opened, select
from oshigiin.pipeline.video import segments as video

ATOM = "http://www.w3.org/2005/Atom"
TAG = "tag:oshigiin,2025:"  # fixed date: an entry's id must never change
KINDS = ("council", "decisions", "member", "list", "search")
FOLLOWS = "tag:oshigiin,2025:follows"  # the scheme of a list feed's categories: one per followed member
TOPICS = "tag:oshigiin,2025:topics"
MAX_LIST = 50
DEFAULT_SEARCHES = reference("searches.toml")
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
    if kind == "decisions":
        return f"decisions/{_safe(key)}.xml"
    if kind == "member":
        council = key.split(":", 1)[0]
        return f"members/{_safe(council)}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.xml"
    if kind == "list":
        if not re.fullmatch(r"[0-9a-f]{16}", key):
            raise ValueError(f"a follow list's key is list_key(ids), 16 hex digits: {key!r}")
        return f"lists/{key}.xml"
    if kind == "search":
        if not _KEY.match(key):
            raise ValueError(f"a saved search's key must be letters, digits, - or _: {key!r}")
        return f"searches/{key}.xml"
    raise ValueError(f"unknown feed kind {kind!r}; one of: {', '.join(KINDS)}")


def list_key(person_ids: list[str] | tuple[str, ...]) -> str:
    """The same key for the same set of members, whatever the order they were followed in."""
    return hashlib.sha256("\n".join(sorted(set(person_ids))).encode()).hexdigest()[:16]


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


def _topic_names() -> dict[str, str]:
    from oshigiin.pipeline.understanding.topics import taxonomy

    return {tp.id: tp.ja for tp in taxonomy().topics}


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
    updated: datetime | date
    published: date | None
    summary: str
    author: str | None = None
    categories: tuple[str, ...] = ()
    via: str | None = None  # the original minutes, when `link` is the dashboard's page
    related: str | None = None  # the council's recording of it (docs/video.md)


def _sort_key(value: datetime | date | None) -> str:
    return _when(value) if value is not None else ""


def _write(out_dir: Path, feed: Feed, feed_id: str, entries: list[Entry], fallback: datetime | None,
           base_url: str | None, *, home: str | None = None, follows: list[str] = ()) -> None:
    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "ja"})
    _sub(root, "id", feed_id)
    _sub(root, "title", feed.title)
    newest = max((e.updated for e in entries), key=_sort_key, default=None)
    _sub(root, "updated", _when(newest if newest is not None else fallback))
    _sub(_sub(root, "author"), "name", "oshigiin")
    _sub(root, "generator", "oshigiin")
    if base_url:
        _sub(root, "link", rel="self", type="application/atom+xml", href=base_url.rstrip("/") + "/" + feed.path)
    if home:
        _sub(root, "link", rel="alternate", type="text/html", href=home)
    for pid in follows:
        _sub(root, "category", term=pid, scheme=FOLLOWS)
    for e in entries:
        entry = _sub(root, "entry")
        _sub(entry, "id", e.id)
        _sub(entry, "title", e.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=e.link)
        if e.via:
            _sub(entry, "link", rel="via", type="text/html", href=e.via)
        if e.related:
            _sub(entry, "link", rel="related", type="text/html", title="録画", href=e.related)
        _sub(entry, "updated", _when(e.updated))
        if e.published:
            _sub(entry, "published", _when(e.published))
        if e.author:
            _sub(_sub(entry, "author"), "name", e.author)
        for c in e.categories:
            _sub(entry, "category", term=c, scheme=TOPICS)
        _sub(entry, "summary", e.summary, type="text")
    ET.indent(root)
    _atomic_write(out_dir, feed.path, ET.ElementTree(root))


def _atomic_write(out_dir: Path, relative: str, tree: ET.ElementTree) -> None:
    """Write beside the served folder, then rename into place: a reader (or the static file server)
    sees the old file or the new one, never a partial or hidden file inside the folder (issue 14).
    The folder's parent is on the same file system, so the rename is atomic."""
    target = out_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".oshigiin-feed-", suffix=".partial", dir=out_dir.resolve().parent)
    try:
        with os.fdopen(fd, "wb") as out:
            tree.write(out, encoding="utf-8", xml_declaration=True)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


# -- the three kinds ---------------------------------------------------------------------------------------
def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    video.attach_recordings(con, rows)  # a question's entry links its recording (docs/video.md)
    return rows


def _json_list(value: object) -> list:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else list(value)


def _dashboard_link(dashboard_url: str | None, meeting_id: str, speech_id: str | None) -> str | None:
    if not dashboard_url:
        return None
    from urllib.parse import urlencode

    params = {"meeting": meeting_id, **({"speech": speech_id} if speech_id else {})}
    return f"{dashboard_url.rstrip('/')}/meetings?{urlencode(params)}"


def question_entry(q: dict, topic_names: dict[str, str] | None = None, dashboard_url: str | None = None) -> Entry:
    """A question as headline and facts (who asked and answered, items, topics), never its text."""
    names = topic_names if topic_names is not None else _topic_names()
    topics = [names.get(x, x) for x in (q["topics"] or ())]
    answerers = "、".join(_json_list(q["answerers"])) or "—"
    headings = " / ".join(str(i.get("heading") or "") for i in _json_list(q["items"]) if isinstance(i, dict))
    summary = "\n".join(line for line in (
        f"会議: {q['meeting_title']}", f"質問者: {q['questioner']}（{q['form'] or '質問'}）",
        f"答弁者: {answerers}", f"項目: {headings}" if headings else "",
        f"話題: {'、'.join(topics)}" if topics else "") if line)
    dashboard = _dashboard_link(dashboard_url, q["meeting_id"], q.get("first_speech_id"))
    return Entry(id=_tag("question", q["question_id"]),
                 title=f"{q['date'] or ''} {q['form'] or '質問'}: {q['headline'] or q['meeting_title']}".strip(),
                 link=dashboard or q["source_url"], via=q["source_url"] if dashboard else None,
                 # The day it was asked in public: a reader dates the entry by the sitting, not by our build.
                 updated=q["date"] or q["fetched_at"], published=q["date"], summary=summary,
                 author=q["questioner"], categories=tuple(topics), related=q.get("recording"))


def meeting_entry(m: dict) -> Entry:
    what = " ".join(x for x in (m["kind"], m["committee"]) if x)
    return Entry(id=_tag("meeting", m["meeting_id"]), title=f"{m['date'] or ''} {m['title']}".strip(),
                 link=m["source_url"], updated=m["date"] or m["fetched_at"], published=m["date"],
                 summary=f"{what}。発言 {m['speeches']} 件、質問 {m['questions']} 件。")


def decision_entry(v: dict, motion: tuple[str, str | None] | None) -> Entry:
    """A decision as the minutes announce it: the motion, the result, how it was taken, the counts if said."""
    identifier, title = motion or (v["motion_id"].rsplit(":", 1)[-1], None)
    what = f"{identifier}（{title}）" if title else identifier
    how = "・".join(x for x in (v["body"], v["method"], v["majority"]) if x)
    counts = "、".join(f"{label}{v[k]}" for label, k in (("総数", "total"), ("賛成", "yes"), ("反対", "no"))
                      if v[k] is not None)
    summary = "。".join(x for x in (how, counts, v["evidence"]) if x)
    return Entry(id=_tag("decision", v["vote_event_id"]), title=f"{v['date'] or ''} {what} {v['result']}".strip(),
                 link=v["source_url"], updated=v["date"] or v["fetched_at"], published=v["date"], summary=summary)


def speech_entry(s: dict, terms: list[str]) -> Entry:
    snippet = "".join(t for t, _ in snippet_segments(s["text"], normalize_text(s["text"]), terms))
    speaker = s["speaker_name"] or "—"
    if s["speaker_role"]:
        speaker += f"（{s['speaker_role']}）"
    return Entry(id=_tag("speech", s["speech_id"]), title=f"{s['date'] or ''} {speaker} — {s['meeting_title']}".strip(),
                 link=s["source_url"], updated=s["date"] or s["fetched_at"], published=s["date"], summary=snippet,
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

        if {"vote_events", "motions"} <= available(con):  # an older file has no vote tables
            motions = {m: (i, t) for m, i, t in con.execute("SELECT motion_id, identifier, title FROM motions")
                       .fetchall()}
            sql, params = select("vote_events", order_by="date DESC, vote_event_id DESC", limit=limit,
                                 per="council_id")
            decided: dict[str, list[Entry]] = {}
            for v in _rows(con, sql, params):
                decided.setdefault(v["council_id"], []).append(decision_entry(v, motions.get(v["motion_id"])))
            for cid, entries in decided.items():
                feed = Feed("decisions", cid, f"{councils.get(cid, cid)}議会の採決 — oshigiin",
                            feed_path("decisions", cid), len(entries))
                _write(out, feed, _tag("feed", "decisions", cid), entries, latest, base_url)
                feeds.append(feed)

        sql, params = select("questions", order_by="date DESC, meeting_id DESC, ordinal DESC", limit=limit,
                             per="person_id")
        by_member: dict[str, list[Entry]] = {}
        names = _topic_names()
        for q in _rows(con, sql, params):
            by_member.setdefault(q["person_id"], []).append(question_entry(q, names))
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
        lists = [_refresh_list(con, out, path, limit) for path in sorted((out / "lists").glob("*.xml"))]
    _prune(out, {f.path for f in feeds} | {f.path for f in lists if f})
    _opml(out / "index.opml", feeds, base_url)
    return feeds + [f for f in lists if f]


# -- follow lists ------------------------------------------------------------------------------------------
def write_list_feed(source, person_ids: list[str], out_dir: Path | str, *, limit: int = 50,
                    base_url: str | None = None, dashboard_url: str | None = None) -> Feed | None:
    """The feed of one follow list: the newest questions of any of its members, at lists/<list_key>.xml.
    Ids nobody in the database has are dropped; the file's name depends on the members, not their order."""
    with opened(source) as con:
        return _list_feed(con, Path(out_dir), list(person_ids), limit, base_url, dashboard_url)


def _list_feed(con: duckdb.DuckDBPyConnection, out: Path, person_ids: list[str], limit: int,
               base_url: str | None, dashboard_url: str | None, key: str | None = None) -> Feed | None:
    known = dict(con.execute("SELECT person_id, name FROM people WHERE list_contains($ids, person_id)",
                             {"ids": sorted(set(person_ids))[:MAX_LIST]}).fetchall())
    ids = sorted(known)
    if not ids:
        return None
    key = key or list_key(ids)  # a refresh keeps its file (and URL) even when a member has gone
    sql, params = select("questions", order_by="date DESC, meeting_id DESC, ordinal DESC")
    rows = _rows(con, f"SELECT * FROM ({sql}) WHERE list_contains($ids, person_id) LIMIT {int(limit)}",
                 {**params, "ids": ids})
    firsts = dict(con.execute("""SELECT qs.question_id, min_by(qs.speech_id, s.seq)
                                 FROM question_speeches qs JOIN speeches s USING (speech_id)
                                 WHERE list_contains($q, qs.question_id) GROUP BY ALL""",
                              {"q": [r["question_id"] for r in rows]}).fetchall()) if rows else {}
    for r in rows:
        r["first_speech_id"] = firsts.get(r["question_id"])
    names = _topic_names()
    entries = [question_entry(r, names, dashboard_url) for r in rows]
    who = "、".join(known[p] for p in ids[:5]) + (f" ほか{len(ids) - 5}人" if len(ids) > 5 else "")
    feed = Feed("list", key, f"フォロー中の議員（{who}）の質問 — oshigiin", feed_path("list", key), len(entries))
    home = None
    if dashboard_url:
        from urllib.parse import urlencode

        home = f"{dashboard_url.rstrip('/')}/?{urlencode({'follow': ','.join(ids)})}"
    latest = con.execute("SELECT max(fetched_at) FROM meetings").fetchone()[0]
    _write(out, feed, _tag("feed", "list", key), entries, latest, base_url, home=home, follows=ids)
    return feed


def _refresh_list(con: duckdb.DuckDBPyConnection, out: Path, path: Path, limit: int) -> Feed | None:
    """A list feed written earlier, rewritten from the new data with the members and links it names."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return None
    ids = [c.get("term") for c in root.findall(f"{{{ATOM}}}category") if c.get("scheme") == FOLLOWS]
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{{{ATOM}}}link")}
    self_href = links.get("self")
    base_url = self_href[: -len(path.relative_to(out).as_posix())] if self_href and self_href.endswith(
        path.relative_to(out).as_posix()) else None
    dashboard_url = links["alternate"].split("?", 1)[0].rstrip("/") if links.get("alternate") else None
    return _list_feed(con, out, ids, limit, base_url, dashboard_url, key=path.stem) if ids else None


def _prune(out: Path, keep: set[str]) -> None:
    """Feeds of members or searches that no longer exist go, so no reader follows a dead list."""
    for sub in ("councils", "decisions", "members", "lists", "searches"):
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
    _atomic_write(path.parent, path.name, ET.ElementTree(root))
