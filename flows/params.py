"""Parameter types of the deployed flows, so the Prefect UI renders a proper form: configured
source keys as a select list, dates as date pickers."""
from __future__ import annotations

from enum import Enum

from podium.settings import settings

# The configured sources, as an enumeration: the UI offers exactly these keys (to reprocess).
SourceKey = Enum("SourceKey", {source.key: source.key for source in settings().sources}, type=str)
# The sources a crawl can take: enabled ones (`web`, for saved pages only, is never crawled).
CrawlSourceKey = Enum("CrawlSourceKey", {s.key: s.key for s in settings().sources if s.enabled}, type=str)


def source_keys(sources) -> list[str]:
    """Plain keys from enum members or strings, each checked against the configuration."""
    return [settings().source(getattr(key, "value", key)).key for key in sources or []]
