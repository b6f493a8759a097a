"""kensakusystem.jp (会議録検索システム): 目黒, 豊島, 葛飾, 弘前 and many other councils.

top page → See.exe tree (POST `treedepth`, one level per request: year tabs → years →
定例会/委員会 → documents) → ResultFrame.exe frameset per document → r_Speakers.exe (the
statements, one downloadPos each) → GetPerson.exe (POST downloadPos…: the statements as text).
Forms go back in Shift_JIS (cp932): the server reads `treedepth` as the label it printed.
"""

from __future__ import annotations

import re

import scrapy

from oshigiin.crawler.spiders.base import FAILED, PARSE_ERRORS, CouncilSpider, utcnow
from oshigiin.minutes.parsers import kensakusystem as ks
from oshigiin.minutes.records import MeetingItem

FORM_ENCODING = "cp932"
# A tenant's top page is index.html (older generation) or sapphire.html (newer); what the bare
# tenant root serves is not the same everywhere. Tried in order until one links the tree.
TOP_PAGES = ("", "index.html", "sapphire.html")
_START_POS = re.compile(r"([?&]startPos=)\d*")


def at_position(url: str, position: int) -> str:
    """The document's page opened at one statement (ResultFrame.exe's startPos is a downloadPos)."""
    if _START_POS.search(url):
        return _START_POS.sub(lambda m: f"{m.group(1)}{position}", url, count=1)
    return f"{url}{'&' if '?' in url else '?'}startPos={position}"


def read_statements(parts: list[bytes]) -> dict:
    """GetPerson.exe's answers, in order, as one document's statements."""
    return ks.parse_statements(ks.join_statement_parts(parts))


