"""The extract step: stored pages become documents and statements, on a Prefect task runner.

Pages are read from the archive in batches; each batch is cut into chunks, and each chunk is one
`extract-pages` task run on the chosen runner: Prefect's thread pool, its process pool, or a
`dask.distributed` cluster (prefect-dask). The tasks only compute (podium.page_workers runs each
page in a child process that the time budget can stop); what they return is staged and loaded
here, in page order, by the flow's own process: the archive keeps one writer, and the result is
the same on every runner.
"""
from __future__ import annotations

import logging
import os
import socket
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from flows.steps import run_logger
from podium import page_workers, progress
from podium.config_toml import RUNNERS
from podium.crash import crash_point
from podium.extract import StoredPage
from podium.page_workers import ExtractionFailed, PageResult
from podium.quote_links import choose_links
from podium.settings import ConfigError, Source, settings
from podium.speakers import Registry, registry
from storage import documents, links, runs
from storage.db import open_archive, transaction
from storage.extracted import ExtractionStage, arrow_schemas, empty_folder, stage_folder
from storage.load import record_error

log = logging.getLogger(__name__)

# A flow parameter's choices (a select list in the UI's run form): podium.config_toml's RUNNERS.
RunnerChoice = Literal["thread", "process", "dask"]


@dataclass(frozen=True)
class ExtractionPlan:
    """Where and how the extract step runs (settings, overridden by a flow's parameters)."""
    runner: str                     # thread, process or dask (or here: one chunk, in this thread)
    workers: int                    # chunks extracted at once (thread and process runners)
    chunk_pages: int
    seconds_per_page: float
    dask_address: str = ""


def extraction_plan(runner: str | None = None, dask_address: str | None = None,
                    workers: int | None = None) -> ExtractionPlan:
    """The plan for a run: `runner` (thread, process, dask), `dask_address` and `workers` as
    given, else as configured (workers 0: one per core). A Dask address given alone means the
    dask runner."""
    config = settings()
    chosen = runner or ("dask" if dask_address else config.extract_runner)
    if chosen not in RUNNERS:
        raise ConfigError(f"unknown task runner {chosen!r}: choose thread, process or dask")
    if workers is not None and workers < 1:
        raise ConfigError(f"extraction workers must be 1 or more, not {workers}")
    address = (dask_address or config.dask_address) if chosen == "dask" else ""
    if chosen == "dask":
        if not address:
            raise ConfigError("the dask task runner needs a scheduler address: --dask-address tcp://HOST:8786, "
                              "or dask_address in podium.toml's [extract]")
        refuse_unreachable(address)
    return ExtractionPlan(chosen, workers or config.extract_workers or os.cpu_count() or 1, config.extract_chunk,
                          config.extract_seconds_per_page, address)


def refuse_unreachable(address: str, seconds: float = 5.0) -> None:
    """ExtractionFailed unless the Dask scheduler at `address` accepts a connection: a run finds
    out before it crawls anything, not after."""
    parts = urlsplit(address)
    try:
        with socket.create_connection((parts.hostname, parts.port or 8786), timeout=seconds):
            pass
    except (OSError, ValueError) as error:
        raise ExtractionFailed(f"cannot reach the Dask scheduler at {address}: {error}") from None


def task_runner(plan: ExtractionPlan):
    if plan.runner == "here":
        return InThisThread()
    if plan.runner == "dask":
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=plan.dask_address)
    if plan.runner == "process":
        return ProcessPoolTaskRunner(max_workers=plan.workers, initializer=page_workers.watch_parent)
    return ThreadPoolTaskRunner(max_workers=plan.workers)


@contextmanager
def started_runner(plan: ExtractionPlan):
    """The plan's task runner, started; a Dask scheduler that cannot be reached is one plain error."""
    runner = task_runner(plan)
    try:
        runner.__enter__()
    except (OSError, TimeoutError) as error:
        raise ExtractionFailed(f"cannot reach the Dask scheduler at {plan.dask_address}: {error}") from None
    try:
        yield runner
    finally:
        runner.__exit__(None, None, None)
        page_workers.stop_idle()  # the children of this process's threads


def small_enough_here(plan: ExtractionPlan, pages: int) -> ExtractionPlan:
    """One chunk of pages or fewer (a saved page, a small import) is extracted here, in this
    thread, with no task runner: starting a pool, reaching a cluster or Prefect's API would cost
    more than the pages (and `podium ingest` runs without a Prefect server)."""
    if pages > plan.chunk_pages:
        return plan
    return replace(plan, runner="here", workers=1, dask_address="")


