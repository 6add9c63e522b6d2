"""The nightly flow: crawl every enabled source incrementally, load, extract, index, report."""
from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from flows.crawl import CrawlFailed, CrawlRequest, crawl_source
from flows.tasks import (export_crawl_state, extract_pending, finish_run, load, prepare_archive,
                         record_failure, update_search_index)
from flows.report import publish_report
from podium.replay import serving
from podium.settings import settings
from storage.db import writer_lock


def new_run_id(flow_name: str) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{flow_name}-{stamp}-{uuid.uuid4().hex[:6]}"


def archive_path(archive: str | None) -> Path:
    return Path(archive).resolve() if archive else settings().archive_path


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
    loaded = load(archive, request.staging, run_id, request.source)  # whatever was staged
    counts.update({"pages_new": loaded["new"], "pages_revised": loaded["revised"],
                   "pages_unchanged": loaded["unchanged"], "errors": loaded["errors"] + loaded["bad_lines"]})
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
                   urls: dict[str, list[str]] | None = None, **crawl_options) -> dict:
    """Crawl, load, extract, index and report: the steps every crawling flow shares.
    `urls` maps a source to the exact pages to fetch instead of walking its listings."""
    path = archive_path(archive)
    with writer_lock(path, settings().lock_wait_seconds):
        run_id = new_run_id(flow_name)
        prepare_archive(path, run_id, flow_name, flow_run.get_id(), sources)
        counts: Counter = Counter()
        try:
            crawl_all(path, run_id, sources, replay, counts, urls, **crawl_options)
            counts.update(extract_pending(path, run_id, sources))
            update_search_index(path)
        except Exception:
            publish_report(finish_run(path, run_id, "failed", counts, sources), path)
            raise
        summary = finish_run(path, run_id, "completed", counts, sources)
    get_run_logger().info("run %s: %s", run_id, dict(counts))
    publish_report(summary, path)
    return summary


def run_name() -> str:
    """Flow runs are named after their parameters: nightly-<sources>-<UTC date>."""
    sources = flow_run.get_parameters().get("sources") or ["all"]
    return f"{flow_run.get_flow_name()}-{'+'.join(sources)}-{dt.datetime.now(dt.timezone.utc):%Y-%m-%d}"


def enabled_sources(schedule: str = "nightly") -> list[str]:
    return [s.key for s in settings().sources if s.enabled and s.schedule == schedule]


@flow(name="nightly", flow_run_name=run_name)
def nightly(sources: list[str] | None = None, replay: str | None = None, archive: str | None = None,
            max_pages: int | None = None) -> dict:
    """Crawl every enabled source for what is new since the last run, then load, extract and index.

    `replay`: a replay server's base URL, or a snapshot folder to serve for this run.
    """
    keys = sources or enabled_sources()
    for key in keys:
        settings().source(key)  # unknown keys fail here, before anything runs
    return crawl_pipeline("nightly", keys, replay, archive, max_pages=max_pages)
