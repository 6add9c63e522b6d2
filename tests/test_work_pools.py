"""Podium's deployments on a Prefect process work pool: `podium serve --work-pool` registers them
with a real Prefect server, and real `prefect worker start` processes run nightly runs created
through the server's API: one alone, then two at once on one archive, which queue on its writer
lock and both complete."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, copy_snapshot_to, snapshot_rows
from podium.serving import api_url, start_server, stop, wait_until_healthy
from storage.db import open_archive
from test_prefect_server import deployments_by_name, free_port, post_retrying, wait_for_run

BIN = Path(sys.executable).parent
POOL = "podium-test-pool"
DETAILS = 3  # detail pages in the snapshot the runs crawl: enough to show documents, quick to extract


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    """The fmprc_en snapshot with its listings and its first DETAILS detail pages."""
    details = sorted(r["file"] for r in snapshot_rows("fmprc_en") if r["file"].startswith("detail/"))[:DETAILS]
    return copy_snapshot_to(tmp_path_factory.mktemp("pool-snapshot"), "fmprc_en", {Path(f).stem for f in details})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A Prefect server of its own (SQLite in a temporary home): workers are separate processes,
    so they need a server they can reach by URL, which the in-process test harness is not."""
    env = {"PREFECT_HOME": str(tmp_path_factory.mktemp("pool-prefect-home"))}
    port = free_port()
    process = start_server(port, env)
    try:
        wait_until_healthy(api_url(port), process, timeout=240)
        yield port, env
    finally:
        stop([process])


@pytest.fixture(scope="module")
def pool_deployments(server) -> dict[str, dict]:
    """The pool and its deployments by name, made by `podium serve --work-pool` against the running
    server (which it leaves running, returning once they are registered)."""
    port, env = server
    deploy_to_pool(port, env)
    return deployments_by_name(api_url(port))


