"""The DuckLake trial's concurrent writers (bench/ducklake.py measures the rest), and what every
process needs to reach the two stores: the lake's extensions and connection, the PostgreSQL server
and its log, row counts checked against what was written.

Writer processes are spawned (no fork of a process that holds DuckDB threads), so their targets are
this module's functions: `writer` appends batches to the lake or, queued on the archive's writer
lock, to the DuckDB file; `try_open_for_writing` is a second process opening the file for writing.
"""
from __future__ import annotations

import logging
import multiprocessing
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import duckdb

from storage.db import load_packaged_extension, open_archive, writer_lock

log = logging.getLogger(__name__)

EXTENSIONS = {"ducklake": "duckdb_extension_ducklake", "postgres_scanner": "duckdb_extension_postgres_scanner"}
CONFLICT = 'violates unique constraint "ducklake_snapshot_pkey"'  # a lost commit race, in PostgreSQL's log
WRITER_RETRIES = 20
WRITER_TIMEOUT_S = 900.0  # for one round of writers, the file's queue on its lock included


# -- extensions, PostgreSQL and the lake ------------------------------------------------------------

def load_lake_extensions(con: duckdb.DuckDBPyConnection) -> None:
    for name, package in EXTENSIONS.items():
        load_packaged_extension(con, name, package)


