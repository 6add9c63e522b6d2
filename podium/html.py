"""Decoding raw pages and reading text out of HTML elements."""
from __future__ import annotations

import logging
import re
import unicodedata

from charset_normalizer import from_bytes
from lxml import html as lxml_html
from w3lib.encoding import (html_body_declared_encoding, html_to_unicode, http_content_type_encoding,
                            read_bom, resolve_encoding)

log = logging.getLogger(__name__)

_SPACE = re.compile(r"\s+")
_SNIFF_BYTES = 4096  # NUL bytes this early mean a binary file, not a page
MAX_REPLACED = 0.001  # share of undecodable characters still accepted from a labelled page


class PageDecodeError(ValueError):
    """The bytes are not an HTML page podium can read."""


def decode(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(encoding, text) of a raw body. Labels lie (a GBK page served as UTF-8, or the reverse), so:

    1. a byte-order mark decides; without one, NUL bytes early on mean a binary file (refused);
    2. bytes that are valid UTF-8 are UTF-8, whatever the label says: text in another encoding
       with non-ASCII bytes is practically never valid UTF-8 by accident;
    3. otherwise the label (HTTP charset, then <meta>), if the bytes decode under it;
    4. otherwise charset_normalizer's guess, if the bytes decode under it;
    5. otherwise the label with a few replacement characters (MAX_REPLACED of the text), or
       PageDecodeError: the page is then a crawl error of stage `extract`, never guessed at.
    """
    if not body or not body.strip():
        raise PageDecodeError("empty body")
    bom, _ = read_bom(body)
    if bom:  # before the NUL test: UTF-16 text is full of NUL bytes
        return html_to_unicode(content_type, body)
    if b"\x00" in body[:_SNIFF_BYTES]:
        raise PageDecodeError("binary content (NUL bytes), not a text page")
    try:
        return "utf-8", body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _labelled(body, content_type) or _guessed(body) or _nearly_labelled(body, content_type)


def _label(body: bytes, content_type: str | None) -> str | None:
    return http_content_type_encoding(content_type) or html_body_declared_encoding(body)


def _labelled(body: bytes, content_type: str | None) -> tuple[str, str] | None:
    label = _label(body, content_type)
    if label and label != "utf-8":
        try:
            return label, body.decode(label)
        except (UnicodeDecodeError, LookupError):
            pass
    log.info("body is not %s as labelled; guessing its encoding", label or "UTF-8 (unlabelled)")
    return None


def _guessed(body: bytes) -> tuple[str, str] | None:
    best = from_bytes(body).best()
    if best is None:
        return None
    encoding = resolve_encoding(best.encoding) or best.encoding
    try:
        return encoding, body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _nearly_labelled(body: bytes, content_type: str | None) -> tuple[str, str]:
    encoding, text = html_to_unicode(content_type, body)
    replaced = text.count("\ufffd")
    if replaced <= MAX_REPLACED * len(text):
        return encoding, text
    label = _label(body, content_type) or "no charset"
    raise PageDecodeError(f"cannot decode the page: labelled {label}, but {replaced} of its "
                          f"{len(text)} characters are not {encoding} and no other encoding fits")


XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse(text: str):
    """An lxml tree of a page's text. An XHTML page's XML declaration is dropped first: lxml
    refuses a decoded string that still declares an encoding."""
    try:
        return lxml_html.document_fromstring(XML_DECLARATION.sub("", text, count=1))
    except Exception as error:  # lxml raises several kinds for unusable input
        raise PageDecodeError(f"not parseable as HTML: {error}") from error


def clean_text(text: str) -> str:
    """NFC, no-break spaces as spaces, runs of white space as one space, stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).replace("\xa0", " ")).strip()


def element_text(element) -> str:
    return clean_text(element.text_content())


def block_texts(html: str, xpath: str) -> list[str]:
    """The non-empty texts (element_text) of the elements `xpath` selects in an HTML fragment (such
    as a feed item's or an API item's body), in document order."""
    if not html.strip():
        return []
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    return [text for text in (element_text(e) for e in tree.xpath(xpath)) if text]


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
