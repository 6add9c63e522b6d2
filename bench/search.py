"""Search benchmark: BM25 latency (p50/p99) of podium's index (tantivy, beside the archive) and of
DuckDB's own `fts` extension, in the same run, over synthetic archives of 100k and 1M statements.

The synthetic archives are built from real statements: those of a nightly run over the bundled
snapshots (made here with `podium nightly --replay snapshots`, or given with --seed), copied under
new document ids with their dates shifted, until there are --sizes statements. Queries are words
taken from real statements (English; the fts extension has no Chinese tokenisation), half with
filters (speaker, date range, source). Index build times, the per-run incremental update when
nothing changed (what every flow run pays), and the overlap of both engines' top 10 are printed.

    .venv/bin/python bench/search.py [--sizes 100000,1000000] [--queries 200] [--seed archive.duckdb]
"""
from __future__ import annotations

import argparse
import logging
import datetime as dt
import random
import re
import statistics
import sys
import tempfile
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import seed_archive, timed  # noqa: E402
from storage import search, search_index  # noqa: E402
from storage.db import load_fts, open_archive, transaction  # noqa: E402

WORD = re.compile(r"[A-Za-z]{5,}")
COPY_SUFFIX = re.compile(r"x\d+-")
GOALS_MS = {"p50": 10.0, "p99": 50.0}  # the goals for podium's search with filters at 1M
console = Console()
log = logging.getLogger(__name__)
NO_FILTERS = search.Filters()  # frozen: one shared default

# Bench data only (not the archive API): copies of the seed's rows under new ids.
COPY_SQL = {
    "documents": """INSERT INTO documents SELECT d.* REPLACE (doc_id || 'x' || k AS doc_id,
        published_at + INTERVAL (k * 7) DAY AS published_at) FROM seed.documents d, range($copies) t(k)""",
    "statements": """INSERT INTO statements SELECT s.* REPLACE (doc_id || 'x' || k || '-' || lpad(seq::VARCHAR, 4, '0')
        AS statement_id, doc_id || 'x' || k AS doc_id, statement_date + INTERVAL (k * 7) DAY AS statement_date)
        FROM seed.statements s, range($copies) t(k)""",
}


