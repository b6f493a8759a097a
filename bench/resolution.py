"""Share of member speeches linked to a member, on the real recorded minutes in ../shared/fixtures.

    .venv/bin/python bench/resolution.py

Each recorded document goes through its platform's parser and the real loader (staging → DuckDB,
speaker → member by folded name or seat, against the members its own 出席議員/出席委員 list names).
A member speech is one whose speaker speaks as a member: no office, a seat number, or a council
office (議長, 委員長, 委員 …). Executives are not counted: they are never members.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FIXTURES = REPO.parent / "shared" / "fixtures" / "minutes-systems"


def documents():
    """(label, platform, parsed {speeches, attendance}) per recorded document."""
    from oshigiin.minutes.attendance import parse_attendance
    from oshigiin.minutes.parsers import dbsearch, discussnet, kensakusystem, voices

    for variant in ("saas", "smart"):
        yield f"discussnet/{variant}", discussnet.parse_minute((FIXTURES / "discussnet-ssp" / variant /
                                                                 "minute.json").read_bytes())
    for variant in ("sapphire", "index-html"):
        yield f"kensakusystem/{variant}", kensakusystem.parse_statements(
            (FIXTURES / "kensakusystem" / variant / "statements.txt").read_bytes())
    for folder in sorted(p for p in (FIXTURES / "dbsearch").iterdir() if p.is_dir()):
        for name in ("detail.html", "page.html"):
            if (folder / name).exists():
                yield f"dbsearch/{folder.name}", dbsearch.parse_detail((folder / name).read_bytes())
    for variant in ("standard", "asp"):
        folder = FIXTURES / "gijiroku-com" / variant
        header = voices.parse_header((folder / "header.html").read_bytes())
        entries = voices.parse_sidebar((folder / "sidebar.html").read_bytes())
        speech = voices.parse_huid_page((folder / "huid-page.html").read_bytes())
        # Only one speech page per document was recorded: the others are not counted.
        records = voices.assemble_speeches(entries, {speech.huid: speech}, "file://sidebar")
        yield f"voices/{variant}", {"speeches": records, "attendance": parse_attendance(header.front_matter)}


def main() -> None:
    if not FIXTURES.exists():
        print(f"{FIXTURES} is missing: the recorded pages live in ../shared beside the repository")
        return
    work = Path(tempfile.mkdtemp(prefix="oshigiin-resolution-"))
    os.environ["OSHIGIIN_DATA"] = str(work)
    registry = work / "councils.toml"
    os.environ["OSHIGIIN_COUNCILS"] = str(registry)
    import duckdb

    from oshigiin.pipeline.publishing.load import load

    docs = list(documents())
    registry.write_text("".join(f'[[council]]\ncode = "f{i}"\nname = "記録{i}"\nplatform = "text"\n\n'
                                for i in range(len(docs))), encoding="utf-8")
    for i, (_label, parsed) in enumerate(docs):
        run = work / "staging" / f"f{i}" / "run"
        run.mkdir(parents=True)
        for s in parsed["speeches"]:
            s.setdefault("source_url", f"file://f{i}#{s['seq']}")
        meeting = {"council_id": f"f{i}", "platform": "text", "ext_council_id": "", "ext_schedule_id": "1",
                   "title": "t", "kind": "本会議", "session": None, "committee": None, "date": None, "number": None,
                   "source_url": f"file://f{i}", "api_url": f"file://f{i}", "fetched_at": "2026-01-01T00:00:00Z",
                   "speeches": parsed["speeches"], "attendance": parsed["attendance"]}
        (run / "meetings.ndjson").write_text(json.dumps(meeting, ensure_ascii=False) + "\n", encoding="utf-8")
    load([f"f{i}" for i in range(len(docs))], work / "r.duckdb")
    con = duckdb.connect(str(work / "r.duckdb"), read_only=True)
    rows = dict((r[0], r[1:]) for r in con.execute("""
        SELECT council_id, count(*) FILTER (WHERE member_like), count(*) FILTER (WHERE member_like AND person_id
               IS NOT NULL), (SELECT count(*) FROM attendance a WHERE a.meeting_id LIKE s.council_id || '-%')
        FROM (SELECT *, speaker_role IS NULL OR speaker_role SIMILAR TO '.*(議長|委員長|委員|議員|番)' AS member_like
              FROM speeches) s GROUP BY council_id""").fetchall())
    total = resolved = with_roster = with_roster_linked = 0
    print(f"{'document':<34}{'listed members':>15}{'member speeches':>17}{'linked':>8}")
    for i, (label, _) in enumerate(docs):
        member, linked, listed = rows.get(f"f{i}", (0, 0, 0))
        total, resolved = total + member, resolved + linked
        if listed:  # the recording includes this sitting's 出席議員 list: members are known
            with_roster, with_roster_linked = with_roster + member, with_roster_linked + linked
        print(f"{label:<34}{listed:>15}{member:>17}{linked:>8}")
    print("reproduce: .venv/bin/python bench/resolution.py")
    print("(a DB-Search sitting's 名簿 is a separate document, not among the recordings: no members known)")
    print(f"resolution: member_speeches={total} linked={resolved} share={resolved / max(total, 1):.3f} "
          f"with_member_list={with_roster_linked}/{with_roster} share_with_list="
          f"{with_roster_linked / max(with_roster, 1):.3f}")


if __name__ == "__main__":
    main()
