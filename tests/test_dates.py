"""Briefing dates from titles, defective titles, and listing neighbours; and every date basis
any reader gives is one that docs/sql.md ("Dates") documents, and the other way round."""
from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest

from conftest import FIXTURES, SNAPSHOTS
from podium.articles import date_with_basis, extract_article
from podium.dates import date_of_briefing, date_of_listed_item, title_date
from podium.extract import StoredPage
from podium.gov_uk import item_date
from podium.html import parse
from podium.news_dates import settle_dates, statement_date
from podium.quotes import find_quotes
from podium.settings import settings
from podium.speakers import registry
from podium.whitehouse import date_of as whitehouse_date
from test_cookbook import documented_date_bases

T = "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on {}"


@pytest.mark.parametrize("written, expected, basis", [
    ("May 11, 2018", dt.date(2018, 5, 11), "title"),
    ("June11, 2018", dt.date(2018, 6, 11), "title_repaired"),
    ("Sept. 3 2019", dt.date(2019, 9, 3), "title_repaired"),
    ("December 31,2019", dt.date(2019, 12, 31), "title_repaired"),
])
def test_dates_written_in_the_title(written, expected, basis):
    dated = date_of_briefing(T.format(written))
    assert (dated.date, dated.basis) == (expected, basis)


def test_a_missing_year_comes_from_the_nearest_dated_neighbours():
    newer = [T.format("September 11"), T.format("September 12, 2018")]
    older = [T.format("September 7, 2018")]
    dated = date_of_briefing(T.format("September 10"), newer, older)
    assert (dated.date, dated.basis) == (dt.date(2018, 9, 10), "title_year_from_listing")


def test_a_missing_year_across_new_year_picks_the_year_that_fits():
    dated = date_of_briefing(T.format("December 31"), [T.format("January 2, 2019")], [T.format("December 28, 2018")])
    assert dated.date == dt.date(2018, 12, 31)


def test_no_date_at_all_is_a_range_between_neighbours():
    dated = date_of_briefing("Remarks on Venezuela", [T.format("August 9, 2019")], [T.format("August 7, 2019")])
    assert (dated.date, dated.latest, dated.basis) == (dt.date(2019, 8, 7), dt.date(2019, 8, 9), "listing_neighbours")


def test_nothing_to_go_on_is_said_so():
    assert date_of_briefing(T.format("September 10")).basis == "undated"
    assert date_of_briefing("Remarks", [], None).date is None


def test_impossible_dates_are_not_invented():
    assert date_of_briefing(T.format("February 30, 2019")).basis == "undated"
    assert title_date("no date here") is None


# -- every basis, documented ----------------------------------------------------------------------

def fixture_bases() -> set[str]:
    """The date bases the hand-checked expectations of tests/fixtures name."""
    found: set[str] = set()
    for path in FIXTURES.rglob("*.json"):
        found |= date_bases_in(json.loads(path.read_text(encoding="utf-8")))
    return found


def date_bases_in(data) -> set[str]:
    """The `date_basis*` values of a JSON value and of the records and sections nested in it (a
    fixture's `listing` says how the page alone is dated)."""
    if isinstance(data, list):
        return set().union(*map(date_bases_in, data))
    if not isinstance(data, dict):
        return set()
    found = {v for k, v in data.items() if k.startswith("date_basis") and isinstance(v, str)}
    return found.union(*(date_bases_in(v) for v in data.values() if isinstance(v, (dict, list))))


def article_basis(head: str = "", title: str = "", url: str = "https://example.org/news/a", text: str = "",
                  listing: dict | None = None) -> str:
    return date_with_basis(parse(f"<html><head>{head}</head><body><p>x</p></body></html>"), title, url, text,
                           listing)[1]


def saved_sportsnet_basis() -> str:
    # <meta name="sn-post-date" content="2019/11/19">: no standard tag, no date in the URL
    body = gzip.decompress(next((FIXTURES / "extraction_benchmark").glob("0d461229*.html.gz")).read_bytes())
    page = StoredPage("t", "web", "https://www.sportsnet.ca/tennis/argentina-comfortably-wins-davis-cup-opener-chile/",
                      body, "text/html")
    return extract_article(page, settings().source("web"), registry()).document.date_basis


def recorded_state_item_basis() -> str:
    """The first item of the recorded State Department feed, as the spider stages and the flow extracts it."""
    from podium import state_gov

    feed = next((SNAPSHOTS / "state_gov_press" / "feeds").glob("*.rss")).read_bytes()
    item = state_gov.split_feed(feed)[0]
    page = StoredPage("t", "state_gov_press", item.link, item.xml, "application/rss+xml")
    return state_gov.extract_item(page, settings().source("state_gov_press"), registry()).document.date_basis


