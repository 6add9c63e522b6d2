"""A site that changed its markup is seen the first night: every spider family records a listing
that yields nothing as `layout_changed`, naming what it looked for, and every page reader raises
LayoutChanged when the part it reads is gone."""
from __future__ import annotations

import json

import pytest
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from podium.extract import LayoutChanged, StoredPage
from podium.settings import settings

MOVED = b"<html><head><title>Moved</title></head><body><p>This page has moved.</p></body></html>"


def spider_for(key: str):
    from spiders.loader import PodiumSpiderLoader

    crawler = get_crawler(settings_dict={"SPIDER_MODULES": ["spiders.sources"]})
    cls = PodiumSpiderLoader.from_settings(crawler.settings).load(key)
    return cls.from_crawler(crawler)


def listing_response(spider, body: bytes, content_type: str = "text/html") -> TextResponse:
    url = spider.source.listing_urls[0]
    request = Request(url, meta={"page": 0, "start": 0, "first_page": url, "index": 0, "podium_start": True})
    return TextResponse(url, body=body, headers={"Content-Type": content_type}, request=request, encoding="utf-8")


CASES = [
    ("belarus_mfa", MOVED, "text/html", "the listing yields no article links", "article-link heuristic"),
    ("news_feeds", MOVED, "text/html", "the feed has", "RSS <item> / Atom <entry>"),
    ("news_sitemap", MOVED, "text/html", "the sitemap lists no pages and no sitemaps", "sitemap"),
    ("state_gov_press", b"<rss><channel><title>x</title></channel></rss>", "application/rss+xml",
     "the feed has no items", "RSS <item>"),
    ("uk_fcdo", MOVED, "text/html", "the search listing is not a JSON object", "a JSON object"),
    ("uk_fcdo", json.dumps({"results": [], "total": 0}).encode(), "application/json",
     "the search listing has no results", "results[].link"),
]


@pytest.mark.parametrize("key, body, content_type, what, selector", CASES, ids=[f"{c[0]}-{c[3][:24]}" for c in CASES])
def test_a_listing_that_yields_nothing_is_recorded_as_layout_changed(key, body, content_type, what, selector):
    spider = spider_for(key)
    out = list(spider.parse_listing(listing_response(spider, body, content_type)))
    page, error = out  # the listing is still staged, then the error; nothing else is requested
    assert page["type"] == "page" and page["page_kind"] == "listing"
    assert (error["type"], error["stage"], error["page_kind"]) == ("error", "layout_changed", "start")
    assert error["error"].startswith(f"layout changed: {what}") and selector in error["error"]
    assert spider.crawler.stats.get_value("podium/layout_changed") == 1


def test_a_government_page_without_its_body_is_layout_changed():
    from podium import gov_uk, state_gov
    from podium.speakers import registry

    item = b"<item><title>A statement</title><link>https://www.state.gov/x/</link></item>"
    with pytest.raises(LayoutChanged, match="has no body text") as state:
        state_gov.extract_item(StoredPage("p", "state_gov_press", "https://www.state.gov/x/", item),
                               settings().source("state_gov_press"), registry())
    assert state.value.selector == "content:encoded"
    body = json.dumps({"title": "x", "details": {}}).encode()
    with pytest.raises(LayoutChanged, match="no details.body") as uk:
        gov_uk.extract_content_item(StoredPage("p", "uk_fcdo", "https://www.gov.uk/api/content/x", body),
                                    settings().source("uk_fcdo"), registry())
    assert uk.value.selector == "details.body"
