"""podium's configuration: `config/podium.toml`, `config/sources.yaml`, `config/speakers.yaml`.

The project root is the folder holding `config/`; `PODIUM_HOME` points elsewhere. Values in
podium.toml are overridden by environment variables (`PODIUM_ARCHIVE`, `PODIUM_DATA`).
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

SOURCE_KINDS = ("briefing", "statement", "news")


class ConfigError(ValueError):
    """A configuration file holds a value podium cannot use; the message names file, row and field."""


def project_root() -> Path:
    home = os.environ.get("PODIUM_HOME")
    return Path(home).resolve() if home else Path(__file__).resolve().parents[1]


def config_dir() -> Path:
    return project_root() / "config"


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    country: str
    institution: str
    kind: str
    language: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    format: str = "article"
    spider: str = ""  # "" = its own module spiders/sources/<key>.py; else a generic family
    feed_urls: tuple[str, ...] = ()
    api_urls: tuple[str, ...] = ()
    hints: dict = field(default_factory=dict, hash=False, compare=False)
    schedule: str = "nightly"
    enabled: bool = True

    @property
    def base_url(self) -> str:
        return next(iter(self.start_urls + self.feed_urls + self.api_urls), "")


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
        matching = [s for s in candidates if any(host == d or host.endswith("." + d) for d in s.allowed_domains)]
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
    for url in (*source.start_urls, *source.feed_urls, *source.api_urls):
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


def load_settings() -> Settings:
    path = config_dir() / "podium.toml"
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    crawl = raw.get("crawl", {})
    archive = os.environ.get("PODIUM_ARCHIVE") or raw["archive"]["path"]
    data_dir = os.environ.get("PODIUM_DATA") or raw["run"]["data_dir"]
    return Settings(
        archive_path=_resolve(archive),
        data_dir=_resolve(data_dir),
        timezone=raw["run"].get("timezone", "UTC"),
        user_agent=crawl["user_agent"],
        contact=crawl["contact"],
        max_pages=int(crawl.get("max_pages", 2000)),
        download_max_bytes=int(crawl.get("download_max_bytes", 10_000_000)),
        # PODIUM_TIMEOUT_SECONDS reaches the Scrapy subprocesses too (the fault tests need a short one)
        timeout_seconds=int(os.environ.get("PODIUM_TIMEOUT_SECONDS") or crawl.get("timeout_seconds", 30)),
        lock_wait_seconds=float(raw["run"].get("lock_wait_seconds", 600)),
        extract_seconds_per_page=float(raw["run"].get("extract_seconds_per_page", 20)),
        # the crash tests shrink both, so that points between batches and between loads exist
        extract_batch=int(os.environ.get("PODIUM_EXTRACT_BATCH") or raw["run"].get("extract_batch", 200)),
        load_every=int(os.environ.get("PODIUM_LOAD_EVERY") or raw["run"].get("load_every", 100_000)),
        nightly_cron=raw["run"].get("nightly_cron", "30 2 * * *"),
        sources=load_sources(config_dir() / "sources.yaml"),
    )


_REQUIRED_SOURCE_FIELDS = ("key", "name", "country", "institution", "kind", "language")
_URL_FIELDS = ("start_urls", "feed_urls", "api_urls")
_KNOWN_FIELDS = {*_REQUIRED_SOURCE_FIELDS, *_URL_FIELDS, "allowed_domains", "format", "hints", "schedule",
                 "enabled", "spider"}
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_urls(where: str, row: dict) -> None:
    if not any(row.get(name) for name in _URL_FIELDS):
        raise ConfigError(f"{where}: give at least one of {', '.join(_URL_FIELDS)}")
    for name in _URL_FIELDS:
        value = row.get(name) or []
        if not isinstance(value, list):
            raise ConfigError(f"{where}: field {name!r} must be a list of URLs")
        for url in value:
            if not str(url).startswith(("http://", "https://")):
                raise ConfigError(f"{where}: field {name!r} holds {url!r}, which is not an http(s) URL")


def _source_from_row(path: Path, index: int, row: dict) -> Source:
    where = f"{path.name}, source #{index + 1}"
    if not isinstance(row, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(row).__name__}")
    for name in _REQUIRED_SOURCE_FIELDS:
        if not row.get(name):
            raise ConfigError(f"{where}: field {name!r} is missing or empty")
    where = f"{path.name}, source {row['key']!r}"
    unknown = set(row) - _KNOWN_FIELDS
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {sorted(unknown)}")
    if not _KEY.match(str(row["key"])):
        raise ConfigError(f"{where}: field 'key' must be lower-case letters, digits and _ (it names a spider)")
    _check_urls(where, row)
    if row["kind"] not in SOURCE_KINDS:
        raise ConfigError(f"{where}: field 'kind' must be one of {SOURCE_KINDS}, not {row['kind']!r}")
    if len(str(row["country"])) != 2 or not str(row["country"]).isupper():
        raise ConfigError(f"{where}: field 'country' must be an ISO 3166 alpha-2 code, not {row['country']!r}")
    return Source(
        key=row["key"], name=row["name"], country=row["country"], institution=row["institution"],
        kind=row["kind"], language=row["language"], start_urls=tuple(row.get("start_urls") or ()),
        allowed_domains=tuple(row.get("allowed_domains") or _domains(row)), format=row.get("format", "article"),
        spider=row.get("spider", ""),
        feed_urls=tuple(row.get("feed_urls") or ()), api_urls=tuple(row.get("api_urls") or ()),
        hints=dict(row.get("hints") or {}),
        schedule=row.get("schedule", "nightly"), enabled=bool(row.get("enabled", True)),
    )


def _domains(row: dict) -> tuple[str, ...]:
    urls = [u for name in _URL_FIELDS for u in row.get(name) or []]
    return tuple(sorted({urlsplit(u).hostname for u in urls if urlsplit(u).hostname}))


def load_sources(path: Path) -> tuple[Source, ...]:
    with open(path, encoding="utf-8") as handle:
        rows = (yaml.safe_load(handle) or {}).get("sources") or []
    sources = tuple(_source_from_row(path, i, row) for i, row in enumerate(rows))
    keys = [s.key for s in sources]
    duplicated = {k for k in keys if keys.count(k) > 1}
    if duplicated:
        raise ConfigError(f"{path.name}: duplicate source keys {sorted(duplicated)}")
    return sources


@cache
def settings() -> Settings:
    """The settings of this process (read once; tests clear the cache after changing the environment)."""
    return load_settings()
