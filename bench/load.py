"""Load benchmark: statements per second through the archive's real write path, and pages per
second through the staging loader.

Statements: real extracted documents, statements and mentions of a demo nightly run (made here, or
given with --seed) become Extraction objects again, copied under new document ids until there are
--statements of them. They are saved as the flow saves them (storage/extracted.py): staged as
Parquet, --batch documents per batch (default: the flow's extract_batch setting), and loaded in
one transaction whenever --load-every statements wait (default: its load_every). For comparison,
the same stage is also loaded after every batch (a transaction per batch, as the flow did before
it staged), and DuckDB alone is timed on the same rows: the staged Parquet files copied into a new
file with CREATE TABLE AS, without keys or Python, which is as fast as any load into a DuckDB file
can be on this machine; and the staged statements alone into an archive's statements table. The
time includes closing the archive, so the checkpoint that writes everything into the database
file is counted. Pages: the seed's stored detail pages become staging records again (under new
URLs, so none is skipped as unchanged) and go through storage.load.load_records, --page-batch
records per call (one per staging file).

    .venv/bin/python bench/load.py [--statements 200000] [--batch N] [--load-every N]
                                   [--seed archive.duckdb] [--profile]
"""
from __future__ import annotations

import argparse
import base64
import cProfile
import dataclasses
import gc
import gzip
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import seed_archive  # noqa: E402
from podium.extract import Document, Extraction, Statement, statement_id_for  # noqa: E402
from podium.mentions import MENTION_COLUMNS  # noqa: E402
from podium.settings import settings  # noqa: E402
from storage import extracted  # noqa: E402
from storage.db import WRITER_CONFIG, connect as open_archive_connection, open_archive  # noqa: E402
from storage.extracted import TABLES, ExtractionStage, arrow_schemas, empty_folder, stage_folder  # noqa: E402
from storage.load import load_records  # noqa: E402

GOAL = 100_000  # statements per second, from the issue
GOAL_OF_DUCKDB_ALONE = 0.8  # podium's load against DuckDB alone on the same staged rows (issue 16)


def seed_extractions(seed: Path) -> list[Extraction]:
    """The seed's documents with their statements and mentions, as the extractors return them."""
    with open_archive(seed, read_only=True) as con:
        docs = con.execute(f"SELECT {', '.join(extracted.DOCUMENT_COLUMNS)} FROM documents ORDER BY doc_id").fetchall()
        statements = con.execute(f"SELECT {', '.join(extracted.STATEMENT_COLUMNS)} FROM statements"
                                 " ORDER BY statement_id").fetchall()
        mentions = con.execute(f"SELECT {', '.join(MENTION_COLUMNS)} FROM statement_mentions").fetchall()
    by_doc: dict[str, Extraction] = {}
    for row in docs:
        document = Document(**dict(zip(extracted.DOCUMENT_COLUMNS, row)))
        document.authors = list(document.authors or [])
        by_doc[document.doc_id] = Extraction(document)
    owner = {}
    for row in statements:
        statement = Statement(**dict(zip(extracted.STATEMENT_COLUMNS, row)))
        by_doc[statement.doc_id].statements.append(statement)
        owner[statement.statement_id] = statement.doc_id
    for row in mentions:
        by_doc[owner[row[0]]].mentions.append(tuple(row))
    return [e for e in by_doc.values() if e.statements]


def copy_extraction(extraction: Extraction, k: int) -> Extraction:
    """The same extraction under a new document id (and so new statement ids)."""
    doc_id = f"{extraction.document.doc_id}x{k}"
    document = dataclasses.replace(extraction.document, doc_id=doc_id, url=f"{extraction.document.url}#x{k}")
    statements = [dataclasses.replace(s, doc_id=doc_id, statement_id=statement_id_for(doc_id, s.seq))
                  for s in extraction.statements]
    new_ids = {old.statement_id: new.statement_id for old, new in zip(extraction.statements, statements)}
    mentions = [(new_ids.get(m[0], m[0]), *m[1:]) for m in extraction.mentions]
    return Extraction(document, statements, mentions)


def replicate(seeds: list[Extraction], statements: int) -> list[Extraction]:
    out, count, k = [], 0, 0
    while count < statements:
        for extraction in seeds:
            out.append(copy_extraction(extraction, k))
            count += len(extraction.statements)
            if count >= statements:
                break
        k += 1
    return out


