"""参議院 本会議 roll calls (押しボタン投票) for the Diet council (`kokkai`).

    scrapy crawl sangiin -a council=kokkai -a sessions=217
    scrapy crawl sangiin -a sessions=177 -a index=japanese/joho1/kousei/vote/{session}/vote_ind.htm

Per session: the index (vote_ind.htm) lists every roll call; each roll call page is parsed by
minutes/parsers/sangiin.py, its totals checked, and staged as one line of
data/staging/kokkai/<run>/rollcalls.ndjson, which the load turns into vote events, counts and
votes (pipeline/votes/store.py). A page whose totals disagree is a parse failure with its body archived,
never a staged record. `-a base_url=…` points at a local replay; `-a limit=N` fetches only the
first N roll calls of each index.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import scrapy

from oshigiin.crawler.spiders.base import FAILED, CouncilSpider, utcnow
from oshigiin.minutes.parsers import sangiin
from oshigiin.paths import staging_dir

HOST = "https://www.sangiin.go.jp/"
# Where the index has lived: the current site, and the 2011-era one (the recorded pages').
INDEX = "japanese/touhyoulist/{session}/vote_ind.htm"


def roll_call_record(call: sangiin.RollCall, council_id: str, fetched_at: str) -> dict:
    """One staged line: the roll call with every member's vote, as the load reads it."""
    return {"council_id": council_id, "url": call.url, "session": call.session, "number": call.number,
            "date": call.date.isoformat() if call.date else None, "title": call.title, "format": call.format,
            "total": call.total, "yes": call.yes, "no": call.no,
            "factions": [vars(f) for f in call.factions], "votes": call.records(), "fetched_at": fetched_at}


class RollCallWriter:
    """Writes roll-call items to their own staging file; StagingWriter keeps the fetch log."""

    def open_spider(self, spider=None):
        self.file = None

    def process_item(self, item, spider=None):
        if isinstance(item, dict) and "rollcall" in item:
            if self.file is None:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
                run = staging_dir() / item["rollcall"]["council_id"] / f"{stamp}-sangiin-{os.getpid()}"
                run.mkdir(parents=True, exist_ok=True)
                # Line-buffered: each roll call reaches the disk whole, so a killed crawl keeps what it had.
                self.file = open(run / "rollcalls.ndjson", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
            self.file.write(json.dumps(item["rollcall"], ensure_ascii=False) + "\n")
        return item

    def close_spider(self, spider=None):
        if self.file is not None:
            self.file.close()


class SangiinSpider(CouncilSpider):
    name = "sangiin"
    custom_settings = {
        "DOWNLOAD_DELAY": 1.0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "ITEM_PIPELINES": {
            "oshigiin.crawler.pipelines.StagingWriter": 100,
            "oshigiin.crawler.spiders.sangiin.RollCallWriter": 200,
        },
    }

    def __init__(self, council: str = "kokkai", base_url: str | None = None, sessions: str | None = None,
                 index: str | None = None, limit: str | None = None, **kwargs):
        super().__init__(council, base_url or HOST, **kwargs)
        if not sessions:
            raise ValueError("-a sessions=217[,216…]: the Diet sessions (国会回次) whose roll calls to fetch")
        self.sessions = [int(s) for s in sessions.split(",")]
        self.index = index or INDEX
        self.limit = int(limit) if limit else None

    async def start(self):
        for session in self.sessions:
            yield scrapy.Request(self.base_url + self.index.format(session=session), callback=self.parse_index,
                                 errback=self.on_error)

    def parse_index(self, response):
        entries = yield from self.parsed(response, sangiin.parse_index, response.body, response.url)
        if entries is FAILED:
            return
        self.crawler.stats.inc_value("oshigiin/listed", len(entries))
        for entry in entries[:self.limit]:
            yield scrapy.Request(entry.url, callback=self.parse_roll_call, errback=self.on_error)

    def parse_roll_call(self, response):
        call = yield from self.parsed(response, sangiin.parse_roll_call, response.body, response.url)
        if call is FAILED:
            return
        if problems := call.check():
            yield self.failure(response, "parse_error", "totals do not agree: " + "; ".join(problems))
            return
        yield {"rollcall": roll_call_record(call, self.council_id, utcnow())}
