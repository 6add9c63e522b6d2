"""`podium`: a thin command line over the flows and the archive.

Exit codes: 0 done; 1 a run failed (a source failed, or an error stopped it) or the archive or
configuration cannot be used; 2 a usage error (a bad argument), reported before anything runs.
Every error is one `error:` line on standard error, never a traceback.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from typer.exceptions import TyperException

from podium import arguments, progress, summary as summary_text
from podium.output import OutputFormat, plural, rows_of, write_rows
from podium.settings import ConfigError, settings

app = typer.Typer(help="podium: an archive of what governments say.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
console = Console()
errors = Console(stderr=True)

ArchiveOption = Annotated[
    Optional[Path],
    typer.Option("--archive", envvar="PODIUM_ARCHIVE",
                 help="The archive file (default: archive.path in config/podium.toml)."),
]
SinceOption = Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"],
    help="Only what is dated on or after this day.")]
UntilOption = Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"],
    help="Only what is dated on or before this day.")]
ReplayOption = Annotated[Optional[str], typer.Option(
    help="Crawl a recording: a snapshot folder, or a replay server's URL.")]



class TaskRunner(str, Enum):
    """Where pages are extracted (`--task-runner`); flows.extraction reads the same names."""
    thread = "thread"
    process = "process"
    dask = "dask"


TaskRunnerOption = Annotated[Optional[TaskRunner], typer.Option(
    help="Where pages are extracted: thread (threads driving extraction processes), process "
         "(Prefect's process pool), dask (a cluster at --dask-address); default: the extract runner "
         "in config/podium.toml.")]
DaskAddressOption = Annotated[Optional[str], typer.Option(
    help="The Dask scheduler to extract on, like tcp://10.0.0.5:8786 (implies --task-runner dask).")]

EXAMPLE_QUERY = (
    "SELECT speaker, count(*) AS answers, min(date) AS first, max(date) AS last\n"
    "FROM v_statements WHERE kind = 'answer' AND text ILIKE '%Korean Peninsula%'\n"
    "GROUP BY speaker ORDER BY answers DESC"
)


class ExportFileFormat(str, Enum):
    """The choices of `podium export --format`: storage.export.ExportFormat's values (a test checks
    they agree), kept here so that the command line starts without importing DuckDB."""
    parquet = "parquet"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


def fail(message: str) -> None:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def archive_or_default(archive: Path | None) -> Path:
    return archive if archive else settings().archive_path


def run_flow(flow, quick: bool = False, **parameters):
    """Run a flow and return what it returned; a Failed run prints its summary (if any), then
    exits 1 with its reason. `quick`: without a standing Prefect server, run the flow's steps
    directly instead of starting a temporary server for them."""
    from prefect.states import State

    direct = quick and not os.environ.get("PREFECT_API_URL")  # set by prefect_setup when a server answers

    with progress.bars(console):
        try:
            outcome = flow.fn(**parameters) if direct else flow(**parameters, return_state=True)
        except Exception as error:  # noqa: BLE001 - outside Prefect nothing else turns it into one line
            fail(f"{type(error).__name__}: {error}")
    if not isinstance(outcome, State):
        return outcome
    if outcome.is_completed():
        return outcome.result()
    error = outcome.result(raise_on_failure=False)
    result = getattr(error, "result", None)  # SourcesFailed: the summary (or a backfill's summaries)
    for summary in (result if isinstance(result, list) else [result] if result else []):
        summary_text.print_run(console, summary)
    fail(outcome.message or f"the run ended {outcome.name}")


def runner_choice(task_runner: TaskRunner | None, dask_address: str | None) -> dict:
    """The flows' task_runner and dask_address parameters, from the command's options."""
    return {"task_runner": task_runner.value if task_runner else None, "dask_address": dask_address or None}


@app.command()
def nightly(
    archive: ArchiveOption = None,
    source: Annotated[Optional[list[str]], typer.Option("--source", "-s",
        help="Only these sources (repeatable).")] = None,
    replay: ReplayOption = None,
    max_pages: Annotated[Optional[int], typer.Option(help="At most this many detail pages per source.")] = None,
    example_query: Annotated[bool, typer.Option(help="Print an example SQL query and its result afterwards.")] = False,
    task_runner: TaskRunnerOption = None,
    dask_address: DaskAddressOption = None,
) -> None:
    """Run the nightly flow now: crawl what is new, load, extract, index, and print a summary.
    Exits 1 when a source failed (its listing failed, its layout changed, or it fetched nothing)."""
    keys = arguments.source_keys(source, crawling=True, replay=arguments.replay_source(replay))
    arguments.at_least(max_pages, 1, "--max-pages")
    from flows.nightly import nightly as nightly_flow

    summary = run_flow(nightly_flow, sources=keys or None, replay=replay,
                       archive=str(archive) if archive else None, max_pages=max_pages,
                       **runner_choice(task_runner, dask_address))
    summary_text.print_run(console, summary)
    if example_query:
        console.rule("[bold]an example query[/] (podium sql \"…\")")
        console.print(EXAMPLE_QUERY)
        sql(EXAMPLE_QUERY, archive=archive)


@app.command()
def crawl(
    source: Annotated[Optional[list[str]], typer.Option("--source", "-s",
        help="Sources to crawl (repeatable; default: all enabled, crawled ones).")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    url: Annotated[Optional[list[str]], typer.Option("--url",
        help="Fetch exactly this page (repeatable), archived or not.")] = None,
    max_pages: Annotated[Optional[int], typer.Option(help="At most this many detail pages per source.")] = None,
    replay: ReplayOption = None,
    archive: ArchiveOption = None,
    task_runner: TaskRunnerOption = None,
    dask_address: DaskAddressOption = None,
) -> None:
    """Crawl now: some sources over a date range (a backfill), or a list of URLs."""
    keys = arguments.source_keys(source, crawling=True, replay=arguments.replay_source(replay))
    first, last = arguments.date_range(since, until)
    arguments.at_least(max_pages, 1, "--max-pages")
    urls = arguments.crawl_urls(url, keys, replay)
    from flows.adhoc import adhoc_crawl

    summary = run_flow(adhoc_crawl, sources=keys or None, since=first, until=last, urls=urls or None,
                       max_pages=max_pages, replay=replay, archive=str(archive) if archive else None,
                       **runner_choice(task_runner, dask_address))
    summary_text.print_run(console, summary)


@app.command()
def backfill(
    source: Annotated[list[str], typer.Option("--source", "-s", help="Sources to backfill (repeatable).")],
    since: Annotated[dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="First day of the range.")],
    until: Annotated[dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="Last day of the range.")],
    chunk_days: Annotated[int, typer.Option(help="Days per chunk; each chunk is one crawl run.")] = 30,
    replay: ReplayOption = None,
    archive: ArchiveOption = None,
    task_runner: TaskRunnerOption = None,
    dask_address: DaskAddressOption = None,
) -> None:
    """Crawl a past date range in chunks, newest first; run it again to resume after an interruption."""
    keys = arguments.source_keys(source, crawling=True, replay=arguments.replay_source(replay))
    first, last = arguments.date_range(since, until)
    arguments.at_least(chunk_days, 1, "--chunk-days")
    from flows.backfill import backfill as backfill_flow

    summaries = run_flow(backfill_flow, sources=keys, since=first, until=last, chunk_days=chunk_days,
                         replay=replay, archive=str(archive) if archive else None,
                         **runner_choice(task_runner, dask_address))
    for summary in summaries:
        summary_text.print_run(console, summary)
    console.print(f"{plural(len(summaries), 'chunk')} crawled (chunks finished before were skipped)")


@app.command("import-warc")
def import_warc(
    path: Annotated[Path, typer.Argument(help="A WARC file (.warc or .warc.gz).")],
    source: Annotated[Optional[str], typer.Option("--source", "-s",
        help="Take every page as this source's (default: by host).")] = None,
    archive: ArchiveOption = None,
) -> None:
    """Archive the pages recorded in a WARC file, without fetching anything."""
    arguments.readable_files([path])
    arguments.source_keys([source] if source else None)
    from flows.imports import import_warc as import_warc_flow

    summary = run_flow(import_warc_flow, quick=True, path=str(path), source=source,
                       archive=str(archive) if archive else None)
    summary_text.print_run(console, summary)
    for reason, count in summary["skipped"].items():
        console.print(f"skipped {plural(count, 'WARC record')}: {reason}")


@app.command("import-transcripts")
def import_transcripts(
    folder: Annotated[Path, typer.Argument(help="A folder of transcripts (.md, .txt, or gzipped), each with front "
                                                "matter or an index.csv row giving its URL and date.")],
    source: Annotated[str, typer.Option("--source", "-s",
        help="The source they belong to (a text-transcript format).")],
    archive: ArchiveOption = None,
) -> None:
    """Archive a text archive's briefing transcripts, without fetching anything."""
    arguments.text_archive(folder, source)
    from flows.imports import import_transcripts as import_transcripts_flow

    summary = run_flow(import_transcripts_flow, quick=True, folder=str(folder), source=source,
                       archive=str(archive) if archive else None)
    summary_text.print_run(console, summary)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Saved pages: .html files or gzipped (.gz).")],
    source: Annotated[Optional[str], typer.Option(
        "--source", "-s", help="The configured source the pages belong to (default: the source whose "
                               "allowed_domains hold the page's host, else `web`: a news article of any "
                               "site).")] = None,
    url: Annotated[Optional[str], typer.Option(help="The URL of the page (one file only).")] = None,
    base_url: Annotated[Optional[str], typer.Option(
        help="URLs are this base + each file's name (without .gz).")] = None,
    archive: ArchiveOption = None,
) -> None:
    """Load saved pages and extract their statements, as if they had been crawled.

    Without --source, a page of a site no source covers is read as a news article: its
    publication date from the page, its quotes as statements."""
    arguments.readable_files(paths, url)
    arguments.source_keys([source] if source else None)
    from flows.imports import ingest as ingest_flow

    summary = run_flow(ingest_flow, quick=True, paths=[str(p) for p in paths], source=source, url=url,
                       base_url=base_url, archive=str(archive) if archive else None)
    summary_text.print_run(console, summary)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run; read-only (SELECT, SHOW, DESCRIBE, EXPLAIN of a query).")],
    archive: ArchiveOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f",
        help="table (the first 1000 rows), or csv, json, jsonl (every row, streamed).")] = OutputFormat.table,
) -> None:
    """Query the archive with SQL, read-only. Views for people: v_statements, v_mentions, v_daily_counts.
    It reads the published copy with DuckDB's file access off: no statement can write, and local
    files are not read (use the `duckdb` client on <archive>.published for that)."""
    from storage.db import ArchiveError
    from storage.query import stream_query

    try:
        with stream_query(archive_or_default(archive), query) as result:
            write_rows(result.columns, rows_of(result.batches()), output, console)
    except ArchiveError as error:
        fail(str(error))


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port of the Prefect server on 127.0.0.1.")] = 4200,
    work_pool: Annotated[Optional[str], typer.Option(
        help="Deploy the flows to this Prefect process work pool (created if missing) instead of serving them "
             "here; `prefect worker start --pool NAME` starts a worker that runs them.")] = None,
) -> None:
    """Start the Prefect UI (unless a server already runs) and serve podium's deployments, or
    deploy them to a process work pool (--work-pool) for Prefect workers to run."""
    from podium.serving import api_url, serve as serve_all

    runs_by = (f"; its runs wait for a worker: PREFECT_API_URL={api_url(port)} prefect worker start --pool "
               f"{work_pool}" if work_pool else "")
    console.print(f"Prefect UI: http://127.0.0.1:{port}  (API {api_url(port)}); the nightly deployment runs on "
                  f"cron '{settings().nightly_cron}' in {settings().timezone}{runs_by}; Ctrl-C (or SIGTERM) "
                  "stops what this started", highlight=False, soft_wrap=True)
    try:
        serve_all(port, work_pool)
    except (RuntimeError, TimeoutError) as error:
        fail(str(error))


