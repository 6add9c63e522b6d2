"""WARC files → staging records: a recorded crawl (or a Common Crawl news WARC) becomes archived
pages without fetching anything.

Records are read one at a time and staged as they come. A record podium cannot trust is an error
record for its URL, never a page (so never a revision of good text): one cut short (the file was
truncated, or marked WARC-Truncated), one whose page is over the crawl's download cap (read no
further than the cap), one with a bad HTTP status line. A record whose target is not http(s) is
skipped alone. A file that is no WARC at all is a WarcError."""
from __future__ import annotations

import base64
import logging
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from podium.ingest import over_limit, read_capped
from podium.settings import ConfigError, Settings, Source

log = logging.getLogger(__name__)

PAGE_TYPES = ("html", "xml", "json", "rss", "atom")
HTTP = ("http://", "https://")
# What warcio raises on bytes it cannot read as a record (an AttributeError when a record's WARC
# headers are cut before its target URI).
UNREADABLE = (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, ValueError, AttributeError,
              zlib.error)
# How far into a record that warcio could not read its target URI is looked for.
HEAD_BYTES = 64 * 1024
_TARGET = re.compile(rb"^WARC-Target-URI:[ \t]*<?([^\s>]+)", re.MULTILINE)


class WarcError(ValueError):
    """A WARC file podium cannot read; the message names the file and why."""


class _Unreadable(Exception):
    """warcio could not read the file from here on (the cause is chained)."""


class _Iterator(ArchiveIterator):
    """warcio's iterator, noting whether the file ended inside a gzip member: warcio stops there
    quietly, as if the file had ended cleanly."""
    ended_inside_member = False

    def close(self):
        decompressor = self.reader.decompressor if self.reader else None
        self.ended_inside_member |= bool(decompressor is not None and not decompressor.eof)
        super().close()


def page_kind(source: Source, url: str) -> str:
    """'listing' for a source's listing/feed/API pages (its URLs or hints.listing_pattern)."""
    pattern = source.hints.get("listing_pattern")
    if url in source.listing_urls or (pattern and re.search(pattern, url)):
        return "listing"
    return "detail"


def warc_records(path: Path, settings: Settings, source_key: str | None = None,
                 skipped: Counter | None = None) -> Iterator[dict]:
    """Staging records of the HTML/XML/JSON responses in a WARC, each matched to its source, read
    and yielded one at a time. Records left out are counted in `skipped` by reason."""
    reader = WarcReader(path, settings, source_key, skipped if skipped is not None else Counter())
    return reader.records()


