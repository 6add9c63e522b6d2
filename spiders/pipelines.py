"""Item pipelines."""
from __future__ import annotations

import json
from pathlib import Path

from scrapy.exceptions import NotConfigured


class StagingPipeline:
    """Append every record to the run's staging file (PODIUM_STAGING), one JSON line each.

    Each line is flushed as written, so a crash loses at most the record being written; the
    loader reports a truncated last line instead of loading it. Spiders never open the archive.
    """

    def __init__(self, path: Path, stats):
        self.path = path
        self.stats = stats
        self.handle = None

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("PODIUM_STAGING")
        if not path:
            raise NotConfigured("PODIUM_STAGING is not set")
        return cls(Path(path), crawler.stats)

    def open_spider(self, spider=None):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a", encoding="utf-8")

    def close_spider(self, spider=None):
        if self.handle:
            self.handle.close()

    def process_item(self, item, spider=None):
        self.handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        self.handle.flush()
        self.stats.inc_value(f"podium/staged/{item['type']}")
        return item
