"""The reprocess flow: extract stored pages again (after extraction improved), fetching nothing."""
from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.nightly import archive_path, new_run_id, run_name
from flows.params import SourceKey, source_keys
from flows.report import publish_report
from flows.tasks import extract_again, finish_run, prepare_archive, update_search_index
from podium.settings import settings
from prefect.runtime import flow_run
from storage.db import writer_lock


@flow(name="reprocess", flow_run_name=run_name)
def reprocess(sources: list[SourceKey] | None = None, since: dt.date | None = None,
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
    path = archive_path(archive)
    with writer_lock(path, settings().lock_wait_seconds):
        run_id = new_run_id("reprocess")
        prepare_archive(path, run_id, "reprocess", flow_run.get_id(), keys)
        counts = extract_again(path, run_id, keys, since, until)
        update_search_index(path)
        summary = finish_run(path, run_id, "completed", counts, keys)
    publish_report(summary)
    return summary
