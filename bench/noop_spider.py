"""A do-nothing spider for the crawl benchmark: it walks the same listing and detail pages as the
fmprc_en spider, through the same settings and replay middleware, and keeps nothing."""
import scrapy

from podium import fmprc


class NoopSpider(scrapy.Spider):
    name = "noop"
    custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}}

    def __init__(self, start: str, pages: str, **kwargs):
        super().__init__(**kwargs)
        self.first_listing, self.pages = start, int(pages)
        self.allowed_domains = ["www.fmprc.gov.cn", "127.0.0.1"]

    async def start(self):
        for index in range(self.pages):
            yield scrapy.Request(fmprc.listing_page_url(self.first_listing, index), callback=self.parse_listing)

    def parse_listing(self, response):
        for href in response.css(fmprc.LISTING_LINKS + "::attr(href)").getall():
            yield response.follow(href, callback=self.parse_detail)

    def parse_detail(self, response):
        return None
