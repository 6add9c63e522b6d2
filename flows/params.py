"""The deployed flows' parameters, so the Prefect UI renders a proper form: configured source
keys as a select list, dates as date pickers. The choices are read from the configuration when
the deployments are made (`podium serve`), never when a flow's module is imported."""
from __future__ import annotations

from podium.settings import ConfigError, settings


def all_source_keys() -> list[str]:
    """Every configured source: what reprocess can take."""
    return [source.key for source in settings().sources]


def crawl_source_keys() -> list[str]:
    """The sources a crawl can take: enabled ones a spider crawls (not `web`, for saved pages, nor
    an imported source)."""
    return [s.key for s in settings().sources if s.enabled and s.crawled]


def with_choices(schema, parameter: str, name: str, keys: list[str]):
    """A copy of a flow's parameter schema whose `parameter` (a list of source keys) is chosen
    among `keys`, as the form's select list `name`."""
    chosen = schema.model_copy(deep=True)
    chosen.definitions = {**(chosen.definitions or {}), name: {"enum": keys, "title": name, "type": "string"}}
    field = chosen.properties[parameter]
    listed = next((option for option in field.get("anyOf", []) if option.get("type") == "array"), field)
    listed["items"] = {"$ref": f"#/definitions/{name}"}
    return chosen


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
