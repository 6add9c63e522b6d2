"""GOV.UK news and speeches (uk_fcdo): hand-checked expectations (tests/fixtures/uk_fcdo, written
by reading the Content API items) against the parser and against the archive after a real crawl
of the replayed Search and Content APIs; incremental runs; since/until on public_timestamp."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import SNAPSHOTS, requests_in, requests_made, snapshot_rows, statements_by_url, write_index
from expected import expected_pages
from flows.crawl import CrawlRequest, run_crawl
from flows.nightly import nightly
from podium import gov_uk
from podium.extract import ExtractionError, StoredPage, extract
from podium.settings import settings
from podium.speakers import registry
from recorded_pages import extracted as extracted_page

SOURCE = "uk_fcdo"
EXPECTED = expected_pages(SOURCE)
IDS = [e.file.rsplit("/", 1)[-1] for e in EXPECTED]
CONTENT_ROWS = [r for r in snapshot_rows(SOURCE) if r["file"].startswith("content/")]


def extracted(expected):
    return extracted_page(SOURCE, expected)


def search_results() -> list[dict]:
    pages = sorted((SNAPSHOTS / SOURCE / "search").glob("page-*.json"))
    return [r for p in pages for r in json.loads(p.read_text(encoding="utf-8"))["results"]]


def test_fixtures_cover_speeches_and_news():
    kinds = [e.statements.first[0].kind for e in EXPECTED]
    assert kinds.count("speech") >= 2 and kinds.count("press_statement") >= 2


def test_every_item_is_expected_with_its_first_statement_in_full():
    """What the parser reads of each item (title, document type, language, date and basis, the
    first statement's speaker, role, institution, country and offsets) is checked against these
    values in tests/test_sources.py."""
    fields = {"kind", "speaker_raw", "speaker_id", "role", "institution", "country", "text_starts"}
    for e in EXPECTED:
        assert e.title and e.doc_type and e.language and e.date and e.date_basis, e.url
        assert e.statements.first[0].model_fields_set == fields and e.statements.first[0].country == "GB", e.url


def test_a_speech_is_dated_by_delivery_not_publication():
    expected = next(e for e in EXPECTED if e.file.endswith("speech-speaking-notes.json"))
    document = extracted(expected).document
    published = dt.date(2016, 5, 26)  # public_timestamp 2016-05-26T13:04:07.000+00:00 (fixture, search page-0)
    assert expected.listing.date_as_listed.startswith(published.isoformat())
    assert document.published_at < published and document.date_basis == "delivered_on"


def test_honorifics_are_removed_from_speaker_names():
    assert gov_uk.plain_name("The Rt Hon Theresa May MP") == "Theresa May"
    assert gov_uk.plain_name("The Rt Hon Lord McNally") == "Lord McNally"
    assert gov_uk.plain_name("Nick Gibb MP") == "Nick Gibb"


def test_an_item_without_a_body_is_an_extraction_error():
    page = StoredPage("x", SOURCE, "https://www.gov.uk/api/content/x", b'{"title": "x", "details": {}}')
    with pytest.raises(ExtractionError):
        extract(page, settings().source(SOURCE), registry())


def test_the_synthetic_search_listing_lists_every_bundled_item_newest_first():
    results = search_results()
    stamps = [dt.datetime.fromisoformat(r["public_timestamp"]) for r in results]
    assert stamps == sorted(stamps, reverse=True)
    assert {gov_uk.content_api_path(r["link"]) for r in results} == {
        "/" + r["url"].split("/", 3)[3] for r in CONTENT_ROWS}


# -- real crawls through the replay server ----------------------------------------------------

def archived(archive) -> dict[str, list[dict]]:
    return statements_by_url(archive, SOURCE)


@pytest.fixture(scope="module")
def crawled(prefect_harness, tmp_path_factory):
    archive = tmp_path_factory.mktemp("gov_uk") / "archive.duckdb"
    summary = nightly(sources=[SOURCE], replay=str(SNAPSHOTS), archive=str(archive))
    return archive, summary


def test_crawl_pages_through_the_search_api_and_archives_every_item(crawled):
    archive, summary = crawled
    assert set(archived(archive)) == {r["url"] for r in CONTENT_ROWS}
    assert summary["errors"] == []


@pytest.mark.parametrize("expected", EXPECTED, ids=IDS)
def test_crawled_item_matches_the_item(crawled, expected):
    statements, first = archived(crawled[0])[expected.url], expected.statements.first[0]
    assert len(statements) == expected.statements.count
    statement = statements[0]
    assert (statement["title"], statement["published_at"]) == (expected.title, expected.date)
    assert (statement["speaker_raw"], statement["speaker_id"], statement["kind"]) == (
        first.speaker_raw, first.speaker_id, first.kind)
    assert statement["text"].startswith(first.text_starts)


def test_second_run_adds_nothing_and_a_later_run_fetches_only_new_items(prefect_harness, copy_snapshot, tmp_path):
    snapshot, archive = copy_snapshot(SOURCE), tmp_path / "a.duckdb"
    newest = {r["url"] for r in CONTENT_ROWS[:3]}  # the index lists items newest first
    rows = snapshot_rows(SOURCE)
    write_index(snapshot, SOURCE, [r for r in rows if r["url"] not in newest])  # not yet published
    nightly(sources=[SOURCE], replay=str(snapshot), archive=str(archive))
    before = set(archived(archive))
    assert before == {r["url"] for r in CONTENT_ROWS} - newest
    again = nightly(sources=[SOURCE], replay=str(snapshot), archive=str(archive))
    assert again["run"]["pages_new"] == 0 and set(archived(archive)) == before
    assert requests_made(again, SOURCE) == (1, 0)  # stops at the frontier
    write_index(snapshot, SOURCE, rows)  # now published
    later = nightly(sources=[SOURCE], replay=str(snapshot), archive=str(archive))
    assert set(archived(archive)) == before | newest
    assert later["run"]["pages_new"] == len(newest)
    assert requests_made(later, SOURCE)[1] == len(newest)


def crawl(tmp_path: Path, replay_url: str, **dates):
    result = run_crawl(CrawlRequest(SOURCE, tmp_path, replay_base=replay_url, **dates))
    records = [json.loads(line) for line in result.staging.read_text(encoding="utf-8").splitlines()]
    return {r["url"] for r in records if r.get("page_kind") == "detail"}, result.stats


CONTENT_API = "https://www.gov.uk/api/content"

# The first seven results of search/page-0.json: public_timestamp 2024-11-16 down to 2016-12-19T17:45:12.
SINCE_2016_12_19 = {CONTENT_API + path for path in (
    "/government/news/british-high-commission-marks-his-majesty-king-charles-iiis-birthday-with-brilliantly-"
    "british-celebrations",
    "/government/news/uk-and-us-sanction-key-houthi-figures-to-protect-maritime-security-in-the-red-sea.ar",
    "/government/news/modern-life-responsible-for-worrying-health-in-middle-aged",
    "/government/news/christmas-2016-prime-ministers-message",
    "/government/news/christmas-2016-prime-ministers-message-from-azerbaijan",
    "/government/speeches/school-revenue-funding-settlement-for-2017-to-2018",
    "/government/speeches/statement-to-commons-on-hmp-birmingham",
)}

# The last four results of search/page-1.json: public_timestamp 2014-05-08T14:38:28 down to 2012-06-13.
UNTIL_2014_05_08 = {CONTENT_API + path for path in (
    "/government/news/improving-food-in-hospitals-and-schools",
    "/government/speeches/stop-and-search-comprehensive-package-of-reform-for-police-stop-and-search-powers",
    "/government/news/new-frank-adverts-mark-tenth-anniversary--2",
    "/government/speeches/lord-mcnally-s-speaking-note-for-westminster-legal-policy-forum-event",
)}


def test_since_selects_recent_items_and_stops_paging(tmp_path, replay_url):
    urls, stats = crawl(tmp_path / "a", replay_url, since="2016-12-19")
    assert urls == SINCE_2016_12_19
    assert requests_in(stats) == (1, 7)


def test_until_selects_older_items(tmp_path, replay_url):
    urls, stats = crawl(tmp_path / "b", replay_url, until="2014-05-08")
    assert urls == UNTIL_2014_05_08
    assert requests_in(stats) == (2, 4)
