"""China MFA Chinese 发言人表态: hand-checked expectations (tests/fixtures/fmprc_zh/*.json, written
by reading each real page) against the parser directly and against the archive after a real
crawl of the replayed pages; incremental runs, since/until, and the en/zh briefing-day join."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from conftest import (SNAPSHOTS, content_counts, expected_page, expected_pages, extracted_page,
                      requests_made, snapshot_rows)
from flows.crawl import CrawlRequest, run_crawl
from flows.nightly import nightly
from podium.dates import chinese_title_date, date_of_listed_item
from storage.db import open_archive
from transcript_expectations import archived_statements as transcript_archived_statements
from transcript_expectations import as_dicts as transcript_as_dicts
from transcript_expectations import misplaced_statements
from transcript_expectations import observed as transcript_observed

EXPECTED = expected_pages("fmprc_zh")
IDS = [e["file"].split("/")[-1].split(".")[0] for e in EXPECTED]
ROWS = {r["url"]: r for r in snapshot_rows("fmprc_zh")}


def extracted(expected: dict, listing: dict | None):
    return extracted_page("fmprc_zh", expected, listing)


def listing_of(expected: dict) -> dict:
    """What the spider stages for an item: the date shown beside it on its listing page."""
    row = ROWS[expected["url"]]
    return {"anchor": row["list_anchor_text"], "list_date": row["list_date"]}


def observed(statements: list[dict]) -> dict:
    """The facts the expectation files record (opening words: 20 characters; statements per kind)."""
    return transcript_observed(statements, chars=20, kinds=True)


def as_dicts(extraction) -> list[dict]:
    return transcript_as_dicts(extraction, keep_unregistered=True)


# -- the parser on the real pages ------------------------------------------------------------

def test_there_are_enough_hand_checked_pages_across_both_eras():
    named_era = [e for e in EXPECTED if e["questioners"]]
    transcripts = [e for e in EXPECTED if "例行记者会" in e["title"]]
    assert len(EXPECTED) >= 8
    assert len(named_era) >= 3 and len(transcripts) - len(named_era) >= 4


@pytest.mark.parametrize("expected", EXPECTED, ids=IDS)
def test_parser_finds_the_turns_read_off_the_page(expected):
    got = observed(as_dicts(extracted(expected, listing_of(expected))))
    assert got == {key: expected[key] for key in got}


@pytest.mark.parametrize("expected", EXPECTED, ids=IDS)
def test_parser_dates_the_page_and_says_how(expected):
    document = extracted(expected, listing_of(expected)).document
    assert document.published_at == dt.date.fromisoformat(expected["date"])
    assert document.date_basis == expected["date_basis"]
    assert document.language == "zh" and document.title == expected["title"]


def test_without_a_listing_an_undated_title_falls_back_to_the_pages_date_line():
    expected = next(e for e in EXPECTED if e["file"].endswith("t1764242.shtml.gz"))
    document = extracted(expected, None).document
    assert (document.published_at, document.date_basis) == (dt.date(2020, 3, 31), "page_date")


def test_statement_offsets_point_into_the_document_text():
    for expected in EXPECTED:
        extraction = extracted(expected, None)
        assert extraction.statements and misplaced_statements(extraction) == [], expected["file"]


def test_wen_da_answers_carry_the_title_spokesperson_role_and_language():
    expected = next(e for e in EXPECTED if e["file"].endswith("t1645149.shtml.gz"))
    statements = extracted(expected, None).statements
    assert {(s.speaker_id, s.speaker_raw, s.role, s.language) for s in statements} == {
        ("lu_kang", "陆慷", "Foreign Ministry Spokesperson", "zh")}
    assert all(s.question and not s.question.startswith("问") for s in statements)
    assert all(not s.text.startswith("答") for s in statements)


def test_an_announcement_is_a_press_statement_of_the_spokesperson_named_in_its_body():
    expected = next(e for e in EXPECTED if e["file"].endswith("t1763023.shtml.gz"))
    extraction = extracted(expected, None)
    (statement,) = extraction.statements
    assert (statement.kind, statement.speaker_id, statement.question) == ("press_statement", "geng_shuang", None)
    assert statement.text.startswith("外交部发言人耿爽宣布：")
    assert extraction.document.doc_type == "statement"


def test_chinese_title_dates():
    assert chinese_title_date("2019年5月14日外交部发言人耿爽主持例行记者会").on(2019) == dt.date(2019, 5, 14)
    assert date_of_listed_item("外交部发言人耿爽2月15日答记者问", dt.date(2018, 2, 16)).date == dt.date(2018, 2, 15)
    assert date_of_listed_item("外交部发言人耿爽2月15日答记者问", dt.date(2018, 2, 16)).basis == "title_year_from_listing"
    assert date_of_listed_item("外交部发言人答记者问", None).basis == "undated"


# -- a real crawl of the replayed snapshot -----------------------------------------------------

def archived_statements(archive, url: str) -> list[dict]:
    return transcript_archived_statements(archive, url, keep_unregistered=True)


def test_crawl_archives_every_recorded_zh_page(en_zh_archive):
    archive, summary = en_zh_archive
    details = [r for r in snapshot_rows("fmprc_zh") if r["file"].startswith("detail/")]
    assert summary["errors"] == []
    with open_archive(archive, read_only=True) as con:
        documents = con.execute("SELECT count(*) FROM documents WHERE source_id = 'fmprc_zh'").fetchone()[0]
        pages = con.execute("SELECT count(*) FROM pages WHERE source_id = 'fmprc_zh'").fetchone()[0]
    assert (documents, pages) == (len(details), len(snapshot_rows("fmprc_zh")))


@pytest.mark.parametrize("expected", EXPECTED, ids=IDS)
def test_crawled_and_archived_page_matches_the_page(en_zh_archive, expected):
    archive, _ = en_zh_archive
    statements = archived_statements(archive, expected["url"])
    got = observed(statements)
    assert got == {key: expected[key] for key in got}
    assert {(s["statement_date"], s["doc_basis"], s["language"]) for s in statements} == {
        (dt.date.fromisoformat(expected["date"]), expected["date_basis"], "zh")}


def test_listing_dates_are_staged_with_each_page(en_zh_archive):
    archive, _ = en_zh_archive
    with open_archive(archive, read_only=True) as con:
        rows = con.execute("SELECT url, listing->>'list_date' FROM pages"
                           " WHERE source_id = 'fmprc_zh' AND page_kind = 'detail'").fetchall()
    assert rows and {url: day for url, day in rows} == {url: ROWS[url]["list_date"] for url, _ in rows}


def test_second_run_adds_nothing_and_stops_paging(en_zh_archive, tmp_path):
    archive = tmp_path / "again.duckdb"
    shutil.copyfile(en_zh_archive[0], archive)
    before = content_counts(archive)
    second = nightly(sources=["fmprc_zh"], replay=str(SNAPSHOTS), archive=str(archive))
    listing, detail = requests_made(second, "fmprc_zh")
    assert listing <= 2 and detail == 0
    assert content_counts(archive) == before
    assert second["run"]["pages_new"] == 0 and second["run"]["statements"] == 0


def test_since_and_until_are_honoured_by_the_listing_dates(replay_url, tmp_path):
    request = CrawlRequest("fmprc_zh", tmp_path, replay_base=replay_url, since="2020-03-20", until="2020-04-01")
    result = run_crawl(request)
    staged = [json.loads(line) for line in result.staging.read_text(encoding="utf-8").splitlines()]
    days = {r["listing"]["list_date"] for r in staged if r["page_kind"] == "detail"}
    recorded = {r["list_date"] for r in snapshot_rows("fmprc_zh")
                if r["file"].startswith("detail/") and "2020-03-20" <= r["list_date"] <= "2020-04-01"}
    assert days == recorded and len(days) >= 5
    # paging stops at the listing page that reaches back beyond `since` (page 5 of 31 ends 2020-03-20)
    assert result.stats["podium/requests/listing"] <= 7


# -- the en/zh join ---------------------------------------------------------------------------

def page_of_july_3(source: str, stem: str) -> dict:
    """The expectation file of the 2020-07-03 briefing: fmprc_zh t1794584, fmprc_en t1794629."""
    return expected_page(source, stem)


def test_briefing_days_pair_the_en_and_zh_transcripts_of_a_day(en_zh_archive):
    archive, _ = en_zh_archive
    with open_archive(archive, read_only=True) as con:
        days = con.execute("SELECT date, country, en_title, zh_title, en_answers, zh_answers"
                           " FROM v_briefing_days ORDER BY date").fetchall()
    assert len(days) >= 10
    assert len({d[0] for d in days}) == len(days)  # one pair per day
    for date, country, en_title, zh_title, _, _ in days:
        assert country == "CN" and "例行记者会" in zh_title
        assert zh_title.startswith(f"{date.year}年{date.month}月{date.day}日")
    by_day = {d[0]: d for d in days}
    # 2020-07-03: the answers of the English page (t1794629) and of the Chinese one (t1794584), 11 each
    en, zh = page_of_july_3("fmprc_en", "t1794629"), page_of_july_3("fmprc_zh", "t1794584")
    assert by_day[dt.date(2020, 7, 3)][4:] == (en["answer_turns"], zh["answer_turns"])


def test_statements_of_both_languages_join_through_the_briefing_day(en_zh_archive):
    archive, _ = en_zh_archive
    with open_archive(archive, read_only=True) as con:
        pairs = con.execute(
            "SELECT en.questioner, zh.questioner, en.speaker_id, zh.speaker_id FROM v_briefing_answers a"
            " JOIN statements en ON en.statement_id = a.en_statement_id"
            " JOIN statements zh ON zh.statement_id = a.zh_statement_id"
            " WHERE a.date = DATE '2020-07-03' ORDER BY a.answer_no").fetchall()
    # outlets as the two pages print them, in the same order (the first three answers have three
    # different questioners, so they are the first three of each page's recorded questioners)
    en, zh = page_of_july_3("fmprc_en", "t1794629"), page_of_july_3("fmprc_zh", "t1794584")
    assert [p[1] for p in pairs[:3]] == zh["questioners"][:3]  # 中央电视台, 北京青年报, 中新社
    assert [p[0] for p in pairs[:3]] == en["questioners"][:3]  # CCTV, Beijing Youth Daily, China News Service
    assert {(p[2], p[3]) for p in pairs} == {("zhao_lijian", "zhao_lijian")}
