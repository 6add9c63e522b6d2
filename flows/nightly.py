"""The nightly flow: crawl every enabled source incrementally, load, extract, index, report."""
from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Callable

from prefect import flow

from flows.crawl import CrawlFailed, CrawlRequest, crawl_source
from flows.params import source_keys
from flows.runs import Run, recorded_run, run_name
from flows.tasks import export_crawl_state, extract_pending, load, record_failure, update_search_index
from podium.replay import serving
from podium.settings import settings


def replay_base(stack: ExitStack, replay: str | None) -> str | None:
    """A replay server's base URL: the one given, or one started here over a snapshot folder."""
    if not replay or replay.startswith(("http://", "https://")):
        return replay
    return stack.enter_context(serving(Path(replay)))


def crawl_and_load(archive: Path, run_id: str, request: CrawlRequest) -> Counter:
    counts: Counter = Counter()
    try:
        result = crawl_source(request)
        counts["pages_fetched"] += result.stats.get("podium/staged/page", 0)
    except CrawlFailed as error:
        record_failure(archive, run_id, request.source, "crawl", str(error))
        counts["errors"] += 1
    counts.update(load(archive, request.staging, run_id, request.source))  # whatever was staged
    return counts


def crawl_all(path: Path, run_id: str, sources: list[str], replay: str | None, counts: Counter,
              urls: dict[str, list[str]] | None, **crawl_options) -> None:
    run_dir = settings().data_dir / "runs" / run_id
    with ExitStack() as stack:
        base = replay_base(stack, replay)
        for source in sources:
            archived, retry = export_crawl_state(path, source, run_dir)
            request = CrawlRequest(source, run_dir, archived, retry, base,
                                   urls=(urls or {}).get(source, []), **crawl_options)
            counts.update(crawl_and_load(path, run_id, request))


def crawl_pipeline(flow_name: str, sources: list[str], replay: str | None, archive: str | None,
                   urls: dict[str, list[str]] | None = None, then: Callable[[Run], None] | None = None,
                   **crawl_options) -> dict:
    """Crawl, load, extract, index and report: the steps every crawling flow shares.
    `urls` maps a source to the exact pages to fetch instead of walking its listings; `then` is a
    last step of the run's own (it runs under the run's writer lock, before the run is published)."""
    with recorded_run(flow_name, sources, archive) as run:
        crawl_all(run.path, run.run_id, sources, replay, run.counts, urls, **crawl_options)
        run.counts.update(extract_pending(run.path, run.run_id, sources))
        update_search_index(run.path)
        if then:
            then(run)
    return run.summary


def enabled_sources(schedule: str | None = "nightly") -> list[str]:
    """Enabled sources on this schedule (None: on any)."""
    return [s.key for s in settings().sources if s.enabled and schedule in (None, s.schedule)]


@flow(name="nightly", flow_run_name=run_name)
def nightly(sources: list[str] | None = None, replay: str | None = None, archive: str | None = None,
            max_pages: int | None = None) -> dict:
    """Crawl every enabled source for what is new since the last run, then load, extract and index.

    `replay`: a replay server's base URL, or a snapshot folder to serve for this run.
    """
    keys = source_keys(sources) or enabled_sources()  # unknown keys fail here, before anything runs
    return crawl_pipeline("nightly", keys, replay, archive, max_pages=max_pages)
