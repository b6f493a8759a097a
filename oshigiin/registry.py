"""The council registry: councils are data (data/councils.toml), keyed by 全国地方公共団体コード."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import socket
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import tomlkit

from oshigiin.paths import registry_path


@dataclass(frozen=True, slots=True)
class Council:
    code: str                    # 全国地方公共団体コード, or "demo"
    name: str                    # 世田谷区
    prefecture: str = ""
    platform: str | None = None  # discussnet | voices | dbsearch | kensakusystem | kokkai | None (own system)
    base_url: str | None = None
    tenant: str | None = None    # the platform's tenant slug
    roster_url: str | None = None
    fictional: bool = False
    download_delay: float | None = None  # only for servers we run ourselves
    source: str = ""             # where this entry was checked
    note: str = ""
    extra: dict = field(default_factory=dict)


class UnknownCouncil(LookupError):
    pass


def load_registry(path: Path | None = None) -> list[Council]:
    raw = tomllib.loads((path or registry_path()).read_text(encoding="utf-8"))
    known = set(Council.__dataclass_fields__)
    councils = []
    for entry in raw.get("council", []):
        base = {k: v for k, v in entry.items() if k in known}
        extra = {k: v for k, v in entry.items() if k not in known}
        council = Council(**base, extra=extra)
        permissions(council)  # a permission without who, when and a citation is refused here (docs/access.md)
        councils.append(council)
    return councils


# -- permission to fetch what robots.txt forbids, for one council only (docs/access.md) ----------------
@dataclass(frozen=True, slots=True)
class Permission:
    granted_by: str              # who granted it (the council's secretariat, the platform's operator …)
    date: str                    # when, YYYY-MM-DD
    citation: str                # where it is written down (a letter's reference, a mail's subject and date …)
    hosts: tuple[str, ...]       # host or host:port; a host without a port covers every port
    note: str = ""

    def covers(self, netloc: str) -> bool:
        netloc = netloc.lower().rstrip(".")
        host = netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc
        return any(h == netloc or (":" not in h and h == host) for h in self.hosts)

    def shown(self) -> str:
        return f"permission from {self.granted_by}, {self.date} ({self.citation}) for {', '.join(self.hosts)}"


def permissions(council: Council) -> list[Permission]:
    """The council's [[council.permission]] records, checked: who, when, a citation and the hosts are
    required, so a permission is never assumed. ValueError names the council and the missing field."""
    raw = council.extra.get("permission", [])
    if isinstance(raw, dict):
        raw = [raw]
    out = []
    for i, entry in enumerate(raw):
        where = f"{council.name}({council.code}) permission #{i + 1}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected a table with granted_by, date, citation, hosts")
        unknown = set(entry) - {"granted_by", "date", "citation", "hosts", "note"}
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        for key in ("granted_by", "date", "citation"):
            if not str(entry.get(key, "")).strip():
                raise ValueError(f"{where}: {key} is required (who granted it, when, and where it is written down)")
        date = entry["date"]
        date = date.isoformat() if hasattr(date, "isoformat") else str(date).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            raise ValueError(f"{where}: date {date!r} is not YYYY-MM-DD")
        hosts = entry.get("hosts")
        if isinstance(hosts, str):
            hosts = [hosts]
        if not hosts or not all(isinstance(h, str) and h.strip() and "/" not in h for h in hosts):
            raise ValueError(f"{where}: hosts must list the host names it covers (e.g. [\"ssp.kaigiroku.net\"]), "
                             "never everything")
        out.append(Permission(str(entry["granted_by"]).strip(), date, str(entry["citation"]).strip(),
                              tuple(h.strip().lower().rstrip(".") for h in hosts), str(entry.get("note", ""))))
    return out


def permission_for(council: Council, netloc: str) -> Permission | None:
    """The council's permission covering this host, or None. Never another council's."""
    return next((p for p in permissions(council) if p.covers(netloc)), None)


def find_council(key: str, path: Path | None = None) -> Council:
    """By code (131121) or by name (世田谷区, 世田谷)."""
    key = unicodedata.normalize("NFKC", key).strip()
    councils = load_registry(path)
    for c in councils:
        if key in (c.code, c.name) or (c.name.endswith(("区", "市", "町", "村")) and key == c.name[:-1]):
            return c
    names = ", ".join(f"{c.name}({c.code})" for c in councils)
    raise UnknownCouncil(f"council {key!r} is not in the registry; known: {names}")


# What a minutes system's URLs look like, platform by platform (from the recorded fixtures and
# the systems' public pages). The first match wins; each gives the base URL the spider starts from.
_RECOGNISERS = (
    ("kokkai", re.compile(r"^(?P<base>https?://kokkai\.ndl\.go\.jp/)")),
    ("discussnet", re.compile(r"^(?P<base>https?://[^/]+/)(?:.*?/)?tenant/(?P<tenant>[A-Za-z0-9_-]+)(?:/|$)")),
    ("voices", re.compile(r"^(?P<base>https?://[^/]+/(?:[^?]*?/)?voices/)", re.I)),
    ("voices", re.compile(r"^(?P<base>https?://[^/]+/(?:[^?]*/)?)(?:voiweb\.exe|g0\dv_search\.asp)", re.I)),
    ("kensakusystem", re.compile(r"^(?P<base>https?://(?:www\.)?kensakusystem\.jp/(?P<tenant>[A-Za-z0-9_-]+)/)")),
    ("dbsearch", re.compile(r"^(?P<base>https?://[^/]*dbsr\.jp/(?:index\.php/)?)")),
    ("dbsearch", re.compile(r"^(?P<base>https?://[^/]+/(?:[^?]*/)?index\.php/)\d+\?.*Template=", re.I)),
)


class UnrecognisedURL(ValueError):
    pass


def recognise(url: str) -> dict:
    """{platform, base_url, tenant} for a URL of a known minutes system."""
    url = url.strip()
    if not urlsplit(url).scheme:
        url = "https://" + url
    for platform, pattern in _RECOGNISERS:
        if m := pattern.match(url):
            groups = m.groupdict()
            return {"platform": platform, "base_url": groups["base"], "tenant": groups.get("tenant")}
    raise UnrecognisedURL(f"{url} does not look like DiscussNet, VOICES, DB-Search, kensakusystem or the Diet API")


class RefusedURL(ValueError):
    pass


def _private_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names literally, in any spelling a resolver accepts (127.1, 0x7f.0.0.1,
    2130706433, [::1]); None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fA-Fx.]+", host) and re.search(r"\d", host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def check_public_url(url: str, what: str = "URL") -> str:
    """http(s) to a host on the public internet, or RefusedURL. A registry entry names where the
    crawler may go: a loopback, private, link-local (169.254.x: cloud metadata) or otherwise
    reserved address would point it at the user's own machine or network. Names are not resolved
    here (no network needed to edit the registry); the crawler refuses such addresses when it
    connects. The demo and the tests run servers on 127.0.0.1: their entries are written by the
    project, never by add-council."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RefusedURL(f"{what} {url!r}: only http and https URLs can be registered")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise RefusedURL(f"{what} {url!r} names no host")
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".home.arpa")):
        raise RefusedURL(f"{what} {url!r}: {host} is a local name, not a council's public site")
    address = _private_address(host)
    if address is not None:
        mapped = getattr(address, "ipv4_mapped", None) or address
        if not mapped.is_global or mapped.is_multicast:
            raise RefusedURL(f"{what} {url!r}: {address} is a loopback, private, link-local or reserved address, "
                             "not a council's public site")
    return url


