"""Archive tasks of the flows. Each opens the archive, does one step, and closes it again, so the
file is held only while a step writes. The flows are the archive's only writers."""
from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

from prefect import task

from flows.steps import run_logger
from podium import mentions
from podium.crash import crash_point
from podium.outcomes import SourceOutcome, failed_sources_reason
from podium.settings import settings
from podium.speakers import registry
from storage import documents, registry as archive_registry, runs, search_index
from storage.db import open_archive, publish, publish_first, published_path
from storage.load import load_staging, record_error

log = logging.getLogger(__name__)


@task(name="prepare-archive")
def prepare_archive(archive: Path, run_id: str, flow: str, flow_run_id: str | None,
                    sources: list[str]) -> None:
    """Bring the schema up to date, mirror the configuration, open the run's record."""
    with open_archive(archive) as con:
        archive_registry.sync_sources(con, settings().sources)
        archive_registry.sync_speakers(con, registry())
        archive_registry.sync_entities(con, mentions.entity_rows())
        mark_crashed_runs(con)
        runs.start_run(con, run_id, flow, flow_run_id, sources)
    if not published_path(archive).exists():  # readers never open the archive itself: give them a copy now
        publish_first(archive)


def mark_crashed_runs(con) -> None:
    """Runs still `running` died without finishing (killed, or the machine went down). Their pages
    and documents stay; the pages they did not extract are pending, and this run extracts them."""
    for run_id in runs.mark_crashed(con):
        log.warning("run %s did not finish (killed or crashed): marked crashed", run_id)


@task(name="export-crawl-state", task_run_name="export-crawl-state-{source}")
def export_crawl_state(archive: Path, source: str, run_dir: Path) -> tuple[Path, Path]:
    """Write what the crawl of `source` needs to know: the URLs it can skip (already made into
    documents) and the pages it must try again (failed before, still without a document)."""
    with open_archive(archive) as con:
        archived = documents.archived_urls(con, source)
        retry = documents.pages_to_retry(con, source, settings().source(source).listing_urls)
    run_dir.mkdir(parents=True, exist_ok=True)
    archived_file, retry_file = run_dir / f"{source}.archived.tsv", run_dir / f"{source}.retry.jsonl"
    archived_file.write_text("".join(f"{url}\t{digest}\n" for url, digest in archived), encoding="utf-8")
    retry_file.write_text("".join(json.dumps({"url": url, "listing": listing}) + "\n"
                                  for url, listing in retry), encoding="utf-8")
    return archived_file, retry_file


@task(name="load", task_run_name="load-{source}")
def load(archive: Path, staging: Path, run_id: str, source: str) -> Counter:
    """Load a staging file; returns the run's counts of it (pages_new, …, errors)."""
    with open_archive(archive) as con:
        result = load_staging(con, staging, run_id, source)
    run_logger().info("%s: loaded %s", source, dict(result.counts))
    loaded = result.counts
    return Counter(pages_new=loaded["new"], pages_revised=loaded["revised"], pages_unchanged=loaded["unchanged"],
                   errors=loaded["errors"] + loaded["bad_lines"])


@task(name="record-failure")
def record_failure(archive: Path, run_id: str, source: str, stage: str, error: str) -> None:
    with open_archive(archive) as con:
        record_error(con, run_id, {"source_id": source, "stage": stage, "error": error})


@task(name="update-search-index")
def update_search_index(archive: Path) -> None:
    """Bring the search index beside the archive in step with it (only changed documents)."""
    with open_archive(archive) as con:
        search_index.update_index(con)


@task(name="judge-sources")
def judge_sources(archive: Path, run_id: str, fetched: dict[str, int]) -> list[SourceOutcome]:
    """Each source's outcome in this run (ok, partial, failed), recorded in run_sources."""
    with open_archive(archive) as con:
        outcomes = runs.record_outcomes(con, run_id, fetched)
    for outcome in outcomes:
        if outcome.outcome != "ok":
            run_logger().warning("%s: %s, %s", outcome.source_id, outcome.outcome, outcome.reason)
    return outcomes


@task(name="finish-run")
def finish_run(archive: Path, run_id: str, counts: dict, error: str | None = None,
               wait_seconds: float | None = None) -> dict:
    """Record the run's outcome (failed: `error`, or sources that failed), then publish the
    archive's read-only copy for readers. Returns the run's summary."""
    with open_archive(archive, wait_seconds=wait_seconds) as con:
        reason = error or failed_sources_reason(runs.outcomes_of(con, run_id))
        runs.finish_run(con, run_id, "failed" if reason else "completed", counts, reason)
        summary = runs.run_summary(con, run_id)
    crash_point("publish-before")
    publish(archive)
    return summary
