"""News reports → statements (podium.articles on `news` sources), and saved articles of any site
(`podium ingest FILE --url URL` without --source → the `web` source).

Expected speakers, opening words and statement dates are the hand annotations of
tests/fixtures/quotes (written by reading the articles), used here for every annotated article
whose page is bundled (snapshots/*/pages, tests/fixtures/extraction_benchmark); the `web`
source's pages are described in tests/fixtures/web."""
from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, SNAPSHOTS
from expected import expected_page, expected_pages
from podium.articles import extract_article
from podium.cli import app
from podium.extract import StoredPage
from podium.settings import settings
from podium.speakers import registry
from recorded_pages import extracted as extracted_page
from storage.db import open_archive

from bench.quotes import normalise_words, same_speaker  # noqa: E402

BENCHMARK_PAGES = FIXTURES / "extraction_benchmark"


def bundled_page(stem: str) -> Path | None:
    found = sorted(SNAPSHOTS.glob(f"*/pages/{stem}*.html.gz")) + sorted(BENCHMARK_PAGES.glob(f"{stem}*.html.gz"))
    return found[0] if found else None


def annotation(stem: str) -> dict:
    return json.loads((FIXTURES / "quotes" / f"{stem}.json").read_text(encoding="utf-8"))


ANNOTATED = [p.stem for p in sorted((FIXTURES / "quotes").glob("*.json")) if bundled_page(p.stem)]


@functools.cache  # each article is extracted once for all tests (they only read the result)
def extracted(stem: str):
    body = gzip.decompress(bundled_page(stem).read_bytes())
    page = StoredPage("test", "web", annotation(stem)["url"], body, "text/html")
    return extract_article(page, settings().source("web"), registry())


def found(expected: dict, statements) -> list:
    """The statements that are this annotated quote: the same person, the same opening words."""
    start = normalise_words(expected["starts"])
    return [s for s in statements if s.speaker_raw and same_speaker(expected["speaker"], s, registry())
            and start in normalise_words(s.text)]


def test_enough_annotated_articles_are_bundled():
    assert len(ANNOTATED) >= 12
    assert sum(len(annotation(stem)["quotes"]) for stem in ANNOTATED) >= 80


@pytest.mark.parametrize("stem", ANNOTATED)
def test_every_annotated_speaker_has_statements(stem):
    statements = extracted(stem).statements
    for expected in annotation(stem)["quotes"]:
        assert any(same_speaker(expected["speaker"], s, registry()) for s in statements), expected


def test_annotated_quotes_become_statements_of_their_speakers():
    expected = missed = named = wrong = 0
    for stem in ANNOTATED:
        quotes, statements = annotation(stem)["quotes"], extracted(stem).statements
        expected += len(quotes)
        missed += sum(not found(q, statements) for q in quotes)
        mine = [s for s in statements if s.speaker_raw]
        named += len(mine)
        wrong += sum(not any(s in found(q, mine) for q in quotes) for s in mine)
    assert missed / expected <= 0.03, (missed, expected)   # recall ≥ 0.97 (bench/quotes.py: 0.990)
    assert wrong / named <= 0.03, (wrong, named)           # precision ≥ 0.97 (0.995)


@pytest.mark.parametrize("stem", ANNOTATED)
def test_statements_are_numbered_and_point_into_the_document_text(stem):
    extraction = extracted(stem)
    document, statements = extraction.document, extraction.statements
    assert [s.seq for s in statements] == list(range(1, len(statements) + 1))
    assert [s.statement_id for s in statements] == [f"{document.doc_id}-{n:04d}" for n in range(1, len(statements) + 1)]
    assert [s.char_start for s in statements] == sorted(s.char_start for s in statements)
    for statement in statements:
        assert statement.kind in ("direct_quote", "indirect") and statement.language == document.language == "en"
        # a quote over several paragraphs is one statement, its text without the paragraph breaks
        assert (normalise_words(document.text[statement.char_start:statement.char_end])
                == normalise_words(statement.text))


DATED = [(stem, d) for stem in ANNOTATED for d in annotation(stem)["statement_dates"]]


