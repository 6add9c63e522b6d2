"""`podium serve`: a local Prefect server (started unless one already answers) and a process
serving podium's deployments to it, or, with a work pool, the deployments registered with that
pool for its workers to run. Everything started here is stopped together."""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from podium.settings import project_root, settings

log = logging.getLogger(__name__)

# The database timeouts: Prefect's SQLite waits 10 s for a write and then answers 503 Service
# Unavailable, which a busy 2-core machine reaches (seen: a run form's submit refused so).
SERVER_ENV = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "true",
              "PREFECT_SERVER_DATABASE_TIMEOUT": "60", "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT": "30"}
DEFAULT_PORT = 4200


def api_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/api"


def healthy(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:
            return json.loads(response.read()) is True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_until_healthy(url: str, process: subprocess.Popen | None, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with {process.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no Prefect server answered at {url} within {timeout:.0f} s")
        time.sleep(0.5)


def start_server(port: int, env: dict | None = None) -> subprocess.Popen:
    prefect = Path(sys.executable).with_name("prefect")
    command = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    # The UI calls the API at the URL it is given; by default that is port 4200.
    ui = {"PREFECT_UI_API_URL": api_url(port)}
    # Its own session: Ctrl-C in the terminal reaches only `podium serve`, which stops it in order.
    return subprocess.Popen(command, env={**os.environ, **SERVER_ENV, **ui, **(env or {})}, cwd=project_root(),
                            start_new_session=True)


def start_serving(url: str, env: dict | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "flows.deployments"]
    return subprocess.Popen(command, env={**os.environ, **SERVER_ENV, **(env or {}), "PREFECT_API_URL": url},
                            cwd=project_root(), start_new_session=True)


def deploy_to_pool(url: str, pool: str, env: dict | None = None) -> None:
    """Register podium's deployments with the process work pool `pool` (created if missing) of the
    server at `url`, and return when they are; its workers (`prefect worker start --pool`) run them."""
    command = [sys.executable, "-m", "flows.deployments", "--work-pool", pool]
    done = subprocess.run(command, env={**os.environ, **SERVER_ENV, **(env or {}), "PREFECT_API_URL": url},
                          cwd=project_root())
    if done.returncode != 0:
        raise RuntimeError(f"deploying podium's flows to work pool {pool!r} failed (exit {done.returncode}); "
                           "its output above says why")


class Stopped(Exception):
    """`podium serve` was asked to stop (SIGTERM, SIGHUP)."""


def _stop_on_signal(signum, frame):
    raise Stopped(signal.Signals(signum).name)


def stop(processes: list[subprocess.Popen]) -> None:
    """Stop the processes last first, each before the next: the deployments' runner still talks
    to the server while it shuts down (stopped together, it logs the server's closed websocket)."""
    for process in reversed(processes):
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serving_note() -> Path:
    """Where this project's commands find the server its flows are served to (podium.prefect_setup)."""
    return Path(os.environ.get("PREFECT_HOME") or settings().data_dir / "prefect") / "podium-serve.json"


def note_serving(url: str) -> None:
    serving_note().parent.mkdir(parents=True, exist_ok=True)
    serving_note().write_text(json.dumps({"api_url": url, "pid": os.getpid()}))


def serve(port: int = DEFAULT_PORT, work_pool: str | None = None) -> None:
    """Start what is missing, serve the deployments (or register them with `work_pool`), and stop
    it all on Ctrl-C. With a work pool and a server that already answered, nothing is left to run
    here: it returns once the deployments are registered."""
    url, started, noted = api_url(port), [], False
    previous = {sig: signal.signal(sig, _stop_on_signal) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        if not healthy(url):
            log.info("starting a Prefect server at %s", url)
            started.append(start_server(port))
        wait_until_healthy(url, started[0] if started else None)
        if work_pool:
            deploy_to_pool(url, work_pool)
        else:
            started.append(start_serving(url))
        if started:
            note_serving(url)
            noted = True
            started[-1].wait()
    except (KeyboardInterrupt, Stopped) as why:
        log.info("stopping (%s)", why or "Ctrl-C")
    finally:
        if noted:  # another `podium serve` may have noted the server this one only deployed to
            serving_note().unlink(missing_ok=True)
        stop(started)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
