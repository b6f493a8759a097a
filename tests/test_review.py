"""Speaker → member resolution: by name (folded), by seat, never an executive; the rest for review."""

import json

import duckdb
import pytest

from oshigiin.pipeline.publishing.load import load
from oshigiin.pipeline.publishing.status import unresolved_speakers


def speech(seq, raw, name, role, seat, kind, text="…"):
    return {"ext_minute_id": str(seq), "seq": seq, "speaker_raw": raw, "speaker_name": name, "speaker_role": role,
            "seat": seat, "kind": kind, "text": text, "source_url": f"http://x/m#{seq}"}


@pytest.fixture
def db(data_dir, tmp_path, monkeypatch):
    registry = tmp_path / "councils.toml"
    registry.write_text('[[council]]\ncode = "t"\nname = "試験市"\nplatform = "discussnet"\n', encoding="utf-8")
    monkeypatch.setenv("OSHIGIIN_COUNCILS", str(registry))
    run = data_dir / "staging" / "t" / "run1"
    run.mkdir(parents=True)
    meeting = {
        "council_id": "t", "platform": "discussnet", "ext_council_id": "1", "ext_schedule_id": "2",
        "title": "令和6年第1回定例会", "kind": "本会議", "session": "令和6年第1回定例会", "committee": None,
        "date": "2024-02-22", "number": 1, "source_url": "http://x/m", "api_url": "http://x/a",
        "fetched_at": "2024-03-01T00:00:00+00:00",
        "attendance": [{"seat": 1, "name": "髙橋健二", "status": "present"},
                       {"seat": 20, "name": "鈴木正史", "status": "present"}],
        "speeches": [
            speech(1, "○議長（高橋健二）", "高橋健二", "議長", None, "procedural"),    # 髙 in the list
            speech(2, "◆２０番（すずきまさし議員）", "すずきまさし", None, 20, "question"),  # by seat
            speech(3, "◎区長（鈴木正史）", "鈴木正史", "区長", None, "answer"),     # never the member
            speech(4, "◆（山田花子議員）", "山田花子", None, None, "question"),        # nobody: review
            speech(5, "○髙橋　委員長", "髙橋", "委員長", None, "procedural"),          # surname, one match
        ],
    }
    (run / "meetings.ndjson").write_text(json.dumps(meeting, ensure_ascii=False) + "\n", encoding="utf-8")
    load(["t"])
    return data_dir / "oshigiin.duckdb"


def test_resolution_by_folded_name_and_seat_never_executives(db):
    got = dict(duckdb.connect(str(db), read_only=True).execute(
        "SELECT seq, person_id FROM speeches ORDER BY seq").fetchall())
    assert got == {1: "t:高橋健二", 2: "t:鈴木正史", 3: None, 4: None, 5: "t:高橋健二"}


def test_a_surname_shared_by_two_listed_members_stays_unlinked(data_dir, tmp_path, monkeypatch):
    registry = tmp_path / "councils.toml"
    registry.write_text('[[council]]\ncode = "u"\nname = "同姓市"\nplatform = "discussnet"\n', encoding="utf-8")
    monkeypatch.setenv("OSHIGIIN_COUNCILS", str(registry))
    run = data_dir / "staging" / "u" / "run1"
    run.mkdir(parents=True)
    meeting = {"council_id": "u", "platform": "discussnet", "ext_council_id": "1", "ext_schedule_id": "1",
               "title": "委員会", "kind": "委員会", "session": None, "committee": "委員会", "date": "2024-01-10",
               "number": None, "source_url": "http://x/u", "api_url": "http://x/u",
               "fetched_at": "2024-01-11T00:00:00+00:00",
               "attendance": [{"seat": None, "name": "山田一郎", "status": "present"},
                              {"seat": None, "name": "山田二郎", "status": "present"}],
               "speeches": [speech(1, "○山田　委員", "山田", "委員", None, "question")]}
    (run / "meetings.ndjson").write_text(json.dumps(meeting, ensure_ascii=False) + "\n", encoding="utf-8")
    load(["u"])
    con = duckdb.connect(str(data_dir / "oshigiin.duckdb"), read_only=True)
    assert con.execute("SELECT person_id FROM speeches").fetchall() == [(None,)]


def test_unresolved_member_speakers_are_listed_for_review(db):
    rows = unresolved_speakers("t", db)
    assert rows["speaker_name"].tolist() == ["山田花子"]  # the 区長 is not a member to review
    assert rows.iloc[0]["speeches"] == 1 and rows.iloc[0]["example_url"] == "http://x/m#4"
