"""Speech and member search: exact substring semantics on folded text, ranked, incremental.

Two databases: the sample council (tests/sample_db.py; 30 speeches whose contents the tests
can read) and a small demo council built the real way (serve → crawl → load) for recall
against contains() over varied text, filters and facets.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import duckdb
import pandas as pd
import pytest

from oshigiin.minutes.normalize import normalize_text
from oshigiin.pipeline.search import index as search_index
from oshigiin.pipeline.search.engine import (
    index_speeches,
    is_indexed,
    parse_query,
    search,
    search_ids,
    search_members,
    snippet_segments,
)
from oshigiin.pipeline.search.index import VERSION
from tests.conftest import build_demo_db

try:  # tests/ is a plain folder: importable as a package only with the repo root on sys.path
    from tests.sample_db import EXPECTED, build_sample_db
except ImportError:
    from sample_db import EXPECTED, build_sample_db

DEMO_SPEECHES = 1500


@pytest.fixture(scope="module")
def sample_template(tmp_path_factory):
    path = build_sample_db(tmp_path_factory.mktemp("sample") / "sample.duckdb")
    con = duckdb.connect(str(path))
    index_speeches(con)
    con.close()
    return path


@pytest.fixture
def sample(sample_template, tmp_path):
    """A private, indexed copy of the sample council: tests may add sittings to it."""
    path = tmp_path / "sample.duckdb"
    shutil.copyfile(sample_template, path)
    con = duckdb.connect(str(path))
    yield con
    con.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    con = duckdb.connect(str(build_demo_db(tmp_path_factory.mktemp("demo"), DEMO_SPEECHES)))
    index_speeches(con)
    yield con
    con.close()


def contains_ids(con, query: str, where: str = "true", params: tuple = ()) -> set[str]:
    """The ground truth: every speech whose text_norm contains the query's terms, by a scan."""
    q = parse_query(query)
    conditions, args = [where], list(params)
    for group in q.groups:
        conditions.append("(" + " OR ".join("contains(s.text_norm, ?)" for _ in group) + ")")
        args += group
    for term in q.excluded:
        conditions.append("NOT contains(s.text_norm, ?)")
        args.append(term)
    sql = f"SELECT s.speech_id FROM speeches s JOIN meetings m USING (meeting_id) WHERE {' AND '.join(conditions)}"
    return {r[0] for r in con.execute(sql, args).fetchall()}


def add_sitting(con, ext: str, day: date, texts: list[str], speaker: str = "山田太郎") -> str:
    """A new sitting of the sample council, loaded as the load writes rows (then indexed)."""
    mid = f"demo-discussnet-9-{ext}"
    fetched = datetime(2024, 5, 1, tzinfo=UTC)
    new_meeting = pd.DataFrame([{  # noqa: F841 - read by DuckDB through its name
        "meeting_id": mid, "council_id": "demo", "title": f"臨時会 {ext}", "kind": "本会議", "date": day,
        "source_url": f"https://demo.example.invalid/{ext}", "fetched_at": fetched, "content_hash": ext,
    }])
    new_speeches = pd.DataFrame([{  # noqa: F841
        "speech_id": f"{mid}-{i}", "meeting_id": mid, "council_id": "demo", "seq": i, "speaker_name": speaker,
        "person_id": f"demo:{speaker}", "kind": "question", "text": text, "text_norm": normalize_text(text),
        "source_url": f"https://demo.example.invalid/{ext}#{i}", "fetched_at": fetched, "content_hash": text,
    } for i, text in enumerate(texts, start=1)])
    con.execute("DELETE FROM speeches WHERE meeting_id = ?", [mid])
    con.execute("DELETE FROM meetings WHERE meeting_id = ?", [mid])
    con.execute("INSERT INTO meetings BY NAME SELECT * FROM new_meeting")
    con.execute("INSERT INTO speeches BY NAME SELECT * FROM new_speeches")
    return mid


