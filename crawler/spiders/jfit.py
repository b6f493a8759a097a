"""JFIT council video (世田谷 `setagaya-city`, 中央, 文京, 江東 …): every speaker's recording.

    scrapy crawl jfit -a council=131121 [-a years=2024] [-a kaigi_ids=1,2] [-a media=1]
    scrapy crawl jfit -a council=recorded -a video_url=http://127.0.0.1:8000/   # a local replay

gikai_list (per kaigi_id) → gikai_days_list per session → gikai_result per day, whose rows are
the segments (minutes/parsers/jfit.py). `-a media=1` also opens each play_vod page for the
HLS/DASH source: one more request per segment, so off by default — the play_vod page is the link
a resident opens, and it is known without fetching it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy

from oshigiin.crawler.spiders.base import FAILED, utcnow
from oshigiin.crawler.spiders.video import VideoSpider
from oshigiin.holdings import settled
from oshigiin.minutes.parsers import jfit


class JfitSpider(VideoSpider):
    name = "jfit"
    video_platform = "jfit"

    def __init__(self, council: str, base_url: str | None = None, kaigi_ids: str | None = None,
                 media: str | None = None, **kwargs):
        super().__init__(council, base_url, **kwargs)
        self.kaigi_ids = [k.strip() for k in (kaigi_ids or "1").split(",") if k.strip()]
        self.media = bool(media) and media not in ("0", "false", "no")

    def page(self, **params) -> str:
        base = self.video_url.split("?", 1)[0]
        return base + "?" + "&".join(f"{k}={v}" for k, v in params.items())

    async def start(self):
        for kaigi_id in self.kaigi_ids:
            yield scrapy.Request(self.page(kaigi_id=kaigi_id, tpl="gikai_list"), callback=self.parse_sessions,
                                 errback=self.on_error)

    def parse_sessions(self, response):
        sessions = yield from self.parsed(response, jfit.parse_sessions, response.body, response.url)
        if sessions is FAILED:
            return
        for session in sessions:
            if self.years and jfit.session_year(session.name) not in self.years:
                continue
            yield scrapy.Request(session.url, callback=self.parse_days, errback=self.on_error,
                                 cb_kwargs={"session": session})

    def parse_days(self, response, session):
        days = yield from self.parsed(response, jfit.parse_days, response.body, response.url, session.name)
        if days is FAILED:
            return
        held_days = {query: when for when, query in self.held.values()}
        for day in days:
            self.crawler.stats.inc_value("oshigiin/listed")
            query = urlsplit(day.url).query
            if query in held_days and settled(held_days[query] or day.date):
                self.crawler.stats.inc_value("oshigiin/skipped_held")
                continue
            yield scrapy.Request(day.url, callback=self.parse_day, errback=self.on_error,
                                 cb_kwargs={"session": session, "day": day})

    def parse_day(self, response, session, day):
        page = yield from self.parsed(response, jfit.parse_day, response.body, response.url, session.name)
        if page is FAILED:
            return
        when = day.date or page.date
        fetched_at = utcnow()
        for row in page.rows:
            item = self.segment(
                ext_id=row.inquiry_id, session=session.name, date=when.isoformat() if when else None,
                meeting=day.meeting or None, order=row.order, speaker_raw=row.speaker_raw,
                speaker_name=row.speaker_name, faction=row.faction, agenda=row.agenda, segment_url=row.url,
                start_seconds=0.0, source_url=response.url, fetched_at=fetched_at,
            )
            if self.media:
                yield scrapy.Request(row.url, callback=self.parse_play, errback=self.play_failed,
                                     cb_kwargs={"item": item})
            else:
                yield item

    def play_failed(self, failure):
        yield from self.on_error(failure)
        yield failure.request.cb_kwargs["item"]  # the segment stands without its media source

    def parse_play(self, response, item):
        play = yield from self.parsed(response, jfit.parse_play, response.body, response.url)
        if play is not FAILED:
            sources = play["sources"]
            item["video_segment"]["media_url"] = sources.get("hls") or next(iter(sources.values()))
        yield item  # the segment stands without its media source; the failure is on the record
