"""The listing heuristic of the generic listing spider, on the real Belarus and Malaysia listings
and on the synthetic Exampleland one: the article links a person sees on each page, in order, with
the dates shown beside them, and none of the menus, teasers and footers around them."""
from __future__ import annotations

import datetime as dt
import gzip

import pytest
from lxml import html as lxml_html

from conftest import SNAPSHOTS, expected_page, snapshot_rows
from podium.html import decode
from podium.links import article_links, looks_like_article_url, next_page, parse_listing_date

BELARUS = "https://mfa.gov.by/en/press/statements/"
MALAYSIA = "https://www.kln.gov.my/web/guest/press-releases"
EXAMPLE = "https://www.example-mfa.test/en/press/statements/"


def recorded_details(source: str) -> list[str]:
    """The URLs of a snapshot's detail pages, in its index's order."""
    return [r["url"] for r in snapshot_rows(source) if r["file"].startswith("detail/")]


def page(source: str, file: str) -> str:
    body = (SNAPSHOTS / source / file).read_bytes()
    return decode(gzip.decompress(body) if file.endswith(".gz") else body)[1]


@pytest.fixture(scope="module")
def belarus() -> str:
    return page("belarus_mfa", "list/statements.html.gz")


@pytest.fixture(scope="module")
def malaysia() -> str:
    return page("malaysia_kln", "list/press-releases.html.gz")


def test_belarus_listing_gives_its_five_statements_in_page_order(belarus):
    # Read off list/statements.html.gz: its first five statement links, in page order (a sixth
    # sits inside an HTML comment); the snapshot recorded those five pages.
    ids = ["bf7e69d3fec2c5f0", "b7b71aff55bfca76", "f179725988c80350", "cf70e7349e4f19db", "dad9272a52869cef"]
    links = article_links(belarus, BELARUS)
    assert [link.url for link in links] == [f"{BELARUS}{i}.html" for i in ids]
    assert sorted(recorded_details("belarus_mfa")) == sorted(link.url for link in links)
    assert links[0].anchor == ("Statement of the Foreign Ministry of the Republic of Belarus in connection "
                               "with the situation in Kazakhstan")


def test_belarus_menus_video_slider_and_commented_out_items_are_not_links(belarus):
    urls = {link.url for link in article_links(belarus, BELARUS)}
    assert "https://mfa.gov.by/en/press/smi/" not in urls          # the press menu
    assert "https://mfa.gov.by/en/press/video/cff19c47008f0b32.html" not in urls  # the video slider
    assert f"{BELARUS}eaa09158aaf37fad.html" not in urls            # inside an HTML comment


def test_belarus_dates_come_only_from_titles_that_carry_one(belarus):
    dates = [link.date for link in article_links(belarus, BELARUS)]
    assert dates == [None, None, None, dt.date(2020, 5, 15), dt.date(2019, 12, 5)]


def test_belarus_next_page_is_the_numbered_page_after_the_current_one(belarus):
    assert next_page(belarus, BELARUS) == f"{BELARUS}2"


def table_links(text: str) -> list[str]:
    """The press-release links of the month tables, read with the page's own table structure."""
    tree = lxml_html.fromstring(text)
    hrefs = tree.xpath("//tbody[contains(@class, 'table-data')]//td[contains(@class, 'table-cell')]/a/@href")
    return list(dict.fromkeys(href.split("?")[0] for href in hrefs))


def test_malaysia_listing_gives_every_press_release_of_its_month_tables(malaysia):
    links = article_links(malaysia, MALAYSIA, {"drop_query": True, "date_order": "MDY"})
    expected = table_links(malaysia)
    assert len(expected) > 250
    assert [link.url for link in links] == expected


def test_malaysia_navigation_links_are_left_out(malaysia):
    urls = {link.url for link in article_links(malaysia, MALAYSIA, {"drop_query": True})}
    for menu in ("https://www.kln.gov.my/web/guest/faqs", "https://www.kln.gov.my/web/guest/contact-us",
                 "https://www.kln.gov.my/web/guest/mfa-directory"):
        assert menu not in urls


