"""China MFA, Chinese: 发言人表态 (regular press conference transcripts, answers, statements).

Listing: default.shtml, default_1.shtml, … (newest first; the page count is in a script). Each
item shows its date beside the link, "(2020-07-03)": it is staged as `list_date` in the listing
metadata (the extractor dates a page by it when the title has no date). since/until apply to
the item's date as the extractor reads it (podium.dates.date_of_listed_item). Paging stops at
the first listing page with nothing new to fetch, at a page that reaches back beyond `since`,
or, when replaying, at a listing page the recording does not hold.
"""
from __future__ import annotations

from podium import fmprc
from podium.dates import date_of_listed_item, iso_date
from spiders.fmprc_listing import FmprcListingSpider
from spiders.items import page_record


class FmprcZhSpider(FmprcListingSpider):
    name = "fmprc_zh"

    def listing_requests(self):
        for url in self.source.start_urls:
            yield self.listing_request(url, index=0, first_page=url)

    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        items = self.listed_items(response)
        wanted = [(url, listing) for url, listing, skip in items if skip is None]
        for _, _, skip in items:
            if skip:
                self.count(f"skipped/{skip}")
        next_page = self._next_listing(response, items, len(wanted))
        yield from self.detail_requests(wanted)
        if next_page is not None:
            yield next_page

    def listed_items(self, response) -> list[tuple[str, dict, str | None]]:
        """(url, listing metadata, skip reason or None) of each item, in listing order."""
        items = []
        for rank, li in enumerate(response.css(fmprc.LISTING_ITEMS_ZH)):
            href = li.css("a::attr(href)").get()
            if not href:
                continue
            anchor = " ".join(li.css("a ::text").getall()).strip()
            shown = fmprc.LISTING_ITEM_DATE.search(" ".join(li.css("::text").getall()))
            listing = {"listing_url": response.url, "page": response.meta["index"], "rank": rank,
                       "anchor": anchor, "list_date": shown.group(1) if shown else None}
            url = response.urljoin(href)
            items.append((url, listing, self.skip_reason(url, self.item_date(listing))))
        return items

    @staticmethod
    def item_date(listing: dict):
        """An item's date as the extractor reads it: a full date in its title, else the title's
        month and day in the year of the listing's date, else the listing's date."""
        return date_of_listed_item(listing["anchor"], iso_date(listing["list_date"])).date

    def _pages_on(self, items) -> bool:
        """Whether the next listing page may hold something to fetch (see the module docstring).
        Links missing from a replayed recording do not stop it."""
        oldest = self.item_date(items[-1][1]) if items else None
        if self.since is not None and oldest is not None and oldest < self.since:
            return False  # newest first: everything on the next pages is older still
        return self.keeps_paging([skip for _, _, skip in items])

    def _next_listing(self, response, items, wanted: int):
        return self.next_listing(response, self._pages_on(items), wanted)
