"""The council registry: councils are data (data/councils.toml), keyed by 全国地方公共団体コード."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.paths import registry_path


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
        councils.append(Council(**base, extra=extra))
    return councils


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


def add_council(code: str, name: str, url: str, prefecture: str = "", path: Path | None = None) -> Council:
    """Append a council to the registry file (its comments and order are kept)."""
    path = path or registry_path()
    code = unicodedata.normalize("NFKC", code).strip()
    if not re.fullmatch(r"\d{6}|[a-z][a-z0-9_-]*", code):
        raise ValueError(f"{code!r}: a 全国地方公共団体コード has 6 digits (世田谷区 = 131121)")
    if any(c.code == code for c in load_registry(path)):
        raise ValueError(f"{code} is already in {path}; edit the file to change it")
    found = recognise(url)
    lines = ["", "[[council]]", f'code = "{code}"', f'name = "{name}"', f'prefecture = "{prefecture}"',
             f'platform = "{found["platform"]}"', f'base_url = "{found["base_url"]}"']
    if found["tenant"]:
        lines.append(f'tenant = "{found["tenant"]}"')
    lines.append(f'source = "oshigiin add-council {url}"')
    with path.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return find_council(code, path)
