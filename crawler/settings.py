"""Scrapy settings: polite by default. Councils' servers are small; we are guests."""

import os

from oshigiin.paths import httpcache_dir

BOT_NAME = "oshigiin"
SPIDER_MODULES = ["oshigiin.crawler.spiders"]
NEWSPIDER_MODULE = "oshigiin.crawler.spiders"

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
    # Only http(s), only the council's hosts, no private addresses: before anything else, robots.txt
    # and redirect targets included (crawler/offsite.py).
    "oshigiin.crawler.offsite.OffsiteGuard": 50,
    # robots.txt per RFC 9309 (5xx or unreachable: disallow; 4xx: allow), one per host for all of a
    # council's spiders, and the download delay kept between those spiders (crawler/politeness.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "oshigiin.crawler.politeness.RobotsRFC9309": 100,
    "oshigiin.crawler.politeness.HostClock": 110,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "oshigiin.crawler.middlewares.BackoffRetry": 550,
    # Redirect loops and redirects to a page seen before are recorded, not dropped unseen.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "oshigiin.crawler.middlewares.FollowRedirects": 600,
}
# A callback that raises what its spider did not expect still leaves a failure with the URL, the
# reason and the archived body (tests/test_robust_parsers.py).
SPIDER_MIDDLEWARES = {"oshigiin.crawler.middlewares.RecordCallbackErrors": 950}
# The largest real page recorded is 0.4 MB; a page beyond 64 MB is a fault, not minutes. It is
# abandoned as it streams in, never held whole, and recorded as too_large (tests/test_robust_limits.py).
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024

# Fresh by design: no HTTP cache unless asked for (`oshigiin crawl --cache`, OSHIGIIN_HTTPCACHE=1), and
# even then only settled sittings' documents, never listings, recent sittings or robots.txt
# (crawler/httpcache.py; tests/test_robust_fresh.py).
HTTPCACHE_ENABLED = os.environ.get("OSHIGIIN_HTTPCACHE", "") not in ("", "0", "false", "no")
HTTPCACHE_DIR = str(httpcache_dir())
HTTPCACHE_POLICY = "oshigiin.crawler.httpcache.SettledPagesOnly"
# Nothing but http(s) is ever downloaded, even by a request that slipped past OffsiteGuard.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# Hosts on non-public addresses the project serves itself (tests: 127.0.0.1); the registry's
# fictional council (the demo) is allowed without being listed. crawler/offsite.py.
LOCAL_SERVERS = [h.strip() for h in os.environ.get("OSHIGIIN_LOCAL_SERVERS", "").split(",") if h.strip()]

# Measured 2026-11-23 (scrapy 2.19, a local server): with the default asyncio reactor a serial
# crawl idles ~1 s between some requests (2,000 demo speeches: 16.8 s); Twisted's epoll reactor
# does the same crawl in 1.4 s. Nothing here needs asyncio.
TWISTED_REACTOR = "twisted.internet.epollreactor.EPollReactor"

ITEM_PIPELINES = {"oshigiin.crawler.pipelines.StagingWriter": 100}
# Where a long crawl is: a line rewritten in place on a terminal, one summary line otherwise
# (crawler/progress.py). OSHIGIIN_PROGRESS_INTERVAL: seconds between updates.
EXTENSIONS = {"oshigiin.crawler.progress.CrawlProgress": 500}
PROGRESS_INTERVAL = float(os.environ.get("OSHIGIIN_PROGRESS_INTERVAL", "5"))
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
