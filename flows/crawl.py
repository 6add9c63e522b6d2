"""The crawl task: one Scrapy crawl of one source, in a subprocess.

Scrapy's Twisted reactor cannot be restarted within a process and wants the main thread for its
signal handlers, so every crawl is a fresh `python -m scrapy crawl <key>` process. It writes a
staging file and a stats file; the flow, the archive's only writer, loads them afterwards.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import task

from flows.steps import run_logger
from podium import progress
from podium.settings import project_root
from storage.load import staged_records

# Replay servers are local: the politeness delays meant for live sites only slow them down.
# Their host is loopback on purpose, so Scrapy's own resolver replaces the public-only one.
REPLAY_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_START_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False",
                   "TWISTED_DNS_RESOLVER": "scrapy.resolver.CachingThreadedResolver"}


class CrawlFailed(RuntimeError):
    """The crawl process ended abnormally; what it staged before that is still loaded."""


@dataclass
class CrawlRequest:
    source: str
    run_dir: Path
    archived_file: Path | None = None
    retry_file: Path | None = None
    replay_base: str | None = None
    since: str | None = None
    until: str | None = None
    urls: list[str] = field(default_factory=list)
    max_pages: int | None = None

    @property
    def staging(self) -> Path:
        return self.run_dir / f"{self.source}.jsonl"

    @property
    def log_file(self) -> Path:
        return self.run_dir / f"{self.source}.log"


@dataclass
class CrawlResult:
    source: str
    staging: Path
    log_file: Path
    stats: dict
    returncode: int


def scrapy_command(request: CrawlRequest) -> list[str]:
    arguments = {"since": request.since, "until": request.until, "max_pages": request.max_pages,
                 "archived": request.archived_file, "retry": request.retry_file}
    if request.urls:
        urls_file = request.run_dir / f"{request.source}.urls.txt"
        urls_file.write_text("\n".join(request.urls) + "\n", encoding="utf-8")
        arguments["urls"] = urls_file
    settings = {"PODIUM_STAGING": request.staging, "LOG_FILE": request.log_file}
    if request.replay_base:
        settings |= {"PODIUM_REPLAY_BASE": request.replay_base, **REPLAY_SETTINGS}
    command = [sys.executable, "-m", "scrapy", "crawl", request.source]
    command += [part for k, v in arguments.items() if v for part in ("-a", f"{k}={v}")]
    command += [part for k, v in settings.items() for part in ("-s", f"{k}={v}")]
    return command


class StagedLines:
    """How many records a spider has staged so far: each count reads only what was added since
    the last one (the file grows by whole page bodies)."""

    def __init__(self, path: Path):
        self.path, self.offset, self.lines = path, 0, 0

    def count(self) -> int:
        if self.path.exists():
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                while chunk := handle.read(1 << 20):
                    self.lines += chunk.count(b"\n")
                    self.offset += len(chunk)
        return self.lines


def staged_pages(staging: Path) -> int:
    """Pages a crawl staged (its stats are missing when it did not finish)."""
    return sum(record.get("type") == "page" for record in staged_records(staging, []))


def run_crawl(request: CrawlRequest, poll_seconds: float = 0.5) -> CrawlResult:
    """Run one crawl to completion (no shell; arguments passed as a list), reporting progress."""
    request.run_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    output = request.run_dir / f"{request.source}.out"
    with open(output, "w", encoding="utf-8") as sink:
        process = subprocess.Popen(scrapy_command(request), cwd=project_root(), env=env, stdout=sink,
                                   stderr=subprocess.STDOUT, text=True)
        staged = StagedLines(request.staging)
        while process.poll() is None:
            if progress.listening():
                progress.report(f"crawl {request.source}", staged.count())
            time.sleep(poll_seconds)
    if progress.listening():
        progress.report(f"crawl {request.source}", staged.count())
    stats_file = Path(f"{request.staging}.stats.json")
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    result = CrawlResult(request.source, request.staging, request.log_file, stats, process.returncode)
    if process.returncode != 0 or "finish_reason" not in stats:
        tail = output.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        raise CrawlFailed(f"crawl of {request.source} exited with {process.returncode}: {' | '.join(tail)}")
    return result


@task(name="crawl", task_run_name="crawl-{request.source}", retries=2, retry_delay_seconds=[5, 30])
def crawl_source(request: CrawlRequest) -> CrawlResult:
    logger = run_logger()
    result = run_crawl(request)
    logger.info("%s: %d listing and %d detail requests, %d pages staged, %d fetch errors",
                request.source, result.stats.get("podium/requests/listing", 0),
                result.stats.get("podium/requests/detail", 0), result.stats.get("podium/staged/page", 0),
                result.stats.get("podium/staged/error", 0))
    return result
