"""Config-only sources (generic listing, feed, sitemap and URL-list spiders) and article extraction:
hand-read expectations (tests/fixtures/<key>/*.json) against the extractor directly, and against
the archive after real crawls of the replayed pages by the nightly and ad-hoc flows."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from conftest import SNAPSHOTS, content_counts, crawl_stats, requests_made, snapshot_rows
from expected import expected_pages
from expected_checks import content_mismatches
from podium.settings import settings
from recorded_pages import extracted
from storage.db import open_archive


SOURCES = ["belarus_mfa", "malaysia_kln", "example_mfa", "news_feeds", "news_sitemap", "news_urls"]
EXPECTED = [(key, page) for key in SOURCES for page in expected_pages(key)]
IDS = [f"{key}-{page.file.split('/')[-1][:24]}" for key, page in EXPECTED]
LISTING_FILES = ("list/", "feeds/")


# -- the extractor alone --------------------------------------------------------------------

# What the extractor reads of each page (title, date and basis, body, language, authors, its
# statements) is checked against these values in tests/test_sources.py.


def test_without_its_listing_a_statement_is_dated_by_its_closing_line():
    expected = expected_pages("malaysia_kln")[0]
    document = extracted("malaysia_kln", expected, staged=False).document
    assert ((document.published_at, document.date_basis)
            == (dt.date(2022, 1, 25), expected.listing.date_basis_without_listing))


def test_statement_covers_the_whole_document_text():
    expected = expected_pages("belarus_mfa")[0]
    extraction = extracted("belarus_mfa", expected, staged=False)
    statement = extraction.statements[0]
    assert extraction.document.text[statement.char_start:statement.char_end] == statement.text


def test_every_generic_source_has_a_spider_of_its_family():
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    from podium.families import GENERIC_SPIDERS, load

    loader = get_spider_loader(get_project_settings())  # the project's loader class: spiders.loader
    for key in SOURCES:
        spider = loader.load(key)
        assert spider.name == key and issubclass(spider, load(GENERIC_SPIDERS[settings().source(key).spider]))


# -- real crawls through the replay server -------------------------------------------------


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """A copy of these sources' recordings only (other sources' folders may be mid-edit)."""
    root = tmp_path_factory.mktemp("generic") / "snapshots"
    for key in SOURCES:
        shutil.copytree(SNAPSHOTS / key, root / key)
    return root


@pytest.fixture(scope="module")
def crawled(prefect_harness, snapshot, tmp_path_factory):
    """The archive after a nightly run of every generic source, then a second, incremental run."""
    from flows.nightly import nightly

    archive = tmp_path_factory.mktemp("generic-archive") / "archive.duckdb"
    first = nightly(sources=SOURCES, replay=str(snapshot), archive=str(archive))
    before = content_counts(archive)
    second = nightly(sources=SOURCES, replay=str(snapshot), archive=str(archive))
    return archive, first, second, before


def rows(archive, sql: str, params: list) -> list[dict]:
    with open_archive(archive, read_only=True) as con:
        cursor = con.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


def detail_rows(key: str) -> list[dict]:
    return [r for r in snapshot_rows(key) if not r["file"].startswith(LISTING_FILES)]


@pytest.mark.parametrize("key", SOURCES)
def test_first_run_archives_every_recorded_page_of_the_source(crawled, key):
    archive, first, _, _ = crawled
    documents = rows(archive, "SELECT url FROM documents WHERE source_id = ?", [key])
    assert sorted(d["url"] for d in documents) == sorted(r["url"] for r in detail_rows(key))
    assert first["errors"] == []  # the run covers SOURCES only


@pytest.mark.parametrize("key, expected", EXPECTED, ids=IDS)
def test_crawled_and_archived_page_matches_the_page(crawled, key, expected):
    archive = crawled[0]
    [document] = rows(archive, "SELECT * FROM documents WHERE url = ?", [expected.url])
    statements = rows(archive, "SELECT * FROM statements WHERE doc_id = ? ORDER BY seq", [document["doc_id"]])
    assert content_mismatches(key, document, statements, expected) == []


def test_second_run_fetches_nothing_new_and_stops_at_the_first_listing_page(crawled):
    archive, _, second, before = crawled
    assert content_counts(archive) == before
    assert second["run"]["pages_new"] == 0 and second["run"]["statements"] == 0
    assert all(requests_made(second, key)[1] == 0 for key in SOURCES)
    assert requests_made(second, "example_mfa")[0] == 1     # page 2 is behind the frontier
    stats = {key: crawl_stats(second, key) for key in SOURCES}
    assert stats["example_mfa"]["podium/skipped/archived"] == 4
    assert stats["news_feeds"]["podium/skipped/archived"] == 7
    assert stats["news_urls"]["podium/skipped/archived"] == 3


def test_first_run_walks_the_synthetic_listing_to_its_last_page(crawled):
    assert requests_made(crawled[1], "example_mfa") == (2, 6)


def urls_archived(archive, key: str) -> set[str]:
    return {d["url"] for d in rows(archive, "SELECT url FROM documents WHERE source_id = ?", [key])}


def test_since_and_until_select_feed_items_by_their_date(prefect_harness, snapshot, tmp_path):
    from flows.adhoc import adhoc_crawl

    archive = tmp_path / "a.duckdb"
    day = dt.date(2019, 11, 19)
    adhoc_crawl(sources=["news_feeds"], since=day, until=day, replay=str(snapshot), archive=str(archive))
    wanted = {e.url for e in expected_pages("news_feeds") if e.date == day}
    assert len(wanted) == 2 and urls_archived(archive, "news_feeds") == wanted


def test_since_stops_the_listing_spider_at_older_pages(prefect_harness, snapshot, tmp_path):
    from flows.adhoc import adhoc_crawl

    archive = tmp_path / "a.duckdb"
    summary = adhoc_crawl(sources=["example_mfa"], since=dt.date(2024, 3, 1), replay=str(snapshot),
                          archive=str(archive))
    assert {u.split("/")[-1] for u in urls_archived(archive, "example_mfa")} == {
        "statement-on-the-humanitarian-situation-in-the-northern-region", "minister-condemns-attack-on-un-convoy",
        "exampleland-welcomes-the-ceasefire-agreement"}
    assert requests_made(summary, "example_mfa")[0] == 1
    assert crawl_stats(summary, "example_mfa")["podium/skipped/out_of_range"] == 1


def test_url_list_spider_fetches_exactly_the_given_urls(prefect_harness, snapshot, tmp_path):
    from flows.adhoc import adhoc_crawl

    archive = tmp_path / "a.duckdb"
    bbc = next(e for e in expected_pages("news_urls") if "bbc.com" in e.url)
    adhoc_crawl(urls=[bbc.url], sources=["news_urls"], replay=str(snapshot), archive=str(archive))
    assert urls_archived(archive, "news_urls") == {bbc.url}
