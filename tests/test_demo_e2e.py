"""End to end: generate a demo council, crawl it over HTTP in a subprocess, load it, and check
that the database holds exactly what the generator produced — then that loading and
re-crawling change nothing (stable IDs, idempotent loads)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from oshigiin.demo.build import build, crawl_subprocess
from oshigiin.demo.generator import DemoCouncil
from oshigiin.demo.server import DiscussNetServer
from oshigiin.minutes.annotations import restore
from oshigiin.minutes.normalize import normalize_name
from oshigiin.pipeline.publishing.load import load

SPEECHES = 700


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    mp = pytest.MonkeyPatch()
    mp.setenv("OSHIGIIN_DATA", str(data))
    mp.setenv("OSHIGIIN_DB", str(data / "oshigiin.duckdb"))
    try:
        lines = list(build(speeches=SPEECHES, db=data / "oshigiin.duckdb", port=0))
        yield {"db": data / "oshigiin.duckdb", "log": "\n".join(lines), "council": DemoCouncil(SPEECHES)}
    finally:
        mp.undo()


def query(db, sql, *params):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_meetings_match_the_generator(demo):
    truth = {(str(m["ext_council_id"]), str(m["ext_schedule_id"])): m for m in demo["council"].truth()}
    rows = query(demo["db"], """SELECT ext_council_id, ext_schedule_id, session, kind, committee,
                                       strftime(date, '%Y-%m-%d'), meeting_id, source_url, fetched_at
                                FROM meetings""")
    assert {(r[0], r[1]) for r in rows} == set(truth)
    for ext_c, ext_s, session, kind, committee, day, meeting_id, source_url, fetched_at in rows:
        t = truth[(ext_c, ext_s)]
        assert (session, kind, committee, day) == (t["session"], t["kind"], t["committee"], t["date"])
        assert meeting_id == f"demo-discussnet-{ext_c}-{ext_s}"
        assert source_url.startswith("http://127.0.0.1:") and fetched_at is not None


def test_every_speech_matches_the_generator(demo):
    expected = []
    for m in demo["council"].truth():
        meeting_id = f"demo-discussnet-{m['ext_council_id']}-{m['ext_schedule_id']}"
        for s in m["speeches"]:
            person = f"demo:{normalize_name(s['member'])}" if s["member"] else None
            expected.append((meeting_id, str(s["minute_id"]), s["seq"], s["speaker_raw"], s["speaker_name"],
                             s["speaker_role"], s["kind"], s["text"], person))
    rows = query(demo["db"], """SELECT meeting_id, ext_minute_id, seq, speaker_raw, speaker_name, speaker_role,
                                       kind, text, person_id, annotations FROM speeches ORDER BY meeting_id, seq""")
    # The page as printed comes back from the spoken text and its annotations, character for character.
    got = [(*r[:7], restore(r[7], r[9]), r[8]) for r in rows]
    assert len(got) == demo["council"].total_speeches() == len(expected)
    assert sorted(got) == sorted(expected)
    spoken = " ".join(r[7] for r in rows)
    assert "〔" not in spoken and "登壇" in " ".join(a["raw"] for r in rows for a in r[9] or [])


def test_attendance_and_members_match_the_generator(demo):
    expected = {(f"demo-discussnet-{m['ext_council_id']}-{m['ext_schedule_id']}", a["seat"], a["name"], a["status"])
                for m in demo["council"].truth() for a in m["attendance"]}
    got = set(query(demo["db"], "SELECT meeting_id, seat, name, status FROM attendance"))
    assert got == expected

    # The roster page lists the members seated now, with reading and faction.
    seated = {normalize_name(p["name"]): p for p in demo["council"].members() if p["left"] is None}
    members = query(demo["db"], "SELECT name_norm, kana, faction, seat FROM members WHERE faction IS NOT NULL")
    assert {m[0] for m in members} == set(seated)
    for name_norm, kana, faction, seat in members:
        p = seated[name_norm]
        assert (kana, faction, seat) == (p["kana"], p["faction"], p["seat"])


def test_current_members_are_the_seated_ones(demo):
    members = demo["council"].members()
    seated = {normalize_name(p["name"]) for p in members if p["left"] is None}
    current = {r[0] for r in query(demo["db"], "SELECT name_norm FROM members WHERE current")}
    assert current == seated and len(current) == 40
    former = {r[0] for r in query(demo["db"], "SELECT name_norm FROM members WHERE NOT current")}
    # (a small demo may span no election, and so have no former members at all)
    assert former <= {normalize_name(p["name"]) for p in members if p["left"] is not None}


def test_questions_are_threaded_with_answers_and_topics(demo):
    """Every 一般質問/代表質問 member question lands in a question of that member, answered, with topics."""
    asked = query(demo["db"], """
        SELECT count(*) FROM speeches s JOIN meetings m USING (meeting_id)
        WHERE s.kind = 'question' AND m.kind = '本会議'
          AND NOT EXISTS (SELECT 1 FROM question_speeches q WHERE q.speech_id = s.speech_id)""")
    assert asked == [(0,)]
    questions = query(demo["db"], """
        SELECT q.question_id, q.person_id, q.form,
               count(*) FILTER (WHERE qs.role IN ('answer', 'reanswer')) AS answers,
               (SELECT count(*) FROM question_topics t WHERE t.question_id = q.question_id) AS topics
        FROM questions q JOIN question_speeches qs USING (question_id) GROUP BY ALL""")
    assert questions and all(person for _, person, *_ in questions)
    assert {form for _, _, form, *_ in questions} >= {"一般質問", "質疑"}
    assert sum(1 for *_, answers, _ in questions if answers) / len(questions) > 0.95
    assert sum(1 for *_, topics in questions if topics) / len(questions) > 0.8


def test_search_text_is_the_python_normalisation(demo):
    """text_norm is computed in SQL by a Python UDF; it must equal normalize_text exactly."""
    from oshigiin.minutes.normalize import normalize_text

    rows = query(demo["db"], "SELECT text, text_norm FROM speeches")
    assert rows and all(normalize_text(text) == norm for text, norm in rows)


def test_readings_are_published_or_marked_generated(demo):
    rows = query(demo["db"], "SELECT kana, kana_source FROM people")
    assert {source for _, source in rows} == {"published", "generated"} or all(s == "published" for _, s in rows)
    assert all(kana for kana, _ in rows)  # every member findable by a reading


def test_every_record_carries_its_source(demo):
    for table in ("meetings", "speeches", "people", "attendance", "memberships"):
        missing = query(demo["db"], f"SELECT count(*) FROM {table} WHERE source_url IS NULL OR fetched_at IS NULL")
        assert missing == [(0,)], table


def test_second_load_changes_nothing(demo):
    before = demo["db"].stat()
    report = load(["demo"], demo["db"])
    assert not report.published
    assert all(c["insert"] == c["update"] == c["delete"] == 0 for c in report.counts.values())
    assert report.counts["speeches"]["noop"] == demo["council"].total_speeches()
    assert demo["db"].stat().st_mtime_ns == before.st_mtime_ns


def test_recrawl_keeps_every_id(demo, monkeypatch):
    """A second, independent crawl of the same council yields the same IDs and content."""
    monkeypatch.setenv("OSHIGIIN_DATA", str(demo["db"].parent))
    ids_before = query(demo["db"], "SELECT speech_id, content_hash FROM speeches ORDER BY 1")
    with DiscussNetServer(demo["council"]) as server:
        result = crawl_subprocess(server.url, "--full")
        minutes_fetched = server.request_count("/dnp/search/minutes/get_minute")
    assert result.returncode == 0, result.stderr[-2000:]
    assert minutes_fetched == len(list(demo["council"].meeting_ids()))
    report = load(["demo"], demo["db"])
    # Source URLs carry the new server's port, so those rows update; nothing is added or lost.
    assert report.counts["speeches"]["insert"] == 0 and report.counts["speeches"]["delete"] == 0
    ids_after = query(demo["db"], "SELECT speech_id FROM speeches ORDER BY 1")
    assert [r[0] for r in ids_after] == [r[0] for r in ids_before]


def test_unchanged_recrawl_fetches_only_listings(demo, monkeypatch):
    """Issue 3: a re-crawl of an unchanged council never fetches a sitting it already holds."""
    monkeypatch.setenv("OSHIGIIN_DATA", str(demo["db"].parent))
    with DiscussNetServer(demo["council"]) as server:
        result = crawl_subprocess(server.url)
        paths = [path for _, path, _ in server.request_log]
    assert result.returncode == 0, result.stderr[-2000:]
    assert "/dnp/search/minutes/get_minute" not in paths
    sittings = len(list(demo["council"].meeting_ids()))
    assert f"{sittings} sittings listed, {sittings} already held, 0 fetched" in result.stdout
    # Listings only: robots.txt, tenant.js, the index and the schedule lists (and the roster page), and
    # the council video's listings (the JFIT session and day lists, the DiscussVision year's playlist).
    assert set(paths) == {"/robots.txt", "/tenant/demo/js/tenant.js", "/dnp/search/councils/index",
                          "/dnp/search/minutes/get_schedule", "/gikai/meibo.html",
                          "/jfit/", "/dvsapi/yearlist", "/dvsapi/councilrd/all"}


def test_recent_sittings_are_fetched_again(demo, monkeypatch):
    """Minutes are corrected after publication: sittings inside the refresh window are re-fetched."""
    from datetime import date

    from oshigiin import holdings as state

    latest = max(date.fromisoformat(m["date"]) for m in demo["council"].truth())
    monkeypatch.setattr(state, "REFRESH_WINDOW", date.today() - latest)
    held = state.held_documents("demo", "discussnet", demo["db"])
    recent = [k for k in held if state.needs_fetch(held, k)]
    assert recent and len(recent) < len(held)


def test_the_demo_election_history_is_loaded_and_its_winners_are_members(demo):
    from oshigiin.demo.elections import winners

    elections = query(demo["db"], "SELECT election_id, date FROM elections WHERE area_id = 'demo' "
                      "AND election_type = '区議会議員選挙' ORDER BY date")
    assert len(elections) >= 2
    any_linked = False
    ends = [d for _, d in elections[1:]] + [None]
    for (election_id, day), until in zip(elections, ends, strict=True):
        won = {normalize_name(m.name) for m in winners(demo["council"], day)}
        elected = {r[0] for r in query(demo["db"], "SELECT name_norm FROM election_results "
                                                   "WHERE election_id = ? AND elected", election_id)}
        if not elected:
            continue  # older elections: turnout only, no candidate results
        assert elected == won
        # Linked: the winners the minutes show seated after that election (a small corpus may not list all).
        seated = {r[0] for r in query(demo["db"], """SELECT DISTINCT split_part(a.person_id, ':', 2)
                                                     FROM attendance a JOIN meetings m USING (meeting_id)
                                                     WHERE m.date > ? AND (? IS NULL OR m.date < ?)""",
                                           day, until, until)}
        linked = {r[0] for r in query(demo["db"], "SELECT name_norm FROM candidate_members "
                                                  "WHERE election_id = ? AND person_id IS NOT NULL", election_id)}
        # Seated between this election and the next one: that term, not a later one.
        assert linked == won & seated, (day, until)
        any_linked |= bool(linked)
    assert any_linked


@pytest.mark.parametrize("query", ["保育", "区長", "について"])
def test_search_page_groups_each_question_once(demo, monkeypatch, tmp_path, query):
    """A question whose hits rank apart (its question first, its answer far below) is shown once."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OSHIGIIN_DB", str(demo["db"]))
    monkeypatch.setenv("OSHIGIIN_USER_DB", str(tmp_path / "user.duckdb"))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py"), default_timeout=60)
    at.run()
    at.query_params.update({"q": query})
    at.switch_page("views/search.py").run()
    assert not at.exception, at.exception
    assert at.markdown[0].value.startswith("**")
