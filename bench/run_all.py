"""All the benchmarks in one run, summed up in one table: measure | podium | competitors | goal | met?

Order matters: the demo nightly run (peak memory) goes first, on a quiet machine, and its archive
is then the seed of real statements for the load and search benchmarks.

    .venv/bin/python bench/run_all.py [--quick]

--quick is a fast check: search at 100k statements only, a 500-page crawl, 50k statements loaded,
the DuckLake trial at 100k statements.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import commands, crawl, ducklake, extraction, links, load, quotes, rss, runners, search  # noqa: E402
from bench.common import machine  # noqa: E402

progress = Console(stderr=True)
FULL = {"search": [100_000, 1_000_000], "crawl": 2000, "load": 200_000, "ducklake": 1_000_000, "runner pages": 1500}
QUICK = {"search": [100_000], "crawl": 500, "load": 50_000, "ducklake": 100_000, "runner pages": 400}


def missing_bench_extra() -> list[str]:
    """The modules of the `bench` extra that are not installed (`make bench` installs them)."""
    return [name for name in ("pgserver", "duckdb_extension_ducklake", "duckdb_extension_postgres_scanner")
            if importlib.util.find_spec(name) is None]


def run(sizes: dict) -> dict:
    """Every benchmark's measurements, by name."""
    missing = missing_bench_extra()
    if missing:  # checked first: the DuckLake trial runs last, and a failure there loses every result
        raise SystemExit(f"the bench extra is not installed (no {', '.join(missing)}): run `make bench`")
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="podium-bench-all-") as tmp:
        work = Path(tmp)
        steps = [
            ("rss", lambda: rss.measure(work / "nightly.duckdb", work)),
            ("commands", commands.measure),
            ("extraction", extraction.measure),
            ("quotes", quotes.measure),
            ("links", links.measure),
            ("crawl", lambda: crawl.measure(sizes["crawl"])),
            ("runners", lambda: runners.measure(work / "nightly.duckdb", pages=sizes["runner pages"])),
            ("load", lambda: load.measure(work / "nightly.duckdb", work, sizes["load"])),
            ("search", lambda: search.measure_sizes(work / "nightly.duckdb", sizes["search"])),
            ("ducklake", lambda: ducklake.measure(work / "nightly.duckdb", work, sizes["ducklake"])),
        ]
        for name, step in steps:
            started = time.perf_counter()
            progress.print(f"{time.strftime('%H:%M:%S')} {name} …")
            results[name] = step()
            progress.print(f"{time.strftime('%H:%M:%S')} {name} done in {time.perf_counter() - started:.0f} s")
    return results


def met(ok: bool) -> str:
    return "[green]yes[/]" if ok else "[red]no[/]"


def extraction_rows(rows: list[dict] | None) -> list[tuple]:
    if rows is None:
        skipped = ("skipped: no benchmark pages", "", "", "")
        return [("extraction F1", *skipped), ("extraction pages/s", *skipped)]
    by = {r["extractor"]: r for r in rows}
    others = [n for n in by if n != "podium"]
    title = f" ({by['podium']['pages']} dev pages)"
    return [(f"extraction F1{title}", f"{by['podium']['F1']:.3f}",
             ", ".join(f"{n} {by[n]['F1']:.3f}" for n in others), "", ""),
            ("extraction pages/s", f"{by['podium']['pages/s']:.0f}",
             ", ".join(f"{n} {by[n]['pages/s']:.0f}" for n in others), "", "")]


def quote_rows(rows: list[dict]) -> list[tuple]:
    by = {r["label"]: r["score"] for r in rows}
    return [("quote F1 (dev / held-out articles)", f"{by['all (dev)'].f1:.3f} / {by['all (heldout)'].f1:.3f}",
             "", "", "")]