def test_malaysia_dates_are_read_month_first_as_the_site_writes_them(malaysia):
    links = article_links(malaysia, MALAYSIA, {"drop_query": True, "date_order": "MDY"})
    read = expected_page("malaysia_kln", "uae-500")
    uae = next(link for link in links if link.url == read["url"])
    assert uae.date.isoformat() == read["date"]  # the listing shows it as read["listed_as"], "1/25/22"
    assert all(link.date for link in links)


def test_hints_select_links_by_css_or_xpath(malaysia):
    css = article_links(malaysia, MALAYSIA, {"links": "#Jan td.table-cell a", "drop_query": True})
    xpath = article_links(malaysia, MALAYSIA, {"links": "//div[@id='Jan']//td[contains(@class, 'table-cell')]/a",
                                               "drop_query": True})
    assert css and [link.url for link in css] == [link.url for link in xpath]
    assert len(css) < len(table_links(malaysia))


# The statements' paths, newest first as the snapshot indexes them; the first listing page shows
# four teasers, page 2 the other two (snapshots/example_mfa/list/statements*.html).
EXAMPLE_PATHS = [url.removeprefix(EXAMPLE) for url in recorded_details("example_mfa")]
EXAMPLE_PAGE_1, EXAMPLE_PAGE_2 = EXAMPLE_PATHS[:4], EXAMPLE_PATHS[4:]


@pytest.mark.parametrize("file, url, paths", [
    ("list/statements.html", EXAMPLE, EXAMPLE_PAGE_1),
    ("list/statements-page-2.html", f"{EXAMPLE}?page=2", EXAMPLE_PAGE_2),
])
def test_synthetic_listing_gives_the_teasers_once_each_with_their_dates(file, url, paths):
    links = article_links(page("example_mfa", file), url)
    assert paths and [link.url for link in links] == [EXAMPLE + p for p in paths]
    assert [link.date for link in links] == [dt.date(*map(int, p.split("/")[:3])) for p in paths]
    assert "Read more" not in {link.anchor for link in links}


def test_synthetic_menu_aside_and_footer_links_are_left_out():
    urls = {link.url for link in article_links(page("example_mfa", "list/statements.html"), EXAMPLE)}
    assert f"{EXAMPLE}2023/12/01/archive-of-older-statements-and-press-releases" not in urls  # header menu
    assert "https://www.example-mfa.test/en/news/2024/03/13/minister-visits-port-example-trade-fair" not in urls
    assert "https://www.example-mfa.test/en/contact/" not in urls


def test_synthetic_pager_leads_to_page_2_and_ends_there():
    assert next_page(page("example_mfa", "list/statements.html"), EXAMPLE) == f"{EXAMPLE}?page=2"
    assert next_page(page("example_mfa", "list/statements-page-2.html"), f"{EXAMPLE}?page=2") is None


def test_next_page_hint_overrides_the_heuristic():
    text = page("example_mfa", "list/statements-page-2.html")
    assert next_page(text, f"{EXAMPLE}?page=2", {"next": "a[rel=prev]"}) == f"{EXAMPLE}?page=1"


@pytest.mark.parametrize("url, expected", [
    ("https://www.aljazeera.com/news/2019/11/service-members-killed-191120070028895.html", True),
    ("https://mfa.gov.by/en/press/statements/bf7e69d3fec2c5f0.html", True),
    ("https://www.kln.gov.my/web/guest/-/proses-evakuasi-warganegara-malaysia-dari-ukraine", True),
    ("https://mfa.gov.by/en/press/statements/", False),
    ("https://www.kln.gov.my/web/guest/contact-us", False),
    ("https://example.org/files/2019/11/annual-report-of-the-ministry.pdf", False),
])
def test_article_urls_are_told_from_section_and_file_urls(url, expected):
    assert looks_like_article_url(url) is expected


@pytest.mark.parametrize("text, order, expected", [
    ("2/26/20", "MDY", dt.date(2020, 2, 26)),
    ("Published 05.03.2024, Minsk", "DMY", dt.date(2024, 3, 5)),
    ("12 March 2024 · Press statement", None, dt.date(2024, 3, 12)),
    ("(Bratislava, December 5, 2019)", None, dt.date(2019, 12, 5)),
    ("Statement on the situation", None, None),
])
def test_listing_dates_are_read_in_the_sites_order(text, order, expected):
    assert parse_listing_date(text, order) == expected
