"""JFIT council video (`{slug}-city.stream.jfit.co.jp`) pages → records.

Pure functions of (body, url), as every parser here. The site is one PHP front page whose
`tpl` parameter picks the view (structure as public sources describe it; the tests' pages are
constructed in it, tests/video_pages/jfit/):

    ?kaigi_id=1&tpl=gikai_list                 the sessions (定例会 …), each → gikai_days_list
    ?tpl=gikai_days_list&gikai_id=N            its days (date, meeting), each → gikai_result
    ?tpl=gikai_result&…                        one day: a row (tr.font-90) per speaker, the speaker in
                                               li.font-bold, the faction in the li before it, the agenda
                                               in a td, the row linking to ?tpl=play_vod&inquiry_id=N
    ?tpl=play_vod&inquiry_id=N                 the player; div#bm_data holds base64 JSON whose
                                               playerSetting.source names the HLS/DASH sources
    ?tpl=speaker_result&speaker_id=N           one member's 一般質問: 定例会, date, topics, video link

Each inquiry is its own recording, so a segment starts at 0 of its own video.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector

from oshigiin.minutes.normalize import ERAS, parse_wareki
from oshigiin.minutes.parsers.discussnet import ParseError

_SPACES = re.compile(r"\s+")
_ISO = re.compile(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?")
_ERA_YEAR = re.compile(r"(明治|大正|昭和|平成|令和)(元|\d{1,2})年")
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
# 「佐藤花子議員」「佐藤　花子　委員」: the office the site prints after the name.
_TITLE_SUFFIX = re.compile(r"(議員|委員長|副委員長|委員|議長|副議長|君|氏)$")
_DATE_TEXT = re.compile(r"(?:(?:令和|平成|昭和)\s*(?:元|\d{1,2})\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"
                        r"(?:\s*[(（][^)）]*[)）])?|\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?")


@dataclass(frozen=True, slots=True)
class Session:
    gikai_id: str
    name: str          # 令和6年第1回定例会, NFKC and unspaced
    url: str


@dataclass(frozen=True, slots=True)
class Day:
    url: str           # the day's gikai_result page
    date: date | None
    meeting: str       # 本会議, 企画総務委員会 … as the list prints it, NFKC and unspaced
    label: str         # the whole link text


@dataclass(frozen=True, slots=True)
class Row:
    """One speaker's recording on a day's page, in the order the page lists them."""

    order: int
    inquiry_id: str
    speaker_raw: str   # as printed: 佐藤花子議員
    speaker_name: str  # the name without the office printed after it: 佐藤花子
    faction: str | None
    agenda: str | None
    url: str           # the play_vod page


@dataclass(frozen=True, slots=True)
class SpeakerQuestion:
    """One 一般質問 on a member's page (speaker_result)."""

    session: str
    date: date | None
    topics: tuple[str, ...]
    inquiry_id: str
    url: str


@dataclass
class DayPage:
    rows: list[Row] = field(default_factory=list)
    heading: str = ""
    date: date | None = None


def squash(text: str | None) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def speaker_name(printed: str) -> str:
    """「佐藤　花子議員」 → 「佐藤花子」: NFKC, no spaces, the printed office taken off."""
    name = squash(printed)
    stripped = _TITLE_SUFFIX.sub("", name)
    return stripped or name


def _text(node) -> str:
    return " ".join(t.strip() for t in node.xpath(".//text()").getall() if t.strip())


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items() if v}


def _selector(body: bytes | str) -> Selector:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not text.strip():
        raise ParseError("empty page")
    return Selector(text=text)


def parse_date(text: str, year_hint: int | None = None) -> date | None:
    """和暦, ISO or 「2024年2月22日」 dates; 「2月22日」 only with a year from the session's name."""
    norm = unicodedata.normalize("NFKC", text or "")
    if found := parse_wareki(norm):
        return found
    if m := _ISO.search(norm):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if year_hint and (m := _MONTH_DAY.search(norm)):
        try:
            return date(year_hint, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
    return None


def session_year(session: str) -> int | None:
    """「令和5年第4回定例会」 → 2023."""
    m = _ERA_YEAR.search(squash(session))
    if not m:
        return None
    return ERAS[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2)))


def parse_sessions(body: bytes | str, url: str = "") -> list[Session]:
    """gikai_list: every link to a session's days, in page order, once each."""
    sel = _selector(body)
    out, seen = [], set()
    for a in sel.css("a[href*='gikai_days_list']"):
        href = urljoin(url, a.attrib["href"])
        gikai_id = _query(href).get("gikai_id")
        if not gikai_id or gikai_id in seen:
            continue
        seen.add(gikai_id)
        out.append(Session(gikai_id, squash(_text(a)), href))
    if not out and not sel.css("body"):
        raise ParseError("gikai_list: not an HTML page")
    return out


