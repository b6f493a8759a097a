"""The development HTTP cache, and what it may never hold (issue 14.1).

`oshigiin crawl` is fresh by design: the cache is off unless asked for (`--cache`, or
OSHIGIIN_HTTPCACHE=1 for `scrapy crawl`). A cache that replayed everything had a re-crawl list the
6 sittings of the first crawl after the site had grown to 40, with 0 requests sent: new sittings,
the 90-day corrections and robots.txt changes never arrived, and a 404 stayed a 404 for ever.

Even when it is on, only what a spider marks `oshigiin_cacheable` is stored and replayed: a
sitting's document that the database already holds and that is older than the refresh window
(the pages `--full` fetches again while a parser is being worked on). Listings, new and recent
sittings, robots.txt and anything that was not a 200 always come from the site.
"""

from __future__ import annotations

from scrapy.extensions.httpcache import DummyPolicy
from scrapy.utils.httpobj import urlparse_cached

CACHEABLE = "oshigiin_cacheable"


class SettledPagesOnly(DummyPolicy):
    def should_cache_request(self, request) -> bool:
        url = urlparse_cached(request)
        return (bool(request.meta.get(CACHEABLE)) and url.scheme in ("http", "https")
                and url.path != "/robots.txt")

    def should_cache_response(self, response, request) -> bool:
        return response.status == 200
