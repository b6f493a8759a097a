"""Published faction-stance pages (各会派等の議案への賛否) of a council, staged for the load.

    scrapy crawl stances -a council=demo -a index=http://127.0.0.1:8765/gikai/taido/index.html

The index links one page per session; each page is checked with minutes/parsers/stances.py (a page
that does not read is a parse failure, archived, never staged) and its body kept as it came, under
data/staging/<council>/<run>/stance_pages/, with a manifest line (url, file, fetched_at) in
stance_pages.ndjson. The load imports every staged page (pipeline/votes/store.py) with the page's URL as
its source, so a re-crawl replaces what the page said before.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime

import scrapy

from oshigiin.crawler.spiders.base import FAILED, CouncilSpider, utcnow
from oshigiin.minutes.parsers.stances import parse_metro_tokyo
from oshigiin.paths import staging_dir


class StancePageWriter:
    def open_spider(self, spider=None):
        self.dir = None
        self.manifest = None

    def process_item(self, item, spider=None):
        if isinstance(item, dict) and "stance_page" in item:
            page = item["stance_page"]
            if self.dir is None:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
                self.dir = staging_dir() / page["council_id"] / f"{stamp}-stances-{os.getpid()}"
                (self.dir / "stance_pages").mkdir(parents=True, exist_ok=True)
                self.manifest = open(self.dir / "stance_pages.ndjson", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
            name = hashlib.sha256(page["url"].encode()).hexdigest()[:16] + ".html"
            (self.dir / "stance_pages" / name).write_bytes(page.pop("body"))
            self.manifest.write(json.dumps({**page, "file": f"stance_pages/{name}"}, ensure_ascii=False) + "\n")
        return item

    def close_spider(self, spider=None):
        if self.manifest is not None:
            self.manifest.close()


class StancesSpider(CouncilSpider):
    name = "stances"
    custom_settings = {
        "ITEM_PIPELINES": {
            "oshigiin.crawler.pipelines.StagingWriter": 100,
            "oshigiin.crawler.spiders.stances.StancePageWriter": 200,
        },
    }

    def __init__(self, council: str, base_url: str | None = None, index: str | None = None, **kwargs):
        super().__init__(council, base_url, **kwargs)
        url = index or self.council.extra.get("stances_url")
        if not url:
            raise ValueError(f"{self.council.name}: no stance page index; pass -a index=URL")
        self.index = self.on_council_host(url)

    def named_urls(self) -> list[str]:
        return [*super().named_urls(), self.index]

    async def start(self):
        yield scrapy.Request(self.index, callback=self.parse_index, errback=self.on_error)

    def parse_index(self, response):
        links = [response.urljoin(h) for h in response.css("a::attr(href)").getall() if h.endswith(".html")]
        self.crawler.stats.inc_value("oshigiin/listed", len(links))
        for url in links:
            yield scrapy.Request(url, callback=self.parse_page, errback=self.on_error)

    def parse_page(self, response):
        page = yield from self.parsed(response, parse_metro_tokyo, response.body)
        if page is FAILED:
            return
        yield {"stance_page": {"council_id": self.council_id, "url": response.url, "session": page.session,
                               "fetched_at": utcnow(), "body": response.body}}
