"""`podium`: a thin command line over the flows and the archive."""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from podium import progress
from podium.settings import ConfigError, settings

# Prefect's local server would otherwise try to send usage telemetry; these machines are offline.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

app = typer.Typer(help="podium: an archive of what governments say.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
console = Console()
errors = Console(stderr=True)

ArchiveOption = Annotated[
    Optional[Path],
    typer.Option("--archive", envvar="PODIUM_ARCHIVE",
                 help="The archive file (default: archive.path in config/podium.toml)."),
]

EXAMPLE_QUERY = (
    "SELECT speaker, count(*) AS answers, min(date) AS first, max(date) AS last\n"
    "FROM v_statements WHERE kind = 'answer' AND text ILIKE '%Korean Peninsula%'\n"
    "GROUP BY speaker ORDER BY answers DESC"
)


TOP_SPEAKERS = 12


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFileFormat(str, Enum):
    """The choices of `podium export --format`: storage.export.ExportFormat's values (a test checks
    they agree), kept here so that the command line starts without importing DuckDB."""
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


def fail(message: str) -> None:
    errors.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(1)


def archive_or_default(archive: Path | None) -> Path:
    return archive if archive else settings().archive_path


def print_rows(columns: list[str], rows: list[tuple], output: OutputFormat = OutputFormat.table) -> None:
    if output is OutputFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output is OutputFormat.json:
        print(json.dumps([dict(zip(columns, row)) for row in rows], default=str, ensure_ascii=False, indent=2))
    else:
        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)


def print_summary(summary: dict) -> None:
    run, archive = summary["run"], summary["archive"]
    console.rule(f"[bold]run {run.get('run_id')}[/] ({run.get('status')})")
    console.print(
        f"this run: {run.get('pages_fetched')} pages fetched, {run.get('pages_new')} new, "
        f"{run.get('pages_revised')} revised, {run.get('pages_unchanged')} unchanged; "
        f"{run.get('documents')} documents and {run.get('statements')} statements extracted; "
        f"{run.get('errors')} errors"
    )
    console.print(
        f"archive: {archive['pages']} pages, {archive['documents']} documents, "
        f"{archive['statements']} statements, {archive['crawl_errors']} errors recorded in all"
    )
    first, last = summary["date_range"]
    console.print(f"documents dated {first} … {last}")
    if summary["per_source"]:
        print_rows(["source", "pages stored", "documents", "statements"], summary["per_source"])
    speakers = summary["statements_per_speaker"]
    print_rows(["speaker", "statements"], speakers[:TOP_SPEAKERS])
    if len(speakers) > TOP_SPEAKERS:
        console.print(f"… and {len(speakers) - TOP_SPEAKERS} more speakers")
    if summary["errors"]:
        print_rows(["stage", "url", "error", "http status"], summary["errors"][:20])


@app.command()
def nightly(
    archive: ArchiveOption = None,
    source: Annotated[Optional[list[str]], typer.Option("--source", "-s", help="Only these sources (repeatable).")] = None,
    replay: Annotated[Optional[str], typer.Option(help="Crawl a recording: a snapshot folder, or a replay server's URL.")] = None,
    max_pages: Annotated[Optional[int], typer.Option(help="At most this many detail pages per source.")] = None,
    example_query: Annotated[bool, typer.Option(help="Print an example SQL query and its result afterwards.")] = False,
) -> None:
    """Run the nightly flow now: crawl what is new, load, extract, index, and print a summary."""
    from flows.nightly import nightly as nightly_flow

    try:
        with progress.bars(console):
            summary = nightly_flow(sources=source or None, replay=replay, archive=str(archive) if archive else None,
                                   max_pages=max_pages)
    except ConfigError as error:
        fail(str(error))
    print_summary(summary)
    if example_query:
        console.rule("[bold]an example query[/] (podium sql \"…\")")
        console.print(EXAMPLE_QUERY)
        sql(EXAMPLE_QUERY, archive=archive)


@app.command()
def crawl(
    source: Annotated[Optional[list[str]], typer.Option("--source", "-s", help="Sources to crawl (repeatable; default: all enabled).")] = None,
    since: Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Only items dated on or after this day.")] = None,
    until: Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Only items dated on or before this day.")] = None,
    url: Annotated[Optional[list[str]], typer.Option("--url", help="Fetch exactly this page (repeatable), archived or not.")] = None,
    max_pages: Annotated[Optional[int], typer.Option(help="At most this many detail pages per source.")] = None,
    replay: Annotated[Optional[str], typer.Option(help="Crawl a recording: a snapshot folder, or a replay server's URL.")] = None,
    archive: ArchiveOption = None,
) -> None:
    """Crawl now: some sources over a date range (a backfill), or a list of URLs."""
    from flows.adhoc import adhoc_crawl

    try:
        with progress.bars(console):
            summary = adhoc_crawl(sources=source or None, since=since.date() if since else None,
                                  until=until.date() if until else None, urls=url or None, max_pages=max_pages,
                                  replay=replay, archive=str(archive) if archive else None)
    except ConfigError as error:
        fail(str(error))
    print_summary(summary)


