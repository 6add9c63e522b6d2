"""Archived pages → documents and statements. Pure: the same page always gives the same rows,
so extraction can be redone from stored raw bodies whenever it improves."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from podium import fmprc
from podium.dates import date_of_briefing
from podium.html import decode
from podium.settings import Source
from podium.speakers import Registry
from podium.transcript import segment

EXTRACTOR_VERSION = "transcript-1"


class ExtractionError(ValueError):
    """A page podium cannot turn into a document; recorded as a crawl error, never dropped."""


@dataclass(frozen=True)
class StoredPage:
    page_id: str
    source_id: str
    url: str
    body: bytes
    content_type: str | None = None
    listing: dict | None = None  # anchor text and neighbours on the listing page it was found on


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
    extractor: str = EXTRACTOR_VERSION


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


def doc_id_for(url: str) -> str:
    """Documents keep one id per URL across revisions, so links to their statements stay valid."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def extract(page: StoredPage, source: Source, registry: Registry) -> Extraction:
    if source.kind != "briefing":
        raise ExtractionError(f"no extractor for sources of kind {source.kind!r} yet")
    return extract_briefing(page, source, registry)


def extract_briefing(page: StoredPage, source: Source, registry: Registry) -> Extraction:
    try:
        encoding, text = decode(page.body, page.content_type)
        detail = fmprc.read_detail(text)
    except ValueError as error:
        raise ExtractionError(str(error)) from error
    listing = page.listing or {}
    dated = date_of_briefing(detail.title, listing.get("newer"), listing.get("older"))
    spokesperson = fmprc.spokesperson_in_title(detail.title)
    transcript = segment(detail.paragraphs, spokesperson, lambda label: registry.resolve(label) is not None)
    doc_id = doc_id_for(page.url)
    document = Document(
        doc_id=doc_id, page_id=page.page_id, source_id=source.key, url=page.url,
        doc_type="transcript" if transcript.turns else "page", title=detail.title,
        published_at=dated.date, date_basis=dated.basis, date_latest=dated.latest,
        language=source.language, text=transcript.text,
        text_hash=hashlib.sha256(transcript.text.encode("utf-8")).hexdigest(), encoding=encoding,
    )
    statements = [
        _statement(document, seq, turn, source, registry) for seq, turn in enumerate(transcript.turns, 1)
    ]
    return Extraction(document, statements)


def _statement(document: Document, seq: int, turn, source: Source, registry: Registry) -> Statement:
    speaker = registry.resolve(turn.speaker) if turn.speaker else None
    role = speaker.role_on(document.published_at, prefer="Spokesperson") if speaker else None
    return Statement(
        statement_id=f"{document.doc_id}-{seq:04d}", doc_id=document.doc_id, seq=seq,
        speaker_id=speaker.speaker_id if speaker else None, speaker_raw=turn.speaker,
        role=role.role if role else None,
        institution=role.institution if role else source.institution,
        country=speaker.country if speaker else source.country,
        statement_date=document.published_at, date_basis=document.date_basis, kind=turn.kind,
        text=turn.text, question=turn.question, questioner=turn.questioner,
        char_start=turn.char_start, char_end=turn.char_end, language=document.language,
    )
