"""A council's published member roster (議員名簿): names, kana readings, factions, seats.

Not a minutes platform: every ward publishes its roster on its own site, so the page URL
comes from the registry (roster_url) and the table is read by its column headers.
"""

from __future__ import annotations

import scrapy

from oshigiin.crawler.spiders.base import FAILED, CouncilSpider, utcnow
from oshigiin.minutes.parsers.roster import parse_roster
from oshigiin.minutes.records import MemberItem


class RosterSpider(CouncilSpider):
    name = "roster"

    def __init__(self, council: str, base_url: str | None = None, roster_url: str | None = None, **kwargs):
        super().__init__(council, base_url, **kwargs)
        url = roster_url or self.council.roster_url
        if not url:
            raise ValueError(f"{self.council.name}: no roster_url in the registry")
        self.roster_url = self.on_council_host(url)

    def named_urls(self) -> list[str]:
        return [*super().named_urls(), self.roster_url]

    async def start(self):
        yield scrapy.Request(self.roster_url, callback=self.parse, errback=self.on_error)

    def parse(self, response):
        members = yield from self.parsed(response, parse_roster, response.text)
        if members is FAILED:
            return
        fetched_at = utcnow()
        for m in members:
            yield MemberItem(council_id=self.council_id, source_url=response.url, fetched_at=fetched_at, **m)
