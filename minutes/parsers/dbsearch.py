# Over 500 lines: DB-Search's deployment variants (frames, templates, own domains) parsed in one place.
"""DB-Search (会議録検索システム, dbsr.jp and self-hosted copies) pages → records.

Pure functions of the page body; the spider navigates. Every page lives under a session path
`/index.php/<n>` (a number the server hands out per visit; the query names the page):

  top                   GET  /  or /index.php/       the search form (POST target), `_token` on the newest
  search-result         POST <form action>           documents matching the search, paged
                             (Template=list, QueryType=new, TermStart…)
  next list page        GET  ?Template=list&Page=N   (older) or POST Page=N + `_token` (newest)
  document view         GET  ?Template=document&Id=N                     newest: one page, `voice-block`s
                             ?Template=view&VoiceType=all&DocumentID=N     bootstrap: one page, VoiceNo ids
                             ?Template=doc-all-frame&VoiceType=all&DocumentID=N   frameset: the document
                             is opened in the session, then ?Template=doc-page (speeches) and
                             ?Template=doc-all-command (title) show it
  (the list links to `doc-one-frame&VoiceType=onehit`, one speech at a time; the `all` views hold
  every speech.)

One sitting is several documents (「…（第９号）　本文」, 「…（第９号）  議事日程・名簿」, 目次, 資料);
speeches are in the 本文, the attendance in the 名簿.

Generations seen (../shared/fixtures/minutes-systems/dbsearch and, for the newest, the public
open-gikai fixtures and notes on 福岡県/福岡市 dbsr.jp): the markup differs, the vocabulary of
class names does not (`result-title__date`, `document-list__date`, `ans-title__date`;
`voice-block`, `VoiceNo<n>`, `page-text__voice`; `command__docname`, `view__title`), so the
parsers select by those and by the shape of links, not by page layout. Pages are UTF-8 on
dbsr.jp; a Shift_JIS page (meta or bytes) is read as cp932.
"""

from __future__ import annotations

import copy
import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from parsel import Selector

from oshigiin.minutes.attendance import parse_attendance
from oshigiin.minutes.normalize import parse_wareki
from oshigiin.minutes.parsers.discussnet import ParseError
from oshigiin.minutes.segment import segment
from oshigiin.minutes.speakers import MARKERS, Speaker, speech_kind, split_speaker

__all__ = [
    "DocumentRef", "DocumentView", "Frames", "NextPage", "ParseError", "SearchResult", "TopPage",
    "clean_title", "decode_html", "document_view_url", "is_frameset", "is_roster", "is_speech_document",
    "list_documents", "meeting_kind", "parse_command", "parse_detail", "parse_document", "parse_frameset",
    "parse_running_text", "parse_search_result", "parse_top", "session_name", "sitting_key", "sitting_number",
    "split_doc_class", "split_voice", "with_document_id",
]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_DOC_ID = re.compile(r"[?&](?:DocumentID|Id)=(\d+)", re.I)
_DOC_TEMPLATE = re.compile(r"[?&]Template=(doc-[\w-]+|view|document)(?:&|#|$)", re.I)
_LIST_TEMPLATE = re.compile(r"Template=list", re.I)
_PAGE = re.compile(r"[?&]Page=(\d+)", re.I)
_ISO_DATE = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")
_JP_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_SPACES = re.compile(r"\s+")
_FRAMESET = re.compile(rb"<frameset", re.I)
_VOICE_NO = re.compile(r"VoiceNo(\d+)$")
_STAGE_AFTER_SPEAKER = re.compile(r"〔[^〕]*〕$")
# Document classes printed at the end of a document's title (「…（第９号）　本文」, 「…［ 署名 ］」).
_CLASS_IN_BRACKETS = re.compile(r"^(?P<base>.*?)\s*[［\[〔【]\s*(?P<cls>[^］\]〕】]{1,12}?)\s*[］\]〕】]\s*$")
_CLASS_AFTER_SPACE = re.compile(r"^(?P<base>.*\S)\s+(?P<cls>\S{1,12})$")
_CLASS_WORDS = ("本文", "名簿", "目次", "資料", "署名", "表紙", "日程", "結果", "通告", "付録", "索引", "一覧",
                "その他", "参考")
