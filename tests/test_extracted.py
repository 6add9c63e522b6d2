"""Saving extractions (storage/extracted.py): staged as Parquet, loaded in one transaction, replacing
what was archived for the same documents, and nothing lost when a load fails."""
from __future__ import annotations

import base64
import dataclasses

import duckdb
import pytest

import flows.extraction as extraction
from conftest import page_record
from podium.extract import StoredPage, extract
from podium.settings import settings
from podium.speakers import registry
from storage.db import open_archive
from storage.documents import pending_page_ids
from storage.extracted import ExtractionStage, arrow_schemas, empty_folder
from storage.load import load_records


def extraction_of(stem: str):
    record = page_record(stem)
    page = StoredPage(f"page-{stem}", record["source_id"], record["url"], base64.b64decode(record["body_b64"]))
    return extract(page, settings().source(record["source_id"]), registry())


def save_extractions(con, extractions, folder) -> None:
    """Stage these extractions and load them at once."""
    with empty_folder(folder):
        stage = ExtractionStage(folder, arrow_schemas(con))
        stage.add(extractions)
        stage.load(con)


def counts(con) -> tuple[int, int, int]:
    return tuple(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                 for table in ("documents", "statements", "statement_mentions"))


def test_a_stage_is_loaded_whole_in_one_load_and_then_emptied(tmp_path):
    first, second = extraction_of("t1558711"), extraction_of("t1794629")
    with open_archive(tmp_path / "a.duckdb") as con:
        stage = ExtractionStage(tmp_path / "stage", arrow_schemas(con))
        stage.add([first])
        stage.add([second])
        assert counts(con) == (0, 0, 0)  # staged, not yet in the archive
        loaded = stage.load(con)
        stored = counts(con)
    statements = len(first.statements) + len(second.statements)
    assert loaded == statements > 0
    assert stored == (2, statements, len(first.mentions) + len(second.mentions))
    assert not list(stage.folder.iterdir()) and stage.batches == 0


def test_saving_a_document_again_replaces_its_statements_mentions_and_links(tmp_path):
    original = extraction_of("t1558711")
    shorter = dataclasses.replace(original, statements=original.statements[:-1])
    kept = {s.statement_id for s in shorter.statements}
    shorter.mentions = [m for m in original.mentions if m[0] in kept]
    dropped = original.statements[-1].statement_id
    with open_archive(tmp_path / "a.duckdb") as con:
        save_extractions(con, [original], tmp_path / "one")
        con.execute("INSERT INTO statement_links (statement_id, source_statement_id, score) VALUES (?, ?, 0.9)",
                        ["some-quote", dropped])
        save_extractions(con, [shorter], tmp_path / "two")
        stored = counts(con)
        ids = {row[0] for row in con.execute("SELECT statement_id FROM statements").fetchall()}
        orphans = con.execute("SELECT count(*) FROM statement_mentions m WHERE NOT EXISTS"
                              " (SELECT 1 FROM statements s WHERE s.statement_id = m.statement_id)").fetchone()[0]
        links = con.execute("SELECT count(*) FROM statement_links").fetchone()[0]
    assert stored == (1, len(original.statements) - 1, len(shorter.mentions))
    assert ids == kept and orphans == 0 and links == 0


def test_a_column_empty_throughout_a_batch_keeps_the_archive_type(tmp_path):
    # Staged without the archive's types, the empty batch's columns would be Parquet's null type,
    # and the load of both batches would fail to read them as one column.
    empty, answered = extraction_of("t1558711"), extraction_of("t1794629")
    for statement in empty.statements:
        statement.question = statement.questioner = statement.statement_date = None
    with open_archive(tmp_path / "a.duckdb") as con:
        stage = ExtractionStage(tmp_path / "stage", arrow_schemas(con))
        stage.add([empty])
        stage.add([answered])
        stage.load(con)
        stored = dict(con.execute("SELECT doc_id, count(question) + count(statement_date) FROM statements"
                                  " GROUP BY doc_id").fetchall())
    assert stored[empty.document.doc_id] == 0
    assert stored[answered.document.doc_id] == (sum(s.question is not None for s in answered.statements)
                                                + sum(s.statement_date is not None for s in answered.statements)) > 0


def test_a_failed_load_changes_nothing_and_keeps_the_staged_files(tmp_path):
    archived, duplicate = extraction_of("t1794629"), extraction_of("t1558711")
    twice = dataclasses.replace(duplicate, statements=duplicate.statements + duplicate.statements[:1])
    with open_archive(tmp_path / "a.duckdb") as con:
        save_extractions(con, [archived], tmp_path / "first")
        before = counts(con)
        stage = ExtractionStage(tmp_path / "stage", arrow_schemas(con))
        stage.add([twice])  # one statement id twice: the primary key refuses the whole load
        with pytest.raises(duckdb.ConstraintException):
            stage.load(con)
        after = counts(con)
    assert after == before
    assert len(list(stage.folder.glob("*.parquet"))) == 3 and stage.batches == 1


def test_a_document_extracted_twice_in_one_run_keeps_the_later_extraction(tmp_path, monkeypatch):
    original = page_record("t1558711")
    changed = page_record("t1558711", base64.b64decode(original["body_b64"]).replace(
        b"</body>", b"<p>A revised page.</p></body>"))
    one_page_batches = dataclasses.replace(settings(), extract_batch=1)
    monkeypatch.setattr(extraction, "settings", lambda: one_page_batches)
    with open_archive(tmp_path / "a.duckdb") as con:
        load_records(con, [original], "run-1")
        first = pending_page_ids(con, ["fmprc_en"])
        load_records(con, [changed], "run-2")
        second = pending_page_ids(con, ["fmprc_en"])
        extraction.extract_and_save(con, "run-2", first + second, tmp_path / "stage")
        page_ids = con.execute("SELECT page_id FROM documents").fetchall()
    assert first != second and page_ids == [(second[0],)]
    assert not (tmp_path / "stage").exists()
