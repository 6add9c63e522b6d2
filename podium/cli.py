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
        summary = adhoc_crawl(sources=source or None, since=since.date() if since else None,
                              until=until.date() if until else None, urls=url or None, max_pages=max_pages,
                              replay=replay, archive=str(archive) if archive else None)
    except ConfigError as error:
        fail(str(error))
    print_summary(summary)


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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
