"""A run that failed looks failed: each source's outcome (ok, partial, failed) is recorded, a
failed source fails the run (Prefect's Failed state naming it, `podium nightly` exit 1, the
report), nothing is dropped without a crawl error, and one failed night never leaves a source
stuck: the next run crawls it as if nothing had happened."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from conftest import content_counts, copy_snapshot_to, snapshot_rows
from faults import FaultSite, Answer, page, redirect, serving
from flows.adhoc import adhoc_crawl
from flows.crawl import CrawlRequest, run_crawl
from flows.nightly import nightly
from flows.runs import SourcesFailed
from storage.db import open_archive

SMALL = {"t1558711", "t1593756", "t1594148", "t1752564", "t1794629"}
LISTING = next(r["url"] for r in snapshot_rows("fmprc_en") if r["file"] == "list/default.shtml")
DETAIL = next(r["url"] for r in snapshot_rows("fmprc_en") if r["file"] == "detail/t1794629.shtml")


def dead_url() -> str:
    """The URL of a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def rows(archive, sql: str) -> list[tuple]:
    with open_archive(archive, read_only=True) as con:
        return con.execute(sql).fetchall()


def failing_site() -> FaultSite:
    """The fmprc_en listing answers 404 (not retried): the source gets nothing tonight."""
    site = FaultSite()
    site.add(LISTING, Answer(404, b"gone\n", "text/plain"))
    return site


def test_a_failed_listing_fails_the_run_naming_the_source(prefect_harness, tmp_path):
    archive = tmp_path / "a.duckdb"
    with serving(failing_site()) as server:
        state = nightly(sources=["fmprc_en"], replay=server.url, archive=str(archive), return_state=True)
    assert state.is_failed()
    assert state.message.startswith("1 of 1 sources failed: fmprc_en (its listing failed: " + LISTING)
    assert "HTTP 404" in state.message
    assert rows(archive, "SELECT status, reason FROM crawl_runs") == [("failed", state.message)]
    assert (rows(archive, "SELECT source_id, outcome, pages_fetched, errors FROM run_sources")
            == [("fmprc_en", "failed", 0, 1)])
    assert rows(archive, "SELECT url, stage, page_kind FROM crawl_errors") == [(LISTING, "fetch", "start")]


def test_calling_the_flow_raises_the_failure_with_the_summary(prefect_harness, tmp_path):
    from flows.report import run_markdown

    with serving(failing_site()) as server, pytest.raises(SourcesFailed) as failure:
        nightly(sources=["fmprc_en"], replay=server.url, archive=str(tmp_path / "a.duckdb"))
    summary = failure.value.result
    assert summary["run"]["status"] == "failed"
    assert [row[:2] for row in summary["per_source"]] == [("fmprc_en", "failed")]
    report = run_markdown(summary)
    assert report.splitlines()[0].startswith("# nightly run nightly-") and " FAILED: 1 of 1 sources failed" in report
    assert "| fmprc_en | **failed** | 0 | 0 | 0 | 1 | its listing failed:" in report


def test_some_pages_failing_is_partial_and_the_run_completes(prefect_harness, tmp_path):
    snapshot = copy_snapshot_to(tmp_path / "snap", "fmprc_en", SMALL)
    missing = next(r["url"] for r in snapshot_rows("fmprc_en") if r["file"] == "detail/t1593756.shtml")
    (snapshot / "fmprc_en" / "detail" / "t1593756.shtml").unlink()  # listed and indexed, but answers 404
    summary = nightly(sources=["fmprc_en"], replay=str(snapshot), archive=str(tmp_path / "a.duckdb"))
    assert summary["run"]["status"] == "completed"
    (source, outcome, _, documents, _, errors, why), = summary["per_source"]
    assert (source, outcome, documents, errors) == ("fmprc_en", "partial", len(SMALL) - 1, 1)
    assert why == "1 of its pages failed" and [e[1] for e in summary["errors"]] == [missing]


def test_an_unreachable_replay_server_is_a_failed_source_not_silence(prefect_harness, tmp_path):
    archive, dead = tmp_path / "a.duckdb", dead_url()
    with pytest.raises(SourcesFailed, match="fmprc_en .its listing failed"):
        nightly(sources=["fmprc_en"], replay=dead, archive=str(archive))
    (url, error), = rows(archive, "SELECT url, error FROM crawl_errors")
    assert url == dead + "/__replay__/index.json"
    assert error.startswith("the replay server's index could not be read: the server refused the connection")


def test_a_redirect_to_another_host_is_recorded(prefect_harness, tmp_path):
    site = FaultSite()
    site.add(DETAIL, redirect("https://www.example.com/elsewhere"))
    with serving(site) as server, pytest.raises(SourcesFailed, match="fetched nothing and recorded 1 error\\)"):
        adhoc_crawl(urls=[DETAIL], replay=server.url, archive=str(tmp_path / "a.duckdb"))
    assert rows(tmp_path / "a.duckdb", "SELECT stage, url, error FROM crawl_errors") == [
        ("fetch", DETAIL, "www.example.com is outside the source's allowed_domains (config/sources.yaml)")]


