"""VOICES/Web (gijiroku.com and self-hosted): 世田谷, 港, 台東, 大田, 杉並, 板橋, 足立, 江戸川 and others.

会議日程一覧 (ACT=100, per year) → per document: its 名簿 (ACT=203&FINO=), its 発言一覧 (ACT=202),
then one ACT=203&HUID= page per speech the 名簿 request did not already bring. One MeetingItem per
document, speeches in sidebar order.

Cost per document: 2 requests + 1 per speech. The 名簿 request asks for HATSUGENMODE=1, which other
public VOICES scrapers use to get a whole document in one page; where a server honours it, the
speeches it carries are not fetched again and a document costs 2 requests.

    scrapy crawl voices -a council=131121 [-a years=2024,2025] [-a fino=2778,2779] [-a partial=1]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import scrapy

from oshigiin.crawler.spiders.base import FAILED, PARSE_ERRORS, CouncilSpider, utcnow
from oshigiin.minutes.attendance import parse_attendance
from oshigiin.minutes.parsers import voices as vo
from oshigiin.minutes.records import FailureItem, MeetingItem

# The vendor's robots.txt names the CGI directory in lower case (Disallow: /voices/cgi/); IIS serves
# any case, so the lower-case path reaches the same program and keeps those rules meaningful.
CGI = "cgi/voiweb.exe"
# Which 会議種別 (KTYP) and 会議グループ (KGTP) the list covers. The recorded lists asked for
# KGTP=1,3, other installations use 1,2 or 1,2,3,4; this asks for all of them. A registry entry
# may carry its own `ktyp`/`kgtp` (the values its own search form sends).
KTYP, KGTP = "0,1,2,3", "1,2,3,4"
BUSY_RETRIES = 2


def _flag(value: str | None) -> bool:
    return bool(value) and value not in ("0", "false", "no")


@dataclass
class Document:
    """One document being assembled from its 名簿, sidebar and speech pages."""

    listed: vo.ListedDocument
    source_url: str
    header_url: str
    header: vo.Header
    entries: list[vo.SidebarEntry] = field(default_factory=list)
    sidebar_url: str = ""
    speeches: dict[str, vo.Speech] = field(default_factory=dict)
    front: list[str] = field(default_factory=list)
    wanted: int = 0
    pending: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)


class VoicesSpider(CouncilSpider):
    name = "voices"
    platform = "voices"

    def __init__(self, council: str, base_url: str | None = None, years: str | None = None,
                 fino: str | None = None, partial: str | None = None, **kwargs):
        super().__init__(council, base_url, **kwargs)
        # Narrow a crawl to some years, or re-crawl some documents (FINO, as in the platform's URLs).
        self.years = sorted({int(y) for y in years.split(",") if y.strip()}) if years else None
        self.finos = {f.strip() for f in fino.split(",") if f.strip()} if fino else None
        # A document with a speech page that failed is not staged (the next crawl tries it again)
        # unless partial=1: then what arrived is staged and the failures are in the fetch log.
        self.partial = _flag(partial)
        extra = self.council.extra
        self.ktyp, self.kgtp = str(extra.get("ktyp", KTYP)), str(extra.get("kgtp", KGTP))
        self.cgi = self.base_url + CGI
        self.seen_lists: set[tuple[str, str]] = set()
        self.seen_finos: set[str] = set()

    def cgi_url(self, **params) -> str:
        # KTYP/KGTP carry commas, as the platform's own links do.
        return f"{self.cgi}?{urlencode(params, safe=',')}"

    def list_url(self, year: int | None) -> str:
        y = str(year) if year else ""
        return self.cgi_url(ACT=100, KENSAKU=0, SORT=0, KTYP=self.ktyp, KGTP=self.kgtp, FYY=y, TYY=y)

    def document_url(self, act: int, listed: vo.ListedDocument, whole: bool = False) -> str:
        return self.cgi_url(ACT=act, KENSAKU=0, SORT=0, KTYP=self.ktyp, KGTP=self.kgtp, KGNO=listed.kgno,
                            FINO=listed.fino, HATSUGENMODE=1 if whole else 0, HYOUJIMODE=0, STYLE=0)

    async def start(self):
        for year in self.years or [None]:
            yield scrapy.Request(self.list_url(year), callback=self.parse_list, errback=self.on_error)

    def retry_busy(self, response, exc: Exception):
        """VOICES answers 「Server Busy」 with HTTP 200 under load: ask again, then give up."""
        tries = response.meta.get("busy_tries", 0)
        if isinstance(exc, vo.ServerBusy) and tries < BUSY_RETRIES:
            return response.request.replace(dont_filter=True, meta={**response.meta, "busy_tries": tries + 1})
        return self.parse_failed(response, exc)

    def parse_list(self, response):
        page = yield from self.parsed(response, vo.parse_list_page, failed=self.retry_busy)
        if page is FAILED:
            return
        key = self.list_key(response.url)
        self.seen_lists.add(key)
        for listed in page.documents:
            if listed.fino in self.seen_finos or listed.is_contents:
                continue
            self.seen_finos.add(listed.fino)
            if self.finos is not None:
                if listed.fino not in self.finos:
                    continue
            elif not self.wants(listed.kgno, listed.fino):
                continue
            kwargs = {"listed": listed, "source_url": response.urljoin(listed.href)}
            yield scrapy.Request(self.document_url(203, listed, whole=True), callback=self.parse_header,
                                 errback=self.on_error, cb_kwargs=kwargs)
        if self.finos is not None and self.finos <= self.seen_finos:
            return  # every document asked for is found: the rest of the list is not needed
        if key[1] == "1" and page.declared and len(page.documents) < page.declared and not page.more:
            self.logger.warning("%s lists %d of %d documents and no further pages", response.url,
                                len(page.documents), page.declared)
        for href in page.more:
            url = response.urljoin(href)
            more = self.list_key(url)
            if more in self.seen_lists or (self.years and more[0].isdigit() and int(more[0]) not in self.years):
                continue
            self.seen_lists.add(more)
            yield scrapy.Request(url, callback=self.parse_list, errback=self.on_error)

    @staticmethod
    def list_key(url: str) -> tuple[str, str]:
        params = vo.query_params(url)
        return params.get("YEAR") or params.get("FYY", ""), params.get("PAGE", "1")

    def parse_header(self, response, listed, source_url):
        header = yield from self.parsed(response, vo.parse_header, failed=self.retry_busy)
        if header is FAILED:
            return
        doc = Document(listed=listed, source_url=source_url, header_url=response.url, header=header)
        yield scrapy.Request(self.document_url(202, listed), callback=self.parse_sidebar, errback=self.on_error,
                             cb_kwargs={"doc": doc}, priority=1)

    def parse_sidebar(self, response, doc: Document):
        entries = yield from self.parsed(response, vo.parse_sidebar, failed=self.retry_busy)
        if entries is FAILED:
            return
        doc.entries = entries
        doc.sidebar_url = response.url
        by_huid = {e.huid: e for e in doc.entries}
        for i, passage in enumerate(doc.header.passages):
            entry = by_huid.get(passage.huid)
            # The first passage is the 名簿 even where the sidebar does not list it.
            if (entry is None and i == 0) or (entry is not None and entry.is_front_matter):
                doc.front.append(passage.text)
            elif entry is not None:
                doc.speeches[passage.huid] = vo.read_speech(passage, entry.label)
        wanted = [e for e in doc.entries if e.is_speech and e.huid not in doc.speeches]
        doc.pending, doc.wanted = {e.huid for e in wanted}, len(wanted)
        if not wanted:
            yield from self.finish(doc)
            return
        for entry in wanted:
            yield scrapy.Request(response.urljoin(entry.href), callback=self.parse_speech, errback=self.speech_failed,
                                 cb_kwargs={"doc": doc, "huid": entry.huid, "label": entry.label}, priority=2)

    def parse_speech(self, response, doc: Document, huid: str, label: str):
        try:
            doc.speeches[huid] = vo.parse_huid_page(response.body, huid, label)
        except PARSE_ERRORS as exc:
            retry = self.retry_busy(response, exc)
            yield retry
            if isinstance(retry, scrapy.Request):
                return
            doc.missing.add(huid)
        yield from self.settle(doc, huid)

    def speech_failed(self, failure):
        yield from self.on_error(failure)
        kwargs = failure.request.cb_kwargs
        kwargs["doc"].missing.add(kwargs["huid"])
        yield from self.settle(kwargs["doc"], kwargs["huid"])

    def settle(self, doc: Document, huid: str):
        doc.pending.discard(huid)
        if not doc.pending:
            yield from self.finish(doc)

    def finish(self, doc: Document):
        listed = doc.listed
        if doc.missing and not self.partial:
            self.crawler.stats.inc_value("oshigiin/incomplete_document")
            self.logger.warning("FINO=%s: %d speech pages failed; not staged", listed.fino, len(doc.missing))
            yield FailureItem(
                council_id=self.council_id, url=doc.source_url, method="GET", request_body=None, status=None,
                outcome="incomplete", fetched_at=utcnow(),
                reason=f"FINO={listed.fino}: {len(doc.missing)} of {doc.wanted} speech pages failed "
                       f"(HUID {', '.join(sorted(doc.missing))}); not staged",
            )
            return
        fields = vo.meeting_fields(listed, doc.header)
        front_matter = "\n".join(doc.front)
        yield MeetingItem(
            council_id=self.council_id, platform=self.platform, ext_council_id=listed.kgno,
            ext_schedule_id=listed.fino, title=fields.title, kind=fields.kind, session=fields.session,
            committee=fields.committee, date=fields.date.isoformat() if fields.date else None,
            number=fields.number, source_url=doc.source_url, api_url=doc.header_url, fetched_at=utcnow(),
            speeches=vo.assemble_speeches(doc.entries, doc.speeches, doc.sidebar_url),
            attendance=parse_attendance(front_matter),
        )
