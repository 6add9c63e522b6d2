"""The ad-hoc crawl flow: some sources, a date range, or a list of URLs, on demand."""
from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.extraction import RunnerChoice, extraction_plan
from flows.nightly import crawl_pipeline, enabled_sources
from flows.runs import fails_plainly, run_name
from flows.params import crawlable, source_keys
from flows.reprocess import reprocess as reprocess_flow
from podium.settings import ConfigError
from podium.urls import group_urls


@flow(name="adhoc-crawl", flow_run_name=run_name)
@fails_plainly
def adhoc_crawl(sources: list[str] | None = None, since: dt.date | None = None, until: dt.date | None = None,
                urls: list[str] | None = None, max_pages: int | None = None, reprocess: bool = False,
                replay: str | None = None, archive: str | None = None, task_runner: RunnerChoice | None = None,
                dask_address: str | None = None) -> dict:
    """Crawl now: the given sources (all enabled crawled ones if none) between `since` and `until`,
    or exactly the given URLs (each fetched even if archived: changed pages become revisions).

    Args:
        sources: Sources to crawl; none means every enabled source a spider crawls.
        since: Only items dated on or after this day.
        until: Only items dated on or before this day.
        urls: Fetch exactly these pages instead of walking listings; each must belong to a source.
        max_pages: At most this many detail pages per source.
        reprocess: Also extract the sources' stored pages in the date range again.
        replay: Crawl a recording: a snapshot folder or a replay server URL (empty: the live sites).
        archive: The archive file (empty: the configured one).
        task_runner: Where pages are extracted: thread, process or dask (empty: as configured).
        dask_address: The Dask scheduler for the dask runner, like tcp://10.0.0.5:8786.
    """
    if since and until and since > until:
        raise ConfigError(f"since ({since}) is after until ({until})")
    keys = crawlable(source_keys(sources), replay)
    plan = extraction_plan(task_runner, dask_address)
    if reprocess:
        reprocess_flow(sources=keys or None, since=since, until=until, archive=archive,
                       task_runner=plan.runner, dask_address=plan.dask_address or None)
    if urls:
        grouped = group_urls(urls, keys, allow_private=bool(replay))
        crawlable(list(grouped), replay)  # a URL of a source no spider crawls is refused
        return crawl_pipeline("adhoc-crawl", list(grouped), replay, archive, urls=grouped, plan=plan)
    keys = keys or enabled_sources(schedule=None, replaying=bool(replay))
    return crawl_pipeline("adhoc-crawl", keys, replay, archive, max_pages=max_pages, plan=plan,
                          since=since.isoformat() if since else None,
                          until=until.isoformat() if until else None)