@app.command()
def backfill(
    source: Annotated[list[str], typer.Option("--source", "-s", help="Sources to backfill (repeatable).")],
    since: Annotated[dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="First day of the range.")],
    until: Annotated[dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="Last day of the range.")],
    chunk_days: Annotated[int, typer.Option(help="Days per chunk; each chunk is one crawl run.")] = 30,
    replay: Annotated[Optional[str], typer.Option(help="Crawl a recording: a snapshot folder, or a replay server's URL.")] = None,
    archive: ArchiveOption = None,
) -> None:
    """Crawl a past date range in chunks, newest first; run it again to resume after an interruption."""
    from flows.backfill import backfill as backfill_flow

    try:
        with progress.bars(console):
            summaries = backfill_flow(sources=source, since=since.date(), until=until.date(), chunk_days=chunk_days,
                                      replay=replay, archive=str(archive) if archive else None)
    except ConfigError as error:
        fail(str(error))
    for summary in summaries:
        print_summary(summary)
    console.print(f"{len(summaries)} chunks crawled (chunks finished before were skipped)")


@app.command("import-warc")
def import_warc(
    path: Annotated[Path, typer.Argument(help="A WARC file (.warc or .warc.gz).")],
    source: Annotated[Optional[str], typer.Option("--source", "-s", help="Take every page as this source's (default: by host).")] = None,
    archive: ArchiveOption = None,
) -> None:
    """Archive the pages recorded in a WARC file, without fetching anything."""
    from flows.imports import import_warc as import_warc_flow
    from podium.warc import WarcError

    try:
        summary = import_warc_flow(str(path), source=source, archive=str(archive) if archive else None)
    except (WarcError, ConfigError) as error:
        fail(str(error))
    print_summary(summary)
    for reason, count in summary["skipped"].items():
        console.print(f"skipped {count} WARC records: {reason}")


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run; read-only (SELECT, SHOW, DESCRIBE, EXPLAIN).")],
    archive: ArchiveOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """Query the archive with SQL, read-only. Views for people: v_statements, v_daily_counts."""
    from storage.db import ArchiveError
    from storage.query import run_query

    try:
        result = run_query(archive_or_default(archive), query)
    except ArchiveError as error:
        fail(str(error))
    print_rows(result.columns, result.rows, output)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Saved pages: .html files or gzipped (.gz).")],
    source: Annotated[Optional[str], typer.Option(
        "--source", "-s", help="The configured source the pages belong to (default: the source whose "
                               "allowed_domains hold the page's host, else `web`: a news article of any site).")] = None,
    url: Annotated[Optional[str], typer.Option(help="The URL of the page (one file only).")] = None,
    base_url: Annotated[Optional[str], typer.Option(help="URLs are this base + each file's name (without .gz).")] = None,
    archive: ArchiveOption = None,
) -> None:
    """Load saved pages and extract their statements, as if they had been crawled.

    Without --source, a page of a site no source covers is read as a news article: its
    publication date from the page, its quotes as statements."""
    from flows.imports import ingest as ingest_flow
    from podium.ingest import IngestError

    try:
        summary = ingest_flow([str(p) for p in paths], source, url=url, base_url=base_url,
                              archive=str(archive) if archive else None)
    except (IngestError, ConfigError) as error:
        fail(str(error))
    print_summary(summary)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port of the Prefect server on 127.0.0.1.")] = 4200,
) -> None:
    """Start the Prefect UI (unless a server already runs) and serve podium's deployments."""
    from podium.serving import api_url, serve as serve_all

    console.print(f"Prefect UI: http://127.0.0.1:{port}  (API {api_url(port)}); Ctrl-C stops what this started")
    try:
        serve_all(port)
    except (RuntimeError, TimeoutError) as error:
        fail(str(error))


