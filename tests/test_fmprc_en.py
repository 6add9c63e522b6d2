"""China MFA English transcripts: hand-checked expectations (tests/fixtures/fmprc_en/*.json,
written by reading each real page) against the parser directly and against the archive after a
real crawl of the replayed pages (2018–2020). Today's English site (www.mfa.gov.cn/eng/…, pages
YYYYMM/tYYYYMMDD_<n>.html): no page of it is recorded, so its reader is tested on a synthetic
listing and transcript in the shape of today's Chinese pages (tests/fixtures/fmprc_en/synthetic)."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import FIXTURES, SNAPSHOTS
from expected import expected_pages
from flows.crawl import CrawlRequest, run_crawl
from podium import fmprc
from podium.extract import StoredPage, extract
from podium.replay import read_index, serving
from podium.settings import settings
from podium.speakers import registry
from recorded_pages import extracted as extracted_page
from transcript_expectations import archived_statements, misplaced_statements
from transcript_expectations import observed as transcript_observed

EXPECTED = expected_pages("fmprc_en")
IDS = [e.name for e in EXPECTED]


def extracted(expected, staged: bool = True):
    """The page's extraction with the listing its spider stages beside it, or (staged False) alone."""
    return extracted_page("fmprc_en", expected, staged=staged)


def observed(statements: list[dict]) -> dict:
    """The facts the expectation files record (opening words: 50 characters)."""
    return transcript_observed(statements, chars=50)


def test_there_are_enough_hand_checked_pages_across_both_eras():
    named_era = [e for e in EXPECTED if e.transcript.questioners]
    assert len(EXPECTED) >= 10
    assert len(named_era) >= 3 and len(EXPECTED) - len(named_era) >= 5


# The turns, title and date of every page against its expected values: tests/test_sources.py.


@pytest.mark.parametrize("expected", EXPECTED, ids=IDS)
def test_parser_dates_the_briefing(expected):
    document = extracted(expected).document
    if expected.date:
        assert document.published_at == expected.date
        assert document.date_basis in ("title", "title_repaired", "title_year_from_listing")
    else:  # no date anywhere on the page: a range from the listing, and said so
        assert document.date_basis == "listing_neighbours"
        assert document.published_at < document.date_latest


def test_title_without_year_is_not_dated_without_its_listing():
    expected = next(e for e in EXPECTED if e.name == "t1593756")
    document = extracted(expected, staged=False).document
    assert (document.published_at, document.date_basis) == (None, "undated")


def test_undated_remarks_get_the_range_of_their_listing_neighbours():
    expected = next(e for e in EXPECTED if e.name == "t1687014")
    document = extracted(expected).document
    assert (document.published_at, document.date_latest) == (dt.date(2019, 8, 7), dt.date(2019, 8, 8))


def test_statement_offsets_point_into_the_document_text():
    for expected in EXPECTED:
        extraction = extracted(expected, staged=False)
        assert extraction.statements and misplaced_statements(extraction) == [], expected.file


def test_a_era_answers_carry_the_title_spokesperson_and_role():
    expected = next(e for e in EXPECTED if e.name == "t1561142")
    statements = extracted(expected, staged=False).statements
    answers = [s for s in statements if s.kind == "answer"]
    assert {s.speaker_id for s in answers} == {"lu_kang"}
    assert {s.role for s in answers} == {"Foreign Ministry Spokesperson"}
    assert [s.seq for s in statements] == list(range(1, len(statements) + 1))


@pytest.mark.parametrize("expected", EXPECTED, ids=IDS)
def test_crawled_and_archived_page_matches_the_page(nightly_archive, expected):
    archive, _ = nightly_archive
    statements = archived_statements(archive, expected.url)
    got = observed(statements)
    assert got == expected.transcript.model_dump(include=set(got))
    dates = {s["statement_date"] for s in statements}
    if expected.date:
        assert dates == {expected.date}
    else:
        assert {s["doc_basis"] for s in statements} == {"listing_neighbours"}


# -- today's English site -----------------------------------------------------------------------

SYNTHETIC = FIXTURES / "fmprc_en" / "synthetic"
TODAY = {row["file"]: row for row in read_index(SYNTHETIC)}
TODAY_PAGE = TODAY["detail/t20231027_11169684.html"]
TODAY_LISTING = TODAY["list/index.html"]


def today_page() -> StoredPage:
    body = (SYNTHETIC / TODAY_PAGE["file"]).read_bytes()
    return StoredPage("p", "fmprc_en", TODAY_PAGE["url"], body, "text/html", None)


