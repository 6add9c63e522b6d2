"""Extraction across cores: the extract step and the whole pipeline with one extraction process
and with two, on the same pages in the same run, and the Dask path on a LocalCluster beside them.

- extract step: the detail pages of a demo nightly archive (made here, or --seed), repeated under
  new URLs until there are --pages of them (bench/load.py's page_records), loaded into a copy of
  it and extracted by flows.extraction.extract_and_save as a run does (staging, loading,
  near-duplicates and links included), with each plan: one process (the thread runner, one
  worker), two (the default: the thread runner with two workers, each driving its extraction
  child), Prefect's process pool of two, and Dask (a LocalCluster of two worker processes,
  started before the clock).
- end to end: `podium nightly --replay snapshots` into a new archive (crawl, load, extract, index,
  report; a temporary Prefect server included), with one extraction process, with two (the
  default runner), and on the LocalCluster.

    .venv/bin/python bench/runners.py [--seed archive.duckdb] [--pages 1500] [--no-end-to-end]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import data_dir, machine, nightly_command, seed_archive  # noqa: E402
from bench.load import page_records  # noqa: E402

GOALS = {"extract": 1.6, "end_to_end": 1.3}  # two processes against one, from the issue
DEFAULT = "thread runner, 2"  # config/podium.toml's runner, one worker per core here


def step_plans(dask_address: str) -> dict:
    from flows.extraction import extraction_plan

    base = extraction_plan("thread", workers=1)
    return {"one process": base,
            "thread runner, 2": base.__class__(**{**base.__dict__, "workers": 2}),
            "process pool, 2": base.__class__(**{**base.__dict__, "runner": "process", "workers": 2}),
            "dask, 2 workers": base.__class__(**{**base.__dict__, "runner": "dask", "workers": 2,
                                                 "dask_address": dask_address})}


def extract_step(seed: Path, work: Path, plan, records: list[dict]) -> dict:
    """Seconds to extract these page records, loaded into a copy of `seed`, with this plan."""
    from flows.extraction import extract_and_save
    from storage.db import open_archive
    from storage.documents import pending_page_ids
    from storage.load import load_records

    archive = work / f"step-{plan.runner}-{plan.workers}.duckdb"
    shutil.copy(seed, archive)
    with open_archive(archive) as con:
        load_records(con, records, "bench")
        page_ids = pending_page_ids(con, sorted({r["source_id"] for r in records}))
        started = time.perf_counter()
        counts = extract_and_save(con, "bench", page_ids, work / "staging", plan)
        seconds = time.perf_counter() - started
    archive.unlink()
    return {"pages": len(page_ids), "seconds": seconds, "documents": counts["documents"],
            "statements": counts["statements"]}


def end_to_end(work: Path, name: str, env: dict, extra: list[str]) -> dict:
    archive = work / f"e2e-{name.replace(' ', '-').replace(',', '')}.duckdb"
    started = time.perf_counter()
    done = subprocess.run(nightly_command(archive) + extra, capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **env, "PODIUM_DATA": str(work)})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the nightly run ({name}) failed:\n{done.stderr[-2000:]}")
    from storage.db import open_archive

    with open_archive(archive, read_only=True) as con:
        pages = con.execute("SELECT count(*) FROM pages WHERE page_kind = 'detail'").fetchone()[0]
    return {"pages": pages, "seconds": seconds}


def measure(seed: Path | None = None, with_end_to_end: bool = True, pages: int = 1500) -> dict:
    from distributed import LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    results: dict = {"step": {}, "end_to_end": {}}
    with tempfile.TemporaryDirectory(prefix="podium-bench-runners-") as tmp:
        work = Path(tmp)
        seed = seed_archive(seed, work)
        # a query, not a fragment: the archive keys pages by URL without its fragment
        records = page_records(seed, pages, mark="?podium-bench-copy=")
        with (LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
              data_dir(work), prefect_test_harness(server_startup_timeout=180)):
            for name, plan in step_plans(cluster.scheduler_address).items():
                results["step"][name] = extract_step(seed, work, plan, records)
            if with_end_to_end:
                one = {"PODIUM_EXTRACT_RUNNER": "thread", "PODIUM_EXTRACT_WORKERS": "1"}
                two = {"PODIUM_EXTRACT_RUNNER": "thread", "PODIUM_EXTRACT_WORKERS": "2"}
                results["end_to_end"]["one process"] = end_to_end(work, "one process", one, [])
                results["end_to_end"]["thread runner, 2"] = end_to_end(work, "thread runner, 2", two, [])
                results["end_to_end"]["dask, 2 workers"] = end_to_end(
                    work, "dask, 2 workers", {}, ["--dask-address", cluster.scheduler_address])
    return results


def ratios(results: dict) -> dict:
    """Two processes (the default runner, two workers) against one: on the step, and end to end."""
    out = {}
    for part in ("step", "end_to_end"):
        rows = results[part]
        if "one process" in rows and DEFAULT in rows:
            out[part] = rows["one process"]["seconds"] / rows[DEFAULT]["seconds"]
    return out


def table(results: dict) -> Table:
    table = Table(title=f"extraction across cores ({machine()})")
    for column in ("part", "plan", "pages", "seconds", "pages/min", "× one process"):
        table.add_column(column, justify="left" if column in ("part", "plan") else "right")
    for part, rows in results.items():
        one = rows.get("one process", {}).get("seconds")
        for name, row in rows.items():
            table.add_row(part, name, str(row["pages"]), f"{row['seconds']:.1f}",
                          f"{row['pages'] / row['seconds'] * 60:.0f}", f"{one / row['seconds']:.2f}" if one else "")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=Path, help="an archive of a demo nightly run (default: made here)")
    parser.add_argument("--pages", type=int, default=1500, help="pages extracted in the step's runs")
    parser.add_argument("--no-end-to-end", action="store_true", help="only the extract step")
    args = parser.parse_args()
    results = measure(args.seed, not args.no_end_to_end, args.pages)
    console = Console()
    console.print(table(results))
    for part, ratio in ratios(results).items():
        goal = GOALS["extract" if part == "step" else "end_to_end"]
        verdict = "met" if ratio >= goal else "NOT met"
        console.print(f"{part}: two processes {ratio:.2f}× one (goal ≥ {goal}×): {verdict}")


if __name__ == "__main__":
    main()