def settled_basis(text: str) -> str:
    """The basis of the report's first quote whose own sentence gives no day, read as a whole."""
    quotes = find_quotes(text, registry())
    own = [statement_date(q.context, WEDNESDAY) for q in quotes]
    return next(basis for (_, basis), (_, first) in zip(settle_dates(own, quotes, text, WEDNESDAY), own)
                if first == "published")


ZH = "外交部发言人耿爽2月15日答记者问"
DAY, WEDNESDAY = dt.date(2019, 2, 15), dt.date(2019, 11, 20)
EVERY_BASIS = [
    ("title", lambda: date_of_briefing(T.format("May 11, 2018")).basis),
    ("title_repaired", lambda: date_of_briefing(T.format("June11, 2018")).basis),
    ("title_year_from_listing", lambda: date_of_listed_item(ZH, DAY).basis),
    ("title_year_from_page", lambda: date_of_listed_item(ZH, None, DAY).basis),
    ("listing_date", lambda: date_of_listed_item("外交部发言人答记者问", DAY).basis),
    ("page_date", lambda: date_of_listed_item("外交部发言人答记者问", None, DAY).basis),
    ("listing_neighbours", lambda: date_of_briefing("Remarks", [T.format("August 9, 2019")],
                                                    [T.format("August 7, 2019")]).basis),
    ("page_metadata", lambda: article_basis("<meta property='article:published_time' content='2020-05-15'>")),
    ("url", lambda: article_basis(url="https://example.org/2019/11/20/a-report/")),
    ("listing", lambda: article_basis(listing={"date": "2020-01-02"})),
    ("text", lambda: article_basis(text="The ministry regrets the decision.\n25 JANUARY 2022")),
    ("page_markup", saved_sportsnet_basis),
    ("rss_pubdate", recorded_state_item_basis),
    ("first_public_at", lambda: item_date({"details": {"first_public_at": "2020-05-15T10:00:00+01:00"}})[1]),
    ("first_published_at", lambda: item_date({"first_published_at": "2020-05-15T10:00:00+01:00"})[1]),
    ("delivered_on", lambda: item_date({"schema_name": "speech", "details": {
        "delivered_on": "2020-05-14T10:00:00+01:00", "first_public_at": "2020-05-15T10:00:00+01:00"}})[1]),
    ("text_absolute", lambda: statement_date("she told reporters on May 24", WEDNESDAY)[1]),
    ("text_relative", lambda: statement_date("Esper said on Wednesday", WEDNESDAY)[1]),
    ("dateline", lambda: statement_date("she said", WEDNESDAY, lede="BEIJING, February 1 (Xinhua) -- Mao Ning")[1]),
    ("vague", lambda: statement_date("he said earlier this week", WEDNESDAY)[1]),
    ("published", lambda: statement_date("he said", WEDNESDAY)[1]),
    ("text_event", lambda: settled_basis('"We oppose it firmly," Ning said during the press conference.\n'
                                         "Ning's remark came on Monday, during a regular press briefing.")),
    ("text_lede", lambda: settled_basis("China called for an end to the harassment of ships on Monday.\n"
                                        '"We call for an end to it," spokesperson Mao Ning said.')),
    ("text_speaker", lambda: settled_basis("Zhao Lijian said on Monday that the sanctions were illegal.\n"
                                           '"The sanctions must be withdrawn at once," Zhao said.')),
    ("front_matter", lambda: whitehouse_date({"date": "2022-06-01"}, {}, "Press Briefing")[1]),
    ("archive_index", lambda: whitehouse_date({}, {"date": "2022-06-01"}, "Press Briefing")[1]),
    ("undated", lambda: article_basis()),
]


@pytest.mark.parametrize("basis, found", EVERY_BASIS, ids=[b for b, _ in EVERY_BASIS])
def test_each_basis_is_given_where_the_docs_say(basis, found):
    assert found() == basis


def test_the_documented_bases_are_exactly_those_the_readers_give():
    documented = documented_date_bases()
    assert {basis for basis, _ in EVERY_BASIS} == documented
    assert fixture_bases() <= documented


def test_a_date_after_the_page_was_fetched_is_not_its_date():
    """"Today" is the page's fetch time, passed in, never the clock: a declared date more than a
    day after the fetch is a template's or a typo's, and the next basis dates the page."""
    head = "<meta property='article:published_time' content='2020-06-15'>"
    html = f"<html><head>{head}<title>A report</title></head><body>" + "<p>The ministry said so today.</p>" * 40
    url = "https://example.org/2020/04/30/a-report/"

    def dated(fetched_at):
        page = StoredPage("t", "web", url, (html + "</body></html>").encode(), "text/html", None, fetched_at)
        document = extract_article(page, settings().source("web"), registry()).document
        return str(document.published_at), document.date_basis

    assert dated(dt.datetime(2020, 5, 1, 9, tzinfo=dt.timezone.utc)) == ("2020-04-30", "url")
    assert dated(dt.datetime(2020, 6, 20, 9, tzinfo=dt.timezone.utc)) == ("2020-06-15", "page_metadata")