def test_todays_english_transcript_is_read_in_todays_template():
    """Values read off the synthetic page (its words are the real page's)."""
    extraction = extract(today_page(), settings().source("fmprc_en"), registry())
    document, statements = extraction.document, extraction.statements
    assert document.title == "Foreign Ministry Spokesperson Mao Ning’s Regular Press Conference on October 27, 2023"
    assert (document.published_at, document.date_basis) == (dt.date(2023, 10, 27), "title")
    assert [(s.kind, s.speaker_id, s.questioner) for s in statements] == [
        ("answer", "mao_ning", "AFP"), ("answer", "mao_ning", "CCTV")]
    assert statements[0].question.startswith("It was reported that former Premier Li Keqiang passed away")
    assert statements[0].text == ("We deeply mourn for Comrade Li Keqiang who passed away due to a sudden heart "
                                  "attack. Xinhua News Agency has issued a press release on that.")
    assert statements[1].text.startswith("On October 26, Premier of the State Council Li Qiang attended")
    assert {s.role for s in statements} == {"Foreign Ministry Spokesperson"}


def test_todays_english_page_without_a_date_in_its_title_takes_its_date_line():
    body = (SYNTHETIC / TODAY_PAGE["file"]).read_bytes().replace(b" on October 27, 2023</h1>", b"</h1>")
    page = StoredPage("p", "fmprc_en", TODAY_PAGE["url"], body, "text/html", None)
    document = extract(page, settings().source("fmprc_en"), registry()).document
    assert (document.published_at, document.date_basis) == (dt.date(2023, 10, 27), "page_date")


def test_todays_english_listing_gives_its_links_titles_and_dates():
    text = (SYNTHETIC / TODAY_LISTING["file"]).read_text(encoding="utf-8")
    listing = fmprc.read_listing(text, TODAY_LISTING["url"])
    base = TODAY_LISTING["url"].rsplit("/", 1)[0]
    assert [(link.url, link.shown_date) for link in listing.links] == [
        (f"{base}/202310/t20231027_11169684.html", "2023-10-27"),
        (f"{base}/202306/t20230626_11103993.html", "2023-06-26"),
        (f"{base}/202210/t20221027_10793072.html", "2022-10-27")]
    assert listing.links[0].anchor == TODAY_PAGE["title"]
    assert (listing.by_url_pattern, listing.page_count) == (False, 1)


def test_a_replayed_crawl_of_todays_english_site_reads_its_listing_and_transcript(tmp_path):
    """The synthetic folder replayed: today's listing (index.html on www.mfa.gov.cn) is read, the
    2016–2020 listing is not in this recording and is skipped, the recorded transcript is fetched."""
    with serving(SYNTHETIC.parent) as url:
        result = run_crawl(CrawlRequest("fmprc_en", tmp_path, replay_base=url))
    staged = [json.loads(line) for line in result.staging.read_text(encoding="utf-8").splitlines()]
    assert [(r["page_kind"], r["url"]) for r in staged] == [
        ("listing", TODAY_LISTING["url"]), ("detail", TODAY_PAGE["url"])]
    assert staged[1]["listing"]["list_date"] == "2023-10-27"
    assert result.stats["podium/skipped/listing_not_recorded"] == 1
    assert result.stats["podium/skipped/not_recorded"] == 2


def test_listing_pages_of_both_eras_are_named_after_the_first():
    assert fmprc.listing_page_url(TODAY_LISTING["url"], 3).endswith("/2511_665403/index_3.html")
    first = next(r["url"] for r in read_index(SNAPSHOTS / "fmprc_en") if r["file"] == "list/default.shtml")
    assert fmprc.listing_page_url(first, 0) == first
    assert fmprc.listing_page_url(first, 12).endswith("/2511_665403/default_12.shtml")
    assert fmprc.is_former_listing(first) and not fmprc.is_former_listing(TODAY_LISTING["url"])
    for url in settings().source("fmprc_en").start_urls + settings().source("fmprc_zh").start_urls:
        assert fmprc.listing_page_url(url, 0) == url  # every configured start is a listing's first page


def test_the_page_count_is_read_from_either_script_or_from_the_pager():
    assert fmprc.listing_page_count("var currentPage = 0;\nvar countPage = 13//共多少页") == 13
    assert fmprc.listing_page_count('<script>createPageHTML(29, 0, "index", "shtml");</script>') == 29
    pager = '<ul class="list1"><li><a href="./202404/t20240403_1.shtml">a</a></li></ul>' \
            '<div class="page"><a href="index_1.shtml">2</a> <a href="index_28.shtml">尾页</a></div>'
    listing = fmprc.read_listing(pager, "https://www.mfa.gov.cn/web/wjdt_674879/fyrbt_674889/index.shtml")
    assert listing.page_count == 29 and len(listing.links) == 1