_ROSTER_CLASS = "名簿"
# Lines marked like speeches that open a roster or an agenda, not a speech (「〇出席議員（２６人）」).
_LIST_HEADING = re.compile(
    r"^(出席|欠席|説明のため|説明員|職務のため|事務局職員|事務局出席|議事日程|本日の会議|会議録署名|付議事件|日程第"
    r"|追加日程|地方自治法)"
)
# Offices printed alone as the speaker (「◯委員長」, 「◯デジタル戦略推進部長」): DB-Search committee
# minutes name the office only; such a line is a role, not a person's name.
_OFFICE_ONLY = re.compile(
    r"(?:委員長|議長|部長|課長|局長|室長|所長|次長|参事|理事|区長|市長|町長|村長|知事|教育長|管理者|館長|主幹|係長"
    r"|主査|会長|事務局長|監査委員|書記)$"
)
_COMMITTEE = re.compile(r"(\S*?委員会)")
_ERA_YEAR_PREFIX = re.compile(r"^(?:令和|平成|昭和)(?:元|\d+)年(?!度)")
# 定例会, 臨時会, and the 定例市会 / 臨時市会 of some cities.
_SITTING_KIND = r"(?:定例|臨時)(?:[都道府県市区町村])?会"
_SESSION = re.compile(rf"((?:令和|平成|昭和)(?:元|\d+)年.*?{_SITTING_KIND})")
_COUNCIL_NAME_IN_SESSION = re.compile(rf"(?<=回|月|年)[^\d第回年月]+?議会(?={_SITTING_KIND})")
_NUMBER = re.compile(r"第(\d+)(?:号|日)")
_NEXT_TEXT = re.compile(r"^次(?:\s|へ|の|>|＞|$)")
_TOTAL = (re.compile(r"文書数\s*[:：]?\s*([\d,]+)"), re.compile(r"([\d,]+)\s*文書"), re.compile(r"([\d,]+)\s*件中"))
_TEXT_CLASSES = ("voice__text", "js-textwrap-container", "page-text__text")
_NOISE_CLASSES = ("number", "visible-print", "voice__detail", "voice__hits", "voice__header")


@dataclass(frozen=True, slots=True)
class TopPage:
    """The search form of the top page: where to POST and what it carries."""

    action: str                               # as printed (relative to the page URL)
    fields: tuple[tuple[str, str], ...]       # the form's hidden and text fields, _token included
    token: str | None                         # the CSRF token (`_token`); None before Laravel


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """One row of a search result: a document (本文, 名簿, 目次 …) of one sitting."""

    doc_id: str            # the platform's DocumentID / Id: stable across visits
    title: str             # as printed
    date: date | None      # 開催日
    url: str               # the list's link (relative, session path included)
    doc_class: str | None  # 本文, 名簿, 議事日程・名簿 … from the end of the title


@dataclass(frozen=True, slots=True)
class NextPage:
    url: str                                   # GET this, or POST `fields` to it
    method: str = "GET"
    fields: tuple[tuple[str, str], ...] = ()
    page: int | None = None


@dataclass(frozen=True, slots=True)
class SearchResult:
    documents: list[DocumentRef]
    next_page: NextPage | None
    total: int | None      # documents the whole search matched, when the page says


@dataclass(frozen=True, slots=True)
class Frames:
    page: str              # the frame with the speeches (Template=doc-page)
    command: str | None    # the frame with the title (Template=doc-all-command)


@dataclass(frozen=True, slots=True)
class DocumentView:
    title: str | None
    date: date | None
    speeches: list[dict]                 # discussnet.parse_minute's keys, without source_url
    anchors: list[str | None] = field(default_factory=list)  # the page's own id of each speech
    front_matter: str = ""               # text that is no speech: preamble, 名簿 blocks
    text: str = ""                       # every block, in order (a 名簿 document's whole text)

    @property
    def attendance(self) -> list[dict]:
        return parse_attendance(self.front_matter)


