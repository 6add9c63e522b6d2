"""Parameter types of the deployed flows, so the Prefect UI renders a proper form: configured
source keys as a select list, dates as date pickers."""
from __future__ import annotations

from enum import Enum

from podium.settings import settings

# The configured sources, as an enumeration: the UI offers exactly these keys.
SourceKey = Enum("SourceKey", {source.key: source.key for source in settings().sources}, type=str)


def source_keys(sources) -> list[str]:
    """Plain keys from enum members or strings, each checked against the configuration."""
    return [settings().source(getattr(key, "value", key)).key for key in sources or []]