class TimedStage(ExtractionStage):
    """The flow's stage, adding up the seconds its loads spend in DuckDB."""
    in_duckdb = 0.0

    def load(self, con) -> int:
        started = time.perf_counter()
        try:
            return super().load(con)
        finally:
            self.in_duckdb += time.perf_counter() - started


def save_all(archive: Path, extractions: list[Extraction], batch: int, load_every: int) -> tuple[float, float]:
    """Seconds to save every extraction into a new archive through the flow's stage (as
    flows.extraction.extract_and_save does), closing included; and the seconds of that spent in DuckDB
    (loading the stage and closing)."""
    with open_archive(archive):
        pass  # the schema is made before the clock starts
    started = time.perf_counter()
    with empty_folder(stage_folder(archive)) as folder:
        con = open_archive_connection(archive)
        stage = TimedStage(folder, arrow_schemas(con), load_every)
        for start in range(0, len(extractions), batch):
            stage.save(con, extractions[start:start + batch])
        stage.load(con)
        closing = time.perf_counter()
        con.close()  # the checkpoint: what the WAL holds is written into the database file
        in_duckdb = stage.in_duckdb + time.perf_counter() - closing
    return time.perf_counter() - started, in_duckdb


def duckdb_alone(workdir: Path, extractions: list[Extraction], batch: int) -> tuple[float, float]:
    """Seconds for DuckDB itself to copy the staged rows into a new file (in the archive's storage
    format) with CREATE TABLE AS: no keys, no transaction of ours, nothing in Python. And seconds
    to load the staged statements alone into a new archive's statements table, its key included."""
    archive, statements_only = workdir / "duckdb-alone.duckdb", workdir / "statements-only.duckdb"
    with open_archive(statements_only) as con:
        schemas = arrow_schemas(con)
    with empty_folder(workdir / "duckdb-alone-stage") as folder:
        stage = ExtractionStage(folder, schemas)
        for start in range(0, len(extractions), batch):
            stage.add(extractions[start:start + batch])
        started = time.perf_counter()
        con = duckdb.connect(str(archive), config=WRITER_CONFIG)
        for table in TABLES:
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{folder}/{table}-*.parquet')")
        con.close()
        alone = time.perf_counter() - started
        started = time.perf_counter()
        names = ", ".join(TABLES["statements"])
        with open_archive(statements_only) as con:
            con.execute(f"INSERT INTO statements ({names}) SELECT {names}"
                        f" FROM read_parquet('{folder}/statements-*.parquet')")
        return alone, time.perf_counter() - started


def page_records(seed: Path, pages: int, mark: str = "#copy") -> list[dict]:
    """The seed's detail pages as staging records, repeated under new URLs (`mark` and a number
    appended) until there are `pages`."""
    with open_archive(seed, read_only=True) as con:
        rows = con.execute("SELECT source_id, url, body_gz, headers, listing FROM pages"
                           " WHERE page_kind = 'detail' ORDER BY page_id").fetchall()
    records = []
    for n in range(pages):
        source_id, url, body_gz, headers, listing = rows[n % len(rows)]
        records.append({"type": "page", "source_id": source_id, "url": f"{url}{mark}{n}", "status": 200,
                        "headers": json.loads(headers or "{}"), "fetched_at": "2026-01-01T00:00:00+00:00",
                        "page_kind": "detail", "listing": json.loads(listing) if listing else None,
                        "body_b64": base64.b64encode(gzip.decompress(body_gz)).decode("ascii")})
    return records


def load_all(con, records: list[dict], batch: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(records), batch):
        load_records(con, records[start:start + batch], "bench")
    return time.perf_counter() - started


def saved_statements(archive: Path) -> int:
    with open_archive(archive, read_only=True) as con:
        return con.execute("SELECT count(*) FROM statements").fetchone()[0]


def measure(seed: Path, workdir: Path, statements: int = 200_000, batch: int | None = None,
            load_every: int | None = None, pages: int = 2000, page_batch: int = 500,
            profile: Path | None = None) -> dict:
    """Statements/s (bulk, and one transaction per batch) and pages/s, each into a fresh archive."""
    batch, load_every = batch or settings().extract_batch, load_every or settings().load_every
    extractions = replicate(seed_extractions(seed), statements)
    # The flow holds one batch of extractions at a time; the bench holds all of them. Frozen, they
    # are left out of the garbage collector's passes, which would otherwise grow with them.
    gc.collect()
    gc.freeze()
    try:
        return {**measure_statements(workdir, extractions, batch, load_every, profile),
                **measure_pages(seed, workdir, pages, page_batch)}
    finally:
        gc.unfreeze()  # the benchmarks run after this one in the same process collect as usual


