"""What every writing flow shares: the archive it writes, its run id and name, and the run's
record around its steps (writer lock, crawl_runs row, completed or failed, report)."""
from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from prefect import get_run_logger
from prefect.runtime import flow_run

from flows.report import publish_report
from flows.tasks import finish_run, prepare_archive
from podium.settings import settings
from storage.db import writer_lock


def new_run_id(flow_name: str) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{flow_name}-{stamp}-{uuid.uuid4().hex[:6]}"


def archive_path(archive: str | None) -> Path:
    return Path(archive).resolve() if archive else settings().archive_path


def run_name() -> str:
    """Flow runs are named after their parameters: <flow>-<sources>-<UTC date>."""
    parameters = flow_run.get_parameters()
    sources = parameters.get("sources") or ([parameters["source"]] if parameters.get("source") else ["all"])
    names = [getattr(source, "value", source) for source in sources]
    return f"{flow_run.get_flow_name()}-{'+'.join(names)}-{dt.datetime.now(dt.timezone.utc):%Y-%m-%d}"


@dataclass
class Run:
    path: Path
    run_id: str
    counts: Counter = field(default_factory=Counter)
    summary: dict = field(default_factory=dict)


@contextmanager
def recorded_run(flow_name: str, sources: list[str], archive: str | None):
    """Hold the writer lock, open the run's crawl_runs row, let the block do the steps (adding to
    `run.counts`), then finish the run as completed — or as failed if the block raised — and
    publish its report. `run.summary` holds what finish_run returned."""
    run = Run(archive_path(archive), new_run_id(flow_name))
    with writer_lock(run.path, settings().lock_wait_seconds):
        prepare_archive(run.path, run.run_id, flow_name, flow_run.get_id(), sources)
        try:
            yield run
        except Exception:
            publish_report(finish_run(run.path, run.run_id, "failed", run.counts, sources), run.path)
            raise
        run.summary = finish_run(run.path, run.run_id, "completed", run.counts, sources)
    get_run_logger().info("run %s: %s", run.run_id, dict(run.counts))
    publish_report(run.summary, run.path)
