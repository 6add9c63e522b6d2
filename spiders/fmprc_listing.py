"""What the China MFA spiders (English and Chinese) share: their listings' paging.

Listings are default.shtml, default_1.shtml, … newest first; the page count is in a script of
each page.
"""
from __future__ import annotations

import scrapy

from podium import fmprc
from spiders.base import PodiumSpider


class FmprcListingSpider(PodiumSpider):
    def next_listing(self, response, pages_on: bool, pending: int, **meta) -> scrapy.Request | None:
        """A request for the listing's next page if it is to be read: there is one, `pages_on`
        (the spider's own paging rule) says so, the page cap leaves room beyond the `pending`
        detail requests of this page, and (when replaying) the recording holds it."""
        index = response.meta["index"]
        count = fmprc.listing_page_count(response.text) or 1
        if index + 1 >= count or not pages_on or self.page_cap_reached(pending):
            return None
        first = response.meta["first_page"]
        return self.follow_listing(fmprc.listing_page_url(first, index + 1), index=index + 1, first_page=first, **meta)