# -- the query language ---------------------------------------------------------------------------

def test_query_syntax_and_or_phrase_and_exclusion():
    q = parse_query('保育 OR 幼稚園 "待機 児童" -民営化 防災')
    assert q.groups == [["保育", "幼稚園"], ["待機 児童"], ["防災"]]
    assert q.excluded == ["民営化"]
    assert q.phrases == ["待機 児童"]
    assert q.terms == ["待機 児童", "幼稚園", "保育", "防災"]  # longest first: what to highlight


def test_query_terms_are_folded_like_text_norm():
    q = parse_query("德永　ＡＢＣ １２番 髙橋")  # full-width space separates words too
    assert q.groups == [["徳永"], ["abc"], ["12番"], ["高橋"]]
    assert all(t == normalize_text(t) for g in q.groups for t in g)


def test_full_width_operators_and_japanese_quotes():
    q = parse_query("保育　ＯＲ　幼稚園　－民営化　「子育て 支援」 “地域 防災”")
    assert q.groups == [["保育", "幼稚園"], ["子育て 支援"], ["地域 防災"]]
    assert q.excluded == ["民営化"]


def test_lowercase_or_is_a_word_and_a_lone_minus_is_ignored():
    assert parse_query("保育 or 防災 -").groups == [["保育"], ["or"], ["防災"]]
    assert parse_query("covid-19").groups == [["covid-19"]]
    assert not parse_query("  ")
    assert not parse_query("-防災")  # nothing to find: exclusions only narrow a result


# -- exact matches ------------------------------------------------------------------------------

def test_one_and_two_character_words_are_found(sample):
    assert search(sample, "保育").total == EXPECTED["hits_保育"]
    assert search(sample, "桜").total == EXPECTED["hits_桜"]  # 櫻 is folded to 桜 in text_norm
    assert search(sample, "櫻").total == EXPECTED["hits_桜"]
    for word in ("保", "区", "園", "答", "本庁舎", "script"):
        assert set(search_ids(sample, word)) == contains_ids(sample, word), word


def test_itaiji_are_folded_both_ways(sample):
    mid = add_sitting(sample, "701", date(2024, 5, 1), ["德永議員と髙橋議員の提案について伺います。"])
    index_speeches(sample, [mid])
    for query in ("德永", "徳永", "髙橋", "高橋", "徳永 高橋"):
        assert f"{mid}-1" in search_ids(sample, query), query


def test_phrases_or_and_exclusion_equal_a_contains_scan(sample):
    for query in ('"区民クラブの佐藤"', "保育 OR 桜", "伺います -保育", "保育 OR 商店街 伺います", '"資料 の"',
                  "' OR 1=1 --", "100%_", "いたします。"):
        assert set(search_ids(sample, query)) == contains_ids(sample, query), query
        assert search(sample, query).total == len(contains_ids(sample, query)), query


def test_search_through_an_attached_read_only_database(sample_template):
    # How the dashboard opens the published file: ATTACH … (READ_ONLY), USE, one thread.
    con = duckdb.connect(":memory:", config={"threads": 1})
    con.execute(f"ATTACH '{sample_template}' AS pub (READ_ONLY)")
    con.execute("USE pub")
    assert is_indexed(con)
    result = search(con, "保育", kind="question")
    assert result.total == len(contains_ids(con, "保育", "s.kind = 'question'")) > 0
    assert search_members(con, "たかはし")["person_id"].tolist() == ["demo:高橋健二"]
    con.close()


def test_a_database_without_an_index_says_so(tmp_path):
    con = duckdb.connect(str(build_sample_db(tmp_path / "plain.duckdb")))
    for table in ("search_meta", "search_postings", "search_positions", "search_filters", "search_docs"):
        con.execute(f"DROP TABLE IF EXISTS {table}")  # as a database from before the index
    assert not is_indexed(con)
    with pytest.raises(duckdb.CatalogException):
        search(con, "保育")


