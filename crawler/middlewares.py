"""Scrapy middlewares: retries that back off and respect Retry-After, redirects that end on the
record, and callbacks that fail on the record (tests/test_robust_servers.py, test_robust_parsers.py).

Scrapy's own RetryMiddleware asks again at once (only DOWNLOAD_DELAY apart) and ignores
Retry-After, which hammers a council's struggling server. BackoffRetry replaces it.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from time import monotonic, time

from scrapy import signals
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import call_later
from scrapy.utils.response import response_status_message


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Retry-After as seconds to wait: a number of seconds or an HTTP date (RFC 9110 10.2.3)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class BackoffRetry(RetryMiddleware):
    """Retry a failed request after RETRY_BACKOFF_BASE × 2^(n-1) seconds (n: the retry's number), or
    after the server's Retry-After, and hold back every request to that host meanwhile. A
    Retry-After longer than RETRY_BACKOFF_MAX is not waited for: the page fails now, on the record,
    and the next crawl asks again.

    The host is held the way Scrapy holds it for DOWNLOAD_DELAY: the download slot's deferred call
    (`Slot.latercall`, Scrapy 2.19), which stops its queue until it fires. An HTTP error holds it
    from the signal Scrapy sends before the slot's next request goes out (as AutoThrottle does),
    so nothing reaches the host in between; a connection error is known only after that, so one
    request already on its way may still go.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.held_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def response_downloaded(self, response, request, spider=None):
        delay = self._delay(request, response)
        if delay is not None:
            self._hold(request, delay)

    def _delay(self, request, response) -> float | None:
        """How long to wait before retrying this response, or None: not retried."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return None
        if request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times", self.max_retry_times):
            return None
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        if retry_after is not None:
            return retry_after if retry_after <= self.cap else None
        return self.base * 2 ** request.meta.get("retry_times", 0)

    async def process_response(self, request, response):
        delay = self._delay(request, response)
        if delay is None:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        self._hold(request, delay)
        return retry

    async def process_exception(self, request, exception):
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            self._hold(request, self.base * 2 ** (retry.meta.get("retry_times", 1) - 1))
        return retry

    def _hold(self, request, delay: float) -> None:
        downloader = self.crawler.engine.downloader
        key = request.meta.get(downloader.DOWNLOAD_SLOT)
        slot = downloader.slots.get(key)
        if slot is None:
            return
        until = max(self.held_until.get(key, 0.0), monotonic() + min(delay, self.cap))
        self.held_until[key] = until
        if slot.latercall:
            slot.latercall.cancel()
        slot.latercall = call_later(until - monotonic(), downloader._latercall, slot)


class FollowRedirects(RedirectMiddleware):
    """Scrapy's redirects, with every request ending in its callback or its errback.

    Scrapy hands a redirect's target to the duplicate filter, which drops it without a word when
    the URL was seen before: a redirect loop (a → b → a), or a site sending every page to its
    top page, ended the crawl of those pages with nothing on the record. A loop is now an
    IgnoreRequest the errback records; any other target is fetched (up to REDIRECT_MAX_TIMES).
    `_redirect` is Scrapy's (pinned 2.19.0) hook for every redirect it follows.
    """

    def _redirect(self, redirected, request, reason):
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            raise IgnoreRequest(f"redirect loop: {' -> '.join([*chain, redirected.url])}")
        followed = super()._redirect(redirected, request, reason)
        followed.dont_filter = True
        return followed


class RecordCallbackErrors:
    """Whatever a spider callback raises becomes a parse_error failure with the URL, the reason
    and the archived body, instead of a log line only: the page is then listed by `oshigiin
    status` and fetched again by the next crawl. Spiders catch the parse errors they expect;
    this catches the ones nobody expected."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_exception(self, response, exception):
        spider = self.crawler.spider
        if isinstance(exception, HttpError) or not hasattr(spider, "parse_failed"):
            return None  # HttpErrorMiddleware's, or not a council spider
        if isinstance(exception, MemoryError):
            # A page under DOWNLOAD_MAXSIZE that still took more memory than there is to parse.
            spider.crawler.stats.inc_value("oshigiin/too_large")
            return [spider.failure(response, "too_large", f"MemoryError while parsing {len(response.body):,} bytes")]
        spider.logger.error("unexpected error on %s", response.url, exc_info=exception)  # a bug: keep its traceback
        return [spider.parse_failed(response, exception)]
