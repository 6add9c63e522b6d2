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
            self.count("errors/listing_not_json")
            self.logger.warning("search listing %s is not JSON", response.url)
            return
        results = [r for r in page.get(RESULTS) or [] if r.get(RESULT_LINK)]
        reasons = []
        for rank, result in enumerate(results):
            url = response.urljoin(gov_uk.content_api_path(result[RESULT_LINK]))
            reason = self.skip_reason(url, gov_uk.day_of(result.get(RESULT_TIMESTAMP)))
            reasons.append(reason)
            if reason:
                self.count(f"skipped/{reason}")
                continue
            listing = {"listing_url": response.url, "start": response.meta["start"], "rank": rank,
                       "title": result.get("title"), RESULT_TIMESTAMP: result.get(RESULT_TIMESTAMP)}
            request = self.detail_request(url, listing)
            if request:
                yield request
        next_page = self._next_page(response, page, results, reasons)
        if next_page is not None:
            yield next_page

    def _too_old(self, result: dict) -> bool:
        day = gov_uk.day_of(result.get(RESULT_TIMESTAMP))
        return self.since is not None and day is not None and day < self.since

    def _next_page(self, response, page: dict, results: list[dict], reasons: list[str | None]):
        start = response.meta["start"] + len(page.get(RESULTS) or [])
        if not results or start >= int(page.get("total") or 0):
            return None
        if any(self._too_old(r) for r in results):  # newest first: every later page is older
            return None
        if not self.keeps_paging(reasons) or self.page_cap_reached():
            return None  # the archive's frontier (unless backfilling), or the page cap
        url = add_or_replace_parameter(response.meta["first_page"], PAGE_START, str(start))
        return self.listing_request(url, first_page=response.meta["first_page"], start=start)

