"""Decoding raw pages and reading text out of HTML elements."""
from __future__ import annotations

import re
import unicodedata

from lxml import html as lxml_html
from w3lib.encoding import html_to_unicode

_SPACE = re.compile(r"\s+")


class PageDecodeError(ValueError):
    """The bytes are not an HTML page podium can read."""


def decode(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(encoding, text) of a raw body: BOM, HTTP charset, <meta> charset, then a UTF-8 guess."""
    if not body or not body.strip():
        raise PageDecodeError("empty body")
    return html_to_unicode(content_type, body)


def parse(text: str):
    """An lxml tree of a page's text."""
    try:
        return lxml_html.document_fromstring(text)
    except Exception as error:  # lxml raises several kinds for unusable input
        raise PageDecodeError(f"not parseable as HTML: {error}") from error


def clean_text(text: str) -> str:
    """NFC, no-break spaces as spaces, runs of white space as one space, stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).replace("\xa0", " ")).strip()


def element_text(element) -> str:
    return clean_text(element.text_content())


BOLD_TAGS = {"b", "strong"}


def _runs(element, bold: bool = False):
    """(text, is_bold) pieces of an element in reading order; None marks a line break."""
    if element.tag == "br":
        yield None
    bold = bold or element.tag in BOLD_TAGS
    if isinstance(element.tag, str) and element.text:
        yield element.text, bold
    for child in element:
        yield from _runs(child, bold)
        if child.tail:
            yield child.tail, bold


def lines(element) -> list[tuple[str, float]]:
    """An element's non-empty lines (split at <br>) with the share of each line set in bold.

    Some transcripts put several turns in one <p>, separated by <br><br>; lines keep them apart.
    """
    found, pieces = [], []
    for run in [*_runs(element), None]:
        if run is not None:
            pieces.append(run)
            continue
        text = clean_text("".join(piece for piece, _ in pieces))
        if text:
            visible = sum(len("".join(p.split())) for p, _ in pieces)
            bold = sum(len("".join(p.split())) for p, b in pieces if b)
            found.append((text, bold / visible))
        pieces = []
    return found
