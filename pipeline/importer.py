"""`oshigiin import`: downloaded minutes files → a staging run, loaded like a crawl.

For councils whose robots.txt forbids crawling, or whose minutes a user already has. Each file
is one sitting; a file that cannot be parsed is recorded in the run's fetch log with its reason
and the rest are imported.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from crawler.items import MeetingItem
from crawler.parsers.discussnet import ParseError
from crawler.parsers.textfile import document_key, parse_text_minutes
from pipeline.paths import staging_dir
from pipeline.registry import Council


def import_files(council: Council, platform: str, files: list[Path], source_url: str | None = None) -> dict:
    now = datetime.now(UTC)
    run_id = f"{now:%Y%m%dT%H%M%S%fZ}-import-{os.getpid()}"
    run = staging_dir() / council.code / run_id
    run.mkdir(parents=True)
    counts = {"meetings": 0, "speeches": 0, "failures": 0}
    with (run / "meetings.ndjson").open("w", encoding="utf-8") as meetings, \
         (run / "fetch_log.ndjson").open("w", encoding="utf-8") as log:
        for path in files:
            url = source_url or path.resolve().as_uri()
            fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
            entry = {"run_id": run_id, "council_id": council.code, "spider": "import", "url": url,
                     "method": "FILE", "request_body": None, "status": None, "archive_path": str(path),
                     "fetched_at": fetched_at}
            try:
                parsed = parse_text_minutes(path.read_bytes())
            except (ParseError, ValueError) as exc:
                counts["failures"] += 1
                log.write(json.dumps({**entry, "outcome": "parse_error", "reason": str(exc)}, ensure_ascii=False)
                          + "\n")
                continue
            key = document_key(parsed)
            for s in parsed["speeches"]:
                s["source_url"] = f"{url}#{s['ext_minute_id']}"
            item = MeetingItem(
                council_id=council.code, platform=platform, ext_council_id="import", ext_schedule_id=key,
                title=parsed["title"], kind=parsed["kind"], session=parsed["title"], committee=parsed["committee"],
                date=parsed["date"], number=None, source_url=url, api_url=url, fetched_at=fetched_at,
                speeches=parsed["speeches"], attendance=parsed["attendance"],
            )
            meetings.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
            log.write(json.dumps({**entry, "outcome": "ok", "reason": None}, ensure_ascii=False) + "\n")
            counts["meetings"] += 1
            counts["speeches"] += len(parsed["speeches"])
    manifest = {"run_id": run_id, "council_id": council.code, "spider": "import", **counts}
    (run / "run.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest
