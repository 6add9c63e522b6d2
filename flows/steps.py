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

log = logging.getLogger("podium.flows")


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
