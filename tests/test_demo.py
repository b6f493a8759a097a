"""The demo council: deterministic, shaped like real DiscussNet SSP, honest about its truth."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from oshigiin.demo import DemoCouncil, DiscussNetServer
from oshigiin.demo.jpformat import wareki
from oshigiin.demo.schedule import is_business_day

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DISCUSSNET = SHARED / "fixtures" / "minutes-systems" / "discussnet-ssp"
REPO = Path(__file__).resolve().parents[1]
SPEECH_CODES = {4: "procedural", 5: "question", 6: "answer"}


@pytest.fixture(scope="module")
def council() -> DemoCouncil:
    return DemoCouncil(speeches=2000)


@pytest.fixture(scope="module")
def truth(council) -> list[dict]:
    return list(council.truth())


def digest(payload) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def speech_text(body: str, title: str) -> tuple[str, str]:
    """The extraction rule the truth promises: strip <pre>, unescape, cut marker+title, strip."""
    text = html.unescape(body.removeprefix("<pre>").removesuffix("</pre>"))
    marker = text[0]
    assert text[1:].startswith(title), (title, text[:40])
    return marker, text[1 + len(title):].strip()


def parse_title(title: str) -> tuple[str, str | None]:
    """The speaker-title shapes the demo prints (a reference reading, independent of the generator)."""
    if m := re.fullmatch(r"[０-９]+番（(.+)議員）", title):
        return m[1], None
    if m := re.fullmatch(r"（(.+)議員）", title):
        return m[1], None
    if m := re.fullmatch(r"(.+)（(.+)）", title):
        return m[2], m[1]
    m = re.fullmatch(r"(.+)委員", title)
    assert m, title
    return m[1], "委員"


def attendance_in(meibo: str) -> list[dict]:
    """Seat lines under 出席/欠席 headings of a 名簿, names with their padding removed."""
    out, status = [], None
    for line in html.unescape(meibo).splitlines():
        if re.search(r"出席(議員|委員)", line):
            status = "present"
        elif re.search(r"欠席(議員|委員)", line):
            status = "absent"
        elif "説明員" in line:
            status = None
        elif status and (m := re.search(r"([０-９]+)番\u3000(.+)$", line)):
            seat = int(unicodedata.normalize("NFKC", m[1]))
            out.append({"seat": seat, "name": "".join(m[2].split()), "status": status})
    return sorted(out, key=lambda a: a["seat"])


# -- determinism -----------------------------------------------------------------------------
def test_same_inputs_give_identical_responses_in_any_request_order():
    a, b = DemoCouncil(speeches=3000, seed=7), DemoCouncil(speeches=3000, seed=7)
    ids = a.meeting_ids()
    picks = [ids[0], ids[len(ids) // 3], ids[len(ids) // 2], ids[-1]]
    first = {i: digest(a.minute(*i)) for i in picks}
    b.schedules(ids[-1][0])  # warm b differently, then ask in reverse order
    b.minute(*ids[5])
    second = {i: digest(b.minute(*i)) for i in reversed(picks)}
    assert first == second
    assert digest(a.councils_index()) == digest(b.councils_index())
    assert a.schedules(picks[1][0]) == b.schedules(picks[1][0])
    assert a.roster_html() == b.roster_html() and a.members() == b.members()
    assert digest(DemoCouncil(speeches=3000, seed=8).minute(*picks[1])) != first[picks[1]]


def test_identical_across_processes():
    """No hash(), no set order: another interpreter with another hash seed says the same."""
    code = (
        "import hashlib, json; from demo import DemoCouncil; c = DemoCouncil(speeches=3000, seed=7); "
        "ids = c.meeting_ids(); body = [c.minute(*ids[i]) for i in (3, -2)] + [c.councils_index()]; "
        "print(hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    c = DemoCouncil(speeches=3000, seed=7)
    ids = c.meeting_ids()
    assert out == digest([c.minute(*ids[i]) for i in (3, -2)] + [c.councils_index()])


# -- shapes of the real API --------------------------------------------------------------------
def shape(value, path: str = "$", out: dict | None = None) -> dict[str, set[str]]:
    """{json path: type names seen there}, list elements merged: compares structure, not content."""
    out = {} if out is None else out
    out.setdefault(path, set()).add(type(value).__name__)
    if isinstance(value, dict):
        out.setdefault(path + ".keys", set()).add(",".join(value))
        for key, item in value.items():
            shape(item, f"{path}.{key}", out)
    elif isinstance(value, list):
        for item in value:
            shape(item, path + "[]", out)
    return out


def assert_same_shape(ours, recorded) -> None:
    ours_shape, recorded_shape = shape(ours), shape(recorded)
    assert set(ours_shape) == set(recorded_shape)
    for path, types in ours_shape.items():
        # Key order counts too: the demo sends keys in the order the real server does.
        assert types <= recorded_shape[path], (path, types, recorded_shape[path])


@pytest.fixture(scope="module")
def recorded() -> Path:
    if not DISCUSSNET.exists():
        pytest.skip(f"{DISCUSSNET} is missing: the real recorded DiscussNet responses live in ../shared")
    return DISCUSSNET / "saas"


@pytest.mark.fixtures
def test_responses_have_the_recorded_shapes(council, recorded):
    load = lambda name: json.loads((recorded / name).read_text(encoding="utf-8"))  # noqa: E731
    cid, sid = council.meeting_ids()[0]
    assert_same_shape(council.councils_index(), load("councils.json"))
    assert_same_shape(council.schedules(cid), load("schedules.json"))
    assert_same_shape(council.minute(cid, sid), load("minute.json"))
    real_js = (recorded / "tenant.js").read_text(encoding="utf-8")
    assert re.sub(r"\d+", "N", council.tenant_js()) == re.sub(r"\d+", "N", real_js)


@pytest.mark.fixtures
def test_names_and_markers_are_typeset_like_the_recorded_ones(council, recorded):
    meta = json.loads((recorded / "metadata.json").read_text(encoding="utf-8"))
    two_cells = r"(\u3000[０-９]|[０-９]{2})"  # '　６' or '１１'
    council_name = re.compile(rf"(令和|平成)({two_cells}|元)年第[０-９]+回{two_cells}月定例会")
    schedule_name = re.compile(r"\d{2}月\d{2}日－\d{2}号")
    assert council_name.fullmatch(meta["councilName"]) and schedule_name.fullmatch(meta["scheduleName"])
    regular = [c["name"] for vy in council.councils_index()["councils"][0]["view_years"]
               for ct in vy["council_type"] if ct["council_type_name3"] == "定例会" for c in ct["councils"]]
    assert regular and all(council_name.fullmatch(n) for n in regular)
    for m in council.calendar.meetings[:40]:
        assert schedule_name.fullmatch(m.schedule_name)
    real = json.loads((recorded / "minute.json").read_text(encoding="utf-8"))["tenant_minutes"]
    ours = council.minute(*council.meeting_ids()[0])["tenant_minutes"]
    for block in real + ours:
        if block["minute_type_code"] == 2:
            assert block["title"] == "（名簿）" and block["body"].startswith("<pre>")
            assert re.search(r"〇出席議員（[０-９]+人）\n\u3000+[０-９]+番\u3000", block["body"])
        else:
            assert re.match(r"<pre>[○◆◎]", block["body"]) and block["body"].endswith("\n</pre>")
            assert block["body"][6:].startswith(block["title"] + "\u3000")
            assert block["minute_type"] == {4: "○議長", 5: "◆質問", 6: "◎答弁"}[block["minute_type_code"]]


# -- truth ------------------------------------------------------------------------------------
def test_truth_is_what_the_responses_say(council, truth):
    members = {m["name"] for m in council.members()}
    assert len(truth) == len(council.meeting_ids())
    for meeting in truth:
        minutes = council.minute(meeting["ext_council_id"], meeting["ext_schedule_id"])["tenant_minutes"]
        blocks = [b for b in minutes if b["minute_type_code"] != 2]
        assert [s["seq"] for s in meeting["speeches"]] == list(range(1, len(blocks) + 1))
        for block, speech in zip(blocks, meeting["speeches"], strict=True):
            marker, text = speech_text(block["body"], block["title"])
            assert speech["text"] == text == text.strip() and text
            assert speech["minute_id"] == block["minute_id"]
            assert speech["speaker_raw"] == marker + block["title"]
            name, role = parse_title(block["title"])
            assert (speech["speaker_name"], speech["speaker_role"]) == (name, role)
            expected_kind = SPEECH_CODES[block["minute_type_code"]]
            if speech["kind"] == "other":  # a committee chair's report is printed as ◆ (code 5)
                assert expected_kind == "question" and role.endswith("委員長")
            else:
                assert speech["kind"] == expected_kind
            assert speech["member"] is None or speech["member"] in members
            if speech["member"]:  # titles fold variant kanji (髙→高) the way Shift_JIS systems did
                assert speech["member"].replace("髙", "高").replace("﨑", "崎") == speech["speaker_name"]
        assert meeting["attendance"] == attendance_in(minutes[0]["body"])


def test_truth_describes_real_calendar_days(council, truth):
    schedules = {}
    for meeting in truth:
        day = dt.date.fromisoformat(meeting["date"])
        assert is_business_day(day), meeting["date"]
        assert meeting["schedule_name"].startswith(f"{day.month:02d}月{day.day:02d}日－")
        cid = meeting["ext_council_id"]
        schedules.setdefault(cid, council.schedules(cid)["council_schedules"])
        listed = {s["schedule_id"]: s["member_list"] for s in schedules[cid]}
        meibo = listed[meeting["ext_schedule_id"]]
        assert wareki(day, weekday=True) in meibo  # e.g. 令和６年２月２２日（木曜日）
        assert meeting["session"] == "".join(unicodedata.normalize("NFKC", meeting["council_name"]).split())
        if meeting["kind"] == "委員会":
            assert meeting["committee"] in meeting["council_name"] and 7 <= len(meeting["attendance"]) <= 9
        else:
            assert meeting["committee"] is None and 38 <= len(meeting["attendance"]) <= 40
        absent = [a for a in meeting["attendance"] if a["status"] == "absent"]
        assert len(absent) <= 2
    assert [m["date"] for m in truth] == sorted(m["date"] for m in truth)


def test_speech_mix_and_searchable_topics():
    speeches = [s for m in DemoCouncil().truth() for s in m["speeches"]]
    share = {k: sum(s["kind"] == k for s in speeches) / len(speeches) for k in SPEECH_CODES.values()}
    # Roughly 40% answers, 35% questions, 25% procedural, as in real ward minutes.
    assert 0.33 <= share["answer"] <= 0.45 and 0.3 <= share["question"] <= 0.4
    assert 0.2 <= share["procedural"] <= 0.32
    words = "".join(s["text"] for s in speeches)
    for word in ("保育", "防災", "空き家", "〔「異議なし」と呼ぶ者あり〕", "午前１０時", "議員登壇〕",
                 "第一に、"):
        assert word in words
    questions = [s["text"] for s in speeches if s["kind"] == "question"]
    assert len(set(questions)) > 0.9 * len(questions)  # templates, but not copies


def test_markup_in_a_speech_arrives_escaped():
    council = DemoCouncil(speeches=50_000)
    for cid, sid in council.meeting_ids():
        for block in council.minute(cid, sid)["tenant_minutes"]:
            if "&lt;script&gt;" in block["body"]:
                assert "<script>" not in block["body"]
                assert "<script>" not in council.minute_view_html(cid, sid)
                return
    pytest.fail("no speech quotes <script> in 50,000 speeches")


@pytest.mark.parametrize("speeches", [2000, 50_000])
def test_total_speeches_is_close_to_the_request(speeches):
    council = DemoCouncil(speeches=speeches)
    assert abs(council.total_speeches() - speeches) <= 0.05 * speeches
    if speeches <= 2000:
        assert sum(len(m["speeches"]) for m in council.truth()) == council.total_speeches()


def test_members_turn_over_at_elections(council):
    members = council.members()
    assert set(members[0]) == {"name", "kana", "faction", "seat", "first_elected", "left"}
    for day in ("2023-03-01", "2023-06-01", "2025-12-01"):
        seated = [m for m in members if m["first_elected"] <= day and (m["left"] is None or day < m["left"])]
        assert len(seated) == 40 and len({m["seat"] for m in seated}) == 40
    assert any(m["left"] == "2023-04-23" for m in members)
    assert any(m["first_elected"] == "2023-04-23" for m in members)
    assert all(re.fullmatch(r"[ぁ-ゖー]+", m["kana"]) for m in members)
    assert any(ch in m["name"] for m in members for ch in "髙德﨑邉")
    assert 5 <= len({m["faction"] for m in members}) <= 7
    folded = {m["name"].replace("髙", "高").replace("﨑", "崎") for m in members}
    assert len(folded) == len(members)  # every speaker resolves to one person


# -- HTTP ---------------------------------------------------------------------------------------
def post(url: str, **params) -> tuple[int, dict]:
    data = urllib.parse.urlencode(params).encode()
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as r:
            assert r.headers["Content-Type"] == "application/json; charset=utf-8"
            return r.status, json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode("utf-8"))


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read().decode("utf-8")


def test_http_round_trip(council):
    cid, sid = council.meeting_ids()[0]
    tid = council.tenant_id
    with DiscussNetServer(council) as server:
        base = server.url
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", base)
        assert get(base + "robots.txt")[::2] == (200, "User-agent: *\nAllow: /\n")
        status, ctype, js = get(base + "tenant/demo/js/tenant.js")
        assert status == 200 and ctype.startswith("text/javascript") and js == f"dnp.params.tenant_id = {tid}"

        assert post(base + "dnp/search/councils/index", tenant_id=tid) == (200, council.councils_index())
        status, schedules = post(base + "dnp/search/minutes/get_schedule", tenant_id=tid, council_id=cid)
        assert status == 200 and schedules == council.schedules(cid)
        status, minute = post(base + "dnp/search/minutes/get_minute", tenant_id=tid, council_id=cid,
                              schedule_id=sid)
        assert status == 200 and minute == council.minute(cid, sid)

        request = urllib.request.Request(  # a JSON body is accepted too
            base + "dnp/search/minutes/get_minute", headers={"Content-Type": "application/json"},
            data=json.dumps({"tenant_id": tid, "council_id": cid, "schedule_id": sid}).encode())
        with urllib.request.urlopen(request, timeout=10) as r:
            assert json.loads(r.read()) == minute

        missing = post(base + "dnp/search/minutes/get_minute", tenant_id=tid, council_id=cid, schedule_id=999)
        assert missing[0] == 404
        assert post(base + "dnp/search/minutes/get_schedule", tenant_id=tid, council_id=1)[0] == 404
        status, error = post(base + "dnp/search/councils/index", tenant_id=tid + 1)
        assert status == 404 and error["error"]
        status, error = post(base + "dnp/search/minutes/get_minute", tenant_id=tid, council_id=cid)
        assert status == 400 and "schedule_id" in error["error"]
        assert post(base + "dnp/search/minutes/get_schedule", tenant_id=tid, council_id="x")[0] == 400
        assert get(base + "tenant/other/js/tenant.js")[0] == 404
        assert get(base + "dnp/search/councils/index")[0] == 405

        status, ctype, page = get(base + "gikai/meibo.html")
        assert status == 200 and ctype == "text/html; charset=utf-8" and '<meta charset="utf-8">' in page
        assert "<th>議席番号</th><th>氏名</th><th>ふりがな</th><th>会派</th>" in page
        seated = [m for m in council.members() if m["left"] is None]
        assert page.count("<tr><td>") == len(seated) == 40
        assert all(f"<td>{m['name']}</td>" in page for m in seated)

        status, _, view = get(f"{base}tenant/demo/MinuteView.html?tenant_id={tid}&council_id={cid}"
                              f"&schedule_id={sid}&minute_id=5")
        assert status == 200 and 'id="minute-5"' in view and council.calendar.meetings[0].council_name in view
        log = list(server.request_log)
    assert log[0] == ("GET", "/robots.txt", 200)
    assert ("POST", "/dnp/search/minutes/get_minute", 404) in log
    assert sum(1 for _, path, _ in log if path == "/dnp/search/minutes/get_minute") == 4


# -- scale --------------------------------------------------------------------------------------
def test_a_million_speeches_are_planned_at_once_and_generated_on_demand():
    started = time.perf_counter()
    council = DemoCouncil(speeches=1_000_000)
    assert time.perf_counter() - started < 3
    assert abs(council.total_speeches() - 1_000_000) <= 50_000
    years = {m.date.year for m in council.calendar.meetings}
    assert max(years) == 2025 and len(years) <= 12
    cid, sid = council.meeting_ids()[len(council.meeting_ids()) // 2]
    started = time.perf_counter()
    minute = council.minute(cid, sid)
    assert time.perf_counter() - started < 2
    assert len(minute["tenant_minutes"]) - 1 == council.calendar.meeting(cid, sid).speeches
