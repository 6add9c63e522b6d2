"""DuckLake trial: what moving the archive onto DuckLake (a PostgreSQL catalog plus Parquet data
files) would cost and give, against the DuckDB archive, on the same rows in the same run.

Rows: the seed's documents, statements and mentions (a demo nightly run, made here or given with
--seed) are copied in SQL under new ids (`<doc_id>x<copy>`, statement ids `<doc_id>x<copy>-<seq>`,
dates moved on a week per copy, " [x<copy>]" after each text and title: with copies of the same
texts Parquet's dictionaries would store each text once and flatter the lake's size and scans)
until there are --statements statements, and staged once as Parquet, one copy after another,
with the sources, speakers and entities. The same Parquet files are then loaded into
  (a) a new podium archive (storage.db.open_archive: the real schema, primary keys included),
      in one transaction, the time running from opening to closing (the checkpoint included);
  (b) DuckLake tables with the same columns and NOT NULLs (DuckLake has no primary keys, unique
      constraints, indexes or sequences), in one transaction, from attaching to detaching.
Queries: five reads, each run once to warm up and then --repeat times on both stores; p50 and
max, and both stores must return the same rows. v_statements is made in the lake from the
archive's own definition. Concurrent writers (bench/lake_writers.py): --writers processes each
append --batches batches of --batch-rows statements at the same time, one commit a batch. On the
lake DuckLake settles lost commit races itself (the snapshot id is the catalog's primary key; the
loser checks for real conflicts and commits again): those are counted from PostgreSQL's log, and
a commit that still fails is retried by the writer and counted apart. On the DuckDB file a second
process opening it for writing gets an IOException: that is recorded, and the same writers are
then run the podium way, queued on the archive's writer lock. Every store's row count is checked
against what was staged or written (RuntimeError otherwise). Sizes: the DuckDB file, the lake's
Parquet files and its catalog database, after the load.

    .venv/bin/python bench/ducklake.py [--statements 1000000] [--writers 2,4] [--batches 5]
                                       [--batch-rows 10000] [--repeat 7] [--seed archive.duckdb]

PostgreSQL comes from the pgserver package (its own binaries, a server under the temporary
folder, stopped at the end); the ducklake and postgres extensions from their wheels.
"""
from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, seed_archive, timed  # noqa: E402
from bench.lake_writers import (check_rows, file_rows, folder_bytes, lake_connection, lake_rows,  # noqa: E402
                                postgres, trial_file_writers, trial_lake_writers)
from storage.db import open_archive, transaction  # noqa: E402

log = logging.getLogger(__name__)

TABLES = ("documents", "statements", "statement_mentions")  # replicated
LOOKUPS = ("sources", "speakers", "entities")  # copied as they are (v_statements joins speakers)
VIEWS = ("v_statements",)

# Bench data only: copies of the seed's rows under new ids, cut at exactly $statements statements.
PICK_SQL = """CREATE TEMP TABLE picked AS
    SELECT statement_id, doc_id, k::INTEGER AS k FROM
        (SELECT statement_id, doc_id, row_number() OVER (ORDER BY statement_id) - 1 AS i, count(*) OVER () AS n
         FROM seed.statements), range($copies) t(k)
    WHERE k * n + i < $statements"""
COPY_SQL = {
    "documents": """SELECT d.* REPLACE (d.doc_id || 'x' || p.k AS doc_id, d.url || '#x' || p.k AS url,
        d.title || ' [x' || p.k || ']' AS title, d.text || ' [x' || p.k || ']' AS text,
        d.near_dup_of || 'x' || p.k AS near_dup_of, d.published_at + 7 * p.k AS published_at,
        d.date_latest + 7 * p.k AS date_latest)
        FROM seed.documents d JOIN (SELECT DISTINCT doc_id, k FROM picked) p USING (doc_id) ORDER BY p.k, d.doc_id""",
    "statements": """SELECT s.* REPLACE (s.doc_id || 'x' || p.k || substr(s.statement_id, length(s.doc_id) + 1)
        AS statement_id, s.doc_id || 'x' || p.k AS doc_id, s.statement_date + 7 * p.k AS statement_date,
        s.text || ' [x' || p.k || ']' AS text, s.question || ' [x' || p.k || ']' AS question)
        FROM seed.statements s JOIN picked p USING (statement_id) ORDER BY p.k, s.statement_id""",
    "statement_mentions": """SELECT m.* REPLACE (p.doc_id || 'x' || p.k || substr(m.statement_id, length(p.doc_id) + 1)
        AS statement_id) FROM seed.statement_mentions m JOIN picked p USING (statement_id)
        ORDER BY p.k, m.statement_id, m.char_start""",
}

