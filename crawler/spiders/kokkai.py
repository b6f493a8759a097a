"""国会会議録検索システム (kokkai.ndl.go.jp): the Diet's minutes, so residents can follow Diet members too.

    scrapy crawl kokkai -a council=kokkai -a from=2024-10-01 -a until=2024-10-31 \\
        [-a house=衆議院|参議院] [-a meeting=予算委員会] [-a speaker=石破茂]

Pages through /api/meeting (every speech's text, at most 10 sittings an answer) from
startRecord=1 to the last nextRecordPosition; each page is requested only after the previous
one was read, so there is never more than one request in flight. The API's terms ask for
exactly that and a few seconds between requests (see minutes/parsers/kokkai.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError

from oshigiin.crawler.spiders.base import FAILED, CouncilSpider, utcnow
from oshigiin.minutes.parsers import kokkai as kk
from oshigiin.minutes.records import MeetingItem

HOUSES = ("衆議院", "参議院", "両院", "両院協議会")
DEFAULT_DAYS = 30
JST = ZoneInfo("Asia/Tokyo")


def iso_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"-a {name}={value!r}: expected YYYY-MM-DD") from None


class KokkaiSpider(CouncilSpider):
    name = "kokkai"
    platform = "kokkai"
    per_page = kk.MAX_RECORDS["meeting"]
    # The API's terms: one request at a time, a few seconds apart (tests pass -s DOWNLOAD_DELAY=0).
    custom_settings = {
        "DOWNLOAD_DELAY": 3.0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "CONCURRENT_REQUESTS": 1,
    }

    def __init__(self, council: str = "kokkai", base_url: str | None = None, until: str | None = None,
                 house: str | None = None, meeting: str | None = None, speaker: str | None = None, **kwargs):
        since = kwargs.pop("from", None)  # `-a from=…`: a Python keyword, so it arrives in kwargs
        super().__init__(council, base_url, **kwargs)
        today = datetime.now(JST).date()  # the Diet sits on Tokyo's calendar
        self.until = iso_date(until, "until") if until else today
        self.since = iso_date(since, "from") if since else self.until - timedelta(days=DEFAULT_DAYS)
        if self.since > self.until:
            raise ValueError(f"-a from={self.since} is after -a until={self.until}")
        # The API ignores a house it does not know and searches both: refuse instead.
        if house and house not in HOUSES:
            raise ValueError(f"-a house={house!r}: one of {', '.join(HOUSES)}")
        self.house, self.meeting, self.speaker = house, meeting, speaker

    def search(self, start: int) -> dict[str, str]:
        params = {"from": self.since.isoformat(), "until": self.until.isoformat()}
        for key, value in (("nameOfHouse", self.house), ("nameOfMeeting", self.meeting), ("speaker", self.speaker)):
            if value:
                params[key] = value
        params.update(startRecord=str(start), maximumRecords=str(self.per_page), recordPacking="json")
        return params

    def page_request(self, start: int) -> scrapy.Request:
        return scrapy.Request(f"{self.base_url}api/meeting?{urlencode(self.search(start))}",
                              callback=self.parse_page, errback=self.on_error, cb_kwargs={"start": start})

    async def start(self):
        yield self.page_request(1)

    def parse_page(self, response, start: int):
        parsed = yield from self.parsed(response, kk.parse_meetings)
        if parsed is FAILED:
            return
        meetings, page = parsed
        fetched_at = utcnow()
        for meeting in meetings:
            if not meeting.is_minutes:
                # 目次・索引・附録・追録 carry no sitting of their own.
                self.crawler.stats.inc_value("oshigiin/skipped_image_kind")
                continue
            ext_council_id = str(meeting.session) if meeting.session is not None else ""
            if not self.wants(ext_council_id, meeting.issue_id):
                continue
            yield MeetingItem(
                council_id=self.council_id, platform=self.platform, ext_council_id=ext_council_id,
                ext_schedule_id=meeting.issue_id, title=meeting.title, kind=meeting.kind,
                session=meeting.session_label, committee=meeting.committee, date=meeting.date,
                number=meeting.number, source_url=meeting.meeting_url or response.url, api_url=response.url,
                fetched_at=fetched_at, speeches=meeting.speeches, attendance=meeting.attendance,
            )
        # Only forward: a position that does not advance would page forever.
        if page.next_record_position and page.next_record_position > start:
            yield self.page_request(page.next_record_position)

    def on_error(self, failure):
        """An HTTP error that carries the API's error object keeps its message as the reason."""
        if failure.check(HttpError):
            response = failure.value.response
            message = kk.error_message(response.body)
            if message:
                self.logger.warning("API error: %s %s: %s", response.status, response.url, message)
                yield self.failure(response, "http_error", f"HTTP {response.status}: {message}")
                return
        yield from super().on_error(failure)
