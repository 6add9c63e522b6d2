"""China MFA (fmprc.gov.cn) pages: the TRS CMS template shared by its columns.

Selectors are named here once; the spiders select links with the listing ones, the extractor
reads titles and paragraphs with the detail ones. The English (mfa_eng) and Chinese (web) sites
use two variants of the template: each selector below has both, English first.

Chinese column 发言人表态: besides the 例行记者会 transcripts it lists single answers (答记者问),
statements (发表谈话) and announcements ("外交部发言人耿爽宣布：…"). They are read the same way:
a question makes an `answer`; text without a question is the spokesperson's `press_statement`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from podium.dates import DatedAs, chinese_title_date, date_of_briefing, date_of_listed_item, iso_date
from podium.extract import (Document, Extraction, ExtractionError, Statement, StoredPage, doc_id_for,
                            statement_id_for, text_hash)
from podium.html import decode, element_text, lines, parse
from podium.settings import Source
from podium.speakers import Registry
from podium.transcript import CJK, Paragraph, Turn, segment

LISTING_LINKS = "div.newsLst_mod ul li a"
LISTING_ITEMS_ZH = "div.rebox_news ul li"  # each: <a href="./t….shtml">title</a>(2020-07-03)
LISTING_ITEM_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")
LISTING_PAGE_COUNT = re.compile(r"var\s+countPage\s*=\s*(\d+)")
LISTING_PAGE_NAME = "default_{index}.shtml"  # page 0 is default.shtml
DETAIL_TITLE = "div.content_mod h2.title"
DETAIL_BODY = "div.content_mod div.content"
DETAIL_TITLE_ZH = "#News_Body_Title"
DETAIL_BODY_ZH = "#News_Body_Txt_A"
DETAIL_DATE_ZH = "#News_Body_Time"  # "2019-05-14"; empty on the English pages
DETAIL_PARAGRAPHS = ".//p"
SPOKESPERSON_IN_TITLE = re.compile(r"Spokesperson\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2})['’]s\b")
# "…外交部发言人耿爽主持例行记者会", "…发言人华春莹就…答记者问", "外交部发言人耿爽2月15日答记者问"
SPOKESPERSON_IN_TITLE_ZH = re.compile(r"发言人(?P<name>[\u4e00-\u9fff]{2,3}?)(?=主持|就|答|发表|表明|宣布|\d)")
# Announcements open with "外交部发言人耿爽宣布：" and name the spokesperson only there.
SPOKESPERSON_ANNOUNCES_ZH = re.compile(r"^外交部发言人(?P<name>[\u4e00-\u9fff]{2,3}?)(?:宣布|表示)[:：]")
UNNAMED_SPOKESPERSON_ZH = "外交部发言人"
BRIEFING_IN_TITLE_ZH = "例行记者会"
BOLD_QUESTION_SHARE = 0.6  # a paragraph mostly in <b>/<strong> is a question
EXTRACTOR_VERSION = "fmprc-transcript-1"


class NoTranscriptBody(ValueError):
    """The page has the detail template but no text in its body."""


@dataclass(frozen=True)
class DetailPage:
    title: str
    paragraphs: tuple[Paragraph, ...]
    page_date: str | None = None  # the page's own date line, when the template has one


def listing_page_count(text: str) -> int | None:
    match = LISTING_PAGE_COUNT.search(text)
    return int(match.group(1)) if match else None


def listing_page_url(first_page_url: str, index: int) -> str:
    base = first_page_url.rsplit("/", 1)[0]
    return f"{base}/default.shtml" if index == 0 else f"{base}/{LISTING_PAGE_NAME.format(index=index)}"


def read_detail(text: str) -> DetailPage:
    tree = parse(text)
    titles = tree.cssselect(DETAIL_TITLE) or tree.cssselect(DETAIL_TITLE_ZH) or tree.xpath("//title")
    title = element_text(titles[0]) if titles else ""
    bodies = tree.cssselect(DETAIL_BODY) or tree.cssselect(DETAIL_BODY_ZH)
    paragraphs = tuple(_paragraphs(bodies[0])) if bodies else ()
    if not paragraphs:
        reason = "no 'div.content' body" if not bodies else "an empty 'div.content' body"
        raise NoTranscriptBody(f"detail page {title!r} has {reason}")
    dates = tree.cssselect(DETAIL_DATE_ZH)
    return DetailPage(title, paragraphs, (element_text(dates[0]) or None) if dates else None)


def _paragraphs(body):
    for element in body.xpath(DETAIL_PARAGRAPHS):
        for text, bold_share in lines(element):
            yield Paragraph(text, bold_share >= BOLD_QUESTION_SHARE)


def spokesperson_in_title(title: str) -> str | None:
    match = SPOKESPERSON_IN_TITLE.search(title) or SPOKESPERSON_IN_TITLE_ZH.search(title)
    return match.group("name") if match else None


def spokesperson_of(detail: DetailPage) -> str | None:
    """Who speaks for the ministry on this page: named in the title, else in an announcement's
    opening line; a Chinese item that names no one is still the spokesperson's (外交部发言人)."""
    named = spokesperson_in_title(detail.title)
    if named:
        return named
    announced = SPOKESPERSON_ANNOUNCES_ZH.match(detail.paragraphs[0].text)
    if announced:
        return announced.group("name")
    return UNNAMED_SPOKESPERSON_ZH if CJK.search(detail.title) else None