@dataclass
class WarcReader:
    """One pass over a WARC file, turning its records into staging records."""
    path: Path
    settings: Settings
    source_key: str | None = None
    skipped: Counter = field(default_factory=Counter)  # reason → count
    _last_cut: bool = False

    def records(self) -> Iterator[dict]:
        """Each record's staging record; where the file stops being readable (or ends inside a
        record), an error record, and nothing after it."""
        try:
            handle = open(self.path, "rb")
        except OSError as error:
            raise WarcError(f"{self.path}: not a readable WARC file ({error})") from error
        with handle:
            records = _Iterator(handle)
            read = 0
            try:
                while (record := _next(records)) is not None:
                    yield from self._staged(records, record)
                    read += 1
            except _Unreadable as failure:
                cause = _describe(failure.__cause__)
                if not read:  # not even one record: this is no WARC
                    raise WarcError(f"{self.path}: not a readable WARC file ({cause})") from failure
                yield self._unreadable_at(records.offset, f"unreadable from byte {records.offset} on ({cause});"
                                                          " no record after it imported")
                return
        if records.ended_inside_member and not self._last_cut:
            yield self._unreadable_at(records.offset, f"the file ends inside the record at byte {records.offset}"
                                                      " (a gzip member cut off); not imported")

    def _staged(self, records: _Iterator, record) -> Iterator[dict]:
        """The staging record of one WARC record (if podium takes it), once the record is read to
        its end: only then is it known whether the file held all of it."""
        staged = self._take(record)
        try:
            records.read_to_end()
        except UNREADABLE as error:
            raise _Unreadable() from error
        self._last_cut = _cut_short(record)
        if self._last_cut or record.rec_headers.get_header("WARC-Truncated"):
            staged = self._refusal(_target(record), f"{_why_cut(record)}; not imported")
        if staged:
            yield staged

    def _take(self, record) -> dict | None:
        target = _target(record)
        if record.format == "arc" and record.rec_type == "response" and not str(target).startswith(HTTP):
            # warcio reads unknown bytes as a legacy ARC record; a real one names an http(s) URL.
            raise _Unreadable() from ArchiveLoadFailed(f"not a WARC record (read as ARC, target {target!r})")
        if record.rec_type != "response":
            return self._skip("not an HTTP response")
        if not str(target).startswith(HTTP):
            log.warning("%s: skipped a record whose target is not an http(s) URL: %.200r", self.path.name, target)
            scheme = f"{target.split(':', 1)[0]}:" if target and ":" in target else "no scheme"
            return self._skip(f"target is not an http(s) URL ({scheme})")
        if record.http_headers is None:
            return self._skip("not an HTTP response")
        content_type = (record.http_headers.get_header("Content-Type") or "").lower()
        if not any(kind in content_type for kind in PAGE_TYPES):
            return self._skip(f"not a page ({content_type or 'no content type'})")
        try:
            source = self.settings.source(self.source_key) if self.source_key else self.settings.source_for_url(target)
        except ConfigError:
            return self._skip("no configured source for its host")
        return self._response_record(record, source, target)

    def _skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    def _response_record(self, record, source: Source, url: str) -> dict:
        status = _status(record)
        if status is None:
            statusline = f"{record.http_headers.protocol} {record.http_headers.statusline}".strip()
            return self._refusal(url, f"bad HTTP status line {statusline!r}; not imported", source)
        warc_date = record.rec_headers.get_header("WARC-Date")
        if status != 200:
            return {"type": "error", "stage": "fetch", "source_id": source.key, "url": url, "http_status": status,
                    "error": f"HTTP {status} (recorded in WARC)", "at": warc_date}
        limit = self.settings.download_max_bytes
        body = read_capped(record.content_stream(), limit)
        if len(body) > limit:
            return self._refusal(url, f"{over_limit(limit)}; not imported", source)
        return {"type": "page", "source_id": source.key, "url": url, "final_url": url, "status": status,
                "headers": dict(record.http_headers.headers), "fetched_at": warc_date,
                "page_kind": page_kind(source, url), "listing": None,
                "body_b64": base64.b64encode(body).decode("ascii")}

    def _refusal(self, url: str | None, reason: str, source: Source | None = None) -> dict:
        log.warning("%s: %s: %s", self.path.name, url, reason)
        return {"type": "error", "stage": "import", "source_id": source.key if source else self._source_key(url),
                "url": url, "http_status": None, "error": f"{self.path.name}: {reason}"}

    def _source_key(self, url: str | None) -> str | None:
        if self.source_key or not url:
            return self.source_key
        try:
            return self.settings.source_for_url(url).key
        except ConfigError:
            return None

    def _unreadable_at(self, offset: int, reason: str) -> dict:
        """The error of a record warcio could not read, for its URL if its first bytes name one."""
        return self._refusal(_target_at(self.path, offset), reason)


def _next(records: _Iterator):
    try:
        return next(records, None)
    except UNREADABLE as error:
        raise _Unreadable() from error


def _describe(error: BaseException | None) -> str:
    if isinstance(error, AttributeError):  # warcio's words would be "'NoneType' object has no attribute …"
        return "a record's WARC headers end before its target URI"
    return str(error) or type(error).__name__


def _target(record) -> str | None:
    return record.rec_headers.get_header("WARC-Target-URI") or record.rec_headers.get_header("uri")


def _status(record) -> int | None:
    try:
        return int(record.http_headers.get_statuscode())
    except ValueError:
        return None


def _cut_short(record) -> bool:
    """Whether the file ended before the record's Content-Length did (read to its end first).
    A record without a Content-Length cannot be checked, so it is not trusted either."""
    remaining = getattr(record.raw_stream, "limit", None)
    return remaining is None or remaining > 0


def _why_cut(record) -> str:
    marked = record.rec_headers.get_header("WARC-Truncated")
    if marked:
        return f"recorded truncated (WARC-Truncated: {marked})"
    remaining = getattr(record.raw_stream, "limit", None)
    if remaining is None:
        return "record without a Content-Length: cannot tell whether it is whole"
    return f"record cut short: {remaining} of its {record.length} bytes missing"


def _target_at(path: Path, offset: int) -> str | None:
    """The WARC-Target-URI in the first bytes at `offset` (a record warcio could not read), if any."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        head = handle.read(HEAD_BYTES)
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, HEAD_BYTES)
        except zlib.error:
            return None
    found = _TARGET.search(head)
    return found.group(1).decode("utf-8", "replace") if found else None