QUERIES = {
    "statements per source per week": """SELECT source_id, date_trunc('week', date) AS week, count(*) AS statements
        FROM v_statements GROUP BY ALL ORDER BY ALL""",
    "top 10 speakers in a year": """SELECT speaker, count(*) AS statements FROM v_statements
        WHERE date BETWEEN $since AND $until AND speaker IS NOT NULL
        GROUP BY speaker ORDER BY statements DESC, speaker LIMIT 10""",
    "a speaker's statements mentioning an entity": """SELECT DISTINCT s.statement_id, s.date, s.source_id
        FROM v_statements s JOIN statement_mentions m USING (statement_id)
        WHERE s.speaker = $speaker AND m.entity_id = $entity ORDER BY s.date, s.statement_id LIMIT 100""",
    "statements in a year whose text ILIKE a word": """SELECT count(*) FROM v_statements
        WHERE date BETWEEN $since AND $until AND text ILIKE $pattern""",
    "one statement by statement_id": "SELECT * FROM v_statements WHERE statement_id = $statement_id",
}


# -- rows: staged once, loaded into both stores --------------------------------------------------

def stage(seed: Path, folder: Path, statements: int) -> dict[str, int]:
    """The seed's rows copied to exactly `statements` statements, one Parquet file a table; rows by table."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{seed}' AS seed (READ_ONLY)")
        per_copy = con.execute("SELECT count(*) FROM seed.statements").fetchone()[0]
        con.execute(PICK_SQL, {"copies": -(-statements // per_copy), "statements": statements})
        queries = {**COPY_SQL, **{table: f"SELECT * FROM seed.{table}" for table in LOOKUPS}}
        return {table: con.execute(f"COPY ({sql}) TO '{folder / table}.parquet' (FORMAT parquet)").fetchone()[0]
                for table, sql in queries.items()}  # COPY answers with the rows it wrote
    finally:
        con.close()


def insert_staged(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Every staged table into the connection's default database, in one transaction."""
    with transaction(con):
        for table in (*LOOKUPS, *TABLES):
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet('{folder / table}.parquet')")


def load_duckdb(folder: Path, archive: Path) -> float:
    """Seconds to load the staged rows into a new archive, from opening it to closing it."""
    with open_archive(archive):
        pass  # the schema is made before the clock starts

    def load() -> None:
        with open_archive(archive) as con:  # closing included: the checkpoint writes the database file
            insert_staged(con, folder)

    return timed(load)[0] / 1000


