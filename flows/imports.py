"""Flows that bring in pages without crawling: saved files, WARC archives and text archives of transcripts."""
from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow

from flows.runs import fails_plainly, recorded_run, run_name
from flows.steps import run_logger, step
from flows.extraction import extract_pending
from flows.tasks import judge_sources, load, update_search_index
from podium.ingest import saved_page_records
from podium.settings import settings
from podium.text_archive import check_text_source, transcript_records
from podium.warc import warc_records
from storage.load import write_staging


@dataclass
class Staged:
    """A staging file written before its run starts, and what the run needs to know of it."""
    path: Path
    pages: Counter = field(default_factory=Counter)  # pages per source (0 for a source of errors only)

    @property
    def sources(self) -> list[str]:
        return sorted(self.pages)

    def tally(self, records: Iterable[dict]) -> Iterator[dict]:
        for record in records:
            if record.get("source_id"):
                self.pages[record["source_id"]] += record["type"] == "page"
            yield record


def stage(flow_name: str, records: Iterable[dict]) -> Staged:
    """Write records to a staging file as they are read, so that only one page's body is held at a
    time. It is written before the run starts: refused input (IngestError, WarcError) leaves no
    run, no archive and no staging file behind."""
    staged = Staged(settings().data_dir / "staging" / f"{flow_name}-{uuid.uuid4().hex[:12]}.jsonl")
    try:
        write_staging(staged.path, staged.tally(records))
    except BaseException:
        staged.path.unlink(missing_ok=True)
        raise
    return staged


def load_and_extract(flow_name: str, staged: Staged, archive: str | None) -> dict:
    """Load a staging file, then extract and index its pages like crawled ones."""
    sources = staged.sources
    try:
        with recorded_run(flow_name, sources, archive) as run:
            staging = settings().data_dir / "runs" / run.run_id / f"{flow_name}.jsonl"
            staging.parent.mkdir(parents=True, exist_ok=True)
            staged.path.replace(staging)
            run.counts.update(step(load, run.path, staging, run.run_id, "+".join(sources)),
                              pages_fetched=sum(staged.pages.values()))
            run.counts.update(step(extract_pending, run.path, run.run_id, sources))
            step(update_search_index, run.path)
            step(judge_sources, run.path, run.run_id, dict(staged.pages))
    finally:
        staged.path.unlink(missing_ok=True)  # left only if the run never started (the writer lock)
    return run.summary


@flow(name="ingest", flow_run_name=run_name)
@fails_plainly
def ingest(paths: list[str], source: str | None = None, url: str | None = None, base_url: str | None = None,
           archive: str | None = None) -> dict:
    """Saved pages (HTML or .gz) → the archive, as pages of `source`; without one, each page goes
    to the configured source its URL's host belongs to, else to `web` (a news article of any site).
    A page over the download cap is recorded as a crawl error, not ingested."""
    if source:
        settings().source(source)
    records = saved_page_records([Path(p) for p in paths], settings(), source, url, base_url)
    return load_and_extract("ingest", stage("ingest", records), archive)


@flow(name="import-warc", flow_run_name="import-warc-{path}")
@fails_plainly
def import_warc(path: str, source: str | None = None, archive: str | None = None) -> dict:
    """The pages recorded in a WARC file → the archive, each under the source its host belongs to.
    Records cut short, over the download cap or unreadable are recorded as crawl errors."""
    skipped: Counter = Counter()
    staged = stage("import-warc", warc_records(Path(path), settings(), source, skipped))
    for reason, count in skipped.items():
        run_logger().info("skipped %d records: %s", count, reason)
    summary = load_and_extract("import-warc", staged, archive)
    summary["skipped"] = dict(skipped)
    return summary


@flow(name="import-transcripts", flow_run_name="import-transcripts-{source}")
@fails_plainly
def import_transcripts(folder: str, source: str, archive: str | None = None) -> dict:
    """A text archive's transcripts (Markdown or plain text, front matter or index.csv) → the
    archive, as pages of `source`. A file without a URL, unreadable or over the download cap is
    recorded as a crawl error."""
    check_text_source(settings().source(source))
    return load_and_extract("import-transcripts", stage("import-transcripts",
                                                       transcript_records(Path(folder), settings(), source)), archive)