# -- decoding and small helpers --------------------------------------------------------------

def decode_html(body: bytes | str) -> str:
    """The page as text: BOM, then the meta charset, then UTF-8, then cp932 (Shift_JIS + NEC/IBM)."""
    if isinstance(body, str):
        return body
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace")
    m = _META_CHARSET.search(body[:4096])
    charset = m.group(1).decode("ascii").lower() if m else ""
    if charset in ("shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "cp932", "ms932"):
        return body.decode("cp932", "replace")
    if charset in ("euc-jp", "euc_jp"):
        return body.decode("euc_jp", "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp932", "replace")


def _selector(body: bytes | str) -> Selector:
    text = decode_html(body)
    if "<" not in text:
        raise ParseError(f"expected an HTML page, got {text[:60]!r}")
    return Selector(text=text)


def _cls(name: str) -> str:
    """XPath test for one class token."""
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


def _inline(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def parse_date(text: str) -> date | None:
    """2024-12-25, 2025年02月25日 or 令和６年１２月２５日 → date."""
    text = _nfkc(text)
    for pattern in (_ISO_DATE, _JP_DATE):
        if m := pattern.search(text):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return parse_wareki(text)


def _element_text(el) -> str:
    """An element's text with <br> as line breaks, as the page shows it; comments and scripts dropped."""
    parts: list[str] = []

    def walk(node, with_tail: bool) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "br":
            parts.append("\n")
            tail = node.tail or ""
            # The source breaks its line after each <br />; that newline is the same break.
            parts.append(tail[1:] if tail.startswith("\n") else tail)
            return
        if tag and tag not in ("script", "style") and node.text:
            parts.append(node.text)
        if tag not in ("script", "style"):
            for child in node:
                walk(child, True)
        if with_tail and node.tail:
            parts.append(node.tail)

    walk(el, False)
    text = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip(" \t\r\n")


def _drop(node) -> None:
    """Remove an element but keep the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        prev = node.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


# -- top page ---------------------------------------------------------------------------------

def parse_top(body: bytes | str) -> TopPage:
    """Top page (GET / or /index.php/) → the list search form.

    The form that answers Template=list: `action="/index.php/6709393?Template=list"` on the older
    generations, `action="…/index.php/100000"` with a hidden Template=list and `_token` on the
    newest. Only hidden and text fields are kept: the checked boxes of the simple search
    (本文 only) would hide the 名簿 documents that carry the attendance.
    """
    sel = _selector(body)
    token = (sel.xpath('//input[@name="_token"]/@value').get()
             or sel.xpath('//meta[@name="csrf-token"]/@content').get())
    candidates = []
    for form in sel.xpath("//form"):
        action = form.xpath("@action").get() or ""
        templates = form.xpath('.//input[translate(@name, "TEMPLATE", "template")="template"]/@value').getall()
        if not (_LIST_TEMPLATE.search(action) or any(t.lower() == "list" for t in templates)):
            continue
        method = (form.xpath("@method").get() or "get").lower()
        wide = bool(form.xpath('.//*[starts-with(@name, "Term")]'))
        candidates.append((method == "post", wide, form, action))
    if not candidates:
        if link := sel.xpath('//a[contains(translate(@href, "LIST", "list"), "template=list")]/@href').get():
            parts = urlsplit(link)
            fields = (("_token", token),) if token else ()
            return TopPage(action=urlunsplit(("", "", parts.path, "Template=list", "")), fields=fields, token=token)
        raise ParseError("top page: no search form answering Template=list")
    # A POST form with the period fields (くわしく検索) over the simple one.
    candidates.sort(key=lambda c: (not c[0], not c[1]))
    _, _, form, action = candidates[0]
    fields: list[tuple[str, str]] = []
    for inp in form.xpath(".//input[@name]"):
        kind = (inp.xpath("@type").get() or "text").lower()
        if kind in ("hidden", "text", "search"):
            fields.append((inp.xpath("@name").get(), inp.xpath("@value").get() or ""))
    if token and not any(name == "_token" for name, _ in fields):
        fields.append(("_token", token))
    return TopPage(action=action, fields=tuple(fields), token=token)


# -- search result ------------------------------------------------------------------------------

def split_doc_class(title: str) -> tuple[str, str | None]:
    """「令和６年第４回定例会（第９号）  議事日程・名簿」 → (「令和６年第４回定例会（第９号）」, 「議事日程・名簿」)."""
    title = (title or "").strip()
    for pattern in (_CLASS_IN_BRACKETS, _CLASS_AFTER_SPACE):
        m = pattern.match(title)
        if m and any(word in m["cls"] for word in _CLASS_WORDS):
            return m["base"].strip(), m["cls"].strip()
    return title, None


def is_roster(ref: DocumentRef) -> bool:
    return bool(ref.doc_class) and _ROSTER_CLASS in ref.doc_class


def is_speech_document(ref: DocumentRef) -> bool:
    """本文, or a document whose title names no class (some councils publish one document a sitting)."""
    return ref.doc_class is None or "本文" in ref.doc_class


def sitting_key(ref: DocumentRef) -> tuple[str, date | None]:
    """The documents of one sitting share the title before the class, and the date."""
    base, _ = split_doc_class(ref.title)
    return _SPACES.sub("", _nfkc(base)), ref.date


def _row_date(anchor, anchors: set) -> date | None:
    """The date printed in the anchor's own row: the nearest ancestor holding no other document link."""
    own = "".join(anchor.itertext())
    for ancestor in anchor.iterancestors():
        if sum(1 for a in ancestor.iter("a") if a in anchors) > 1:
            return None
        text = "".join(ancestor.itertext()).replace(own, " ", 1)
        if when := parse_date(text):
            return when
    return None


def _next_page(sel: Selector) -> NextPage | None:
    for el in sel.xpath('//a[@href] | //button[@name]'):
        label = _inline(" ".join(el.xpath(".//text()").getall()))
        aria = el.xpath("@aria-label").get() or ""
        if not (_NEXT_TEXT.match(label) or aria.startswith("次のページ")):
            continue
        if el.xpath('@disabled') or (el.xpath("@aria-disabled").get() or "").lower() == "true":
            continue
        if el.root.tag == "a":
            href = el.xpath("@href").get()
            if _PAGE.search(href):
                return NextPage(url=href, page=int(_PAGE.search(href).group(1)))
            continue
        if (el.xpath("@name").get() or "").lower() != "page":
            continue
        form = el.xpath("ancestor::form[1]")
        if not form:
            continue
        fields = [(inp.xpath("@name").get(), inp.xpath("@value").get() or "")
                  for inp in form.xpath(".//input[@type='hidden'][@name]")]
        value = el.xpath("@value").get() or ""
        fields.append((el.xpath("@name").get(), value))
        return NextPage(url=form.xpath("@action").get() or "", method="POST", fields=tuple(fields),
                        page=int(value) if value.isdigit() else None)
    return None


def parse_search_result(body: bytes | str) -> SearchResult:
    """A list page (POST Template=list, or ?Template=list&Page=N) → documents and the next page.

    Documents are the links to a document view (`Template=doc-one-frame|view|document` with
    `DocumentID=` or `Id=`); each row's date is found in the smallest element around the link
    that holds no other document link, whatever its class (「<span class="result-title__date">」,
    「<span><span>開催日:</span> 2025-12-18</span>」, 「開催日：2025年02月25日」, `<time>`).
    """
    sel = _selector(body)
    links = []
    for a in sel.xpath("//a[@href]"):
        href = a.xpath("@href").get()
        if _DOC_TEMPLATE.search(href) and _DOC_ID.search(href):
            links.append(a)
    anchors = {a.root for a in links}
    docs: dict[str, DocumentRef] = {}
    for a in links:
        href = a.xpath("@href").get()
        doc_id = _DOC_ID.search(href).group(1)
        title = _inline(" ".join(a.xpath(".//text()").getall()))
        if not title or doc_id in docs:
            continue
        _, doc_class = split_doc_class(title)
        docs[doc_id] = DocumentRef(doc_id=doc_id, title=title, date=_row_date(a.root, anchors), url=href,
                                   doc_class=doc_class)
    if not docs and not sel.xpath('//*[contains(translate(@href, "LIST", "list"), "template=list")] | //form'):
        raise ParseError("search result: no document links and no list form")
    page_text = _inline(" ".join(sel.xpath("//body//text()").getall()))
    total = None
    for pattern in _TOTAL:
        if m := pattern.search(page_text):
            total = int(m.group(1).replace(",", ""))
            break
    return SearchResult(documents=list(docs.values()), next_page=_next_page(sel), total=total)


def document_view_url(href: str) -> str:
    """A list link → the view of the whole document (every speech, not the one hit).

    doc-one-frame&VoiceType=onehit → doc-all-frame&VoiceType=all (the frameset generation);
    view&…&DocumentID → view&VoiceType=all; document&Id=N#one → document&Id=N.
    """
    parts = urlsplit(href)
    query = parse_qsl(parts.query, keep_blank_values=True)
    template = next((v for k, v in query if k.lower() == "template"), "")
    id_key, doc_id = next(((k, v) for k, v in query if k.lower() in ("documentid", "id")), ("", ""))
    if not doc_id:
        raise ParseError(f"not a document link: {href!r}")
    t = template.lower()
    if t.startswith("doc-"):
        new = [("Template", "doc-all-frame"), ("VoiceType", "all"), (id_key, doc_id)]
    elif t == "view":
        new = [("Template", template), ("VoiceType", "all"), (id_key, doc_id)]
    else:
        new = [("Template", template or "document"), (id_key, doc_id)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(new), ""))


def with_document_id(href: str, doc_id: str) -> str:
    """The same kind of document link, for another document (`-a doc_id=`)."""
    return _DOC_ID.sub(lambda m: m.group(0)[: m.group(0).index("=") + 1] + str(doc_id), href, count=1)


# -- document view --------------------------------------------------------------------------

def is_frameset(body: bytes | str) -> bool:
    raw = body.encode("utf-8", "replace") if isinstance(body, str) else body
    return bool(_FRAMESET.search(raw))


def parse_frameset(body: bytes | str) -> Frames:
    """?Template=doc-all-frame → the frames that show the document just opened in the session.

    `<frame src="/index.php/9585096?Template=doc-page" name="Page">` holds the speeches,
    `…?Template=doc-all-command` the title; the session number may differ from the list's.
    """
    sel = _selector(body)
    page = command = None
    for frame in sel.xpath("//frame[@src] | //iframe[@src]"):
        src = frame.xpath("@src").get()
        name = (frame.xpath("@name").get() or "").lower()
        template = next((v.lower() for k, v in parse_qsl(urlsplit(src).query) if k.lower() == "template"), "")
        if re.fullmatch(r"doc-page\d*", template) or (name == "page" and page is None):
            page = src
        elif "command" in template:
            command = src
    if not page:
        raise ParseError("frameset: no page frame (Template=doc-page)")
    return Frames(page=page, command=command)


def _meta(sel: Selector) -> tuple[str | None, date | None]:
    def first(xpath: str) -> str:
        for el in sel.xpath(xpath):
            if text := _inline(" ".join(el.xpath(".//text()").getall())):
                return text
        return ""

    title = first(f"//*[{_cls('command__docname')}]") or first(f"//*[{_cls('view__title')}]")
    when_text = first(f"//*[{_cls('command__date')}]") or first(f"//*[{_cls('view__date')}]")
    if not title:
        for el in sel.xpath(f"//*[{_cls('command__title')}]"):
            texts = el.xpath(".//text()[not(ancestor::*[contains(@class, 'date')])]").getall()
            if text := _inline(" ".join(texts)).lstrip(":： "):
                title = text
                break
    if not title or not when_text:
        # page-text__title 「2025-12-19 : 令和７年…」, or a bare 「2025年12月19日：○○市：令和７年…」 heading.
        for heading in (first(f"//*[{_cls('page-text__title')}]"), first("//h1[not(@class)] | //h2[not(@class)]")):
            if heading and parse_date(heading.split(":")[0].split("：")[0]):
                when_text = when_text or heading
                title = title or re.split(r"\s*[:：]\s*", heading)[-1]
                break
    return (title or None), (parse_date(when_text) if when_text else None)


def parse_command(body: bytes | str) -> tuple[str | None, date | None]:
    """The command frame (?Template=doc-all-command) → the document's title and date (when printed)."""
    return _meta(_selector(body))


def _voice_containers(sel: Selector) -> list:
    blocks = sel.xpath(f"//*[{_cls('voice-block')}]")
    if blocks:
        return [b.root for b in blocks]
    text_test = " or ".join(_cls(c) for c in _TEXT_CLASSES)
    out, seen = [], set()
    for el in sel.xpath(f"//*[{_cls('page-text__voice')}] | //*[starts-with(@id, 'VoiceNo')]"):
        root = el.root
        # The VoiceNo id sits on the speech itself (frames) or on its header (bootstrap views).
        container = root if el.xpath(f".//*[{text_test}]") else root.getparent()
        if container is not None and id(container) not in seen:
            seen.add(id(container))
            out.append(container)
    return out


def _voice_number(container) -> str | None:
    for attr in ("data-voice_code", "data-voice-no", "data-voiceno"):
        for el in container.iter():
            if isinstance(el.tag, str) and el.get(attr):
                return el.get(attr).strip()
    for el in container.iter():
        if isinstance(el.tag, str) and (m := _VOICE_NO.match(el.get("id") or "")):
            return m.group(1)
    return None


def _voice_anchor(container) -> str | None:
    for el in container.iter():
        if isinstance(el.tag, str) and _VOICE_NO.match(el.get("id") or ""):
            return el.get("id")
    return None


def _voice_title(container) -> str:
    if title := container.get("data-voice-title"):
        return _inline(html.unescape(title))
    for el in container.iter():
        if isinstance(el.tag, str) and "voice__title" in (el.get("class") or "").split():
            return _inline("".join(el.itertext()))
    return ""


def _voice_body(container) -> str:
    """The speech text of one voice: the text element, without its printed number."""
    target = None
    for cls in _TEXT_CLASSES:
        for el in container.iter():
            if isinstance(el.tag, str) and cls in (el.get("class") or "").split():
                target = el
                break
        if target is not None:
            break
    node = copy.deepcopy(target if target is not None else container)
    noise = [el for el in node.iter() if isinstance(el.tag, str) and el is not node
             and any(n in (el.get("class") or "") for n in _NOISE_CLASSES)]
    for el in noise:
        _drop(el)
    return _element_text(node)


def _strip_prefix(text: str, prefix: str) -> str | None:
    """text without prefix, spacing ignored on both sides; None when text does not open with it."""
    i = 0
    for ch in prefix:
        if ch.isspace():
            continue
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text) or _nfkc(text[i]) != _nfkc(ch):
            return None
        i += 1
    return text[i:]


