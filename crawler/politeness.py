"""Politeness per host, not per spider (issue 14.3): one robots.txt per host for all of a council's
spiders, read as RFC 9309 says, and DOWNLOAD_DELAY kept between the spiders too.

`oshigiin crawl` runs a council's spiders (minutes, roster, …) one after another in one process
(crawler/run.py). Each Scrapy crawler has its own downloader, so its own download slots and its
own robots.txt middleware: left alone, every spider fetched robots.txt again and the roster's
first request could follow the minutes spider's last one at once. Here the run's crawlers share:

- robots.txt, one per host (host:port, as Scrapy keys it) for the whole run: RobotsRFC9309 keeps its
  parsers in the run's HostState, so the second spider reuses what the first read;
- when each host's last request ended: HostClock holds a crawler's request until DOWNLOAD_DELAY
  has passed since another crawler's last request to that host was answered (within one crawler
  Scrapy's download slot does this already), so the spiders, which run one after another, keep
  one pace per host.

RFC 9309 §2.3.1: robots.txt answering 2xx is obeyed; 4xx ("unavailable") allows everything;
5xx or a network error after the retries ("unreachable") disallows everything for the run, and
every request is recorded as `robots_unreachable` with the robots.txt URL and the reason. A 429
(Too Many Requests) is read as unreachable too, as Google does: the server asked us to stop.

A path robots.txt disallows is fetched only when the spider's council has a permission record for
that host in the registry ([[council.permission]]: who granted it, when, a citation; docs/access.md).
It is per council, never a global switch; each such request counts as `oshigiin/robots_permitted`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from time import monotonic

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater

from oshigiin.crawler.offsite import Refused
from oshigiin.registry import permission_for


@dataclass
class HostState:
    """What the crawlers of one run share about each host."""

    robots: dict = field(default_factory=dict)       # netloc → parser | Unreachable | Deferred
    last_done: dict = field(default_factory=dict)    # netloc → (crawler, monotonic time its last request ended)


_run = HostState()


def new_run() -> HostState:
    """Forget the hosts: a new crawl reads robots.txt again (crawler/run.py calls this)."""
    global _run
    _run = HostState()
    return _run


def current_run() -> HostState:
    return _run


@dataclass(frozen=True)
class Unreachable:
    url: str
    reason: str
    outcome: str              # how robots.txt's own fetch failed: http_error | network_error
    status: int | None = None


robots_unreachable = object()
"""Signal: robots.txt could not be read (url, status, outcome, reason); the staging writer logs it."""


class RobotsRFC9309(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware (pinned 2.19: its `_parsers`, `_parse_robots`, `_robots_error`
    and `process_request_2` hooks) with the run's shared parsers and RFC 9309's error handling."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._parsers = current_run().robots
        self._urls: dict[str, str] = {}
        self._reported: set[str] = set()
        self._permitted: set[str] = set()

    async def robot_parser(self, request):
        url = urlparse_cached(request)
        self._urls.setdefault(url.netloc, f"{url.scheme}://{url.netloc}/robots.txt")
        return await super().robot_parser(request)

    async def _parse_robots(self, response, netloc, request):
        if response.status >= 500 or response.status == 429:
            self._unreachable(netloc, "http_error", f"HTTP {response.status}", response.status)
            return
        if response.status >= 400:
            response = response.replace(body=b"")  # unavailable: everything allowed
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc, netloc):
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._unreachable(netloc, "network_error", f"{type(exc).__name__}: {exc}")

    def _unreachable(self, netloc: str, outcome: str, reason: str, status: int | None = None) -> None:
        url = self._urls.get(netloc, f"//{netloc}/robots.txt")
        self.crawler.spider.logger.warning("robots.txt unreachable: %s (%s): nothing fetched from %s this run",
                                           url, reason, netloc)
        waiting = self._parsers[netloc]
        self._parsers[netloc] = marker = Unreachable(url, reason, outcome, status)
        if isinstance(waiting, Deferred):
            waiting.callback(marker)

    def process_request_2(self, rp, request):
        if isinstance(rp, Unreachable):
            if rp.url not in self._reported:
                # Each spider's fetch log says why its pages were not fetched, whichever spider asked first.
                self._reported.add(rp.url)
                self.crawler.signals.send_catch_log(
                    signal=robots_unreachable, url=rp.url, status=rp.status, outcome=rp.outcome,
                    reason=f"{rp.reason}: robots.txt unreachable, the host is not crawled this run (RFC 9309 §2.3.1.4)")
            raise Refused("robots_unreachable", f"robots.txt unreachable ({rp.reason} at {rp.url}): RFC 9309 "
                                                f"§2.3.1.4, nothing is fetched from this host this run")
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            # Forbidden by robots.txt: fetched anyway only under a permission the council's own registry
            # entry records for this host (who, when, citation; docs/access.md), never for another council.
            council = getattr(self.crawler.spider, "council", None)
            netloc = urlparse_cached(request).netloc
            permission = permission_for(council, netloc) if council is not None else None
            if permission is None:
                raise
            self._stats.inc_value("oshigiin/robots_permitted")
            if netloc not in self._permitted:
                self._permitted.add(netloc)
                self.crawler.spider.logger.warning("robots.txt of %s forbids %s; fetched for %s under its %s",
                                                   netloc, request.url, council.name, permission.shown())


class HostClock:
    """DOWNLOAD_DELAY between one crawler's request and the end of another crawler's last one to that host."""

    def __init__(self, crawler):
        self.crawler = crawler
        # request_left_downloader: the request is done (answered or failed). request_reached_downloader
        # would be too early: it fires when the request joins its slot's queue, before the slot's delay.
        crawler.signals.connect(self.left, signal=signals.request_left_downloader)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def left(self, request, spider=None):
        current_run().last_done[urlparse_cached(request).netloc] = (self.crawler, monotonic())

    async def process_request(self, request):
        last = current_run().last_done.get(urlparse_cached(request).netloc)
        if last is None or last[0] is self.crawler:
            return None
        wait = self.crawler.settings.getfloat("DOWNLOAD_DELAY") - (monotonic() - last[1])
        if wait > 0:
            from twisted.internet import reactor  # the one Scrapy installed (TWISTED_REACTOR)

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return None
