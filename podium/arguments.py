"""Checks of command-line arguments, made before any flow starts (and before Prefect is even
imported): a bad argument costs one `error:` line and exit code 2, never a flow run."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from podium.ingest import IngestError, check_paths
from podium.settings import ConfigError, settings
from podium.suggest import did_you_mean, suggestions
from podium.urls import UrlRefused, group_urls


def source_keys(values: list[str] | None, crawling: bool = False, replay: str | None = None,
                option: str = "--source") -> list[str]:
    """Configured source keys, or BadParameter naming the unknown one (with the closest keys).
    `crawling`: only enabled ones, and replay_only ones (synthetic sites) only with a `replay`."""
    known = [source.key for source in settings().sources]
    for value in values or []:
        if value not in known:
            close = did_you_mean(suggestions(value, {key: key for key in known}))
            raise typer.BadParameter(f"unknown source {value!r}{close} "
                                     f"(configured: {', '.join(known)})", param_hint=option)
        if crawling and not settings().source(value).enabled:
            raise typer.BadParameter(f"source {value!r} is not enabled for crawling (config/sources.yaml)",
                                     param_hint=option)
        if crawling and not settings().source(value).crawled:
            raise typer.BadParameter(f"source {value!r} is not crawled: it is filled by `podium import-transcripts` "
                                     "(spider: imported in config/sources.yaml)", param_hint=option)
        if crawling and settings().source(value).replay_only and not replay:
            raise typer.BadParameter(f"source {value!r} is a synthetic site, crawled only from a recording: "
                                     "give --replay", param_hint=option)
    return list(values or [])


def date_range(since: dt.datetime | None, until: dt.datetime | None) -> tuple[dt.date | None, dt.date | None]:
    first, last = (since.date() if since else None), (until.date() if until else None)
    if first and last and first > last:
        raise typer.BadParameter(f"--since {first} is after --until {last}", param_hint="--since/--until")
    return first, last


def at_least(value: int | None, least: int, option: str) -> int | None:
    if value is not None and value < least:
        raise typer.BadParameter(f"must be {least} or more, not {value}", param_hint=option)
    return value


def readable_files(paths: list[Path], url: str | None = None) -> list[Path]:
    """Files to read (not folders, not missing), and --url given for one file at most."""
    try:
        check_paths(paths, url)
    except IngestError as error:
        raise typer.BadParameter(str(error), param_hint="--url" if url and len(paths) > 1 else "PATHS") from error
    return paths


def text_archive(folder: Path, source: str) -> None:
    """A folder holding transcript files, for a source whose pages are text transcripts."""
    from podium.text_archive import archive_files, check_text_source

    source_keys([source])
    try:
        check_text_source(settings().source(source))
    except IngestError as error:
        raise typer.BadParameter(str(error), param_hint="--source") from error
    try:
        archive_files(folder)
    except IngestError as error:
        raise typer.BadParameter(str(error), param_hint="FOLDER") from error


def replay_source(replay: str | None) -> str | None:
    """A replay server's URL, or a snapshot folder that exists."""
    if replay and not replay.startswith(("http://", "https://")) and not Path(replay).is_dir():
        raise typer.BadParameter(f"{replay} is neither a snapshot folder nor a replay server's http(s) URL",
                                 param_hint="--replay")
    return replay


def crawl_urls(urls: list[str] | None, sources: list[str], replay: str | None) -> list[str]:
    """The --url values as they will be requested, each checked (http(s), a public host unless
    replaying, a configured source's site)."""
    if not urls:
        return []
    try:
        grouped = group_urls(urls, sources, allow_private=bool(replay))
    except (UrlRefused, ConfigError) as error:
        raise typer.BadParameter(str(error), param_hint="--url") from error
    for key, group in grouped.items():
        if not settings().source(key).crawled:
            raise typer.BadParameter(f"{group[0]} belongs to source {key!r}, which is not crawled: it is filled by "
                                     "`podium import-transcripts`", param_hint="--url")
    return [url for group in grouped.values() for url in group]