@pytest.mark.parametrize("stem, expected", DATED, ids=[f"{s}-{d['date']}" for s, d in DATED])
def test_statement_date_from_the_words_around_the_quote(stem, expected):
    extraction = extracted(stem)
    published = dt.date.fromisoformat(annotation(stem)["published"])
    assert extraction.document.published_at == published
    [statement] = found({"speaker": speaker_of(stem, expected), "starts": expected["quote_starts"]},
                        extraction.statements)
    assert statement.statement_date == dt.date.fromisoformat(expected["date"])
    assert statement.date_basis == ("published" if statement.statement_date == published else "text_relative")


def speaker_of(stem: str, dated: dict) -> str:
    start = normalise_words(dated["quote_starts"])
    return next(q["speaker"] for q in annotation(stem)["quotes"] if start in normalise_words(q["starts"])
                or normalise_words(q["starts"]) in start)


def test_dates_inside_the_quoted_words_are_not_the_day_they_were_said():
    # Deccan Herald: "“We have learned nothing new in today's illegitimate ‘impeachment’ proceedings.
    # … both witnesses testified the July 25 transcript was ‘accurate’ …,” she added." The July 25
    # is in her words; the attribution names no day: the article's date
    statements = extracted("c90731f0").statements
    [grisham] = [s for s in statements if s.text.startswith("We have learned nothing new")]
    assert grisham.speaker_id == "stephanie_grisham"
    assert (grisham.statement_date, grisham.date_basis) == (dt.date(2019, 11, 20), "published")


def test_registered_speaker_gets_the_registry_role_institution_and_country():
    statements = extracted("db6b0816").statements  # AP via chron.com: Esper in Hanoi
    esper = [s for s in statements if s.speaker_raw == "Mark Esper"]
    assert len(esper) == 5
    assert {(s.speaker_id, s.role, s.institution, s.country) for s in esper} == {
        ("mark_esper", "Secretary of Defense", "U.S. Department of Defense", "US")}


def test_unregistered_speaker_keeps_the_role_the_article_gives_and_no_country():
    statements = extracted("833caf3b").statements
    erekat = [s for s in statements if s.speaker_raw == "Saeb Erekat"]
    assert erekat and {(s.speaker_id, s.role, s.country) for s in erekat} == {(None, "chief negotiator", None)}


def test_statements_without_a_named_person_are_kept_with_their_organisation():
    # "A spokesperson for the British Foreign Office reiterated the UK's position that settlements
    # "are illegal under international law, …""
    statements = extracted("833caf3b").statements
    [office] = [s for s in statements if s.text.startswith("are illegal under international law")]
    assert (office.speaker_raw, office.speaker_id, office.institution) == (None, None, "British Foreign Office")
    assert office.kind == "direct_quote"


# -- who is no speaker, and what is no statement (issue 13) -------------------------------------

POLICE_REPORT = ("961bd85c", "http://www.therepublic.com/2019/11/20/cpd_arrests_six_in_drug_investigation/")


def extracted_unannotated(stem: str, url: str):
    body = gzip.decompress(bundled_page(stem).read_bytes())
    return extract_article(StoredPage("test", "web", url, body, "text/html"), settings().source("web"), registry())


def test_a_police_report_gives_no_statements():
    # The Republic, "CPD arrests six in drug investigation": "… later arrested Elizabeth A. Burton,
    # 32, of 1119 Eighth St., after locating methamphetamine …, said Lt. Matt Harris, Columbus Police
    # Department spokesman." and five more "…, Harris said." sentences of arrests and searches, then
    # the charges of each person. Nothing in it is in quote marks: it is the police's account of
    # events, and it once gave six statements, the first of them by "Eighth St.".
    extraction = extracted_unannotated(*POLICE_REPORT)
    assert "1119 Eighth St." in extraction.document.text
    assert extraction.statements == []


