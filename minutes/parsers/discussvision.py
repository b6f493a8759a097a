"""DiscussVision Smart (`smart.discussvision.net/smart/tenant/{slug}/…`) API answers → records.

The pages are an app shell over a JSON API under /dvsapi/ (structure as public sources describe
it; the tests' answers are constructed in it, tests/video_pages/discussvision/):

    yearlist?tenant_id=                     the years with recordings
    councilrd/all?tenant_id=&year=          councils (council_id, date, label) → schedules (schedule_id,
                                            label 「MM月DD日　本会議」) → playlist items (playlist_id,
                                            speaker 「氏名議員」, speaker_id ("0": no speaker), content,
                                            movie_name1, vtt_name: WebVTT captions)
    speaker/list, group/memberlist          names with readings; faction → members

A viewer page per item: speech.html?council_id=&schedule_id=&playlist_id=. Key names vary between
what sources show (schedule / schedules, playlist / playlists); both are read.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from oshigiin.minutes.parsers.discussnet import ParseError, shaped
from oshigiin.minutes.parsers.jfit import parse_date, session_year, speaker_name, squash

_LABEL_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_TIMESTAMP = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?")
_CUE_TIMES = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Item:
    council_id: str
    schedule_id: str
    playlist_id: str
    order: int                  # position in the schedule's playlist
    session: str                # the council's label: 令和6年第1回定例会
    date: date | None
    meeting: str                # 本会議, 企画総務委員会 … from the schedule's label
    speaker_raw: str | None     # 佐藤花子議員, None when speaker_id is "0"
    speaker_name: str | None
    speaker_id: str | None
    content: str | None
    movie: str | None
    vtt: str | None
    start: float | None         # seconds into movie_name1, when the item says


@dataclass(frozen=True, slots=True)
class Cue:
    start: float
    end: float
    text: str


def load(body: bytes | str):
    text = body.decode("utf-8-sig", "replace") if isinstance(body, bytes) else body
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc}") from exc


def _list(data, *keys: str) -> list:
    """The list a response holds: itself, or under one of `keys` (or its only list value)."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for k in keys:
            if isinstance(data.get(k), list):
                return data[k]
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0]
    raise ParseError(f"expected a list{' under ' + '/'.join(keys) if keys else ''}, got {type(data).__name__}")


@shaped("yearlist")
def parse_years(body: bytes | str) -> list[int]:
    out = []
    for y in _list(load(body), "year_list", "years", "data"):
        value = y.get("year") if isinstance(y, dict) else y
        try:
            out.append(int(str(value).strip()))
        except ValueError as exc:
            raise ParseError(f"yearlist: {value!r} is not a year") from exc
    return out


def seconds(stamp) -> float | None:
    """「00:12:34.5」, 「12:34」 or a number of seconds → seconds."""
    if stamp is None or stamp == "":
        return None
    if isinstance(stamp, int | float):
        return float(stamp)
    m = _TIMESTAMP.fullmatch(str(stamp).strip())
    if not m:
        try:
            return float(str(stamp))
        except ValueError:
            return None
    h, mi, s, frac = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + int(s) + (int(frac.ljust(3, "0")) / 1000 if frac else 0.0)


def schedule_date(label: str, council_date: date | None, session: str) -> date | None:
    """「02月22日　本会議」 with the council's year; a 12月定例会 day in January rolls the year on."""
    m = _LABEL_DATE.search(unicodedata.normalize("NFKC", label or ""))
    if not m:
        return None
    year = council_date.year if council_date else session_year(session)
    if year is None:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    if council_date and council_date.month >= 11 and month <= 4:
        year += 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


def meeting_of(label: str) -> str:
    """「02月22日　本会議」 → 「本会議」."""
    return squash(_LABEL_DATE.sub("", unicodedata.normalize("NFKC", label or ""))).strip("-・:：") or "本会議"


def _str(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise TypeError(f"expected a value, got {type(value).__name__}")
    text = str(value).strip()
    return text or None


@shaped("councilrd/all")
def parse_councils(body: bytes | str) -> list[Item]:
    """councilrd/all: every playlist item of the year, in the API's order."""
    out = []
    for council in _list(load(body), "council_list", "councils", "data"):
        if not isinstance(council, dict):
            raise ParseError("councilrd/all: a council is not an object")
        council_id = _str(council.get("council_id"))
        if council_id is None:
            raise ParseError("councilrd/all: a council without council_id")
        session = squash(council.get("label") or council.get("name") or "")
        council_date = parse_date(str(council.get("date") or ""), session_year(session))
        schedules = council.get("schedules", council.get("schedule", [])) or []
        for schedule in schedules:
            schedule_id = _str(schedule.get("schedule_id"))
            if schedule_id is None:
                raise ParseError(f"councilrd/all: council {council_id} has a schedule without schedule_id")
            label = str(schedule.get("label") or schedule.get("name") or "")
            when = schedule_date(label, council_date, session)
            items = schedule.get("playlist", schedule.get("playlists", [])) or []
            for order, item in enumerate(items, start=1):
                playlist_id = _str(item.get("playlist_id"))
                if playlist_id is None:
                    raise ParseError(f"councilrd/all: schedule {schedule_id} has an item without playlist_id")
                sid = _str(item.get("speaker_id"))
                printed = squash(item.get("speaker") or "") or None
                if sid in (None, "0"):
                    sid = None
                out.append(Item(
                    council_id, schedule_id, playlist_id, order, session, when, meeting_of(label),
                    printed, speaker_name(printed) if printed else None, sid, _str(item.get("content")),
                    _str(item.get("movie_name1")), _str(item.get("vtt_name")),
                    seconds(item.get("start_time", item.get("start"))),
                ))
    return out


@shaped("speaker/list")
def parse_speakers(body: bytes | str) -> list[dict]:
    """speaker/list: {speaker_id, name, reading}."""
    out = []
    for s in _list(load(body), "speaker_list", "speakers", "data"):
        out.append({"speaker_id": _str(s.get("speaker_id")), "name": squash(s.get("name") or s.get("speaker") or ""),
                    "reading": squash(s.get("reading") or s.get("kana") or "") or None})
    return out


def parse_vtt(body: bytes | str) -> list[Cue]:
    """WebVTT → cues (start, end, text); NOTE/STYLE blocks and cue settings are left out."""
    text = body.decode("utf-8-sig", "replace") if isinstance(body, bytes) else body
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not lines[0].startswith("WEBVTT"):
        raise ParseError("captions: not a WebVTT file (no WEBVTT header)")
    cues, i = [], 1
    while i < len(lines):
        m = _CUE_TIMES.match(lines[i])
        if not m:
            i += 1
            continue
        start, end = seconds(m.group(1)), seconds(m.group(2))
        if start is None or end is None:
            raise ParseError(f"captions: bad cue timing {lines[i]!r}")
        i += 1
        body_lines = []
        while i < len(lines) and lines[i].strip():
            body_lines.append(_TAG.sub("", lines[i]).strip())
            i += 1
        cues.append(Cue(start, end, "".join(body_lines)))
    return cues