def test_a_word_that_occurs_nowhere_finds_nothing(sample):
    result = search(sample, "存在しない語 保育")
    assert result.total == 0 and result.hits.empty
    assert search(sample, "").total == 0


def test_recall_equals_contains_on_a_real_demo_council(demo):
    queries = ["区", "の", "保育", "防災", "空き家", "待機児童", "子育て支援", "について", "保育 防災",
               "保育 OR 幼稚園 区民", '"地域防災計画"', "防災 -避難所", "。", "議長", "10時"]
    for query in queries:
        truth = contains_ids(demo, query)
        assert set(search_ids(demo, query)) == truth, query
        assert search(demo, query, facets=False).total == len(truth), query


def test_postings_are_stored_in_gram_order(demo):
    # Zone maps skip to a gram's rows only if the table is sorted by gram (DuckDB keeps an
    # INSERT … ORDER BY in order only while preserve_insertion_order is on).
    for table in ("search_postings", "search_positions", "search_filters"):
        key = "key" if table == "search_filters" else "gram"
        unsorted = demo.execute(f"""
            SELECT count(*) FROM (SELECT {key} < lag({key}) OVER (ORDER BY rowid) AS down FROM {table}) WHERE down
        """).fetchone()[0]
        assert unsorted == 0, table


# -- filters ------------------------------------------------------------------------------------

