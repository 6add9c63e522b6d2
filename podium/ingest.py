"""Saved pages → staging records, so pages saved by hand or by another crawler take the same
load → extract path as crawled ones.

Without a source named, a page belongs to the configured source whose allowed_domains hold its
URL's host, else to `web` (config/sources.yaml): a news article of any site, read like every
news report (publication date from the page, its quotes as statements)."""
from __future__ import annotations

import base64
import datetime as dt
import gzip
from pathlib import Path
from urllib.parse import urljoin

from podium.html import PageDecodeError, decode, parse
from podium.settings import ConfigError, Settings

# The source of saved pages whose site no configured source covers.
FALLBACK_SOURCE = "web"


class IngestError(ValueError):
    """A saved page cannot be ingested as asked; the message says which file and why."""


def read_saved(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise IngestError(f"{path}: not a readable gzip file ({error})") from error
    return data


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


def saved_page_records(paths: list[Path], source: str | None, url: str | None = None,
                       base_url: str | None = None, config: Settings | None = None) -> list[dict]:
    """Staging records of saved files; `source` None: each file's by its URL (needs `config`)."""
    if url and len(paths) > 1:
        raise IngestError("--url names one page; for several files use --base-url or canonical links")
    records = []
    for path in paths:
        if not path.is_file():
            raise IngestError(f"{path}: no such file")
        body = read_saved(path)
        page_url = url_of(path, body, url, base_url)
        records.append({
            "type": "page", "source_id": source or source_of(page_url, config), "url": page_url,
            "final_url": None, "status": 200, "headers": {}, "page_kind": "detail", "listing": None,
            "fetched_at": dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).isoformat(),
            "body_b64": base64.b64encode(body).decode("ascii"),
        })
    return records
