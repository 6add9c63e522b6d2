"""GOV.UK (news and speeches of a department, e.g. the FCDO), through its JSON APIs.

Listing: the Search API (the source's api_url: the organisation filter, document types, newest
`public_timestamp` first, `count` results a page, paged with `start`; podium/gov_uk.py reads
its pages). Detail: each result's Content API item (`/api/content<link>`), staged as the JSON it
is. `since`/`until` apply to `public_timestamp`. Paging stops at the archive's frontier (a page
with archived items and nothing new; a backfill with `until` walks past it), at the first item
older than `since`, or at the page cap.
"""
from __future__ import annotations

from w3lib.url import add_or_replace_parameter

from podium import gov_uk
from podium.dates import iso_date
from spiders.base import PodiumSpider
from spiders.items import page_record


class SearchApiSpider(PodiumSpider):
    def listing_requests(self):
        for url in self.source.api_urls:
            yield self.listing_request(url, first_page=url, start=0)

    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        page = gov_uk.search_page(response.text)
        if page is None:
            yield self.layout_changed(response, "a JSON object", "the search listing is not a JSON object")
            return
        results = gov_uk.search_results(page)
        if not results and response.meta.get("podium_start"):
            yield self.layout_changed(response, f"{gov_uk.RESULTS}[].{gov_uk.RESULT_LINK}",
                                      "the search listing has no results")
            return
        urls = [response.urljoin(gov_uk.content_api_path(r[gov_uk.RESULT_LINK])) for r in results]
        days = [iso_date(r.get(gov_uk.RESULT_TIMESTAMP)) for r in results]
        reasons = [self.skip_reason(url, day) for url, day in zip(urls, days)]
        for rank, (url, result, reason) in enumerate(zip(urls, results, reasons)):
            listing = {"listing_url": response.url, "start": response.meta["start"], "rank": rank,
                       "title": result.get("title"), gov_uk.RESULT_TIMESTAMP: result.get(gov_uk.RESULT_TIMESTAMP)}
            request = self.request_listed(url, listing, reason)
            if request:
                yield request
        next_page = self._next_page(response, page, days, reasons)
        if next_page is not None:
            yield next_page

    def _next_page(self, response, page: dict, days: list, reasons: list[str | None]):
        start = gov_uk.next_start(page, response.meta["start"])
        if not days or start is None:
            return None
        if self.since and any(day and day < self.since for day in days):  # newest first: later pages are older
            return None
        if not self.keeps_paging(reasons) or self.page_cap_reached():
            return None  # the archive's frontier (unless backfilling), or the page cap
        url = add_or_replace_parameter(response.meta["first_page"], gov_uk.PAGE_START, str(start))
        return self.listing_request(url, first_page=response.meta["first_page"], start=start)
