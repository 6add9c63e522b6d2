"""China MFA Chinese 发言人表态: hand-checked expectations (tests/fixtures/fmprc_zh/*.json, written
by reading each real page) against the parser directly and against the archive after a real
crawl of the replayed pages; incremental runs, since/until, and the en/zh briefing-day join.
Both eras: the 2018–2020 recordings (www.fmprc.gov.cn, default_N.shtml listings) and the sample
of today's site (www.mfa.gov.cn, 2020-09 … 2024-04, synthetic index_N.shtml listings); the
listing reader's fallback to the URL shape and its layout-change errors."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from conftest import SNAPSHOTS, content_counts, copy_snapshot_to, requests_made, snapshot_rows, write_index
from expected import expected_page, expected_pages
from flows.crawl import CrawlRequest, run_crawl
from flows.nightly import nightly
from podium import fmprc, replay
from podium.dates import chinese_title_date, date_of_listed_item
from podium.extract import LayoutChanged, StoredPage
from podium.settings import settings
from podium.speakers import registry
from storage.db import open_archive
from recorded_pages import extracted as extracted_page
from transcript_expectations import archived_statements as transcript_archived_statements
from transcript_expectations import misplaced_statements
from transcript_expectations import observed as transcript_observed

EXPECTED = expected_pages("fmprc_zh")
IDS = [e.name for e in EXPECTED]
ROWS = {r["url"]: r for r in snapshot_rows("fmprc_zh")}
TODAY_LISTINGS = [r for r in snapshot_rows("fmprc_zh") if r["file"].startswith("list/index")]
TODAY_DETAILS = [r for r in snapshot_rows("fmprc_zh") if r["declared_url"]]
COLUMN = "https://www.mfa.gov.cn/web/wjdt_674879/fyrbt_674889/"


def extracted(expected, staged: bool = True):
    """The page's extraction with the date its listing shows beside it, or (staged False) alone."""
    return extracted_page("fmprc_zh", expected, staged=staged)


def observed(statements: list[dict]) -> dict:
    """The facts the expectation files record (opening words: 20 characters; statements per kind)."""
    return transcript_observed(statements, chars=20, kinds=True)


# -- the parser on the real pages ------------------------------------------------------------

def test_there_are_enough_hand_checked_pages_across_both_eras():
    named_era = [e for e in EXPECTED if e.transcript.questioners]
    transcripts = [e for e in EXPECTED if "例行记者会" in e.title]
    assert len(EXPECTED) >= 8
    assert len(named_era) >= 3 and len(transcripts) - len(named_era) >= 4
    today = [e for e in EXPECTED if "/20" in e.url]  # …/202404/t20240403_….shtml
    assert {name for e in today for name in e.transcript.answers_by} >= {
        "Hua Chunying", "Zhao Lijian", "Wang Wenbin", "Mao Ning", "Lin Jian"}
    assert {e.date_basis for e in today} == {"title", "listing_date"}


def test_every_page_is_expected_in_chinese_with_its_date_and_how_it_was_found():
    """The date, its basis, the title and the language of every page against its expected values
    (and its turns): tests/test_sources.py."""
    assert {e.language for e in EXPECTED} == {"zh"}
    assert all(e.date and e.date_basis and e.title for e in EXPECTED)


def test_without_a_listing_an_undated_title_falls_back_to_the_pages_date_line():
    expected = next(e for e in EXPECTED if e.name == "t1764242")
    document = extracted(expected, staged=False).document
    assert (document.published_at, document.date_basis) == (dt.date(2020, 3, 31), "page_date")


def test_statement_offsets_point_into_the_document_text():
    for expected in EXPECTED:
        extraction = extracted(expected, staged=False)
        assert extraction.statements and misplaced_statements(extraction) == [], expected.file


def test_wen_da_answers_carry_the_title_spokesperson_role_and_language():
    expected = next(e for e in EXPECTED if e.name == "t1645149")
    statements = extracted(expected, staged=False).statements
    assert {(s.speaker_id, s.speaker_raw, s.role, s.language) for s in statements} == {
        ("lu_kang", "陆慷", "Foreign Ministry Spokesperson", "zh")}
    assert all(s.question and not s.question.startswith("问") for s in statements)
    assert all(not s.text.startswith("答") for s in statements)


def test_an_announcement_is_a_press_statement_of_the_spokesperson_named_in_its_body():
    expected = next(e for e in EXPECTED if e.name == "t1763023")
    extraction = extracted(expected, staged=False)
    (statement,) = extraction.statements
    assert (statement.kind, statement.speaker_id, statement.question) == ("press_statement", "geng_shuang", None)
    assert statement.text.startswith("外交部发言人耿爽宣布：")
    assert extraction.document.doc_type == "statement"


