"""Extracted documents, statements and mentions: staged as Parquet files, then loaded in bulk.

Saving each batch of pages in a small transaction of its own spends most of its time committing:
DuckDB writes small appends to its write-ahead log, then reads and recompresses them again at every
checkpoint. One large `INSERT … SELECT` from staged files writes whole row groups straight into the
database file instead (about 3× faster at 200k statements, bench/load.py). So extraction stages
each batch (on disk, so memory stays flat), and the stage is loaded in one transaction once
`load_every` statements wait, and at the end. A kill before a load loses only staged work: those
pages have no document yet, so the next run extracts them again.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import shutil
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from podium.crash import crash_point
from podium.extract import Document, Extraction, Statement
from podium.mentions import MENTION_COLUMNS
from storage.db import id_table, transaction

log = logging.getLogger(__name__)

DOCUMENT_COLUMNS = tuple(f.name for f in dataclasses.fields(Document))
STATEMENT_COLUMNS = tuple(f.name for f in dataclasses.fields(Statement))
TABLES = {"documents": (*DOCUMENT_COLUMNS, "extracted_at"), "statements": STATEMENT_COLUMNS,
          "statement_mentions": MENTION_COLUMNS}


def arrow_schemas(con: duckdb.DuckDBPyConnection) -> dict[str, pa.Schema]:
    """The Arrow schema of each staged table, taken from the archive itself, so a staged file
    always has the archive's column types (a batch where a column is all NULL included)."""
    return {table: con.execute(f"SELECT {', '.join(columns)} FROM {table} LIMIT 0").to_arrow_table().schema
            for table, columns in TABLES.items()}


def _transposed(rows, names: tuple[str, ...]) -> dict[str, list]:
    """Row tuples as one list per column name (transposed in C by zip)."""
    columns = list(zip(*rows)) or [()] * len(names)
    return {name: list(values) for name, values in zip(names, columns)}


def columns_of(extractions: list[Extraction], extracted_at: dt.datetime) -> dict[str, dict[str, list]]:
    """Column lists of each table for these extractions."""
    docs = map(attrgetter(*DOCUMENT_COLUMNS), (e.document for e in extractions))
    statements = map(attrgetter(*STATEMENT_COLUMNS), (s for e in extractions for s in e.statements))
    documents = _transposed(docs, DOCUMENT_COLUMNS)
    documents["extracted_at"] = [extracted_at] * len(extractions)
    return {"documents": documents, "statements": _transposed(statements, STATEMENT_COLUMNS),
            "statement_mentions": _transposed((row for e in extractions for row in e.mentions), MENTION_COLUMNS)}


class ExtractionStage:
    """Batches of extractions staged in a folder of Parquet files, waiting to be loaded."""

    def __init__(self, folder: Path, schemas: dict[str, pa.Schema], load_every: int | None = None):
        """`load_every`: staged statements that `save` loads (the flow: settings' load_every);
        None: only `load` loads."""
        self.folder, self.schemas, self.load_every = folder, schemas, load_every
        folder.mkdir(parents=True, exist_ok=True)
        self.batches, self.statements = 0, 0
        self.doc_ids: set[str] = set()

    def add(self, extractions: list[Extraction]) -> None:
        """Stage a batch: one Parquet file per table."""
        if not extractions:
            return
        now = dt.datetime.now(dt.timezone.utc)
        self.batches += 1
        for table, columns in columns_of(extractions, now).items():
            data = pa.Table.from_pydict(columns, schema=self.schemas[table])
            # uncompressed and plain: the files live only until the load, and are written ~4x faster
            pq.write_table(data, self.folder / f"{table}-{self.batches:06d}.parquet", compression="none",
                           use_dictionary=False, write_statistics=False)
        self.statements += sum(len(e.statements) for e in extractions)
        self.doc_ids.update(e.document.doc_id for e in extractions)

    def save(self, con: duckdb.DuckDBPyConnection, extractions: list[Extraction]) -> None:
        """Stage a batch, and load the stage once `load_every` statements wait. A stage that holds
        one of these documents already is loaded first: the later extraction must win."""
        if any(e.document.doc_id in self.doc_ids for e in extractions):
            self.load(con)
        self.add(extractions)
        crash_point("extract-staged")
        if self.load_every is not None and self.statements >= self.load_every:
            self.load(con)

    def load(self, con: duckdb.DuckDBPyConnection) -> int:
        """Load every staged batch in one transaction, replacing the documents (and all their
        statements) that are archived already; empty the stage. Returns the statements loaded."""
        if not self.batches:
            return 0
        with transaction(con):
            replace_documents(con, sorted(self.doc_ids))
            for table, columns in TABLES.items():
                files = [str(path) for path in sorted(self.folder.glob(f"{table}-*.parquet"))]
                names = ", ".join(columns)
                con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM read_parquet($files)",
                            {"files": files})
            crash_point("extract-inserted")
        loaded = self.statements
        log.info("loaded %d staged batches: %d documents, %d statements", self.batches, len(self.doc_ids), loaded)
        for path in self.folder.glob("*.parquet"):
            path.unlink()
        self.batches, self.statements, self.doc_ids = 0, 0, set()
        return loaded


def replace_documents(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> None:
    """Delete these documents, if archived, with their statements, mentions and links. Checked
    first: new documents (most of them) cost one query, not four scans of the big tables."""
    with id_table(con, doc_ids) as ids:
        docs = f"(SELECT id FROM {ids})"
        if not con.execute(f"SELECT count(*) FROM documents WHERE doc_id IN {docs}").fetchone()[0]:
            return
        replaced = f"(SELECT statement_id FROM statements WHERE doc_id IN {docs})"
        con.execute(f"DELETE FROM statement_mentions WHERE statement_id IN {replaced}")
        con.execute(f"DELETE FROM statement_links WHERE statement_id IN {replaced}"
                    f" OR source_statement_id IN {replaced}")
        con.execute(f"DELETE FROM statements WHERE doc_id IN {docs}")
        con.execute(f"DELETE FROM documents WHERE doc_id IN {docs}")


def stage_folder(archive: Path | str) -> Path:
    """Where a run stages its extractions: beside the archive, guarded by its writer lock."""
    return Path(f"{archive}.staging")


@contextmanager
def empty_folder(folder: Path):
    """The folder, emptied first (a killed run's stage is not needed: its pages are still
    pending) and removed afterwards."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
