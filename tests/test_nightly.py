"""The nightly flow end to end: real Scrapy crawls of replayed pages, real Prefect flow runs,
real DuckDB files. Incremental runs, revisions, and failures that must be recorded and retried."""
from __future__ import annotations

import re

import pytest

from typer.testing import CliRunner

from conftest import content_counts, requests_made, snapshot_rows
from flows.nightly import nightly
from podium.cli import app
from podium.settings import settings
from storage.db import open_archive

SMALL = {"t1558711", "t1593756", "t1594148", "t1752564", "t1794629"}


def url_of(stem: str) -> str:
    return next(r["url"] for r in snapshot_rows("fmprc_en") if r["file"] == f"detail/{stem}.shtml")


def test_first_run_archives_every_recorded_page(nightly_archive):
    archive, summary = nightly_archive
    details = [r for r in snapshot_rows("fmprc_en") if r["file"].startswith("detail/")]
    assert summary["run"]["pages_new"] == len(snapshot_rows("fmprc_en"))
    assert content_counts(archive)["documents"] == len(details)
    assert summary["errors"] == []
    speakers = dict(summary["statements_per_speaker"])
    assert set(speakers) == {"Geng Shuang", "Hua Chunying", "Lu Kang", "Zhao Lijian"}
    assert summary["date_range"][0].isoformat() == "2018-05-11"
    assert summary["date_range"][1].isoformat() == "2020-07-03"


def test_every_answer_has_a_registered_speaker_and_a_date(nightly_archive):
    archive, _ = nightly_archive
    with open_archive(archive, read_only=True) as con:
        missing = con.execute("SELECT count(*) FROM statements WHERE speaker_id IS NULL"
                              " OR statement_date IS NULL").fetchone()[0]
        kinds = dict(con.execute("SELECT kind, count(*) FROM statements GROUP BY 1").fetchall())
    assert missing == 0
    assert set(kinds) == {"answer", "opening_remarks"} and kinds["answer"] > 500


def test_second_run_adds_nothing_and_stops_paging(prefect_harness, copy_snapshot, tmp_path):
    snapshot, archive = copy_snapshot("fmprc_en", SMALL), tmp_path / "a.duckdb"
    first = nightly(sources=["fmprc_en"], replay=str(snapshot), archive=str(archive))
    listings = [r for r in snapshot_rows("fmprc_en") if r["file"].startswith("list/")]
    assert requests_made(first, "fmprc_en") == (len(listings), len(SMALL))
    crawl_log = (settings().data_dir / "runs" / first["run"]["run_id"] / "fmprc_en.log").read_text()
    assert f"podium: listing requests={len(listings)} detail requests={len(SMALL)}" in crawl_log  # told to the user
    before = content_counts(archive)
    second = nightly(sources=["fmprc_en"], replay=str(snapshot), archive=str(archive))
    assert content_counts(archive) == before
    listing, detail = requests_made(second, "fmprc_en")
    assert listing <= 2 and detail == 0
    assert second["run"]["pages_new"] == 0 and second["run"]["statements"] == 0


def test_missing_and_empty_pages_are_recorded_and_retried(prefect_harness, copy_snapshot, tmp_path):
    snapshot, archive = copy_snapshot("fmprc_en", SMALL), tmp_path / "a.duckdb"
    gone, empty = (snapshot / "fmprc_en" / "detail" / "t1593756.shtml",
                   snapshot / "fmprc_en" / "detail" / "t1594148.shtml")
    saved = {gone: gone.read_bytes(), empty: empty.read_bytes()}
    gone.unlink()  # still in the recording's index: the server answers 404
    empty.write_bytes(re.sub(rb'(<div class="content">).*?(</div>\s*<div class="tool")', rb"\1\2",
                             saved[empty], flags=re.S))
    first = nightly(sources=["fmprc_en"], replay=str(snapshot), archive=str(archive))
    failures = {(url, stage, status) for stage, url, _, status in first["errors"]}
    assert failures == {(url_of("t1593756"), "fetch", 404), (url_of("t1594148"), "extract", None)}
    assert content_counts(archive)["documents"] == len(SMALL) - 2

    second = nightly(sources=["fmprc_en"], replay=str(snapshot), archive=str(archive))
    assert requests_made(second, "fmprc_en")[1] == 2  # both tried again
    assert len(second["errors"]) == 2

    for path, body in saved.items():
        path.write_bytes(body)
    third = nightly(sources=["fmprc_en"], replay=str(snapshot), archive=str(archive))
    assert third["errors"] == []
    assert content_counts(archive)["documents"] == len(SMALL)


