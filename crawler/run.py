"""Run a council's spiders in this process: its minutes platform, then its roster page.

One after another, not side by side: a council's spiders mostly ask the same host, and politeness
is per host (one request at a time, DOWNLOAD_DELAY apart, one robots.txt; crawler/politeness.py).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.internet import defer

from oshigiin.crawler.politeness import new_run
from oshigiin.paths import staging_dir
from oshigiin.registry import Council, find_council, video_spiders

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
    return [json.loads((d / "run.json").read_text()) for d in sorted(set(_runs(council.code)) - before)
            if (d / "run.json").exists()]


def _runs(code: str) -> list[Path]:
    root = staging_dir() / code
    return [d for d in root.iterdir() if d.is_dir()] if root.is_dir() else []
