"""The deployments on a real Prefect server: what `podium serve` starts, and an ad-hoc crawl
created through the server's API with its parameters exactly as the UI's run form sends them."""
from __future__ import annotations

import socket
import time

import httpx
import pytest

from conftest import SNAPSHOTS
from podium.serving import api_url, start_server, start_serving, stop, wait_until_healthy
from storage.db import open_archive

DEPLOYMENTS = {"nightly", "adhoc-crawl", "reprocess", "backfill"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A Prefect server of its own (SQLite in a temporary home) with podium's deployments served."""
    env = {"PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home")), "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    url = api_url(free_port())
    server = start_server(int(url.rsplit(":", 1)[1].split("/")[0]), env)
    processes = [server]
    try:
        wait_until_healthy(url, server, timeout=240)
        processes.append(start_serving(url, env))
        yield url, deployments_by_name(url)
    finally:
        stop(processes)


def deployments_by_name(url: str, timeout: float = 120) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = {d["name"]: d for d in httpx.post(f"{url}/deployments/filter", json={}).json()}
        if DEPLOYMENTS <= set(found):
            return found
        time.sleep(1)
    raise TimeoutError(f"deployments not served within {timeout} s")


def wait_for_run(url: str, run_id: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = httpx.get(f"{url}/flow_runs/{run_id}").json()
        if run["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return run
        time.sleep(1)
    raise TimeoutError(f"flow run {run_id} did not finish within {timeout} s")


def test_nightly_is_scheduled_in_the_configured_zone(served):
    _, deployments = served
    schedules = [s["schedule"] for s in deployments["nightly"]["schedules"]]
    assert schedules == [{"cron": "30 2 * * *", "timezone": "Asia/Shanghai", "day_or": True}]


def test_adhoc_form_offers_the_configured_sources(served):
    _, deployments = served
    schema = deployments["adhoc-crawl"]["parameter_openapi_schema"]
    assert "fmprc_en" in schema["definitions"]["SourceKey"]["enum"]
    assert schema["properties"]["since"]["anyOf"][0] == {"format": "date", "type": "string"}


def test_adhoc_crawl_started_through_the_api_fills_the_archive(served, tmp_path):
    url, deployments = served
    archive = tmp_path / "adhoc.duckdb"
    parameters = {"sources": ["fmprc_en"], "since": "2019-08-01", "until": "2019-09-30",
                  "replay": str(SNAPSHOTS), "archive": str(archive)}
    created = httpx.post(f"{url}/deployments/{deployments['adhoc-crawl']['id']}/create_flow_run",
                         json={"parameters": parameters, "state": {"type": "SCHEDULED"}}).json()
    assert "id" in created, created
    run = wait_for_run(url, created["id"])
    assert run["state"]["type"] == "COMPLETED", run["state"]
    assert run["name"].startswith("adhoc-crawl-fmprc_en-")
    with open_archive(archive, read_only=True) as con:
        dates = [r[0] for r in con.execute("SELECT published_at FROM documents").fetchall()]
    assert dates and all(str(d) >= "2019-08-01" and str(d) <= "2019-09-30" for d in dates)
    artifacts = httpx.post(f"{url}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [created["id"]]}}}).json()
    assert any("fmprc_en" in (a.get("data") or "") for a in artifacts)
