"""Where files live.

Curated reference data (councils, topics, people, searches, elections) ships inside the package as
`oshigiin/reference/` (in a checkout a link to `data/`, in a wheel copies of its curated files) and
is read from there. Generated files (database, staging, caches, feeds) go to the data folder:
$OSHIGIIN_DATA, else `data/` of a checkout, else the user's data directory — never site-packages.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent  # a checkout's root; in an installed wheel this is site-packages
IN_CHECKOUT = (REPO / "pyproject.toml").is_file() and (REPO / "data" / "councils.toml").is_file()


def data_dir() -> Path:
    if "OSHIGIIN_DATA" in os.environ:
        return Path(os.environ["OSHIGIIN_DATA"])
    if IN_CHECKOUT:
        return REPO / "data"
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "oshigiin"


def reference(name: str) -> Path:
    """A curated file shipped with the package (data/<name> in a checkout)."""
    return PACKAGE / "reference" / name


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
    """The council registry: $OSHIGIIN_COUNCILS; else the curated file of a checkout (add-council edits it
    in place); else, installed, a copy in the data folder once add-council has written one."""
    if "OSHIGIIN_COUNCILS" in os.environ:
        return Path(os.environ["OSHIGIIN_COUNCILS"])
    local = data_dir() / "councils.toml"
    return local if not IN_CHECKOUT and local.is_file() else reference("councils.toml")


def feeds_dir() -> Path:
    """Atom feeds the dashboard serves (dashboard/static links here) and a newsroom can mirror."""
    return data_dir() / "feeds"
