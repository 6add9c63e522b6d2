"""The archive file: migrations, idempotent loading, revisions, and what a broken staging file does."""
from __future__ import annotations

import base64
import json

import duckdb
import pytest

import storage.db as db
from conftest import page_record
from storage.load import load_records, load_staging, staged_records, write_staging


def test_migrations_are_applied_once_and_recorded(tmp_path):
    path = tmp_path / "a.duckdb"
    with db.open_archive(path) as con:
        recorded = con.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall()
    with db.open_archive(path) as con:
        assert db.migrate(con) == []
    assert recorded == [(m.version, m.name) for m in db.migrations()]
    with db.open_archive(path) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"sources", "crawl_runs", "pages", "documents", "statements", "speakers", "speaker_aliases",
            "crawl_errors", "statement_links", "v_statements", "v_daily_counts"} <= tables


def storage_version(con) -> str:
    return con.execute("SELECT tags['storage_version'] FROM duckdb_databases() WHERE NOT internal").fetchone()[0]


def test_a_new_archive_is_written_in_the_pinned_storage_format_and_an_older_file_keeps_its_own(tmp_path):
    with db.open_archive(tmp_path / "new.duckdb") as con:
        assert storage_version(con) == "v1.5.0+"  # the format the README promises
    older = tmp_path / "older.duckdb"
    duckdb.connect(str(older)).close()  # DuckDB's default format for a new file
    with db.open_archive(older) as con:  # migrated and written, not converted
        con.execute("INSERT INTO sources (source_id, name) VALUES ('s', 'S')")
    with db.open_archive(older, read_only=True) as con:
        assert storage_version(con) == "v1.0.0+"
        assert con.execute("SELECT name FROM sources").fetchall() == [("S",)]


def test_an_edited_applied_migration_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "a.duckdb"
    db.connect(path).close()
    edited = [db.Migration(m.version, m.name, m.sql + "\n-- edited") for m in db.migrations()]
    monkeypatch.setattr(db, "migrations", lambda: edited)
    with pytest.raises(db.ArchiveError, match="changed after it was applied"):
        db.connect(path)


def test_a_failing_migration_leaves_no_trace(tmp_path, monkeypatch):
    path = tmp_path / "a.duckdb"
    broken = [*db.migrations(), db.Migration(999, "999_broken.sql", "CREATE TABLE half (x INT); SELECT nope;")]
    monkeypatch.setattr(db, "migrations", lambda: broken)
    with pytest.raises(duckdb.BinderException):
        db.connect(path)
    monkeypatch.undo()
    with db.open_archive(path) as con:
        assert con.execute("SELECT count(*) FROM schema_migrations WHERE version = 999").fetchone()[0] == 0
        assert not con.execute("SELECT * FROM information_schema.tables WHERE table_name = 'half'").fetchall()


def test_loading_the_same_pages_twice_is_a_no_op(tmp_path):
    records = [page_record("t1558711"), page_record("t1794629")]
    with db.open_archive(tmp_path / "a.duckdb") as con:
        first = load_records(con, records, "run-1").counts
        second = load_records(con, records, "run-2").counts
        pages = con.execute("SELECT count(*) FROM pages").fetchone()[0]
    assert (first["new"], second["unchanged"], second["new"], pages) == (2, 2, 0, 2)


def test_changed_content_is_the_next_revision_and_the_old_one_is_kept(tmp_path):
    original = page_record("t1558711")
    changed = page_record("t1558711", base64.b64decode(original["body_b64"]) + b"<!-- changed -->")
    with db.open_archive(tmp_path / "a.duckdb") as con:
        load_records(con, [original], "run-1")
        outcome = load_records(con, [changed], "run-2").counts
        rows = con.execute("SELECT revision, run_id FROM pages ORDER BY revision").fetchall()
    assert outcome["revised"] == 1 and rows == [(1, "run-1"), (2, "run-2")]


def test_a_truncated_staging_line_is_recorded_not_loaded(tmp_path):
    staging = write_staging(tmp_path / "s.jsonl", [page_record("t1558711")])
    with open(staging, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(page_record("t1794629"))[:500])  # a crash mid-write
    bad: list[str] = []
    assert len(list(staged_records(staging, bad))) == 1 and len(bad) == 1
    with db.open_archive(tmp_path / "a.duckdb") as con:
        result = load_staging(con, staging, "run-1", "fmprc_en")
        errors = con.execute("SELECT stage, error FROM crawl_errors").fetchall()
    assert result.counts["new"] == 1 and result.counts["bad_lines"] == 1
    assert errors[0][0] == "load" and "s.jsonl:2" in errors[0][1]


def test_a_failed_load_leaves_nothing_behind(tmp_path):
    records = [page_record("t1558711"), {"type": "page", "source_id": "fmprc_en", "url": "https://x.org/a"}]
    with db.open_archive(tmp_path / "a.duckdb") as con:
        with pytest.raises(KeyError):
            load_records(con, records, "run-1")  # the second record has no body
        assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == 0


