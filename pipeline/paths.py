"""Where generated files live. Everything under data/ except curated reference files is git-ignored."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("OSHIGIIN_DATA", REPO / "data"))


def db_path() -> Path:
    """The published database the dashboard reads."""
    return Path(os.environ.get("OSHIGIIN_DB", data_dir() / "oshigiin.duckdb"))


def staging_dir() -> Path:
    return data_dir() / "staging"


def archive_dir() -> Path:
    """Raw bodies of pages that failed, kept so a parser fix can be checked against them."""
    return data_dir() / "archive"


def httpcache_dir() -> Path:
    return data_dir() / "httpcache"


def registry_path() -> Path:
    return Path(os.environ.get("OSHIGIIN_COUNCILS", REPO / "data" / "councils.toml"))


def feeds_dir() -> Path:
    """Atom feeds the dashboard serves (dashboard/static links here) and a newsroom can mirror."""
    return data_dir() / "feeds"
