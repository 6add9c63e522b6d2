"""`podium ingest`: saved pages (HTML or .gz) through the same load → extract path as crawls."""
from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SNAPSHOTS
from expected import expected_page
from podium.cli import app
from podium.ingest import IngestError, saved_page_records
from podium.settings import settings
from storage.db import open_archive

PAGE = expected_page("fmprc_en", "t1794629")
BASE = PAGE.url.rsplit("/", 1)[0]


def run(*args: str):
    return CliRunner().invoke(app, ["ingest", *args])


def statements_of(archive, url: str) -> list[tuple]:
    with open_archive(archive, read_only=True) as con:
        return con.execute("SELECT s.kind, s.speaker_id, d.published_at FROM statements s"
                           " JOIN documents d USING (doc_id) WHERE d.url = ?", [url]).fetchall()


def test_gzipped_page_with_base_url(prefect_harness, tmp_path):
    saved = tmp_path / "t1794629.shtml.gz"
    saved.write_bytes(gzip.compress((SNAPSHOTS / "fmprc_en" / PAGE.file).read_bytes()))
    archive = tmp_path / "a.duckdb"
    result = run(str(saved), "--source", "fmprc_en", "--base-url", BASE, "--archive", str(archive))
    assert result.exit_code == 0, result.output
    rows = statements_of(archive, PAGE.url)
    assert len(rows) == PAGE.transcript.answer_turns
    assert {r[1] for r in rows} == {"zhao_lijian"} and {str(r[2]) for r in rows} == {str(PAGE.date)}


