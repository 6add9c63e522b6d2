"""China MFA (fmprc.gov.cn) pages: the TRS CMS template shared by its columns.

Selectors are named here once; the spiders select links with the listing ones, the extractor
reads titles and paragraphs with the detail ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from podium.dates import date_of_briefing
from podium.extract import Document, Extraction, ExtractionError, Statement, StoredPage, doc_id_for, text_hash
from podium.html import decode, element_text, lines, parse
from podium.settings import Source
from podium.speakers import Registry
from podium.transcript import Paragraph, Turn, segment

LISTING_LINKS = "div.newsLst_mod ul li a"
LISTING_PAGE_COUNT = re.compile(r"var\s+countPage\s*=\s*(\d+)")
LISTING_PAGE_NAME = "default_{index}.shtml"  # page 0 is default.shtml
DETAIL_TITLE = "div.content_mod h2.title"
DETAIL_BODY = "div.content_mod div.content"
DETAIL_PARAGRAPHS = ".//p"
SPOKESPERSON_IN_TITLE = re.compile(r"Spokesperson\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2})['’]s\b")
BOLD_QUESTION_SHARE = 0.6  # a paragraph mostly in <b>/<strong> is a question
EXTRACTOR_VERSION = "fmprc-transcript-1"


class NoTranscriptBody(ValueError):
    """The page has the detail template but no text in its body."""


@dataclass(frozen=True)
class DetailPage:
    title: str
    paragraphs: tuple[Paragraph, ...]


def listing_page_count(text: str) -> int | None:
    match = LISTING_PAGE_COUNT.search(text)
    return int(match.group(1)) if match else None


def listing_page_url(first_page_url: str, index: int) -> str:
    base = first_page_url.rsplit("/", 1)[0]
    return f"{base}/default.shtml" if index == 0 else f"{base}/{LISTING_PAGE_NAME.format(index=index)}"


def read_detail(text: str) -> DetailPage:
    tree = parse(text)
    titles = tree.cssselect(DETAIL_TITLE) or tree.xpath("//title")
    title = element_text(titles[0]) if titles else ""
    bodies = tree.cssselect(DETAIL_BODY)
    paragraphs = tuple(_paragraphs(bodies[0])) if bodies else ()
    if not paragraphs:
        reason = "no 'div.content' body" if not bodies else "an empty 'div.content' body"
        raise NoTranscriptBody(f"detail page {title!r} has {reason}")
    return DetailPage(title, paragraphs)


def _paragraphs(body):
    for element in body.xpath(DETAIL_PARAGRAPHS):
        for text, bold_share in lines(element):
            yield Paragraph(text, bold_share >= BOLD_QUESTION_SHARE)


def spokesperson_in_title(title: str) -> str | None:
    match = SPOKESPERSON_IN_TITLE.search(title)
    return match.group("name") if match else None


def extract_transcript(page: StoredPage, source: Source, registry: Registry) -> Extraction:
    """A briefing transcript page → its document and one statement per turn."""
    try:
        encoding, text = decode(page.body, page.content_type)
        detail = read_detail(text)
    except ValueError as error:
        raise ExtractionError(str(error)) from error
    listing = page.listing or {}
    dated = date_of_briefing(detail.title, listing.get("newer"), listing.get("older"))
    transcript = segment(detail.paragraphs, spokesperson_in_title(detail.title),
                         lambda label: registry.resolve(label) is not None)
    document = Document(
        doc_id=doc_id_for(page.url), page_id=page.page_id, source_id=source.key, url=page.url,
        doc_type="transcript" if transcript.turns else "page", title=detail.title,
        published_at=dated.date, date_basis=dated.basis, date_latest=dated.latest,
        language=source.language, text=transcript.text, text_hash=text_hash(transcript.text),
        encoding=encoding, extractor=EXTRACTOR_VERSION,
    )
    statements = [_statement(document, seq, turn, source, registry) for seq, turn in enumerate(transcript.turns, 1)]
    return Extraction(document, statements)


def _statement(document: Document, seq: int, turn: Turn, source: Source, registry: Registry) -> Statement:
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
