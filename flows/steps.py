"""Steps of a flow as Prefect task runs inside a flow run, or as plain calls outside one.

Quick commands (`podium ingest`, `podium import-warc`) run a flow's body without Prefect when no
Prefect server answers, so that one saved page does not wait for a temporary API server to
start: `step(task, …)` then calls the task's function directly, and its logs go to the standard
logging of the process.
"""
from __future__ import annotations

import logging

from prefect import get_run_logger
from prefect.context import FlowRunContext
from prefect.exceptions import MissingContextError

from podium.ingest import IngestError
from podium.page_workers import ExtractionFailed
from podium.settings import ConfigError
from podium.urls import UrlRefused
from podium.warc import WarcError
from storage.db import ArchiveError

log = logging.getLogger("podium.flows")

# Errors that say in one sentence what is wrong (the archive, the configuration, the input): a
# flow run that meets one ends Failed with that sentence as its message, without a traceback.
PLAIN_ERRORS = (ArchiveError, ConfigError, ExtractionFailed, IngestError, UrlRefused, WarcError)


class PlainErrorsWithoutTraceback(logging.Filter):
    """Prefect logs a failed task's exception with its traceback; for a plain error the sentence
    is the whole story, and the traceback would bury it (on the terminal and in the UI)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PLAIN_ERRORS):
            record.exc_info, record.exc_text = None, None
        return True


for _name in ("prefect.task_runs", "prefect.flow_runs"):
    logging.getLogger(_name).addFilter(PlainErrorsWithoutTraceback())


def in_flow_run() -> bool:
    return FlowRunContext.get() is not None


def step(task, *args, **kwargs):
    """Run a task: as a task run of the current flow run, or as a plain call outside one."""
    return task(*args, **kwargs) if in_flow_run() else task.fn(*args, **kwargs)


def run_logger():
    """The flow or task run's logger (shown in the Prefect UI), or the process's own outside one."""
    try:
        return get_run_logger()
    except MissingContextError:
        return log
