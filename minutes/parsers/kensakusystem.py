"""kensakusystem.jp (会議録検索システム) pages → records.

Pure functions of the response body: the spider navigates, these read. A tenant lives under
`https://www.kensakusystem.jp/<tenant>/` (目黒 /meguro/, 豊島, 葛飾, 弘前 /hirosaki/ …) and its
CGIs under `cgi-bin3/` (some tenants `cgi-bin2/`); see ../shared/fixtures/minutes-systems/kensakusystem:
  index.html | sapphire.html            top page: the 会議録の閲覧 link `See.exe?Code=<token>`
  See.exe (GET, then POST `treedepth`)   the browse tree, one level per request: year tabs →
                                         years → 定例会/委員会 → documents (ResultFrame.exe links)
  ResultFrame.exe?Code=&fileName=       one document: a frameset (MENU = speakers, TEXTW = text)
  r_Speakers.exe?<Code>/<fileName>/…     the document's statements, one `downloadPos` checkbox each
  GetPerson.exe (POST downloadPos…)      the chosen statements as plain text (the ダウンロード button)

Live servers send Shift_JIS with NEC/IBM extension characters (①, ㈱, 﨑, 髙), so bytes are
decoded as cp932 unless they are UTF-8 (the recorded fixtures are stored transcoded). Two
deployment generations exist side by side (the sapphire.html and the index.html tops, tree
nodes as `onClick="…treedepth.value='…'"` or as `data-depth="…"`); everything is found by
structure — the viewtree form, the ResultFrame links, the downloadPos inputs — not by layout.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from parsel import Selector

from oshigiin.minutes.attendance import parse_attendance
from oshigiin.minutes.normalize import ERAS, kanji_number, parse_wareki
from oshigiin.minutes.parsers.discussnet import ParseError
from oshigiin.minutes.segment import Document, segment, speeches

_SPACES = re.compile(r"\s+")
# 「令和 7年」, 「平成28年」, 「令和元年」: the year a tree label (and so its subtree) belongs to.
_LABEL_YEAR = re.compile(r"^\s*(明治|大正|昭和|平成|令和)\s*(元|\d{1,2})\s*年")
_YEAR_ONLY = re.compile(r"^\s*(?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})\s*年\s*$")
# onClick="document.viewtree.treedepth.value='令和 7年 第1回定例会 '" (the trailing space is part of
# the label and must go back to the server as it came). Some nodes set more than one field.
_FORM_ASSIGN = re.compile(r"""document\.viewtree\.(\w+)\.value\s*=\s*(['"])(.*?)\2""", re.S)
# fileName: 「R070217A」 (era letter, yymmdd, serial), 「R080318B01」 on committees. Tables and lists
# filed beside the minutes are named 「R080119MOKU」, 「R070220QUES.html」, 「R07060004KETS.html」.
_FILE_DATE = re.compile(r"^([MTSHR])(\d{2})(\d{2})(\d{2})")
_FILE_ERAS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_NOT_MINUTES = re.compile(r"\.|[A-Za-z]{3,}$")
_NUMBERED = re.compile(r"No\.\s*(\d+)")
_PAGE_LINK = re.compile(r"P\.\s*(\d+)")
# GetPerson.exe marks printed page breaks in the running text.
_PAGE_MARK = re.compile(r'<PAGE="\d+">[ \t]*\n?')
_HEADER_LINE = re.compile(r"^(?P<key>[^：:\n]{1,8})[：:](?P<value>[^\n]*)$")
_NAME = re.compile(r"^(?P<session>.*?)\s*[（(](?P<detail>[^（）()]*)[）)]\s*$")
_GOU = re.compile(r"第\s*(\d+)\s*号")
# 「議事日程（第１号）」, 「目黒区議会会議録　　第１号」 — not 「議案第１号」 further down.
_FRONT_GOU = re.compile(r"(?:会議録|議事日程)[\s（(]*第\s*(\d+)\s*号")
_SESSION_PREFIX = re.compile(r"^(?:明治|大正|昭和|平成|令和)(?:元|\d{1,2})年(?:第\d+回(?:定例会|臨時会))?")
# Roster sections that some tenants mark like speeches (「〇出席議員（２５名）」): front matter, not talk.
_FRONT_HEADING = re.compile(r"^(?:出席|欠席|説明のため|職務のため|議事日程|本日の会議に付した事件|会議録署名)")

# How many statements one GetPerson.exe download asks for. The CGI answers one long form
# with less than was asked on some tenants (a public crawler of 高砂市 re-fetches in 60s when
# the text comes back short), so big sittings are fetched in parts and joined.
DOWNLOAD_CHUNK = 60


# -- decoding -------------------------------------------------------------------------------

def decode(body: bytes | str) -> str:
    """UTF-8 (recorded fixtures, a BOM) if it is valid UTF-8, else the live servers' cp932."""
    if isinstance(body, str):
        return body
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp932", errors="replace")


def squash(text: str) -> str:
    """NFKC with all spacing removed: 「令和 7年第1回定例会」 → 「令和7年第1回定例会」."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def _text(sel) -> str:
    return _SPACES.sub(" ", "".join(sel.xpath(".//text()").getall())).strip()


def label_year(label: str | None) -> int | None:
    """The western year a tree label starts with: 「令和 7年 第1回定例会 」 → 2025."""
    m = _LABEL_YEAR.match(unicodedata.normalize("NFKC", label or ""))
    return ERAS[m.group(1)] + kanji_number(m.group(2)) if m else None


def date_from_file_code(code: str) -> date | None:
    """`R070217A` → 2025-02-17: the platform names a sitting's file after its date."""
    m = _FILE_DATE.match(code or "")
    if not m:
        return None
    era, year, month, day = m.groups()
    try:
        return date(ERAS[_FILE_ERAS[era]] + int(year), int(month), int(day))
    except ValueError:
        return None


# -- top page -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TopPage:
    see_url: str   # the 会議録の閲覧 link as printed: 「cgi-bin3/See.exe?Code=hxcvax8v0tgrybompl」
    code: str      # the tenant's session token, carried by every later request


def parse_top(body: bytes | str) -> TopPage:
    """The tenant's top page (`/<tenant>/`, index.html or sapphire.html) → the browse tree link."""
    sel = Selector(text=decode(body))
    for href in sel.xpath("//a/@href").getall():
        parts = urlsplit(html.unescape(href.strip()))
        if parts.path.endswith("See.exe"):
            code = dict(parse_qsl(parts.query)).get("Code")
            if code:
                return TopPage(see_url=href.strip(), code=code)
    raise ParseError("no See.exe?Code= link: not a kensakusystem top page")


# -- browse tree ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TreeNode:
    """One entry of a See.exe tree page: a node to open, or a document leaf.

    A node is opened by POSTing `fields` (the viewtree form with its `treedepth`) to `url`;
    a document is opened by GETting `url` (ResultFrame.exe?Code=&fileName=&startPos=0).
    """

    # as shown: 「企画総務委員会」, a tab's alt 「令和 2年～令和 5年」, a document's 「（第1号 2月17日）」
    label: str
    url: str                    # as printed in the page; resolve against the page's URL
    method: str                 # POST (node) | GET (document)
    fields: dict[str, str] = field(default_factory=dict)
    file_code: str | None = None  # the document's fileName, for leaves

    @property
    def is_document(self) -> bool:
        return self.file_code is not None

    @property
    def depth(self) -> str | None:
        return None if self.is_document else self.fields.get("treedepth")

    @property
    def is_year(self) -> bool:
        """A year node (「令和 7年」): the tabs and the years they group."""
        return not self.is_document and bool(_YEAR_ONLY.match(self.depth or ""))

    @property
    def year(self) -> int | None:
        if self.is_document:
            d = date_from_file_code(self.file_code)
            return d.year if d else None
        return label_year(self.depth)

    @property
    def is_minutes(self) -> bool:
        """False for the tables of contents, question lists and resolutions filed beside the minutes."""
        return self.is_document and not _NOT_MINUTES.search(self.file_code)


def _tree_form(sel: Selector) -> tuple[str, dict[str, str]]:
    forms = sel.xpath("//form[@name='viewtree']") or sel.xpath("//form[contains(@action, 'See.exe')]")
    if not forms:
        raise ParseError("no viewtree form: not a See.exe tree page")
    form = forms[0]
    fields = {}
    for inp in form.xpath(".//input[@name]"):
        if (inp.xpath("@type").get() or "hidden").lower() == "hidden":
            fields[inp.xpath("@name").get()] = inp.xpath("@value").get() or ""
    return form.xpath("@action").get() or "See.exe", fields


def parse_tree(body: bytes | str) -> list[TreeNode]:
    """A See.exe page (GET `See.exe?Code=`, or POST Code + treedepth) → its nodes and documents.

    Every page repeats the year tabs and the path to the open node, so the same node turns up
    on many pages; callers dedupe by `depth` / `file_code`. The page's HTML comments carry a
    template copy of the tabs, which a selector never sees.
    """
    sel = Selector(text=decode(body))
    action, form_fields = _tree_form(sel)
    nodes: list[TreeNode] = []
    seen: set[tuple[str, str]] = set()
    for a in sel.xpath("//a"):
        onclick = a.xpath("@onclick").get() or ""
        assigned = {m.group(1): html.unescape(m.group(3)) for m in _FORM_ASSIGN.finditer(onclick)}
        data_depth = a.xpath("@data-depth").get()
        if data_depth is not None and "treedepth" not in assigned:
            assigned["treedepth"] = data_depth  # the newer generation's <a class="js-tree-submit">
        label = _text(a) or (a.xpath(".//img/@alt").get() or "").strip()
        if "treedepth" in assigned:
            key = ("node", assigned["treedepth"])
            if key not in seen:
                seen.add(key)
                nodes.append(TreeNode(label=label, url=action, method="POST", fields={**form_fields, **assigned}))
            continue
        href = (a.xpath("@href").get() or "").strip()
        parts = urlsplit(html.unescape(href))
        if not parts.path.endswith("ResultFrame.exe"):
            continue
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        code = query.get("fileName")
        if code and ("doc", code) not in seen:
            seen.add(("doc", code))
            nodes.append(TreeNode(label=label, url=html.unescape(href), method="GET", fields=query, file_code=code))
    if not nodes:
        raise ParseError("a See.exe page with no tree nodes and no documents")
    return nodes


# -- one document ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Frameset:
    title: str          # 「令和 7年第1回定例会（第1日 2月17日）」
    speakers_url: str   # MENU frame: r_Speakers.exe?<Code>/<fileName>/0/0//10/1/…
    text_url: str | None  # TEXTW frame: r_TextFrame.exe?…


def parse_frameset(body: bytes | str) -> Frameset:
    """ResultFrame.exe?Code=&fileName=&startPos= → the document's title and its two frames."""
    sel = Selector(text=decode(body))
    frames = {(f.xpath("@name").get() or "").upper(): (f.xpath("@src").get() or "").strip()
              for f in sel.xpath("//frame")}
    srcs = list(frames.values())
    speakers = next((s for s in srcs if "r_Speakers.exe" in s), None) or frames.get("MENU")
    if not speakers:
        raise ParseError("no r_Speakers.exe frame: not a ResultFrame.exe frameset")
    text = next((s for s in srcs if "TextFrame.exe" in s), None) or frames.get("TEXTW")
    title = _SPACES.sub(" ", sel.xpath("string(//title)").get() or "").strip()
    return Frameset(title=title, speakers_url=html.unescape(speakers), text_url=html.unescape(text) if text else None)


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One checkbox of the speakers page: a statement and where it starts in the document."""

    position: int        # downloadPos: the statement's offset in the document file
    speaker: str         # 「おのせ康裕議長」, 「議長（清野一榮議員）」, or 「議事日程」 for the front matter
    number: int | None   # 「No.3」; None for the front matter
    page: int | None     # printed page (「P.2」) where the page link is shown
    preview: str = ""    # the statement's opening words, as the page previews them


@dataclass(frozen=True, slots=True)
class SpeakersPage:
    action: str                 # the download form's action: 「/meguro/cgi-bin3/GetPerson.exe」
    fields: dict[str, str]      # its hidden fields: Code, fileName
    entries: list[StatementEntry]
    crumbs: list[str]           # the path shown above the list: 「令和 7年」, 「第1回定例会」, 「（第1日 2月17日）」

    def download_forms(self, chunk: int = DOWNLOAD_CHUNK) -> list[list[tuple[str, str]]]:
        """The form data of the GetPerson.exe POSTs that download every statement, in order."""
        positions = [str(e.position) for e in self.entries]
        base = list(self.fields.items())
        return [base + [("downloadPos", p) for p in positions[i:i + chunk]]
                for i in range(0, len(positions), chunk)]


def parse_speakers(body: bytes | str) -> SpeakersPage:
    """r_Speakers.exe?<Code>/<fileName>/… (the MENU frame) → the statements and the download form."""
    sel = Selector(text=decode(body))
    boxes = sel.xpath("//input[@name='downloadPos']")
    if not boxes:
        raise ParseError("no downloadPos checkboxes: not an r_Speakers.exe page with a download form")
    form = sel.xpath("//form[.//input[@name='downloadPos']]") or sel.xpath("//form[@name='download']")
    action = form.xpath("@action").get() if form else None
    if not action:
        raise ParseError("speakers page: the download form has no action")
    fields = {inp.xpath("@name").get(): inp.xpath("@value").get() or ""
              for inp in form[0].xpath(".//input[@name]")
              if (inp.xpath("@type").get() or "").lower() == "hidden"}
    entries = []
    for box in boxes:
        row = box.xpath("ancestor::tr[1]")
        speaker = _text(row.xpath(".//a[contains(@href, 'TextFrame.exe')]")) if row else ""
        cells = _text(row) if row else ""
        number = _NUMBERED.search(cells)
        page = _PAGE_LINK.search(_text(row.xpath(".//a[contains(@href, 'PageFrame.exe')]"))) if row else None
        preview_row = row.xpath("following-sibling::tr[1][not(.//input[@name='downloadPos'])]") if row else []
        preview = "".join(preview_row.xpath(".//div//text()").getall()).strip() if preview_row else ""
        entries.append(StatementEntry(
            position=int(box.xpath("@value").get()), speaker=speaker,
            number=int(number.group(1)) if number else None,
            page=int(page.group(1)) if page else None, preview=preview,
        ))
    crumbs = [_text(a) for a in sel.xpath("//a[contains(@href, 'r_Speakers.exe')]")]
    return SpeakersPage(action=action, fields=fields, entries=entries, crumbs=[c for c in crumbs if c])


# -- the statements download ----------------------------------------------------------------

def _clean(text: str) -> str:
    return _PAGE_MARK.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _split_header(text: str) -> tuple[dict[str, str], str]:
    """「開催日：令和 7年 2月17日」「会議名：…」 lines at the top, then a blank line, then the minutes."""
    header: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines) and (m := _HEADER_LINE.match(lines[i].strip())):
        header[m.group("key").strip()] = m.group("value").strip()
        i += 1
    if not header or (i < len(lines) and lines[i].strip()):
        return {}, text  # no header block: a minutes line that happens to hold a colon
    return header, "\n".join(lines[i:]).lstrip("\n")


def join_statement_parts(parts: list[bytes | str]) -> str:
    """Downloads of consecutive statement chunks → one text; each part repeats the 開催日/会議名 header."""
    texts = [_clean(decode(p)) for p in parts]
    if not texts:
        return ""
    out = [texts[0].rstrip("\n")]
    for t in texts[1:]:
        _, rest = _split_header(t)
        out.append(rest.strip("\n"))
    return "\n\n".join(out) + "\n"


def describe_meeting(name: str) -> dict:
    """A 会議名 (「令和 7年第1回定例会（第1日 2月17日）」) → session, title, kind, committee, number."""
    name = (name or "").strip()
    m = _NAME.match(unicodedata.normalize("NFKC", name))
    session_raw, detail = (m.group("session"), m.group("detail")) if m else (name, "")
    session = squash(session_raw) or None
    title = " ".join(x for x in (session, squash(detail)) if x)
    compact = squash(name)
    if "委員会" in compact:
        kind = "委員会"
    elif re.search("定例会|臨時会|本会議", compact):
        kind = "本会議"
    else:
        kind = "その他"
    committee = None
    if kind == "委員会":
        rest = _SESSION_PREFIX.sub("", session or "")
        cm = re.search(r".*?委員会", rest)
        committee = cm.group(0) if cm else session
    gou = _GOU.search(compact)
    return {"name": name, "session": session, "title": title, "kind": kind, "committee": committee,
            "number": int(gou.group(1)) if gou else None}


def _reclassify(doc: Document) -> Document:
    segments = [replace(s, heading=True) if not s.heading and _FRONT_HEADING.match(squash(s.speaker_raw[1:]))
                else s for s in doc.segments]
    return Document(front=doc.front, segments=segments)


def parse_statements(body: bytes | str) -> dict:
    """GetPerson.exe (POST Code, fileName, downloadPos…) plain text → one meeting.

    The header lines give the date and the 会議名; the running text is split at speaker
    markers by pipeline.segment (◎/○ agenda headings are not speeches). The front matter —
    everything before the first speech, the 議事日程 statement included — gives attendance.
    Speech `ext_minute_id`s are their 1-based position in the document: the platform has no
    per-statement id (downloadPos is a byte offset that moves when the text is corrected).
    """
    text = _clean(decode(body))
    head = text.lstrip()[:2000].lower()
    if head.startswith("<!doctype") or "<html" in head or "<body" in head:
        raise ParseError("GetPerson.exe answered an HTML page, not the statements text")
    header, minutes = _split_header(text)
    doc = _reclassify(segment(minutes))
    if not header.get("開催日") and not header.get("会議名") and not doc.segments:
        raise ParseError("no 開催日/会議名 header and no speaker markers: not a statements download")
    front = [doc.front]
    for seg in doc.segments:
        if not seg.heading:
            break
        front.append(seg.raw)
    front_matter = "".join(front)
    meeting = describe_meeting(header.get("会議名", ""))
    if meeting["number"] is None and (m := _FRONT_GOU.search(unicodedata.normalize("NFKC", front_matter))):
        meeting["number"] = int(m.group(1))
    return {
        **meeting,
        "date": parse_wareki(header.get("開催日", "")),
        "header": header,
        "front_matter": front_matter,
        "attendance": parse_attendance(front_matter),
        "speeches": speeches(doc),
    }


def align_positions(speech_records: list[dict], entries: list[StatementEntry]) -> list[int] | None:
    """Each speech's downloadPos, when the speakers page and the segmented text line up one to one.

    The numbered entries (「No.1」…) are the statements; the unnumbered one is the 議事日程. They
    line up when there are as many as there are speeches and the printed speakers agree;
    otherwise None, and callers link speeches to the document as a whole.
    """
    numbered = [e for e in entries if e.number is not None]
    if not numbered or len(numbered) != len(speech_records):
        return None
    agree = 0
    for entry, speech in zip(numbered, speech_records, strict=True):
        a, b = squash(entry.speaker), squash(speech["speaker_raw"][1:])
        agree += bool(a) and (a in b or b in a)
    return [e.position for e in numbered] if agree >= 0.8 * len(numbered) else None