def link_rows(rows: dict[str, dict]) -> list[tuple]:
    """The link benchmark's halves: dev chose the thresholds, test is only scored; goals are the test half's."""
    dev, test = rows["dev"], rows["test"]
    goals = links.GOALS
    return [(f"press {name} (dev / test half, {dev['quotes'] + test['quotes']} quotes)",
             f"{dev[key]:.3f} / {test[key]:.3f}", "", f"≥ {goals[key]:.2f}", met(test[key] >= goals[key]))
            for name, key in (("link precision", "link P"), ("link recall", "link R"),
                              ("quote → speaker F1", "speaker F1"), ("statement-date accuracy", "date acc."))]


def crawl_rows(r: dict) -> list[tuple]:
    rate, noop = r["pages/min"], r["pages/min"]["do-nothing spider"]
    full, only = rate["podium full pipeline (crawl+load+extract)"], rate["podium crawl only"]
    share, site = only / noop, f"{r['fetched']:,} pages"
    return [(f"crawl pages/min, full pipeline ({site})", f"{full:,.0f}", f"do-nothing spider {noop:,.0f}",
             f"≥ {crawl.GOAL_PAGES_PER_MINUTE:,}", met(full >= crawl.GOAL_PAGES_PER_MINUTE)),
            ("crawl pages/min, crawl only", f"{only:,.0f} ({share:.0%})", f"do-nothing spider {noop:,.0f}",
             f"≥ {crawl.GOAL_SHARE_OF_DO_NOTHING:.0%} of do-nothing", met(share >= crawl.GOAL_SHARE_OF_DO_NOTHING))]


def load_rows(r: dict) -> list[tuple]:
    ratio = r["statements/s"] / r["duckdb alone statements/s"]
    return [(f"load statements/s ({r['statements']:,}, staged, loaded every {r['load every']:,})",
             f"{r['statements/s']:,.0f}", f"loaded every batch {r['per-batch statements/s']:,.0f}",
             f"≥ {load.GOAL:,}", met(r["statements/s"] >= load.GOAL)),
            ("  … DuckDB alone: the same rows, CREATE TABLE AS from the stage, no keys",
             f"{r['duckdb alone statements/s']:,.0f}", "the most a DuckDB file takes here", "", ""),
            ("  … podium's load against DuckDB alone", f"{ratio:.2f}×", "", f"≥ {load.GOAL_OF_DUCKDB_ALONE}×",
             met(ratio >= load.GOAL_OF_DUCKDB_ALONE)),
            ("  … the statements table alone, its key included", f"{r['statements table rows/s']:,.0f}",
             "no documents, no mentions", "", ""),
            ("load pages/s (load_records)", f"{r['pages/s']:,.0f}", "", "", "")]


def runner_rows(r: dict) -> list[tuple]:
    """Extraction with two processes against one, on the same pages in the same run; Dask beside."""
    rows, speedups = [], runners.ratios(r)
    for part, label, goal in (("step", "extract step", runners.GOALS["extract"]),
                              ("end_to_end", "full pipeline", runners.GOALS["end_to_end"])):
        plans = r[part]
        if not plans:
            continue
        one, two = plans["one process"], plans[runners.DEFAULT]
        others = "; ".join(f"{name} {row['pages'] / row['seconds'] * 60:,.0f}" for name, row in plans.items()
                           if name not in ("one process", runners.DEFAULT))
        rows.append((f"{label} pages/min, 2 extraction processes ({two['pages']} pages)",
                     f"{two['pages'] / two['seconds'] * 60:,.0f} ({speedups[part]:.2f}×)",
                     f"one process {one['pages'] / one['seconds'] * 60:,.0f}" + (f"; {others}" if others else ""),
                     f"≥ {goal}× one process", met(speedups[part] >= goal)))
    return rows


def search_rows(results: dict[int, dict]) -> list[tuple]:
    rows = []
    for size, r in results.items():
        (p50, p99), (d50, d99) = r[("podium", True)], r[("duckdb", True)]
        at_goal = size >= 1_000_000
        goal = f"≤ {search.GOALS_MS['p50']:.0f} / ≤ {search.GOALS_MS['p99']:.0f}" if at_goal else ""
        ok = met(p50 <= search.GOALS_MS["p50"] and p99 <= search.GOALS_MS["p99"]) if at_goal else ""
        rows.append((f"search with filters p50 / p99 ms, {r['statements']:,} statements",
                     f"{p50:.1f} / {p99:.1f}", f"DuckDB fts {d50:.0f} / {d99:.0f}", goal, ok))
    return rows


