"""The source families: the one table that says, for each family, which `format`s of
config/sources.yaml it reads, with which extractor, whether its pages are text transcripts, and
which spider fetches a source of the family. The spider loader (spiders/loader.py), the extractor
lookup (podium.extract.extractor_for), the configuration check (podium.config_schema) and the
tests (tests/test_sources.py) all read it, and nothing else names a family.

Everything here is a name ("module:attribute"), imported only when it is used: this module sits in
the configuration layer and imports no reader and no spider. A family's code is its reader
(`podium/<family>.py`: selectors, turn rules, dates, the extractor, and its listings' rules as
plain functions) and, when it has a spider of its own, its Scrapy side
(`spiders/families/<family>.py`: requests and paging only).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str
    # format → extractor "module:function"; an extractor takes (StoredPage, Source, Registry) and
    # returns an Extraction (podium.extract)
    formats: dict[str, str]
    # The spider of a row that leaves `spider` empty: "module:Class" of a PodiumSpider subclass
    # with no `name` (the loader names it after the source's key); a mapping language → "module:Class"
    # when the family's columns list differently in each language; "" when the family has none.
    spider: str | dict[str, str] = ""
    # Its pages are text transcripts (Markdown or plain text), not web pages: a source of the
    # family sets `spider: imported` and is filled by `podium import-transcripts`.
    text: bool = False

    def spider_for(self, language: str) -> str:
        """The family's own spider for a source in this language, or ""."""
        if isinstance(self.spider, dict):
            return self.spider.get(language, "")
        return self.spider


FAMILIES: tuple[Family, ...] = (
    Family("fmprc", {"fmprc_transcript": "podium.fmprc:extract_transcript"},
           spider={"en": "spiders.families.fmprc:EnglishColumnSpider",
                   "zh": "spiders.families.fmprc:ChineseColumnSpider"}),
    Family("state_gov", {"state_rss_item": "podium.state_gov:extract_item"},
           spider="spiders.families.state_gov:PressFeedSpider"),
    Family("gov_uk", {"govuk_content": "podium.gov_uk:extract_content_item"},
           spider="spiders.families.gov_uk:SearchApiSpider"),
    Family("whitehouse", {"whitehouse_transcript": "podium.whitehouse:extract_transcript"}, text=True),
    Family("articles", {"article": "podium.articles:extract_article"}),
)

# Spiders any row may name in `spider`, whatever its format (the generic families of config-only
# sources: a ministry's listing pages, feeds, sitemaps, or a fixed list of pages).
GENERIC_SPIDERS: dict[str, str] = {
    "listing": "spiders.families.generic:ListingSpider",
    "feed": "spiders.families.generic:FeedSpider",
    "sitemap": "spiders.families.generic:SitemapSpider",
    "url_list": "spiders.families.generic:UrlListSpider",
}
# `spider: imported`: a source no spider crawls, filled by `podium import-transcripts` (a text archive).
IMPORTED = "imported"


def family_of(format_name: str) -> Family | None:
    """The family that reads this format, or None."""
    return next((family for family in FAMILIES if format_name in family.formats), None)


def formats() -> tuple[str, ...]:
    """Every format a row may name, sorted."""
    return tuple(sorted(fmt for family in FAMILIES for fmt in family.formats))


def text_formats() -> tuple[str, ...]:
    """The formats whose pages are text transcripts (their sources are imported, not crawled)."""
    return tuple(fmt for family in FAMILIES if family.text for fmt in family.formats)


def extractor_target(format_name: str) -> str:
    """ "module:function" of the format's extractor, or "" for a format no family reads."""
    family = family_of(format_name)
    return family.formats[format_name] if family else ""


def spider_target(format_name: str, language: str, spider: str) -> str:
    """ "module:Class" of the spider a row with this format, language and `spider` field is
    crawled by: a generic spider it names, else its family's own; "" for none (an imported source,
    or a family without a spider of its own)."""
    if spider == IMPORTED:
        return ""
    if spider:
        return GENERIC_SPIDERS.get(spider, "")
    family = family_of(format_name)
    return family.spider_for(language) if family else ""


def load(target: str):
    """The object a "module:attribute" name of the table stands for, imported now."""
    module, attribute = target.split(":")
    return getattr(importlib.import_module(module), attribute)
