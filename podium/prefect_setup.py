"""Where podium's commands find Prefect, set before Prefect is imported.

- Prefect's home (its SQLite database of runs, its profiles) is the project's own,
  `<data dir>/prefect`, not `~/.prefect`: two checkouts never list each other's runs.
- A standing Prefect server (the one this project's `podium serve` runs, or PREFECT_API_URL) is
  used when one answers. Otherwise the crawling commands start a temporary one, with a start-up timeout
  long enough for a busy machine, and the quick commands (ingest, import-warc) run their steps
  without Prefect at all.
- Analytics are off: these machines are offline.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from podium.serving import SERVER_ENV, healthy, serving_note
from podium.settings import settings

# Seconds a temporary API server may take to start: Prefect's default (20 s) fails on a busy
# 2-core machine (seen: over a minute).
TEMPORARY_SERVER_STARTUP_SECONDS = 180


def configure() -> None:
    """Environment defaults for Prefect in this process and the processes it starts (a value
    already set by the user wins), and the standing server's URL when one answers. Prefect reads
    them when it is imported: call this first."""
    os.environ.setdefault("PREFECT_HOME", str(settings().data_dir / "prefect"))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)  # Prefect makes one level only
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(TEMPORARY_SERVER_STARTUP_SECONDS))
    for name, value in SERVER_ENV.items():  # analytics off; database waits as the standing server's
        os.environ.setdefault(name, value)
    standing_server()


def standing_server() -> str | None:
    """The API URL of a Prefect server to run flows through: PREFECT_API_URL, else the one this
    project's `podium serve` noted, when it answers; None otherwise (another project's server on
    the same port is never used: its UI would list this project's runs)."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        return configured
    try:
        noted = json.loads(serving_note().read_text())["api_url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if healthy(noted, timeout=0.5):
        os.environ["PREFECT_API_URL"] = noted
        return noted
    return None
