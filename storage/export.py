"""Exporting statements to files for other tools: `podium export`.

DuckDB writes the files itself (COPY … TO): Parquet partitioned by source and year (a folder of
`source_id=…/year=…/*.parquet` that pandas, polars, Arrow and DuckDB read as one table), CSV with a
header, or JSON lines. The rows are those of `v_statements` plus a few document and speaker columns
a researcher needs to cite and group them. `where` is a SQL condition on those columns; it is checked
to be part of exactly one SELECT, and the archive (its published copy, when there is one) is opened
read-only, so an export never writes to it.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import duckdb

from storage.db import ArchiveError, open_reader, published_path

log = logging.getLogger(__name__)


class ExportFormat(str, Enum):
    """The same names as the other commands' --format: json is one array, jsonl one object a line."""
    parquet = "parquet"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


# DuckDB's COPY options per format; JSON lines is DuckDB's default JSON layout (one object a line).
COPY_OPTIONS = {
    ExportFormat.parquet: "FORMAT parquet, COMPRESSION zstd, PARTITION_BY (source_id, year)",
    ExportFormat.csv: "FORMAT csv, HEADER true",
    ExportFormat.json: "FORMAT json, ARRAY true",
    ExportFormat.jsonl: "FORMAT json",
}

# The exported columns: v_statements, the year it is partitioned by, and what a citation needs
# (when the document was published and how that date is known, the outlet, the speaker's
# registry entry). Kept as one SELECT so `where` applies to exactly these names.
EXPORT_SELECT = """
SELECT v.*,
       year(v.date) AS year,
       d.published_at,
       d.date_latest,
       d.doc_type,
       d.language AS document_language,
       src.name AS source_name,
       src.country AS source_country,
       src.kind AS source_kind,
       sp.role AS speaker_registry_role,
       sp.country AS speaker_country
FROM v_statements v
JOIN documents d USING (doc_id)
LEFT JOIN sources src ON src.source_id = v.source_id
LEFT JOIN speakers sp ON sp.speaker_id = v.speaker_id
"""


class UnsafeCondition(ArchiveError):
    """A --where condition that is not a plain condition on the exported rows."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: ExportFormat
    rows: int
    files: int


def default_output(data_dir: Path, fmt: ExportFormat) -> Path:
    """data/export/<UTC timestamp>.<ext>; for Parquet a folder of that name (it holds partitions)."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    name = stamp if fmt is ExportFormat.parquet else f"{stamp}.{fmt.value}"
    return data_dir / "export" / name


def _parse(con: duckdb.DuckDBPyConnection, probe: str) -> dict:
    try:
        statements = con.extract_statements(probe)
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [probe]).fetchone()[0])
    except duckdb.Error as error:
        raise UnsafeCondition(f"not a valid SQL condition ({error})") from error
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT or tree.get("error"):
        raise UnsafeCondition("it is not one condition but a statement of its own")
    return tree["statements"][0]["node"]


def _only_a_filter(node: dict) -> bool:
    """True if the parsed query is still `SELECT * FROM v_statements WHERE …` and nothing more
    (no UNION that reads other rows, no LIMIT, GROUP BY, HAVING … tacked on after the condition)."""
    extras = ("modifiers", "group_expressions", "group_sets", "having", "sample", "qualify")
    return (node.get("type") == "SELECT_NODE"
            and node.get("from_table", {}).get("table_name") == "v_statements"
            and node.get("aggregate_handling") == "STANDARD_HANDLING"  # GROUP BY ALL sets this
            and not any(node.get(key) for key in extras))


def check_condition(con: duckdb.DuckDBPyConnection, where: str) -> str:
    """The query the condition makes, once it is known to be only a condition on the statements.

    The whole probe query is parsed (not the condition alone), which catches a condition that
    closes the SELECT and starts a statement of its own (`1=1; DELETE FROM …`) or extends it
    (`1=1 UNION SELECT …`). The condition goes in parentheses and before a line break, so a
    trailing `--` comment cannot swallow the rest of the query."""
    try:
        node = _parse(con, f"SELECT * FROM v_statements WHERE {where}")
        if not _only_a_filter(node):
            raise UnsafeCondition("it adds to the query instead of only filtering it")
    except UnsafeCondition as error:
        raise UnsafeCondition(
            f"refused --where {where!r}: {error}; give one condition on the statements' columns, "
            f"e.g. \"source_id = 'fmprc_en' AND year = 2020\"") from error
    return f"SELECT * FROM ({EXPORT_SELECT}) WHERE ({where}\n)"


def export_query(con: duckdb.DuckDBPyConnection, where: str | None) -> str:
    if where is None or not where.strip():
        return EXPORT_SELECT
    return check_condition(con, where)


def _copy(con: duckdb.DuckDBPyConnection, query: str, output: Path, fmt: ExportFormat, where: str | None) -> int:
    """Write the rows; returns how many (COPY's own count: the query runs once)."""
    target = str(output).replace("'", "''")
    try:
        return con.execute(
            f"COPY ({query} ORDER BY source_id, date, statement_id) TO '{target}' ({COPY_OPTIONS[fmt]})"
        ).fetchone()[0]
    except duckdb.IOException as error:
        raise ArchiveError(f"export failed: {error}") from error
    except duckdb.Error as error:  # e.g. a cast in the condition that fails on some row
        raise ArchiveError(f"{'SQL error in --where' if where else 'export failed'}: {error}") from error


def _bind(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Bind the query without reading any row (LIMIT 0), so a condition naming an unknown column
    or misusing a type fails before any file is made."""
    try:
        con.execute(f"SELECT * FROM ({query}) LIMIT 0").fetchall()
    except duckdb.Error as error:
        raise ArchiveError(f"SQL error in --where: {error}") from error


def _prepare_output(archive: Path, output: Path, fmt: ExportFormat) -> None:
    if output.resolve() in (archive.resolve(), published_path(archive).resolve()):
        raise ArchiveError(f"--output {output} is the archive itself; choose another path")
    if output.exists() and (fmt is ExportFormat.parquet or output.is_dir()):
        if output.is_file() or any(output.iterdir()):
            raise ArchiveError(f"{output} already exists and is not empty; choose another --output")
    output.parent.mkdir(parents=True, exist_ok=True)


def export(archive: Path, fmt: ExportFormat, output: Path, where: str | None = None) -> ExportResult:
    """Write the statements (those matching `where`) to `output` in `fmt`; count what was written."""
    fmt = ExportFormat(fmt)
    # The published copy when there is one: a run writing the archive meanwhile never blocks this.
    with open_reader(archive) as con:
        query = export_query(con, where)
        _bind(con, query)  # first, so a bad condition fails before any file is made
        _prepare_output(archive, output, fmt)
        rows = _copy(con, query, output, fmt, where)
    files = len(list(output.rglob("*.parquet"))) if fmt is ExportFormat.parquet else 1
    log.info("exported %d statements to %s (%s, %d files)", rows, output, fmt.value, files)
    return ExportResult(output, fmt, rows, files)