@app.command()
def replay(
    snapshot: Annotated[Path, typer.Argument(
        help="A snapshot folder (one sub-folder per source).")] = Path("snapshots"),
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
    format: Annotated[ExportFileFormat, typer.Option("--format", "-f",
        help="parquet (a folder partitioned by source_id and year), csv, json or jsonl.")] = ExportFileFormat.parquet,
    where: Annotated[Optional[str], typer.Option(
        help="Only statements matching this SQL condition on v_statements' columns (and year, published_at, "
             "source_name…), e.g. \"source_id = 'fmprc_en' AND year = 2020\".")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o",
        help="File (folder for parquet) to write; default data/export/<timestamp>.<ext>.")] = None,
    archive: ArchiveOption = None,
) -> None:
    """Export statements (v_statements plus source and document columns) to Parquet, CSV or JSON."""
    from storage.db import ArchiveError
    from storage.export import ExportFormat, default_output, export as export_statements

    fmt = ExportFormat(format.value)
    try:
        result = export_statements(archive_or_default(archive), fmt,
                                   output or default_output(settings().data_dir, fmt), where)
    except ArchiveError as error:
        fail(str(error))
    files = f" in {plural(result.files, 'file')}" if fmt is ExportFormat.parquet else ""
    console.print(f"wrote {plural(result.rows, 'statement')} to {result.path} ({fmt.value}{files})")


