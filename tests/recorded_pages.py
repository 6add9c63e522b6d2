"""A recorded page of a source as its reader receives it: the body as the site served it, and the
listing the source's spider stages beside it (the date shown beside the link, the neighbouring
titles). What the expectation files (tests/expected.py) are compared with."""
from __future__ import annotations

import datetime as dt
import functools
import re

from lxml import html as lxml_html

from conftest import SNAPSHOTS, snapshot_rows
from expected import ExpectedPage
from podium import fmprc, replay, state_gov
from podium.fmprc import NEIGHBOURS
from podium.extract import Extraction, StoredPage, extract
from podium.settings import settings
from podium.speakers import registry


def extracted(source: str, expected: ExpectedPage, listing: dict | None = None, staged: bool = True) -> Extraction:
    """The extraction of an expected page; `staged`: with the listing its spider stages beside it,
    else with `listing` (None: as fetched on its own, `crawl --url`)."""
    page = stored_page(source, expected, listing_of(source, expected) if staged else listing)
    return extract(page, settings().source(source), registry())


def stored_page(source: str, expected: ExpectedPage, listing: dict | None) -> StoredPage:
    if settings().source(source).format == "state_rss_item":  # a feed's item is the page
        item = feed_item(source, expected)
        return StoredPage("test", source, item.link, item.xml, "application/rss+xml", listing)
    row = next((r for r in snapshot_rows(source) if r["file"] == expected.file), {})
    content_type = row.get("content_type") or "text/html"
    body = replay.Recording(expected.url, SNAPSHOTS / source / expected.file, 200, content_type).body()
    return StoredPage("test", source, expected.url, body, content_type, listing)


def feed_item(source: str, expected: ExpectedPage) -> state_gov.RawItem:
    items = state_gov.split_feed((SNAPSHOTS / source / expected.file).read_bytes())
    return next(item for item in items if item.link == expected.url)


def listing_of(source: str, expected: ExpectedPage) -> dict | None:
    """What the source's spider stages beside the page, as far as its reader reads it."""
    staged = STAGED_LISTINGS.get(source, listed_date)
    return staged(source, expected)


def listed_date(source: str, expected: ExpectedPage) -> dict | None:
    """The generic spiders' listing: the date shown beside the link (GenericSpider.request_dated).
    The date is the file's hand-read `date_as_listed`, which malaysia_kln writes month first
    ("1/25/22"; its hints say date_order MDY), so it is an input of its own and not the expected
    date copied."""
    if expected.listing is None or settings().source(source).format != "article":
        return None
    return {"date": dt.datetime.strptime(expected.listing.date_as_listed, "%m/%d/%y").date().isoformat()}


def listed_with_date(source: str, expected: ExpectedPage) -> dict:
    """China MFA (Chinese): the link's text and the date shown beside it, as recorded in the index."""
    row = next(r for r in snapshot_rows(source) if r["url"] == expected.url)
    return {"anchor": row["list_anchor_text"], "list_date": row["list_date"]}


def listed_among_neighbours(source: str, expected: ExpectedPage) -> dict:
    """China MFA (English, 2016–2020): the titles listed around the link, nearest first (the
    spider keeps them to date a title without a year)."""
    names, titles = zip(*listed_anchors(source))
    i = names.index(expected.url.rsplit("/", 1)[1])
    return {"newer": list(titles[:i][::-1][:NEIGHBOURS]), "older": list(titles[i + 1:i + 1 + NEIGHBOURS])}


@functools.cache
def listed_anchors(source: str) -> tuple[tuple[str, str], ...]:
    """(href, title) of every link on the recorded 2016–2020 listing pages, newest first."""
    anchors = []
    for path in sorted((SNAPSHOTS / source / "list").glob("default*.shtml"), key=listing_page_number):
        tree = lxml_html.fromstring(path.read_bytes())
        anchors += [(a.get("href").lstrip("./"), a.text_content().strip()) for a in tree.cssselect(fmprc.LISTING_LINKS)]
    return tuple(anchors)


def listing_page_number(path) -> int:
    """default.shtml is page 0, default_12.shtml page 12."""
    found = re.search(r"_(\d+)$", path.stem)
    return int(found.group(1)) if found else 0


STAGED_LISTINGS = {"fmprc_en": listed_among_neighbours, "fmprc_zh": listed_with_date}