def test_an_item_that_names_no_spokesperson_is_the_unnamed_spokespersons():
    """'外交部发言人就第74届…': 就 opens the topic; no one called 就第 spoke."""
    expected = next(e for e in EXPECTED if e.name == "t20210524_9177357")
    (statement,) = extracted(expected).statements
    assert (statement.kind, statement.speaker_raw) == ("press_statement", "外交部发言人")
    assert fmprc.spokesperson_in_title("外交部发言人就美国宣布对古巴实施制裁答记者问") is None
    assert fmprc.spokesperson_in_title("外交部发言人汪文斌就世卫大会续会涉台问题发表谈话") == "汪文斌"


def test_a_new_spokesperson_speaks_in_that_role_from_the_day_the_page_introduces_him():
    """t20240318_11262087: '…介绍我的新同事——新任外交部发言人、新闻司副司长林剑。今天，他将作为外交部
    第34任发言人主持例行记者会。'"""
    expected = expected_page("fmprc_zh", "t20240318_11262087")
    answers = [s for s in extracted(expected).statements if s.kind == "answer"]
    assert {(s.speaker_id, s.role) for s in answers} == {("lin_jian", "Foreign Ministry Spokesperson")}
    assert registry().resolve("林剑").role_on(dt.date(2024, 3, 17)) is None


def test_a_detail_page_without_its_body_is_a_layout_change_naming_the_selector():
    expected = expected_page("fmprc_zh", "t20240403_11276141")
    body = replay.Recording(expected.url, SNAPSHOTS / "fmprc_zh" / expected.file, 200, "text/html").body()
    changed = body.replace(b'id="News_Body_Txt_A"', b'id="News_Body_Text"')
    with pytest.raises(LayoutChanged, match="#News_Body_Txt_A") as raised:
        fmprc.extract_transcript(StoredPage("p", "fmprc_zh", expected.url, changed, "text/html", None),
                                 settings().source("fmprc_zh"), registry())
    assert raised.value.selector == fmprc.DETAIL_BODIES
    assert expected.title in str(raised.value)


def test_chinese_title_dates():
    assert chinese_title_date("2019年5月14日外交部发言人耿爽主持例行记者会").on(2019) == dt.date(2019, 5, 14)
    assert date_of_listed_item("外交部发言人耿爽2月15日答记者问", dt.date(2018, 2, 16)).date == dt.date(2018, 2, 15)
    assert (date_of_listed_item("外交部发言人耿爽2月15日答记者问", dt.date(2018, 2, 16)).basis
            == "title_year_from_listing")
    assert date_of_listed_item("外交部发言人答记者问", None).basis == "undated"


# -- a real crawl of the replayed snapshot -----------------------------------------------------

def archived_statements(archive, url: str) -> list[dict]:
    return transcript_archived_statements(archive, url, keep_unregistered=True)


def test_crawl_archives_every_recorded_zh_page(en_zh_archive):
    """Both listings are read, each page by page: the 2018–2020 one (default_N.shtml) and today's
    (index.shtml, index_1.shtml); every recorded detail page of both eras becomes a document."""
    archive, summary = en_zh_archive
    details = [r for r in snapshot_rows("fmprc_zh") if r["file"].startswith("detail/")]
    listings = [r for r in snapshot_rows("fmprc_zh") if r["file"].startswith("list/")]
    assert summary["errors"] == []
    assert requests_made(summary, "fmprc_zh") == (len(listings), len(details))
    with open_archive(archive, read_only=True) as con:
        documents = con.execute("SELECT count(*) FROM documents WHERE source_id = 'fmprc_zh'").fetchone()[0]
        pages = con.execute("SELECT count(*) FROM pages WHERE source_id = 'fmprc_zh'").fetchone()[0]
    assert (documents, pages) == (len(details), len(snapshot_rows("fmprc_zh")))


@pytest.mark.parametrize("expected", EXPECTED, ids=IDS)
def test_crawled_and_archived_page_matches_the_page(en_zh_archive, expected):
    archive, _ = en_zh_archive
    statements = archived_statements(archive, expected.url)
    got = observed(statements)
    assert got == expected.transcript.model_dump(include=set(got))
    assert {(s["statement_date"], s["doc_basis"], s["language"]) for s in statements} == {
        (expected.date, expected.date_basis, "zh")}


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
    assert listing == 2 and detail == 0  # the first page of each listing: today's and 2018–2020's
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
    # paging stops at the listing page that reaches back beyond `since` (page 5 of 31 ends 2020-03-20);
    # today's listing lists only later items, and pages on to its end (a range crawl walks past them)
    assert result.stats["podium/requests/listing"] <= 7 + len(TODAY_LISTINGS)


