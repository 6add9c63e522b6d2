"""China MFA, Chinese: 发言人表态 (regular press conference transcripts, answers, statements).

Listings of both eras (spiders/fmprc_listing.py): default.shtml, default_1.shtml, … on
www.fmprc.gov.cn (2016–2020, read from recordings) and index.shtml, index_1.shtml, … on
www.mfa.gov.cn (today), newest first. An item's date shown beside its link, "(2020-07-03)", is
staged as `list_date` in the listing metadata (the extractor dates a page by it when the title
has no date). since/until apply to the item's date as the extractor reads it
(podium.dates.date_of_listed_item), or else to the day in a URL of today's site. Paging stops at
the first listing page with nothing new to fetch, at a page that reaches back beyond `since`, or,
when replaying, at a listing page the recording does not hold.
"""
from __future__ import annotations

from podium import fmprc
from podium.dates import date_of_listed_item, iso_date
from spiders.fmprc_listing import FmprcListingSpider
from spiders.items import page_record


class FmprcZhSpider(FmprcListingSpider):
    name = "fmprc_zh"

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
            metadata = {"listing_url": response.url, "page": response.meta["index"], "rank": rank,
                        "anchor": link.anchor, "list_date": link.shown_date}
            items.append((link.url, metadata, self.skip_reason(link.url, self.item_date(link.url, metadata))))
        return items

    @staticmethod
    def item_date(url: str, listing: dict):
        """An item's date as the extractor reads it: a full date in its title, else the title's
        month and day in the year of the listing's date, else the listing's date; without any of
        them, the day in its URL (today's site names pages tYYYYMMDD_<n>)."""
        dated = date_of_listed_item(listing["anchor"], iso_date(listing["list_date"])).date
        return dated or fmprc.url_date(url)

    def _pages_on(self, items) -> bool:
        """Whether the next listing page may hold something to fetch (see the module docstring).
        Links missing from a replayed recording do not stop it."""
        oldest = self.item_date(items[-1][0], items[-1][1]) if items else None
        if self.since is not None and oldest is not None and oldest < self.since:
            return False  # newest first: everything on the next pages is older still
        return self.keeps_paging([skip for _, _, skip in items])
