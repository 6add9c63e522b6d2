"""The White House press briefings: Markdown transcripts with front matter (snapshots/whitehouse_briefings,
a sample of the CC0 archive), read by podium/whitehouse.py and imported by `podium import-transcripts`.
Expected values (tests/fixtures/whitehouse_briefings) were written by reading the transcripts."""
from __future__ import annotations

import datetime as dt
import gzip
import subprocess
import sys

import pytest

from conftest import ROOT, SNAPSHOTS, snapshot_rows
from expected import expected_pages
from podium.extract import ExtractionError, StoredPage, extract
from podium.settings import settings
from podium.speakers import registry
from podium.whitehouse import label_speaker
from storage.db import open_archive
from transcript_expectations import misplaced_statements

SOURCE = "whitehouse_briefings"
EXPECTED = expected_pages(SOURCE)


def page_of(relative: str, url: str = "https://bidenwhitehouse.archives.gov/x/") -> StoredPage:
    body = gzip.decompress((SNAPSHOTS / SOURCE / relative).read_bytes())
    return StoredPage("p", SOURCE, url, body, "text/markdown; charset=utf-8", None)


# Each transcript's title, date, turns, speakers, questions and openings against what a reader
# counted (the questions: paragraphs that open with `Q`): tests/test_sources.py.

def test_every_transcript_is_expected_with_its_date_from_the_front_matter():
    assert {e.date_basis for e in EXPECTED} == {"front_matter"}
    assert all(e.title and e.date and e.transcript for e in EXPECTED)


def test_every_fixture_and_quoted_transcript_is_in_the_snapshot_index():
    listed = {row["file"] for row in snapshot_rows(SOURCE)}
    assert {e.file for e in EXPECTED} <= listed
    assert all((SNAPSHOTS / SOURCE / name).is_file() for name in listed)


def test_answers_resolve_to_the_registered_briefer_in_the_role_held_that_day():
    (row,) = [r for r in snapshot_rows(SOURCE) if r["date"] == "2022-03-22"]
    extraction = extract(page_of(row["file"], row["url"]), settings().source(SOURCE), registry())
    sullivan = [s for s in extraction.statements if s.speaker_id == "jake_sullivan"]
    assert sullivan and {s.role for s in sullivan} == {"National Security Advisor"}
    assert {s.institution for s in sullivan} == {"The White House"}


def test_the_president_label_names_the_president_of_that_day_only():
    assert label_speaker("THE PRESIDENT", dt.date(2022, 6, 1), registry()).speaker_id == "joe_biden"
    assert label_speaker("THE PRESIDENT", dt.date(2026, 6, 1), registry()) is None
    # a person's own label stays theirs after they left office
    assert label_speaker("MS. PSAKI", dt.date(2023, 1, 5), registry()).speaker_id == "jen_psaki"


@pytest.mark.parametrize("markdown, turns", [
    # a label right under a line of text, with no blank line: a turn of its own
    ("---\ntitle: T\ndate: '2023-01-02'\n---\nMS. PSAKI:  Hi.\nQ    Why?\nMS. PSAKI:  Because.\n", 2),
    # stage notes, END and the time line are no one's words; struck-out words are dropped
    ("---\ntitle: T\n---\nMR. KIRBY:  It was 1.5 <s>trillion</s> \\[million\\].\n\n(Laughter.)\n\nEND\n\n"
     "5:13 P.M. EDT\n", 1),
])
def test_markup_of_the_archive_is_read_as_plain_turns(markdown, turns):
    page = StoredPage("p", SOURCE, "https://bidenwhitehouse.archives.gov/y/", markdown.encode(), "text/markdown")
    extraction = extract(page, settings().source(SOURCE), registry())
    assert len(extraction.statements) == turns
    assert "<s>" not in extraction.document.text and "\\[" not in extraction.document.text
    assert extraction.statements[-1].text in ("Because.", "It was 1.5 [million].")
    assert "END" not in extraction.statements[-1].text and "Laughter" not in extraction.statements[-1].text


def test_prose_that_looks_like_a_label_stays_in_its_turn():
    markdown = ("---\ntitle: T\ndate: 2022-06-01 16:09:00-04:00\n---\nMS. PSAKI:  The President will hold a\n"
                "Q and A with the governors.\n\nNATO: that is what the allies said.\n\nQ    Why?\n\nMS. PSAKI:\n\n"
                "Because.\n")
    page = StoredPage("p", SOURCE, "https://bidenwhitehouse.archives.gov/q/", markdown.encode(), "text/markdown")
    extraction = extract(page, settings().source(SOURCE), registry())
    opening, answer = extraction.statements
    assert opening.text == ("The President will hold a Q and A with the governors.\n\n"
                            "NATO: that is what the allies said.")
    assert (answer.question, answer.text) == ("Why?", "Because.")  # a label alone: the turn starts below it
    assert misplaced_statements(extraction) == []
    assert str(extraction.document.published_at) == "2022-06-01"  # YAML reads that date as a datetime


@pytest.mark.parametrize("body, message", [
    (b"<html><body><p>MS. PSAKI: Hi.</p></body></html>", "an HTML page"),
    (b"---\ntitle: T\n---\nNo one is named here.\n", "no speaker turns"),
])
def test_a_page_that_is_no_text_transcript_is_refused_with_its_reason(body, message):
    page = StoredPage("p", SOURCE, "https://bidenwhitehouse.archives.gov/z/", body, "text/markdown")
    with pytest.raises(ExtractionError, match=message):
        extract(page, settings().source(SOURCE), registry())


