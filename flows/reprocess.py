"""The reprocess flow: extract stored pages again (after extraction improved), fetching nothing."""
from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.params import source_keys
from flows.runs import fails_plainly, recorded_run, run_name
from flows.tasks import extract_again, update_search_index
from podium.settings import settings


@flow(name="reprocess", flow_run_name=run_name)
@fails_plainly
def reprocess(sources: list[str] | None = None, since: dt.date | None = None,
              until: dt.date | None = None, archive: str | None = None) -> dict:
    """Re-extract the stored pages of some sources (all if none), optionally only documents dated
    between `since` and `until`. Nothing is fetched; statements are replaced, ids stay the same.

    Args:
        sources: Sources to re-extract; none means all configured sources.
        since: Only documents dated on or after this day.
        until: Only documents dated on or before this day.
        archive: The archive file (empty: the configured one).
    """
    keys = source_keys(sources) or [s.key for s in settings().sources]
    with recorded_run("reprocess", keys, archive) as run:
        run.counts.update(extract_again(run.path, run.run_id, keys, since, until))
        update_search_index(run.path)
    return run.summary
