"""The council registry: councils are data (data/councils.toml), keyed by 全国地方公共団体コード."""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

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
