"""DiscussVision Smart council video (新宿, 墨田, 練馬, 葛飾, 目黒, 渋谷, 中野): playlist items with captions.

    scrapy crawl discussvision -a council=131041 [-a years=2024] [-a captions=0]
    scrapy crawl discussvision -a council=recorded -a video_url=http://127.0.0.1:8000/

yearlist → councilrd/all per year (every council, schedule and playlist item of the year in one
answer) → each item's WebVTT captions (vtt_name) unless `-a captions=0`. Where the captions are
served is not in the sources we have: CAPTIONS below is the path the demo serves, to be confirmed
against the live site (docs/video.md); `-a captions_path=` overrides it.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import scrapy

from oshigiin.crawler.spiders.base import FAILED, utcnow
from oshigiin.crawler.spiders.video import VideoSpider
from oshigiin.holdings import settled
from oshigiin.minutes.parsers import discussvision as dv

CAPTIONS = "dvsapi/vtt/{tenant}/{vtt}"


class DiscussVisionSpider(VideoSpider):
    name = "discussvision"
    video_platform = "discussvision"

    def __init__(self, council: str, base_url: str | None = None, captions: str | None = None,
                 captions_path: str | None = None, tenant: str | None = None, **kwargs):
        super().__init__(council, base_url, **kwargs)
        self.tenant = tenant or self.tenant
        if not self.tenant:
            raise ValueError(f"{self.council.name}: no DiscussVision tenant (video_tenant in the registry)")
        self.captions = captions not in ("0", "false", "no")
        self.captions_path = captions_path or CAPTIONS

    def api(self, endpoint: str, callback, **params) -> scrapy.Request:
        return scrapy.Request(f"{self.video_url}dvsapi/{endpoint}?{urlencode({'tenant_id': self.tenant, **params})}",
                              callback=callback, errback=self.on_error)

    def viewer_url(self, item: dv.Item) -> str:
        query = urlencode({"council_id": item.council_id, "schedule_id": item.schedule_id,
                           "playlist_id": item.playlist_id})
        return f"{self.video_url}smart/tenant/{self.tenant}/speech.html?{query}"

    async def start(self):
        yield self.api("yearlist", self.parse_years)

    def parse_years(self, response):
        years = yield from self.parsed(response, dv.parse_years)
        if years is FAILED:
            return
        for year in years:
            if self.years and year not in self.years:
                continue
            yield self.api("councilrd/all", self.parse_councils, year=year)

    def parse_councils(self, response):
        items = yield from self.parsed(response, dv.parse_councils)
        if items is FAILED:
            return
        fetched_at = utcnow()
        schedules: dict[tuple[str, str], list[dv.Item]] = {}
        for i in items:
            schedules.setdefault((i.council_id, i.schedule_id), []).append(i)
        fresh = []
        for listed in schedules.values():
            self.crawler.stats.inc_value("oshigiin/listed")
            # A settled schedule the database holds whole is not read again (its captions included).
            if all(f"{i.council_id}-{i.schedule_id}-{i.playlist_id}" in self.held and settled(i.date) for i in listed):
                self.crawler.stats.inc_value("oshigiin/skipped_held")
                continue
            fresh += listed
        for item in fresh:
            record = self.segment(
                ext_id=f"{item.council_id}-{item.schedule_id}-{item.playlist_id}", session=item.session,
                date=item.date.isoformat() if item.date else None, meeting=item.meeting, order=item.order,
                speaker_raw=item.speaker_raw, speaker_name=item.speaker_name, speaker_id=item.speaker_id,
                agenda=item.content, segment_url=self.viewer_url(item), start_seconds=item.start,
                media_url=item.movie, source_url=response.url, fetched_at=fetched_at,
            )
            if item.vtt and self.captions:
                url = self.video_url + self.captions_path.format(tenant=quote(self.tenant), vtt=quote(item.vtt))
                record["video_segment"]["captions_url"] = url
                yield scrapy.Request(url, callback=self.parse_captions, errback=self.captions_failed,
                                     cb_kwargs={"record": record})
            else:
                yield record

    def captions_failed(self, failure):
        yield from self.on_error(failure)
        yield failure.request.cb_kwargs["record"]  # the segment links without its captions

    def parse_captions(self, response, record):
        cues = yield from self.parsed(response, dv.parse_vtt)
        if cues is not FAILED:
            record["video_segment"]["captions"] = [[c.start, c.end, c.text] for c in cues]
        yield record  # without its captions the segment still links; the failure is on the record
