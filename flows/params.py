"""Parameter types of the deployed flows, so the Prefect UI renders a proper form: configured
source keys as a select list, dates as date pickers."""
from __future__ import annotations

from enum import Enum

from podium.settings import ConfigError, settings

# The configured sources, as an enumeration: the UI offers exactly these keys (to reprocess).
SourceKey = Enum("SourceKey", {source.key: source.key for source in settings().sources}, type=str)
# The sources a crawl can take: enabled ones (`web`, for saved pages only, is never crawled).
CrawlSourceKey = Enum("CrawlSourceKey", {s.key: s.key for s in settings().sources if s.enabled and s.crawled},
                      type=str)


def source_keys(sources) -> list[str]:
    """Plain keys from enum members or strings, each checked against the configuration."""
    return [settings().source(getattr(key, "value", key)).key for key in sources or []]


def crawlable(keys: list[str], replay: str | None) -> list[str]:
    """The keys of a crawl; a source no spider crawls (spider: imported) is refused, and a synthetic
    site (replay_only: its host does not exist) unless the crawl replays a recording."""
    imported = [key for key in keys if not settings().source(key).crawled]
    if imported:
        raise ConfigError(f"{', '.join(imported)}: not crawled, filled by `podium import-transcripts`")
    synthetic = [key for key in keys if settings().source(key).replay_only]
    if synthetic and not replay:
        raise ConfigError(f"{', '.join(synthetic)}: synthetic sites, crawled only from a recording (give replay)")
    return keys
