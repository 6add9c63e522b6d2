"""Generic spider families for config-only sources: a source row with `spider: listing | feed |
sitemap | url_list` needs no module of its own.

  listing   walks `start_urls` (listing pages) and their next pages; article links come from the
            row's `hints` or, without hints, from podium.links' heuristic
  feed      reads RSS/Atom feeds (`feed_urls`) with feedparser
  sitemap   reads sitemaps and sitemap indexes (`feed_urls`), news sitemaps included
  url_list  fetches exactly the pages in `start_urls` (and `-a urls=` as every spider does)

podium/families.py names them (GENERIC_SPIDERS); spiders/loader.py makes one spider class per
configured row that names one, `name = <key>`, when Scrapy's spider loader is made. Each fetches
and selects only.
"""
from __future__ import annotations

import datetime as dt

import feedparser
from lxml import etree

from podium import links
from podium.dates import iso_date
from spiders.base import PodiumSpider
from spiders.items import page_record

# Sitemap elements, matched on local names so that any namespace prefix works.
SITEMAP_CHILDREN = "/*[local-name()='sitemapindex']/*[local-name()='sitemap']/*[local-name()='loc']/text()"
SITEMAP_URLS = "/*[local-name()='urlset']/*[local-name()='url']"
SITEMAP_LOC = "string(*[local-name()='loc'])"
SITEMAP_LASTMOD = "string(*[local-name()='lastmod'])"
NEWS_DATE = "string(*[local-name()='news']/*[local-name()='publication_date'])"
NEWS_TITLE = "string(*[local-name()='news']/*[local-name()='title'])"


class GenericSpider(PodiumSpider):
    """What the families share: the listed page's date is staged with it, for the extractor;
    feeds and sitemaps start from the row's feed_urls."""

    def listing_requests(self):
        for url in self.source.feed_urls:
            yield self.listing_request(url)

    def request_dated(self, url: str, day: dt.date | None, listing: dict, skip: str | None):
        """request_listed, the listed day staged with the page (the extractor may date it by it)."""
        return self.request_listed(url, {**listing, "date": day.isoformat() if day else None}, skip)


class ListingSpider(GenericSpider):
    def listing_requests(self):
        for url in self.source.start_urls:
            yield self.listing_request(url, page=0)

    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        tree = links.listing_tree(response.text)
        found = links.article_links(tree, response.url, self.source.hints)
        if not found:
            selector = self.source.hints.get("links") or "podium.links' article-link heuristic"
            yield self.layout_changed(response, selector, "the listing yields no article links")
            return
        reasons = [self.skip_reason(link.url, link.date) for link in found]
        for rank, (link, reason) in enumerate(zip(found, reasons)):
            listing = {"listing_url": response.url, "page": response.meta["page"], "rank": rank,
                       "anchor": link.anchor}
            request = self.request_dated(link.url, link.date, listing, reason)
            if request:
                yield request
        following = links.next_page(tree, response.url, self.source.hints)
        if following and self.pages_on(found, reasons):
            request = self.follow_listing(following, page=response.meta["page"] + 1)
            if request:
                yield request

    def pages_on(self, found: list[links.Link], reasons: list[str | None]) -> bool:
        """Whether the next listing page may hold something to fetch.

        Stop at the archive's frontier (a page with archived links and nothing new), at a page
        that lists something dated before `since` (listings run newest first, so the next page is
        older still), or at the page cap. Links missing from a replayed recording do not stop it.
        """
        if not found or self.page_cap_reached():
            return False
        days = [link.date for link in found if link.date]
        if self.since and days and min(days) < self.since:
            return False
        return self.keeps_paging(reasons)


class FeedSpider(GenericSpider):
    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        feed = feedparser.parse(response.body)
        if not feed.entries:
            why = f"unreadable ({feed.get('bozo_exception')})" if feed.bozo else "no entries"
            yield self.layout_changed(response, "RSS <item> / Atom <entry>", f"the feed has {why}")
            return
        for rank, entry in enumerate(feed.entries):
            if not entry.get("link"):
                continue
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            day = dt.date(*stamp[:3]) if stamp else None
            listing = {"feed_url": response.url, "rank": rank, "anchor": entry.get("title", ""),
                       "authors": [a.get("name") for a in entry.get("authors", []) if a.get("name")]}
            url = response.urljoin(entry.link)
            request = self.request_dated(url, day, listing, self.skip_reason(url, day))
            if request:
                yield request


class SitemapSpider(GenericSpider):
    def parse_listing(self, response):
        yield page_record(self.name, response, "listing")
        try:
            root = etree.fromstring(response.body, parser=etree.XMLParser(recover=True, resolve_entities=False))
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            yield self.layout_changed(response, "an XML sitemap", "the sitemap is unreadable XML")
            return
        if not (root.xpath(SITEMAP_CHILDREN) or root.xpath(SITEMAP_URLS)):
            if response.meta.get("podium_start"):  # a news sitemap under an index may be empty on a quiet day
                yield self.layout_changed(response, f"{SITEMAP_CHILDREN} | {SITEMAP_URLS}",
                                          "the sitemap lists no pages and no sitemaps")
            return
        for url in root.xpath(SITEMAP_CHILDREN):
            request = self.follow_listing(response.urljoin(url.strip()))
            if request:
                yield request
        for rank, entry in enumerate(root.xpath(SITEMAP_URLS)):
            # W3C datetimes ("2019-11-20T07:00:00+00:00"): their first 10 characters are the day
            day = iso_date(entry.xpath(NEWS_DATE).strip()[:10]) or iso_date(entry.xpath(SITEMAP_LASTMOD).strip()[:10])
            listing = {"sitemap_url": response.url, "rank": rank, "anchor": entry.xpath(NEWS_TITLE).strip()}
            url = response.urljoin(entry.xpath(SITEMAP_LOC).strip())
            request = self.request_dated(url, day, listing, self.skip_reason(url, day))
            if request:
                yield request


class UrlListSpider(GenericSpider):
    """The row's `start_urls` are the pages themselves; archived ones are not fetched again."""

    def listing_requests(self):
        for url in self.source.start_urls:
            request = self.request_dated(url, None, {"listed_in": "config"}, self.skip_reason(url, None))
            if request:
                yield request