def date_of_page(detail: DetailPage, listing: dict) -> DatedAs:
    """Chinese pages: title, the listing's date, the page's date line. English pages: the title
    and its listing neighbours (podium/dates.py says why)."""
    list_date, page_date = iso_date(listing.get("list_date")), iso_date(detail.page_date)
    if chinese_title_date(detail.title) or list_date or page_date:
        return date_of_listed_item(detail.title, list_date, page_date)
    return date_of_briefing(detail.title, listing.get("newer"), listing.get("older"))


def is_statement_item(title: str) -> bool:
    """A Chinese item other than a 例行记者会 transcript: its text without a question is a
    press statement of the spokesperson rather than a briefing's opening remarks."""
    return bool(CJK.search(title)) and BRIEFING_IN_TITLE_ZH not in title


def extract_transcript(page: StoredPage, source: Source, registry: Registry) -> Extraction:
    """A briefing transcript page → its document and one statement per turn."""
    try:
        encoding, text = decode(page.body, page.content_type)
        detail = read_detail(text)
    except ValueError as error:
        raise ExtractionError(str(error)) from error
    dated = date_of_page(detail, page.listing or {})
    unasked = "press_statement" if is_statement_item(detail.title) else "opening_remarks"
    transcript = segment(detail.paragraphs, spokesperson_of(detail),
                         lambda label: registry.resolve(label) is not None, unasked)
    turns = transcript.turns
    document = Document(
        doc_id=doc_id_for(page.url), page_id=page.page_id, source_id=source.key, url=page.url,
        doc_type=_doc_type(turns), title=detail.title,
        published_at=dated.date, date_basis=dated.basis, date_latest=dated.latest,
        language=source.language, text=transcript.text, text_hash=text_hash(transcript.text),
        encoding=encoding, extractor=EXTRACTOR_VERSION,
    )
    statements = [_statement(document, seq, turn, source, registry) for seq, turn in enumerate(turns, 1)]
    return Extraction(document, statements)


def _doc_type(turns: tuple[Turn, ...]) -> str:
    if not turns:
        return "page"
    return "statement" if all(turn.kind == "press_statement" for turn in turns) else "transcript"


def _statement(document: Document, seq: int, turn: Turn, source: Source, registry: Registry) -> Statement:
    speaker = registry.resolve(turn.speaker) if turn.speaker else None
    role = speaker.role_on(document.published_at, prefer="Spokesperson") if speaker else None
    return Statement(
        statement_id=statement_id_for(document.doc_id, seq), doc_id=document.doc_id, seq=seq,
        speaker_id=speaker.speaker_id if speaker else None, speaker_raw=turn.speaker,
        role=role.role if role else None,
        institution=role.institution if role else source.institution,
        country=speaker.country if speaker else source.country,
        statement_date=document.published_at, date_basis=document.date_basis, kind=turn.kind,
        text=turn.text, question=turn.question, questioner=turn.questioner,
        char_start=turn.char_start, char_end=turn.char_end, language=document.language,
    )
