"""Scrapy settings: polite by default. Councils' servers are small; we are guests."""

from pipeline.paths import httpcache_dir

BOT_NAME = "oshigiin"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "oshigiin/0.1 (+https://github.com/oshigiin/oshigiin; council minutes for residents)"
ROBOTSTXT_OBEY = True
# About one request per second per host, one at a time.
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 3
# Retries wait 2, 4, 8 s (or the server's Retry-After, up to 2 minutes; longer is a failure on the
# record, fetched again next crawl) and hold back the whole host meanwhile: crawler/middlewares.py.
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 120.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetry": 550,
    # Redirect loops and redirects to a page seen before are recorded, not dropped unseen.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.FollowRedirects": 600,
}
# A callback that raises what its spider did not expect still leaves a failure with the URL, the
# reason and the archived body (tests/test_robust_parsers.py).
SPIDER_MIDDLEWARES = {"crawler.middlewares.RecordCallbackErrors": 950}
# The largest real page recorded is 0.4 MB; a page beyond 64 MB is a fault, not minutes. It is
# abandoned as it streams in, never held whole, and recorded as too_large (tests/test_robust_limits.py).
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024

# Development never hammers a council site: responses are cached on disk. `oshigiin crawl
# --no-cache` (and the demo, which is served locally) turn it off.
HTTPCACHE_ENABLED = True
HTTPCACHE_DIR = str(httpcache_dir())
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]

# Measured 2026-11-23 (scrapy 2.19, a local server): with the default asyncio reactor a serial
# crawl idles ~1 s between some requests (2,000 demo speeches: 16.8 s); Twisted's epoll reactor
# does the same crawl in 1.4 s. Nothing here needs asyncio.
TWISTED_REACTOR = "twisted.internet.epollreactor.EPollReactor"

ITEM_PIPELINES = {"crawler.pipelines.StagingWriter": 100}
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
