"""Extensions."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

log = logging.getLogger(__name__)


class CrawlStatsFile:
    """Write the crawl's stats beside the staging file (<staging>.stats.json) when it closes,
    so the flow can report requests and outcomes without parsing logs."""

    def __init__(self, path: Path, stats):
        self.path = path
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        staging = crawler.settings.get("PODIUM_STAGING")
        if not staging:
            raise NotConfigured("PODIUM_STAGING is not set")
        extension = cls(Path(f"{staging}.stats.json"), crawler.stats)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider, reason):
        stats = {k: v for k, v in self.stats.get_stats().items() if isinstance(v, (int, float, str))}
        stats["finish_reason"] = reason
        self.path.write_text(json.dumps(stats, indent=2, sort_keys=True), encoding="utf-8")
        log.info("podium: listing requests=%d detail requests=%d",
                 stats.get("podium/requests/listing", 0), stats.get("podium/requests/detail", 0))
