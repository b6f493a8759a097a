"""What every council spider shares: the council from the registry, failure records."""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from twisted.python.failure import Failure

from oshigiin.crawler.httpcache import CACHEABLE
from oshigiin.crawler.offsite import Refused, origin
from oshigiin.holdings import held_documents, needs_fetch
from oshigiin.minutes.parsers.errors import PARSE_ERRORS, as_parse_error
from oshigiin.minutes.records import FailureItem
from oshigiin.registry import find_council


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def request_body(request: scrapy.Request) -> str | None:
    return request.body.decode("utf-8", "replace") if request.body else None


class CouncilSpider(scrapy.Spider):
    """`scrapy crawl <platform> -a council=131121` (code or name, as in data/councils.toml).

    `-a base_url=…` points the spider at another host serving the same platform: the demo
    server on a free port, or a local replay of recorded pages.
    """

    platform: str | None = None  # None: not tied to a minutes platform (rosters)

    def __init__(self, council: str, base_url: str | None = None, full: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.council = find_council(council)
        # Incremental by default: sittings already published (and not recent) are not fetched again.
        self.full = bool(full) and full not in ("0", "false", "no")
        self.held = held_documents(self.council.code, self.platform) if self.platform else {}
        if self.platform and self.council.platform != self.platform:
            raise ValueError(
                f"{self.council.name} publishes on {self.council.platform!r}, not {self.platform!r}"
            )
        self.base_url = (base_url or self.council.base_url or "").rstrip("/") + "/"
        if self.platform and self.base_url == "/":
            raise ValueError(f"{self.council.name}: no base_url in the registry; pass -a base_url=…")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Only a server we run ourselves (the demo) is crawled faster than the polite default.
        if spider.council.download_delay is not None:
            crawler.settings.set("DOWNLOAD_DELAY", spider.council.download_delay, priority="spider")
        return spider

    def wants(self, ext_council_id, ext_schedule_id) -> bool:
        """Count a listed sitting, and say whether to fetch it (new, recent, or --full)."""
        stats = self.crawler.stats
        stats.inc_value("oshigiin/listed")
        if self.full or needs_fetch(self.held, (str(ext_council_id), str(ext_schedule_id))):
            return True
        stats.inc_value("oshigiin/skipped_held")
        return False

    def settled(self, ext_council_id, ext_schedule_id) -> dict:
        """Request meta for a sitting's document: cacheable (when the development cache is on) only
        if the database holds the sitting and it is older than the refresh window (crawler/httpcache.py)."""
        key = (str(ext_council_id), str(ext_schedule_id))
        return {CACHEABLE: True} if key in self.held and not needs_fetch(self.held, key) else {}

    def named_urls(self) -> list[str]:
        """The URLs whose hosts this spider may fetch from: the registry entry's and the operator's."""
        c = self.council
        urls = [c.base_url, c.roster_url, self.base_url, *_urls_in(c.extra)]
        return [u for u in urls if u and u != "/"]

    @cached_property
    def allowed_origins(self) -> frozenset[tuple[str, int | None]]:
        """Hosts (and ports) requests may go to; crawler/offsite.py refuses the rest."""
        return frozenset(origin(u) for u in self.named_urls())

    def on_council_host(self, url: str) -> str:
        """A registry URL moved to the -a base_url host (the demo server runs on any port)."""
        registered = (self.council.base_url or "").rstrip("/") + "/"
        if registered != "/" and url.startswith(registered):
            return self.base_url + url[len(registered):]
        return url

    @property
    def council_id(self) -> str:
        return self.council.code

    def failure(self, response: scrapy.http.Response, outcome: str, reason: str) -> FailureItem:
        return FailureItem(
            council_id=self.council_id, url=response.url, method=response.request.method,
            request_body=request_body(response.request), status=response.status, outcome=outcome,
            reason=reason, fetched_at=utcnow(), body=response.body,
        )

    def parsed(self, response: scrapy.http.Response, parser: Callable[..., Any], *args: Any,
               failed: Callable[[scrapy.http.Response, Exception], Any] | None = None) -> Generator[Any, None, Any]:
        """`result = yield from self.parsed(response, parser)`: the parser's result on the response's
        body (or on `args`), or FAILED once the parse failure is yielded with the URL and the body
        (or what `failed(response, exc)` returns instead: a retry, say)."""
        try:
            return parser(*(args or (response.body,)))
        except PARSE_ERRORS as exc:
            yield (failed or self.parse_failed)(response, exc)
            return FAILED

    def parse_failed(self, response: scrapy.http.Response, exc: Exception) -> FailureItem:
        exc = as_parse_error(exc)
        self.logger.warning("parse failed: %s %s: %s", response.request.method, response.url, exc)
        self.crawler.stats.inc_value("oshigiin/parse_error")
        return self.failure(response, "parse_error", f"{type(exc).__name__}: {exc}")

    def on_error(self, failure: Failure):
        """Requests that never produced a usable response (after Scrapy's retries)."""
        request = failure.request
        if failure.check(Refused):
            # Off the council's hosts, not http(s), or robots.txt unreachable: never sent.
            self.crawler.stats.inc_value(f"oshigiin/{failure.value.outcome}")
            yield FailureItem(
                council_id=self.council_id, url=request.url, method=request.method,
                request_body=request_body(request), status=None, outcome=failure.value.outcome,
                reason=failure.value.reason, fetched_at=utcnow(),
            )
            return
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.crawler.stats.inc_value("oshigiin/robots_forbidden")
            yield FailureItem(
                council_id=self.council_id, url=request.url, method=request.method,
                request_body=request_body(request), status=None, outcome="robots_forbidden",
                reason="forbidden by the site's robots.txt", fetched_at=utcnow(),
            )
            return
        if failure.check(HttpError):
            response = failure.value.response
            reason = f"HTTP {response.status}"
            if retry_after := response.headers.get("Retry-After"):
                reason += f", Retry-After {retry_after.decode('latin-1')}"
            yield self.failure(response, "http_error", reason)
            return
        bomb = failure.check(IgnoreRequest) and isinstance(failure.value.__cause__, _DecompressionMaxSizeExceeded)
        if failure.check(DownloadCancelledError) or bomb:
            # Scrapy abandons a body past DOWNLOAD_MAXSIZE as it streams in (crawler/settings.py), and a
            # compressed body that grows past it while being decompressed (a decompression bomb).
            cap = request.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
            self.crawler.stats.inc_value("oshigiin/too_large")
            how = "decompressing (Content-Encoding)" if bomb else "downloading"
            yield FailureItem(
                council_id=self.council_id, url=request.url, method=request.method,
                request_body=request_body(request), status=None, outcome="too_large",
                reason=f"larger than DOWNLOAD_MAXSIZE ({cap:,} bytes): abandoned while {how}",
                fetched_at=utcnow(),
            )
            return
        self.crawler.stats.inc_value("oshigiin/network_error")
        # A redirect loop fails at the end of its chain; the page asked for (and asked for again
        # next crawl, whose success clears it in `oshigiin status`) is the chain's first URL.
        yield FailureItem(
            council_id=self.council_id, url=request.meta.get("redirect_urls", [request.url])[0], method=request.method,
            request_body=request_body(request), status=None, outcome="network_error",
            reason=f"{failure.type.__name__}: {failure.getErrorMessage()}", fetched_at=utcnow(),
        )


def _urls_in(value) -> list[str]:
    """Every http(s) URL among a registry entry's other fields (video_url = ["…", "…"], tables…)."""
    if isinstance(value, str):
        return [value] if value.startswith(("http://", "https://")) else []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [u for v in value for u in _urls_in(v)]
    return []


FAILED = object()
"""What `CouncilSpider.parsed` returns when the page did not parse (its failure already yielded)."""