def measure_statements(workdir: Path, extractions: list[Extraction], batch: int, load_every: int,
                       profile: Path | None) -> dict:
    total = sum(len(e.statements) for e in extractions)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    seconds, in_duckdb = save_all(workdir / "bulk.duckdb", extractions, batch, load_every)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    per_batch, _ = save_all(workdir / "per-batch.duckdb", extractions, batch, 1)
    alone, statements_only = duckdb_alone(workdir, extractions, batch)
    saved = [saved_statements(workdir / name) for name in ("bulk.duckdb", "per-batch.duckdb")]
    if saved != [total, total]:
        raise RuntimeError(f"saved {saved} statements, expected {total} in each archive")
    return {"statements": total, "documents": len(extractions), "seconds": seconds, "batch": batch,
            "load every": load_every, "statements/s": total / seconds, "duckdb seconds": in_duckdb,
            "mentions": sum(len(e.mentions) for e in extractions), "per-batch seconds": per_batch,
            "per-batch statements/s": total / per_batch, "duckdb alone seconds": alone,
            "duckdb alone statements/s": total / alone, "statements table seconds": statements_only,
            "statements table rows/s": total / statements_only}


def measure_pages(seed: Path, workdir: Path, pages: int, page_batch: int) -> dict:
    records = page_records(seed, pages)
    with open_archive(workdir / "pages.duckdb") as con:
        page_seconds = load_all(con, records, page_batch)
    return {"pages": len(records), "page seconds": page_seconds, "pages/s": len(records) / page_seconds,
            "page batch": page_batch}


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=200_000)
    parser.add_argument("--batch", type=int, help="documents per staged batch (default: extract_batch)")
    parser.add_argument("--load-every", type=int, help="staged statements per load (default: load_every)")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--page-batch", type=int, default=500, help="staging records per load_records call")
    parser.add_argument("--seed", type=Path, help="an archive to take real statements from (default: make one)")
    parser.add_argument("--profile", action="store_true", help="print where saving statements spends its time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="podium-bench-load-") as tmp:
        workdir = Path(tmp)
        profile = workdir / "save.prof" if args.profile else None
        r = measure(seed_archive(args.seed, workdir), workdir, args.statements, args.batch, args.load_every,
                    args.pages, args.page_batch, profile)
        if profile:
            pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(25)
    table = Table(title="Load: the archive's write path, into a new archive, closing included")
    for column in ("path", "rows", "batch", "seconds", "rows/s", "goal"):
        table.add_column(column, justify="left" if column == "path" else "right")
    table.add_row(f"statements: staged, loaded every {r['load every']:,}", f"{r['statements']:,}",
                  f"{r['batch']} docs", f"{r['seconds']:.1f}", f"{r['statements/s']:,.0f}", f"{GOAL:,}")
    table.add_row(f"  of which DuckDB: load {r['documents']:,} documents, the statements, {r['mentions']:,} mentions",
                  f"{r['statements']:,}", "", f"{r['duckdb seconds']:.1f}",
                  f"{r['statements'] / r['duckdb seconds']:,.0f}", "")
    table.add_row("statements: the stage loaded after every batch", f"{r['statements']:,}", f"{r['batch']} docs",
                  f"{r['per-batch seconds']:.1f}", f"{r['per-batch statements/s']:,.0f}", "")
    table.add_row("statements: DuckDB alone, CREATE TABLE AS from the stage (no keys)", f"{r['statements']:,}",
                  "", f"{r['duckdb alone seconds']:.1f}", f"{r['duckdb alone statements/s']:,.0f}", "")
    table.add_row("statements table alone, its key included (no documents, no mentions)", f"{r['statements']:,}",
                  "", f"{r['statements table seconds']:.1f}", f"{r['statements table rows/s']:,.0f}", "")
    table.add_row("pages (load_records)", f"{r['pages']:,}", f"{r['page batch']}", f"{r['page seconds']:.1f}",
                  f"{r['pages/s']:,.0f}", "")
    Console().print(table)


if __name__ == "__main__":
    main()
