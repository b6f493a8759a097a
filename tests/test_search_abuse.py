"""Search under abuse (issue 13, item 2) and its dead ends (item 6): limits with clear errors, a
time budget that interrupts, long terms that cost what short ones do, and hints for queries
that find nothing. On a demo council built the real way (serve → crawl → load)."""

from __future__ import annotations

import re
import time

import duckdb
import pytest

from oshigiin.pipeline.search.engine import budget, search, search_ids
from oshigiin.pipeline.search.hints import hints, kanji_for, lowercase_or
from oshigiin.pipeline.search.query import (
    JOINED_TILES,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    QueryError,
    SqlBuilder,
    doc_range,
    joined_tiles,
    parse_query,
    term_docs,
    verified,
)
from tests.conftest import build_demo_db

DEMO_SPEECHES = 1500


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from oshigiin.pipeline.search.engine import index_speeches, is_indexed

    db = build_demo_db(tmp_path_factory.mktemp("abuse"), DEMO_SPEECHES)
    con = duckdb.connect(str(db), config={"threads": 1})
    if not is_indexed(con):
        index_speeches(con)
    yield con
    con.close()


def contains_count(con, term: str) -> int:
    return con.execute("SELECT count(*) FROM speeches WHERE contains(text_norm, ?)", [term]).fetchone()[0]


def long_text(con) -> str:
    """The longest question of the demo, whitespace removed: a pasted paragraph of real-ish text."""
    text = con.execute("SELECT text_norm FROM speeches WHERE kind = 'question' "
                       "ORDER BY length(text_norm) DESC, speech_id LIMIT 1").fetchone()[0]
    return re.sub(r'[\s"“”「」|]', "", text).lstrip("-")


# -- limits ------------------------------------------------------------------------------------

def test_a_query_over_the_length_limit_is_refused_with_its_numbers():
    assert parse_query("福" * MAX_QUERY_CHARS)  # at the limit: searched
    with pytest.raises(QueryError) as refused:
        parse_query("福" * 5000)
    assert refused.value.code == "too_long" and refused.value.params == {"n": 5000, "max": MAX_QUERY_CHARS}
    assert "5,000 characters" in str(refused.value)


def test_a_query_over_the_term_limit_is_refused():
    assert parse_query(" ".join(f"語{i}" for i in range(MAX_TERMS)))
    assert parse_query(" ".join(f"語{i}" for i in range(MAX_TERMS - 1)) + " -除外")  # exclusions count
    with pytest.raises(QueryError) as refused:
        parse_query(" ".join(f"語{i}" for i in range(MAX_TERMS)) + " -除外")
    assert refused.value.code == "too_many_terms"
    with pytest.raises(QueryError):
        parse_query(" OR ".join(f"語{i}" for i in range(MAX_TERMS + 1)))  # OR alternatives count too


# -- long terms --------------------------------------------------------------------------------