# -- today's listings: the spider on the recorded pages, and through replay ------------------------

def zh_spider(recorded: list[str] | None = None):
    """The fmprc_zh spider, live (recorded None) or replaying a recording of these URLs."""
    from scrapy.utils.test import get_crawler
    from w3lib.url import canonicalize_url

    from spiders.loader import spider_class

    FmprcZhSpider = spider_class(settings().source("fmprc_zh"))
    spider = FmprcZhSpider.from_crawler(get_crawler(FmprcZhSpider))
    spider.recorded = None if recorded is None else {canonicalize_url(u) for u in recorded}
    return spider


def listing_response(index: int, body: bytes | None = None):
    """Page `index` of today's (synthetic) listing as the spider receives it; `body` replaces it."""
    from scrapy.http import HtmlResponse, Request

    row = TODAY_LISTINGS[index]
    body = body if body is not None else (SNAPSHOTS / "fmprc_zh" / row["file"]).read_bytes()
    request = Request(row["url"], meta={"index": index, "first_page": TODAY_LISTINGS[0]["url"]})
    return HtmlResponse(row["url"], body=body, encoding="utf-8", request=request)


def parsed(spider, response) -> tuple[list, list[dict]]:
    """(requests, staged records) of a spider's parse_listing."""
    out = list(spider.parse_listing(response))
    return [o for o in out if not isinstance(o, dict)], [o for o in out if isinstance(o, dict)]


def test_todays_listing_gives_its_links_with_their_dates_and_its_next_page():
    requests, records = parsed(zh_spider(), listing_response(0))
    listed = [r for r in TODAY_DETAILS if r["listed_on"] == "index.shtml"]
    details = [r for r in requests if r.callback.__name__ == "parse_detail"]
    assert [(r.url, r.meta["listing"]["list_date"]) for r in details] == [(r["url"], r["list_date"]) for r in listed]
    assert [r.url for r in requests if r.callback.__name__ == "parse_listing"] == [COLUMN + "index_1.shtml"]
    assert [r["type"] for r in records] == ["page"]  # the listing itself; no error


def test_the_last_page_of_todays_listing_ends_the_paging_and_reaches_another_column():
    last = len(TODAY_LISTINGS) - 1
    requests, _ = parsed(zh_spider(), listing_response(last))
    listed = [r["url"] for r in TODAY_DETAILS if r["listed_on"] == TODAY_LISTINGS[last]["file"].split("/")[-1]]
    assert listed and [r.url for r in requests] == listed  # createPageHTML(n, n - 1, …): no next page
    other_column = "https://www.mfa.gov.cn/web/fyrbt_673021/jzhsl_673025/202110/t20211019_9604337.shtml"
    page = next(i for i, listing in enumerate(TODAY_LISTINGS) for r in TODAY_DETAILS
                if r["url"] == other_column and r["listed_on"] == listing["file"].split("/")[-1])
    assert other_column in [r.url for r in parsed(zh_spider(), listing_response(page))[0]]


def test_a_listing_whose_selector_matches_nothing_is_read_by_url_shape_and_says_so():
    body = (SNAPSHOTS / "fmprc_zh" / TODAY_LISTINGS[0]["file"]).read_bytes().replace(b'class="list1"', b'class="list2"')
    spider = zh_spider()
    requests, records = parsed(spider, listing_response(0, body))
    listed = [r["url"] for r in TODAY_DETAILS if r["listed_on"] == "index.shtml"]
    assert [r.url for r in requests if r.callback.__name__ == "parse_detail"] == listed
    (error,) = [r for r in records if r["type"] == "error"]
    assert (error["stage"], error["page_kind"]) == ("layout_fallback", "listing")
    assert error["url"] == TODAY_LISTINGS[0]["url"]
    assert fmprc.LISTING_ANCHORS in error["error"] and f"{len(listed)} links found by URL pattern" in error["error"]
    assert spider.crawler.stats.get_value("podium/listing_fallback") == 1


def test_a_listing_without_any_article_link_is_a_layout_change_and_pages_no_further():
    text = (SNAPSHOTS / "fmprc_zh" / TODAY_LISTINGS[0]["file"]).read_text(encoding="utf-8")
    emptied = text[:text.index("<li>")] + text[text.rindex("</li>") + len("</li>"):]
    requests, records = parsed(zh_spider(), listing_response(0, emptied.encode("utf-8")))
    (error,) = [r for r in records if r["type"] == "error"]
    assert requests == [] and (error["stage"], error["page_kind"]) == ("layout_changed", "listing")
    assert fmprc.LISTING_ANCHORS in error["error"]


