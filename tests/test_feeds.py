"""Atom feeds (issue 8): a standard reader parses them, entries link to the minutes, ids are stable."""

from __future__ import annotations

from pathlib import Path

import duckdb
import feedparser
import pytest
from click.testing import CliRunner

from oshigiin.cli import main
from oshigiin.pipeline.sharing.feeds import SavedSearch, feed_path, load_searches, write_feeds

try:  # tests/ is a plain folder: importable as a package only with the repo root on sys.path
    from tests.sample_db import HOSTILE, build_sample_db
except ImportError:
    from sample_db import HOSTILE, build_sample_db

SEARCHES = '''
[searches.hoiku]
title = "保育 <b>&</b> \\"待機\\" \\u0007"
query = "保育 OR 幼稚園"

[searches.script]
query = "script"
council = "demo"
'''


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build_sample_db(tmp_path_factory.mktemp("feeds") / "sample.duckdb")


@pytest.fixture
def searches(tmp_path) -> list[SavedSearch]:
    path = tmp_path / "searches.toml"
    path.write_text(SEARCHES, encoding="utf-8")
    return load_searches(path)


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_standard_reader_parses_every_feed_and_entries_link_to_the_minutes(db, tmp_path, searches):
    feeds = write_feeds(db, tmp_path, searches, base_url="https://example.org/feeds/")
    sources = dict(rows(db, "SELECT 'tag:oshigiin,2025:meeting:' || meeting_id, source_url FROM meetings "
                            "UNION ALL SELECT 'tag:oshigiin,2025:question:' || question_id, source_url FROM questions "
                            "UNION ALL SELECT 'tag:oshigiin,2025:speech:' || speech_id, source_url FROM speeches"))
    assert {f.kind for f in feeds} == {"council", "member", "search"}
    assert len([f for f in feeds if f.kind == "member"]) == rows(db, "SELECT count(*) FROM people")[0][0]
    seen = 0
    for f in feeds:
        parsed = feedparser.parse(tmp_path / f.path)
        assert not parsed.bozo, (f.path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10" and len(parsed.entries) == f.entries
        assert parsed.feed.links[0].href == f"https://example.org/feeds/{f.path}"
        for e in parsed.entries:
            assert e.link == sources[e.id]  # the original minutes of that very record
            seen += 1
    assert seen == sum(f.entries for f in feeds) > 0
    opml = (tmp_path / "index.opml").read_text(encoding="utf-8")
    assert all(f"https://example.org/feeds/{f.path}" in opml for f in feeds)


def test_a_member_feed_is_their_questions_newest_first(db, tmp_path):
    person, name, asked = rows(db, """
        SELECT q.person_id, p.name, count(*) FROM questions q JOIN people p USING (person_id)
        GROUP BY ALL ORDER BY count(*) DESC, q.person_id LIMIT 1""")[0]
    write_feeds(db, tmp_path, limit=50)
    parsed = feedparser.parse(tmp_path / feed_path("member", person))
    assert name in parsed.feed.title and len(parsed.entries) == asked
    expected = [f"tag:oshigiin,2025:question:{q}" for (q,) in rows(db, f"""
        SELECT question_id FROM questions JOIN meetings USING (meeting_id) WHERE person_id = '{person}'
        ORDER BY date DESC, meeting_id DESC, ordinal DESC""")]
    assert [e.id for e in parsed.entries] == expected
    write_feeds(db, tmp_path, limit=1)
    assert len(feedparser.parse(tmp_path / feed_path("member", person)).entries) == 1


def test_hostile_text_arrives_as_text(db, tmp_path, searches):
    write_feeds(db, tmp_path, searches)
    raw = (tmp_path / "searches" / "script.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    parsed = feedparser.parse(tmp_path / "searches" / "script.xml")
    assert not parsed.bozo and len(parsed.entries) == 1
    assert "alert('x')" in parsed.entries[0].summary and HOSTILE[:20] in parsed.entries[0].summary
    titled = feedparser.parse(tmp_path / "searches" / "hoiku.xml")
    assert not titled.bozo and '保育 <b>&</b> "待機"' in titled.feed.title  # the control character dropped


def test_feeds_are_the_same_files_when_the_data_is(db, tmp_path, searches):
    write_feeds(db, tmp_path / "a", searches)
    write_feeds(db, tmp_path / "b", searches)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.xml"))
    assert files and all((tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes() for p in files)
    stale = tmp_path / "a" / "searches" / "gone.xml"
    stale.write_text("old")
    write_feeds(db, tmp_path / "a", searches)
    assert not stale.exists()


def test_feed_paths_are_plain_stable_and_distinct():
    a, b = feed_path("member", "131121:佐藤花子"), feed_path("member", "131121:佐藤花")
    assert a == feed_path("member", "131121:佐藤花子") and a != b
    assert a.isascii() and a.startswith("members/131121-") and a.endswith(".xml")
    assert feed_path("council", "131121") == "councils/131121.xml"
    assert feed_path("search", "hoiku") == "searches/hoiku.xml"
    with pytest.raises(ValueError):
        feed_path("search", "../etc")
    with pytest.raises(ValueError):
        feed_path("speech", "x")


def test_saved_searches_are_checked(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[searches.x]\ntitle = "no query"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs"):
        load_searches(bad)
    bad.write_text('[searches.x]\nquery = "q"\nlimit = 3\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown settings: limit"):
        load_searches(bad)


def test_cli_writes_the_feeds(db, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SEARCHES, encoding="utf-8")
    result = CliRunner().invoke(main, ["feeds", "--out", str(tmp_path / "f"), "--db", str(db),
                                       "--searches", str(path)])
    assert result.exit_code == 0, result.output
    assert "search: 2 feeds" in result.output
    assert not feedparser.parse(tmp_path / "f" / "councils" / "demo.xml").bozo


# -- issue 13: one feed per follow list, real dates, Japanese topics; issue 14: nothing partial is served -------


def test_a_follow_list_has_one_stable_feed_refreshed_on_every_write(db, tmp_path):
    from oshigiin.pipeline.sharing.feeds import FOLLOWS, list_key, write_list_feed

    out = tmp_path / "feeds"
    ids = ["demo:中村誠", "demo:佐藤花子", "junk<script>"]
    feed = write_list_feed(db, ids, out, base_url="https://example.org/app/static/",
                           dashboard_url="https://example.org/")
    # The same members in another order, the junk id dropped: the same file, hence the same URL.
    assert feed.path == f"lists/{list_key(['demo:佐藤花子', 'demo:中村誠'])}.xml"
    assert write_list_feed(db, list(reversed(ids[:2])), out).path == feed.path
    feed = write_list_feed(db, ids, out, base_url="https://example.org/app/static/",
                           dashboard_url="https://example.org/")
    parsed = feedparser.parse(out / feed.path)
    assert not parsed.bozo
    assert [x.href for x in parsed.feed.links if x.rel == "self"] == [f"https://example.org/app/static/{feed.path}"]
    assert {t.term for t in parsed.feed.tags if t.scheme == FOLLOWS} == {"demo:佐藤花子", "demo:中村誠"}
    asked = dict(rows(db, """SELECT 'tag:oshigiin,2025:question:' || question_id, m.date::VARCHAR
                             FROM questions JOIN meetings m USING (meeting_id)
                             WHERE person_id IN ('demo:佐藤花子', 'demo:中村誠')"""))
    assert {e.id for e in parsed.entries} == set(asked)
    for e in parsed.entries:
        # The day of the sitting, not the build or fetch time.
        assert e.updated.startswith(asked[e.id]) and e.published.startswith(asked[e.id])
        assert e.link.startswith("https://example.org/meetings?meeting=")
        assert [x.href for x in e.links if x.rel == "via"][0].startswith("https://demo.example.invalid/")
        assert "本文" not in e.summary and "伺います" not in e.summary  # headlines and facts, no speech text
    assert "子育て・教育" in {t.term for e in parsed.entries for t in e.get("tags", [])}

    # A published load rewrites every feed: the list's too, with its own links, at the same path.
    written = write_feeds(db, out)
    assert feed.path in {f.path for f in written}
    again = feedparser.parse(out / feed.path)
    assert [x.href for x in again.feed.links if x.rel == "self"] == [f"https://example.org/app/static/{feed.path}"]
    assert {e.id for e in again.entries} == set(asked)
    assert "lists/" not in (out / "index.opml").read_text(encoding="utf-8")  # a resident's list is not listed


def test_member_feeds_date_entries_by_the_sitting_and_name_topics_in_japanese(db, tmp_path):
    write_feeds(db, tmp_path)
    parsed = feedparser.parse(tmp_path / feed_path("member", "demo:佐藤花子"))
    entry = parsed.entries[0]
    assert entry.updated.startswith("2023-06-12")  # 令和5年第2回定例会, not when it was fetched
    assert [t.term for t in entry.tags] == ["子育て・教育"]
    assert "話題: 子育て・教育" in entry.summary


def test_no_partial_or_hidden_file_is_ever_in_the_served_folder(db, tmp_path, monkeypatch):
    """Writes go to a temporary file beside the folder, then a rename: the folder a static server
    serves never holds `.x.partial` files (issue 14), even when a write fails half-way."""
    import xml.etree.ElementTree as ET

    out = tmp_path / "served"
    write_feeds(db, out)
    assert not [p for p in out.rglob(".*")]
    assert not [p for p in tmp_path.glob(".oshigiin-feed-*")]  # nothing left beside it either
    before = (out / "index.opml").read_bytes()

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ET.ElementTree, "write", broken)
    with pytest.raises(OSError, match="disk full"):
        write_feeds(db, out)
    assert (out / "index.opml").read_bytes() == before  # index.opml written atomically: old or new
    assert not [p for p in out.rglob(".*")] and not [p for p in tmp_path.glob(".oshigiin-feed-*")]


def test_a_council_feed_of_decisions_names_motion_result_method_and_counts(db, tmp_path):
    # Issue 17: "Atom entries for new decisions". Two decisions of one sitting, one with announced counts.
    import shutil

    from oshigiin.pipeline.votes.store import ensure_schema

    copy = tmp_path / "votes.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    try:
        ensure_schema(con)
        meeting_id, council_id, day, url = con.execute(
            "SELECT meeting_id, council_id, date, source_url FROM meetings ORDER BY date DESC LIMIT 1").fetchone()
        con.execute("INSERT INTO motions VALUES (?, ?, '議案第11号', '区立保育園条例の一部を改正する条例', '議案', "
                    "2024, ?, now()), (?, ?, '陳情第3号', NULL, '陳情', 2024, ?, now())",
                    [f"{council_id}:2024:議案第11号", council_id, url, f"{council_id}:2024:陳情第3号", council_id, url])
        for n, (motion, method, result, majority) in enumerate([("議案第11号", "押しボタン", "可決", "多数"),
                                                                 ("陳情第3号", "起立", "不採択", "少数")]):
            con.execute("INSERT INTO vote_events VALUES (?, ?, ?, ?, ?, '本会議', false, NULL, ?, ?, ?, NULL, "
                        "'minutes', '本件は可決されました。', ?, now(), 'h')",
                        [f"v{n}", council_id, f"{council_id}:2024:{motion}", meeting_id, day, method, result,
                         majority, url])
        con.execute("INSERT INTO counts VALUES ('v0', 'total', 40), ('v0', 'yes', 31), ('v0', 'no', 9)")
    finally:
        con.close()
    feeds = write_feeds(copy, tmp_path / "out")
    (feed,) = [f for f in feeds if f.kind == "decisions"]
    assert feed.path == f"decisions/{council_id}.xml" and feed.entries == 2
    parsed = feedparser.parse(tmp_path / "out" / feed.path)
    assert not parsed.bozo
    titles = {e.id.rsplit(":", 1)[-1]: e for e in parsed.entries}
    assert titles["v0"].title == f"{day} 議案第11号（区立保育園条例の一部を改正する条例） 可決"
    assert "押しボタン" in titles["v0"].summary and "賛成31" in titles["v0"].summary and "反対9" in titles["v0"].summary
    assert titles["v1"].title == f"{day} 陳情第3号 不採択" and "賛成" not in titles["v1"].summary
    assert all(e.link == url for e in parsed.entries)
    assert f"decisions/{council_id}.xml" in (tmp_path / "out" / "index.opml").read_text(encoding="utf-8")
