"""DiscussNet SSP (ssp.kaigiroku.net and self-hosted) API responses → records.

Pure functions of the response body: the spider navigates, these read. The API is JSON
under /dnp/search/ (see ../shared/fixtures/minutes-systems/discussnet-ssp):
  tenant.js               → tenant_id
  councils/index          → every 会議 (council_id) of the tenant, all years
  minutes/get_schedule    → the sittings (schedule_id, 「02月22日－01号」) of one 会議
  minutes/get_minute      → one sitting, already split into one block per utterance
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from oshigiin.minutes.attendance import parse_attendance
from oshigiin.minutes.normalize import ERAS, kanji_number, parse_wareki
from oshigiin.minutes.speakers import MARKERS, speech_kind, split_speaker


class ParseError(ValueError):
    """The body is not what this platform sends; the message says what was expected."""


# minute_type_code, from the app's own config (dnp.config.MINUTE_TYPE_CODE):
# 1 目次, 2 名簿, 3 議題, 4 議長, 5 質問, 6 答弁, 7 一覧, 8 文書, 9 資料.
FRONT_MATTER_CODES = {1, 2}
SPEECH_CODES = {4, 5, 6}

_TENANT_ID = re.compile(r"tenant_id\D{0,40}?(\d+)")
_JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'])//[^\n]*", re.S)
_PRE = re.compile(r"</?pre[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_SCHEDULE = re.compile(r"(\d{1,2})月(\d{1,2})日.*?(\d+)号")
_COUNCIL_YEAR = re.compile(r"(明治|大正|昭和|平成|令和)(元|\d{1,2})年")
_COUNCIL_MONTH = re.compile(r"(\d{1,2})月")


@dataclass(frozen=True, slots=True)
class CouncilEntry:
    """One 会議 in the index: a 定例会, or one committee's sittings in a period."""

    council_id: int
    name: str
    view_year: int
    type_names: tuple[str, ...]

    @property
    def is_proceedings(self) -> bool:
        # The index's other root, 「資料」, holds bill lists and tables, not sittings.
        return bool(self.type_names) and self.type_names[0] == "全会議"

    @property
    def kind(self) -> str:
        second = self.type_names[1] if len(self.type_names) > 1 else ""
        return second if second in ("本会議", "委員会") else "その他"

    @property
    def committee(self) -> str | None:
        if self.kind != "委員会":
            return None
        return self.type_names[-1] if len(self.type_names) > 2 else squash(self.name)


@dataclass(frozen=True, slots=True)
class ScheduleEntry:
    schedule_id: int
    name: str
    member_list: str = ""


def squash(text: str) -> str:
    """NFKC with all spacing removed: 「令和　６年第１回　２月定例会」 → 「令和6年第1回2月定例会」."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def load_json(body: bytes | str) -> dict:
    # Some deployments answer JSONP (`callback(...)`); take what is inside.
    text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
    stripped = text.strip()
    if stripped and stripped[0] not in "{[":
        start, end = stripped.find("("), stripped.rfind(")")
        if start == -1 or end <= start:
            raise ParseError(f"expected JSON or JSONP, got {stripped[:60]!r}")
        stripped = stripped[start + 1 : end]
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ParseError(f"expected a JSON object, got {type(data).__name__}")
    return data


def shaped(what: str):
    """A response of the right syntax and the wrong shape (a number where a sitting's blocks
    should be, a list for a title) is a ParseError naming the endpoint, not an AttributeError
    from deep inside a loop (tests/test_robust_parsers.py)."""
    def wrap(parse):
        @functools.wraps(parse)
        def checked(body):
            try:
                return parse(body)
            except ParseError:
                raise
            except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
                raise ParseError(f"{what}: unexpected structure ({type(exc).__name__}: {exc})") from exc
        return checked
    return wrap


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def parse_tenant_js(body: bytes | str) -> int:
    """tenant.js holds the numeric tenant id, in one of two shapes (saas and older)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    # The older tenant.js carries an example id in its header comment (「記入例：… value="1234"」).
    m = _TENANT_ID.search(_JS_COMMENT.sub("", text))
    if not m:
        raise ParseError("no tenant_id in tenant.js")
    return int(m.group(1))


