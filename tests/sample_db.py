"""A small, fictional council database for dashboard tests.

Built from pipeline/publishing/schema.sql so a schema change shows up here first. The figures the
tests assert on (hit counts, member counts) are listed in EXPECTED next to the data that
produces them.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from oshigiin.minutes.normalize import normalize_name, normalize_text
from oshigiin.pipeline.search import engine as search
from oshigiin.pipeline.understanding import enrich

SCHEMA = Path(__file__).resolve().parents[1] / "pipeline" / "publishing" / "schema.sql"
BASE = "https://demo.example.invalid/kagiku"
FETCHED = datetime(2024, 4, 1, 3, 0, tzinfo=UTC)

HOSTILE = (
    "<script>alert('x')</script> **太字のつもり** [ここを押す](javascript:alert(1)) "
    "# 見出し :red[赤] $x^2$ &lt;b&gt;"
)

EXPECTED = {
    "members": 6,
    "members_in_mirai": 2,  # 架空未来の会
    "meetings": 4,
    "speeches": 30,
    "hits_保育": 3,  # two speeches say 保育, one ＜保育＞ … all counted once each
    "hits_桜": 2,  # 桜 and the variant 櫻 (folded to 桜 in text_norm)
    "hits_script": 1,
}


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


# (seat, name as published, kana, faction or None)
MEMBERS = [
    (1, "山田 太郎", "やまだ たろう", "架空未来の会"),
    (2, "髙橋 健二", "たかはし けんじ", "架空未来の会"),
    (3, "佐藤 花子", "さとう はなこ", "区民クラブ"),
    (4, "鈴木 一郎", "すずき いちろう", "区民クラブ"),
    (5, "渡辺 美咲", "わたなべ みさき", "みどりの風"),
    (6, "中村 誠", "なかむら まこと", None),  # left his faction: only an ended membership
]

# (ext_council_id, ext_schedule_id, kind, committee, date, title, session, number)
MEETINGS = [
    ("1", "101", "本会議", None, date(2023, 6, 12), "令和5年第2回定例会 06月12日-01号",
     "令和5年第2回定例会", 1),
    ("1", "102", "委員会", "企画総務委員会", date(2023, 9, 20), "企画総務委員会 09月20日-01号",
     "令和5年第3回定例会", 1),
    ("2", "201", "本会議", None, date(2024, 2, 22), "令和6年第1回定例会 02月22日-01号",
     "令和6年第1回定例会", 1),
    ("2", "202", "委員会", "子ども文教委員会", date(2024, 3, 5), "子ども文教委員会 03月05日-01号",
     "令和6年第1回定例会", 1),
]

# Per meeting: (speaker_raw, speaker_name, role, member seat or None, kind, text)
CHAIR = ("◎議長（山田太郎議員）", "山田太郎", "議長", 1)
MAYOR = ("◎区長（架空一郎）", "架空一郎", "区長", None)
EDU = ("◎教育長（見本次郎）", "見本次郎", "教育長", None)
WATANABE_CHAIR = ("◎委員長（渡辺美咲委員）", "渡辺美咲", "委員長", 5)
SATO_CHAIR = ("◎委員長（佐藤花子委員）", "佐藤花子", "委員長", 3)
SPEECHES: dict[str, list[tuple]] = {
    "101": [
        (*CHAIR, "procedural", "ただいまから令和5年第2回架空区議会定例会を開会いたします。"),
        (*CHAIR, "procedural", "日程第一、一般質問を行います。順次発言を許します。３番佐藤花子議員。"),
        ("◆３番（佐藤花子議員）", "佐藤花子", None, 3, "question",
         "区民クラブの佐藤花子です。待機児童対策として、保育園の新設計画について伺います。"),
        (*MAYOR, "answer", "佐藤議員のご質問にお答えします。来年度に二園の開設を予定しております。"),
        ("◆２番（髙橋健二議員）", "髙橋健二", None, 2, "question",
         "髙橋健二です。川沿いの桜並木の維持管理について伺います。"),
        (*MAYOR, "answer", "並木は計画的に植え替えを進めてまいります。"),
        ("◆４番（鈴木一郎議員）", "鈴木一郎", None, 4, "question", HOSTILE),
        (*MAYOR, "answer", "ご指摘のウェブサイトの表示については確認いたします。"),
        (*CHAIR, "procedural", "本日はこれにて散会いたします。"),
    ],
    "102": [
        (*WATANABE_CHAIR, "procedural", "ただいまから企画総務委員会を開会いたします。"),
        ("◆鈴木一郎委員", "鈴木一郎", None, 4, "question", "区役所本庁舎の改修工事の進捗を伺います。"),
        ("◎施設営繕課長（見本三郎）", "見本三郎", "施設営繕課長", None, "answer",
         "工事は予定どおり進んでおり、来年三月に完了する見込みです。"),
        ("◆中村誠委員", "中村誠", None, 6, "question", "１２番の議案について、費用の内訳を示してください。"),
        ("◎財政課長（見本四郎）", "見本四郎", "財政課長", None, "answer",
         "内訳は資料二のとおりでございます。"),
        ("◆山田太郎委員", "山田太郎", None, 1, "other", "資料の配付をお願いします。"),
        (*WATANABE_CHAIR, "procedural", "以上で本日の委員会を閉会いたします。"),
    ],
    "201": [
        (*CHAIR, "procedural", "ただいまから令和6年第1回架空区議会定例会を開会いたします。"),
        ("◆５番（渡辺美咲議員）", "渡辺美咲", None, 5, "question",
         "みどりの風の渡辺美咲です。公園の櫻の古木の保全について伺います。"),
        (*MAYOR, "answer", "古木については樹木医の診断を踏まえて対応いたします。"),
        ("◆１番（山田太郎議員）", "山田太郎", None, 1, "question", "防災備蓄の見直し状況を伺います。"),
        (*MAYOR, "answer", "備蓄品は本年度中に全て更新いたします。"),
        ("◆６番（中村誠議員）", "中村誠", None, 6, "question", "商店街の振興策について伺います。"),
        (*MAYOR, "answer", "商店街の皆様と協議を重ねてまいります。"),
        (*CHAIR, "procedural", "本日はこれにて散会いたします。"),
    ],
    "202": [
        (*SATO_CHAIR, "procedural", "ただいまから子ども文教委員会を開会いたします。"),
        ("◆髙橋健二委員", "髙橋健二", None, 2, "question",
         "＜保育＞の質の確保について、区の考えを伺います。"),
        (*EDU, "answer", "保育士の研修を充実させ、質の確保に努めます。"),
        ("◆鈴木一郎委員", "鈴木一郎", None, 4, "question", "学校図書館の蔵書の充実について伺います。"),
        (*EDU, "answer", "蔵書は年次計画に基づき整備しております。"),
        (*SATO_CHAIR, "procedural", "以上で本日の委員会を閉会いたします。"),
    ],
}


def _frames(council_id: str = "demo") -> dict[str, pd.DataFrame]:
    platform = "discussnet"
    councils = pd.DataFrame([{
        "council_id": council_id, "name": "架空区", "prefecture": "架空県", "platform": platform,
        "base_url": BASE, "tenant": "kagiku", "fictional": True,
        "source_url": f"{BASE}/registry", "content_hash": _hash(council_id, "架空区"),
    }])

    people, orgs, memberships = [], {}, []
    for seat, name, kana, faction in MEMBERS:
        norm = normalize_name(name)
        pid = f"{council_id}:{norm}"
        url = f"{BASE}/members/{seat}"
        people.append({
            "person_id": pid, "council_id": council_id, "name": name, "name_norm": norm, "kana": kana,
            "seat": seat, "source_url": url, "fetched_at": FETCHED, "content_hash": _hash(pid, name, kana),
        })
        org_name, end = (faction, None) if faction else ("区民クラブ", date(2023, 12, 31))
        oid = f"{council_id}:faction:{normalize_name(org_name)}"
        orgs[oid] = {
            "organization_id": oid, "council_id": council_id, "name": org_name, "classification": "faction",
            "source_url": f"{BASE}/factions", "fetched_at": FETCHED, "content_hash": _hash(oid),
        }
        memberships.append({
            "membership_id": f"{pid}@{oid}", "person_id": pid, "organization_id": oid, "role": "member",
            "start_date": date(2023, 5, 1), "end_date": end, "source_url": url, "fetched_at": FETCHED,
            "content_hash": _hash(pid, oid, end),
        })
        # Seated in the council itself (Popolo): what makes a member current.
        council_org = f"{council_id}:council"
        orgs[council_org] = {
            "organization_id": council_org, "council_id": council_id, "name": "架空区議会",
            "classification": "council", "source_url": f"{BASE}/members", "fetched_at": FETCHED,
            "content_hash": _hash(council_org),
        }
        memberships.append({
            "membership_id": f"{pid}@{council_org}", "person_id": pid, "organization_id": council_org,
            "role": "member", "start_date": date(2023, 5, 1), "end_date": None, "source_url": url,
            "fetched_at": FETCHED, "content_hash": _hash(pid, council_org),
        })
    by_seat = {p["seat"]: p for p in people}

    meetings, speeches, attendance = [], [], []
    for n, (ext_c, ext_s, kind, committee, day, title, session, number) in enumerate(MEETINGS):
        mid = f"{council_id}-{platform}-{ext_c}-{ext_s}"
        murl = f"{BASE}/minutes/{ext_c}/{ext_s}"
        fetched = FETCHED + timedelta(hours=n)
        meetings.append({
            "meeting_id": mid, "council_id": council_id, "title": title, "kind": kind, "session": session,
            "committee": committee, "date": day, "number": number, "ext_council_id": ext_c,
            "ext_schedule_id": ext_s, "source_url": murl, "fetched_at": fetched,
            "content_hash": _hash(mid, title),
        })
        for seq, (raw, sname, role, seat, skind, text) in enumerate(SPEECHES[ext_s], start=1):
            ext_minute = str(1000 * int(ext_s) + seq)
            speeches.append({
                "speech_id": f"{mid}-{ext_minute}", "meeting_id": mid, "council_id": council_id, "seq": seq,
                "speaker_raw": raw, "speaker_name": sname, "speaker_role": role,
                "person_id": by_seat[seat]["person_id"] if seat else None, "kind": skind,
                "text": text, "text_norm": normalize_text(text), "ext_minute_id": ext_minute,
                "source_url": f"{murl}?minute={ext_minute}", "fetched_at": fetched,
                "content_hash": _hash(mid, seq, text),
            })
        for p in people:
            # 中村 is absent from the first meeting, present otherwise.
            absent = p["seat"] == 6 and n == 0
            attendance.append({
                "meeting_id": mid, "person_id": p["person_id"], "name": "".join(p["name"].split()),
                "seat": p["seat"], "status": "absent" if absent else "present", "source_url": murl,
                "fetched_at": fetched,
            })

    fetch_log = pd.DataFrame([
        {"run_id": "run-1", "council_id": council_id, "spider": "discussnet", "url": m["source_url"],
         "method": "GET", "request_body": None, "status": 200, "outcome": "ok", "reason": None,
         "archive_path": None, "fetched_at": m["fetched_at"]}
        for m in meetings
    ] + [
        {"run_id": "run-1", "council_id": council_id, "spider": "discussnet", "url": f"{BASE}/minutes/9/999",
         "method": "GET", "request_body": None, "status": 503, "outcome": "http_error",
         "reason": "Service Unavailable", "archive_path": None, "fetched_at": FETCHED + timedelta(hours=5)},
    ])

    return {
        "councils": councils,
        "people": pd.DataFrame(people),
        "organizations": pd.DataFrame(list(orgs.values())),
        "memberships": pd.DataFrame(memberships),
        "meetings": pd.DataFrame(meetings),
        "speeches": pd.DataFrame(speeches),
        "attendance": pd.DataFrame(attendance),
        "fetch_log": fetch_log,
    }


def build_sample_db(path: str | Path) -> Path:
    """Create the sample database at `path` (which must not exist yet) and return the path."""
    path = Path(path)
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        for table, frame in _frames().items():
            con.register("frame", frame)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")
            con.unregister("frame")
        # Questions and topics come from the real enrichment stage, as a load would make them.
        enrich.enrich(con, [r[0] for r in con.execute("SELECT meeting_id FROM meetings").fetchall()])
        search.index_speeches(con, None)  # and the search index, as the load builds it
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


if __name__ == "__main__":
    import sys

    print(build_sample_db(sys.argv[1] if len(sys.argv) > 1 else "sample.duckdb"))