def _speaker(speaker_raw: str) -> Speaker:
    speaker = split_speaker(speaker_raw)
    if speaker.role is None and speaker.seat is None and "（" not in speaker_raw and "(" not in speaker_raw \
            and _OFFICE_ONLY.search(speaker.name):
        return Speaker(name="", role=speaker.name)
    return speaker


def _marker_of(speaker_raw: str) -> str:
    marker = speaker_raw[:1] if speaker_raw[:1] in MARKERS else ""
    # ◯ (U+25EF) is how DB-Search prints the ○ of the minutes; speech_kind knows ○.
    return "○" if marker == "◯" else marker


def _speech(speaker_raw: str, text: str) -> dict:
    speaker = _speaker(speaker_raw)
    return {
        "speaker_raw": speaker_raw,
        "speaker_name": speaker.name,
        "speaker_role": speaker.role,
        "seat": speaker.seat,
        "kind": speech_kind(_marker_of(speaker_raw), speaker.role),
        "text": text.strip(),
    }


def _is_heading(seg) -> bool:
    """A marked line that opens no speech: a roster or agenda heading (「〇出席議員（２６人）」, 「◎開議の宣告」)."""
    head = _nfkc(seg.speaker_raw[1:]).strip()
    if not head or _LIST_HEADING.match(head):
        return True
    if seg.heading:
        # 「◯委員長」 alone on its line with the speech below is a speaker, not a heading.
        return not (seg.text and _speaker(seg.speaker_raw).role)
    return False