class InThisThread:
    """The task runner of a job of one chunk: each task's function, called at once."""

    class Done:
        def __init__(self, value):
            self.value = value

        def result(self):
            return self.value

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        pass

    def submit(self, task, parameters: dict):
        return self.Done(task.fn(**parameters))


@task(name="extract-pages", task_run_name="extract-pages-{first_page}", cache_policy=NO_CACHE)
def extract_chunk(pages: list[StoredPage], sources: dict[str, Source], speakers: Registry, seconds: float,
                  first_page: str = "") -> list[PageResult]:
    """Extract a chunk of pages (each in a child process, within its time budget); compute only."""
    crash_point("extract-chunk")  # where this task runs: a process worker, a Dask worker
    return page_workers.extract_pages(pages, sources, speakers, seconds)


def chunks_of(pages: list, size: int) -> list[list]:
    return [pages[start:start + size] for start in range(0, len(pages), size)]


def extracted_batches(con, runner, plan: ExtractionPlan, page_ids: list[str]):
    """Each batch's page results, in page order. The next batch is submitted before the results
    of this one are awaited, so the workers have pages while this process stages and loads."""
    sources, speakers = {s.key: s for s in settings().sources}, registry()
    in_flight: deque = deque()
    for pages in documents.in_batches(con, page_ids, settings().extract_batch):
        in_flight.append([runner.submit(extract_chunk, {"pages": chunk, "sources": sources, "speakers": speakers,
                                                        "seconds": plan.seconds_per_page,
                                                        "first_page": chunk[0].page_id})
                          for chunk in chunks_of(pages, plan.chunk_pages)])
        if len(in_flight) > 1:
            yield results_of(in_flight.popleft(), plan)
    while in_flight:
        yield results_of(in_flight.popleft(), plan)


def results_of(futures: list, plan: ExtractionPlan) -> list[PageResult]:
    """The chunks' results; a chunk whose task failed (its worker was lost) fails the step."""
    results = []
    for future in futures:
        try:
            results += future.result()
        except Exception as error:  # noqa: BLE001 - whatever the runner raised, the step fails plainly
            raise ExtractionFailed(f"an extraction task failed on the {plan.runner} runner "
                                   f"({type(error).__name__}: {error}); nothing of its pages was saved, "
                                   "and the next run extracts them") from error
    return results


def extract_and_save(con, run_id: str, page_ids: list[str], folder: Path,
                     plan: ExtractionPlan | None = None) -> Counter:
    """Make (or remake) the documents and statements of these pages; failures become errors.
    Batches of pages (settings' extract_batch) are extracted on the plan's runner and staged in
    `folder`; the stage is loaded in one transaction whenever load_every statements wait, and at
    the end. Then near-duplicates and links are found for them (and for documents a crashed run
    left without that step)."""
    plan = small_enough_here(plan or extraction_plan(), len(page_ids))
    counts: Counter = Counter()
    doc_ids: list[str] = []
    with empty_folder(folder), started_runner(plan) as runner:
        stage = ExtractionStage(folder, arrow_schemas(con), settings().load_every)
        for results in extracted_batches(con, runner, plan, page_ids):
            extractions = [r.extraction for r in results if r.extraction]
            failures = [r.failure for r in results if r.failure]
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
def extract_pending(archive: Path, run_id: str, sources: list[str], plan: ExtractionPlan | None = None) -> Counter:
    """Extract every page of these sources that has no document yet (new, revised, or failed)."""
    with open_archive(archive) as con:
        counts = extract_and_save(con, run_id, documents.pending_page_ids(con, sources), stage_folder(archive), plan)
    run_logger().info("extracted %s", dict(counts))
    return counts


@task(name="re-extract", task_run_name="re-extract-{sources}")
def extract_again(archive: Path, run_id: str, sources: list[str], since=None, until=None,
                  plan: ExtractionPlan | None = None) -> Counter:
    """Extract the stored pages of these sources again (dated in the range), fetching nothing."""
    with open_archive(archive) as con:
        counts = extract_and_save(con, run_id, documents.stored_page_ids(con, sources, since, until),
                                  stage_folder(archive), plan)
    run_logger().info("re-extracted %s", dict(counts))
    return counts
