"""Peak memory of a demo nightly run (`podium nightly --replay snapshots`), Scrapy subprocesses
included, measured two ways:

- largest single process: ru_maxrss from wait4() on the nightly process, which the kernel reports
  as the largest peak RSS of that process or any descendant it waited for (not a sum);
- whole tree: the RSS of the nightly process and all its descendants summed, sampled from /proc
  every 0.2 s (a peak shorter than that can be missed); also without the temporary Prefect API
  server that `podium nightly` starts when no Prefect server is configured.

    .venv/bin/python bench/rss.py [--archive PATH]
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import nightly_command  # noqa: E402

GOAL_MB = 600
INTERVAL = 0.2
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _parents() -> dict[int, int]:
    """pid → parent pid of every process now running."""
    out = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # it ended while we looked
            out[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def _rss_kb(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0  # it ended while we looked


def _is_prefect_server(pid: int) -> bool:
    try:
        return b"prefect.server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def tree_rss_kb(root: int) -> tuple[int, int]:
    """Summed resident set of `root` and all its descendants, in KiB: all of them, and all but the
    temporary Prefect API server that a run without a standing Prefect server starts for itself."""
    parents, tree = _parents(), {root}
    grew = True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= found
        grew = bool(found)
    sizes = {pid: _rss_kb(pid) for pid in tree}
    server = sum(size for pid, size in sizes.items() if _is_prefect_server(pid))
    return sum(sizes.values()), sum(sizes.values()) - server


def _sample(pid: int, done: threading.Event, peak: list[int]) -> None:
    while not done.wait(INTERVAL):
        total, without_server = tree_rss_kb(pid)
        peak[0], peak[1] = max(peak[0], total), max(peak[1], without_server)


def measure(archive: Path, data_dir: Path) -> dict:
    """Run the demo nightly into `archive` (run folders under `data_dir`); its peaks in MB."""
    env = {**os.environ, "PODIUM_DATA": str(data_dir)}
    started = time.perf_counter()
    process = subprocess.Popen(nightly_command(archive), cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done, peak = threading.Event(), [0, 0]
    sampler = threading.Thread(target=_sample, args=(process.pid, done, peak), daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if process.returncode:
        raise RuntimeError(f"the nightly run failed with exit code {process.returncode}")
    return {"largest process MB": usage.ru_maxrss / 1024, "tree peak MB": peak[0] / 1024,
            "tree peak without Prefect server MB": peak[1] / 1024,
            "seconds": time.perf_counter() - started}


def main() -> None:
    import argparse

    from rich.console import Console

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, help="keep the archive here (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="podium-bench-rss-") as tmp:
        r = measure(args.archive or Path(tmp) / "nightly.duckdb", Path(tmp))
    Console().print(f"demo nightly run ({r['seconds']:.0f} s): largest single process {r['largest process MB']:.0f} MB,"
                    f" whole process tree (summed, sampled every {INTERVAL} s) {r['tree peak MB']:.0f} MB,"
                    f" {r['tree peak without Prefect server MB']:.0f} MB without the temporary Prefect server;"
                    f" goal ≤ {GOAL_MB} MB")


if __name__ == "__main__":
    main()
