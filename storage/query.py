"""Read-only SQL for people: `podium sql`.

The archive's published copy (storage.db.publish) is opened read-only, and each statement is
checked before it runs: only queries (SELECT, WITH … SELECT, SHOW, DESCRIBE, EXPLAIN) pass;
anything that would write is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from storage.db import ArchiveError, open_reader

READ_ONLY_TYPES = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


class WriteRefused(ArchiveError):
    """A statement given to the read-only SQL command would change something."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> list:
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as error:
        raise ArchiveError(f"SQL error: {error}") from error
    if not statements:
        raise ArchiveError("no SQL statement given")
    for statement in statements:
        if statement.type not in READ_ONLY_TYPES:
            kind = statement.type.name
            raise WriteRefused(
                f"refused: `podium sql` is read-only and this is a {kind} statement "
                f"({statement.query.strip()[:60]!r}); only queries (SELECT, SHOW, DESCRIBE, EXPLAIN) run here"
            )
    return statements


def run_query(archive: Path, sql: str) -> QueryResult:
    """Run read-only SQL against the archive's published copy (so a run that is writing never
    blocks it); the result of the last statement is returned."""
    with open_reader(archive) as con:
        statements = check_read_only(con, sql)
        try:
            for statement in statements[:-1]:
                con.execute(statement)
            cursor = con.execute(statements[-1])
            return QueryResult([c[0] for c in cursor.description], cursor.fetchall())
        except duckdb.Error as error:
            raise ArchiveError(f"SQL error: {error}") from error