def rss_rows(r: dict) -> list[tuple]:
    """The goal applies to the run's own processes; the temporary Prefect API server that a run
    starts when no Prefect server is configured (as in `make demo`) is shown beside them."""
    own = r["tree peak without Prefect server MB"]
    return [("nightly peak RSS MB, the run's processes summed (flow + Scrapy)", f"{own:.0f}", "",
             f"≤ {rss.GOAL_MB}", met(own <= rss.GOAL_MB)),
            ("  … largest single process", f"{r['largest process MB']:.0f}", "", "", ""),
            ("  … with a temporary Prefect API server", f"{r['tree peak MB']:.0f}", "", "", "")]


def ducklake_rows(r: dict) -> list[tuple]:
    """The DuckLake trial's load and writer rows; its queries are in the notes below the table."""
    size = f"{r['statements']:,} statements"
    rows = [(f"archive load statements/s, one transaction, {size}", f"{r['statements'] / r['duckdb load s']:,.0f}",
             f"DuckLake {r['statements'] / r['lake load s']:,.0f}", "", "")]
    for ours, lake in zip(r["duckdb writers"], r["lake writers"]):
        rows.append((f"{lake['writers']} writers at once, rows/s (the file queues them)", f"{ours['rows/s']:,.0f}",
                     f"DuckLake {lake['rows/s']:,.0f}", "", ""))
    return rows


def table(results: dict) -> Table:
    out = Table(title="podium benchmarks", caption=machine())
    for column in ("measure", "podium", "competitor(s)", "goal", "met?"):
        out.add_column(column, justify="left" if column in ("measure", "competitor(s)") else "right")
    for row in (commands.rows(results["commands"]) + extraction_rows(results["extraction"])
                + quote_rows(results["quotes"]) + link_rows(results["links"]) + crawl_rows(results["crawl"])
                + runner_rows(results["runners"])
                + load_rows(results["load"]) + search_rows(results["search"]) + rss_rows(results["rss"])
                + ducklake_rows(results["ducklake"])):
        out.add_row(*row)
    return out


def notes(results: dict) -> list[str]:
    """What the table leaves out: where the crawl's time goes, and what building the indexes costs."""
    c, stages = results["crawl"], results["crawl"]["stages"]
    lines = [f"crawl stages: crawl {stages['crawl']:.0f} s, load {stages['load']:.0f} s,"
             f" extract {stages['extract']:.0f} s;"
             f" a run with nothing new makes {c['again']['listing'] + c['again']['detail']} page requests"]
    for r in results["search"].values():
        lines.append(f"search at {r['statements']:,}: podium index build {r['podium build s']:.0f} s, update with"
                     f" nothing new {r['podium update s']:.1f} s; DuckDB fts build {r['duckdb build s']:.0f} s")
    lake = results["ducklake"]
    lines.append(f"DuckLake trial at {lake['statements']:,} statements, p50 ms, DuckDB file vs DuckLake: " + "; ".join(
        f"{name} {lake['duckdb queries'][name]['p50 ms']:.0f} vs {lake['lake queries'][name]['p50 ms']:.0f}"
        for name in ducklake.QUERIES))
    lines.append(f"DuckLake trial sizes on disk: DuckDB file {lake['duckdb bytes'] / 1e9:.1f} GB, lake data"
                 f" {lake['lake bytes'] / 1e9:.1f} GB in {lake['lake files']:,} files"
                 f" + catalog {(lake['catalog bytes'] - lake['empty database bytes']) / 1e6:.0f} MB"
                 " over an empty database")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a fast check")
    args = parser.parse_args()
    results = run(QUICK if args.quick else FULL)
    console = Console(width=160)
    console.print(table(results))
    for line in notes(results):
        console.print(line)


if __name__ == "__main__":
    main()
