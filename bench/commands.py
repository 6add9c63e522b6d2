"""How quick the quick commands are: wall time of whole commands, each a fresh process as a user
starts it, with no Prefect server running.

- `podium ingest` of one saved page (a real China MFA transcript) into a new archive, beside
  the same work done in Python without Prefect (the ingest flow's function called directly) and
  the same flow run through Prefect, which starts a temporary API server for it;
- a usage error (`podium crawl -s fmprc_eng`), which must be refused before anything starts.

    .venv/bin/python bench/commands.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import PODIUM, machine  # noqa: E402

PAGE = ROOT / "snapshots" / "fmprc_en" / "detail" / "t1794629.shtml"
PAGE_URL = "https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/t1794629.shtml"
GOAL_INGEST_S = 5.0
GOAL_USAGE_ERROR_S = 2.0
IN_PYTHON = ("import sys; from flows.imports import ingest; "
             "ingest{call}(paths=[sys.argv[1]], url=sys.argv[2], archive=sys.argv[3])")


def wall(command: list[str], env: dict, expect: int = 0) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != expect:
        raise SystemExit(f"{' '.join(command[:4])} … exited {result.returncode}: {result.stderr[-2000:]}")
    return elapsed


def median_wall(make_command, env: dict, repeat: int, expect: int = 0) -> float:
    """Median seconds over `repeat` runs; each run gets a new archive (`make_command(i)`)."""
    return statistics.median(wall(make_command(i), env, expect) for i in range(repeat))


def measure(repeat: int = 3) -> dict:
    with tempfile.TemporaryDirectory(prefix="podium-bench-commands-") as tmp:
        work = Path(tmp)
        # No standing server is used, and Prefect's home is fresh but made once (its database too).
        env = {**os.environ, "PODIUM_DATA": str(work), "PREFECT_HOME": str(work / "prefect"),
               "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # as podium's commands set them
               "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
        env.pop("PREFECT_API_URL", None)
        archive = lambda name, i: str(work / f"{name}-{i}.duckdb")  # noqa: E731
        cli = lambda i: [str(PODIUM), "ingest", str(PAGE), "--url", PAGE_URL, "--archive", archive("cli", i)]  # noqa: E731
        plain = lambda i: [sys.executable, "-c", IN_PYTHON.format(call=".fn"), str(PAGE), PAGE_URL, archive("fn", i)]  # noqa: E731
        flow = lambda i: [sys.executable, "-c", IN_PYTHON.format(call=""), str(PAGE), PAGE_URL, archive("flow", i)]  # noqa: E731
        wall(flow(-1), env)  # once first: Prefect makes its database in the new home
        return {
            "podium ingest s": median_wall(cli, env, repeat),
            "without Prefect s": median_wall(plain, env, repeat),
            "through a temporary Prefect server s": median_wall(flow, env, repeat),
            "usage error s": median_wall(lambda i: [str(PODIUM), "crawl", "-s", "fmprc_eng"], env, repeat, expect=2),
        }


def rows(r: dict) -> list[tuple]:
    """Rows of run_all's table: measure, podium, competitor(s), goal, met?"""
    ok = lambda good: "[green]yes[/]" if good else "[red]no[/]"  # noqa: E731
    return [("podium ingest of one saved page, wall s", f"{r['podium ingest s']:.1f}",
             f"the same work without Prefect {r['without Prefect s']:.1f}; as a Prefect flow run with a "
             f"temporary server {r['through a temporary Prefect server s']:.1f}",
             f"≤ {GOAL_INGEST_S:g}", ok(r["podium ingest s"] <= GOAL_INGEST_S)),
            ("a usage error (unknown source), wall s", f"{r['usage error s']:.2f}", "",
             f"≤ {GOAL_USAGE_ERROR_S:g}", ok(r["usage error s"] <= GOAL_USAGE_ERROR_S))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (the median is shown)")
    results = measure(parser.parse_args().repeat)
    table = Table(title="quick commands", caption=machine())
    for column in ("measure", "podium", "competitor(s)", "goal", "met?"):
        table.add_column(column)
    for row in rows(results):
        table.add_row(*row)
    Console(width=160).print(table)


if __name__ == "__main__":
    main()
