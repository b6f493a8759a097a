"""VOICES/Web (gijiroku.com tenants and self-hosted copies) pages → records.

世田谷 (kugi.city.setagaya.tokyo.jp/voices/), 港, 台東, 大田 (/ota/), 杉並, 板橋, 足立, 江戸川 and
hundreds of other councils run this CGI. Every page comes from one program, `<root>/cgi/voiweb.exe`,
chosen by ACT (see ../shared/fixtures/minutes-systems/gijiroku-com):
  ACT=100&KTYP=…&KGTP=…&FYY=&TYY=     会議日程一覧: one row per document (FINO), grouped by KGNO
  ACT=200&KGNO=&FINO=&UNID=           the frameset a person opens for one document
  ACT=203&FINO=                       the document's first passage (名簿); HATSUGENMODE=1 asks for all
  ACT=202&FINO=                       発言一覧 (sidebar): every passage's HUID, marker and speaker
  ACT=203&FINO=&HUID=                 one passage (発言), opening with its speaker line
A document's text is cut into passages at `<A NAME="HUIDnnn">`: the 名簿 first, then one per speech.
Servers send Shift_JIS; the recorded fixtures are UTF-8 — `decode` reads both.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector

from oshigiin.minutes.normalize import ERAS, kanji_number, parse_wareki
from oshigiin.minutes.parsers.discussnet import ParseError, squash
from oshigiin.minutes.segment import segment
from oshigiin.minutes.speakers import MARKERS, speech_kind, split_speaker


class ServerBusy(ParseError):
    """VOICES' 「Server Busy」 page, sent with HTTP 200 when the CGI is overloaded: worth a retry."""


# Set_Arr_List(mode, huid, …) in the sidebar files a passage under 質問 (2) or 答弁 (3).
GROUPS = {"2": "question", "3": "answer"}
_TYPE_CODES = {"question": 5, "answer": 6}  # speech_kind's DiscussNet codes