@app.command()
def report(
    archive: ArchiveOption = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o",
        help="Folder for report.png and index.html; default data/reports/<timestamp>.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
) -> None:
    """Draw a report of the archive: a PNG (statements per source per week, top speakers, top
    countries mentioned) and an HTML page with it and the numbers behind it."""
    first, last = arguments.date_range(since, until)
    from podium.report import default_report_dir, write_report
    from storage.db import ArchiveError

    folder = output or default_report_dir(settings().data_dir)
    try:
        files = write_report(archive_or_default(archive), folder, first, last)
    except ArchiveError as error:
        fail(str(error))
    count = files.data.totals.get("statements", 0)
    console.print(f"report of {plural(count, 'statement')}: {files.html} (chart: {files.png})")


@app.command("search")
def search_statements(
    query: Annotated[str, typer.Argument(
        help='Words to find (BM25, English stemming; "a phrase", -exclude; Chinese as written).')],
    speaker: Annotated[Optional[str], typer.Option(
        help="Only this speaker: a name, an alias (赵立坚) or a speaker id.")] = None,
    country: Annotated[Optional[str], typer.Option(
        help="Only speakers of this country (ISO alpha-2, e.g. CN).")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    source: Annotated[Optional[str], typer.Option(help="Only this source (its key in config/sources.yaml).")] = None,
    language: Annotated[Optional[str], typer.Option(help="Only statements in this language (en, zh, …).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many hits, best first (1 or more).")] = 20,
    archive: ArchiveOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f",
        help="table, csv, json or jsonl.")] = OutputFormat.table,
) -> None:
    """Search the statements: best matches first, with speaker, date, source, the match marked «…»
    and the question answered."""
    first, last = arguments.date_range(since, until)
    arguments.at_least(limit, 1, "--limit")
    arguments.source_keys([source] if source else None)
    from storage.db import ArchiveError
    from storage.search import Filters, SearchInputError, search_archive

    try:
        filters = Filters(speaker, country, first, last, source, language)
        hits = search_archive(archive_or_default(archive), query, filters, limit)
    except SearchInputError as error:  # a filter value the archive does not know: a usage error
        raise typer.BadParameter(str(error)) from error
    except ArchiveError as error:
        fail(str(error))
    summary_text.print_hits(console, hits, output)


