"""What the China MFA spiders (English and Chinese) share: their start, their listings' links and
their paging, for the listings of both eras (podium/fmprc.py names the selectors).

Start: each of the source's start URLs. A start URL of the 2016–2020 site (default.shtml on
www.fmprc.gov.cn) is read only when replaying a recording that holds it: the live site lists
its columns at today's URLs (index.shtml / index.html on www.mfa.gov.cn), and the older
listings exist only in recordings. When replaying, a listing the recording lacks is skipped
(`podium/skipped/listing_not_recorded`), never fetched as a failure.

Links: the listing selectors of either era; when they match nothing, the column's article links
by URL shape (counted `podium/listing_fallback`, staged as a `layout_fallback` error); when
nothing at all is found, a `layout_changed` error and no paging.

Paging: default_1.shtml / index_1.shtml / index_1.html …, newest first; the page count is in a
script of each page (or, failing that, in its pager's links).
"""
from __future__ import annotations

import scrapy

from podium import fmprc
from spiders.base import PodiumSpider
from spiders.items import error_record


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