def test_a_page_the_extractor_chokes_on_becomes_its_failure(monkeypatch):
    """An unexpected exception in a reader (here a RecursionError) is that page's failure, with
    the exception named; the extraction child goes on with the next page."""
    import podium.page_workers as page_workers
    from podium.extract import StoredPage
    from podium.settings import settings
    from podium.speakers import registry

    records = [page_record("t1558711"), page_record("t1794629")]
    pages = [StoredPage(f"p{n}", "fmprc_en", r["url"], base64.b64decode(r["body_b64"]), "text/html")
             for n, r in enumerate(records)]
    real_extract = page_workers.extract

    def choking(page, source, registry):
        if page.url == records[0]["url"]:
            raise RecursionError("maximum recursion depth exceeded")
        return real_extract(page, source, registry)

    monkeypatch.setattr(page_workers, "extract", choking)
    sources = {s.key: s for s in settings().sources}
    choked, fine = (page_workers.extract_page(page, sources, registry()) for page in pages)
    assert choked.extraction is None and fine.failure is None and fine.extraction.statements
    assert (choked.failure["url"], choked.failure["stage"], choked.failure["error"]) == (
        records[0]["url"], "extract", "extractor failed: RecursionError('maximum recursion depth exceeded')")


def test_a_page_over_the_time_budget_is_stopped_recorded_and_skipped(tmp_path, monkeypatch):
    """A real transcript page with its body repeated 800 times takes far longer to extract than a
    2 s budget: its extraction process is killed at the budget and the page recorded; the other
    page is saved."""
    import dataclasses
    import time

    import flows.extraction as extraction
    from storage.documents import pending_page_ids

    original = base64.b64decode(page_record("t1558711")["body_b64"])
    head, rest = original.split(b'<div class="content">', 1)
    body, tail = rest.split(b"</div>", 1)
    huge = head + b'<div class="content">' + body * 800 + b"</div>" + tail
    records = [page_record("t1794629"), page_record("t1558711", huge)]
    quick = dataclasses.replace(extraction.settings(), extract_seconds_per_page=2.0)
    monkeypatch.setattr(extraction, "settings", lambda: quick)
    with db.open_archive(tmp_path / "a.duckdb") as con:
        load_records(con, records, "run-1")
        started = time.monotonic()
        counts = extraction.extract_and_save(con, "run-1", pending_page_ids(con, ["fmprc_en"]), tmp_path / "staging")
        took = time.monotonic() - started
        errors = con.execute("SELECT url, stage, error FROM crawl_errors").fetchall()
    assert (counts["documents"], counts["errors"]) == (1, 1)
    assert errors == [(records[1]["url"], "extract", "over the time budget of 2 s")]
    assert took < 10  # stopped at the budget, not waited out


def test_a_failed_extraction_is_tried_three_times_then_waits_for_a_new_revision(tmp_path):
    """A page whose bytes the extractor refuses (a PDF served as a page) is not re-extracted, and
    not re-recorded, on every run forever: three tries, then only a changed page is tried."""
    from flows.extraction import extract_and_save
    from storage.documents import MAX_EXTRACT_ATTEMPTS, pages_to_retry, pending_page_ids

    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    with db.open_archive(tmp_path / "a.duckdb") as con:
        load_records(con, [page_record("t1558711", pdf)], "run-0")
        tried = []
        for run in range(1, 6):
            pending = pending_page_ids(con, ["fmprc_en"])
            tried.append(len(pending))
            extract_and_save(con, f"run-{run}", pending, tmp_path / "staging")
        errors = con.execute("SELECT count(*) FROM crawl_errors WHERE stage = 'extract'").fetchone()[0]
        assert tried == [1, 1, 1, 0, 0] and errors == MAX_EXTRACT_ATTEMPTS == 3
        assert pages_to_retry(con, "fmprc_en") == []  # and it is not fetched again for the same bytes
        load_records(con, [page_record("t1558711")], "run-6")  # the page as it should be: a new revision
        assert len(pending_page_ids(con, ["fmprc_en"])) == 1
        assert extract_and_save(con, "run-6", pending_page_ids(con, ["fmprc_en"]),
                                tmp_path / "staging")["documents"] == 1


def test_a_staging_file_loads_a_batch_at_a_time_in_one_transaction(tmp_path, monkeypatch):
    """Batches of one record each: a page changed between two records of the same file becomes
    revisions 1 and 2, and a bad record in a later batch leaves nothing of the earlier ones."""
    import storage.load as load

    monkeypatch.setattr(load, "BATCH_BYTES", 1)
    first, changed = page_record("t1558711"), page_record("t1558711", b"<html><body>changed</body></html>")
    staging = write_staging(tmp_path / "s.jsonl", [first, changed, page_record("t1794629")])
    with db.open_archive(tmp_path / "a.duckdb") as con:
        assert dict(load_staging(con, staging, "run-1", "fmprc_en").counts) == {"new": 2, "revised": 1}
        assert con.execute("SELECT revision FROM pages WHERE url = ? ORDER BY revision",
                           [first["url"]]).fetchall() == [(1,), (2,)]
        broken = write_staging(tmp_path / "b.jsonl", [page_record("t1593756"), {"type": "page", "url": "x"}])
        with pytest.raises(KeyError):
            load_staging(con, broken, "run-2", "fmprc_en")
        assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == 3
