"""Property: the same input twice gives the identical archive (pages, documents, statements),
whatever the order and however often a page repeats in it."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from flows.extraction import extract_and_save
from storage.db import open_archive
from storage.documents import pending_page_ids
from storage.load import load_records
from conftest import page_record

PAGES = ["t1558711", "t1593756", "t1752564", "t1794629"]
RECORDS = {stem: page_record(stem) for stem in PAGES}


def archive_state(con) -> tuple:
    statements = con.execute("SELECT statement_id, speaker_id, kind, text, question, statement_date"
                             " FROM statements ORDER BY statement_id").fetchall()
    pages = con.execute("SELECT page_id, revision FROM pages ORDER BY page_id").fetchall()
    documents = con.execute("SELECT doc_id, page_id, text_hash FROM documents ORDER BY doc_id").fetchall()
    return pages, documents, statements


def load_and_extract(con, stems: list[str], run_id: str, staging: Path) -> None:
    load_records(con, [RECORDS[stem] for stem in stems], run_id)
    extract_and_save(con, run_id, pending_page_ids(con, ["fmprc_en"]), staging)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stems=st.lists(st.sampled_from(PAGES), min_size=1, max_size=7), data=st.data())
def test_the_same_input_twice_gives_the_identical_archive(tmp_path_factory, stems, data):
    again = data.draw(st.permutations(stems))
    once, twice = tmp_path_factory.mktemp("once"), tmp_path_factory.mktemp("twice")
    with open_archive(once / "a.duckdb") as con:
        load_and_extract(con, sorted(set(stems)), "clean", once / "staging")
        clean = archive_state(con)
    with open_archive(twice / "a.duckdb") as con:
        load_and_extract(con, stems, "first", twice / "staging")
        first = archive_state(con)
        load_and_extract(con, list(again), "second", twice / "staging")
        second = archive_state(con)
    assert first == second == clean
    assert len(first[0]) == len(set(stems)) and all(revision == 1 for _, revision in first[0])