def test_an_offsite_url_given_to_a_spider_is_recorded(tmp_path):
    """Past the command's own check (a spider given a URL file directly), the offsite filter
    still leaves a crawl error instead of dropping the request."""
    site, offsite = FaultSite(), "https://www.example.com/news/1"
    site.add(offsite, page(b"<html><body><p>elsewhere</p></body></html>"))  # recorded, so only the filter stops it
    with serving(site) as server:
        result = run_crawl(CrawlRequest("fmprc_en", tmp_path, replay_base=server.url, urls=[offsite]))
    assert site.hits_of(offsite) == []
    staged = result.staging.read_text()
    assert '"type": "error"' in staged and "www.example.com is outside the source's allowed_domains" in staged
    assert result.stats.get("podium/errors") == 1


def test_one_failed_night_leaves_no_source_stuck(prefect_harness, tmp_path):
    """A nightly where every host fails, then a replay nightly, archives what a replay nightly
    into a fresh archive does: the failed listing is retried as a listing, not as a detail page
    that shadows tonight's listing request."""
    snapshot = copy_snapshot_to(tmp_path / "snap", "fmprc_en", SMALL)
    failed_first, fresh = tmp_path / "failed-first.duckdb", tmp_path / "fresh.duckdb"
    with serving(failing_site()) as server, pytest.raises(SourcesFailed):
        nightly(sources=["fmprc_en"], replay=server.url, archive=str(failed_first))
    after_failure = nightly(sources=["fmprc_en"], replay=str(snapshot), archive=str(failed_first))
    first_time = nightly(sources=["fmprc_en"], replay=str(snapshot), archive=str(fresh))
    documents = "SELECT url, title, published_at, text_hash FROM documents ORDER BY url"
    assert rows(failed_first, documents) == rows(fresh, documents) and len(rows(fresh, documents)) == len(SMALL)
    statements = "SELECT statement_id, speaker_id, text FROM statements ORDER BY 1"
    assert rows(failed_first, statements) == rows(fresh, statements)
    assert (after_failure["per_source"][0][1:3] == first_time["per_source"][0][1:3]
            == ("ok", first_time["run"]["pages_fetched"]))
    counts = content_counts(failed_first)
    assert counts["crawl_errors"] == 1 and {**counts, "crawl_errors": 0} == content_counts(fresh)


def test_the_command_exits_1_and_names_the_failed_source(tmp_path):
    env_archive = str(tmp_path / "a.duckdb")
    result = subprocess.run([sys.executable, "-m", "podium.cli", "nightly", "-s", "fmprc_en", "--replay", dead_url(),
                             "--archive", env_archive], capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert error_lines == [line for line in error_lines
                           if "1 of 1 sources failed: fmprc_en (its listing failed" in line]
    assert len(error_lines) == 1 and "Traceback" not in result.stderr
    assert "FAILED" in result.stdout and "failed" in result.stdout  # the summary, then the error


def test_a_listing_whose_layout_changed_fails_its_source_the_first_night(prefect_harness, tmp_path):
    site = FaultSite()
    site.add(LISTING, page(b"<html><body><div class='new-design'><p>Press conferences</p></div></body></html>"))
    with serving(site) as server, pytest.raises(SourcesFailed, match=r"fmprc_en \(its listing's layout changed: "):
        nightly(sources=["fmprc_en"], replay=server.url, archive=str(tmp_path / "a.duckdb"))
    (url, stage, error), = rows(tmp_path / "a.duckdb", "SELECT url, stage, error FROM crawl_errors")
    assert (url, stage) == (LISTING, "layout_changed")
    assert error.startswith("layout changed: ") and "selector" in error


def test_a_synthetic_site_is_never_crawled_live(prefect_harness, tmp_path):
    from podium.settings import ConfigError

    with pytest.raises(ConfigError, match="example_mfa: synthetic sites, crawled only from a recording"):
        adhoc_crawl(sources=["example_mfa"], archive=str(tmp_path / "a.duckdb"))
    from flows.nightly import enabled_sources

    live, replayed = enabled_sources(), enabled_sources(replaying=True)
    assert {"example_mfa", "news_feeds", "news_sitemap"} <= set(replayed) - set(live)
    assert not (tmp_path / "a.duckdb").exists()


def test_a_new_page_layout_fails_the_source_but_old_pages_failing_again_do_not(prefect_harness, tmp_path):
    """Every new detail page without its body (a redesign of the pages): failed, the first night.
    The same pages failing again on a later, quiet night are not news: partial."""
    snapshot = copy_snapshot_to(tmp_path / "snap", "fmprc_en", SMALL)
    for stem in SMALL:
        page_file = snapshot / "fmprc_en" / "detail" / f"{stem}.shtml"
        page_file.write_bytes(page_file.read_bytes().replace(b'<div class="content">', b'<div class="article-body">'))
    archive = tmp_path / "a.duckdb"
    with pytest.raises(SourcesFailed, match=r"none of its pages made a document \(5 failed, 5 with a changed layout\)"):
        nightly(sources=["fmprc_en"], replay=str(snapshot), archive=str(archive))
    assert rows(archive, "SELECT DISTINCT stage FROM crawl_errors") == [("layout_changed",)]
    again = nightly(sources=["fmprc_en"], replay=str(snapshot), archive=str(archive))
    assert again["per_source"][0][1] == "partial" and again["run"]["status"] == "completed"
