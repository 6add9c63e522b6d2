"""Saved pages → staging records, so pages saved by hand or by another crawler take the same
load → extract path as crawled ones.

Without a source named, a page belongs to the configured source whose allowed_domains hold its
URL's host, else to `web` (config/sources.yaml): a news article of any site, read like every
news report (publication date from the page, its quotes as statements).

A page is held to the crawl's download cap (crawl.download_max_bytes), decompressed size
included: more than that is never read, and the refusal is staged as a crawl error."""
from __future__ import annotations

import base64
import datetime as dt
import gzip
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin

from podium.html import PageDecodeError, decode, parse
from podium.settings import ConfigError, Settings

log = logging.getLogger(__name__)

# The source of saved pages whose site no configured source covers.
FALLBACK_SOURCE = "web"


class IngestError(ValueError):
    """A saved page cannot be ingested as asked; the message says which file and why."""


def read_capped(stream: BinaryIO, limit: int) -> bytes:
    """At most limit + 1 bytes of a stream: more than `limit` means the body is over the cap, and
    the rest (a gzip bomb's gigabytes) is never decompressed or held."""
    return stream.read(limit + 1)


def over_limit(limit: int, decompressed: bool = False) -> str:
    """Why a body over the cap is refused (the words of the crawl's own refusal)."""
    page = "decompressed page" if decompressed else "page"
    return f"{page} larger than the {limit / 1e6:g} MB limit (crawl.download_max_bytes)"


def read_saved(path: Path, limit: int) -> bytes:
    """A saved file's bytes, decompressed if .gz: at most limit + 1 of them (see read_capped)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            return read_capped(handle, limit)
    except (OSError, EOFError, zlib.error) as error:  # gzip.BadGzipFile is an OSError
        what = "not a readable gzip file" if path.suffix == ".gz" else "cannot be read"
        raise IngestError(f"{path}: {what} ({error})") from error


def canonical_link(body: bytes) -> str | None:
    try:
        _, text = decode(body)
        links = parse(text).xpath("//link[@rel='canonical']/@href")
    except PageDecodeError:
        return None
    return links[0].strip() if links and links[0].strip() else None


def url_of(path: Path, body: bytes, url: str | None, base_url: str | None) -> str:
    """A saved file's URL: given, or base URL + file name, or the page's canonical link."""
    if url:
        return url
    if base_url:
        name = path.name[:-3] if path.name.endswith(".gz") else path.name
        return urljoin(base_url.rstrip("/") + "/", name)
    found = canonical_link(body)
    if not found:
        raise IngestError(f"{path}: no URL for this page: pass --url or --base-url "
                          "(the page has no <link rel=canonical>)")
    return found


def source_of(url: str, config: Settings) -> str:
    """The configured source a URL's host belongs to, else the fallback for any site."""
    try:
        return config.source_for_url(url).key
    except ConfigError:
        return config.source(FALLBACK_SOURCE).key


def check_paths(paths: list[Path], url: str | None) -> None:
    """Refuse a command that cannot work before any file is read."""
    if url and len(paths) > 1:
        raise IngestError("--url names one page; for several files use --base-url or canonical links")
    for path in paths:
        if path.is_dir():
            raise IngestError(f"{path} is a directory; give the files (e.g. {path}/*.html)")
        if not path.is_file():
            raise IngestError(f"{path}: no such file")


def saved_page_records(paths: list[Path], config: Settings, source: str | None = None, url: str | None = None,
                       base_url: str | None = None) -> Iterator[dict]:
    """Staging records of saved files, one file at a time (so only one body is held at once); a
    file over the size cap becomes an error record. `source` None: each file's by its URL."""
    check_paths(paths, url)
    return (_record(path, config, source, url, base_url) for path in paths)


def _record(path: Path, config: Settings, source: str | None, url: str | None, base_url: str | None) -> dict:
    limit = config.download_max_bytes
    body = read_saved(path, limit)
    # An oversized page's URL may still come from the canonical link in its first `limit` bytes.
    page_url = url_of(path, body[:limit], url, base_url)
    source_id = source or source_of(page_url, config)
    if len(body) > limit:
        reason = f"{over_limit(limit, path.suffix == '.gz')}; not ingested"
        log.warning("%s: %s", path, reason)
        return {"type": "error", "stage": "ingest", "source_id": source_id, "url": page_url, "http_status": None,
                "error": f"{path.name}: {reason}"}
    return {"type": "page", "source_id": source_id, "url": page_url, "final_url": None, "status": 200,
            "headers": {}, "page_kind": "detail", "listing": None,
            "fetched_at": dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).isoformat(),
            "body_b64": base64.b64encode(body).decode("ascii")}
