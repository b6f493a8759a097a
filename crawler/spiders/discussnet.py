"""DiscussNet SSP (kaigiroku.net): 新宿, 墨田, 北, 荒川, 練馬, 渋谷 and hundreds of other councils.

tenant.js → councils/index → minutes/get_schedule per 会議 → minutes/get_minute per sitting.
The API takes form-encoded POSTs and answers JSON.
"""

from __future__ import annotations

from urllib.parse import urlencode

import scrapy

from oshigiin.crawler.spiders.base import FAILED, CouncilSpider, utcnow
from oshigiin.minutes.parsers import discussnet as dn
from oshigiin.minutes.records import MeetingItem


class DiscussNetSpider(CouncilSpider):
    name = "discussnet"
    platform = "discussnet"

    def __init__(self, council: str, base_url: str | None = None, tenant: str | None = None,
                 years: str | None = None, council_ids: str | None = None, **kwargs):
        super().__init__(council, base_url, **kwargs)
        self.tenant = tenant or self.council.tenant
        if not self.tenant:
            raise ValueError(f"{self.council.name}: no DiscussNet tenant slug in the registry")
        # Narrow a crawl to some years or some 会議 (council_id of the platform).
        self.years = {int(y) for y in years.split(",")} if years else None
        self.council_ids = {int(c) for c in council_ids.split(",")} if council_ids else None

    def api(self, endpoint: str, callback, **params) -> scrapy.FormRequest:
        return scrapy.FormRequest(
            f"{self.base_url}dnp/search/{endpoint}",
            formdata={k: str(v) for k, v in params.items()},
            callback=callback, errback=self.on_error, cb_kwargs=params,
        )

    def minute_view_url(self, council_id: int, schedule_id: int) -> str:
        query = urlencode({"tenant_id": self.tenant_id, "council_id": council_id, "schedule_id": schedule_id})
        return f"{self.base_url}tenant/{self.tenant}/MinuteView.html?{query}"

    async def start(self):
        yield scrapy.Request(f"{self.base_url}tenant/{self.tenant}/js/tenant.js",
                             callback=self.parse_tenant, errback=self.on_error)

    def parse_tenant(self, response):
        self.tenant_id = yield from self.parsed(response, dn.parse_tenant_js)
        if self.tenant_id is FAILED:
            return
        yield self.api("councils/index", self.parse_councils, tenant_id=self.tenant_id)

    def parse_councils(self, response, tenant_id):
        councils = yield from self.parsed(response, dn.parse_councils)
        if councils is FAILED:
            return
        for council in councils:
            if not council.is_proceedings:
                continue
            if self.years and council.view_year not in self.years:
                continue
            if self.council_ids and council.council_id not in self.council_ids:
                continue
            request = self.api("minutes/get_schedule", self.parse_schedules,
                               tenant_id=tenant_id, council_id=council.council_id)
            request.meta["council"] = council
            yield request

    def parse_schedules(self, response, tenant_id, council_id):
        schedules = yield from self.parsed(response, dn.parse_schedules)
        if schedules is FAILED:
            return
        for schedule in schedules:
            if not self.wants(council_id, schedule.schedule_id):
                continue
            request = self.api("minutes/get_minute", self.parse_minute, tenant_id=tenant_id,
                               council_id=council_id, schedule_id=schedule.schedule_id)
            request.meta.update(council=response.meta["council"], schedule=schedule,
                                **self.settled(council_id, schedule.schedule_id))
            yield request

    def parse_minute(self, response, tenant_id, council_id, schedule_id):
        council, schedule = response.meta["council"], response.meta["schedule"]
        minute = yield from self.parsed(response, dn.parse_minute)
        if minute is FAILED:
            return
        fetched_at = utcnow()
        source_url = self.minute_view_url(council_id, schedule_id)
        for speech in minute["speeches"]:
            speech["source_url"] = f"{source_url}&minute_id={speech['ext_minute_id']}"
        when = dn.sitting_date(council, schedule, minute["front_matter"])
        session = dn.squash(council.name)
        yield MeetingItem(
            council_id=self.council_id, platform=self.platform,
            ext_council_id=str(council_id), ext_schedule_id=str(schedule_id),
            title=f"{session} {dn.squash(schedule.name)}", kind=council.kind, session=session,
            committee=council.committee, date=when.isoformat() if when else None,
            number=dn.sitting_number(schedule), source_url=source_url, api_url=response.url,
            fetched_at=fetched_at, speeches=minute["speeches"], attendance=minute["attendance"],
        )
