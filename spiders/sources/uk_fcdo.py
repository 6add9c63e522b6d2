"""UK FCDO news and speeches on GOV.UK, through its JSON APIs.

Listing: the Search API (`/api/search.json`, the source's api_url: FCDO as the organisation
filter, news articles and speeches, newest `public_timestamp` first, `count` results a page,
paged with `start`). Detail: each result's Content API item (`/api/content<link>`), staged as
the JSON it is. `since`/`until` apply to `public_timestamp`. Paging stops at the archive's
frontier (a page with archived items and nothing new; a backfill with `until` walks past it), at
the first item older than `since`, or at the page cap.
"""
from __future__ import annotations

import json

from w3lib.url import add_or_replace_parameter

from podium import gov_uk
from podium.dates import iso_date
from spiders.base import PodiumSpider
from spiders.items import page_record

RESULTS = "results"
RESULT_LINK = "link"
RESULT_TIMESTAMP = "public_timestamp"
PAGE_START = "start"


class UkFcdoSpider(PodiumSpider):
    name = "uk_fcdo"

    def listing_requests(self):
        for url in self.source.api_urls:
            yield self.listing_request(url, first_page=url, start=0)

    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        try:
            page = json.loads(response.text)
        except ValueError:
            page = None
        if not isinstance(page, dict):
            yield self.layout_changed(response, "a JSON object", "the search listing is not a JSON object")
            return
        results = [r for r in page.get(RESULTS) or [] if r.get(RESULT_LINK)]
        if not results and response.meta.get("podium_start"):
            yield self.layout_changed(response, f"{RESULTS}[].{RESULT_LINK}", "the search listing has no results")
            return
        urls = [response.urljoin(gov_uk.content_api_path(r[RESULT_LINK])) for r in results]
        days = [iso_date(r.get(RESULT_TIMESTAMP)) for r in results]
        reasons = [self.skip_reason(url, day) for url, day in zip(urls, days)]
        for rank, (url, result, reason) in enumerate(zip(urls, results, reasons)):
            listing = {"listing_url": response.url, "start": response.meta["start"], "rank": rank,
                       "title": result.get("title"), RESULT_TIMESTAMP: result.get(RESULT_TIMESTAMP)}
            request = self.request_listed(url, listing, reason)
            if request:
                yield request
        next_page = self._next_page(response, page, days, reasons)
        if next_page is not None:
            yield next_page

    def _next_page(self, response, page: dict, days: list, reasons: list[str | None]):
        start = response.meta["start"] + len(page.get(RESULTS) or [])
        if not days or start >= int(page.get("total") or 0):
            return None
        if self.since and any(day and day < self.since for day in days):  # newest first: later pages are older
            return None
        if not self.keeps_paging(reasons) or self.page_cap_reached():
            return None  # the archive's frontier (unless backfilling), or the page cap
        url = add_or_replace_parameter(response.meta["first_page"], PAGE_START, str(start))
        return self.listing_request(url, first_page=response.meta["first_page"], start=start)