def add_council(code: str, name: str, url: str, prefecture: str = "", path: Path | None = None,
                roster_url: str | None = None) -> Council:
    """Append a council to the registry file (its comments and order are kept).

    Written through tomlkit, so any name round-trips (quotes, newlines) and no text can add a key;
    the new file is parsed and checked — every old entry as it was, the new one exactly as meant —
    before it replaces the old one by rename, so a failure leaves the registry untouched."""
    path = path or registry_path()
    code = unicodedata.normalize("NFKC", code).strip()
    if not re.fullmatch(r"\d{6}|[a-z][a-z0-9_-]*", code):
        raise ValueError(f"{code!r}: a 全国地方公共団体コード has 6 digits (世田谷区 = 131121)")
    if not name.strip():
        raise ValueError("a council needs a name (the municipality, e.g. 函館市)")
    old_text = path.read_text(encoding="utf-8")
    before = load_registry(path)
    if any(c.code == code for c in before):
        raise ValueError(f"{code} is already in {path}; edit the file to change it")
    url = url.strip()
    found = recognise(url)
    check_public_url(url if urlsplit(url).scheme else "https://" + url, "the minutes URL")
    check_public_url(found["base_url"], "the minutes URL")
    entry = {"code": code, "name": name, "prefecture": prefecture, "platform": found["platform"],
             "base_url": found["base_url"]}
    if found["tenant"]:
        entry["tenant"] = found["tenant"]
    if roster_url:
        entry["roster_url"] = check_public_url(roster_url.strip(), "roster_url")
    entry["source"] = f"oshigiin add-council {url}"

    doc = tomlkit.parse(old_text)
    table = tomlkit.table()
    table.trivia.indent = "\n"   # a blank line before the new [[council]], as in the file
    for key, value in entry.items():
        table[key] = value
    if "council" not in doc:
        doc["council"] = tomlkit.aot()
    doc["council"].append(table)
    new_text = tomlkit.dumps(doc)

    # Checked before it replaces anything: the old entries unchanged, the new one exactly as meant.
    parsed = tomllib.loads(new_text).get("council", [])
    old_entries = tomllib.loads(old_text).get("council", [])
    if parsed[:-1] != old_entries or parsed[-1] != entry:
        raise ValueError(f"{path}: the new entry did not read back as written; the registry is unchanged")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as f:
            f.write(new_text)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return find_council(code, path)