class KensakuSystemSpider(CouncilSpider):
    """`scrapy crawl kensakusystem -a council=目黒区 [-a years=2024,2025] [-a top=sapphire.html]`.

    The registry's base_url is the tenant root (`https://www.kensakusystem.jp/meguro/`); an
    entry may name its top page as `top_page = "sapphire.html"` (or pass `-a top=`). The setting
    KENSAKUSYSTEM_DOWNLOAD_CHUNK caps the statements one GetPerson.exe download asks for.
    """

    name = "kensakusystem"
    platform = "kensakusystem"

    def __init__(self, council: str, base_url: str | None = None, years: str | None = None,
                 top: str | None = None, **kwargs):
        super().__init__(council, base_url, **kwargs)
        # Narrow a crawl to some years (western, e.g. 2025 = the tree's 「令和 7年」 node).
        self.years = {int(y) for y in years.split(",")} if years else None
        top = top or self.council.extra.get("top_page")
        self.top_pages = (top,) if top else TOP_PAGES
        self.opened: set[str] = set()      # treedepth labels already requested
        self.documents: set[str] = set()   # fileNames already listed
        self.tab_years: list[int] = []     # the root page's year tabs, newest first

    async def start(self):
        yield self.top_request(0)

    def top_request(self, attempt: int) -> scrapy.Request:
        return scrapy.Request(self.base_url + self.top_pages[attempt], callback=self.parse_top,
                              errback=self.top_failed, cb_kwargs={"attempt": attempt},
                              meta={"attempt": attempt}, dont_filter=True)

    def top_failed(self, failure):
        attempt = failure.request.meta["attempt"]
        if attempt + 1 < len(self.top_pages):
            yield self.top_request(attempt + 1)
            return
        yield from self.on_error(failure)

    def parse_top(self, response, attempt):
        try:
            top = ks.parse_top(response.body)
        except PARSE_ERRORS as exc:
            if attempt + 1 < len(self.top_pages):
                yield self.top_request(attempt + 1)
            else:
                yield self.parse_failed(response, exc)
            return
        yield scrapy.Request(response.urljoin(top.see_url), callback=self.parse_tree,
                             errback=self.on_error, cb_kwargs={"depth": None})

    # -- the tree -----------------------------------------------------------------------------

    def parse_tree(self, response, depth):
        nodes = yield from self.parsed(response, ks.parse_tree)
        if nodes is FAILED:
            return
        if depth is None:
            self.tab_years = sorted({n.year for n in nodes if n.is_year and n.year}, reverse=True)
        page_year = ks.label_year(depth)
        for node in nodes:
            if node.is_document:
                yield from self.open_document(response, node, page_year)
            elif node.depth not in self.opened and self.wants_node(node, page_year, on_root=depth is None):
                self.opened.add(node.depth)
                try:
                    yield scrapy.FormRequest(response.urljoin(node.url), formdata=node.fields,
                                             encoding=FORM_ENCODING, callback=self.parse_tree,
                                             errback=self.on_error, cb_kwargs={"depth": node.depth})
                except UnicodeEncodeError:
                    # Only a page with bytes cp932 cannot read yields a label it cannot send back.
                    self.logger.warning("tree node %r cannot be sent back in %s", node.depth, FORM_ENCODING)

    def wants_node(self, node: ks.TreeNode, page_year: int | None, on_root: bool) -> bool:
        if not self.years:
            return True
        if node.year is None:
            # A label without a year belongs to the page it is on.
            return page_year is None or page_year in self.years
        if on_root and node.is_year:
            # A root tab (「令和 5年」, shown as 「令和 2年～令和 5年」) groups the years after the
            # next older tab; it is opened only to reach the year nodes it holds.
            older = [y for y in self.tab_years if y < node.year]
            return any((older[0] if older else 0) < y <= node.year for y in self.years)
        return node.year in self.years

    def open_document(self, response, node: ks.TreeNode, page_year: int | None):
        if not node.is_minutes or node.file_code in self.documents:
            return
        if self.years and (page_year or node.year) not in self.years:
            return
        self.documents.add(node.file_code)
        # fileName is unique within a tenant and is what the platform addresses a document by;
        # the tree node it hangs under is not an id (one document can be listed under two).
        if not self.wants("", node.file_code):
            return
        yield scrapy.Request(response.urljoin(node.url), callback=self.parse_frameset, errback=self.on_error,
                             cb_kwargs={"file_code": node.file_code}, meta=self.settled("", node.file_code))

    # -- one document ---------------------------------------------------------------------------

    def parse_frameset(self, response, file_code):
        frames = yield from self.parsed(response, ks.parse_frameset)
        if frames is FAILED:
            return
        yield scrapy.Request(response.urljoin(frames.speakers_url), callback=self.parse_speakers,
                             errback=self.on_error, meta=self.settled("", file_code),
                             cb_kwargs={"file_code": file_code, "source_url": response.url, "title": frames.title})

    def parse_speakers(self, response, file_code, source_url, title):
        page = yield from self.parsed(response, ks.parse_speakers)
        if page is FAILED:
            return
        forms = page.download_forms(self.settings.getint("KENSAKUSYSTEM_DOWNLOAD_CHUNK", ks.DOWNLOAD_CHUNK))
        yield self.download(response.urljoin(page.action), forms, [], file_code=file_code,
                            source_url=source_url, title=title, entries=page.entries)

    def download(self, url: str, forms: list, parts: list[bytes], **context) -> scrapy.FormRequest:
        """One GetPerson.exe POST; a long sitting is fetched in parts, one after the other."""
        return scrapy.FormRequest(url, formdata=forms[len(parts)], encoding=FORM_ENCODING,
                                  callback=self.parse_statements, errback=self.on_error,
                                  meta=self.settled("", context["file_code"]),
                                  cb_kwargs={"forms": forms, "parts": parts, **context})

    def parse_statements(self, response, forms, parts, file_code, source_url, title, entries):
        parts = [*parts, response.body]
        if len(parts) < len(forms):
            yield self.download(response.url, forms, parts, file_code=file_code, source_url=source_url,
                                title=title, entries=entries)
            return
        minute = yield from self.parsed(response, read_statements, parts)
        if minute is FAILED:
            return
        if not minute["header"].get("会議名"):
            number = minute["number"]
            minute.update(ks.describe_meeting(title))  # the frameset's <TITLE> is the same 会議名
            minute["number"] = minute["number"] or number
        # The platform has no per-statement id: a speech's ext_minute_id is its position in the
        # document (1, 2, …). Where the speakers page lines up with the text, each speech links
        # to the document opened at its own downloadPos.
        positions = ks.align_positions(minute["speeches"], entries)
        for i, speech in enumerate(minute["speeches"]):
            speech["source_url"] = at_position(source_url, positions[i]) if positions else source_url
        when = minute["date"] or ks.date_from_file_code(file_code)
        yield MeetingItem(
            council_id=self.council_id, platform=self.platform, ext_council_id="", ext_schedule_id=file_code,
            title=minute["title"] or title, kind=minute["kind"], session=minute["session"],
            committee=minute["committee"], date=when.isoformat() if when else None, number=minute["number"],
            source_url=source_url, api_url=response.url, fetched_at=utcnow(),
            speeches=minute["speeches"], attendance=minute["attendance"],
        )