def column_sql(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The archive's columns of `table` with their types and NOT NULLs (no keys: DuckLake has none)."""
    rows = con.execute("SELECT column_name, data_type, is_nullable FROM duckdb_columns()"
                       " WHERE database_name = 'archive' AND table_name = $table ORDER BY column_index",
                       {"table": table}).fetchall()
    return ", ".join(f'"{name}" {kind}{"" if nullable else " NOT NULL"}' for name, kind, nullable in rows)


def create_lake_schema(uri: str, data: Path, archive: Path) -> None:
    """The archive's tables (columns only) and views (their own SQL) in the lake."""
    con = lake_connection(uri, data)
    try:
        con.execute(f"ATTACH '{archive}' AS archive (READ_ONLY)")
        for table in (*LOOKUPS, *TABLES):
            con.execute(f"CREATE TABLE {table} ({column_sql(con, table)})")
        for view in VIEWS:
            con.execute(con.execute("SELECT sql FROM duckdb_views() WHERE database_name = 'archive'"
                                    " AND view_name = $view", {"view": view}).fetchone()[0])
    finally:
        con.close()


def load_lake(folder: Path, uri: str, data: Path) -> float:
    """Seconds to load the staged rows into the lake's tables, from attaching to detaching."""
    def load() -> None:
        con = lake_connection(uri, data)
        insert_staged(con, folder)
        con.close()

    return timed(load)[0] / 1000


# -- queries ------------------------------------------------------------------------------------------

def query_parameters(archive: Path) -> dict:
    """Values for the queries, taken from the archive: its busiest speaker, the entity that speaker
    mentions most after China, the busiest year, a statement in the middle, a word in the texts."""
    with open_archive(archive, read_only=True) as con:
        speaker = con.execute("SELECT speaker FROM v_statements WHERE speaker IS NOT NULL"
                              " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
        entity = con.execute("SELECT m.entity_id FROM statement_mentions m JOIN v_statements s USING (statement_id)"
                             " WHERE s.speaker = $speaker AND m.entity_id <> 'country:CN'"
                             " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1", {"speaker": speaker}).fetchone()[0]
        year = con.execute("SELECT year(date) FROM v_statements WHERE date IS NOT NULL"
                           " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
        statement_id = con.execute("SELECT statement_id FROM statements ORDER BY statement_id"
                                   " LIMIT 1 OFFSET (SELECT count(*) // 2 FROM statements)").fetchone()[0]
    return {"speaker": speaker, "entity": entity, "since": f"{year}-01-01", "until": f"{year}-12-31",
            "pattern": "%sanction%", "statement_id": statement_id}


def run_queries(con: duckdb.DuckDBPyConnection, parameters: dict, repeat: int) -> dict[str, dict]:
    """Per query: p50 and max milliseconds over `repeat` runs after one warm-up, and the rows."""
    out = {}
    for name, sql in QUERIES.items():
        needed = {key: value for key, value in parameters.items() if f"${key}" in sql}
        rows = con.execute(sql, needed).fetchall()
        times = [timed(lambda: con.execute(sql, needed).fetchall())[0]  # noqa: B023 - called within the iteration
                 for _ in range(repeat)]
        out[name] = {"p50 ms": statistics.median(times), "max ms": max(times), "rows": rows}
    return out


def compare_queries(duckdb_runs: dict, lake_runs: dict) -> None:
    for name in QUERIES:
        if duckdb_runs[name]["rows"] != lake_runs[name]["rows"]:
            raise RuntimeError(f"query {name!r}: the DuckDB file and the lake returned different rows")
        if not duckdb_runs[name]["rows"]:
            raise RuntimeError(f"query {name!r} returned no rows: its parameters do not fit the data")


# -- sizes --------------------------------------------------------------------------------------------

def catalog_facts(uri: str, data: Path) -> dict:
    """The catalog database's size (and an empty database's, for scale), its data files and snapshots."""
    con = lake_connection(uri, data, read_only=True)
    try:
        meta = "__ducklake_metadata_lake"
        size, empty = con.execute(f"SELECT * FROM postgres_query('{meta}', 'SELECT pg_database_size(current_database())"
                                  " AS catalog, pg_database_size(''template1'') AS empty')").fetchone()
        files, snapshots = (con.execute(f"SELECT count(*) FROM {meta}.public.{table}").fetchone()[0]
                            for table in ("ducklake_data_file", "ducklake_snapshot"))
    finally:
        con.close()
    return {"catalog bytes": size, "empty database bytes": empty, "catalog data files": files,
            "catalog snapshots": snapshots}


# -- the trial ---------------------------------------------------------------------------------------

def trial_loads(folder: Path, archive: Path, uri: str, data: Path, staged: dict[str, int]) -> dict:
    """The staged rows into both stores: seconds, checked row counts, sizes."""
    log.info("loading the DuckDB archive")
    out = {"duckdb load s": load_duckdb(folder, archive), "duckdb bytes": archive.stat().st_size}
    check_rows("the DuckDB archive", file_rows(archive, staged), staged)
    log.info("loading the lake")
    create_lake_schema(uri, data, archive)
    out["lake load s"] = load_lake(folder, uri, data)
    check_rows("the lake", lake_rows(uri, data, staged), staged)
    out["lake bytes"], out["lake files"] = folder_bytes(data)
    return {**out, **catalog_facts(uri, data)}


def trial_queries(archive: Path, uri: str, data: Path, repeat: int) -> dict:
    log.info("queries, %d runs each", repeat)
    parameters = query_parameters(archive)
    with open_archive(archive, read_only=True) as con:
        ours = run_queries(con, parameters, repeat)
    con = lake_connection(uri, data, read_only=True)
    try:
        lake = run_queries(con, parameters, repeat)
    finally:
        con.close()
    compare_queries(ours, lake)
    return {"duckdb queries": ours, "lake queries": lake}


def measure(seed: Path, workdir: Path, statements: int = 1_000_000, writers: tuple[int, ...] = (2, 4),
            batches: int = 5, batch_rows: int = 10_000, repeat: int = 7) -> dict:
    """Load rows/s, query latency, concurrent writers and sizes: the DuckDB file against DuckLake, in
    workdir/ducklake (a few GB at 1M statements: deleted at the end, PostgreSQL stopped before)."""
    root = workdir / "ducklake"
    folder, archive, data, pgdata = root / "stage", root / "archive.duckdb", root / "lake", root / "pg"
    data.mkdir(parents=True)
    try:
        log.info("staging %s statements as Parquet", f"{statements:,}")
        staged = stage(seed, folder, statements)
        out = {"statements": staged["statements"], "staged": staged}
        with postgres(pgdata) as server:
            uri = server.get_uri()
            out.update(trial_loads(folder, archive, uri, data, staged))
            out.update(trial_queries(archive, uri, data, repeat))
            out.update(trial_lake_writers(uri, data, server.log, folder / "statements.parquet", writers, batches,
                                          batch_rows, staged["statements"]))
        out.update(trial_file_writers(archive, folder / "statements.parquet", writers, batches, batch_rows,
                                      staged["statements"]))
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def report(r: dict) -> Table:
    statements, staged = r["statements"], r["staged"]
    table = Table(title=f"DuckLake trial: the archive as a DuckDB file and on DuckLake (PostgreSQL catalog + "
                        f"Parquet), {statements:,} statements", caption=machine())
    for column in ("measure", "DuckDB file", "DuckLake", "notes"):
        table.add_column(column, justify="left" if column in ("measure", "notes") else "right")
    table.add_row("load, statements/s", f"{statements / r['duckdb load s']:,.0f}",
                  f"{statements / r['lake load s']:,.0f}",
                  f"{r['duckdb load s']:.1f} s / {r['lake load s']:.1f} s, one transaction: "
                  f"{staged['documents']:,} documents, {staged['statement_mentions']:,} mentions too; "
                  "file: primary keys, checkpoint included; lake: no keys")
    for name in QUERIES:
        ours, lake = r["duckdb queries"][name], r["lake queries"][name]
        table.add_row(f"{name}, p50 / max ms", f"{ours['p50 ms']:.1f} / {ours['max ms']:.1f}",
                      f"{lake['p50 ms']:.1f} / {lake['max ms']:.1f}",
                      f"{len(ours['rows']):,} row{'' if len(ours['rows']) == 1 else 's'}, the same from both")
    for ours, lake in zip(r["duckdb writers"], r["lake writers"]):
        table.add_row(f"{lake['writers']} writers x {lake['batches'] // lake['writers']} commits of "
                      f"{lake['rows'] // lake['batches']:,}, rows/s", f"{ours['rows/s']:,.0f}",
                      f"{lake['rows/s']:,.0f}",
                      f"file: queued on the writer lock; lake: {lake['committed']}/{lake['batches']} landed,"
                      f" {lake['commit races']} lost races settled by DuckLake,"
                      f" {lake['retries']} retried by the writer")
    refused = r["duckdb second writer"].startswith("IOException")
    table.add_row("a 2nd process opens for writing", "refused" if refused else "opened",
                  f"{max(w['writers'] for w in r['lake writers'])} wrote at once", r["duckdb second writer"])
    table.add_row("size after the load, MB", f"{r['duckdb bytes'] / 1e6:,.0f}",
                  f"{r['lake bytes'] / 1e6:,.0f} + {r['catalog bytes'] / 1e6:,.0f}",
                  f"lake: {r['lake files']} Parquet files ({r['lake files after writers']} after the writers) + "
                  f"catalog database ({r['catalog data files']} data files, {r['catalog snapshots']} snapshots; "
                  f"an empty database is {r['empty database bytes'] / 1e6:,.0f} MB)")
    return table


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--writers", default="2,4", help="concurrent writer processes, comma-separated runs")
    parser.add_argument("--batches", type=int, default=5, help="commits per writer")
    parser.add_argument("--batch-rows", type=int, default=10_000, help="statements per commit")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each query")
    parser.add_argument("--seed", type=Path, help="an archive to take real statements from (default: make one)")
    args = parser.parse_args()
    writers = tuple(int(count) for count in args.writers.split(","))
    with tempfile.TemporaryDirectory(prefix="podium-bench-ducklake-") as tmp:
        workdir = Path(tmp)
        log.info("seed archive: %s", args.seed or "podium nightly --replay snapshots")
        r = measure(seed_archive(args.seed, workdir), workdir, args.statements, writers, args.batches,
                    args.batch_rows, args.repeat)
    Console().print(report(r))


if __name__ == "__main__":
    main()
