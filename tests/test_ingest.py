"""`podium ingest`: saved pages (HTML or .gz) through the same load → extract path as crawls."""
from __future__ import annotations

import gzip
import shutil

from typer.testing import CliRunner

from conftest import SNAPSHOTS, expected_page
from podium.cli import app
from storage.db import open_archive

PAGE = expected_page("fmprc_en", "t1794629")
BASE = PAGE["url"].rsplit("/", 1)[0]


def run(*args: str):
    return CliRunner().invoke(app, ["ingest", *args])


def statements_of(archive, url: str) -> list[tuple]:
    with open_archive(archive, read_only=True) as con:
        return con.execute("SELECT s.kind, s.speaker_id, d.published_at FROM statements s"
                           " JOIN documents d USING (doc_id) WHERE d.url = ?", [url]).fetchall()


def test_gzipped_page_with_base_url(prefect_harness, tmp_path):
    saved = tmp_path / "t1794629.shtml.gz"
    saved.write_bytes(gzip.compress((SNAPSHOTS / "fmprc_en" / PAGE["file"]).read_bytes()))
    archive = tmp_path / "a.duckdb"
    result = run(str(saved), "--source", "fmprc_en", "--base-url", BASE, "--archive", str(archive))
    assert result.exit_code == 0, result.output
    rows = statements_of(archive, PAGE["url"])
    assert len(rows) == PAGE["answer_turns"]
    assert {r[1] for r in rows} == {"zhao_lijian"} and {str(r[2]) for r in rows} == {PAGE["date"]}


def test_url_from_the_canonical_link(prefect_harness, tmp_path):
    body = (SNAPSHOTS / "fmprc_en" / PAGE["file"]).read_bytes()
    saved = tmp_path / "saved-by-hand.html"
    saved.write_bytes(body.replace(b"</head>", f'<link rel="canonical" href="{PAGE["url"]}"/></head>'.encode(), 1))
    archive = tmp_path / "a.duckdb"
    result = run(str(saved), "--source", "fmprc_en", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    assert len(statements_of(archive, PAGE["url"])) == PAGE["answer_turns"]


def test_changed_page_becomes_a_new_revision(prefect_harness, tmp_path):
    original = SNAPSHOTS / "fmprc_en" / PAGE["file"]
    archive, saved = tmp_path / "a.duckdb", tmp_path / "page.shtml"
    shutil.copyfile(original, saved)
    for _ in range(2):  # the same bytes twice: one page, one revision
        assert run(str(saved), "-s", "fmprc_en", "--url", PAGE["url"], "--archive", str(archive)).exit_code == 0
    end_of_body = b'</div>\n\t\t\t\t<div class="tool"'
    addition = b"<P><SPAN>Zhao Lijian: A correction was added to this transcript.</SPAN></P>"
    saved.write_bytes(original.read_bytes().replace(end_of_body, addition + end_of_body, 1))
    assert run(str(saved), "-s", "fmprc_en", "--url", PAGE["url"], "--archive", str(archive)).exit_code == 0
    with open_archive(archive, read_only=True) as con:
        revisions = con.execute("SELECT revision FROM pages WHERE url = ? ORDER BY 1", [PAGE["url"]]).fetchall()
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        texts = [r[0] for r in con.execute("SELECT text FROM statements ORDER BY seq").fetchall()]
    assert revisions == [(1,), (2,)]
    assert documents == 1
    assert len(texts) == PAGE["answer_turns"] + 1 and texts[-1] == "A correction was added to this transcript."


def test_a_page_without_a_url_is_refused_clearly(prefect_harness, tmp_path):
    saved = tmp_path / "t1794629.shtml"
    shutil.copyfile(SNAPSHOTS / "fmprc_en" / PAGE["file"], saved)
    result = run(str(saved), "--source", "fmprc_en", "--archive", str(tmp_path / "a.duckdb"))
    assert result.exit_code == 1
    assert "pass --url or --base-url" in result.output
    assert not (tmp_path / "a.duckdb").exists()


def test_unknown_source_is_refused_clearly(prefect_harness, tmp_path):
    saved = tmp_path / "x.html"
    saved.write_text("<html></html>")
    result = run(str(saved), "--source", "nosuch", "--url", "https://example.org/x", "--archive", str(tmp_path / "a.duckdb"))
    assert result.exit_code == 1 and "unknown source 'nosuch'" in result.output
