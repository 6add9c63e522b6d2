"""Archive tasks of the flows. Each opens the archive, does one step, and closes it again, so the
file is held only while a step writes. The flows are the archive's only writers."""
from __future__ import annotations

import json
import logging
import signal
import threading
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from prefect import task

from flows.steps import run_logger
from podium import mentions, progress
from podium.crash import crash_point
from podium.outcomes import SourceOutcome, failed_sources_reason
from podium.quote_links import choose_links
from podium.extract import Extraction, ExtractionError, LayoutChanged, StoredPage, extract
from podium.settings import settings
from podium.speakers import registry
from storage import documents, links, registry as archive_registry, runs, search_index
from storage.db import open_archive, publish, publish_first, published_path, transaction
from storage.extracted import ExtractionStage, arrow_schemas, empty_folder, stage_folder
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


ALARM_REPEAT_SECONDS = 0.25


class OverTimeBudget(Exception):
    """A page's extraction ran longer than its budget (extract_seconds_per_page)."""


@contextmanager
def time_budget(seconds: float):
    """Stop the block with OverTimeBudget after `seconds` (SIGALRM: the flows run their tasks in
    the main thread; elsewhere, or with 0, no budget applies)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    fired, message = [], f"over the time budget of {seconds:g} s"

    def over(signum, frame):
        fired.append(signum)
        raise OverTimeBudget(message)

    previous = signal.signal(signal.SIGALRM, over)
    # The alarm repeats until its exception lands: one raised while Python runs a garbage
    # collector's callback is swallowed ("Exception ignored in …"), and the block would go on.
    signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if fired:  # every alarm was swallowed and the block finished: it still ran over its budget
        raise OverTimeBudget(message)


def extract_one(page: StoredPage) -> tuple[Extraction | None, dict | None]:
    """(extraction, None), or (None, the crawl error saying why there is none): the extractor
    failed, or ran over the per-page time budget."""
    try:
        with time_budget(settings().extract_seconds_per_page):
            return extract(page, settings().source(page.source_id), registry()), None
    except Exception as error:  # noqa: BLE001 - one bad page must not stop the run
        known = isinstance(error, (ExtractionError, OverTimeBudget))
        reason = str(error) if known else f"extractor failed: {error!r}"
        stage = "layout_changed" if isinstance(error, LayoutChanged) else "extract"
        return None, {"source_id": page.source_id, "url": page.url, "stage": stage, "error": reason,
                      "page_id": page.page_id, "listing": page.listing, "page_kind": "detail"}


def extract_and_save(con, run_id: str, page_ids: list[str], folder: Path) -> Counter:
    """Make (or remake) the documents and statements of these pages; failures become errors.
    Batches of pages (settings' extract_batch) are extracted and staged in `folder`; the stage is
    loaded in one transaction whenever load_every statements wait, and at the end. Then
    near-duplicates and links are found for them (and for documents a crashed run left without
    that step)."""
    counts: Counter = Counter()
    doc_ids: list[str] = []
    with empty_folder(folder):
        stage = ExtractionStage(folder, arrow_schemas(con), settings().load_every)
        for pages in documents.in_batches(con, page_ids, settings().extract_batch):
            extractions, failures = extract_batch(pages)
            record_errors(con, run_id, failures)
            stage.save(con, extractions)
            crash_point("extract-batch")
            counts.update(documents=len(extractions), errors=len(failures),
                          statements=sum(len(e.statements) for e in extractions))
            doc_ids += [e.document.doc_id for e in extractions]
            progress.report("extract", counts["documents"] + counts["errors"], len(page_ids))
        stage.load(con)
    crash_point("extract-done")
    doc_ids = sorted(set(doc_ids) | set(documents.doc_ids_left_unlinked(con)))
    with transaction(con):
        counts.update(near_duplicates=links.mark_near_duplicates(con, doc_ids),
                      links=link_statements(con, doc_ids))
        runs.mark_linked(con, run_id)
    return counts


def extract_batch(pages: list[StoredPage]) -> tuple[list[Extraction], list[dict]]:
    results = [extract_one(page) for page in pages]
    return [e for e, _ in results if e], [failure for _, failure in results if failure]


def link_statements(con, doc_ids: list[str]) -> int:
    """(Re)link every quote these documents touch: storage reads the quotes and their candidate
    answers, podium.quote_links chooses, storage replaces the quotes' links."""
    inputs = links.link_inputs(con, doc_ids)
    return links.replace_links(con, inputs.quote_ids, choose_links(inputs.quotes, inputs.candidates, inputs.twins))


def record_errors(con, run_id: str, failures: list[dict]) -> None:
    if failures:
        with transaction(con):
            for failure in failures:
                record_error(con, run_id, failure)


@task(name="extract", task_run_name="extract-{sources}")
def extract_pending(archive: Path, run_id: str, sources: list[str]) -> Counter:
    """Extract every page of these sources that has no document yet (new, revised, or failed)."""
    with open_archive(archive) as con:
        counts = extract_and_save(con, run_id, documents.pending_page_ids(con, sources), stage_folder(archive))
    run_logger().info("extracted %s", dict(counts))
    return counts


@task(name="re-extract", task_run_name="re-extract-{sources}")
def extract_again(archive: Path, run_id: str, sources: list[str], since=None, until=None) -> Counter:
    """Extract the stored pages of these sources again (dated in the range), fetching nothing."""
    with open_archive(archive) as con:
        counts = extract_and_save(con, run_id, documents.stored_page_ids(con, sources, since, until),
                                  stage_folder(archive))
    run_logger().info("re-extracted %s", dict(counts))
    return counts


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