def test_the_2016_2020_listing_is_read_only_from_a_recording_that_holds_it():
    live = [r.url for r in zh_spider().listing_requests()]
    replayed = [r.url for r in zh_spider(recorded=list(ROWS)).listing_requests()]
    others = [r.url for r in zh_spider(recorded=[COLUMN + "index.shtml"]).listing_requests()]
    assert live == others == [COLUMN + "index.shtml"]
    assert replayed == [COLUMN + "index.shtml", "https://www.fmprc.gov.cn/web/wjdt_674879/fyrbt_674889/default.shtml"]


def test_a_replayed_crawl_falls_back_to_url_shapes_and_records_it(tmp_path):
    from podium.replay import serving

    snapshot = copy_snapshot_to(tmp_path / "snapshot", "fmprc_zh")
    page = snapshot / "fmprc_zh" / TODAY_LISTINGS[0]["file"]
    page.write_bytes(page.read_bytes().replace(b'class="list1"', b'class="news-list"'))
    with serving(snapshot) as url:
        result = run_crawl(CrawlRequest("fmprc_zh", tmp_path / "run", replay_base=url, since="2021-10-01"))
    staged = [json.loads(line) for line in result.staging.read_text(encoding="utf-8").splitlines()]
    (error,) = [r for r in staged if r["type"] == "error"]
    assert (error["stage"], error["url"]) == ("layout_fallback", TODAY_LISTINGS[0]["url"])
    fetched = {r["url"] for r in staged if r["page_kind"] == "detail"}
    assert fetched == {r["url"] for r in TODAY_DETAILS if r["list_date"] >= "2021-10-01"}
    assert result.stats["podium/listing_fallback"] == 1


def test_a_page_of_todays_site_is_read_at_its_fmprc_gov_cn_address_too(tmp_path):
    """The page declares itself at www.fmprc.gov.cn (the crawler fetched it at www.mfa.gov.cn):
    recorded at that address, a URL crawl of it is archived as fmprc_zh's."""
    from podium.replay import serving

    row = next(r for r in TODAY_DETAILS if r["file"].endswith("t20211201_10460717.shtml.gz"))
    assert row["declared_url"].startswith("http://www.fmprc.gov.cn/web/")
    snapshot = copy_snapshot_to(tmp_path / "snapshot", "fmprc_zh")
    write_index(snapshot, "fmprc_zh", [{**r, "url": r["declared_url"]} if r["file"] == row["file"] else r
                                       for r in snapshot_rows("fmprc_zh")])
    assert settings().source_for_url(row["declared_url"]).key == "fmprc_zh"
    with serving(snapshot) as url:
        result = run_crawl(CrawlRequest("fmprc_zh", tmp_path / "run", replay_base=url, urls=[row["declared_url"]]))
    (staged,) = [json.loads(line) for line in result.staging.read_text(encoding="utf-8").splitlines()]
    assert (staged["type"], staged["url"], staged["status"]) == ("page", row["declared_url"], 200)


# -- the en/zh join ---------------------------------------------------------------------------

def page_of_july_3(source: str, stem: str):
    """The expectation file of the 2020-07-03 briefing: fmprc_zh t1794584, fmprc_en t1794629."""
    return expected_page(source, stem)


def test_briefing_days_pair_the_en_and_zh_transcripts_of_a_day(en_zh_archive):
    archive, _ = en_zh_archive
    with open_archive(archive, read_only=True) as con:
        days = con.execute("SELECT date, country, en_title, zh_title, en_answers, zh_answers"
                           " FROM v_briefing_days ORDER BY date").fetchall()
    assert len(days) >= 10
    assert len({d[0] for d in days}) == len(days)  # one pair per day
    for date, country, _en_title, zh_title, _, _ in days:
        assert country == "CN" and "例行记者会" in zh_title
        assert zh_title.startswith(f"{date.year}年{date.month}月{date.day}日")
    by_day = {d[0]: d for d in days}
    # 2020-07-03: the answers of the English page (t1794629) and of the Chinese one (t1794584), 11 each
    en, zh = page_of_july_3("fmprc_en", "t1794629"), page_of_july_3("fmprc_zh", "t1794584")
    assert by_day[dt.date(2020, 7, 3)][4:] == (en.transcript.answer_turns, zh.transcript.answer_turns)


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
    assert [p[1] for p in pairs[:3]] == zh.transcript.questioners[:3]  # 中央电视台, 北京青年报, 中新社
    assert [p[0] for p in pairs[:3]] == en.transcript.questioners[:3]  # CCTV, Beijing Youth Daily, China News Service
    assert {(p[2], p[3]) for p in pairs} == {("zhao_lijian", "zhao_lijian")}