_CHARSET = re.compile(rb"charset=[\"']?([\w-]+)", re.I)
_BUSY = re.compile(r"<title>\s*Server\s+Busy\s*</title>", re.I)
_HITS = re.compile(r"(\d+)\s*件の日程がヒット")
_WINOPEN = re.compile(r"'([^']*ACT=200[^']*)'", re.I)
_HUID_ANCHOR = re.compile(r"<a\s+name=[\"']?HUID(\d+)[\"']?\s*>\s*</a>", re.I)
_DROP = re.compile(r"<(script|style|form)\b.*?</\1\s*>", re.I | re.S)
_BODY = re.compile(r"<body\b[^>]*>(.*?)(?:</body\s*>|$)", re.I | re.S)
_BREAK = re.compile(r"<br\s*/?>|</?p\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_ARR_LIST = re.compile(r"Set_Arr_List\(\s*'([123])'\s*,\s*'(\d+)'")
_BRACKETED = re.compile(r"^[（(].*[）)]$")
_ERA_PREFIX = re.compile(r"^(明治|大正|昭和|平成|令和)(元|\d{1,2})年(?:(\d{1,2})月)?(?:(\d{1,2})日)?")
_SESSION = re.compile(r"^.*?(?:定例会|臨時会)(?:第?\d+月定例会議)?")
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
_NUMBER = re.compile(r"(\d+)号")
# △ marks an agenda heading on VOICES pages (「△開会の宣告」), not a speaker.
_HEADING_MARKERS = "△"
# 「議長（黒田健祐君）」, 「２０番（鈴木まさし議員）」, 「（植竹　貴副区長）」: the speaker ends at the bracket.
_BRACKETED_SPEAKER = re.compile(r"[^\s（(]{0,20}[（(][^）)\n]{1,30}[）)]")
# The sidebar's 「委員長(塩田)」: office, then the name in brackets.
_LABEL = re.compile(r"^([^（(]+)[（(]")


@dataclass(frozen=True, slots=True)
class ListedDocument:
    """One row of the 会議日程一覧: 「令和　６年　３月定例会,02月28日-03号」."""

    fino: str          # the document (one sitting's minutes); the CGI needs nothing else to find it
    kgno: str          # the 会議 it belongs to (every sitting of a 定例会 shares one)
    unid: str
    title: str         # as printed, full-width padding kept: 「令和　６年　３月定例会」
    label: str         # 「02月28日-03号」, 「03月22日-付録」, 「目次」
    href: str          # the ACT=200 frameset link, relative to the list page

    @property
    def is_contents(self) -> bool:
        # A 目次 document lists a session's agenda and page numbers, not speeches.
        return "目次" in self.label


@dataclass(frozen=True, slots=True)
class MeetingList:
    documents: list[ListedDocument]
    declared: int | None   # 「190件の日程がヒットしました」
    more: list[str]        # links to further pages / years of the same list, relative


@dataclass(frozen=True, slots=True)
class Passage:
    huid: str
    text: str


@dataclass(frozen=True, slots=True)
class Header:
    """The document's opening passage (名簿): title, place and time, who attended."""

    title: str
    front_matter: str
    passages: list[Passage] = field(default_factory=list)  # every passage the page carried

    @property
    def date(self) -> date | None:
        return parse_wareki(self.front_matter)


@dataclass(frozen=True, slots=True)
class SidebarEntry:
    """One line of the 発言一覧: 「○ 委員長(塩田) (P.2)」 linking to its HUID page."""

    huid: str
    marker: str        # ○ ◎ ◆ …, "" for 名簿 and other unmarked passages
    label: str         # 「委員長(塩田)」, 「(名簿)」
    page: str          # printed page of the minutes, 「2」
    href: str          # the ACT=203&HUID= link, relative to the sidebar
    group: str | None = None  # question | answer when the sidebar files it so

    @property
    def is_front_matter(self) -> bool:
        return not self.marker and bool(_BRACKETED.match(self.label))

    @property
    def is_speech(self) -> bool:
        """Worth fetching: not the 名簿 or a bracketed note, not an agenda heading."""
        return not self.is_front_matter and self.marker not in _HEADING_MARKERS


@dataclass(frozen=True, slots=True)
class Speech:
    """One HUID passage read as a speech."""

    huid: str
    marker: str
    speaker_raw: str   # marker + speaker as printed: 「○塩田　委員長」; "" when the page names none
    text: str          # everything after the speaker line
    heading: bool = False


def decode(body: bytes | str) -> str:
    """Bytes → text: UTF-8 when they read as UTF-8 (the recorded fixtures), else the declared
    EUC-JP, else cp932 (what live servers send, whatever the page declares)."""
    if isinstance(body, str):
        return body
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Pages declare charset=Shift_JIS; cp932 is its superset with the NEC/IBM extensions (①, 髙).
    m = _CHARSET.search(body[:2048])
    declared = m.group(1).decode("ascii").lower() if m else ""
    if declared in ("euc-jp", "euc_jp"):
        return body.decode("euc_jp", "replace")
    return body.decode("cp932", "replace")


def _page(body: bytes | str, what: str) -> str:
    text = decode(body)
    if _BUSY.search(text[:2000]):
        raise ServerBusy(f"{what}: the server answered 「Server Busy」")
    return text


def query_params(url: str) -> dict[str, str]:
    """A VOICES link's query, names upper-cased: 「…&KGNO=&FINO=2778」 → {"KGNO": "", "FINO": "2778"}."""
    # Values such as TITL_SUBT are percent-encoded Shift_JIS; only the ASCII ids are read here.
    query = parse_qs(urlsplit(html.unescape(url)).query, keep_blank_values=True, encoding="latin-1")
    return {k.upper(): v[0] for k, v in query.items()}


def _text(nodes: list[str]) -> str:
    return " ".join("".join(nodes).replace("\xa0", " ").split())


def parse_list_page(body: bytes | str) -> MeetingList:
    """`voiweb.exe?ACT=100&KTYP=0,1,2,3&KGTP=1,3&FYY=2024&TYY=2024` → the listed documents.

    Each row is 「<folder link>令和　６年　３月定例会,<a onClick="winopen('voiweb.exe?ACT=200&…
    &KGNO=1728&FINO=2602&UNID=…')">02月28日-03号</a>」; older installs put the ACT=200 link in
    href instead of winopen(). The folder link (ACT=100&FINO=) only unfolds the speakers in place.
    """
    text = _page(body, "meeting list")
    sel = Selector(text=text)
    documents, seen = [], set()
    for a in sel.xpath("//a[contains(@onclick, 'ACT=200') or contains(@href, 'ACT=200')]"):
        href = a.attrib.get("href", "")
        if "ACT=200" not in href:
            m = _WINOPEN.search(a.attrib.get("onclick", ""))
            if not m:
                continue
            href = m.group(1)
        params = query_params(href)
        fino = params.get("FINO", "")
        if not fino.isdigit() or fino in seen:
            continue
        seen.add(fino)
        title = "".join(a.xpath("preceding-sibling::text()[1]").getall()).replace("\xa0", " ").strip()
        documents.append(ListedDocument(
            fino=fino, kgno=params.get("KGNO", ""), unid=params.get("UNID", ""),
            title=title.rstrip(",、").strip(), label=_text(a.xpath(".//text()").getall()),
            href=html.unescape(href),
        ))
    hits = _HITS.search(text)
    if not documents and not hits:
        raise ParseError("meeting list: no ACT=200 document links and no 「件の日程がヒット」 count")
    more = []
    for href in sel.xpath("//a[contains(@href, 'ACT=100')]/@href").getall():
        params = query_params(href)
        # Page and year links; not the folder links (FINO) nor the paging of an unfolded branch (TITL_SUBT).
        if ("PAGE" in params or "YEAR" in params) and "FINO" not in params and "TITL_SUBT" not in params:
            href = html.unescape(href)
            if href not in more:
                more.append(href)
    return MeetingList(documents, int(hits.group(1)) if hits else None, more)


def parse_meeting_list(body: bytes | str) -> list[ListedDocument]:
    """The documents of one 会議日程一覧 page (see `parse_list_page`)."""
    return parse_list_page(body).documents


def html_to_text(fragment: str) -> str:
    """A passage's HTML → its text: <BR> ends a line, tags go, entities are read; padding is kept."""
    text = _TAG.sub("", _BREAK.sub("\n", fragment))
    lines = [line.rstrip() for line in html.unescape(text).replace("\r", "").split("\n")]
    return "\n".join(lines).strip("\n")


def parse_passages(body: bytes | str) -> list[Passage]:
    """Any ACT=203 page → its passages, cut at `<A NAME="HUIDnnn">`, in page order."""
    text = _page(body, "document page")
    m = _BODY.search(text)
    content = _DROP.sub("", m.group(1) if m else text)
    parts = _HUID_ANCHOR.split(content)
    if len(parts) < 3:
        raise ParseError("document page: no <A NAME=\"HUID…\"> passage anchor")
    return [Passage(parts[i], html_to_text(parts[i + 1])) for i in range(1, len(parts), 2)]


def parse_header(body: bytes | str) -> Header:
    """`voiweb.exe?ACT=203&FINO=2778` → the document's 名簿 passage.

    It opens with the document title as listed (「令和　６年１２月２６日議会運営委員会」), then the
    council's heading, the date and time, and the 出席/欠席 lists. With HATSUGENMODE=1 some servers
    send the whole document here; every passage is kept in `passages`.
    """
    passages = parse_passages(body)
    first = passages[0].text
    title = next((line.strip() for line in first.splitlines() if line.strip()), "")
    return Header(title=title, front_matter=first, passages=passages)


def parse_sidebar(body: bytes | str) -> list[SidebarEntry]:
    """`voiweb.exe?ACT=202&FINO=2778` → the 発言一覧, in document order.

    Each line is a small table: checkbox (VALUE=HUID) | icon | marker | <A HREF="voiweb.exe?ACT=203
    &…&HUID=338564&KGNO=&FINO=2778…"><B>委員長(塩田)</B></A> | (P.2). A passage listed twice (the
    質問/答弁 sub-lists) is kept once, where it first appears.
    """
    text = _page(body, "sidebar")
    groups = {huid: GROUPS[mode] for mode, huid in _ARR_LIST.findall(text) if mode in GROUPS}
    entries, seen = [], set()
    for a in Selector(text=text).xpath("//a[contains(@href, 'HUID=')]"):
        href = html.unescape(a.attrib["href"])
        params = query_params(href)
        huid = params.get("HUID", "")
        if params.get("ACT") != "203" or not huid.isdigit() or huid in seen:
            continue
        seen.add(huid)
        marker = _text(a.xpath("ancestor::td[1]/preceding-sibling::td[1]//text()").getall())
        page = _text(a.xpath("ancestor::td[1]/following-sibling::td[1]//text()").getall())
        entries.append(SidebarEntry(
            huid=huid, marker=marker if marker and marker[0] in MARKERS else "",
            label=_text(a.xpath(".//text()").getall()), page=page.strip("()（）").removeprefix("P.").strip(),
            href=href, group=groups.get(huid),
        ))
    if not entries and "Form_Word" not in text:
        raise ParseError("sidebar: no ACT=203&HUID= links and no 発言一覧 form")
    return entries


def _speaker_end(line: str, label: str) -> int | None:
    """Where the speaker ends on a passage's first line (after its marker), if it can be told.

    「議長（黒田健祐君）　…」 ends at the bracket. 「塩田　委員長　　改めまして…」 and 「中村　委員長
    ただいまから…」 print the office after the name with one or two spaces before the speech; the
    sidebar's label (「委員長(塩田)」) names that office, so the speaker ends after it.
    """
    if m := _BRACKETED_SPEAKER.match(line):
        return m.end()
    office = _LABEL.match(label or "")
    if office and (m := re.search(re.escape(office.group(1)) + r"(?=\s|$)", line[:40])):
        return m.end()
    return None


def read_speech(passage: Passage, label: str = "") -> Speech:
    """A passage's text → speaker line and speech, keeping every character after the speaker.

    The whole passage is one speech: a later line opening with a marker (「●　所管事項の報告に
    ついて」) is part of it, not a new speaker. `label` is the sidebar's 「委員長(塩田)」 for it.
    """
    text = passage.text
    body = text.lstrip(" \t\u3000\n")
    marker = body[:1] if body[:1] in MARKERS else ""
    if not marker:
        return Speech(passage.huid, "", "", text.strip())
    line = body[1:].split("\n", 1)[0]
    end = _speaker_end(line, label)
    if end is None:
        # The generic reading of a speaker line (pipeline.segment), for pages without a sidebar label.
        first = segment(body).segments[0]
        end = len(first.speaker_raw) - 1
    return Speech(passage.huid, marker, marker + line[:end].rstrip(), body[1 + end:].strip(),
                  heading=marker in _HEADING_MARKERS)


def parse_huid_page(body: bytes | str, huid: str | None = None, label: str = "") -> Speech:
    """`voiweb.exe?ACT=203&HUID=338564&FINO=2778` → that passage as a speech.

    `huid` picks the passage when the page carries several; a page without it is the wrong page.
    `label` is the sidebar's speaker label for it (「委員長(塩田)」), which tells where the speaker ends.
    """
    passages = parse_passages(body)
    if huid is None:
        return read_speech(passages[0], label)
    for p in passages:
        if p.huid == str(huid):
            return read_speech(p, label)
    raise ParseError(f"HUID page: passage {huid} is not on the page (found {passages[0].huid}…)")


def assemble_speeches(entries: list[SidebarEntry], speeches: dict[str, Speech], sidebar_url: str) -> list[dict]:
    """Speeches in sidebar order, as the records every parser yields (see discussnet.parse_minute).

    A passage whose page names no speaker takes the sidebar's (「◎議会局長(川崎)」); agenda headings
    and passages that were not fetched are left out.
    """
    out = []
    for entry in entries:
        speech = speeches.get(entry.huid)
        if speech is None or speech.heading:
            continue
        marker = speech.marker or entry.marker
        speaker_raw = speech.speaker_raw or f"{entry.marker}{entry.label}"
        speaker = split_speaker(speaker_raw)
        out.append({
            "ext_minute_id": entry.huid,
            "seq": len(out) + 1,
            "speaker_raw": speaker_raw,
            "speaker_name": speaker.name,
            "speaker_role": speaker.role,
            "seat": speaker.seat,
            "kind": speech_kind(marker, speaker.role, _TYPE_CODES.get(entry.group or "")),
            "text": speech.text,
            "source_url": urljoin(sidebar_url, entry.href),
        })
    return out


@dataclass(frozen=True, slots=True)
class MeetingFields:
    title: str
    kind: str
    session: str | None
    committee: str | None
    date: date | None
    number: int | None


def meeting_fields(doc: ListedDocument, header: Header | None = None) -> MeetingFields:
    """What the list row says about a document: 「令和　６年　３月定例会」 + 「02月28日-03号」.

    The year is the title's 和暦 year and the day the label's; a 12月 session sitting in January
    rolls over. The header's first printed date is the fallback.
    """
    name = squash(doc.title or (header.title if header else ""))
    label = squash(doc.label)
    era = _ERA_PREFIX.match(name)
    body = name[era.end():] if era else name
    session_m = _SESSION.match(name)
    session = session_m.group(0) if session_m else None
    if re.search(r"委員会|分科会", body):
        # 「令和6年12月26日議会運営委員会」, or after a session: 「令和6年第1回定例会総務委員会」.
        kind, committee = "委員会", (name[len(session):] if session else "") or body
    elif re.search(r"定例会|臨時会|本会議", body):
        kind, committee = "本会議", None
    else:
        kind, committee = "その他", None
    when = None
    md = _MONTH_DAY.search(label)
    if era and md:
        year = ERAS[era.group(1)] + kanji_number(era.group(2))
        month, day = int(md.group(1)), int(md.group(2))
        if era.group(3) and int(era.group(3)) >= 11 and month <= 4:
            year += 1
        try:
            when = date(year, month, day)
        except ValueError:
            when = None
    if when is None and header is not None:
        when = header.date
    number = _NUMBER.search(label)
    return MeetingFields(
        title=f"{name} {label}".strip(), kind=kind, session=session, committee=committee,
        date=when, number=int(number.group(1)) if number else None,
    )