# -- 議会中継: a council's video platforms, as its entry names them (docs/video.md) -------------------
# Platforms with a spider (crawler/spiders/<name>.py); the others are registered, not crawled yet.
SPIDERS = {"jfit": "jfit", "discussvision": "discussvision"}
PLATFORMS = ("jfit", "discussvision", "voices-video", "kensakusystem-vod", "youtube", "unknown")


@dataclass(frozen=True, slots=True)
class VideoSource:
    platform: str
    url: str | None
    tenant: str | None
    source: str
    note: str

    @property
    def status(self) -> str:
        if self.platform not in SPIDERS:
            return "not found" if self.platform == "unknown" else "registered, no spider yet"
        if not self.url:
            return "no URL yet"
        return "no tenant yet" if self.platform == "discussvision" and not self.tenant else "crawlable"


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def video_sources(council: Council) -> list[VideoSource]:
    """The council's video platforms as the registry names them (an empty list: not yet looked up)."""
    extra = council.extra
    platforms = _as_list(extra.get("video_platform"))
    urls, tenants = _as_list(extra.get("video_url")), _as_list(extra.get("video_tenant"))
    out = []
    for i, platform in enumerate(platforms):
        if platform not in PLATFORMS:
            raise ValueError(f"{council.name}: video_platform {platform!r} is not one of {', '.join(PLATFORMS)}")
        url = urls[i] if i < len(urls) else None
        tenant = tenants[i] if i < len(tenants) else (tenants[0] if len(tenants) == 1 else None)
        out.append(VideoSource(platform, url, tenant, str(extra.get("video_source", "")),
                               str(extra.get("video_note", ""))))
    return out


def video_spiders(council: Council) -> list[str]:
    return [SPIDERS[s.platform] for s in video_sources(council) if s.status == "crawlable"]
