"""Name changes and namesakes: a name means a person at a date (data/people.toml)."""

from __future__ import annotations

import json

import duckdb
import pytest

from oshigiin.pipeline.publishing.load import load
from oshigiin.pipeline.understanding.identities import IdentityError, identities


def _sitting(staging, n: int, day: str, name: str, seat: int) -> None:
    """One plenary sitting where member `name` (seat `seat`) is listed present and asks a question."""
    d = staging / "demo" / f"run{n}"
    d.mkdir(parents=True)
    meeting = {
        "council_id": "demo", "platform": "discussnet", "ext_council_id": "1", "ext_schedule_id": str(n),
        "title": f"第{n}回定例会", "kind": "本会議", "date": day, "source_url": f"http://x.invalid/{n}",
        "fetched_at": f"{day}T09:00:00+00:00",
        "attendance": [{"seat": seat, "name": name, "status": "present"},
                       {"seat": 1, "name": "議長太郎", "status": "present"}],
        "speeches": [{"ext_minute_id": "1", "seq": 1, "speaker_raw": f"◆{seat}番（{name}議員）",
                      "speaker_name": name, "speaker_role": None, "kind": "question",
                      "text": "保育園の待機児童について伺います。", "source_url": f"http://x.invalid/{n}#1"}],
    }
    (d / "meetings.ndjson").write_text(json.dumps(meeting, ensure_ascii=False) + "\n", encoding="utf-8")


def _people(tmp_path, monkeypatch, text: str):
    path = tmp_path / "people.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("OSHIGIIN_PEOPLE", str(path))
    return path


def _speakers(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("""SELECT m.date::VARCHAR, s.speaker_name, s.person_id FROM speeches s
                              JOIN meetings m USING (meeting_id) ORDER BY m.date""").fetchall()


def test_without_a_record_a_changed_name_is_a_new_person(data_dir, tmp_path, monkeypatch):
    _people(tmp_path, monkeypatch, "")
    _sitting(data_dir / "staging", 1, "2022-05-20", "佐藤美咲", 3)
    _sitting(data_dir / "staging", 2, "2023-05-20", "高橋美咲", 3)
    db = data_dir / "o.duckdb"
    load(["demo"], db=db, staging=data_dir / "staging")
    assert [r[2] for r in _speakers(db)] == ["demo:佐藤美咲", "demo:高橋美咲"]


def test_a_recorded_name_change_is_one_person(data_dir, tmp_path, monkeypatch):
    _people(tmp_path, monkeypatch, """
[[person]]
council = "demo"
name = "高橋美咲"
names = [{ name = "佐藤美咲", until = "2022-12-31" }]
source = "https://example.invalid/kagiku/news/rename"
""")
    _sitting(data_dir / "staging", 1, "2022-05-20", "佐藤美咲", 3)
    _sitting(data_dir / "staging", 2, "2023-05-20", "高橋美咲", 3)
    db = data_dir / "o.duckdb"
    load(["demo"], db=db, staging=data_dir / "staging")
    assert _speakers(db) == [("2022-05-20", "佐藤美咲", "demo:高橋美咲"), ("2023-05-20", "高橋美咲", "demo:高橋美咲")]
    with duckdb.connect(str(db), read_only=True) as con:
        people = con.execute("SELECT person_id, name FROM people WHERE name LIKE '%美咲' ").fetchall()
        listed = con.execute("SELECT DISTINCT person_id FROM attendance WHERE name LIKE '%美咲'").fetchall()
    # One person, under the name they are listed under last; both 出席議員 entries are theirs.
    assert people == [("demo:高橋美咲", "高橋美咲")]
    assert listed == [("demo:高橋美咲",)]


def test_namesakes_are_told_apart_by_date(data_dir, tmp_path, monkeypatch):
    _people(tmp_path, monkeypatch, """
[[person]]
council = "demo"
name = "田中一郎"
key = "2019"
from = "2019-05-01"
source = "https://example.invalid/kagiku/election/2019"
""")
    _sitting(data_dir / "staging", 1, "2010-06-10", "田中一郎", 12)
    _sitting(data_dir / "staging", 2, "2020-06-10", "田中一郎", 30)
    db = data_dir / "o.duckdb"
    load(["demo"], db=db, staging=data_dir / "staging")
    assert [r[2] for r in _speakers(db)] == ["demo:田中一郎", "demo:田中一郎~2019"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM people WHERE name = '田中一郎'").fetchone()[0] == 2


def test_variant_characters_in_the_record_still_match(tmp_path, monkeypatch):
    path = _people(tmp_path, monkeypatch, """
[[person]]
council = "demo"
name = "髙橋美咲"
names = [{ name = "佐藤　美咲", until = "2022-12-31" }]
source = "https://example.invalid/x"
""")
    assert set(identities(path)["name_norm"]) == {"高橋美咲", "佐藤美咲"}


@pytest.mark.parametrize(("text", "reason"), [
    ('[[person]]\ncouncil = "demo"\nname = "高橋美咲"\n', "a source is required"),
    ('[[person]]\ncouncil = "demo"\nname = "a"\nfrom = "2020-13-01"\nsource = "s"\n', "is not a date"),
    ('[[person]]\ncouncil = "demo"\nname = "a"\nsource = "s"\n'
     '[[person]]\ncouncil = "demo"\nname = "a"\nkey = "2"\nfrom = "2020-01-01"\nsource = "s"\n',
     "names two people on the same day"),
])
def test_a_record_that_cannot_be_right_is_refused(tmp_path, monkeypatch, text, reason):
    path = _people(tmp_path, monkeypatch, text)
    with pytest.raises(IdentityError, match=reason):
        identities(path)


def test_review_lists_a_likely_rename_until_it_is_recorded(data_dir, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from oshigiin.cli import main

    _people(tmp_path, monkeypatch, "")
    _sitting(data_dir / "staging", 1, "2022-05-20", "佐藤美咲", 3)
    _sitting(data_dir / "staging", 2, "2023-05-20", "高橋美咲", 3)
    db = data_dir / "o.duckdb"
    load(["demo"], db=db, staging=data_dir / "staging")
    out = CliRunner().invoke(main, ["review", "demo", "--db", str(db)]).output
    assert "seat 3   佐藤美咲 (until 2022-05-20) → 高橋美咲 (from 2023-05-20)" in out

    _people(tmp_path, monkeypatch, '[[person]]\ncouncil = "demo"\nname = "高橋美咲"\n'
                                   'names = [{ name = "佐藤美咲", until = "2022-12-31" }]\nsource = "s"\n')
    report = load(["demo"], db=db, staging=data_dir / "staging")
    assert "佐藤美咲" not in CliRunner().invoke(main, ["review", "demo", "--db", str(db)]).output
    # The person the old name made is gone, merged into the renamed member.
    assert report.counts["people"]["delete"] == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT person_id FROM people WHERE name LIKE '%美咲'").fetchall() == [("demo:高橋美咲",)]
