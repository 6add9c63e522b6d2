"""Where Scrapy finds podium's spiders and podium's crawl settings, both read from the
configuration when a crawler is made, never when a module is imported.

- PodiumSpiderLoader: Scrapy's spider loader, plus one spider for every configured source of a
  generic family (spiders/sources/generic.py), named after the source's key.
- PodiumCrawlSettings: an add-on (Scrapy's ADDONS) that sets the user agent, timeout and size
  limits from config/podium.toml.
"""
from __future__ import annotations

from scrapy.spiderloader import SpiderLoader

from podium.settings import settings as podium_settings
from spiders.sources.generic import FAMILIES


class PodiumSpiderLoader(SpiderLoader):
    def _load_all_spiders(self) -> None:
        super()._load_all_spiders()
        for source in podium_settings().sources:
            family = FAMILIES.get(source.spider)
            if family is not None:
                name = "".join(part.capitalize() for part in source.key.split("_")) + "Spider"
                self._spiders[source.key] = type(name, (family,), {
                    "name": source.key, "__module__": family.__module__,
                    "__doc__": f"{source.name} ({source.spider} spider)"})


class PodiumCrawlSettings:
    """config/podium.toml's crawl settings, at the add-on priority (a `-s` option still wins)."""

    def update_settings(self, settings) -> None:
        config = podium_settings()
        settings.set("USER_AGENT", f"{config.user_agent} contact: {config.contact}", priority="addon")
        settings.set("DOWNLOAD_TIMEOUT", config.timeout_seconds, priority="addon")
        settings.set("DOWNLOAD_MAXSIZE", config.download_max_bytes, priority="addon")
        settings.set("DOWNLOAD_WARNSIZE", config.download_max_bytes // 2, priority="addon")
