"""The ad-hoc crawl flow: some sources, a date range, or a list of URLs, on demand."""
from __future__ import annotations

import datetime as dt
import ipaddress
from urllib.parse import urlsplit

from prefect import flow

from flows.nightly import crawl_pipeline, enabled_sources
from flows.runs import run_name
from flows.params import SourceKey, source_keys
from flows.reprocess import reprocess as reprocess_flow
from podium.settings import ConfigError, settings


def check_url(url: str, allow_private: bool = False) -> None:
    """Refuse what an ad-hoc crawl must not fetch: other schemes (file://), and loopback, private
    or link-local hosts (unless allowed: replays and tests)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"refused {url!r}: only http(s) URLs can be crawled")
    host = parts.hostname.lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    internal = host == "localhost" or host.endswith(".localhost") or (
        address is not None and (address.is_private or address.is_loopback or address.is_link_local))
    if internal and not allow_private:
        raise ConfigError(f"refused {url!r}: {host} is a loopback or private address")


def group_urls(urls: list[str], sources: list[str], allow_private: bool = False) -> dict[str, list[str]]:
    """The URLs by the configured source whose allowed domains hold them; anything else is refused."""
    if len(urls) > settings().max_pages:
        raise ConfigError(f"{len(urls)} URLs is over the per-run page cap of {settings().max_pages}")
    grouped: dict[str, list[str]] = {}
    for url in urls:
        check_url(url, allow_private)
        grouped.setdefault(settings().source_for_url(url, sources).key, []).append(url)
    return grouped


@flow(name="adhoc-crawl", flow_run_name=run_name)
def adhoc_crawl(sources: list[SourceKey] | None = None, since: dt.date | None = None, until: dt.date | None = None,
                urls: list[str] | None = None, max_pages: int | None = None, reprocess: bool = False,
                replay: str | None = None, archive: str | None = None) -> dict:
    """Crawl now: the given sources (all enabled ones if none) between `since` and `until`,
    or exactly the given URLs (each fetched even if archived: changed pages become revisions).

    Args:
        sources: Sources to crawl; none means every enabled source.
        since: Only items dated on or after this day.
        until: Only items dated on or before this day.
        urls: Fetch exactly these pages instead of walking listings; each must belong to a source.
        max_pages: At most this many detail pages per source.
        reprocess: Also extract the sources' stored pages in the date range again.
        replay: Crawl a recording: a snapshot folder or a replay server URL (empty: the live sites).
        archive: The archive file (empty: the configured one).
    """
    if since and until and since > until:
        raise ConfigError(f"since ({since}) is after until ({until})")
    keys = source_keys(sources)
    if reprocess:
        reprocess_flow(sources=keys or None, since=since, until=until, archive=archive)
    if urls:
        grouped = group_urls(urls, keys, allow_private=bool(replay))
        return crawl_pipeline("adhoc-crawl", list(grouped), replay, archive, urls=grouped)
    keys = keys or enabled_sources(schedule=None)
    return crawl_pipeline("adhoc-crawl", keys, replay, archive, max_pages=max_pages,
                          since=since.isoformat() if since else None,
                          until=until.isoformat() if until else None)