def _after_title(body: str, title: str) -> tuple[str, str] | None:
    """(speaker_raw, rest) when body opens with the block's title (its marker may be printed only in the text)."""
    rest = _strip_prefix(body, title)
    if rest is not None:
        return title, rest
    if title[:1] not in MARKERS and body[:1] in MARKERS and (rest := _strip_prefix(body[1:], title)) is not None:
        return body[0] + title, rest
    return None


def split_voice(text: str, title: str = "") -> tuple[str, dict | None]:
    """One voice's text → (preamble, speech or None).

    The speech opens at the marker line of its speaker; what comes before it (「午前10時開議」,
    「※会議の概要」, a roster) is not said by the speaker. The speaker is the block's own title
    where the page prints one (data-voice-title, voice__title), else read from the first marker
    line that is no heading. Everything after the speaker line is the speech.
    """
    doc = segment(text)
    starts, offset = [], len(doc.front)
    for seg in doc.segments:
        starts.append(offset)
        offset += len(seg.raw)
    if title:
        for start in starts:
            if found := _after_title(text[start:].lstrip(" \t\u3000"), title):
                return text[:start], _speech(*found)
    for i, seg in enumerate(doc.segments):
        if _is_heading(seg):
            continue
        body = text[starts[i]:].lstrip(" \t\u3000")
        speaker_raw, rest = seg.speaker_raw, body[len(seg.speaker_raw):]
        # 「◯議会運営委員長（神長基子）〔登壇〕」: the stage direction is not part of the name.
        if stage := _STAGE_AFTER_SPEAKER.search(speaker_raw):
            speaker_raw, rest = speaker_raw[: stage.start()], stage.group(0) + rest
        return text[:starts[i]], _speech(title or speaker_raw, rest)
    return ("", _speech(title, text)) if title else (text, None)


