"""Rows on the terminal or in a pipe: the output formats every podium command shares.

`table` is for people (capped, with a note saying how to get everything); `csv`, `json` (one
array) and `jsonl` (one object a line) are for programs: they stream, so a result of any size
passes through without being held in memory. Values are written the same way in every format:
dates and times in ISO 8601, lists and structs as JSON.
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import sys
import uuid
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import TextIO

from rich.console import Console
from rich.table import Table

TABLE_ROWS = 1000  # a table longer than this is cut, with a note


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


def plain(value):
    """A value as JSON can hold it: ISO dates, JSON-ready lists and structs, numbers kept."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (dt.timedelta, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def cell(value) -> str:
    """A value as one CSV or table cell: lists and structs as JSON, None as empty."""
    if value is None:
        return ""
    value = plain(value)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)


def rows_of(batches: Iterable[list[tuple]]) -> Iterator[tuple]:
    for batch in batches:
        yield from batch


def write_csv(columns: list[str], rows: Iterable[tuple], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007 - the count is read after the loop
        writer.writerow([cell(v) for v in row])
    return count


def write_json(columns: list[str], rows: Iterable[tuple], out: TextIO, lines: bool) -> int:
    """A JSON array (written as it goes, one object a line inside it), or JSON lines."""
    count = 0
    if not lines:
        out.write("[")
    for count, row in enumerate(rows, 1):
        text = json.dumps(dict(zip(columns, map(plain, row))), ensure_ascii=False)
        out.write(f"{text}\n" if lines else f"{',' if count > 1 else ''}\n  {text}")
    if not lines:
        out.write("\n]\n" if count else "]\n")
    return count


def write_table(columns: list[str], rows: Iterable[tuple], console: Console, limit: int = TABLE_ROWS) -> int:
    table = Table(*columns, show_lines=False)
    shown = 0
    for row in rows:
        if shown == limit:
            console.print(table)
            console.print(f"[yellow]only the first {limit} rows are shown; use --format csv, json or jsonl "
                          "for all of them, or LIMIT in the query[/]")
            return shown
        table.add_row(*(cell(v) for v in row))
        shown += 1
    console.print(table)
    return shown


def write_rows(columns: list[str], rows: Iterable[tuple], fmt: OutputFormat, console: Console) -> int:
    """Write rows in `fmt` to standard output (tables through `console`); returns how many."""
    if fmt is OutputFormat.csv:
        return write_csv(columns, rows, sys.stdout)
    if fmt in (OutputFormat.json, OutputFormat.jsonl):
        return write_json(columns, rows, sys.stdout, lines=fmt is OutputFormat.jsonl)
    return write_table(columns, rows, console)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """"1 error", "2 errors", "0 errors"."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"
