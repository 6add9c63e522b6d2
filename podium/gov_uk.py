"""GOV.UK news articles and speeches, read from Content API JSON (https://www.gov.uk/api/content/…).

What the items look like:
* `schema_name` is `news_article` (document types news_story, press_release, world_news_story,
  government_response) or `speech` (speech, oral_statement, written_statement,
  authored_article); the body is HTML in `details.body` (`<div class="govspeak">`).
* A speech names its speaker in `links.speaker` (a person page; the title carries honorifics,
  "The Rt Hon Theresa May MP") or, for people without a GOV.UK page, in
  `details.speaker_without_profile`; the role is in `links.roles` when the item has one. It is
  dated by `details.delivered_on` (the day it was given, in its own UTC offset), which may differ
  from the day it was published.
* A news article is the publishing organisation's statement, dated by `first_public_at` /
  `first_published_at`. `locale` is the item's language ("ar" for an Arabic translation).
"""
from __future__ import annotations

import datetime as dt
import json
import re

from podium.extract import (Document, Extraction, ExtractionError, LayoutChanged, Statement, StoredPage, doc_id_for,
                            statement_id_for, text_hash)
from podium.dates import iso_date
from podium.html import block_texts
from podium.settings import Source
from podium.speakers import Registry
from podium.transcript import PARAGRAPH_SEPARATOR

CONTENT_API_PREFIX = "/api/content"  # Content API path = this + the page's base_path
BODY_BLOCKS = ("//*[self::p or self::h2 or self::h3 or self::h4 or self::blockquote[not(.//p)]"
               " or self::li[not(.//p)]]")
SPEECH_SCHEMA = "speech"
# Honorifics GOV.UK puts around a person's name in link titles.
HONORIFICS = re.compile(r"^(?:The\s+)?(?:Rt\.?\s+Hon\.?\s+|Right\s+Honourable\s+)|\s+(?:MP|QC|KC|MEP)$")
EXTRACTOR_VERSION = "govuk-content-1"


# The Search API's listing pages (/api/search.json): results newest `public_timestamp` first,
# `count` a page, paged with `start`; each result's `link` is a page path.
RESULTS = "results"
RESULT_LINK = "link"
RESULT_TIMESTAMP = "public_timestamp"
PAGE_START = "start"


def search_page(text: str) -> dict | None:
    """A Search API listing page, or None when it is not a JSON object."""
    try:
        page = json.loads(text)
    except ValueError:
        return None
    return page if isinstance(page, dict) else None


def search_results(page: dict) -> list[dict]:
    """The page's results that link to a page."""
    return [r for r in page.get(RESULTS) or [] if r.get(RESULT_LINK)]


def next_start(page: dict, start: int) -> int | None:
    """The `start` of the listing's next page, or None after the last one."""
    following = start + len(page.get(RESULTS) or [])
    return following if following < int(page.get("total") or 0) else None


def content_api_path(base_path: str) -> str:
    """The Content API path of a GOV.UK page path (the spider builds detail URLs with it)."""
    return CONTENT_API_PREFIX + base_path


def read_item(body: bytes) -> dict:
    try:
        item = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ExtractionError(f"not a Content API JSON item: {error}") from error
    if not isinstance(item, dict) or not (item.get("details") or {}).get("body"):
        raise LayoutChanged("Content API item has no details.body", "details.body")
    return item


def plain_name(title: str) -> str:
    """'Theresa May' for 'The Rt Hon Theresa May MP'; peers keep their title ('Lord McNally')."""
    name = title.strip()
    previous = None
    while previous != name:
        previous, name = name, HONORIFICS.sub("", name).strip()
    return name


def item_date(item: dict) -> tuple[dt.date | None, str]:
    """(date, basis): a speech's delivery day, else the day the item was first published."""
    details = item.get("details", {})
    candidates = [("delivered_on", details.get("delivered_on"))] if item.get("schema_name") == SPEECH_SCHEMA else []
    candidates += [("first_public_at", details.get("first_public_at")),
                   ("first_published_at", item.get("first_published_at"))]
    for basis, value in candidates:
        day = iso_date(value)  # the day in the timestamp's own UTC offset, as GOV.UK shows it
        if day:
            return day, basis
    return None, "undated"


def _titles(item: dict, link_type: str) -> list[str]:
    return [link.get("title", "") for link in item.get("links", {}).get(link_type) or [] if link.get("title")]


def organisation(item: dict) -> str | None:
    """The item's publishing organisation (or first organisation, or embassy)."""
    for link_type in ("primary_publishing_organisation", "organisations", "worldwide_organisations"):
        titles = _titles(item, link_type)
        if titles:
            return titles[0]
    return None


def speaker_of(item: dict) -> str | None:
    speakers = _titles(item, "speaker")
    if speakers:
        return speakers[0]
    return item.get("details", {}).get("speaker_without_profile") or None


def extract_content_item(page: StoredPage, source: Source, registry: Registry) -> Extraction:
    """A Content API item → its document and one statement (the speech, or the news release)."""
    item = read_item(page.body)
    paragraphs = block_texts(item["details"]["body"], BODY_BLOCKS)
    if not paragraphs:
        raise ExtractionError(f"Content API item {item.get('base_path')!r} has an empty body")
    text = PARAGRAPH_SEPARATOR.join(paragraphs)
    day, basis = item_date(item)
    speech = item.get("schema_name") == SPEECH_SCHEMA
    document = Document(
        doc_id=doc_id_for(page.url), page_id=page.page_id, source_id=source.key, url=page.url,
        doc_type=item.get("document_type") or item.get("schema_name") or "page", title=item.get("title", ""),
        published_at=day, date_basis=basis, date_latest=None, language=item.get("locale") or source.language,
        text=text, text_hash=text_hash(text), encoding="utf-8", extractor=EXTRACTOR_VERSION,
    )
    speaker = speaker_of(item) if speech else None
    statement = _speech(document, item, speaker, registry) if speaker else _release(document, item, source)
    return Extraction(document, [statement])


def _speech(document: Document, item: dict, speaker_title: str, registry: Registry) -> Statement:
    name = plain_name(speaker_title)
    speaker = registry.resolve(name) or registry.resolve(speaker_title)
    roles = _titles(item, "roles")
    held = speaker.role_on(document.published_at, prefer=roles[0] if roles else None) if speaker else None
    role = roles[0] if roles else (held.role if held else None)
    institution = organisation(item) or (held.institution if held else None)
    return _statement(document, speaker.speaker_id if speaker else None, name, role, institution, "speech")


def _release(document: Document, item: dict, source: Source) -> Statement:
    publisher = organisation(item) or source.institution
    return _statement(document, None, publisher, None, publisher, "press_statement")


def _statement(document: Document, speaker_id: str | None, speaker_raw: str, role: str | None,
               institution: str | None, kind: str) -> Statement:
    return Statement(
        statement_id=statement_id_for(document.doc_id, 1), doc_id=document.doc_id, seq=1, speaker_id=speaker_id,
        speaker_raw=speaker_raw, role=role, institution=institution, country="GB",
        statement_date=document.published_at, date_basis=document.date_basis, kind=kind, text=document.text,
        question=None, questioner=None, char_start=0, char_end=len(document.text), language=document.language,
    )
