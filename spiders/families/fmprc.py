"""China MFA (English and Chinese columns): the start, the listings' links and their paging, for
the listings of both eras (podium/fmprc.py names the selectors and what each link is staged with).

Start: each of the source's start URLs. A start URL of the 2016–2020 site (default.shtml on
www.fmprc.gov.cn) is read only when replaying a recording that holds it: the live site lists
its columns at today's URLs (index.shtml / index.html on www.mfa.gov.cn), and the older
listings exist only in recordings. When replaying, a listing the recording lacks is skipped
(`podium/skipped/listing_not_recorded`), never fetched as a failure.

Links: the listing selectors of either era; when they match nothing, the column's article links
by URL shape (counted `podium/listing_fallback`, staged as a `layout_fallback` error); when
nothing at all is found, a `layout_changed` error and no paging.

Paging: default_1.shtml / index_1.shtml / index_1.html …, newest first; the page count is in a
script of each page (or, failing that, in its pager's links). Paging stops at the first listing
page with nothing new to fetch, at a page that reaches back beyond `since`, or, when replaying,
at a listing page the recording does not hold.

English column ("Regular Press Conference" transcripts): each detail link is staged with its
neighbours' link texts (podium.fmprc.english_listing_metadata), from which a defective title's
date is inferred; since/until apply to the date in the link's title.

Chinese column (发言人表态: transcripts, answers, statements): an item's date shown beside its
link, "(2020-07-03)", is staged as `list_date`; since/until apply to the item's date as the
extractor reads it (podium.fmprc.listed_item_date).
"""
from __future__ import annotations

import scrapy

from podium import fmprc
from podium.dates import full_title_date
from spiders.base import PodiumSpider
from spiders.items import error_record, page_record

NEIGHBOURS = fmprc.NEIGHBOURS


class FmprcListingSpider(PodiumSpider):
    def listing_requests(self):
        for url in self.source.start_urls:
            if fmprc.is_former_listing(url) and self.recorded is None:
                self.count("skipped/former_listing")
                self.logger.info("not reading %s: a listing of the 2016-2020 site, read only from a recording", url)
                continue
            request = self.follow_listing(url, index=0, first_page=url, **self.first_listing_meta())
            if request:
                yield request

    def first_listing_meta(self) -> dict:
        """What a spider carries from page to page of a listing, as it starts."""
        return {}

    def read_listing(self, response) -> tuple[fmprc.Listing, list[dict]]:
        """The listing page's links, and the error records that say how they were found: none
        when the selectors found them; `layout_fallback` when the URL shape did; `layout_changed`
        when nothing did."""
        listing = fmprc.read_listing(response.text, response.url)
        if not listing.links:
            return listing, [self.layout_changed(response, fmprc.LISTING_ANCHORS, "article links on a listing page")]
        if not listing.by_url_pattern:
            return listing, []
        self.count("listing_fallback")
        reason = (f"layout changed: the listing selector {fmprc.LISTING_ANCHORS!r} matched nothing; "
                  f"{len(listing.links)} links found by URL pattern")
        self.logger.warning("%s: %s", response.url, reason)
        return listing, [error_record(self.name, response.url, reason, response.status, response.meta.get("listing"),
                                      stage="layout_fallback", page_kind=self.listing_role(response))]

    def next_listing(self, response, listing: fmprc.Listing, pages_on: bool, pending: int,
                     **meta) -> scrapy.Request | None:
        """A request for the listing's next page if it is to be read: there is one, the page
        holds links, `pages_on` (the spider's own paging rule) says so, the page cap leaves room
        beyond the `pending` detail requests of this page, and (when replaying) the recording
        holds it."""
        index = response.meta["index"]
        count = listing.page_count or 1
        if not listing.links or index + 1 >= count or not pages_on or self.page_cap_reached(pending):
            return None
        first = response.meta["first_page"]
        return self.follow_listing(fmprc.listing_page_url(first, index + 1), index=index + 1, first_page=first, **meta)


class EnglishColumnSpider(FmprcListingSpider):
    def first_listing_meta(self) -> dict:
        return {"carry": None, "newer": []}

    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        listing, records = self.read_listing(response)
        yield from records
        anchors = [link.anchor for link in listing.links]
        days = [full_title_date(anchor) for anchor in anchors]
        reasons = [self.skip_reason(link.url, day) for link, day in zip(listing.links, days)]
        for reason in filter(None, reasons):
            self.count(f"skipped/{reason}")
        wanted = [(link.url, fmprc.english_listing_metadata(response.url, response.meta["index"], listing.links, i,
                                                            response.meta["newer"]))
                  for i, (link, reason) in enumerate(zip(listing.links, reasons)) if reason is None]
        carried = response.meta.get("carry")
        if carried:  # the last item of the previous page: its older neighbours are here
            carried[1]["older"] = (carried[1]["older"] + anchors)[:NEIGHBOURS]
            wanted.insert(0, carried)
        next_page = self._next_listing(response, listing, days, reasons, wanted)
        if next_page is not None and wanted and wanted[-1][1]["rank"] >= len(anchors) - NEIGHBOURS:
            next_page.meta["carry"] = wanted.pop()
        yield from self.detail_requests(wanted)
        if next_page is not None:
            yield next_page

    def _pages_on(self, days, reasons) -> bool:
        """Whether the next listing page may hold something to fetch, given the title date and
        skip reason of each link here: not once every link is older than `since`; otherwise as
        PodiumSpider.keeps_paging says."""
        too_old = [self.since is not None and (day or self.since) < self.since for day in days]
        if days and all(too_old):
            return False
        return self.keeps_paging(reasons)

    def _next_listing(self, response, listing, days, reasons, wanted):
        anchors = [link.anchor for link in listing.links]
        return self.next_listing(response, listing, self._pages_on(days, reasons), len(wanted), carry=None,
                                 newer=anchors[::-1][:NEIGHBOURS])


class ChineseColumnSpider(FmprcListingSpider):
    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        listing, records = self.read_listing(response)
        yield from records
        items = self.listed_items(response, listing)
        wanted = [(url, metadata) for url, metadata, skip in items if skip is None]
        for _, _, skip in items:
            if skip:
                self.count(f"skipped/{skip}")
        next_page = self.next_listing(response, listing, self._pages_on(items), len(wanted))
        yield from self.detail_requests(wanted)
        if next_page is not None:
            yield next_page

    def listed_items(self, response, listing: fmprc.Listing) -> list[tuple[str, dict, str | None]]:
        """(url, listing metadata, skip reason or None) of each item, in listing order."""
        items = []
        for rank, link in enumerate(listing.links):
            metadata = fmprc.chinese_listing_metadata(response.url, response.meta["index"], link, rank)
            items.append((link.url, metadata, self.skip_reason(link.url, fmprc.listed_item_date(link.url, metadata))))
        return items

    def _pages_on(self, items) -> bool:
        """Whether the next listing page may hold something to fetch (see the module docstring).
        Links missing from a replayed recording do not stop it."""
        oldest = fmprc.listed_item_date(items[-1][0], items[-1][1]) if items else None
        if self.since is not None and oldest is not None and oldest < self.since:
            return False  # newest first: everything on the next pages is older still
        return self.keeps_paging([skip for _, _, skip in items])
