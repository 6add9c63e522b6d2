"""U.S. State Department press releases, from its RSS feed (the state_gov family).

The feed holds each release's full body, so there is no detail page to fetch: the feed is staged
as a `listing` page, and each new `<item>` is staged as a `detail` page whose URL is the item's
`<link>` and whose body is that item's XML as published (CDATA kept; see
`podium.state_gov.split_feed`). The archive so keeps exactly what was published, and the next run
skips items whose link is archived. `since`/`until` apply to the item's `<pubDate>` (Washington
date).
"""
from __future__ import annotations

from scrapy.http import Request, XmlResponse

from podium import state_gov
from spiders.base import PodiumSpider
from spiders.items import page_record

ITEM_CONTENT_TYPE = "application/rss+xml; charset=UTF-8"


class PressFeedSpider(PodiumSpider):
    def first_requests(self):
        # Retries and URL lists name item links, whose pages exist here only inside the feed:
        # both are served from the feed (see _skip_item) instead of fetched from state.gov.
        self.wanted = set(self.urls) | {url for url, _ in self.retry}
        yield from self.start_listings()

    def listing_requests(self):
        for url in self.source.feed_urls:
            yield self.listing_request(url)

    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        items = state_gov.split_feed(response.body)
        if not items:
            yield self.layout_changed(response, "RSS <item>", "the feed has no items")
            return
        for rank, item in enumerate(items):
            reason = self._skip_item(item)
            if reason:
                self.count(f"skipped/{reason}")
                continue
            self.count("staged/item")
            listing = {"listing_url": response.url, "rank": rank, "pubdate": item.pubdate}
            yield page_record(self.name, self._item_response(response, item), "detail", listing)

    def _skip_item(self, item: state_gov.RawItem) -> str | None:
        """Why an item of the feed is not staged, or None."""
        if not item.link:
            return "no_link"
        if self.urls and item.link not in self.wanted:
            return "not_requested"
        if self.is_archived(item.link) and item.link not in self.wanted:
            return "archived"
        if not self.in_date_range(state_gov.pubdate_of(item.pubdate)):
            return "out_of_range"
        if self.page_cap_reached(counter="staged/item"):
            return "page_cap"
        return None

    @staticmethod
    def _item_response(feed, item: state_gov.RawItem) -> XmlResponse:
        """The item as a response of its own, so it is staged like any fetched page."""
        request = Request(item.link, meta={"live_url": item.link})
        return XmlResponse(url=item.link, status=feed.status, headers={"Content-Type": ITEM_CONTENT_TYPE},
                           body=item.xml, request=request)
