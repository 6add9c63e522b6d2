"""China MFA, English: "Regular Press Conference" transcripts.

Listing: default.shtml, default_1.shtml, … (newest first; the page count is in a script). Each
detail link is staged with its neighbours' link texts, from which a defective title's date is
inferred. Paging stops at the first listing page with nothing new to fetch.
"""
from __future__ import annotations

from podium import fmprc
from podium.dates import full_title_date
from spiders.base import PodiumSpider
from spiders.items import page_record

NEIGHBOURS = 10  # listed titles kept on each side of a link, for dating defective titles


class FmprcEnSpider(PodiumSpider):
    name = "fmprc_en"

    def listing_requests(self):
        for url in self.source.start_urls:
            yield self.listing_request(url, index=0, first_page=url, carry=None, newer=[])

    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        links = [(response.urljoin(a.attrib["href"]), " ".join(a.css("::text").getall()).strip())
                 for a in response.css(fmprc.LISTING_LINKS) if a.attrib.get("href")]
        anchors = [anchor for _, anchor in links]
        wanted = [entry for entry in (self._listing_entry(response, links, i) for i in range(len(links))) if entry]
        carried = response.meta.get("carry")
        if carried:  # the last item of the previous page: its older neighbours are here
            carried[1]["older"] = (carried[1]["older"] + anchors)[:NEIGHBOURS]
            wanted.insert(0, carried)
        next_page = self._next_listing(response, links, anchors, wanted)
        if next_page is not None and wanted and wanted[-1][1]["rank"] >= len(links) - NEIGHBOURS:
            next_page.meta["carry"] = wanted.pop()
        for url, listing in wanted:
            request = self.detail_request(url, listing)
            if request:
                yield request
        if next_page is not None:
            yield next_page

    def _listing_entry(self, response, links, i):
        """(url, listing metadata) of the i-th link if it is to be fetched, else None."""
        url, anchor = links[i]
        anchors = [a for _, a in links]
        newer = (anchors[:i][::-1] + response.meta["newer"])[:NEIGHBOURS]
        listing = {"listing_url": response.url, "page": response.meta["index"], "rank": i,
                   "anchor": anchor, "newer": newer, "older": anchors[i + 1:i + 1 + NEIGHBOURS]}
        skip = self.skip_reason(url, full_title_date(anchor))
        if skip:
            self.count(f"skipped/{skip}")
            return None
        return url, listing

    def _pages_on(self, links) -> bool:
        """Whether the next listing page may hold something to fetch: not once every link here
        is older than `since`; otherwise as PodiumSpider.keeps_paging says."""
        too_old = [self.since is not None and (full_title_date(a) or self.since) < self.since for _, a in links]
        if links and all(too_old):
            return False
        return self.keeps_paging([self.skip_reason(url, full_title_date(anchor)) for url, anchor in links])

    def _next_listing(self, response, links, anchors, wanted):
        index = response.meta["index"]
        count = fmprc.listing_page_count(response.text) or 1
        if index + 1 >= count or not self._pages_on(links):
            return None
        if self.crawler.stats.get_value("podium/requests/detail", 0) + len(wanted) >= self.max_pages:
            return None
        url = fmprc.listing_page_url(response.meta["first_page"], index + 1)
        return self.listing_request(url, index=index + 1, first_page=response.meta["first_page"],
                                    carry=None, newer=anchors[::-1][:NEIGHBOURS])
