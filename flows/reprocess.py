"""The reprocess flow: extract stored pages again (after extraction improved), fetching nothing."""
from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.params import source_keys
from flows.runs import fails_plainly, recorded_run, run_name
from flows.extraction import RunnerChoice, extract_again, extraction_plan
from flows.tasks import update_search_index
from podium.settings import settings


@flow(name="reprocess", flow_run_name=run_name)
@fails_plainly
def reprocess(sources: list[str] | None = None, since: dt.date | None = None,
              until: dt.date | None = None, archive: str | None = None, task_runner: RunnerChoice | None = None,
              dask_address: str | None = None) -> dict:
    """Re-extract the stored pages of some sources (all if none), optionally only documents dated
    between `since` and `until`. Nothing is fetched; statements are replaced, ids stay the same.

    Args:
        sources: Sources to re-extract; none means all configured sources.
        since: Only documents dated on or after this day.
        until: Only documents dated on or before this day.
        archive: The archive file (empty: the configured one).
        task_runner: Where pages are extracted: thread, process or dask (empty: as configured).
        dask_address: The Dask scheduler for the dask runner, like tcp://10.0.0.5:8786.
    """
    keys = source_keys(sources) or [s.key for s in settings().sources]
    plan = extraction_plan(task_runner, dask_address)
    with recorded_run("reprocess", keys, archive) as run:
        run.counts.update(extract_again(run.path, run.run_id, keys, since, until, plan))
        update_search_index(run.path)
    return run.summary