def lake_connection(uri: str, data: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the lake attached as `lake` and in use."""
    con = duckdb.connect()
    load_lake_extensions(con)
    options = f"DATA_PATH '{data}/'" + (", READ_ONLY" if read_only else "")
    con.execute(f"ATTACH 'ducklake:postgres:{uri}' AS lake ({options})")
    con.execute("USE lake")
    return con


@contextmanager
def postgres(folder: Path):
    """A PostgreSQL server (pgserver's binaries) with its data in `folder`, stopped on the way out."""
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is not set
        warnings.simplefilter("ignore")
        import pgserver
        server = pgserver.get_server(folder, cleanup_mode="stop")
    try:
        yield server
    finally:
        server.cleanup()


def lost_commit_races(log_file: Path, since: int) -> int:
    """Commits that lost the race for the next snapshot id, logged past byte `since`."""
    with log_file.open("rb") as f:
        f.seek(since)
        return f.read().decode("utf-8", "replace").count(CONFLICT)


# -- rows and files: what each store holds ----------------------------------------------------------

def table_rows(con: duckdb.DuckDBPyConnection, tables) -> dict[str, int]:
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def check_rows(store: str, found: dict[str, int], expected: dict[str, int]) -> None:
    wrong = {table: (found[table], expected[table]) for table in expected if found[table] != expected[table]}
    if wrong:
        raise RuntimeError(f"{store} holds other row counts than expected (found, expected): {wrong}")


def lake_rows(uri: str, data: Path, tables) -> dict[str, int]:
    con = lake_connection(uri, data, read_only=True)
    try:
        return table_rows(con, tables)
    finally:
        con.close()


def file_rows(archive: Path, tables) -> dict[str, int]:
    with open_archive(archive, read_only=True) as con:
        return table_rows(con, tables)


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [f for f in folder.rglob("*") if f.is_file()]
    return sum(f.stat().st_size for f in files), len(files)


# -- concurrent writers ------------------------------------------------------------------------------

def batch_sql(stage_file: Path, tag: str, rows: int, offset: int) -> str:
    """`rows` staged statements under new ids (suffix `tag`)."""
    return (f"INSERT INTO statements BY NAME SELECT * REPLACE (statement_id || '-{tag}' AS statement_id)"
            f" FROM read_parquet('{stage_file}') LIMIT {rows} OFFSET {offset}")


def append_lake(con: duckdb.DuckDBPyConnection, sqls: list[str]) -> tuple[int, int]:
    """Each batch in its own commit, retried when DuckLake gives up on a conflict: (committed, retries)."""
    committed = retries = 0
    for sql in sqls:
        for _ in range(WRITER_RETRIES + 1):
            try:
                con.execute(sql)
                committed += 1
                break
            except duckdb.TransactionException as error:
                retries += 1
                log.warning("batch retried after a failed commit (%s)", str(error).splitlines()[0])
    return committed, retries


def append_duckdb(archive: Path, sqls: list[str]) -> tuple[int, int]:
    """The podium way: wait for the archive's writer lock, open, one commit a batch, close."""
    with writer_lock(archive, WRITER_TIMEOUT_S), open_archive(archive) as con:
        for sql in sqls:
            con.execute(sql)
    return len(sqls), 0


def append_to_lake(uri: str, data: Path, sqls: list[str]) -> tuple[int, int]:
    con = lake_connection(uri, data)
    try:
        return append_lake(con, sqls)
    finally:
        con.close()


def writer(store: str, target: str, data: Path | None, sqls: list[str], barrier, results) -> None:
    """One writer process: wait for the others, then connect and append (connecting is timed on
    both stores); report (started, finished, batches committed, retries) in wall time."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    barrier.wait(timeout=120)
    started = time.time()
    committed, retries = append_to_lake(target, data, sqls) if store == "lake" else append_duckdb(Path(target), sqls)
    results.put((started, time.time(), committed, retries))


def concurrent_writers(store: str, target: str, data: Path | None, stage_file: Path, writers: int,
                       batches: int, rows: int, staged: int) -> dict:
    """`writers` processes appending `batches` batches of `rows` statements each, all at once."""
    context = multiprocessing.get_context("spawn")  # no fork of a process that holds DuckDB threads
    barrier, results = context.Barrier(writers), context.Queue()
    processes = []
    for w in range(writers):
        sqls = [batch_sql(stage_file, f"{writers}w{w}b{b}", rows, (w * batches + b) * rows % max(1, staged - rows))
                for b in range(batches)]
        processes.append(context.Process(target=writer, args=(store, target, data, sqls, barrier, results),
                                         daemon=True))
        processes[-1].start()
    deadline = time.monotonic() + WRITER_TIMEOUT_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    if any(process.exitcode != 0 for process in processes):  # None: still running at the deadline
        raise RuntimeError(f"a {store} writer process failed: exit codes {[p.exitcode for p in processes]}")
    reports = [results.get(timeout=10) for _ in processes]
    seconds = max(r[1] for r in reports) - min(r[0] for r in reports)
    return {"writers": writers, "rows": writers * batches * rows,
            "rows/s": writers * batches * rows / seconds, "committed": sum(r[2] for r in reports),
            "batches": writers * batches, "retries": sum(r[3] for r in reports)}


def try_open_for_writing(archive: str, results) -> None:
    """In a second process: open the archive for writing; report what happened."""
    try:
        duckdb.connect(archive).close()
        results.put("opened (no lock?)")
    except duckdb.IOException as error:
        message = str(error).replace(f' "{archive}"', "").split(". See also")[0]
        results.put(f"IOException: {message.split(' in /')[0].removeprefix('IO Error: ')}")


def second_writer_on_file(archive: Path) -> str:
    """What a second process gets when it opens the archive for writing while this one holds it."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    with open_archive(archive):
        process = context.Process(target=try_open_for_writing, args=(str(archive), results), daemon=True)
        process.start()
        outcome = results.get(timeout=120)
        process.join()
    return outcome


# -- the trial ---------------------------------------------------------------------------------------

def trial_lake_writers(uri: str, data: Path, postgres_log: Path, stage_file: Path, writers: tuple[int, ...],
                       batches: int, batch_rows: int, staged: int) -> dict:
    """Each count of writers appending to the lake at once; every row checked afterwards."""
    results = []
    for count in writers:
        log.info("%d writers appending to the lake", count)
        mark = postgres_log.stat().st_size
        result = concurrent_writers("lake", uri, data, stage_file, count, batches, batch_rows, staged)
        results.append({**result, "commit races": lost_commit_races(postgres_log, mark)})
    expected = staged + sum(r["rows"] for r in results)
    check_rows("the lake after the writers", lake_rows(uri, data, ["statements"]), {"statements": expected})
    return {"lake writers": results, "lake files after writers": folder_bytes(data)[1]}


def trial_file_writers(archive: Path, stage_file: Path, writers: tuple[int, ...], batches: int, batch_rows: int,
                       staged: int) -> dict:
    """A second writing process on the file, then the same writers as on the lake, queued on its lock."""
    log.info("a second writer on the DuckDB file")
    out = {"duckdb second writer": second_writer_on_file(archive), "duckdb writers": []}
    for count in writers:
        log.info("%d writers queued on the DuckDB file's writer lock", count)
        out["duckdb writers"].append(concurrent_writers("duckdb", str(archive), None, stage_file, count, batches,
                                                        batch_rows, staged))
    expected = staged + sum(r["rows"] for r in out["duckdb writers"])
    check_rows("the DuckDB archive after the writers", file_rows(archive, ["statements"]), {"statements": expected})
    return out