def test_url_from_the_canonical_link(prefect_harness, tmp_path):
    body = (SNAPSHOTS / "fmprc_en" / PAGE.file).read_bytes()
    saved = tmp_path / "saved-by-hand.html"
    saved.write_bytes(body.replace(b"</head>", f'<link rel="canonical" href="{PAGE.url}"/></head>'.encode(), 1))
    archive = tmp_path / "a.duckdb"
    result = run(str(saved), "--source", "fmprc_en", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    assert len(statements_of(archive, PAGE.url)) == PAGE.transcript.answer_turns


def test_changed_page_becomes_a_new_revision(prefect_harness, tmp_path):
    original = SNAPSHOTS / "fmprc_en" / PAGE.file
    archive, saved = tmp_path / "a.duckdb", tmp_path / "page.shtml"
    shutil.copyfile(original, saved)
    for _ in range(2):  # the same bytes twice: one page, one revision
        assert run(str(saved), "-s", "fmprc_en", "--url", PAGE.url, "--archive", str(archive)).exit_code == 0
    end_of_body = b'</div>\n\t\t\t\t<div class="tool"'
    addition = b"<P><SPAN>Zhao Lijian: A correction was added to this transcript.</SPAN></P>"
    saved.write_bytes(original.read_bytes().replace(end_of_body, addition + end_of_body, 1))
    assert run(str(saved), "-s", "fmprc_en", "--url", PAGE.url, "--archive", str(archive)).exit_code == 0
    with open_archive(archive, read_only=True) as con:
        revisions = con.execute("SELECT revision FROM pages WHERE url = ? ORDER BY 1", [PAGE.url]).fetchall()
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        texts = [r[0] for r in con.execute("SELECT text FROM statements ORDER BY seq").fetchall()]
    assert revisions == [(1,), (2,)]
    assert documents == 1
    assert len(texts) == PAGE.transcript.answer_turns + 1 and texts[-1] == "A correction was added to this transcript."


def test_a_page_without_a_url_is_refused_clearly(prefect_harness, tmp_path):
    saved = tmp_path / "t1794629.shtml"
    shutil.copyfile(SNAPSHOTS / "fmprc_en" / PAGE.file, saved)
    result = run(str(saved), "--source", "fmprc_en", "--archive", str(tmp_path / "a.duckdb"))
    assert result.exit_code == 1
    assert "pass --url or --base-url" in result.output
    assert not (tmp_path / "a.duckdb").exists()


def test_unknown_source_is_refused_clearly(prefect_harness, tmp_path):
    saved = tmp_path / "x.html"
    saved.write_text("<html></html>")
    result = run(str(saved), "--source", "nosuch", "--url", "https://example.org/x",
                 "--archive", str(tmp_path / "a.duckdb"))
    assert result.exit_code == 2 and "unknown source 'nosuch'" in result.output  # a usage error


@functools.cache
def zeros_gzip(mib: int) -> bytes:
    """A gzip of `mib` MiB of zeros, compressed a MiB at a time: 1024 MiB is 4.6 MB, a gzip bomb."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    return b"".join([*(packer.compress(chunk) for _ in range(mib)), packer.flush()])


def podium(*args: str, data: Path) -> subprocess.CompletedProcess:
    """The real command line, in a process of its own, as a user runs it (with no Prefect server
    configured), wide enough that rich wraps no line."""
    env = {**os.environ, "PODIUM_DATA": str(data), "COLUMNS": "500"}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([sys.executable, "-m", "podium.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def measured(setup: str, work: str, data: Path) -> tuple[object, float]:
    """Run `setup` then `work` (which sets `result`) in a fresh Python: (result, by how many MB the
    process's peak RSS grew during `work`)."""
    script = (f"import json, resource\n{setup}\nbefore = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
              f"{work}\ngrown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
              "print(json.dumps({'result': result, 'grown_mb': grown / 1024}))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PODIUM_DATA": str(data)})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    return out["result"], out["grown_mb"]


def staged_lines(path: Path) -> list[dict]:
    """The staging file's records without their bodies (so the test holds none of them); the
    file is removed afterwards (it may hold a hundred megabytes)."""
    with open(path, encoding="utf-8") as handle:
        records = [{k: v for k, v in json.loads(line).items() if k != "body_b64"} for line in handle]
    path.unlink()
    return records


def test_a_page_over_the_size_cap_is_recorded_and_the_others_ingested(tmp_path):
    bomb, page = tmp_path / "bomb.shtml.gz", tmp_path / "t1794629.shtml"
    bomb.write_bytes(zeros_gzip(1024))
    shutil.copyfile(SNAPSHOTS / "fmprc_en" / PAGE.file, page)
    records = list(saved_page_records([bomb, page], settings(), "fmprc_en", base_url=BASE))
    assert settings().download_max_bytes == 10_000_000
    refused, kept = records
    assert refused["type"] == "error" and refused["stage"] == "ingest" and refused["source_id"] == "fmprc_en"
    assert refused["url"] == f"{BASE}/bomb.shtml"
    assert refused["error"].startswith("bomb.shtml.gz: decompressed page larger than the 10 MB limit")
    assert kept["type"] == "page" and kept["url"] == PAGE.url


def test_an_uncompressed_page_over_the_cap_is_refused_too(tmp_path):
    big = tmp_path / "big.html"
    with open(big, "wb") as handle:
        handle.write(b"<html><head><link rel='canonical' href='https://example.org/big'></head><body>")
        for _ in range(settings().download_max_bytes // 1_000_000 + 1):
            handle.write(b"<p>" + b"x" * 999_993 + b"</p>")
    [refused] = saved_page_records([big], settings())
    assert refused["type"] == "error" and refused["url"] == "https://example.org/big" and refused["source_id"] == "web"
    assert refused["error"].startswith("big.html: page larger than the 10 MB limit")


def test_ingest_streams_with_bounded_memory(tmp_path):
    """A 1 GiB gzip bomb and eight pages just under the cap: staged one at a time, never more than
    about one capped page held."""
    files = [tmp_path / "bomb.html.gz"] + [tmp_path / f"near-cap-{n}.html.gz" for n in range(8)]
    files[0].write_bytes(zeros_gzip(1024))
    for path in files[1:]:
        path.write_bytes(zeros_gzip(9))  # 9.4 MB once decompressed: under the 10 MB cap
    setup = ("from pathlib import Path\nfrom flows.imports import stage\nfrom podium.ingest import saved_page_records\n"
             "from podium.settings import settings")
    work = (f"paths = [Path(p) for p in {[str(f) for f in files]!r}]\n"
            "staged = stage('ingest', saved_page_records(paths, settings(), 'web', base_url='https://example.org/'))\n"
            "result = [str(staged.path), sum(staged.pages.values()), staged.sources]")
    (path, pages, sources), grown = measured(setup, work, tmp_path / "data")
    assert grown < 100, f"peak memory grew by {grown:.0f} MB"
    assert pages == 8 and sources == ["web"]
    records = staged_lines(Path(path))
    assert [r["type"] for r in records] == ["error"] + ["page"] * 8
    assert records[0]["url"] == "https://example.org/bomb.html" and "10 MB limit" in records[0]["error"]


def test_a_directory_is_refused_with_the_files_to_give(tmp_path):
    (tmp_path / "saved").mkdir()
    with pytest.raises(IngestError, match=r"saved is a directory; give the files \(e\.g\. .*saved/\*\.html\)"):
        saved_page_records([tmp_path / "saved"], settings())


def test_the_command_records_an_oversized_page_and_refuses_a_directory(tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "bomb.shtml.gz").write_bytes(zeros_gzip(1024))
    shutil.copyfile(SNAPSHOTS / "fmprc_en" / PAGE.file, saved / "t1794629.shtml")
    archive = tmp_path / "a.duckdb"
    done = podium("ingest", str(saved / "bomb.shtml.gz"), str(saved / "t1794629.shtml"), "-s", "fmprc_en",
                  "--base-url", BASE, "--archive", str(archive), data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert re.search(r"^this run: 1 pages? fetched\W+1 new\b.*\b1 errors?$", done.stdout, re.M), done.stdout
    with open_archive(archive, read_only=True) as con:
        errors = con.execute("SELECT stage, source_id, url, error FROM crawl_errors").fetchall()
        pages = con.execute("SELECT url FROM pages").fetchall()
    assert [e[:3] for e in errors] == [("ingest", "fmprc_en", f"{BASE}/bomb.shtml")]
    assert "bomb.shtml.gz: decompressed page larger than the 10 MB limit" in errors[0][3]
    assert pages == [(PAGE.url,)]
    assert len(statements_of(archive, PAGE.url)) == PAGE.transcript.answer_turns

    refused = podium("ingest", f"{saved}/", "--archive", str(tmp_path / "b.duckdb"), data=tmp_path / "data")
    assert refused.returncode == 2  # a usage error, refused before any flow runs
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("error: ") and f"{saved} is a directory; give the files (e.g. {saved}/*.html)" in line
    assert not (tmp_path / "b.duckdb").exists()