@app.command()
def reindex(
    archive: ArchiveOption = None,
    check: Annotated[bool, typer.Option(
        help="Only compare the search index with the archive; change nothing.")] = False,
) -> None:
    """Rebuild the search index (<archive>.search/) from the archive, then check that both hold the
    same statements. Runs hold the archive's lock, so this waits for a running flow."""
    from storage import search_index
    from storage.db import ArchiveError

    path = archive_or_default(archive)
    try:
        if not check:
            built = search_index.rebuild_archive_index(path, settings().lock_wait_seconds)
            console.print(f"search index rebuilt: {plural(built.statements, 'statement')} of "
                          f"{plural(built.documents_replaced, 'document')}")
        missing, extra = search_index.archive_disagreements(path)
    except ArchiveError as error:
        fail(str(error))
    if missing or extra:
        fail(f"the search index disagrees with the archive: {len(missing)} statements missing from it, "
             f"{len(extra)} it should not hold; run `podium reindex`")
    console.print("the search index holds exactly the archive's statements")


def main() -> None:
    """The console script: usage errors and configuration errors as one line (exit 2 and 1)."""
    try:
        from podium import prefect_setup

        prefect_setup.configure()
        code = typer.main.get_command(app).main(standalone_mode=False)
    except TyperException as error:  # Click's usage errors (exit code 2) and the like, as typer vendors them
        if type(error).__name__ == "NoArgsIsHelpError":
            error.show()
            sys.exit(2)
        context = getattr(error, "ctx", None)
        hint = f" (see `podium {context.info_name} --help`)" if context is not None and context.parent else ""
        errors.print(f"[bold red]error:[/] {error.format_message()}{hint}", highlight=False, soft_wrap=True)
        sys.exit(getattr(error, "exit_code", 1))
    except (typer.Abort, KeyboardInterrupt):
        errors.print("aborted")
        sys.exit(130)
    except ConfigError as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        sys.exit(1)
    sys.exit(code or 0)


if __name__ == "__main__":
    main()
