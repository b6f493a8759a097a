"""The jobs that run crawler and pipeline together: crawl → check the runs → load → refresh feeds.

The command line, the demo build and a scheduler all call these; each yields progress lines and
raises JobFailed with words a resident can act on.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from oshigiin.paths import feeds_dir, staging_dir
from oshigiin.registry import Council

if TYPE_CHECKING:
    from oshigiin.pipeline.publishing.load import LoadReport


class JobFailed(Exception):
    """A job that could not do what was asked; the message says why and what to do."""


def crawl(council: Council, *, base_url: str | None = None, cache: bool | None = None, load: bool = True,
          db: Path | None = None, **spider_args: str) -> Iterator[str]:
    """Crawl one council (minutes and roster), check the runs, then load and publish."""
    from oshigiin.crawler.run import crawl as run_crawl

    started = time.monotonic()
    try:
        runs = run_crawl(council.code, base_url=base_url, cache=cache, **spider_args)
    except ValueError as exc:
        raise JobFailed(str(exc)) from exc
    for run in runs:
        yield (f"{run['spider']}: {run['listed']} sittings listed, {run['skipped_held']} already held, "
               f"{run['meetings']} fetched ({run['speeches']} speeches), {run['members']} members, "
               f"{run['failures']} failures ({run['finish_reason']})")
    yield f"crawl: {time.monotonic() - started:.1f}s"
    check_runs(council, runs)
    for run in runs:
        if run.get("suspect"):
            yield (f"SUSPECT: {council.name}'s {run['spider']} crawl {run['run_id']} has markedly less than its "
                   f"previous successful run ({'; '.join(run['suspect'])}). The load keeps every sitting already "
                   f"held; check the site before trusting this run (`oshigiin status {council.code}`)")
    held_back = [run for run in runs if run.get("hold_back")]
    if load and held_back:
        # Its re-fetched sittings would replace their speeches with fewer: a person decides, not the job.
        raise JobFailed(f"{council.name}: not loaded: the {held_back[0]['spider']} crawl {held_back[0]['run_id']} "
                        f"brought back its sittings with under half their speeches, which would replace the "
                        f"speeches held. Check the site (and the parser); `oshigiin load {council.code}` loads "
                        f"it once you accept it.")
    if load:
        yield from load_and_publish([council.code], db)


def check_runs(council: Council, runs: list[dict]) -> None:
    """A crawl that lists nothing is a failure, never a quiet success; robots.txt is said plainly."""
    for run in runs:
        log = staging_dir() / council.code / run["run_id"] / "fetch_log.ndjson"
        if run.get("robots_forbidden"):
            raise JobFailed(
                f"{council.name}: the site's robots.txt forbids {run['robots_forbidden']} of the pages the "
                f"{run['spider']} spider needs, and oshigiin obeys robots.txt. Download the minutes as text "
                f"from the council's site and load them with `oshigiin import {council.platform} FILES… "
                f"--council {council.code}` (details: {log})")
        if run.get("robots_unreachable"):
            listed = "listed no sittings" if run["listed"] == 0 else f"listed {run['listed']} sittings"
            raise JobFailed(
                f"{council.name}: the {run['spider']} crawl {listed}: the site's robots.txt could not be read (a "
                f"server or network error), so nothing more was fetched from that host this run (RFC 9309); crawl "
                f"again later (details: {log})")
        if run["spider"] != "roster" and run["listed"] == 0:
            raise JobFailed(f"{council.name}: the {run['spider']} crawl listed no sittings "
                            f"({run['failures']} failures; see {log})")


def load_and_publish(codes: list[str], db: Path | None = None) -> Generator[str, None, LoadReport]:
    """Load the staged runs of these councils, publish atomically, and bring the feeds in step.
    Yields progress lines; returns the load's report (`report = yield from load_and_publish(…)`)."""
    from oshigiin.pipeline.publishing.load import NothingToLoad, load

    started = time.monotonic()
    try:
        report = load(codes, db)
    except NothingToLoad as exc:
        raise JobFailed(str(exc)) from exc
    yield report.summary()
    yield f"load: {time.monotonic() - started:.1f}s"
    if report.published:
        yield refresh_feeds(report.db)
    return report


def refresh_feeds(db: Path) -> str:
    """A new database, new feeds: the ones the dashboard links to stay in step with what it shows."""
    from oshigiin.pipeline.sharing.feeds import load_searches, write_feeds

    written = write_feeds(db, feeds_dir(), load_searches(None))
    return f"feeds: {len(written)} written to {feeds_dir()}"
