"""China MFA English transcripts: hand-checked expectations (tests/fixtures/fmprc_en/*.json,
written by reading each real page) against the parser directly and against the archive after a
real crawl of the replayed pages."""
from __future__ import annotations

import datetime as dt

import pytest
from lxml import html as lxml_html

from conftest import SNAPSHOTS, expected_pages, extracted_page
from podium import fmprc
from spiders.sources.fmprc_en import NEIGHBOURS
from transcript_expectations import archived_statements, as_dicts
from transcript_expectations import misplaced_statements
from transcript_expectations import observed as transcript_observed

EXPECTED = expected_pages("fmprc_en")
IDS = [e["file"].split("/")[-1] for e in EXPECTED]


def _listed_anchors() -> list[tuple[str, str]]:
    """(href, title) of every link on the bundled listing pages, newest first."""
    anchors = []
    for index in range(13):
        name = "default.shtml" if index == 0 else f"default_{index}.shtml"
        tree = lxml_html.fromstring((SNAPSHOTS / "fmprc_en" / "list" / name).read_bytes())
        anchors += [(a.get("href").lstrip("./"), a.text_content().strip()) for a in tree.cssselect(fmprc.LISTING_LINKS)]
    return anchors


ANCHORS = _listed_anchors()


def listing_context(url: str) -> dict:
    """The titles listed around `url` in the bundled listing pages, nearest first (as the spider keeps them)."""
    names = [href for href, _ in ANCHORS]
    i = names.index(url.rsplit("/", 1)[1])
    titles = [title for _, title in ANCHORS]
    return {"newer": titles[:i][::-1][:NEIGHBOURS], "older": titles[i + 1:i + 1 + NEIGHBOURS]}


def extracted(expected: dict, listing: dict | None):
    return extracted_page("fmprc_en", expected, listing)


def observed(statements: list[dict]) -> dict:
    """The facts the expectation files record (opening words: 50 characters)."""
    return transcript_observed(statements, chars=50)


def test_there_are_enough_hand_checked_pages_across_both_eras():
    named_era = [e for e in EXPECTED if e["questioners"]]
    assert len(EXPECTED) >= 10
    assert len(named_era) >= 3 and len(EXPECTED) - len(named_era) >= 5


@pytest.mark.parametrize("expected", EXPECTED, ids=IDS)
def test_parser_finds_the_turns_read_off_the_page(expected):
    got = observed(as_dicts(extracted(expected, listing_context(expected["url"]))))
    want = {key: expected[key] for key in got}
    assert got == want


@pytest.mark.parametrize("expected", EXPECTED, ids=IDS)
def test_parser_dates_the_briefing(expected):
    document = extracted(expected, listing_context(expected["url"])).document
    if expected["date"]:
        assert document.published_at == dt.date.fromisoformat(expected["date"])
        assert document.date_basis in ("title", "title_repaired", "title_year_from_listing")
    else:  # no date anywhere on the page: a range from the listing, and said so
        assert document.date_basis == "listing_neighbours"
        assert document.published_at < document.date_latest


def test_title_without_year_is_not_dated_without_its_listing():
    expected = next(e for e in EXPECTED if e["file"].endswith("t1593756.shtml"))
    document = extracted(expected, None).document
    assert (document.published_at, document.date_basis) == (None, "undated")


def test_undated_remarks_get_the_range_of_their_listing_neighbours():
    expected = next(e for e in EXPECTED if e["file"].endswith("t1687014.shtml"))
    document = extracted(expected, listing_context(expected["url"])).document
    assert (document.published_at, document.date_latest) == (dt.date(2019, 8, 7), dt.date(2019, 8, 8))


def test_statement_offsets_point_into_the_document_text():
    for expected in EXPECTED:
        extraction = extracted(expected, None)
        assert extraction.statements and misplaced_statements(extraction) == [], expected["file"]


def test_a_era_answers_carry_the_title_spokesperson_and_role():
    expected = next(e for e in EXPECTED if e["file"].endswith("t1561142.shtml"))
    statements = extracted(expected, None).statements
    answers = [s for s in statements if s.kind == "answer"]
    assert {s.speaker_id for s in answers} == {"lu_kang"}
    assert {s.role for s in answers} == {"Foreign Ministry Spokesperson"}
    assert [s.seq for s in statements] == list(range(1, len(statements) + 1))


@pytest.mark.parametrize("expected", EXPECTED, ids=IDS)
def test_crawled_and_archived_page_matches_the_page(nightly_archive, expected):
    archive, _ = nightly_archive
    statements = archived_statements(archive, expected["url"])
    got = observed(statements)
    assert got == {key: expected[key] for key in got}
    dates = {s["statement_date"] for s in statements}
    if expected["date"]:
        assert dates == {dt.date.fromisoformat(expected["date"])}
    else:
        assert {s["doc_basis"] for s in statements} == {"listing_neighbours"}
