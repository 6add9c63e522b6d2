"""Where Scrapy finds podium's spiders and podium's crawl settings, both read from the
configuration when a crawler is made, never when a module is imported.

- PodiumSpiderLoader: Scrapy's spider loader (a source-specific module spiders/sources/<key>.py,
  if one exists), plus one spider for every other crawled source, named after the source's key:
  the class podium/families.py names for its row (its family's spider, or the generic spider its
  `spider` field names), subclassed with `name = <key>`.
- PodiumCrawlSettings: an add-on (Scrapy's ADDONS) that sets the user agent, timeout and size
  limits from config/podium.toml.
"""
from __future__ import annotations

from scrapy.spiderloader import SpiderLoader

from podium import families
from podium.settings import Source
from podium.settings import settings as podium_settings


def spider_class(source: Source):
    """The spider class of a configured source, made from the family table, or None (an imported
    source, or one whose family has no spider of its own)."""
    target = families.spider_target(source.format, source.language, source.spider)
    if not target:
        return None
    base = families.load(target)
    name = "".join(part.capitalize() for part in source.key.split("_")) + "Spider"
    return type(name, (base,), {"name": source.key, "__module__": base.__module__,
                                "__doc__": f"{source.name} ({base.__name__})"})


class PodiumSpiderLoader(SpiderLoader):
    def _load_all_spiders(self) -> None:
        super()._load_all_spiders()
        for source in podium_settings().sources:
            if source.key in self._spiders:  # a module of its own (spiders/sources/<key>.py) wins
                continue
            spider = spider_class(source)
            if spider is not None:
                self._spiders[source.key] = spider


class PodiumCrawlSettings:
    """config/podium.toml's crawl settings, at the add-on priority (a `-s` option still wins)."""

    def update_settings(self, settings) -> None:
        config = podium_settings()
        settings.set("USER_AGENT", f"{config.user_agent} contact: {config.contact}", priority="addon")
        settings.set("DOWNLOAD_TIMEOUT", config.timeout_seconds, priority="addon")
        settings.set("DOWNLOAD_MAXSIZE", config.download_max_bytes, priority="addon")
        settings.set("DOWNLOAD_WARNSIZE", config.download_max_bytes // 2, priority="addon")
