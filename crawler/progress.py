"""Where a long crawl is: sittings listed / fetched / failed, requests, elapsed and an ETA.

A real ward is thousands of requests at one a second, an hour or more. A Scrapy extension reads the
crawl's own stats on a LoopingCall: on a terminal it rewrites one stderr line in place every
PROGRESS_INTERVAL seconds; otherwise (a scheduler's log, a pipe) it writes one summary line when the
spider closes, so a log file gets no carriage-return noise. PROGRESS_ENABLED = False turns it off.
"""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from oshigiin.minutes.records import FailureItem, MeetingItem


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class CrawlProgress:
    def __init__(self, crawler, interval: float, stream=None):
        self.crawler = crawler
        self.interval = interval
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.fetched = self.failed = 0
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("PROGRESS_ENABLED", True):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("PROGRESS_INTERVAL", 5.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.name = spider.name
        self.started = time.monotonic()
        if self.tty:
            self.loop = task.LoopingCall(self.show)
            self.loop.start(self.interval, now=False)

    def item_scraped(self, item, response, spider):
        if isinstance(item, MeetingItem):
            self.fetched += 1
        elif isinstance(item, FailureItem):
            self.failed += 1

    def line(self) -> str:
        stats = self.crawler.stats
        listed = stats.get_value("oshigiin/listed", 0)
        held = stats.get_value("oshigiin/skipped_held", 0)
        requests = stats.get_value("downloader/request_count", 0)
        elapsed = time.monotonic() - self.started
        # Sittings still to fetch: listed, less those already held and those done (fetched or failed).
        remaining = max(0, listed - held - self.fetched - self.failed)
        done = self.fetched + self.failed
        eta = "0:00" if listed and not remaining else _duration(remaining * elapsed / done) if done else "?"
        return (f"{self.name}: {listed} sittings listed, {held} already held, {self.fetched} fetched, "
                f"{self.failed} failed, {requests} requests, {_duration(elapsed)} elapsed, ETA {eta}")

    def show(self):
        # \x1b[K clears what a longer previous line left behind.
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        prefix = "\r" if self.tty else ""
        self.stream.write(f"{prefix}{self.line()} ({reason})" + ("\x1b[K" if self.tty else "") + "\n")
        self.stream.flush()
