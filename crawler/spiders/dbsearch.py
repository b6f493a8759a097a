"""DB-Search (会議録検索システム, dbsr.jp): 千代田, 文京, 江東, and 品川's dbsr-style site.

top (GET; sets the session cookie, holds the search form and, on the newest sites, `_token`)
→ list search (POST) → its pages (GET …&Page=N, or POST Page=N) → each 本文 document, with the
名簿 document of the same sitting for the attendance.

The server keeps state per session: the search whose pages `Template=list&Page=N` shows, and on
the frameset generation the document whose speeches `Template=doc-page` shows. So the list is
read to its end first, then documents are fetched one at a time, each to its end (frameset →
page frame → 名簿) before the next is opened; and no request is cached or de-duplicated, since
the same URL answers differently as the session moves on.

    scrapy crawl dbsearch -a council=131016 [-a years=2024,2025] [-a doc_id=1486]
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urljoin

import scrapy

from oshigiin.crawler.spiders.base import FAILED, PARSE_ERRORS, CouncilSpider, utcnow
from oshigiin.minutes.attendance import parse_attendance
from oshigiin.minutes.normalize import parse_wareki
from oshigiin.minutes.parsers import dbsearch as db
from oshigiin.minutes.records import MeetingItem


@dataclass
class Job:
    """One sitting: its 本文 document, the 名簿 beside it, and what was read so far."""

    speech: db.DocumentRef
    roster: db.DocumentRef | None = None
    view: db.DocumentView | None = None
    api_url: str = ""
    roster_text: str | None = None
    roster_tried: bool = False


class DbSearchSpider(CouncilSpider):
    name = "dbsearch"
    platform = "dbsearch"

    def __init__(self, council: str, base_url: str | None = None, years: str | None = None,
                 doc_id: str | None = None, **kwargs):
        super().__init__(council, base_url, **kwargs)
        # -a years=2024,2025: one search over that period, documents dated outside it dropped.
        self.years = sorted({int(y) for y in years.split(",")}) if years else None
        # -a doc_id=1486: that document only (its DocumentID / Id on the site).
        self.doc_id = str(int(doc_id)) if doc_id else None
        self.listed: dict[str, db.DocumentRef] = {}
        self.pages_seen: set = set()  # page numbers, or (url, fields) where a page has no number
        self.jobs: deque[Job] = deque()

    def request(self, url: str, callback, *, formdata=None, errback=None, **meta) -> scrapy.Request:
        kwargs = {"callback": callback, "errback": errback or self.on_error, "dont_filter": True,
                  "meta": {"dont_cache": True, **meta}}
        if formdata is not None:
            return scrapy.FormRequest(url, formdata=list(formdata), **kwargs)
        return scrapy.Request(url, **kwargs)

    def absolute(self, response, href: str) -> str:
        """A link of the page, on the -a base_url host when the page names the registry's host."""
        return self.on_council_host(urljoin(response.url, href))

    async def start(self):
        yield self.request(self.base_url, self.parse_top)

    def term_fields(self) -> list[tuple[str, str]]:
        """The period, in both spellings the generations take (TermStart=…, TermStartYear=…)."""
        if not self.years:
            return []
        first, last = self.years[0], self.years[-1]
        return [("TermStart", f"{first}-01-01"), ("TermEnd", f"{last}-12-31"),
                ("TermStartYear", str(first)), ("TermStartMonth", "1"),
                ("TermEndYear", str(last)), ("TermEndMonth", "12")]

    def parse_top(self, response):
        top = yield from self.parsed(response, db.parse_top)
        if top is FAILED:
            return
        fields = [(k, v) for k, v in top.fields if not k.startswith("Term")] + self.term_fields()
        yield self.request(self.absolute(response, top.action), self.parse_list, formdata=fields,
                           errback=self.list_error, page=1)

    def parse_list(self, response):
        try:
            result = db.parse_search_result(response.body)
        except PARSE_ERRORS as exc:
            yield self.parse_failed(response, exc)
            yield from self.plan(response.url)
            return
        self.pages_seen.add(response.meta["page"])
        dated = []
        for ref in result.documents:
            if ref.date:
                dated.append(ref.date)
            if self.years and ref.date and ref.date.year not in self.years:
                continue
            url = self.absolute(response, db.document_view_url(ref.url))
            self.listed.setdefault(ref.doc_id, replace(ref, url=url))
        nxt = result.next_page
        key = nxt and (nxt.page or (nxt.url, nxt.fields))
        if self.doc_id or not nxt or key in self.pages_seen or self.before_years(dated):
            if result.total is not None and not self.doc_id and not self.years and len(self.listed) < result.total:
                self.logger.warning("listed %d of %d documents", len(self.listed), result.total)
            yield from self.plan(response.url)
            return
        url = self.absolute(response, nxt.url)
        formdata = nxt.fields if nxt.method == "POST" else None
        yield self.request(url, self.parse_list, formdata=formdata, errback=self.list_error, page=key)

    def list_error(self, failure):
        """A list page that failed ends the listing; what the earlier pages listed is still fetched."""
        yield from self.on_error(failure)
        yield from self.plan(failure.request.url)

    def before_years(self, dated: list[date]) -> bool:
        """A newest-first list that has gone past the years asked for (should the period be ignored)."""
        if not self.years or not dated or dated != sorted(dated, reverse=True):
            return False
        return dated[0].year < self.years[0]

    def plan(self, list_url: str):
        """The list is complete: one job per 本文 (or class-less) document, its 名簿 paired by sitting."""
        rosters = {db.sitting_key(r): r for r in self.listed.values() if db.is_roster(r)}
        if self.doc_id:
            ref = self.listed.get(self.doc_id) or self.unlisted(self.doc_id, list_url)
            self.jobs.append(Job(ref, rosters.get(db.sitting_key(ref)) if ref.title else None))
        else:
            for ref in self.listed.values():
                if db.is_speech_document(ref) and self.wants("", ref.doc_id):
                    self.jobs.append(Job(ref, rosters.get(db.sitting_key(ref))))
        yield from self.next_job()

    def unlisted(self, doc_id: str, list_url: str) -> db.DocumentRef:
        """A document not on the first list page: a listed link's shape, or the frameset view."""
        if self.listed:
            url = db.with_document_id(next(iter(self.listed.values())).url, doc_id)
        else:
            url = urljoin(list_url, f"?Template=doc-all-frame&VoiceType=all&DocumentID={doc_id}")
        return db.DocumentRef(doc_id=doc_id, title="", date=None, url=url, doc_class=None)

    def next_job(self):
        if self.jobs:
            job = self.jobs.popleft()
            yield self.fetch(job, "speech", job.speech.url)

    def fetch(self, job: Job, step: str, url: str, callback=None, **meta) -> scrapy.Request:
        return self.request(url, callback or self.parse_view, errback=self.job_error, job=job, step=step, **meta)

    def job_error(self, failure):
        yield from self.on_error(failure)
        meta = failure.request.meta
        yield from self.advance(meta["job"], meta["step"], ok=False)

    def parse_view(self, response):
        job, step = response.meta["job"], response.meta["step"]
        try:
            if db.is_frameset(response.body):
                if response.meta.get("framed"):
                    raise db.ParseError("a frameset inside the document frame")
                frames = db.parse_frameset(response.body)
                command = self.absolute(response, frames.command) if frames.command else None
                yield self.fetch(job, step, self.absolute(response, frames.page), framed=True, command=command)
                return
            view = db.parse_document(response.body)
        except PARSE_ERRORS as exc:
            yield self.parse_failed(response, exc)
            yield from self.advance(job, step, ok=False)
            return
        if step == "roster":
            job.roster_text = view.text
        else:
            job.view, job.api_url = view, response.url
            command = response.meta.get("command")
            # The frame with the speeches prints no title or date; the list row usually did.
            if command and not ((view.title or job.speech.title) and (view.date or job.speech.date)):
                yield self.fetch(job, "command", command, callback=self.parse_command)
                return
        yield from self.advance(job, step, ok=True)

    def parse_command(self, response):
        job = response.meta["job"]
        command = yield from self.parsed(response, db.parse_command)
        if command is not FAILED:
            title, when = command
            job.view = replace(job.view, title=job.view.title or title, date=job.view.date or when)
        yield from self.advance(job, "command", ok=True)

    def advance(self, job: Job, step: str, ok: bool):
        """After each step of a job: the 名簿, then the meeting, then the next job."""
        if step == "speech" and not ok:
            yield from self.next_job()
            return
        if job.roster and not job.roster_tried:
            job.roster_tried = True
            yield self.fetch(job, "roster", job.roster.url)
            return
        if item := self.meeting(job):
            yield item
        yield from self.next_job()

    def meeting(self, job: Job) -> MeetingItem | None:
        view, ref = job.view, job.speech
        if view is None or not view.speeches:
            self.logger.info("no speeches in document %s (%s)", ref.doc_id, ref.title)
            return None
        base, _ = db.split_doc_class(view.title or ref.title)
        front = "\n".join(t for t in (job.roster_text, view.front_matter) if t)
        when = view.date or ref.date or parse_wareki(front)
        kind, committee = db.meeting_kind(base)
        source_url = ref.url
        for speech, anchor in zip(view.speeches, view.anchors, strict=True):
            speech["source_url"] = f"{source_url}#{anchor}" if anchor else source_url
        return MeetingItem(
            council_id=self.council_id, platform=self.platform, ext_council_id="", ext_schedule_id=ref.doc_id,
            title=db.clean_title(base), kind=kind, session=db.session_name(base), committee=committee,
            date=when.isoformat() if when else None, number=db.sitting_number(base), source_url=source_url,
            api_url=job.api_url, fetched_at=utcnow(), speeches=view.speeches, attendance=parse_attendance(front),
        )