def parse_days(body: bytes | str, url: str = "", session: str = "") -> list[Day]:
    """gikai_days_list: the session's days, each a link to its gikai_result page."""
    sel = _selector(body)
    year = session_year(session)
    out, seen = [], set()
    for a in sel.css("a[href*='gikai_result']"):
        href = urljoin(url, a.attrib["href"])
        if href in seen:
            continue
        seen.add(href)
        label = _text(a)
        # The date may sit in the link or elsewhere in its row.
        row = a.xpath("ancestor::tr[1]") or a.xpath("ancestor::li[1]") or [a]
        context = _text(row[0])
        when = parse_date(label, year) or parse_date(context, year)
        meeting = squash(_DATE_TEXT.sub(" ", label)) or squash(_DATE_TEXT.sub(" ", context))
        out.append(Day(href, when, meeting, squash(label)))
    return out


def parse_day(body: bytes | str, url: str = "", session: str = "") -> DayPage:
    """gikai_result: a row per speaker (tr.font-90) linking to its play_vod page."""
    sel = _selector(body)
    page = DayPage()
    heading = sel.css("h1, h2, h3, .title")
    page.heading = squash(_text(heading[0])) if heading else ""
    page.date = parse_date(page.heading, session_year(session))
    for tr in sel.css("tr.font-90"):
        link = tr.css("a[href*='play_vod']")
        if not link:
            continue
        href = urljoin(url, link[0].attrib["href"])
        inquiry = _query(href).get("inquiry_id")
        if not inquiry:
            raise ParseError(f"gikai_result: a play_vod link without inquiry_id ({href})")
        bold = tr.css("li.font-bold")
        if not bold:
            raise ParseError(f"gikai_result: row of inquiry {inquiry} names no speaker (li.font-bold)")
        printed = squash(_text(bold[0]))
        before = bold[0].xpath("preceding-sibling::li[1]")
        faction = squash(_text(before[0])) if before else None
        agenda = None
        for td in tr.xpath("./td"):
            if td.css("li") or td.css("a[href*='play_vod']"):
                continue
            if text := squash(_text(td)):
                agenda = text
                break
        page.rows.append(Row(len(page.rows) + 1, inquiry, printed, speaker_name(printed), faction or None,
                             agenda, href))
    return page


def parse_play(body: bytes | str, url: str = "") -> dict:
    """play_vod: {inquiry_id, sources: {kind: url}} from div#bm_data's base64 JSON."""
    sel = _selector(body)
    blob = sel.css("div#bm_data")
    if not blob:
        raise ParseError("play_vod: no div#bm_data")
    raw = "".join(blob[0].xpath(".//text()").getall()).strip() or blob[0].attrib.get("data-value", "")
    try:
        data = json.loads(base64.b64decode(raw, validate=False).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"play_vod: div#bm_data is not base64 JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ParseError("play_vod: div#bm_data holds no JSON object")
    source = (data.get("playerSetting") or {}).get("source")
    sources: dict[str, str] = {}
    if isinstance(source, str):
        sources["hls" if ".m3u8" in source else "dash" if ".mpd" in source else "media"] = source
    elif isinstance(source, dict):
        sources = {str(k): str(v) for k, v in source.items() if isinstance(v, str)}
    elif isinstance(source, list):
        for s in source:
            if isinstance(s, dict) and isinstance(s.get("src") or s.get("url"), str):
                sources[str(s.get("type") or len(sources))] = s.get("src") or s.get("url")
    if not sources:
        raise ParseError("play_vod: playerSetting.source names no media")
    return {"inquiry_id": _query(url).get("inquiry_id"), "sources": sources}


def parse_speaker(body: bytes | str, url: str = "") -> list[SpeakerQuestion]:
    """speaker_result: each 一般質問 of one member — the site's own search by member name."""
    sel = _selector(body)
    out = []
    for tr in sel.xpath("//tr[.//a[contains(@href, 'play_vod')]]"):
        href = urljoin(url, tr.css("a[href*='play_vod']")[0].attrib["href"])
        cells = [squash(_text(td)) for td in tr.xpath("./td")]
        session = next((c for c in cells if "定例会" in c or "臨時会" in c), "")
        when = None
        for c in cells:
            if when := parse_date(c, session_year(session)):
                break
        topics = tuple(squash(_text(li)) for li in tr.css("li") if squash(_text(li)))
        out.append(SpeakerQuestion(session, when, topics, _query(href).get("inquiry_id", ""), href))
    return out