@app.command()
def replay(
    snapshot: Annotated[Path, typer.Argument(help="A snapshot folder (one sub-folder per source).")] = Path("snapshots"),
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765,
) -> None:
    """Serve recorded pages at their live paths on 127.0.0.1, for crawls with --replay URL."""
    from podium.replay import base_url, make_server

    try:
        server = make_server(snapshot, port=port)
    except (FileNotFoundError, OSError) as error:
        fail(str(error))
    console.print(f"replaying {snapshot} at {base_url(server)} (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@app.command()
def export(
    format: Annotated[ExportFileFormat, typer.Option("--format", "-f", help="parquet (a folder partitioned by source_id and year), csv or jsonl.")] = ExportFileFormat.parquet,
    where: Annotated[Optional[str], typer.Option(help="Only statements matching this SQL condition on v_statements' columns (and year, published_at, source_name…), e.g. \"source_id = 'fmprc_en' AND year = 2020\".")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File (folder for parquet) to write; default data/export/<timestamp>.<ext>.")] = None,
    archive: ArchiveOption = None,
) -> None:
    """Export statements (v_statements plus source and document columns) to Parquet, CSV or JSON lines."""
    from storage.db import ArchiveError
    from storage.export import ExportFormat, default_output, export as export_statements

    fmt = ExportFormat(format.value)
    try:
        result = export_statements(archive_or_default(archive), fmt,
                                   output or default_output(settings().data_dir, fmt), where)
    except ArchiveError as error:
        fail(str(error))
    files = f" in {result.files} files" if fmt is ExportFormat.parquet else ""
    console.print(f"wrote {result.rows} statements to {result.path} ({fmt.value}{files})")


@app.command()
def report(
    archive: ArchiveOption = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Folder for report.png and index.html; default data/reports/<timestamp>.")] = None,
    since: Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Only statements dated on or after this day.")] = None,
    until: Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Only statements dated on or before this day.")] = None,
) -> None:
    """Draw a report of the archive: a PNG (statements per source per week, top speakers, top
    countries mentioned) and an HTML page with it and the numbers behind it."""
    from podium.report import default_report_dir, write_report
    from storage.db import ArchiveError

    folder = output or default_report_dir(settings().data_dir)
    try:
        files = write_report(archive_or_default(archive), folder, since.date() if since else None,
                             until.date() if until else None)
    except ArchiveError as error:
        fail(str(error))
    console.print(f"report of {files.data.totals.get('statements', 0)} statements: {files.html} (chart: {files.png})")


class SearchFormat(str, Enum):
    table = "table"
    json = "json"


def print_hits(hits: list, output: SearchFormat) -> None:
    from rich.text import Text

    if output is SearchFormat.json:
        print(json.dumps([hit._asdict() for hit in hits], default=str, ensure_ascii=False, indent=2))
        return
    table = Table("date", "speaker", "source", "statement («match»), and the question it answered", show_lines=True)
    for hit in hits:
        match = Text(hit.snippet)
        if hit.question and not hit.snippet.startswith("Q: "):
            question = " ".join(hit.question.split())
            match.append(f"\nQ: {question[:300]}{'…' if len(question) > 300 else ''}", style="dim")
        table.add_row(str(hit.date or ""), hit.speaker or "", hit.source_id, match)
    console.print(table)
    console.print(f"{len(hits)} hits")


@app.command("search")
def search_statements(
    query: Annotated[str, typer.Argument(help='Words to find (BM25, English stemming; "a phrase", -exclude; Chinese as written).')],
    speaker: Annotated[Optional[str], typer.Option(help="Only this speaker: a name, an alias (赵立坚) or a speaker id.")] = None,
    country: Annotated[Optional[str], typer.Option(help="Only speakers of this country (ISO alpha-2, e.g. CN).")] = None,
    since: Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Only statements dated on or after this day.")] = None,
    until: Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Only statements dated on or before this day.")] = None,
    source: Annotated[Optional[str], typer.Option(help="Only this source (its key in config/sources.yaml).")] = None,
    language: Annotated[Optional[str], typer.Option(help="Only statements in this language (en, zh, …).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many hits, best first.")] = 20,
    archive: ArchiveOption = None,
    output: Annotated[SearchFormat, typer.Option("--format", "-f", help="Output format.")] = SearchFormat.table,
) -> None:
    """Search the statements: best matches first, with speaker, date, source, the match marked «…»
    and the question answered."""
    from storage.db import ArchiveError
    from storage.search import Filters, search_archive

    filters = Filters(speaker, country, since.date() if since else None, until.date() if until else None,
                      source, language)
    try:
        hits = search_archive(archive_or_default(archive), query, filters, limit)
    except ArchiveError as error:
        fail(str(error))
    print_hits(hits, output)


@app.command()
def reindex(
    archive: ArchiveOption = None,
    check: Annotated[bool, typer.Option(help="Only compare the search index with the archive; change nothing.")] = False,
) -> None:
    """Rebuild the search index (<archive>.search/) from the archive, then check that both hold the
    same statements. Runs hold the archive's lock, so this waits for a running flow."""
    from storage import search_index
    from storage.db import ArchiveError

    path = archive_or_default(archive)
    try:
        if not check:
            built = search_index.rebuild_archive_index(path, settings().lock_wait_seconds)
            console.print(f"search index rebuilt: {built.statements} statements of {built.documents_replaced} documents")
        missing, extra = search_index.archive_disagreements(path)
    except ArchiveError as error:
        fail(str(error))
    if missing or extra:
        fail(f"the search index disagrees with the archive: {len(missing)} statements missing from it, "
             f"{len(extra)} it should not hold; run `podium reindex`")
    console.print("the search index holds exactly the archive's statements")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