def test_cli_nightly_prints_a_summary_and_the_example_query(prefect_harness, copy_snapshot, tmp_path):
    snapshot = copy_snapshot("fmprc_en", SMALL)
    result = CliRunner().invoke(app, ["nightly", "--source", "fmprc_en", "--replay", str(snapshot), "--archive",
                                      str(tmp_path / "a.duckdb"), "--example-query"])
    assert result.exit_code == 0, result.output
    assert f"{len(SMALL)} documents" in result.output
    assert "Zhao Lijian" in result.output and "Geng Shuang" in result.output
    assert "this run's documents are dated 2018-05-11 … 2020-07-03" in result.output
    assert "FROM v_statements" in result.output


def test_run_is_recorded_and_the_search_index_follows_the_archive(nightly_archive):
    from storage.search import search

    archive, summary = nightly_archive
    with open_archive(archive, read_only=True) as con:
        status, statements = con.execute("SELECT status, statements FROM crawl_runs WHERE run_id = ?",
                                         [summary["run"]["run_id"]]).fetchone()
        hits = search(con, "Korean Peninsula denuclearization", limit=5)
        total = con.execute("SELECT count(*) FROM statements").fetchone()[0]
    assert (status, statements) == ("completed", total)
    assert len(hits) == 5 and all("Peninsula" in hit.text for hit in hits)


def test_each_run_publishes_a_report(nightly_archive):
    from flows.report import run_markdown

    _, summary = nightly_archive
    report = run_markdown(summary)
    pages = snapshot_rows("fmprc_en")  # every recorded page is stored; each detail page is a document
    documents = [r for r in pages if r["file"].startswith("detail/")]
    assert f"| fmprc_en | ok | {len(pages)} | {len(documents)} |" in report
    assert "## A sample of new statements" in report and "Zhao Lijian" in report
    assert "## Errors (0)" in report


def test_a_second_writer_waits_then_fails_clearly(tmp_path):
    from storage.db import ArchiveError, writer_lock

    archive = tmp_path / "a.duckdb"
    with writer_lock(archive, 1):
        with pytest.raises(ArchiveError, match="another run is writing"):
            with writer_lock(archive, 0.5):
                pass
    with writer_lock(archive, 0.5):  # released: the next run goes ahead
        pass


def test_mentions_of_each_statement_are_queryable(nightly_archive):
    archive, _ = nightly_archive
    with open_archive(archive, read_only=True) as con:
        dprk = {r[0] for r in con.execute("SELECT statement_id FROM v_mentions"
                                          " WHERE entity_id = 'country:KP'").fetchall()}
        written = {r[0] for r in con.execute("SELECT statement_id FROM statements WHERE text LIKE '%DPRK%'").fetchall()}
        surfaces = {r[0] for r in con.execute("SELECT DISTINCT surface FROM v_mentions"
                                              " WHERE entity_id = 'country:US'").fetchall()}
        orphans = con.execute("SELECT count(*) FROM statement_mentions m WHERE NOT EXISTS"
                              " (SELECT 1 FROM statements s WHERE s.statement_id = m.statement_id)").fetchone()[0]
    assert written and written <= dprk
    assert {"US", "U.S."} & surfaces and orphans == 0
