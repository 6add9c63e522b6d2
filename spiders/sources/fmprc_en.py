"""China MFA, English: "Regular Press Conference" transcripts.

Listings of both eras (spiders/fmprc_listing.py): default.shtml, default_1.shtml, … on
www.fmprc.gov.cn (2016–2020, read from recordings) and index.html, index_1.html, … on
www.mfa.gov.cn (today), newest first. Each detail link is staged with its neighbours' link texts,
from which a defective title's date is inferred. Paging stops at the first listing page with
nothing new to fetch.
"""
from __future__ import annotations

from podium.dates import full_title_date
from spiders.fmprc_listing import FmprcListingSpider
from spiders.items import page_record

NEIGHBOURS = 10  # listed titles kept on each side of a link, for dating defective titles


class FmprcEnSpider(FmprcListingSpider):
    name = "fmprc_en"

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
        wanted = [(link.url, self._listing_metadata(response, listing.links, anchors, i))
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

    @staticmethod
    def _listing_metadata(response, links, anchors: list[str], i: int) -> dict:
        """What is staged beside the i-th link: its place on the listing, its neighbours' titles
        and, when the listing shows one, its date."""
        newer = (anchors[:i][::-1] + response.meta["newer"])[:NEIGHBOURS]
        metadata = {"listing_url": response.url, "page": response.meta["index"], "rank": i,
                    "anchor": anchors[i], "newer": newer, "older": anchors[i + 1:i + 1 + NEIGHBOURS]}
        if links[i].shown_date:
            metadata["list_date"] = links[i].shown_date
        return metadata

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