def _voice_ids(sel: Selector) -> dict[str, str]:
    """Newest generation: the speaker list's checkboxes carry each voice's database id."""
    ids = {}
    for inp in sel.xpath('//input[@name="VoiceID[]"][@value]'):
        code = inp.xpath("ancestor-or-self::*[@data-voice_code][1]/@data-voice_code").get()
        if code:
            ids[code.strip()] = inp.xpath("@value").get()
    return ids


def parse_running_text(text: str) -> tuple[str, list[dict]]:
    """A document delivered as one running text → (front matter, speeches), via pipeline.segment.

    ext_minute_id is then the speech's position in the document: the text has no ids of its own.
    """
    doc = segment(text)
    front, out = [doc.front], []
    for seg in doc.segments:
        if _is_heading(seg):
            # 「〇出席議員（２６人）」 and agenda headings: the roster lives here, keep it for attendance.
            front.append(seg.raw)
            continue
        speaker_raw, rest = seg.speaker_raw, seg.text
        if stage := _STAGE_AFTER_SPEAKER.search(speaker_raw):
            speaker_raw, rest = speaker_raw[: stage.start()], stage.group(0) + rest
        out.append({"ext_minute_id": str(len(out) + 1), "seq": len(out) + 1, **_speech(speaker_raw, rest)})
    return "".join(front), out


