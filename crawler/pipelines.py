"""The crawl's only output: staging files per council and run, which `pipeline` loads.

data/staging/<council>/<run_id>/
    meetings.ndjson   one sitting per line, with its speeches and attendance
    members.ndjson    roster rows
    fetch_log.ndjson  every response and every failure
    run.json          written when the spider closes: counts and finish reason
Failed pages' bodies go to data/archive/<sha256>, named in their fetch_log line.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict

from scrapy import signals

from oshigiin.crawler.politeness import robots_unreachable
from oshigiin.crawler.spiders.base import request_body, utcnow
from oshigiin.minutes.records import FailureItem, MeetingItem, MemberItem
from oshigiin.paths import archive_dir
from oshigiin.runs import new_run


class StagingWriter:
    def __init__(self, crawler):
        self.crawler = crawler
        self.files = {}
        self.counts = {"meetings": 0, "speeches": 0, "members": 0, "failures": 0, "responses": 0}

    @classmethod
    def from_crawler(cls, crawler):
        writer = cls(crawler)
        crawler.signals.connect(writer.response_received, signal=signals.response_received)
        crawler.signals.connect(writer.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(writer.robots_unreachable, signal=robots_unreachable)
        return writer

    def open_spider(self):
        spider = self.spider = self.crawler.spider
        self.started = utcnow()
        # The next number of the council's run sequence: loads order runs by it, not by clocks.
        self.run_id, self.dir, self.run_seq = new_run(spider.council_id, spider.name)

    def _write(self, name: str, record: dict) -> None:
        if name not in self.files:
            # Line-buffered: each record reaches the disk whole, so a killed crawl keeps what it had.
            self.files[name] = open(  # noqa: SIM115 - closed in spider_closed
                self.dir / f"{name}.ndjson", "a", encoding="utf-8", buffering=1)
        self.files[name].write(json.dumps(record, ensure_ascii=False) + "\n")

    def _log(self, **fields) -> None:
        self._write("fetch_log", {"run_id": self.run_id, "council_id": self.spider.council_id,
                                  "spider": self.spider.name, **fields})

    def process_item(self, item):
        if isinstance(item, MeetingItem):
            self._write("meetings", asdict(item))
            self.counts["meetings"] += 1
            self.counts["speeches"] += len(item.speeches)
        elif isinstance(item, MemberItem):
            self._write("members", asdict(item))
            self.counts["members"] += 1
        elif isinstance(item, FailureItem):
            self.counts["failures"] += 1
            archive = None
            if item.body is not None:
                digest = hashlib.sha256(item.body).hexdigest()
                archive_dir().mkdir(parents=True, exist_ok=True)
                path = archive_dir() / digest
                path.write_bytes(item.body)
                archive = str(path)
            self._log(url=item.url, method=item.method, request_body=item.request_body, status=item.status,
                      outcome=item.outcome, reason=item.reason, archive_path=archive,
                      fetched_at=item.fetched_at)
        return item

    def robots_unreachable(self, url, status, outcome, reason):
        """robots.txt's own fetch, on the record (crawler/politeness.py); its pages follow as robots_unreachable."""
        self.counts["failures"] += 1
        self._log(url=url, method="GET", request_body=None, status=status, outcome=outcome, reason=reason,
                  archive_path=None, fetched_at=utcnow())

    def response_received(self, response, request, spider):
        self.counts["responses"] += 1
        # Error statuses are logged once, by the FailureItem the errback yields after Scrapy's
        # retries, with the body archived; a parse failure of a 200 follows its "ok" line.
        if 200 <= response.status < 400:
            self._log(url=response.url, method=request.method, request_body=request_body(request),
                      status=response.status, outcome="ok", reason=None, archive_path=None, fetched_at=utcnow())

    def spider_closed(self, spider, reason):
        for f in self.files.values():
            f.close()
        stats = self.crawler.stats
        manifest = {"run_id": self.run_id, "council_id": spider.council_id, "spider": spider.name,
                    "started": self.started, "finished": utcnow(), "finish_reason": reason, **self.counts,
                    "listed": stats.get_value("oshigiin/listed", 0),
                    "skipped_held": stats.get_value("oshigiin/skipped_held", 0),
                    "robots_forbidden": stats.get_value("oshigiin/robots_forbidden", 0),
                    "robots_unreachable": stats.get_value("oshigiin/robots_unreachable", 0),
                    "refused": stats.get_value("oshigiin/refused", 0)}
        tmp = self.dir / "run.json.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.dir / "run.json")