@shaped("councils/index")
def parse_councils(body: bytes | str) -> list[CouncilEntry]:
    data = load_json(body)
    if "councils" not in data:
        raise ParseError("councils/index: no 'councils' key")
    out = []
    for block in data["councils"]:
        for year in block.get("view_years", []):
            view_year = int(year["view_year"])
            for ctype in year.get("council_type", []):
                names = tuple(
                    _text(ctype[f"council_type_name{i}"]) for i in range(1, 6) if ctype.get(f"council_type_name{i}")
                )
                for item in ctype.get("councils", []):
                    out.append(CouncilEntry(int(item["council_id"]), _text(item["name"]), view_year, names))
    return out


@shaped("minutes/get_schedule")
def parse_schedules(body: bytes | str) -> list[ScheduleEntry]:
    data = load_json(body)
    if "council_schedules" not in data:
        raise ParseError("minutes/get_schedule: no 'council_schedules' key")
    return [
        ScheduleEntry(int(s["schedule_id"]), _text(s.get("name", "")), _text(s.get("member_list") or ""))
        for s in data["council_schedules"]
    ]


def block_text(body: str) -> str:
    return html.unescape(_TAG.sub("", _PRE.sub("", body or "")))


@shaped("minutes/get_minute")
def parse_minute(body: bytes | str) -> dict:
    """One sitting → {front_matter, attendance, speeches}.

    Each speech block's body opens with the marker and the title it already carries
    (「○議長（吉田崇仁）　おはようございます。」); that prefix is the speaker line, the rest is
    the speech. A body that opens some other way keeps every character.

    A block sent twice (the same minute_id and text) is kept once; the same minute_id with
    different text is a ParseError, since which one is the record cannot be told.
    """
    data = load_json(body)
    if "tenant_minutes" not in data:
        raise ParseError("minutes/get_minute: no 'tenant_minutes' key")
    front, speeches, seen = [], [], {}
    for block in data["tenant_minutes"]:
        code = int(block.get("minute_type_code") or 0)
        text = block_text(block.get("body", ""))
        key = str(block["minute_id"])
        if key in seen:
            if seen[key] != (code, text, block.get("title")):
                raise ParseError(f"minutes/get_minute: minute_id {key} appears twice with different content")
            continue
        seen[key] = (code, text, block.get("title"))
        if code in FRONT_MATTER_CODES:
            front.append(text)
            continue
        if code not in SPEECH_CODES:
            continue
        title = (block.get("title") or "").strip()
        stripped = text.strip()
        marker = stripped[:1] if stripped[:1] in MARKERS else ""
        after_marker = stripped[len(marker):]
        if title and after_marker.startswith(title):
            speaker_raw = marker + title
            speech = after_marker[len(title):].strip()
        else:
            speaker_raw = marker + title
            speech = stripped
        speaker = split_speaker(title)
        speeches.append({
            "ext_minute_id": key,
            "seq": len(speeches) + 1,
            "speaker_raw": speaker_raw,
            "speaker_name": speaker.name,
            "speaker_role": speaker.role,
            "seat": speaker.seat,
            "kind": speech_kind(marker, speaker.role, code),
            "text": speech,
        })
    front_matter = "\n".join(front)
    return {"front_matter": front_matter, "attendance": parse_attendance(front_matter), "speeches": speeches}


def sitting_date(council: CouncilEntry, schedule: ScheduleEntry, front_matter: str = "") -> date | None:
    """The sitting's date: the 会議's 和暦 year with the schedule's month and day.

    The schedule label (「02月22日－01号」) is the vendor's index of the sitting; the year comes
    from the 会議 name, falling back to the listing's view_year. The printed date in the
    名簿 is the fallback when the label carries no date.
    """
    label = squash(schedule.name)
    m = _SCHEDULE.search(label)
    if m:
        name = squash(council.name)
        y = _COUNCIL_YEAR.search(name)
        year = ERAS[y.group(1)] + kanji_number(y.group(2)) if y else council.view_year
        month, day = int(m.group(1)), int(m.group(2))
        # 「令和7年第4回12月定例会」 can sit in January: roll the year rather than file it early.
        cm = _COUNCIL_MONTH.search(name[y.end():] if y else name)
        if cm and int(cm.group(1)) >= 11 and month <= 4:
            year += 1
        try:
            return date(year, month, day)
        except ValueError:
            pass
    return parse_wareki(front_matter or schedule.member_list)


def sitting_number(schedule: ScheduleEntry) -> int | None:
    m = _SCHEDULE.search(squash(schedule.name))
    return int(m.group(3)) if m else None