def test_a_long_term_joins_a_bounded_number_of_tiles_whatever_its_length():
    for n in (20, 50, 200, 500):
        term = "福祉" * (n // 2)
        sql = term_docs(SqlBuilder(), term, doc_range(None, None, 16), {})
        assert verified(term) and sql.count("JOIN search_positions") == JOINED_TILES - 1, n
    # Short enough to be exact from positions alone: no text is read.
    assert "speeches" not in term_docs(SqlBuilder(), "ヤングケアラー", doc_range(None, None, 16), {})


def test_tiles_are_the_rarest_of_each_stretch(demo):
    term = "福祉の充実について質問いたします"
    df = dict(demo.execute("SELECT gram, count(*) FROM search_postings GROUP BY gram").fetchall())
    chosen = joined_tiles(term, df)
    assert len(chosen) == JOINED_TILES
    offsets = [o for o, _ in chosen]
    assert offsets == sorted(offsets) and offsets[-1] >= len(term) // 2  # spread over the term


def test_long_terms_find_exactly_what_a_scan_finds(demo):
    text = real_run(demo, 60)
    terms = [text[:n] for n in (9, 12, 20, 40, 60)] + [text[5:50], "福祉" * 10, "について質問いたします。"]
    # Candidates whose joined tiles match but whose text does not: the verification must drop them.
    terms += [text[:20] + "ではない", text[:9] + "X" + text[10:30]]
    for term in terms:
        assert set(search_ids(demo, f'"{term}"')) == {
            r[0] for r in demo.execute("SELECT speech_id FROM speeches WHERE contains(text_norm, ?)",
                                       [term]).fetchall()}, term
        assert search(demo, f'"{term}"', facets=False).total == contains_count(demo, term), term
    assert contains_count(demo, text) >= 1  # the test looks at hits, not only at empty results


def real_run(con, n: int) -> str:
    """A run of n characters a speech really holds, with no space or operator character in it."""
    for (text,) in con.execute("SELECT text_norm FROM speeches WHERE kind = 'question' ORDER BY speech_id").fetchall():
        for run in re.findall(r'[^\s"“”「」|]+', text):
            if len(run) >= n and not run.startswith("-"):
                return run[:n]
    raise AssertionError(f"no run of {n} characters in the demo")


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize("kind", ["repeated", "varied"])
def test_a_200_character_term_costs_about_what_20_do(demo, kind):
    """Issue 13: 福祉 ×100 took 21 s (a 100-way join). Now the cost does not grow with the length."""
    base = "福祉" * 250 if kind == "repeated" else long_text(demo) * 3
    short = best_of(lambda: search(demo, base[:20], facets=False))
    for n in (200, 300):
        long = best_of(lambda n=n: search(demo, base[:n], facets=False))
        assert long < 3 * short + 0.15, f"{n} characters: {long * 1000:.0f} ms against {short * 1000:.0f} ms for 20"


# -- the time budget ---------------------------------------------------------------------------

def test_the_budget_interrupts_a_running_statement(demo):
    started = time.monotonic()
    with pytest.raises(QueryError) as stopped, budget(demo, 0.3):
        demo.execute("SELECT count(*) FROM range(100000000000) a").fetchall()
    assert stopped.value.code == "timeout" and time.monotonic() - started < 2
    assert demo.execute("SELECT 1").fetchone() == (1,)  # the connection is usable afterwards


def test_the_budget_holds_between_statements_too(demo):
    with pytest.raises(QueryError, match="longer than"), budget(demo, 0.1):
        time.sleep(0.3)  # past the budget while no statement runs: the interrupt must not be lost
        demo.execute("SELECT 1").fetchall()
    assert demo.execute("SELECT 2").fetchone() == (2,)


def test_a_search_within_its_budget_is_untouched(demo):
    assert search(demo, "保育", budget_s=5).total == contains_count(demo, "保育") > 0


def test_the_dashboard_connection_spills_under_data_within_bounds(tmp_path, monkeypatch):
    monkeypatch.setenv("OSHIGIIN_DATA", str(tmp_path))
    db = tmp_path / "x.duckdb"
    duckdb.connect(str(db)).close()
    from oshigiin.dashboard import data

    con = data._connect(str(db), 1, 2)
    try:
        spill, cap, memory = con.execute("SELECT current_setting('temp_directory'), "
                                         "current_setting('max_temp_directory_size'), "
                                         "current_setting('memory_limit')").fetchone()
        assert spill.startswith(str(tmp_path / "tmp")), spill
        assert cap.replace(" ", "").startswith(("1.8GiB", "2.0GiB", "1.9GiB", "2GB")), cap
        assert "GiB" in memory or "MiB" in memory
    finally:
        data._connect.clear()


# -- dead ends ---------------------------------------------------------------------------------

def test_only_exclusions_ask_for_a_positive_term(demo):
    assert search(demo, "-保育").total == 0
    [hint] = hints(demo, "-保育")
    assert hint.code == "only_excluded" and hint.queries == ["保育"]


def test_lowercase_or_suggests_the_operator(demo):
    assert lowercase_or("保育 or 介護").queries == ["保育 OR 介護"]
    assert lowercase_or("保育 OR 介護") is None and lowercase_or("or") is None
    suggested = hints(demo, "保育 or 介護")[0].queries[0]
    assert search(demo, suggested).total > search(demo, "保育 or 介護").total


def test_a_reading_suggests_kanji_from_topic_terms_and_members(demo):
    assert kanji_for("ほいく")[0] == "保育" and kanji_for("ホイク")[0] == "保育"
    assert search(demo, "ほいく").total == 0
    [hint] = hints(demo, "ほいく 待機")
    assert hint.code == "reading" and hint.queries[0] == "保育 待機"
    assert search(demo, hint.queries[0]).total > 0  # the suggestion finds something
    name, kana = demo.execute("SELECT name, kana FROM members WHERE kana IS NOT NULL ORDER BY person_id "
                              "LIMIT 1").fetchone()
    surname = kana.split()[0] if " " in kana else kana[:3]
    member_hints = [h for h in hints(demo, surname, "demo") if h.code == "reading"]
    assert member_hints and name in [n for _, n in member_hints[0].members]


def test_hits_narrowed_to_one_member_are_short_quotations(demo):
    """The search page quotes at most 120 characters per hit when narrowed to one member, as its
    download does (著作権法40条1項, 32条)."""
    person = demo.execute("SELECT person_id FROM speeches WHERE person_id IS NOT NULL AND contains(text_norm, '区') "
                          "GROUP BY 1 ORDER BY max(length(text_norm)) DESC, 1 LIMIT 1").fetchone()[0]
    wide = search(demo, "区", person_id=person, limit=50)
    narrow = search(demo, "区", person_id=person, limit=50, snippet_chars=120)
    shown = [sum(len(text) for text, _ in s if text != "…") for s in narrow.hits["snippet"]]
    assert max(shown) <= 120 < max(sum(len(text) for text, _ in s if text != "…") for s in wide.hits["snippet"])
    assert list(narrow.hits["speech_id"]) == list(wide.hits["speech_id"])


def test_a_waiting_search_gives_up_after_the_budget_and_a_stopped_one_frees_the_next(tmp_path, monkeypatch):
    """One search at a time per process: nobody waits for another visitor's search beyond the budget."""
    from oshigiin.dashboard import data
    from oshigiin.pipeline.search.engine import index_speeches

    try:
        from tests.sample_db import build_sample_db
    except ImportError:
        from sample_db import build_sample_db
    db = build_sample_db(tmp_path / "sample.duckdb")
    with duckdb.connect(str(db)) as con:
        index_speeches(con)
    monkeypatch.setenv("OSHIGIIN_DATA", str(tmp_path))
    monkeypatch.setattr(data, "SEARCH_BUDGET_S", 0.3)
    served = data.current_db(db)
    try:
        assert data._SEARCH_LOCK.acquire(timeout=5)  # another visitor's search, running
        started = time.monotonic()
        with pytest.raises(QueryError) as waited:
            data.search(served, "保育", data.SearchFilters("demo"))
        assert waited.value.code == "busy" and 0.25 < time.monotonic() - started < 1.5
        data._SEARCH_LOCK.release()
        assert data.search(served, "保育", data.SearchFilters("demo")).total > 0
        with pytest.raises(QueryError) as refused:
            data.search(served, "保" * 600, data.SearchFilters("demo"))
        assert refused.value.code == "too_long"
        monkeypatch.setattr(data, "SEARCH_BUDGET_S", 0.0001)  # every search over its budget
        with pytest.raises(QueryError) as stopped:
            data.search(served, "区 議会", data.SearchFilters("demo"))
        assert stopped.value.code == "timeout"
        assert data._SEARCH_LOCK.acquire(timeout=0.1)  # nothing left holding it
        data._SEARCH_LOCK.release()
    finally:
        data._connect.clear()