def parse_document(body: bytes | str) -> DocumentView:
    """A document view → title, date, speeches, front matter.

    Reads ?Template=document&Id=N (`li.voice-block[data-voice_code][data-voice-title]` >
    `p.voice__text`), ?Template=view&VoiceType=all&DocumentID=N (`li` > `#VoiceNo<n>` header with
    `.voice__title`, `p.js-textwrap-container`) and the frame ?Template=doc-page
    (`div.page-text__voice#VoiceNo<n>` > `p.page-text__text`). One voice is one speech.

    ext_minute_id: the voice's database id where the page gives one (VoiceID[] of the newest
    generation), else the voice's number as the platform prints it (data-voice_code, VoiceNo<n>):
    the platform's own order within the document, stable as long as the document is.
    A page without voice blocks but with running text is split by pipeline.segment.
    """
    sel = _selector(body)
    title, when = _meta(sel)
    containers = _voice_containers(sel)
    if not containers:
        texts = [_element_text(el.root) for el in sel.xpath(
            "//pre | " + " | ".join(f"//*[{_cls(c)}]" for c in _TEXT_CLASSES))]
        text = "\n".join(t for t in texts if t)
        if not text:
            raise ParseError("document: no voice blocks (voice-block, VoiceNo…, page-text__voice) and no text")
        front, speeches = parse_running_text(text)
        return DocumentView(title=title, date=when, speeches=speeches, anchors=[None] * len(speeches),
                            front_matter=front, text=text)
    voice_ids = _voice_ids(sel)
    speeches, anchors, front, texts = [], [], [], []
    for position, container in enumerate(containers, 1):
        text = _voice_body(container)
        texts.append(text)
        preamble, speech = split_voice(text, _voice_title(container))
        if preamble.strip():
            front.append(preamble.strip("\n"))
        if speech is None:
            continue
        number = _voice_number(container)
        ext_id = voice_ids.get(number or "") or number or str(position)
        speeches.append({"ext_minute_id": ext_id, "seq": len(speeches) + 1, **speech})
        anchors.append(_voice_anchor(container))
    return DocumentView(title=title, date=when, speeches=speeches, anchors=anchors,
                        front_matter="\n".join(front), text="\n".join(texts))


