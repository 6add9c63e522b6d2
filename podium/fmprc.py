"""China MFA (fmprc.gov.cn) pages: the TRS CMS template shared by its columns.

Selectors are named here once; the spiders select links with the listing ones, the extractor
reads titles and paragraphs with the detail ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from podium.html import element_text, lines, parse
from podium.transcript import Paragraph

LISTING_LINKS = "div.newsLst_mod ul li a"
LISTING_PAGE_COUNT = re.compile(r"var\s+countPage\s*=\s*(\d+)")
LISTING_PAGE_NAME = "default_{index}.shtml"  # page 0 is default.shtml
DETAIL_TITLE = "div.content_mod h2.title"
DETAIL_BODY = "div.content_mod div.content"
DETAIL_PARAGRAPHS = ".//p"
SPOKESPERSON_IN_TITLE = re.compile(r"Spokesperson\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2})['’]s\b")
BOLD_QUESTION_SHARE = 0.6  # a paragraph mostly in <b>/<strong> is a question


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