def deploy_to_pool(port: int, env: dict) -> None:
    done = subprocess.run([str(BIN / "podium"), "serve", "--port", str(port), "--work-pool", POOL],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def nightly_deployment(pool_deployments) -> dict:
    return pool_deployments["nightly"]


@pytest.fixture(scope="module")
def worker_env(server, tmp_path_factory) -> dict:
    """What a worker on this machine is started with, which the flow runs it starts inherit: this
    checkout's configuration, the test's data folder, and extraction in the flow run's process."""
    port, env = server
    data = tmp_path_factory.mktemp("pool-data")
    return {**os.environ, **env, "PREFECT_API_URL": api_url(port), "PODIUM_HOME": str(ROOT),
            "PODIUM_DATA": str(data), "PODIUM_ARCHIVE": str(data / "default.duckdb"),
            "PODIUM_EXTRACT_RUNNER": "thread", "PODIUM_EXTRACT_WORKERS": "1",
            "PODIUM_LOCK_WAIT_SECONDS": "300",  # a run queued behind another waits for it, on a busy machine too
            "PREFECT_WORKER_QUERY_SECONDS": "2"}  # poll for scheduled runs every 2 s, not 10


@contextmanager
def worker(name: str, env: dict, log: Path):
    """A `prefect worker start` process of the pool that runs one flow run at a time (so a second
    run waits for another worker); stopped, with whatever it started, when the block ends."""
    command = [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--type", "process", "--name", name,
               "--limit", "1"]
    with open(log, "w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        stop([process])
        try:
            os.killpg(process.pid, 9)  # its flow-run processes, if a failed test left one running
        except ProcessLookupError:
            pass


def wait_for_workers(url: str, names: set[str], timeout: float = 240) -> None:
    """Until each named worker has reported to the pool: it polls for runs from then on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = httpx.post(f"{url}/work_pools/{POOL}/workers/filter", json={}, timeout=60).json()
        if names <= {w["name"] for w in workers if w["status"] == "ONLINE"}:
            return
        time.sleep(1)
    raise TimeoutError(f"workers {sorted(names)} did not come online within {timeout} s")


def start_nightly(url: str, deployment: dict, snapshot: Path, archive: Path) -> str:
    """A nightly flow run created through the API, as the UI's Run button does; its id."""
    parameters = {"sources": ["fmprc_en"], "replay": str(snapshot), "archive": str(archive)}
    created = post_retrying(f"{url}/deployments/{deployment['id']}/create_flow_run",
                            {"parameters": parameters, "state": {"type": "SCHEDULED"}})
    assert "id" in created, created
    return created["id"]


def submitted_by(url: str, run_id: str) -> str | None:
    """The name of the worker that submitted the flow run, from the run's logs."""
    logs = httpx.post(f"{url}/logs/filter", json={"logs": {"flow_run_id": {"any_": [run_id]}}}, timeout=60).json()
    return next((log["message"].split("'")[1] for log in logs if log["message"].startswith("Worker '")), None)


def document_urls(archive: Path) -> set[str]:
    with open_archive(archive, read_only=True) as con:
        return {url for (url,) in con.execute("SELECT url FROM documents").fetchall()}


def snapshot_detail_urls(snapshot: Path) -> set[str]:
    from podium.replay import read_index

    return {r["url"] for r in read_index(snapshot / "fmprc_en") if r["file"].startswith("detail/")}


def running_span(run: dict) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.fromisoformat(run["start_time"]), dt.datetime.fromisoformat(run["end_time"])


def test_the_deployments_go_to_a_process_pool_with_their_schedule_and_form_choices(server, pool_deployments):
    pool = httpx.get(f"{api_url(server[0])}/work_pools/{POOL}").json()
    assert pool["type"] == "process"
    assert {d["work_pool_name"] for d in pool_deployments.values()} == {POOL}
    # Module entrypoints: a worker imports the installed podium; nothing is pulled from storage.
    assert pool_deployments["nightly"]["entrypoint"] == "flows.nightly.nightly"
    assert all(d["pull_steps"] == [] for d in pool_deployments.values())
    schedules = [s["schedule"] for s in pool_deployments["nightly"]["schedules"]]
    assert schedules == [{"cron": "30 2 * * *", "timezone": "Asia/Shanghai", "day_or": True}]
    schema = pool_deployments["adhoc-crawl"]["parameter_openapi_schema"]
    assert "fmprc_en" in schema["definitions"]["CrawlSourceKey"]["enum"]
    deploy_to_pool(*server)  # again, to the pool that exists now: the same deployments, updated
    assert {d["id"] for d in deployments_by_name(api_url(server[0])).values()} == {
        d["id"] for d in pool_deployments.values()}


def test_a_worker_runs_a_nightly_run_created_through_the_api(server, nightly_deployment, worker_env, snapshot,
                                                             tmp_path):
    url = api_url(server[0])
    archive = tmp_path / "archive.duckdb"
    with worker("podium-worker-1", worker_env, tmp_path / "worker-1.log"):
        run_id = start_nightly(url, nightly_deployment, snapshot, archive)
        run = wait_for_run(url, run_id, timeout=400)
    assert run["state"]["type"] == "COMPLETED", (run["state"], (tmp_path / "worker-1.log").read_text()[-4000:])
    assert submitted_by(url, run_id) == "podium-worker-1"
    assert document_urls(archive) == snapshot_detail_urls(snapshot)


def test_two_workers_run_two_writing_runs_at_once_queued_on_the_archive_lock(server, nightly_deployment,
                                                                              worker_env, snapshot, tmp_path):
    url = api_url(server[0])
    archive = tmp_path / "archive.duckdb"
    names = {"podium-worker-a", "podium-worker-b"}
    with ExitStack() as workers:
        for name in names:
            workers.enter_context(worker(name, worker_env, tmp_path / f"{name}.log"))
        wait_for_workers(url, names)  # both poll before the runs exist: each takes one at once
        run_ids = [start_nightly(url, nightly_deployment, snapshot, archive) for _ in range(2)]
        runs = [wait_for_run(url, run_id, timeout=500) for run_id in run_ids]
    logs = "\n".join((tmp_path / f"{name}.log").read_text()[-3000:] for name in sorted(names))
    assert [r["state"]["type"] for r in runs] == ["COMPLETED", "COMPLETED"], ([r["state"] for r in runs], logs)
    assert {submitted_by(url, run_id) for run_id in run_ids} == names
    # Both flow runs were running at once, yet their writes in the archive did not overlap: the
    # later one waited on the writer lock, then ran to the end.
    (first_start, first_end), (second_start, second_end) = sorted(running_span(r) for r in runs)
    assert second_start < first_end
    with open_archive(archive, read_only=True) as con:
        rows = con.execute("SELECT flow_run_id, status, started_at, finished_at FROM crawl_runs"
                           " ORDER BY started_at").fetchall()
    assert sorted(str(row[0]) for row in rows) == sorted(run_ids)
    assert [status for _, status, _, _ in rows] == ["completed", "completed"]
    assert rows[0][3] <= rows[1][2]
    assert document_urls(archive) == snapshot_detail_urls(snapshot)
