"""What the council-video spiders share: the council's video source from the registry, and the
staging file their segments go to.

A council names its video platform beside its minutes platform in data/councils.toml
(`video_platform`, `video_url`, `video_tenant`; pipeline/video/segments.py reads them). A video spider is
a CouncilSpider that is not tied to the minutes platform: `-a base_url=` still moves the
registry's hosts (the demo server runs on any port), and `-a video_url=` points it at a local
replay of the video site itself.

Segments are staged as data/staging/<council>/<run>/video_segments.ndjson, in the same run as
the fetch log StagingWriter keeps, one JSON line per segment.
"""

from __future__ import annotations

import json

from oshigiin.crawler.pipelines import StagingWriter
from oshigiin.crawler.spiders.base import CouncilSpider
from oshigiin.holdings import held_segments
from oshigiin.registry import video_sources

SEGMENTS_FILE = "video_segments.ndjson"


class SegmentWriter:
    """Writes {"video_segment": {...}} items beside StagingWriter's files of the same run."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.file = None
        self.count = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _run_dir(self):
        for mw in self.crawler.engine.scraper.itemproc.middlewares:
            if isinstance(mw, StagingWriter):
                return mw.dir
        raise RuntimeError("SegmentWriter needs crawler.pipelines.StagingWriter in ITEM_PIPELINES")

    def process_item(self, item, spider=None):
        if isinstance(item, dict) and "video_segment" in item:
            if self.file is None:
                # Line-buffered: each segment reaches the disk whole, so a killed crawl keeps what it had.
                self.file = open(self._run_dir() / SEGMENTS_FILE, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
            self.file.write(json.dumps(item["video_segment"], ensure_ascii=False) + "\n")
            self.count += 1
            self.crawler.stats.inc_value("oshigiin/video_segments")
        return item

    def close_spider(self, spider=None):
        if self.file is not None:
            self.file.close()


class VideoSpider(CouncilSpider):
    platform = None              # not the minutes platform: the council's own is not checked
    video_platform: str = ""     # jfit | discussvision
    custom_settings = {
        "ITEM_PIPELINES": {
            "oshigiin.crawler.pipelines.StagingWriter": 100,
            "oshigiin.crawler.spiders.video.SegmentWriter": 200,
        },
    }

    def __init__(self, council: str, base_url: str | None = None, video_url: str | None = None,
                 years: str | None = None, **kwargs):
        super().__init__(council, base_url, **kwargs)
        source = next((s for s in video_sources(self.council) if s.platform == self.video_platform), None)
        if source is None and not video_url:
            raise ValueError(f"{self.council.name}: the registry names no {self.video_platform} video source "
                             f"(video_platform / video_url in data/councils.toml); pass -a video_url=…")
        self.source = source
        url = video_url or self.on_council_host(source.url)
        self.video_url = url if "?" in url else url.rstrip("/") + "/"
        self.tenant = (source.tenant if source else None) or kwargs.get("tenant")
        self.years = {int(y) for y in years.split(",")} if years else None
        # Incremental: what the database holds of settled days is not fetched again (unless --full).
        self.held = {} if self.full else held_segments(self.council_id, self.video_platform)

    def named_urls(self) -> list[str]:
        return [*super().named_urls(), self.video_url]

    def segment(self, **fields) -> dict:
        """One staged line; the keys every platform fills (None where the site does not say)."""
        record = {
            "council_id": self.council_id, "platform": self.video_platform, "ext_id": None, "session": None,
            "date": None, "meeting": None, "order": None, "speaker_raw": None, "speaker_name": None,
            "speaker_id": None, "faction": None, "agenda": None, "segment_url": None, "start_seconds": None,
            "media_url": None, "captions_url": None, "captions": None, "source_url": None, "fetched_at": None,
        }
        unknown = set(fields) - set(record)
        if unknown:
            raise KeyError(f"not a video segment field: {', '.join(sorted(unknown))}")
        record.update(fields)
        return {"video_segment": record}
