"""What every writing flow shares: the archive it writes, its run id and name, and the run's
record around its steps (writer lock, crawl_runs row, completed or failed, report)."""
from __future__ import annotations

import datetime as dt
import functools
import inspect
import typing
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from prefect.runtime import flow_run
from prefect.states import Failed

from flows.report import publish_report
from flows.steps import PLAIN_ERRORS, in_flow_run, run_logger, step
from flows.tasks import finish_run, prepare_archive
from podium.settings import settings
from storage.db import ArchiveError, writer_lock


class SourcesFailed(RuntimeError):
    """A run (or several, for a backfill) ended with failed sources. It was recorded, reported
    and published first; `result` is what the flow would have returned (its summary or summaries)."""

    def __init__(self, message: str, result: dict | list[dict]):
        super().__init__(message)
        self.result = result


def fails_plainly(body):
    """Wrap a flow's body so that failed sources and plain errors end the flow run in Prefect's
    Failed state with a readable message instead of a traceback. The state holds the exception:
    calling the flow raises it (SourcesFailed carries the run's summary); outside Prefect
    (`flow.fn`) the same Failed state is returned."""
    @functools.wraps(body)
    def wrapper(*args, **kwargs):
        try:
            return body(*args, **kwargs)
        except (SourcesFailed, *PLAIN_ERRORS) as error:
            if in_flow_run():  # in the run's log in the UI; outside one, the caller prints it
                run_logger().error("%s", error)
            return Failed(message=str(error), data=error)
    # Prefect reads the parameters' types from the wrapper: give them resolved in the flow's module.
    wrapper.__signature__ = inspect.signature(body, eval_str=True)
    wrapper.__annotations__ = typing.get_type_hints(body)
    return wrapper


def new_run_id(flow_name: str) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{flow_name}-{stamp}-{uuid.uuid4().hex[:6]}"


def archive_path(archive: str | None) -> Path:
    return Path(archive).resolve() if archive else settings().archive_path


def _names(values) -> list[str]:
    return [str(getattr(value, "value", value)) for value in values or []]


def run_name() -> str:
    """Flow runs are named after what they do: <flow>-<sources>-<range, URLs or today's date>."""
    parameters = flow_run.get_parameters()
    sources = (_names(parameters.get("sources"))
               or _names([parameters.get("source")] if parameters.get("source") else []))
    since, until, urls = parameters.get("since"), parameters.get("until"), parameters.get("urls")
    if urls:
        scope = f"{len(urls)}-url" + ("s" if len(urls) > 1 else "")
    elif since or until:
        scope = f"{since or '…'}..{until or '…'}"
    else:
        scope = f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d}"
    return f"{flow_run.get_flow_name()}-{'+'.join(sources) or 'all'}-{scope}"


@dataclass
class Run:
    path: Path
    run_id: str
    counts: Counter = field(default_factory=Counter)
    fetched: Counter = field(default_factory=Counter)  # pages fetched per source
    summary: dict = field(default_factory=dict)


@contextmanager
def recorded_run(flow_name: str, sources: list[str], archive: str | None):
    """Hold the writer lock, open the run's crawl_runs row, let the block do the steps (adding to
    `run.counts`), then finish the run — failed if the block raised or a source failed — and
    publish its report. `run.summary` holds what finish_run returned; failed sources raise
    SourcesFailed once all that is done."""
    run = Run(archive_path(archive), new_run_id(flow_name))
    with writer_lock(run.path, settings().lock_wait_seconds):
        step(prepare_archive, run.path, run.run_id, flow_name, flow_run.get_id(), sources)
        try:
            yield run
        except Exception as error:
            record_failed_run(run, error)
            raise
        run.summary = step(finish_run, run.path, run.run_id, run.counts)
    run_logger().info("run %s: %s", run.run_id, dict(run.counts))
    report(run.summary, run.path)
    if run.summary["run"]["status"] == "failed":
        raise SourcesFailed(run.summary["run"]["reason"], run.summary)


def record_failed_run(run: Run, error: Exception) -> None:
    """Record and report a run that an error stopped, if the archive can still be opened: when
    the error was the archive itself (held by another program), do not wait for it a second time."""
    held = isinstance(error, ArchiveError)
    try:
        summary = step(finish_run, run.path, run.run_id, run.counts, f"{type(error).__name__}: {error}",
                       wait_seconds=0 if held else None)
    except ArchiveError:
        if not held:
            raise
        return  # the first error says why; there is no archive to record it in
    report(summary, run.path)


def report(summary: dict, archive: Path) -> None:
    """The run's report artifact, in a flow run (quick commands outside one print their summary)."""
    if in_flow_run():
        publish_report(summary, archive)
