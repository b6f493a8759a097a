"""What the published database already holds: the memory that makes re-crawls incremental."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from oshigiin.paths import db_path

# Councils publish a sitting's minutes provisionally and correct them within weeks (速報版 →
# 確定版). Sittings this recent are fetched again on every crawl; older ones only with --full.
REFRESH_WINDOW = timedelta(days=90)


def held_documents(council_id: str, platform: str, db: Path | None = None) -> dict[tuple[str, str], date | None]:
    """{(ext_council_id, ext_schedule_id): date} of the sittings already published."""
    path = Path(db or db_path())
    if not path.exists():
        return {}
    con = duckdb.connect(":memory:")
    try:
        # ATTACH rather than connect(path): a load may be publishing a new file by rename.
        con.execute(f"ATTACH '{str(path).replace(chr(39), chr(39) * 2)}' AS pub (READ_ONLY)")
        rows = con.execute(
            "SELECT ext_council_id, ext_schedule_id, date FROM pub.meetings "
            "WHERE council_id = ? AND meeting_id LIKE ? ESCAPE '\\'",
            [council_id, f"{council_id}-{platform}-%"],
        ).fetchall()
    except duckdb.Error:
        return {}  # an older or damaged file: crawl everything rather than trust it
    finally:
        con.close()
    return {(c or "", s): d for c, s, d in rows}


def needs_fetch(held: dict, key: tuple[str, str], today: date | None = None) -> bool:
    if key not in held:
        return True
    when = held[key]
    return when is None or when >= (today or date.today()) - REFRESH_WINDOW


def held_segments(council_id: str, platform: str, db: Path | None = None) -> dict[str, tuple[date | None, str]]:
    """{ext_id: (date, the listing's query string)} of the segments already published: a re-crawl
    leaves settled days alone (oshigiin/holdings.py's REFRESH_WINDOW), as the minutes spiders do."""
    path = Path(db or db_path())
    if not path.exists():
        return {}
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{str(path).replace(chr(39), chr(39) * 2)}' AS pub (READ_ONLY)")
        rows = con.execute("SELECT ext_id, date, source_url FROM pub.video_segments WHERE council_id = ? AND "
                           "platform = ?", [council_id, platform]).fetchall()
    except duckdb.Error:
        return {}  # no video table yet, or a damaged file: crawl everything
    finally:
        con.close()
    return {ext: (day, urlsplit(url).query) for ext, day, url in rows}


def settled(day: date | None, today: date | None = None) -> bool:
    return day is not None and day < (today or date.today()) - REFRESH_WINDOW
