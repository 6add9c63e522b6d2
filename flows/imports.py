"""Flows that bring in pages without crawling: saved files and WARC archives."""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from flows.runs import recorded_run, run_name
from flows.tasks import extract_pending, load, update_search_index
from podium.ingest import saved_page_records
from podium.settings import settings
from podium.warc import warc_records
from storage.load import write_staging


def load_and_extract(flow_name: str, records: list[dict], archive: str | None) -> dict:
    """Stage records, then load → extract → index them like crawled pages."""
    sources = sorted({r["source_id"] for r in records})
    with recorded_run(flow_name, sources, archive) as run:
        staging = write_staging(settings().data_dir / "runs" / run.run_id / f"{flow_name}.jsonl", records)
        run.counts.update(load(run.path, staging, run.run_id, "+".join(sources)),
                          pages_fetched=sum(r["type"] == "page" for r in records))
        run.counts.update(extract_pending(run.path, run.run_id, sources))
        update_search_index(run.path)
    return run.summary


@flow(name="ingest", flow_run_name=run_name)
def ingest(paths: list[str], source: str | None = None, url: str | None = None, base_url: str | None = None,
           archive: str | None = None) -> dict:
    """Saved pages (HTML or .gz) → the archive, as pages of `source`; without one, each page goes
    to the configured source its URL's host belongs to, else to `web` (a news article of any site)."""
    if source:
        settings().source(source)
    records = saved_page_records([Path(p) for p in paths], source, url, base_url, settings())
    return load_and_extract("ingest", records, archive)


@flow(name="import-warc", flow_run_name="import-warc-{path}")
def import_warc(path: str, source: str | None = None, archive: str | None = None) -> dict:
    """The pages recorded in a WARC file → the archive, each under the source its host belongs to."""
    found = warc_records(Path(path), settings(), source)
    for reason, count in found.skipped.items():
        get_run_logger().info("skipped %d records: %s", count, reason)
    summary = load_and_extract("import-warc", found.records, archive)
    summary["skipped"] = dict(found.skipped)
    return summary
