"""An election's results on the 東京都選挙管理委員会's site → the council's turnout rows.

    scrapy crawl elections -a council=131121 -a url=<the election's result page, or its CSV>

The commission publishes each election (都知事選挙, 都議会議員選挙, and the national elections as
counted in Tokyo) on a page that links its result files; the 投票結果 CSV has one row per 開票区
(see minutes/parsers/elections.py). The spider fetches the page, follows its CSV and .xlsx links
(at most max_files), and from each 投票結果 file keeps two rows: the council's own (世田谷区, or
世田谷区計 where a ward is split between districts) and the 23 wards' total (区部計). Other
files on the page (開票結果 by candidate) are not turnout tables and are passed over.

The rows go to staging/<council>/<run>/elections.csv in the importer's columns, written whole
when the spider closes, beside the usual fetch_log; `pipeline.elections.load_staged` (or
`oshigiin import-elections` on the file) imports them.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import asdict, dataclass

import scrapy

from oshigiin.crawler.pipelines import StagingWriter
from oshigiin.crawler.spiders.base import FAILED, PARSE_ERRORS, CouncilSpider, utcnow
from oshigiin.minutes.parsers import elections as ep

TOKUBETSUKU = "13100-tokubetsuku"   # as pipeline.elections.TOKUBETSUKU
WARD_TOTALS = ("区部計", "特別区計")


@dataclass
class ElectionItem:
    """One area's turnout in one election, as the file states it. Columns of the importer."""

    area_id: str
    area_name: str
    election_type: str
    date: str                 # ISO
    electorate: int
    voters: int
    turnout: str | None       # as printed, when the file prints it
    status: str
    source: str
    source_url: str
    fetched_at: str
    note: str | None = None


class ElectionStagingWriter(StagingWriter):
    """The staging writer, plus elections.csv: written once at the end, so a killed crawl leaves
    no half file for the importer (which would take it whole)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.elections: dict[tuple, dict] = {}
        self.counts["elections"] = 0

    def process_item(self, item):
        if isinstance(item, ElectionItem):
            # The same table as CSV and as .xlsx on one page: one row per election and area.
            self.elections[item.area_id, item.election_type, item.date] = asdict(item)
            self.counts["elections"] = len(self.elections)
            return item
        return super().process_item(item)

    def spider_closed(self, spider, reason):
        if self.elections:
            tmp = self.dir / "elections.csv.tmp"
            with tmp.open("w", encoding="utf-8", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=list(ElectionItem.__dataclass_fields__), lineterminator="\n")
                writer.writeheader()
                writer.writerows(self.elections.values())
            os.replace(tmp, self.dir / "elections.csv")
        super().spider_closed(spider, reason)


class ElectionResultsSpider(CouncilSpider):
    name = "elections"
    custom_settings = {"ITEM_PIPELINES": {"oshigiin.crawler.spiders.elections.ElectionStagingWriter": 100}}

    def __init__(self, council: str, url: str | None = None, base_url: str | None = None,
                 election_type: str | None = None, date: str | None = None, max_files: str | int = 10, **kwargs):
        super().__init__(council, base_url, **kwargs)
        if not url:
            raise ValueError("pass -a url=… : an election's result page on the commission's site, or its CSV")
        self.start_url = url
        # What the file's title line says wins; these are for files that do not say it.
        self.election_type = ep.election_type(election_type) if election_type else None
        self.date = ep.parse_date(date) if date else None
        self.max_files = int(max_files)
        name = self.council.name
        self.own = {name, f"{name}計"}

    def named_urls(self) -> list[str]:
        return [*super().named_urls(), self.start_url]

    async def start(self):
        yield scrapy.Request(self.start_url, callback=self.parse, errback=self.on_error)

    @staticmethod
    def is_file(response) -> bool:
        kind = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        return bool(re.search(r"\.(csv|xlsx)(?:$|[?#])", response.url, re.I)) or "csv" in kind or "sheet" in kind

    def parse(self, response):
        if self.is_file(response):
            yield from self.parse_file(response)
            return
        links = yield from self.parsed(response, ep.result_links, response.body, response.url)
        if links is FAILED:
            return
        if not links:
            yield self.parse_failed(response, ep.ParseError("no CSV or .xlsx links on the page"))
            return
        self.crawler.stats.set_value("oshigiin/listed", len(links))
        for link in links[:self.max_files]:
            # A result file past the parser's cap is abandoned while downloading (too_large).
            yield scrapy.Request(link, callback=self.parse_file, errback=self.on_error,
                                 meta={"download_maxsize": ep.MAX_FILE_BYTES})

    def parse_file(self, response):
        name = response.url.split("?")[0].rsplit("/", 1)[-1] or "result.csv"
        try:
            facts, rows = ep.turnout_rows(response.body, name)
        except ep.TooLarge as exc:
            # Past a cap (rows, columns, unpacked size): on the record, not passed over as "another table".
            self.crawler.stats.inc_value("oshigiin/too_large")
            yield self.failure(response, "too_large", str(exc))
            return
        except PARSE_ERRORS as exc:
            # A page lists 開票結果 files too: not a failure, just not a turnout table.
            self.logger.info("not a 投票結果 table, passed over: %s (%s)", response.url, exc)
            self.crawler.stats.inc_value("oshigiin/elections_other_files")
            return
        kind = facts.get("election_type") or self.election_type
        when = facts.get("date") or self.date
        if not kind or not when:
            yield self.parse_failed(response, ValueError(
                "the file names no election or date: pass -a election_type=… -a date=YYYY-MM-DD"))
            return
        fetched_at = utcnow()
        found = False
        for row in rows:
            if row["area"] in self.own:
                area_id, area_name = self.council_id, self.council.name
                found = True
            elif row["area"] in WARD_TOTALS:
                area_id, area_name = TOKUBETSUKU, "特別区（23区）"
            else:
                continue
            yield ElectionItem(
                area_id=area_id, area_name=area_name, election_type=kind, date=when.isoformat(),
                electorate=row["electorate"], voters=row["voters"],
                turnout=str(row["turnout"]) if row["turnout"] is not None else None, status="official",
                source=f"東京都選挙管理委員会 投票結果（{name}）", source_url=response.url, fetched_at=fetched_at,
                note=f"{row['area']}の行（{row['line']}行目）",
            )
        if not found:
            yield self.parse_failed(response, ValueError(f"no row for {self.council.name} in the 投票結果 table"))