def synthetic_archive(seed: Path, size: int, workdir: Path) -> Path:
    """An archive of about `size` statements: the seed's documents repeated under new ids."""
    path = workdir / f"synthetic-{size}.duckdb"
    with open_archive(path) as con:  # a writable open creates the schema
        con.execute(f"ATTACH '{seed}' AS seed (READ_ONLY)")
        per_copy = con.execute("SELECT count(*) FROM seed.statements").fetchone()[0]
        copies = -(-size // per_copy)
        for table in ("sources", "speakers", "speaker_aliases"):
            con.execute(f"INSERT INTO {table} SELECT * FROM seed.{table}")
        for sql in COPY_SQL.values():
            con.execute(sql, {"copies": copies})
        con.execute("DETACH seed")
    return path


# -- DuckDB's own fts, measured beside podium's index (not used by podium itself) -----------------

def build_duckdb_fts(con: duckdb.DuckDBPyConnection) -> None:
    load_fts(con)
    with transaction(con):
        con.execute("PRAGMA create_fts_index('statements', 'statement_id', 'text', 'question',"
                    " stemmer = 'english', stopwords = 'english', strip_accents = 1, lower = 1, overwrite = 1)")


def duckdb_fts_search(con: duckdb.DuckDBPyConnection, query: str, filters: search.Filters = NO_FILTERS,
                      limit: int = 20) -> list[tuple[str, float]]:
    """BM25 with DuckDB's fts; the connection must have loaded it (load_fts)."""
    conditions, params = ["score IS NOT NULL"], {"query": query, "limit": limit}
    for column, name, value in (("lower(v.speaker)", "speaker", (filters.speaker or "").lower()),
                                ("v.country", "country", (filters.country or "").upper()),
                                ("v.source_id", "source", filters.source), ("v.language", "language", filters.language),
                                ("v.date >=", "since", filters.since), ("v.date <=", "until", filters.until)):
        if value:
            conditions.append(f"{column} {'' if column.endswith('=') else '='} ${name}")
            params[name] = value
    return con.execute(
        "SELECT v.statement_id, s.score FROM (SELECT statement_id,"
        " fts_main_statements.match_bm25(statement_id, $query) AS score FROM statements) s"
        f" JOIN v_statements v USING (statement_id) WHERE {' AND '.join(conditions)}"
        " ORDER BY s.score DESC LIMIT $limit", params).fetchall()


def make_queries(con, count: int, rng: random.Random) -> list[tuple[str, search.Filters]]:
    """Half plain, half filtered; words of 5+ letters from real English statements."""
    rows = con.execute("SELECT text FROM statements WHERE language = 'en' USING SAMPLE 2000 ROWS").fetchall()
    speakers = [r[0] for r in con.execute("SELECT speaker FROM v_statements WHERE speaker IS NOT NULL"
                                          " GROUP BY 1 ORDER BY count(*) DESC LIMIT 6").fetchall()]
    first, last = con.execute("SELECT min(date), max(date) FROM v_statements").fetchone()
    queries = []
    for n in range(count):
        words = WORD.findall(rng.choice(rows)[0]) or ["China"]
        text = " ".join(rng.sample(words, min(len(words), rng.choice((1, 2, 3)))))
        filters = search.Filters()
        if n % 2:
            since = first + dt.timedelta(days=rng.randrange(max(1, (last - first).days)))
            filters = search.Filters(speaker=rng.choice(speakers), since=since,
                                     until=since + dt.timedelta(days=3 * 365), source=rng.choice((None, "fmprc_en")))
        queries.append((text, filters))
    return queries


def seed_id(statement_id: str) -> str:
    """The real statement a synthetic copy was made from: copies tie in BM25, so engines that rank
    the same statements first may still pick different copies of them."""
    return COPY_SUFFIX.sub("-", statement_id)


def percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[98]


def measure(path: Path, queries, duckdb_queries: int) -> dict:
    out: dict = {}
    with open_archive(path) as con:
        out["statements"] = con.execute("SELECT count(*) FROM v_statements").fetchone()[0]
        out["podium build s"] = timed(lambda: search_index.rebuild_index(con))[0] / 1000
        out["podium update s"] = timed(lambda: search_index.update_index(con))[0] / 1000
        out["duckdb build s"] = timed(lambda: build_duckdb_fts(con))[0] / 1000
    out["index MB"] = sum(f.stat().st_size for f in search_index.index_dir(path).rglob("*") if f.is_file()) / 1e6
    with open_archive(path, read_only=True) as con:
        load_fts(con)  # once, outside the timed queries
        search.search(con, "warm up", 1)
        ours = [(timed(lambda: search.search(con, q, 10, f)), bool(f.speaker))  # noqa: B023 - called within the iteration
                for q, f in queries]
        subset = ([q for q in queries if not q[1].speaker][:duckdb_queries // 2]
                  + [q for q in queries if q[1].speaker][:duckdb_queries // 2])
        theirs = [(timed(lambda: duckdb_fts_search(con, q, f, 10)), bool(f.speaker))  # noqa: B023 - called within the iteration
                  for q, f in subset]
    for engine, runs in (("podium", ours), ("duckdb", theirs)):
        for filtered in (False, True):
            out[(engine, filtered)] = percentiles([ms for (ms, _), f in runs if f is filtered])
    plain = {q: {seed_id(h.statement_id) for h in hits}
             for ((_, hits), _), (q, f) in zip(ours, queries) if not f.speaker}
    overlap = [len(plain[q] & {seed_id(sid) for sid, _ in hits}) / max(1, len(plain[q]))
               for ((_, hits), filtered), (q, f) in zip(theirs, subset) if not filtered and q in plain]
    out["top-10 overlap"] = statistics.mean(overlap) if overlap else float("nan")
    out["duckdb queries"] = len(theirs)
    return out


def measure_sizes(seed: Path, sizes: list[int], queries: int = 200, duckdb_queries: int = 100) -> dict[int, dict]:
    """measure() for a synthetic archive of each size, made from the seed's real statements and
    deleted afterwards (1M statements take a few GB)."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="podium-bench-search-") as tmp:
        for size in sizes:
            path = synthetic_archive(seed, size, Path(tmp))
            with open_archive(path, read_only=True) as con:
                chosen = make_queries(con, queries, random.Random(size))
            log.info("%s statements: measuring", f"{size:,}")
            results[size] = measure(path, chosen, duckdb_queries)
            path.unlink()
    return results


def report(results: dict[int, dict], queries: int) -> None:
    table = Table(title=f"BM25 search: podium's index (tantivy) vs DuckDB fts, {queries} queries (half filtered)")
    for column in ("statements", "engine", "filters", "p50 ms", "p99 ms", "build s", "notes"):
        table.add_column(column, justify="right" if column != "notes" else "left")
    for _size, r in results.items():
        for engine in ("podium", "duckdb"):
            build = r[f"{engine} build s"]
            for filtered in (False, True):
                p50, p99 = r[(engine, filtered)]
                notes = (f"index {r['index MB']:.0f} MB; update with nothing new {r['podium update s']:.2f} s"
                         if engine == "podium" else f"{r['duckdb queries']} queries; top-10 overlap "
                         f"with podium {r['top-10 overlap']:.0%}")
                goal = engine == "podium" and filtered and (p50 > GOALS_MS["p50"] or p99 > GOALS_MS["p99"])
                table.add_row(f"{r['statements']:,}", engine, "yes" if filtered else "no", f"{p50:.1f}",
                              f"{p99:.1f}" + (" (over goal)" if goal else ""), f"{build:.1f}",
                              notes if filtered else "")
    console.print(table)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="statement counts, comma-separated")
    parser.add_argument("--queries", type=int, default=200, help="queries per size, half of them filtered")
    parser.add_argument("--duckdb-queries", type=int, default=100, help="at most this many of them for DuckDB fts")
    parser.add_argument("--seed", type=Path, help="an archive to take real statements from (default: make one)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="podium-bench-seed-") as tmp:
        log.info("seed archive: %s", args.seed or "podium nightly --replay snapshots")
        results = measure_sizes(seed_archive(args.seed, Path(tmp)), sizes, args.queries, args.duckdb_queries)
    report(results, args.queries)


if __name__ == "__main__":
    main()
