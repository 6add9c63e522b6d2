"""WARC files → staging records: a recorded crawl (or a Common Crawl news WARC) becomes archived
pages without fetching anything."""
from __future__ import annotations

import base64
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from podium.settings import ConfigError, Settings, Source

log = logging.getLogger(__name__)

PAGE_TYPES = ("html", "xml", "json", "rss", "atom")


class WarcError(ValueError):
    """A WARC file podium cannot read; the message names the file and why."""


@dataclass
class WarcRecords:
    records: list[dict] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason → count


def page_kind(source: Source, url: str) -> str:
    """'listing' for a source's listing/feed/API pages (its URLs or hints.listing_pattern)."""
    pattern = source.hints.get("listing_pattern")
    if url in (*source.start_urls, *source.feed_urls, *source.api_urls) or (pattern and re.search(pattern, url)):
        return "listing"
    return "detail"


def _response_record(record, source: Source) -> dict:
    url = record.rec_headers.get_header("WARC-Target-URI")
    status = int(record.http_headers.get_statuscode())
    headers = {name: value for name, value in record.http_headers.headers}
    base = {"source_id": source.key, "url": url}
    if status != 200:
        return {**base, "type": "error", "stage": "fetch", "http_status": status,
                "error": f"HTTP {status} (recorded in WARC)", "at": record.rec_headers.get_header("WARC-Date")}
    return {**base, "type": "page", "final_url": url, "status": status, "headers": headers,
            "fetched_at": record.rec_headers.get_header("WARC-Date"), "page_kind": page_kind(source, url),
            "listing": None, "body_b64": base64.b64encode(record.content_stream().read()).decode("ascii")}


def warc_records(path: Path, settings: Settings, source_key: str | None = None) -> WarcRecords:
    """Staging records of the HTML/XML/JSON responses in a WARC, each matched to its source."""
    result = WarcRecords()
    try:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                _take(record, settings, source_key, result)
    except (ArchiveLoadFailed, OSError) as error:
        raise WarcError(f"{path}: not a readable WARC file ({error})") from error
    return result


def _take(record, settings: Settings, source_key: str | None, result: WarcRecords) -> None:
    target = record.rec_headers.get_header("WARC-Target-URI") or record.rec_headers.get_header("uri")
    if record.rec_type in ("response", "request", "resource") and not str(target).startswith(("http://", "https://")):
        # warcio reads unknown bytes as a legacy ARC record; a real one names an http(s) URL.
        raise ArchiveLoadFailed(f"a {record.rec_type} record has no http(s) target URI ({target!r})")
    if record.rec_type != "response" or record.http_headers is None:
        result.skipped["not an HTTP response"] += 1
        return
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not any(kind in content_type for kind in PAGE_TYPES):
        result.skipped[f"not a page ({content_type or 'no content type'})"] += 1
        return
    url = record.rec_headers.get_header("WARC-Target-URI")
    try:
        source = settings.source(source_key) if source_key else settings.source_for_url(url)
    except ConfigError:
        result.skipped["no configured source for its host"] += 1
        return
    result.records.append(_response_record(record, source))
