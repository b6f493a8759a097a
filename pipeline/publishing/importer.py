"""`oshigiin import`: downloaded minutes files → a staging run, loaded like a crawl.

For councils whose robots.txt forbids crawling, or whose minutes a user already has. Each file
is one sitting; a file that cannot be parsed is recorded in the run's fetch log with its reason
(its bytes archived, as a crawl archives a failed page) and the rest are imported.

A sitting's identity is its 開催日 and 会議名 (crawler.parsers.textfile.document_key), so a
corrected re-download replaces the sitting rather than adding a second one. Two different files
with the same identity are therefore never both taken (issue 14.6: one silently overwrote the
other, and re-importing one deleted the other's speeches):

- in one import, the second file with a sitting the first already gave is refused with a
  message naming both (the same text given twice is imported once);
- a file whose sitting an earlier import took from different text is refused unless the user
  says it replaces it (`replace=True`, `oshigiin import --replace`).

Parts of one sitting downloaded as separate files are joined by the user into one file, in
order, and imported with --replace: which part comes first is theirs to say, not ours to guess.

Where an imported sitting came from is `import:sha256:<hex>/<file name>` — the file's digest and
name, not a path on the importer's disk (a `file:///home/…` URL published nothing anyone could
open and told everyone the user's folders) — unless --source-url says where it was downloaded.
`fetched_at` is the time of the import (a file's mtime is whatever the copy left). Which of two
imports of a sitting is newer is the order of their runs (oshigiin/runs.py), never a clock.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from oshigiin.minutes.parsers.discussnet import ParseError
from oshigiin.minutes.parsers.textfile import document_key, parse_text_minutes
from oshigiin.minutes.records import MeetingItem
from oshigiin.paths import archive_dir, staging_dir
from oshigiin.registry import Council
from oshigiin.runs import new_run, run_seq

SCHEME = "import:sha256:"


def import_id(data: bytes, name: str) -> str:
    """The honest identifier of an imported file: its SHA-256 and its name (characters that would
    end or confuse a URL — space, #, ?, %, /, controls — percent-encoded)."""
    shown = re.sub(r"[\s#?%/\\\x00-\x1f\x7f]", lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), name)
    return f"{SCHEME}{hashlib.sha256(data).hexdigest()}/{shown}"


def is_imported(url: str | None) -> bool:
    return bool(url) and url.startswith(SCHEME)


def _content(speeches: list[dict], attendance: list[dict]) -> str:
    """What a sitting says, without where it was read from: two files saying the same are one."""
    body = [{k: v for k, v in s.items() if k != "source_url"} for s in speeches]
    return hashlib.sha256(json.dumps([body, attendance], ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass
class _Held:
    key: str
    url: str
    content: str
    title: str
    date: str | None


def _held(council_dir: Path) -> dict[str, _Held]:
    """The sittings earlier imports of this council staged, the latest run's for each key."""
    found: dict[str, tuple[int, str, _Held]] = {}
    if not council_dir.is_dir():
        return {}
    for path in council_dir.glob("*-import-*/meetings.ndjson"):
        order = (run_seq(path.parent), path.parent.name)
        with path.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    m = json.loads(line)
                    held = _Held(m["ext_schedule_id"], m["source_url"],
                                 _content(m.get("speeches") or [], m.get("attendance") or []), m["title"], m["date"])
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue   # a malformed line: the load skips and counts it too
                if m.get("ext_council_id") == "import" and (held.key not in found or found[held.key][:2] < order):
                    found[held.key] = (*order, held)
    return {k: v[2] for k, v in found.items()}


def import_files(council: Council, platform: str, files: list[Path], source_url: str | None = None,
                 replace: bool = False) -> dict:
    staging = staging_dir()
    earlier = _held(staging / council.code)
    run_id, run, seq = new_run(council.code, "import", staging)
    fetched_at = datetime.now(UTC).isoformat(timespec="microseconds")
    counts = {"meetings": 0, "speeches": 0, "failures": 0, "refused": 0, "duplicates": 0}
    refusals: list[str] = []
    taken: dict[str, tuple[Path, str]] = {}   # key → (file, content) in this import
    with (run / "meetings.ndjson").open("w", encoding="utf-8") as meetings, \
         (run / "fetch_log.ndjson").open("w", encoding="utf-8") as log:
        for path in files:
            data = path.read_bytes()
            url = source_url or import_id(data, path.name)
            entry = {"run_id": run_id, "council_id": council.code, "spider": "import", "url": url,
                     "method": "FILE", "request_body": None, "status": None, "archive_path": None,
                     "fetched_at": fetched_at}

            def failed(outcome: str, reason: str, body: bytes = data, entry: dict = entry) -> None:
                digest = hashlib.sha256(body).hexdigest()
                archive_dir().mkdir(parents=True, exist_ok=True)
                (archive_dir() / digest).write_bytes(body)
                log.write(json.dumps({**entry, "outcome": outcome, "reason": reason,
                                      "archive_path": str(archive_dir() / digest)}, ensure_ascii=False) + "\n")

            try:
                parsed = parse_text_minutes(data)
            except (ParseError, ValueError) as exc:
                counts["failures"] += 1
                failed("parse_error", str(exc))
                continue
            key = document_key(parsed)
            content = _content(parsed["speeches"], parsed["attendance"])
            sitting = f"{parsed['date']} {parsed['title']}"
            if key in taken:
                first, first_content = taken[key]
                if first_content == content:
                    counts["duplicates"] += 1   # the same minutes twice: imported once
                    continue
                counts["refused"] += 1
                reason = (f"{path.name}: refused — its sitting ({sitting}) is the one {first.name} gave in this "
                          f"import, with different text; a sitting is one file. If they are parts, join them "
                          f"into one file in order and import it with --replace")
                refusals.append(reason)
                failed("refused", reason)
                continue
            held = earlier.get(key)
            if held is not None and held.content != content and not replace:
                counts["refused"] += 1
                reason = (f"{path.name}: refused — its sitting ({sitting}) was imported before from {held.url} "
                          f"with different text. If this file is a corrected download of that sitting, import it "
                          f"again with --replace; if it is another part, join the parts into one file in order "
                          f"and import that with --replace")
                refusals.append(reason)
                failed("refused", reason)
                continue
            taken[key] = (path, content)
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
    manifest = {"run_id": run_id, "run_seq": seq, "council_id": council.code, "spider": "import", **counts,
                "refusals": refusals}
    (run / "run.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest
