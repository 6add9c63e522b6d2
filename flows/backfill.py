"""The backfill flow: a long date range crawled in chunks, newest first, resumable."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from prefect import flow, task

from flows.extraction import ExtractionPlan, RunnerChoice, extraction_plan
from flows.nightly import crawl_pipeline
from flows.runs import archive_path, fails_plainly, run_name, SourcesFailed
from flows.steps import run_logger
from flows.params import crawlable, source_keys
from podium import progress
from podium.settings import ConfigError
from storage import runs
from storage.db import open_archive


def date_chunks(since: dt.date, until: dt.date, days: int) -> list[tuple[dt.date, dt.date]]:
    """[since, until] cut into ranges of `days` days, newest first (listings are newest first)."""
    chunks, end = [], until
    while end >= since:
        start = max(since, end - dt.timedelta(days=days - 1))
        chunks.append((start, end))
        end = start - dt.timedelta(days=1)
    return chunks


def backfill_id(source: str, since: dt.date, until: dt.date) -> str:
    return hashlib.sha1(f"{source}:{since}:{until}".encode()).hexdigest()[:12]


@task(name="finished-chunks")
def finished_chunks(archive: Path, bid: str, source: str) -> set[dt.date]:
    if not archive.exists():
        return set()
    with open_archive(archive, read_only=True) as con:
        return runs.finished_chunks(con, bid, source)


@task(name="finish-chunk")
def finish_chunk(archive, bid: str, source: str, chunk: tuple[dt.date, dt.date], run_id: str) -> None:
    with open_archive(archive) as con:
        runs.finish_chunk(con, bid, source, chunk[0], chunk[1], run_id)


def backfill_source(source: str, chunks: list[tuple[dt.date, dt.date]], replay: str | None, archive: str | None,
                    summaries: list[dict], failed: list[str], bid: str, plan: ExtractionPlan) -> None:
    """Crawl one source's chunks not finished before; each run's summary goes to `summaries`, and
    each chunk whose source failed to `failed` (it stays unfinished: the next backfill crawls it)."""
    done = finished_chunks(archive_path(archive), bid, source)
    for number, chunk in enumerate(chunks):
        progress.report(f"backfill {source}", number, len(chunks))
        if chunk[0] in done:
            run_logger().info("%s %s…%s: already done", source, *chunk)
            continue
        try:
            summaries.append(crawl_pipeline(
                "backfill", [source], replay, archive, plan=plan, since=chunk[0].isoformat(),
                until=chunk[1].isoformat(),
                then=lambda run, chunk=chunk: finish_chunk(run.path, bid, source, chunk, run.run_id)))
        except SourcesFailed as error:
            summaries.append(error.result)
            failed.append(f"{chunk[0]}…{chunk[1]}: {error}")
    progress.report(f"backfill {source}", len(chunks), len(chunks))


@flow(name="backfill", flow_run_name=run_name)
@fails_plainly
def backfill(sources: list[str], since: dt.date, until: dt.date, chunk_days: int = 30,
             replay: str | None = None, archive: str | None = None, task_runner: RunnerChoice | None = None,
             dask_address: str | None = None) -> list[dict]:
    """Crawl a past date range source by source, `chunk_days` at a time. Finished chunks are
    recorded: running the same backfill again resumes after the last finished chunk.

    Args:
        sources: Sources to backfill.
        since: First day of the range.
        until: Last day of the range.
        chunk_days: Days per chunk (one crawl run each).
        replay: Crawl a recording: a snapshot folder or a replay server URL (empty: the live sites).
        archive: The archive file (empty: the configured one).
        task_runner: Where pages are extracted: thread, process or dask (empty: as configured).
        dask_address: The Dask scheduler for the dask runner, like tcp://10.0.0.5:8786.
    """
    if since > until or chunk_days < 1:
        raise ConfigError(f"backfill needs since ≤ until and chunk_days ≥ 1 (got {since}, {until}, {chunk_days})")
    summaries, failed = [], []
    plan = extraction_plan(task_runner, dask_address)
    for source in crawlable(source_keys(sources), replay):
        backfill_source(source, date_chunks(since, until, chunk_days), replay, archive, summaries, failed,
                        backfill_id(source, since, until), plan)
    if failed:
        raise SourcesFailed(f"{len(failed)} of the backfill's chunks failed: " + "; ".join(failed), summaries)
    return summaries
