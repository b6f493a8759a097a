"""国会会議録検索システム 検索用API (kokkai.ndl.go.jp) responses → records.

Pure functions of the JSON body (`recordPacking=json`); the spider only pages. What the API
is and does, and where each fact comes from:

- Three endpoints, one set of search parameters, different shapes of answer
  (spec 「国会会議録検索システム 検索用APIの仕様」, https://kokkai.ndl.go.jp/api.html):
    https://kokkai.ndl.go.jp/api/meeting_list?{条件}  会議単位簡易出力: sittings, speeches without text, ≤ 100 a request
    https://kokkai.ndl.go.jp/api/meeting?{条件}       会議単位出力: sittings with every speech's text, ≤ 10 a request
    https://kokkai.ndl.go.jp/api/speech?{条件}        発言単位出力: only the matching speeches, flat, ≤ 100 a request
  Parameters: from / until (開催日 YYYY-MM-DD), nameOfHouse (衆議院 | 参議院 | 両院 | 両院協議会),
  nameOfMeeting (部分一致), speaker, any, sessionFrom/To, issueID, startRecord (1-based),
  maximumRecords (defaults 30 / 3 / 30), recordPacking (xml by default, or json). Results come
  newest sitting first. The spec's wording of each parameter is reproduced in public client code,
  e.g. the field comments of yyyoichi/kokkai-api (Go, types.go).
- Every answer carries numberOfRecords, numberOfReturn, startRecord and nextRecordPosition,
  the startRecord of the next page, null on the last one (spec; yyyoichi/kokkai-api types.go).
- meetingRecord[]: issueID (21 characters, the 会議録's id), imageKind (会議録・目次・索引・附録・追録),
  searchObject, session (国会回次, an int), nameOfHouse, nameOfMeeting, issue (「第2号」), date,
  closing (true or null), speechRecord[], meetingURL, pdfURL (only where a PDF exists).
  speechRecord[] on /api/meeting: speechID (「{issueID}_{speechOrder:03}」), speechOrder (0 is
  「会議録情報」, the front matter: date, 出席委員, 議事日程), speaker, speakerYomi, speakerGroup,
  speakerPosition, speakerRole (証人・参考人・公述人 or null), speech, startPage, createTime,
  updateTime, speechURL (yyyoichi/kokkai-api types.go KaigiResult; the JSON layout also in
  Taka-Coma/MinuteAnalysis README.md). meeting_list gives only speechID, speechOrder, speaker
  and speechURL per speech.
- The speech text opens with the marker as printed, then a full-width space:
  「○議長（額賀福志郎君）　これより会議を開きます。」; lines end in CRLF.
- An error answers a JSON object with `message`, and `details` (a list) when a search
  condition was wrong (yyyoichi/kokkai-api types.go: 「エラーメッセージ」「エラーメッセージの詳細」).
- Terms of use: no parallel requests; after one answer has arrived, wait a few seconds before
  the next (the spec's notes on use, as summarised in 「「国会会議録検索システム 検索用APIの仕様」を
  調査」, developer.hateblo.jp 2021-01-28; yyyoichi/kokkai-api client.go waits between calls
  for the same reason). The exact wording of error messages is not documented in what was
  found: only the object's shape is relied on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from oshigiin.minutes.attendance import parse_attendance
from oshigiin.minutes.parsers.discussnet import ParseError, load_json, shaped
from oshigiin.minutes.segment import speaker_end
from oshigiin.minutes.speakers import MARKERS, speech_kind, split_speaker

FRONT_MATTER_SPEAKER = "会議録情報"
MINUTES_IMAGE_KIND = "会議録"      # the others: 目次, 索引, 附録, 追録
MAX_RECORDS = {"meeting_list": 100, "meeting": 10, "speech": 100}

_SPACES = re.compile(r"\s+")
_ISSUE = re.compile(r"(\d+)")
# Who chairs and who answers in the Diet. pipeline.speakers.speech_kind reads local-council
# offices: it files 大臣 under "other" and any …長 (会長, 事務総長) as an answer.
_CHAIR = re.compile(r"^(?:仮?議長|副議長|[^(]*委員長|会長|副会長|主査|小委員長)(?:代理)?$")
_GOVERNMENT = re.compile(
    r"(大臣|政務官|政府参考人|政府特別補佐人|政府委員|説明員|長官|総裁|法制局長|検査院長|委員会委員長)$")
_CLERK = re.compile(r"(事務総長|事務局長|事務次長|参事)$")
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")
_OFFICE_THEN_NAME = re.compile(r"(?P<office>[^(]+)\((?P<inner>[^)]*)\)")  # NFKC: brackets are ASCII
# Attendance: the member lines end in 君; offices in front of the name are not part of it.
_NAME_KUN = re.compile(r"([^君]+?)君")
_MEMBER_OFFICES = re.compile(r"^(?:副?委員長|副?会長|副?議長|理事|幹事|委員|分科員|小委員長?|主査)+")
_MEMBER_HEADINGS = {"委員長", "副委員長", "理事", "委員", "会長", "副会長", "幹事", "主査", "分科員"}
_PRESENT_HEADING = re.compile(r"^(?:出席(?:委員|分科員|小委員|議員)|出席者は左のとおり)")


class KokkaiApiError(ParseError):
    """The API answered an error object instead of results."""


@dataclass(frozen=True, slots=True)
class Page:
    """The paging block every answer carries."""

    number_of_records: int
    number_of_return: int
    start_record: int
    next_record_position: int | None


@dataclass(slots=True)
class Meeting:
    """One 会議録 (one sitting's record) from /api/meeting, ready to become a MeetingItem."""

    issue_id: str
    image_kind: str
    session: int | None
    house: str
    name_of_meeting: str
    issue: str
    date: str | None
    closing: bool
    meeting_url: str
    pdf_url: str | None
    front_matter: str = ""
    speeches: list[dict] = field(default_factory=list)
    attendance: list[dict] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "本会議" if self.name_of_meeting == "本会議" else "委員会"

    @property
    def committee(self) -> str | None:
        return None if self.kind == "本会議" else self.name_of_meeting

    @property
    def session_label(self) -> str | None:
        return f"第{self.session}回国会" if self.session is not None else None

    @property
    def number(self) -> int | None:
        m = _ISSUE.search(unicodedata.normalize("NFKC", self.issue or ""))
        return int(m.group(1)) if m else None

    @property
    def title(self) -> str:
        number = self.number
        return f"{self.house}{self.name_of_meeting}" + (f"第{number}号" if number is not None else "")

    @property
    def is_minutes(self) -> bool:
        return self.image_kind == MINUTES_IMAGE_KIND


def squash(text: str | None) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def api_error(data: dict) -> str | None:
    """The error an answer carries, as one line (`message: detail; detail`), or None."""
    message = data.get("message")
    if not message or "numberOfRecords" in data:
        return None
    details = data.get("details") or []
    if isinstance(details, str):
        details = [details]
    return f"{message}: {'; '.join(map(str, details))}" if details else str(message)


def error_message(body: bytes | str) -> str | None:
    """The API's error message in any body (an HTTP 400's, say), or None when it carries none."""
    try:
        return api_error(load_json(body))
    except (ParseError, UnicodeDecodeError):
        return None


def load_response(body: bytes | str) -> dict:
    """The JSON object of an answer; raises KokkaiApiError on the API's error object."""
    data = load_json(body)
    error = api_error(data)
    if error:
        raise KokkaiApiError(error)
    if "numberOfRecords" not in data:
        raise ParseError("not a 検索用API answer: no 'numberOfRecords' (was recordPacking=json sent?)")
    return data


@shaped("kokkai answer")
def parse_page(body: bytes | str) -> Page:
    """Paging block of any endpoint's answer (meeting_list, meeting, speech)."""
    return page_of(load_response(body))


def page_of(data: dict) -> Page:
    next_position = data.get("nextRecordPosition")
    return Page(
        number_of_records=int(data.get("numberOfRecords") or 0),
        number_of_return=int(data.get("numberOfReturn") or 0),
        start_record=int(data.get("startRecord") or 0),
        next_record_position=int(next_position) if next_position not in (None, "") else None,
    )


@shaped("kokkai meeting answer")
def parse_meetings(body: bytes | str) -> tuple[list[Meeting], Page]:
    """An /api/meeting or /api/meeting_list answer → (meetings, paging).

    Real URL: https://kokkai.ndl.go.jp/api/meeting?from=2024-10-04&until=2024-10-04
    &maximumRecords=10&startRecord=1&recordPacking=json. On meeting_list the speeches have no
    text, so each comes back with an empty text and no marker.
    """
    data = load_response(body)
    records = data.get("meetingRecord") or []  # absent when nothing matched
    if not isinstance(records, list):
        raise ParseError(f"meetingRecord: expected a list, got {type(records).__name__}")
    return [parse_meeting_record(r) for r in records], page_of(data)


def parse_meeting_record(record: dict) -> Meeting:
    """One meetingRecord → Meeting, its front matter read for attendance."""
    issue_id = record.get("issueID")
    if not issue_id:
        raise ParseError("meetingRecord without issueID")
    when = record.get("date")
    if when:
        date.fromisoformat(when)  # ValueError on anything but YYYY-MM-DD: the spider records it
    session = record.get("session")
    meeting = Meeting(
        issue_id=str(issue_id), image_kind=record.get("imageKind") or "",
        session=int(session) if session not in (None, "") else None,
        house=squash(record.get("nameOfHouse")), name_of_meeting=squash(record.get("nameOfMeeting")),
        issue=record.get("issue") or "", date=when or None, closing=record.get("closing") is True,
        meeting_url=record.get("meetingURL") or "", pdf_url=record.get("pdfURL") or None,
    )
    for speech in record.get("speechRecord") or []:
        if is_front_matter(speech):
            meeting.front_matter = _text(speech.get("speech"))
            continue
        meeting.speeches.append(parse_speech(speech))
    meeting.speeches.sort(key=lambda s: s["seq"])
    meeting.attendance = parse_diet_attendance(meeting.front_matter)
    return meeting


def is_front_matter(speech: dict) -> bool:
    return int(speech.get("speechOrder") or 0) == 0 or speech.get("speaker") == FRONT_MATTER_SPEAKER


def _text(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def split_marker(text: str) -> tuple[str, str]:
    """「○議長（額賀福志郎君）　これより…」 → (「○議長（額賀福志郎君）」, 「これより…」).

    The marker ends at the first full-width space outside brackets, or the end of the line.
    A text that does not open with a marker is all speech.
    """
    stripped = text.lstrip(" \u3000\n")
    if not stripped or stripped[0] not in MARKERS:
        return "", text.strip()
    cut = speaker_end(stripped)
    if cut == -1:
        return stripped.rstrip(), ""
    return stripped[:cut].rstrip(), stripped[cut:].strip(" \u3000\n")


def marker_role(head: str, speaker: str) -> str | None:
    """The office a marker prints, given the API's speaker name.

    「議長（額賀福志郎君）」 → 議長; 「井林委員長」 → 委員長 (surname, then office);
    「山田（美）委員」 → 委員 (a given-name initial tells two 山田 apart); 「山田太郎君」 → None.
    """
    text, name = squash(head).lstrip(MARKERS), squash(speaker)
    m = _OFFICE_THEN_NAME.fullmatch(text)
    if m and (m["inner"].endswith("君") or (name and name in m["inner"])):
        return m["office"]
    common = 0
    while common < min(len(name), len(text)) and name[common] == text[common]:
        common += 1
    if common == 0:
        return split_speaker(text).role
    rest = re.sub(r"^[（(][^）)]*[）)]", "", text[common:])
    rest = rest.removeprefix(name[common:]) if name[common:] else rest
    rest = rest.removesuffix("君")
    return rest or None


def diet_speech_kind(marker: str, role: str | None, speaker_role: str | None) -> str:
    """question | answer | procedural | other for one Diet speech.

    参考人・公述人・証人 (speakerRole) testify, which is neither question nor answer; chairs
    (議長, 委員長, 審査会・調査会の会長, 分科会の主査) run the sitting; ministers and the officials
    they bring answer; the clerks read. Members' offices (理事, 委員, none) ask.
    """
    if speaker_role:
        return "other"
    office = _BRACKETED.sub("", squash(role))
    if not office:
        return speech_kind(marker, None)
    if _GOVERNMENT.search(office):
        return "answer"
    if _CHAIR.match(office):
        return "procedural"
    if _CLERK.search(office):
        return "other"
    if office in ("理事", "幹事", "委員", "議員"):
        return "question"
    return speech_kind(marker, office)


def parse_speech(record: dict) -> dict:
    """One speechRecord → the speech dict every platform stages."""
    text = _text(record.get("speech"))
    speaker = squash(record.get("speaker")).removesuffix("君")
    head, body = split_marker(text) if text else ("", "")
    if head:
        speaker_raw = head.strip()
    else:
        speaker_raw, body = speaker, text.strip()
    role = squash(record.get("speakerPosition")) or (marker_role(head, speaker) if head else None)
    marker = speaker_raw[:1] if speaker_raw[:1] in MARKERS else ""
    return {
        "ext_minute_id": str(record["speechID"]),
        "seq": int(record["speechOrder"]),
        "speaker_raw": speaker_raw,
        "speaker_name": speaker,
        "speaker_role": role or None,
        "seat": None,
        "kind": diet_speech_kind(marker, role, record.get("speakerRole")),
        "text": body,
        "source_url": record.get("speechURL") or "",
    }


def parse_diet_attendance(front_matter: str) -> list[dict]:
    """出席委員 (衆議院) / 「出席者は左のとおり。」 (参議院) in 会議録情報 → [{seat, name, status}].

    衆議院 committees print the members two or three to a line, each ending in 君, offices in
    front (「理事 井上 信治君 理事 牧島かれん君」); 参議院 prints the office on its own line and
    the names under it. The list ends at the first heading that is not a member office
    (国務大臣, 政府参考人, a rule of …… or ――). Plenary sittings print no list: the generic
    seat-numbered reader gets its chance, and finds nothing there.
    """
    out: list[dict] = []
    seen: set[str] = set()
    status: str | None = None
    for raw in unicodedata.normalize("NFKC", front_matter).splitlines():
        line = raw.strip()
        if not line:
            continue
        if _PRESENT_HEADING.match(line):
            status = "present"
            line = _PRESENT_HEADING.sub("", line).strip(" 。")
            if not line:
                continue
        if status is None:
            continue
        if squash(line) in _MEMBER_HEADINGS:  # 参議院 prints 「理　事」 alone, the names below
            continue
        names = [_MEMBER_OFFICES.sub("", squash(n)) for n in _NAME_KUN.findall(line)]
        names = [n for n in names if n]
        if not names:
            status = None  # the next heading ends the members
            continue
        for name in names:
            if name not in seen:
                seen.add(name)
                out.append({"seat": None, "name": name, "status": status})
    return out or parse_attendance(front_matter)
