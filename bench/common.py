"""What the benchmarks share: the seed archive of real statements, timing, and the machine line."""
from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PODIUM = ROOT / ".venv" / "bin" / "podium"


def nightly_command(archive: Path) -> list[str]:
    """A demo nightly run: every configured source, replayed from the bundled snapshots."""
    return [str(PODIUM), "nightly", "--replay", str(ROOT / "snapshots"), "--archive", str(archive)]


def seed_archive(given: Path | None, workdir: Path) -> Path:
    """An archive of real extracted statements: `given`, or made here by a demo nightly run."""
    if given:
        return given
    seed = workdir / "seed.duckdb"
    env = {**os.environ, "PODIUM_DATA": os.environ.get("PODIUM_DATA") or str(workdir)}
    subprocess.run(nightly_command(seed), check=True, capture_output=True, cwd=ROOT, env=env)
    return seed


def timed(call) -> tuple[float, object]:
    """(milliseconds, result) of one call."""
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def machine() -> str:
    """One line: cores, memory, CPU model, Python, date."""
    return (f"{os.cpu_count()} cores, {_memory_gib():.0f} GiB, {_cpu_model()}, "
            f"Python {platform.python_version()}, {dt.date.today().isoformat()}")


@contextmanager
def data_dir(path: Path):
    """Run folders under `path` for the duration (unless PODIUM_DATA is set already): a benchmark
    must not fill the project's data/ folder."""
    from podium.settings import settings

    saved = os.environ.get("PODIUM_DATA")
    os.environ["PODIUM_DATA"] = saved or str(path)
    settings.cache_clear()  # settings are read once per process
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PODIUM_DATA", None)
        settings.cache_clear()
