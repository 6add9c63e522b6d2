"""The nightly flow: crawl every enabled crawled source incrementally, load, extract, index, report."""
from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Callable

from prefect import flow

from flows.crawl import CrawlFailed, CrawlRequest, crawl_source, staged_pages
from flows.params import crawlable, source_keys
from flows.runs import fails_plainly, recorded_run, Run, run_name
from flows.extraction import ExtractionPlan, RunnerChoice, extract_pending, extraction_plan
from flows.tasks import (export_crawl_state, judge_sources, load, record_failure,
                         update_search_index)
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
        counts["pages_fetched"] += staged_pages(request.staging)
    counts.update(load(archive, request.staging, run_id, request.source))  # whatever was staged
    return counts


def crawl_all(run: Run, sources: list[str], replay: str | None, urls: dict[str, list[str]] | None,
              **crawl_options) -> None:
    run_dir = settings().data_dir / "runs" / run.run_id
    with ExitStack() as stack:
        base = replay_base(stack, replay)
        for source in sources:
            archived, retry = export_crawl_state(run.path, source, run_dir)
            request = CrawlRequest(source, run_dir, archived, retry, base,
                                   urls=(urls or {}).get(source, []), **crawl_options)
            counts = crawl_and_load(run.path, run.run_id, request)
            run.fetched[source] += counts["pages_fetched"]
            run.counts.update(counts)


def crawl_pipeline(flow_name: str, sources: list[str], replay: str | None, archive: str | None,
                   urls: dict[str, list[str]] | None = None, then: Callable[[Run], None] | None = None,
                   plan: ExtractionPlan | None = None, **crawl_options) -> dict:
    """Crawl, load, extract, index and report: the steps every crawling flow shares.
    `urls` maps a source to the exact pages to fetch instead of walking its listings; `then` is a
    last step of the run's own (it runs under the run's writer lock, before the run is published,
    unless a source failed). A failed source makes the run fail: SourcesFailed, after its report."""
    with recorded_run(flow_name, sources, archive) as run:
        crawl_all(run, sources, replay, urls, **crawl_options)
        run.counts.update(extract_pending(run.path, run.run_id, sources, plan))
        update_search_index(run.path)
        outcomes = judge_sources(run.path, run.run_id, {source: run.fetched[source] for source in sources})
        if then and not any(outcome.outcome == "failed" for outcome in outcomes):
            then(run)  # e.g. a backfill chunk is marked done only when its source did not fail
    return run.summary


def enabled_sources(schedule: str | None = "nightly", replaying: bool = False) -> list[str]:
    """Enabled, crawled sources on this schedule (None: on any); replay_only ones (synthetic test
    sites whose hosts do not exist) only when replaying a recording."""
    return [s.key for s in settings().sources
            if s.enabled and s.crawled and schedule in (None, s.schedule) and (replaying or not s.replay_only)]


@flow(name="nightly", flow_run_name=run_name)
@fails_plainly
def nightly(sources: list[str] | None = None, replay: str | None = None, archive: str | None = None,
            max_pages: int | None = None, task_runner: RunnerChoice | None = None,
            dask_address: str | None = None) -> dict:
    """Crawl every enabled source a spider crawls (not imported ones) for what is new since the
    last run, then load, extract and index.

    `replay`: a replay server's base URL, or a snapshot folder to serve for this run.
    `task_runner` (thread, process, dask; empty: as configured) and `dask_address`: where pages
    are extracted.
    """
    keys = crawlable(source_keys(sources), replay) or enabled_sources(replaying=bool(replay))  # unknown keys fail here
    plan = extraction_plan(task_runner, dask_address)
    return crawl_pipeline("nightly", keys, replay, archive, max_pages=max_pages, plan=plan)