def test_a_place_is_not_the_speaker_of_the_police_in_it():
    # Express: "China said it is committed to the “one country, two systems” formula granting Hong
    # Kong autonomy, while the city’s police deny accusations of brutality and say they show utmost
    # restraint." The police say it; "Hong Kong" was made its speaker.
    statements = extracted("624fcd90").statements
    assert "Hong Kong" not in {s.speaker_raw for s in statements}
    assert not [s for s in statements if s.text.startswith("they show utmost restraint") and s.speaker_raw]
    assert {s.speaker_raw for s in statements} == {"Cheuk Hau-yip", "Liu Xiaming", "Chris Tang"}


@pytest.mark.parametrize("expected", expected_pages("web"), ids=lambda e: e.quotes)
def test_web_source_pages_are_read_as_the_page_says(expected):
    extraction = extracted_page("web", expected, staged=False)
    document = extraction.document
    assert (document.title, document.published_at, document.date_basis) == (
        expected.title, expected.date, expected.date_basis)
    quotes = annotation(expected.quotes)["quotes"]
    assert all(found(q, extraction.statements) for q in quotes)


def test_the_article_step_gives_a_briefing_source_no_statements():
    # A briefing's statements are its transcript turns, which its own extractor finds; read as an
    # article, a page of a briefing source yields its document and no statements. (That a statement
    # source gets one press statement is checked in tests/test_generic_sources.py.)
    briefing = settings().source("fmprc_en")
    assert briefing.kind == "briefing"
    expected = expected_pages("belarus_mfa")[0]
    body = gzip.decompress((SNAPSHOTS / "belarus_mfa" / expected.file).read_bytes())
    extraction = extract_article(StoredPage("t", briefing.key, expected.url, body), briefing, registry())
    assert expected.body_contains in " ".join(extraction.document.text.split())
    assert extraction.statements == []


# -- `podium ingest FILE --url URL` of a saved article -------------------------------------

# sportsnet.ca is in no source's allowed_domains. Read from the page: <meta name="sn-post-date"
# content="2019/11/19"> and the byline "November 19, 2019, 9:02 AM" (no standard meta tag, no
# date in the URL); its quotes are annotated in tests/fixtures/quotes/0d461229.json.
SAVED = "0d461229"
SAVED_URL = "https://www.sportsnet.ca/tennis/argentina-comfortably-wins-davis-cup-opener-chile/"


def ingest(*args: str):
    return CliRunner().invoke(app, ["ingest", *args])


def archived(archive: Path, sql: str, params: list) -> list[SimpleNamespace]:
    with open_archive(archive, read_only=True) as con:
        cursor = con.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [SimpleNamespace(**dict(zip(columns, row))) for row in cursor.fetchall()]


def test_saved_article_of_an_unconfigured_site_gets_its_date_and_statements(prefect_harness, tmp_path):
    saved, archive = tmp_path / "davis-cup.html", tmp_path / "a.duckdb"
    saved.write_bytes(gzip.decompress(bundled_page(SAVED).read_bytes()))
    result = ingest(str(saved), "--url", SAVED_URL, "--archive", str(archive))
    assert result.exit_code == 0, result.output
    [document] = archived(archive, "SELECT * FROM documents WHERE url = ?", [SAVED_URL])
    assert (document.source_id, document.published_at) == ("web", dt.date(2019, 11, 19))
    statements = archived(archive, "SELECT * FROM statements WHERE doc_id = ? ORDER BY seq", [document.doc_id])
    assert all(found(q, statements) for q in annotation(SAVED)["quotes"])
    assert all(s.statement_date and s.date_basis for s in statements)
    assert all(normalise_words(document.text[s.char_start:s.char_end]) == normalise_words(s.text) for s in statements)


def test_saved_page_of_a_configured_site_goes_to_its_source(prefect_harness, tmp_path):
    page = expected_page("fmprc_en", "t1794629")
    saved, archive = tmp_path / "page.shtml", tmp_path / "a.duckdb"
    shutil.copyfile(SNAPSHOTS / "fmprc_en" / page.file, saved)
    assert ingest(str(saved), "--url", page.url, "--archive", str(archive)).exit_code == 0
    rows = archived(archive, "SELECT d.source_id, s.kind FROM statements s JOIN documents d USING (doc_id)", [])
    assert len(rows) == page.transcript.answer_turns
    assert {(r.source_id, r.kind) for r in rows} == {("fmprc_en", "answer")}

