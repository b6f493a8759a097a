"""Stay on the council's host (issue 14.2): a page can link anywhere, the crawler goes only where
the council's registry entry says.

A hostile or broken kensakusystem top page linking `file:///…/See.exe` made the crawler read a
local file and archive it (Scrapy's file handler, which robots.txt does not cover); frames, form
actions, "more" links and DB-Search's `absolute()` all follow what the page says. OffsiteGuard,
the first downloader middleware every request meets (redirect targets and robots.txt included),
refuses:

- any scheme but http and https;
- any host the registry entry does not name (base_url, roster_url, and URLs in its other fields)
  and the operator did not name (`--base-url`, `-a base_url=`, the elections spider's `-a url=`);
- a named host on a loopback, private, link-local or otherwise non-public address, unless it is
  a server the project itself starts: the registry's fictional council (the demo, served by
  demo/server.py) or a host listed in LOCAL_SERVERS (env OSHIGIIN_LOCAL_SERVERS; the tests list
  127.0.0.1, where their servers run).

A refusal is an IgnoreRequest the spider's errback records (outcome `refused`, the URL and the
reason), so `oshigiin status` lists it.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}


class Refused(IgnoreRequest):
    """A request not sent, with what the fetch log says about it."""

    def __init__(self, outcome: str, reason: str):
        super().__init__(reason)
        self.outcome, self.reason = outcome, reason


def origin(url: str) -> tuple[str, int | None]:
    """(host, port): the port is None for a scheme's default, so http://h/ → https://h/ stays on h."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = -1  # a port that is not a number: matches nothing
    if port == DEFAULT_PORTS.get(parts.scheme.lower()):
        port = None
    return host, port


def shown(host_port: tuple[str, int | None]) -> str:
    host, port = host_port
    return host if port is None else f"{host}:{port}"


def non_public(address: str) -> str | None:
    """Why an IP address is not a public one, or None."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    for kind in ("loopback", "link_local", "unspecified", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None


def resolve_non_public(host: str) -> str | None:
    """A non-public address the host is, or resolves to ("127.0.0.1 (loopback)"), or None.
    A name that does not resolve is left to the download, which fails and is recorded."""
    if kind := non_public(host.strip("[]")):
        return f"{host} ({kind})"
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        address = str(info[4][0])
        if kind := non_public(address):
            return f"{address} ({kind})"
    return None


class OffsiteGuard:
    """Refuse requests off the council's hosts (see the module's docstring)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.local_servers = {h.lower() for h in crawler.settings.getlist("LOCAL_SERVERS")}
        self.checked: dict[str, str | None] = {}  # host → why it is refused, per crawl

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        spider = self.crawler.spider
        allowed = getattr(spider, "allowed_origins", None)
        if allowed is None:
            return None  # not a council spider
        scheme = urlsplit(request.url).scheme.lower()
        if scheme not in SCHEMES:
            raise Refused("refused", f"{scheme or 'no'} scheme: only http and https are fetched")
        here = origin(request.url)
        if here not in allowed:
            names = ", ".join(sorted(shown(o) for o in allowed))
            raise Refused("refused", f"host {shown(here)} is not one the registry names for "
                                     f"{spider.council.name} ({names})")
        host = here[0]
        if spider.council.fictional or host in self.local_servers:
            return None
        if host not in self.checked:
            # Resolved once per host and crawl, off the reactor's thread.
            self.checked[host] = await maybe_deferred_to_future(deferToThread(resolve_non_public, host))
        if why := self.checked[host]:
            raise Refused("refused", f"host {host} is a non-public address, {why}: only servers the project "
                                     f"starts itself (LOCAL_SERVERS) are fetched there")
        return None
