"""podium's configuration: `config/podium.toml`, `config/sources.yaml`, `config/speakers.yaml`.

The project root is the folder holding `config/`; `PODIUM_HOME` points elsewhere. An installed
package with no `config/` at hand reads the defaults it ships (`<prefix>/share/podium/config`). Values in
podium.toml are overridden by environment variables (`PODIUM_ARCHIVE`, `PODIUM_DATA`,
`PODIUM_TIMEOUT_SECONDS`, `PODIUM_EXTRACT_BATCH`, `PODIUM_LOAD_EVERY`, `PODIUM_LOCK_WAIT_SECONDS`,
`PODIUM_EXTRACT_RUNNER`, `PODIUM_EXTRACT_WORKERS`, `PODIUM_EXTRACT_CHUNK`, `PODIUM_DASK_ADDRESS`).
Nothing is read at import: `settings()` reads and checks both files on first use. Each file is checked whole
(podium/config_schema.py), and any problem is one ConfigError naming the file, the row or
section, and the field.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from podium.config_schema import ConfigError, Source, in_domains, load_sources  # noqa: F401 (re-exported)
from podium.config_toml import RUNNERS, read_podium_toml


def project_root() -> Path:
    """The folder whose config/ and data/ podium uses: PODIUM_HOME; else this checkout; else, for
    an installed package (no checkout around it), the working directory."""
    home = os.environ.get("PODIUM_HOME")
    if home:
        return Path(home).resolve()
    checkout = Path(__file__).resolve().parents[1]
    return checkout if (checkout / "config").is_dir() else Path.cwd()


def installed_defaults() -> Path:
    """The default configuration an installed package ships (pyproject's data-files)."""
    return Path(sys.prefix) / "share" / "podium" / "config"


def config_dir() -> Path:
    """The project's config/; an installed package with none at hand reads its shipped defaults."""
    own = project_root() / "config"
    return installed_defaults() if not own.is_dir() and installed_defaults().is_dir() else own


@dataclass(frozen=True)
class Settings:
    archive_path: Path
    data_dir: Path
    timezone: str
    user_agent: str
    contact: str
    max_pages: int
    download_max_bytes: int
    timeout_seconds: int
    lock_wait_seconds: float
    extract_seconds_per_page: float
    extract_batch: int
    load_every: int
    nightly_cron: str
    extract_runner: str = "thread"      # thread, process or dask: where pages are extracted
    extract_workers: int = 1            # concurrent extraction processes (0: one per core)
    extract_chunk: int = 25             # pages per extraction task
    dask_address: str = ""              # the Dask scheduler of the dask runner
    sources: tuple[Source, ...] = field(default=())

    def source(self, key: str) -> Source:
        for source in self.sources:
            if source.key == key:
                return source
        known = ", ".join(s.key for s in self.sources)
        raise ConfigError(f"unknown source {key!r}; configured sources: {known}")

    def source_for_url(self, url: str, among: list[str] | None = None) -> Source:
        """The configured source (among `among`, or all) whose allowed domains hold this URL. When
        several sources share the host (fmprc_en and fmprc_zh), the one whose start/feed/API URL
        shares the longest leading path with the URL's path; a tie there is a ConfigError."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        candidates = [self.source(k) for k in among] if among else list(self.sources)
        matching = [s for s in candidates if in_domains(host, s.allowed_domains)]
        if not matching:
            raise ConfigError(f"{url} belongs to no configured source ({host} is in no source's allowed_domains)")
        if len(matching) == 1:
            return matching[0]
        shared = {s.key: _shared_path(parts.path, s) for s in matching}
        best = [s for s in matching if shared[s.key] == max(shared.values())]
        if len(best) > 1:
            keys = ", ".join(s.key for s in best)
            raise ConfigError(f"{url} could belong to several sources ({keys}): {host} is in all their "
                              "allowed_domains and its path is no closer to one source's URLs than another's")
        return best[0]


def _path_segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _shared_path(path: str, source: Source) -> int:
    """How many leading path segments `path` shares with the closest of the source's URLs."""
    segments = _path_segments(path)
    best = 0
    for url in source.listing_urls:
        shared = 0
        for mine, theirs in zip(segments, _path_segments(urlsplit(url).path)):
            if mine != theirs:
                break
            shared += 1
        best = max(best, shared)
    return best


def _resolve(path: str) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else project_root() / candidate


def _from_environment(name: str, default: int) -> int:
    """A whole number above 0 from environment variable `name`, when set (the tests shrink these)."""
    text = os.environ.get(name)
    if not text:
        return default
    if not re.fullmatch(r"[0-9]+", text.strip()) or int(text) <= 0:
        raise ConfigError(f"environment variable {name}: must be a whole number above 0, not {text!r}")
    return int(text)


def _choice_from_environment(name: str, default: str, choices: tuple[str, ...]) -> str:
    text = os.environ.get(name)
    if text and text not in choices:
        raise ConfigError(f"environment variable {name}: must be one of {', '.join(choices)}, not {text!r}")
    return text or default


def load_settings() -> Settings:
    toml = read_podium_toml(config_dir() / "podium.toml")
    run, crawl = toml.run, toml.crawl
    return Settings(
        archive_path=_resolve(os.environ.get("PODIUM_ARCHIVE") or toml.archive.path),
        data_dir=_resolve(os.environ.get("PODIUM_DATA") or run.data_dir),
        timezone=run.timezone,
        user_agent=crawl.user_agent,
        contact=crawl.contact,
        max_pages=crawl.max_pages,
        download_max_bytes=crawl.download_max_bytes,
        # PODIUM_TIMEOUT_SECONDS reaches the Scrapy subprocesses too (the fault tests need a short one)
        timeout_seconds=_from_environment("PODIUM_TIMEOUT_SECONDS", crawl.timeout_seconds),
        # PODIUM_LOCK_WAIT_SECONDS: how long a writer waits for the archive (tests need a short wait)
        lock_wait_seconds=_from_environment("PODIUM_LOCK_WAIT_SECONDS", run.lock_wait_seconds),
        extract_seconds_per_page=run.extract_seconds_per_page,
        # the crash tests shrink both, so that points between batches and between loads exist
        extract_batch=_from_environment("PODIUM_EXTRACT_BATCH", run.extract_batch),
        load_every=_from_environment("PODIUM_LOAD_EVERY", run.load_every),
        nightly_cron=run.nightly_cron,
        extract_runner=_choice_from_environment("PODIUM_EXTRACT_RUNNER", toml.extract.runner, RUNNERS),
        extract_workers=_from_environment("PODIUM_EXTRACT_WORKERS", toml.extract.workers),
        extract_chunk=_from_environment("PODIUM_EXTRACT_CHUNK", toml.extract.chunk_pages),
        dask_address=os.environ.get("PODIUM_DASK_ADDRESS") or toml.extract.dask_address,
        sources=load_sources(config_dir() / "sources.yaml"),
    )


@cache
def settings() -> Settings:
    """The settings of this process (read once; tests clear the cache after changing the environment)."""
    return load_settings()
