"""Crash safety: a real nightly run, started as its own process, is killed with SIGKILL at each
named crash point (podium/crash.py). Afterwards the archive must open, hold no partial document,
and a rerun must end with exactly the statements of an uninterrupted run."""
from __future__ import annotations

import gzip
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_snapshot_to, snapshot_rows
from storage.db import open_archive, published_path
from storage.extracted import stage_folder
from storage.search_index import index_disagreements

PODIUM = Path(sys.executable).parent / "podium"
DETAILS = 10  # detail pages in the crash tests' snapshot
BATCH = 2  # pages per extraction batch, so "between two batches" exists; each batch is loaded at once

# Crash point → how far the killed run got: (all pages loaded?, documents saved: None = all).
CRASH_POINTS = {
    "load-inserted": (False, 0),
    "load-committed": (True, 0),
    "extract-staged": (True, 0),
    "extract-inserted": (True, 0),
    "extract-batch": (True, BATCH),
    "extract-done": (True, None),
    "search-update": (True, None),
    "publish-before": (True, None),
    "publish-copied": (True, None),
}
RUN_RECORDED_FINISHED = {"publish-before", "publish-copied"}  # killed after finish_run
# Killed runs that extracted on Prefect's process pool (one page per task); the baseline and the
# reruns extract in one process, so a rerun equal to the baseline is one equal to a one-process run.
RUNS = [(point, "thread") for point in CRASH_POINTS] + [("extract-batch", "process"), ("extract-done", "process")]


@pytest.fixture(scope="module")
def crash_snapshot(tmp_path_factory) -> Path:
    """The fmprc_en snapshot with its listings and its first DETAILS detail pages."""
    details = sorted(r["file"] for r in snapshot_rows("fmprc_en") if r["file"].startswith("detail/"))[:DETAILS]
    return copy_snapshot_to(tmp_path_factory.mktemp("crash-snapshot"), "fmprc_en", {Path(f).stem for f in details})


@pytest.fixture(scope="module")
def run_nightly(prefect_harness, crash_snapshot, tmp_path_factory):
    """Run `podium nightly` in a process of its own (against the harness's Prefect server)."""
    from prefect.settings import PREFECT_API_URL

    data = tmp_path_factory.mktemp("crash-data")

    def run(archive: Path, crash_at: str | None = None, runner: str = "thread") -> subprocess.CompletedProcess:
        env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PODIUM_DATA": str(data),
               "PODIUM_EXTRACT_BATCH": str(BATCH), "PODIUM_LOAD_EVERY": "1", "PODIUM_CRASH_AT": crash_at or "",
               "PODIUM_EXTRACT_RUNNER": runner, "PODIUM_EXTRACT_WORKERS": "2", "PODIUM_EXTRACT_CHUNK": "1"}
        return subprocess.run([str(PODIUM), "nightly", "--source", "fmprc_en", "--replay", str(crash_snapshot),
                               "--archive", str(archive)], env=env, capture_output=True, text=True, timeout=600)

    return run


def archive_state(archive: Path) -> dict:
    with open_archive(archive, read_only=True) as con:
        return {
            "pages": con.execute("SELECT page_id, content_hash, body_gz FROM pages").fetchall(),
            "per_document": dict(con.execute(
                "SELECT d.doc_id, count(s.statement_id) FROM documents d"
                " LEFT JOIN statements s USING (doc_id) GROUP BY 1").fetchall()),
            "orphans": con.execute("SELECT count(*) FROM statements s WHERE NOT EXISTS"
                                   " (SELECT 1 FROM documents d WHERE d.doc_id = s.doc_id)").fetchone()[0],
            "statements": set(con.execute("SELECT statement_id, text FROM statements").fetchall()),
            "runs": con.execute("SELECT status FROM crawl_runs ORDER BY started_at").fetchall(),
        }


@pytest.fixture(scope="module")
def baseline(run_nightly, tmp_path_factory) -> dict:
    """The archive of one uninterrupted run, which every crashed-and-rerun archive must equal."""
    archive = tmp_path_factory.mktemp("baseline") / "archive.duckdb"
    done = run_nightly(archive)
    assert done.returncode == 0, done.stderr[-3000:]
    state = archive_state(archive)
    assert len(state["per_document"]) == DETAILS and len(state["statements"]) > DETAILS
    return state


def assert_no_partial_document(state: dict, baseline: dict, point: str) -> None:
    all_pages, documents = CRASH_POINTS[point]
    assert len(state["pages"]) == (len(baseline["pages"]) if all_pages else 0)  # a load is all or nothing
    for _, digest, body_gz in state["pages"]:
        assert hashlib.sha256(gzip.decompress(body_gz)).hexdigest() == digest
    assert len(state["per_document"]) == (DETAILS if documents is None else documents)
    for doc_id, statements in state["per_document"].items():
        assert statements == baseline["per_document"][doc_id], doc_id
    assert state["orphans"] == 0


@pytest.mark.parametrize("point,runner", RUNS)
def test_a_run_killed_at_any_point_leaves_a_sound_archive_that_a_rerun_completes(point, runner, run_nightly,
                                                                                baseline, tmp_path):
    archive = tmp_path / "archive.duckdb"
    killed = run_nightly(archive, crash_at=point, runner=runner)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]

    with open_archive(archive):  # writable: replays what the killed run left in the WAL
        pass
    assert_no_partial_document(archive_state(archive), baseline, point)
    published = published_path(archive)
    # Readers still see the archive as it was before the run: its first run published it empty.
    assert archive_state(published)["statements"] == set()

    rerun = run_nightly(archive)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    after = archive_state(archive)
    assert after["statements"] == baseline["statements"]
    assert after["per_document"] == baseline["per_document"] and after["orphans"] == 0
    first = "completed" if point in RUN_RECORDED_FINISHED else "crashed"
    assert after["runs"] == [(first,), ("completed",)]
    with open_archive(archive, read_only=True) as con:
        assert index_disagreements(con) == (set(), set())
    assert archive_state(published)["statements"] == baseline["statements"]
    assert not Path(f"{published}.tmp").exists()
    assert not stage_folder(archive).exists()  # a killed run's staged extractions are cleared


def test_after_a_kill_a_reader_can_open_the_archive_first(run_nightly, baseline, tmp_path):
    """A reader may come first after a crash: a read-only open must work on what the kill left."""
    archive = tmp_path / "archive.duckdb"
    assert run_nightly(archive, crash_at="extract-batch").returncode == -signal.SIGKILL
    state = archive_state(archive)
    assert len(state["per_document"]) == BATCH and state["orphans"] == 0


def test_a_worker_lost_mid_run_fails_the_run_plainly_and_a_rerun_completes(run_nightly, baseline, tmp_path):
    """A process-pool worker killed in its extraction task: the run fails, saying so in one line
    (exit 1), keeps no partial document, and the next run extracts the pages."""
    archive = tmp_path / "archive.duckdb"
    lost = run_nightly(archive, crash_at="extract-chunk", runner="process")
    assert lost.returncode == 1, lost.stderr[-3000:]
    assert "an extraction task failed on the process runner" in lost.stderr + lost.stdout
    state = archive_state(archive)
    assert len(state["per_document"]) == 0 and state["orphans"] == 0 and state["runs"] == [("failed",)]
    rerun = run_nightly(archive)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    after = archive_state(archive)
    assert after["statements"] == baseline["statements"] and after["runs"] == [("failed",), ("completed",)]
