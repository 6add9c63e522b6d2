"""Archived pages → documents and statements. Pure: the same page always gives the same rows,
so extraction can be redone from stored raw bodies whenever it improves."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from podium import families
from podium.near_dups import simhash
from podium.settings import Source
from podium.speakers import Registry


class ExtractionError(ValueError):
    """A page podium cannot turn into a document; recorded as a crawl error, never dropped."""


class LayoutChanged(ExtractionError):
    """A page of the source's template where a selector the reader relies on matched nothing:
    most likely the site changed its markup. Recorded at stage `layout_changed`, naming the
    selector, so a redesign is seen the first night."""

    def __init__(self, message: str, selector: str):
        super().__init__(message)
        self.selector = selector


@dataclass(frozen=True)
class StoredPage:
    page_id: str
    source_id: str
    url: str
    body: bytes
    content_type: str | None = None
    listing: dict | None = None  # anchor text and neighbours on the listing page it was found on
    fetched_at: dt.datetime | None = None  # when it was fetched: readers take "today" from it, never the clock


@dataclass
class Document:
    doc_id: str
    page_id: str
    source_id: str
    url: str
    doc_type: str
    title: str
    published_at: dt.date | None
    date_basis: str
    date_latest: dt.date | None
    language: str
    text: str
    text_hash: str
    encoding: str
    extractor: str
    authors: list[str] = field(default_factory=list)
    simhash: int | None = None  # podium/near_dups.py: finds syndicated copies


@dataclass
class Statement:
    statement_id: str
    doc_id: str
    seq: int
    speaker_id: str | None
    speaker_raw: str | None
    role: str | None
    institution: str | None
    country: str | None
    statement_date: dt.date | None
    date_basis: str
    kind: str
    text: str
    question: str | None
    questioner: str | None
    char_start: int
    char_end: int
    language: str


@dataclass
class Extraction:
    document: Document
    statements: list[Statement] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)  # rows of podium.mentions.MENTION_COLUMNS


def doc_id_for(url: str) -> str:
    """Documents keep one id per URL across revisions, so links to their statements stay valid."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def statement_id_for(doc_id: str, seq: int) -> str:
    """A statement's id: its document's and its place there (1, 2, …)."""
    return f"{doc_id}-{seq:04d}"


def extractor_for(source: Source):
    """The extractor of the source's format, as the family table (podium/families.py) names it."""
    target = families.extractor_target(source.format)
    if not target:
        raise ExtractionError(f"source {source.key!r} has format {source.format!r}, which has no extractor")
    return families.load(target)


def extract(page: StoredPage, source: Source, registry: Registry) -> Extraction:
    """The document and statements of a stored page, by its source's format, and the countries
    and organisations its statements mention."""
    from podium.mentions import rows_for  # the gazetteer loads once, on first use

    refuse_non_html(page)
    extraction = extractor_for(source)(page, source, registry)
    extraction.mentions = rows_for(extraction.statements)
    extraction.document.simhash = simhash(extraction.document.text)
    return extraction


# Media types every extractor reads (pages, feeds, JSON APIs); anything else is not a document.
TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/rss", "application/atom",
              "application/json", "application/ld+json")
# Signatures of binary files served where a page was expected (some servers label them text/html).
BINARY_MAGIC = {b"%PDF-": "application/pdf", b"PK\x03\x04": "application/zip", b"\x89PNG": "image/png",
                b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif", b"\xd0\xcf\x11\xe0": "application/msword"}


def refuse_non_html(page: StoredPage) -> None:
    """ExtractionError("not an HTML page (application/pdf)") for a body that is no page: by its
    declared media type, or by a binary file's signature whatever the label says."""
    media_type = (page.content_type or "").split(";")[0].strip().lower()
    if media_type and not media_type.startswith(TEXT_TYPES):
        raise ExtractionError(f"not an HTML page ({media_type})")
    head = page.body[:16].lstrip()
    sniffed = next((kind for magic, kind in BINARY_MAGIC.items() if head.startswith(magic)), None)
    if sniffed:
        raise ExtractionError(f"not an HTML page ({sniffed}, served as {media_type or 'no content type'})")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