def parse_detail(body: bytes | str) -> dict:
    """A document view as one record, like discussnet.parse_minute (for `oshigiin parse-page`)."""
    view = parse_document(body)
    return {"title": view.title, "date": view.date.isoformat() if view.date else None,
            "front_matter": view.front_matter, "attendance": view.attendance, "speeches": view.speeches}


def list_documents(body: bytes | str) -> list[DocumentRef]:
    """The documents of one list page (parse_search_result without the paging)."""
    return parse_search_result(body).documents


# -- titles → meeting fields ---------------------------------------------------------------------

def clean_title(title: str) -> str:
    """NFKC, spacing collapsed: 「令和６年第４回定例会（第９号）」 → 「令和6年第4回定例会(第9号)」."""
    return " ".join(_nfkc(title).split())


def meeting_kind(title: str) -> tuple[str, str | None]:
    """(本会議 | 委員会 | その他, committee) from a document title without its class."""
    text = _nfkc(title)
    if m := _COMMITTEE.search(text.replace("\u3000", " ")):
        committee = _ERA_YEAR_PREFIX.sub("", m.group(1).strip())
        return "委員会", committee
    if re.search(rf"{_SITTING_KIND}|本会議", text):
        return "本会議", None
    return "その他", None


def session_name(title: str) -> str | None:
    """「令和７年  第４回糸島市議会定例会（第６日）」 → 「令和7年第4回定例会」; None without 定例会/臨時会 (市会)."""
    squashed = _SPACES.sub("", _nfkc(title))
    m = _SESSION.search(squashed)
    return _COUNCIL_NAME_IN_SESSION.sub("", m.group(1)) if m else None


def sitting_number(title: str) -> int | None:
    """「（第９号）」 or 「（第６日）」 → 9, 6."""
    m = _NUMBER.search(_nfkc(title))
    return int(m.group(1)) if m else None
