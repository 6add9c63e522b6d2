"""Backfills and imports: a date range crawled on demand, and WARC files archived without fetching."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import SNAPSHOTS, snapshot_rows
from flows.adhoc import adhoc_crawl
from podium.cli import app
from storage.db import open_archive

DETAILS = ["t1558711", "t1752564", "t1794629"]


def test_a_date_range_fetches_only_that_range_and_stops_paging(prefect_harness, tmp_path):
    archive = tmp_path / "a.duckdb"
    summary = adhoc_crawl(sources=["fmprc_en"], since=dt.date(2019, 8, 1), until=dt.date(2019, 9, 30),
                          replay=str(SNAPSHOTS), archive=str(archive))
    with open_archive(archive, read_only=True) as con:
        dates = con.execute("SELECT published_at, date_basis FROM documents ORDER BY 1").fetchall()
        listing = con.execute("SELECT count(*) FROM pages WHERE page_kind = 'listing'").fetchone()[0]
    in_range = [r for r in snapshot_rows("fmprc_en") if r["file"].startswith("detail/")
                and "2019" in r["title"] and any(m in r["title"] for m in ("August", "September"))]
    assert len(dates) == len(in_range) + 1  # + the undated remarks, listed among them
    assert all(dt.date(2019, 8, 1) <= d <= dt.date(2019, 9, 30) for d, _ in dates)
    assert 3 <= listing < 13  # stopped paging once the listing was older than `since`
    assert summary["run"]["status"] == "completed"


def write_warc(path, rows: list[tuple[str, int, str, bytes]]) -> None:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, status, content_type, body in rows:
            headers = StatusAndHeaders(f"{status} X", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


def test_a_warc_becomes_archived_pages_and_statements(prefect_harness, tmp_path):
    rows = {r["file"]: r for r in snapshot_rows("fmprc_en")}
    recorded = [(rows["list/default.shtml"]["url"], 200, "text/html",
                 (SNAPSHOTS / "fmprc_en/list/default.shtml").read_bytes())]
    recorded += [(rows[f"detail/{d}.shtml"]["url"], 200, "text/html; charset=utf-8",
                  (SNAPSHOTS / f"fmprc_en/detail/{d}.shtml").read_bytes()) for d in DETAILS]
    recorded += [("https://www.fmprc.gov.cn/mfa_eng/gone.shtml", 404, "text/html", b"not here"),
                 ("https://www.fmprc.gov.cn/mfa_eng/logo.jpg", 200, "image/jpeg", b"\xff\xd8\xff"),
                 ("https://elsewhere.example/a.html", 200, "text/html", b"<html></html>")]
    warc, archive = tmp_path / "crawl.warc.gz", tmp_path / "a.duckdb"
    write_warc(warc, recorded)
    result = CliRunner().invoke(app, ["import-warc", str(warc), "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    with open_archive(archive, read_only=True) as con:
        kinds = dict(con.execute("SELECT page_kind, count(*) FROM pages GROUP BY 1").fetchall())
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        errors = con.execute("SELECT url, http_status FROM crawl_errors").fetchall()
        speakers = {r[0] for r in con.execute("SELECT DISTINCT speaker_id FROM statements").fetchall()}
    assert kinds == {"listing": 1, "detail": 3} and documents == 3
    assert errors == [("https://www.fmprc.gov.cn/mfa_eng/gone.shtml", 404)]
    assert speakers == {"geng_shuang", "zhao_lijian"}
    assert "skipped 1 WARC record: no configured source" in result.output
    assert "skipped 1 WARC record: not a page (image/jpeg)" in result.output


def test_a_file_that_is_not_a_warc_is_refused(prefect_harness, tmp_path):
    bogus = tmp_path / "x.warc.gz"
    bogus.write_bytes(b"this is not a warc file at all")
    result = CliRunner().invoke(app, ["import-warc", str(bogus), "--archive", str(tmp_path / "a.duckdb")])
    assert result.exit_code == 1 and "not a readable WARC file" in result.output


def test_a_backfill_runs_in_chunks_and_resumes(prefect_harness, tmp_path):
    from flows.backfill import backfill, date_chunks

    archive = str(tmp_path / "a.duckdb")
    since, until = dt.date(2019, 7, 1), dt.date(2019, 9, 30)
    assert date_chunks(since, until, 31)[0] == (dt.date(2019, 8, 31), until)
    first = backfill(sources=["fmprc_en"], since=since, until=until, chunk_days=31, replay=str(SNAPSHOTS),
                     archive=archive)
    with open_archive(archive, read_only=True) as con:
        months = {r[0] for r in con.execute("SELECT DISTINCT month(published_at) FROM documents").fetchall()}
        chunks = con.execute("SELECT count(*) FROM backfill_chunks").fetchone()[0]
    assert len(first) == chunks == 3
    assert months == {7, 8, 9}  # older chunks were reached past pages archived by newer ones
    again = backfill(sources=["fmprc_en"], since=since, until=until, chunk_days=31, replay=str(SNAPSHOTS),
                     archive=archive)
    assert again == []  # every chunk was finished: nothing to do


def uk_fcdo_search_page(**args) -> list:
    """What the uk_fcdo spider makes of the first recorded search page when every item listed
    there is archived already."""
    from scrapy.http import Request, TextResponse
    from scrapy.utils.test import get_crawler

    from podium import gov_uk
    from podium.settings import settings
    from spiders.loader import spider_class

    UkFcdoSpider = spider_class(settings().source("uk_fcdo"))

    row = next(r for r in snapshot_rows("uk_fcdo") if r["file"] == "search/page-0.json")
    body = (SNAPSHOTS / "uk_fcdo" / row["file"]).read_bytes()
    response = TextResponse(row["url"], body=body, encoding="utf-8",
                            request=Request(row["url"], meta={"first_page": row["url"], "start": 0}))
    listed = [response.urljoin(gov_uk.content_api_path(r["link"])) for r in json.loads(body)["results"]]
    spider = UkFcdoSpider.from_crawler(get_crawler(UkFcdoSpider), archived=",".join(listed), **args)
    return list(spider.parse_listing(response))


def test_a_backfill_pages_on_past_a_listing_page_of_archived_items():
    from scrapy import Request

    nightly = uk_fcdo_search_page()
    assert [type(r) for r in nightly] == [dict]  # the staged listing only: the archive's frontier
    backfill = uk_fcdo_search_page(until="2030-01-01")
    requests = [r for r in backfill if isinstance(r, Request)]
    assert len(backfill) == 2 and len(requests) == 1
    assert "start=10" in requests[0].url and requests[0].callback.__name__ == "parse_listing"


def test_a_url_of_a_shared_host_belongs_to_the_source_with_the_closest_path():
    from podium.settings import ConfigError, settings

    for key in ("fmprc_zh", "fmprc_en"):
        detail = next(r["url"] for r in snapshot_rows(key) if r["file"].startswith("detail/"))
        assert settings().source_for_url(detail).key == key
        assert settings().source_for_url(detail, ["fmprc_en", "fmprc_zh"]).key == key
    with pytest.raises(ConfigError, match="several sources"):
        settings().source_for_url("https://www.fmprc.gov.cn/elsewhere/t1.shtml")