def _podium(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "podium.cli", *args], capture_output=True, text=True, cwd=cwd)


def archived(archive) -> tuple[dict, list[tuple]]:
    with open_archive(archive, read_only=True) as con:
        documents = dict(con.execute("SELECT url, date_basis FROM documents WHERE source_id = ?", [SOURCE]).fetchall())
        errors = con.execute("SELECT stage, url, error FROM crawl_errors WHERE source_id = ?", [SOURCE]).fetchall()
    return documents, errors


def test_import_transcripts_reads_front_matter_and_records_a_file_without_url(tmp_path):
    folder, row = tmp_path / "archive", snapshot_rows(SOURCE)[0]
    (folder / "2021").mkdir(parents=True)
    (folder / "2021" / "one.md.gz").write_bytes((SNAPSHOTS / SOURCE / row["file"]).read_bytes())
    (folder / "no-url.md").write_text("MS. PSAKI:  Hello.\n", encoding="utf-8")
    (folder / "README.md").write_text("# What this archive is\n", encoding="utf-8")  # documentation, no transcript
    done = _podium("import-transcripts", str(folder), "--source", SOURCE, "--archive", str(tmp_path / "a.duckdb"))
    assert done.returncode == 0, done.stderr + done.stdout
    documents, errors = archived(tmp_path / "a.duckdb")
    assert documents == {row["url"]: "front_matter"}
    assert [(stage, url) for stage, url, _ in errors] == [("import", "file:no-url.md")]
    assert "no-url.md: no URL" in errors[0][2]


def test_import_transcripts_takes_url_and_date_from_the_index_and_records_a_listed_file_that_is_missing(tmp_path):
    folder, (first, second) = tmp_path / "archive", snapshot_rows(SOURCE)[:2]
    folder.mkdir()
    body = gzip.decompress((SNAPSHOTS / SOURCE / first["file"]).read_bytes()).decode("utf-8")
    (folder / "plain.md").write_text(body.split("\n---\n", 1)[1], encoding="utf-8")  # no front matter
    (folder / "unlisted.md").write_text("MS. PSAKI:  Not in the index.\n", encoding="utf-8")
    (folder / "index.csv").write_text(
        "file,url,date\n"
        f"./plain.md.gz,{first['url']},{first['date']}\n"  # an index may name it gzipped or with ./
        f"sub\\gone.md,{second['url']},{second['date']}\n", encoding="utf-8")
    done = _podium("import-transcripts", str(folder), "--source", SOURCE, "--archive", str(tmp_path / "a.duckdb"))
    assert done.returncode == 0, done.stderr + done.stdout
    documents, errors = archived(tmp_path / "a.duckdb")
    assert documents == {first["url"]: "archive_index"}
    assert [(stage, url) for stage, url, _ in errors] == [("import", second["url"])]
    assert "sub/gone.md: listed in index.csv but not in" in errors[0][2]


def test_an_index_that_lists_none_of_the_files_is_refused_before_any_run(tmp_path):
    (tmp_path / "a.md").write_text("MS. PSAKI:  Hello.\n", encoding="utf-8")
    (tmp_path / "index.csv").write_text("file,url\nother.md,https://www.whitehouse.gov/x/\n", encoding="utf-8")
    done = _podium("import-transcripts", str(tmp_path), "-s", SOURCE, "--archive", str(tmp_path / "a.duckdb"))
    assert done.returncode == 2 and "lists none of the 1 transcript files" in done.stderr
    assert not (tmp_path / "a.duckdb").exists()


@pytest.mark.parametrize("args, message", [
    (["--source", "fmprc_en"], "reads fmprc_transcript pages, not text transcripts"),
    (["--source", "nosuch"], "unknown source 'nosuch'"),
])
def test_import_transcripts_refuses_a_source_that_reads_no_text_in_one_line(tmp_path, args, message):
    (tmp_path / "t.md").write_text("MS. PSAKI:  Hello.\n", encoding="utf-8")
    done = _podium("import-transcripts", str(tmp_path), *args, "--archive", str(tmp_path / "a.duckdb"))
    assert done.returncode == 2 and message in done.stderr
    assert not (tmp_path / "a.duckdb").exists()


def test_a_source_filled_by_import_is_never_crawled():
    done = _podium("nightly", "--source", SOURCE)
    assert done.returncode == 2 and "filled by `podium import-transcripts`" in done.stderr
    from flows.nightly import enabled_sources
    assert SOURCE not in enabled_sources(replaying=True)


def test_import_transcripts_runs_as_a_prefect_flow(prefect_harness, tmp_path):
    """With a Prefect API at hand (the test harness), the import is a flow run like any other."""
    from typer.testing import CliRunner

    from podium.cli import app

    expected = EXPECTED[0]
    folder = tmp_path / "archive"
    (folder / expected.file).parent.mkdir(parents=True)
    (folder / expected.file).write_bytes((SNAPSHOTS / SOURCE / expected.file).read_bytes())
    archive = tmp_path / "a.duckdb"
    result = CliRunner().invoke(app, ["import-transcripts", str(folder), "-s", SOURCE, "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    assert "import-transcripts run" in result.output
    with open_archive(archive, read_only=True) as con:
        (answers,) = con.execute("SELECT count(*) FROM statements s JOIN documents d USING (doc_id)"
                                 " WHERE d.url = ? AND s.kind = 'answer'", [expected.url]).fetchone()
    assert answers == expected.transcript.answer_turns
