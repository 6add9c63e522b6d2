"""The ingest flow: saved pages (HTML or .gz) → the archive, through the same load and extract
steps as crawled pages."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from prefect import flow

from flows.nightly import archive_path, new_run_id
from flows.tasks import extract_pending, finish_run, load, prepare_archive, rebuild_search_index
from podium.ingest import saved_page_records
from podium.settings import settings
from prefect.runtime import flow_run
from storage.load import write_staging


@flow(name="ingest", flow_run_name="ingest-{source}")
def ingest(paths: list[str], source: str, url: str | None = None, base_url: str | None = None,
           archive: str | None = None) -> dict:
    settings().source(source)
    records = saved_page_records([Path(p) for p in paths], source, url, base_url)
    path = archive_path(archive)
    run_id = new_run_id("ingest")
    staging = write_staging(settings().data_dir / "runs" / run_id / f"{source}.jsonl", records)
    prepare_archive(path, run_id, "ingest", flow_run.get_id(), [source])
    loaded = load(path, staging, run_id, source)
    counts = Counter({"pages_fetched": len(records), "pages_new": loaded["new"],
                      "pages_revised": loaded["revised"], "pages_unchanged": loaded["unchanged"]})
    counts.update(extract_pending(path, run_id, [source]))
    rebuild_search_index(path)
    return finish_run(path, run_id, "completed", counts, [source])