def test_filters_equal_the_same_conditions_on_a_scan(demo):
    person = demo.execute("SELECT person_id FROM speeches WHERE person_id IS NOT NULL "
                          "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    faction = demo.execute("SELECT faction FROM members WHERE faction IS NOT NULL "
                           "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    topic = demo.execute("SELECT topic FROM question_topics GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    cases = [
        ({"kind": "question"}, "s.kind = 'question'", ()),
        ({"kind": ["answer", "procedural"]}, "s.kind IN ('answer', 'procedural')", ()),
        ({"kind": ["question", "other"]}, "s.kind IN ('question', 'other')", ()),  # 'other': via search_filters
        ({"meeting_kind": ["委員会", "本会議"], "kind": "answer"},
         "m.kind IN ('委員会', '本会議') AND s.kind = 'answer'", ()),
        ({"meeting_kind": "本会議"}, "m.kind = '本会議'", ()),
        ({"date_from": "2023-04-01", "date_to": date(2024, 3, 31)},
         "m.date BETWEEN DATE '2023-04-01' AND DATE '2024-03-31'", ()),
        ({"person_id": person}, "s.person_id = ?", (person,)),
        ({"council_id": "demo"}, "s.council_id = 'demo'", ()),
        ({"faction": faction}, "s.person_id IN (SELECT person_id FROM members WHERE faction = ?)", (faction,)),
        ({"topic": topic}, "s.speech_id IN (SELECT speech_id FROM question_speeches JOIN question_topics "
                           "USING (question_id) WHERE topic = ?)", (topic,)),
    ]
    for filters, where, params in cases:
        for query in ("区", "について", "保育 OR 防災"):
            truth = contains_ids(demo, query, where, params)
            assert set(search_ids(demo, query, **filters)) == truth, (query, filters)
            assert search(demo, query, facets=False, **filters).total == len(truth), (query, filters)
        assert truth, f"{filters} selects nothing: the test would prove nothing"


# -- ranking, paging, facets, snippets ----------------------------------------------------------

def test_more_occurrences_rank_higher(sample):
    pad = "あ" * 40
    mid = add_sitting(sample, "702", date(2024, 5, 2),
                      [f"防災について{pad}伺います。", f"防災と防災と防災{pad[:38]}伺います。"])
    index_speeches(sample, [mid])
    lengths = sample.execute("SELECT length(text_norm) FROM speeches WHERE meeting_id = ?", [mid]).fetchall()
    assert lengths[0] == lengths[1]  # equal lengths: only the count of 防災 differs
    hits = search(sample, "防災").hits
    ranked = hits["speech_id"].tolist()
    assert ranked[0] == f"{mid}-2" and ranked.index(f"{mid}-2") < ranked.index(f"{mid}-1")
    assert hits["score"].is_monotonic_decreasing


def test_recent_order_sorts_by_date(demo):
    hits = search(demo, "保育", order="recent", limit=50).hits
    assert len(hits) == 50
    assert pd.Series(hits["date"]).is_monotonic_decreasing
    newest = demo.execute("SELECT max(m.date) FROM speeches s JOIN meetings m USING (meeting_id) "
                          "WHERE contains(s.text_norm, '保育')").fetchone()[0]
    assert hits["date"].iloc[0] == newest
    with pytest.raises(ValueError):
        search(demo, "保育", order="random")


def test_paging_keeps_the_total_and_does_not_repeat(demo):
    first = search(demo, "防災", limit=10)
    second = search(demo, "防災", limit=10, offset=10)
    assert first.total == second.total > 20
    assert not set(first.hits["speech_id"]) & set(second.hits["speech_id"])
    beyond = search(demo, "防災", offset=first.total + 5)
    assert beyond.total == first.total and beyond.hits.empty


def test_facets_count_every_hit(demo):
    result = search(demo, "保育")
    assert result.by_year["hits"].sum() == result.total
    years = demo.execute("SELECT year(m.date), count(*) FROM speeches s JOIN meetings m USING (meeting_id) "
                         "WHERE contains(s.text_norm, '保育') GROUP BY 1").fetchall()
    assert dict(zip(result.by_year["year"], result.by_year["hits"], strict=True)) == dict(years)
    members = dict(demo.execute("SELECT person_id, count(*) FROM speeches WHERE contains(text_norm, '保育') "
                                "AND person_id IS NOT NULL GROUP BY 1").fetchall())
    assert dict(zip(result.by_member["person_id"], result.by_member["hits"], strict=True)) == members
    assert result.by_member["hits"].is_monotonic_decreasing
    assert result.by_member["name"].notna().all()


def test_snippets_highlight_the_printed_characters(sample):
    hits = search(sample, "桜").hits
    for text, segments in zip(hits["text"], hits["snippet"], strict=True):
        marked = [s for s, is_match in segments if is_match]
        assert marked and all(normalize_text(s) == "桜" for s in marked)
        assert any(s in text for s in marked)  # 櫻 where the minutes print 櫻
    assert "櫻" in [s for segs in hits["snippet"] for s, m in segs if m]


def test_snippet_window_and_plain_text():
    text = "前置き" * 30 + "ここで防災を語る" + "後書き" * 60
    segments = snippet_segments(text, normalize_text(text), ["防災"])
    assert segments[0] == ("…", False) and segments[-1] == ("…", False)
    assert [s for s, m in segments if m] == ["防災"]
    assert "".join(s for s, _ in segments[1:-1]) in text
    # Full-width digits are matched folded and shown as printed.
    assert [s for s, m in snippet_segments("１２番の議案", "12番の議案", ["12番"]) if m] == ["１２番"]
    assert snippet_segments("<b>x</b>", "<b>x</b>", ["x"]) == [("<b>", False), ("x", True), ("</b>", False)]


# -- incremental indexing ------------------------------------------------------------------------

def test_a_new_sitting_is_searchable_without_a_rebuild(sample):
    before = sample.execute("SELECT value FROM search_meta WHERE key = 'sorted_rows'").fetchone()[0]
    sample.execute("BEGIN")
    mid = add_sitting(sample, "703", date(2024, 6, 1), ["新しい会議で空き家バンクを取り上げます。"])
    report = index_speeches(sample, [mid])
    sample.execute("COMMIT")
    assert report["mode"] == "incremental" and report["speeches"] == 1
    assert sample.execute("SELECT value FROM search_meta WHERE key = 'sorted_rows'").fetchone()[0] == before
    assert search_ids(sample, "空き家バンク") == [f"{mid}-1"]
    assert search_ids(sample, "空き家バンク", kind="question", meeting_kind="本会議", date_from="2024-06-01",
                      date_to="2024-06-01") == [f"{mid}-1"]
    assert search_ids(sample, "空き家バンク", kind="answer") == []
    assert search_ids(sample, "空き家バンク", date_to="2024-05-31") == []
    for query in ("保育", "桜", "を", "伺います"):
        assert set(search_ids(sample, query)) == contains_ids(sample, query), query


def test_reindexing_a_changed_sitting_replaces_its_postings(sample, monkeypatch):
    # The sample council is tiny: any sitting is more than the share that triggers a rebuild.
    monkeypatch.setattr(search_index, "COMPACT_SHARE", 1.0)
    mid = add_sitting(sample, "704", date(2023, 1, 10), ["古い本文です。"])  # an older day than others
    assert index_speeches(sample, [mid])["mode"] == "incremental"
    assert search_ids(sample, "古い本文") == [f"{mid}-1"]
    add_sitting(sample, "704", date(2023, 1, 10), ["訂正後の本文です。", "二つ目の発言です。"])
    assert index_speeches(sample, [mid])["mode"] == "incremental"
    assert search_ids(sample, "古い本文") == []
    assert sorted(search_ids(sample, "本文")) == [f"{mid}-1"]
    assert search_ids(sample, "二つ目") == [f"{mid}-2"]
    sample.execute("DELETE FROM speeches WHERE meeting_id = ?", [mid])
    index_speeches(sample, [mid])
    assert set(search_ids(sample, "です")) == contains_ids(sample, "です")
    assert sample.execute("SELECT count(*) FROM search_docs WHERE meeting_id = ?", [mid]).fetchone()[0] == 0


def test_topics_follow_the_enrichment_without_reindexing_text(sample):
    speech = sample.execute("SELECT speech_id, meeting_id FROM speeches WHERE contains(text_norm, '保育園')").fetchone()
    assert search_ids(sample, "保育", topic="test-topic") == []
    sample.execute("INSERT INTO question_speeches VALUES ('q1', ?, 3, 'question', NULL)", [speech[0]])
    sample.execute("INSERT INTO question_topics VALUES ('q1', 'test-topic', 1.0, '{}')")
    index_speeches(sample, [])  # what a load whose only change is the enrichment passes
    assert search_ids(sample, "保育", topic="test-topic") == [speech[0]]
    assert search(sample, "保育", topic="test-topic").total == 1


def test_an_index_of_another_version_is_rebuilt(sample):
    assert is_indexed(sample)
    sample.execute("UPDATE search_meta SET value = 'old' WHERE key = 'version'")
    assert not is_indexed(sample)
    with pytest.raises(RuntimeError, match="rebuild"):
        search(sample, "保育")
    assert index_speeches(sample, ["anything"])["mode"] == "rebuild"
    assert sample.execute("SELECT value FROM search_meta WHERE key = 'version'").fetchone()[0] == VERSION
    assert search(sample, "保育").total == EXPECTED["hits_保育"]


# -- members ------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["髙橋", "高橋", "高橋 健二", "たかはし", "タカハシ", "ﾀｶﾊｼ", "たかはし けんじ",
                                   "けんじ"])
def test_member_search_by_kanji_variant_and_kana(sample, query):
    found = search_members(sample, query)
    assert "demo:高橋健二" in found["person_id"].tolist(), query  # person ids are folded


def test_member_search_ranks_exact_then_prefix_and_filters_council(sample):
    found = search_members(sample, "やま")  # 山田 (prefix of the reading)
    assert found["person_id"].iloc[0] == "demo:山田太郎"
    assert search_members(sample, "山田太郎")["person_id"].tolist() == ["demo:山田太郎"]
    assert search_members(sample, "山田", council_id="other").empty
    assert search_members(sample, "").empty
    assert search_members(sample, "存在しない").empty
