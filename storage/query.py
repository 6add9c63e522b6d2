"""Read-only SQL for people: `podium sql`.

Two guards, so that no statement can change anything:
- each statement is checked before it runs: only queries pass (SELECT, WITH … SELECT, SHOW,
  DESCRIBE, SUMMARIZE, and EXPLAIN of one of these; `EXPLAIN ANALYZE` runs what it explains);
- the published copy is opened read-only with DuckDB's external access off, so whatever slipped
  past the check could still neither write nor read a file (COPY … TO, ATTACH, read_csv), nor
  load an extension. Reading local files is left to a plain `duckdb` client.
Rows are fetched in batches, so a result of any size streams instead of filling memory.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from storage.db import ArchiveError, open_error, open_reader, reader_path

READ_ONLY_TYPES = {duckdb.StatementType.SELECT}
# Settings of a reader's connection: no file system, no extensions, and no way to turn them back on.
SANDBOX = {"enable_external_access": False, "autoinstall_known_extensions": False,
           "autoload_known_extensions": False, "lock_configuration": True}
# "EXPLAIN", "EXPLAIN ANALYZE" or "EXPLAIN (ANALYZE, FORMAT json)", then the statement explained.
EXPLAIN = re.compile(r"^\s*EXPLAIN\b\s*(?:ANALY[SZ]E\b|\((?:[^()]|\([^()]*\))*\))?(?P<inner>.*)$",
                     re.IGNORECASE | re.DOTALL)
COMMENTS = re.compile(r"^\s*(?:--[^\n]*\n|/\*.*?\*/)", re.DOTALL)
BATCH_ROWS = 10_000


class WriteRefused(ArchiveError):
    """A statement given to the read-only SQL command would change something."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]


@dataclass
class QueryStream:
    columns: list[str]
    cursor: duckdb.DuckDBPyConnection

    path: Path

    def batches(self, size: int = BATCH_ROWS) -> Iterator[list[tuple]]:
        """The rows, `size` at a time."""
        try:
            while rows := self.cursor.fetchmany(size):
                yield rows
        except duckdb.Error as error:
            raise _query_error(self.path, error) from error


def _query_error(path: Path, error: duckdb.Error) -> ArchiveError:
    """A file that cannot be read through is named for what it is; anything else is the SQL's."""
    return open_error(path, error) if isinstance(error, duckdb.IOException) else ArchiveError(f"SQL error: {error}")


def _statements(con: duckdb.DuckDBPyConnection, sql: str) -> list:
    try:
        return con.extract_statements(sql)
    except duckdb.Error as error:
        raise ArchiveError(f"SQL error: {error}") from error


def _refuse(statement, what: str) -> WriteRefused:
    return WriteRefused(
        f"refused: `podium sql` is read-only and this is {what} ({statement.query.strip()[:60]!r}); "
        "only queries (SELECT, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN of a query) run here")


def _explained(con: duckdb.DuckDBPyConnection, statement) -> list:
    """The statements an EXPLAIN wraps (EXPLAIN ANALYZE runs them)."""
    text = statement.query
    while match := COMMENTS.match(text):
        text = text[match.end():]
    match = EXPLAIN.match(text)
    return _statements(con, match["inner"]) if match and match["inner"].strip() else []


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> list:
    statements = _statements(con, sql)
    if not statements:
        raise ArchiveError("no SQL statement given")
    for statement in statements:
        if statement.type == duckdb.StatementType.EXPLAIN:
            inner = _explained(con, statement)
            if not inner or any(s.type not in READ_ONLY_TYPES for s in inner):
                kinds = ", ".join(s.type.name for s in inner) or "a statement it cannot tell"
                raise _refuse(statement, f"an EXPLAIN of {kinds}")
        elif statement.type not in READ_ONLY_TYPES:
            raise _refuse(statement, f"a {statement.type.name} statement")
    return statements


@contextmanager
def stream_query(archive: Path, sql: str):
    """Run read-only SQL against the archive's published copy (so a run that is writing never
    blocks it); yields the QueryStream of the last statement, whose rows stream while it is open."""
    path = reader_path(archive)
    with open_reader(archive, config=SANDBOX) as con:
        statements = check_read_only(con, sql)
        try:
            for statement in statements[:-1]:
                con.execute(statement)
            cursor = con.execute(statements[-1])
        except duckdb.Error as error:
            raise _query_error(path, error) from error
        yield QueryStream([c[0] for c in cursor.description], cursor, path)


def run_query(archive: Path, sql: str) -> QueryResult:
    """Read-only SQL whose whole result is wanted at once (a count, a small table)."""
    with stream_query(archive, sql) as result:
        return QueryResult(result.columns, [row for batch in result.batches() for row in batch])
