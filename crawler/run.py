"""Run a council's spiders in this process: its minutes platform, then its roster page.

One after another, not side by side: a council's spiders mostly ask the same host, and politeness
is per host (one request at a time, DOWNLOAD_DELAY apart, one robots.txt; crawler/politeness.py).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.internet import defer

from oshigiin.crawler.politeness import new_run
from oshigiin.paths import staging_dir
from oshigiin.registry import Council, find_council, video_spiders
from oshigiin.runs import run_seq

# A run that lists or yields under half of what the spider's previous successful run did is suspect:
# a site that hides its index, a parser that lost its speakers. Marked in its run.json ("suspect").
DROP_RATIO = 0.5

PLATFORM_SPIDERS = {"discussnet": "discussnet", "kokkai": "kokkai", "kensakusystem": "kensakusystem",
                    "voices": "voices", "dbsearch": "dbsearch"}


def spiders_for(council: Council) -> list[str]:
    names = []
    if council.platform in PLATFORM_SPIDERS:
        names.append(PLATFORM_SPIDERS[council.platform])
    names += video_spiders(council)  # council video, after the minutes it links to (pipeline/video/segments.py)
    if council.roster_url:
        names.append("roster")
    return names


def crawl(council_key: str, *, base_url: str | None = None, cache: bool | None = None,
          settings: dict | None = None, **spider_args) -> list[dict]:
    """Crawl one council; return the run manifests (run.json) the spiders wrote.

    `cache`: the development HTTP cache (crawler/httpcache.py); None leaves it to the settings
    (off unless OSHIGIIN_HTTPCACHE=1)."""
    council = find_council(council_key)
    names = spiders_for(council)
    if not names:
        raise ValueError(f"{council.name}: no spider for platform {council.platform!r} yet")
    s = Settings()
    s.setmodule("oshigiin.crawler.settings", priority="project")
    if cache is not None:
        s.set("HTTPCACHE_ENABLED", cache, priority="cmdline")
    for k, v in (settings or {}).items():
        s.set(k, v, priority="cmdline")
    before = set(_runs(council.code))
    new_run()
    process = CrawlerProcess(s, install_root_handler=True)

    @defer.inlineCallbacks
    def one_after_another():
        for name in names:
            args = dict(spider_args) if name != "roster" else {}
            try:
                yield process.crawl(name, council=council.code, base_url=base_url, **args)
            except Exception:
                logging.getLogger(__name__).exception("the %s spider failed to run; the next one still runs", name)

    one_after_another()
    process.start()
    runs = []
    for d in sorted(set(_runs(council.code)) - before, key=run_seq):
        if (d / "run.json").exists():
            runs.append(mark_drop(d, json.loads((d / "run.json").read_text(encoding="utf-8"))))
    return runs


def previous_success(run_dir: Path, spider: str) -> dict | None:
    """The spider's last run before this one that finished, listed something and was not suspect."""
    seq = run_seq(run_dir)
    for d in sorted(_runs(run_dir.parent.name), key=run_seq, reverse=True):
        if run_seq(d) >= seq or not (d / "run.json").exists():
            continue
        try:
            run = json.loads((d / "run.json").read_text(encoding="utf-8"))
        except ValueError:
            continue
        if (run.get("spider") == spider and run.get("finish_reason") == "finished" and run.get("listed", 0) > 0
                and not run.get("suspect")):
            return run
    return None


def drop_reasons(run: dict, before: dict) -> list[str]:
    """What fell under DROP_RATIO of the previous successful run, in words."""
    reasons = []
    # Sittings a re-crawl skips as already held still count as yielded: they are on the site.
    now_yield = run["meetings"] + run.get("skipped_held", 0)
    then_yield = before["meetings"] + before.get("skipped_held", 0)
    for what, now, then in (("sittings listed", run["listed"], before["listed"]),
                            ("sittings yielded (fetched or already held)", now_yield, then_yield)):
        if then and now < DROP_RATIO * then:
            reasons.append(f"{what}: {now}, the previous successful run {before['run_id']} had {then}")
    # Speeches per fetched sitting: a re-crawl fetches few sittings, so totals are not comparable.
    if run["meetings"] and before["meetings"] and before["speeches"]:
        now, then = run["speeches"] / run["meetings"], before["speeches"] / before["meetings"]
        if now < DROP_RATIO * then:
            reasons.append(f"speeches per fetched sitting: {now:.1f}, the previous successful run "
                           f"{before['run_id']} had {then:.1f}")
    return reasons


def mark_drop(run_dir: Path, run: dict) -> dict:
    """Compare with the previous successful run; a marked drop is written into run.json as "suspect"."""
    if run.get("spider") == "roster":
        return run
    before = previous_success(run_dir, run["spider"])
    reasons = drop_reasons(run, before) if before else []
    if reasons:
        # Fewer speeches per re-fetched sitting would replace those sittings' speeches in the load:
        # such a run is held back from the automatic load (oshigiin/jobs.py) until a person accepts it.
        run = {**run, "suspect": reasons, "previous_run": before["run_id"],
               "hold_back": any(r.startswith("speeches per fetched sitting") for r in reasons)}
        tmp = run_dir / "run.json.tmp"
        tmp.write_text(json.dumps(run, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, run_dir / "run.json")
    return run


def _runs(code: str) -> list[Path]:
    root = staging_dir() / code
    return [d for d in root.iterdir() if d.is_dir()] if root.is_dir() else []
