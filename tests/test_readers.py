"""Readers are never blocked: while a run writes the archive, queries from another process read
the published copy (storage.db.publish) and all succeed."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import SNAPSHOTS, snapshot_rows
from storage.db import published_path
from storage.query import run_query
from storage.search_index import index_dir


def test_queries_succeed_while_a_run_writes(nightly_archive, tmp_path):
    shared, _ = nightly_archive
    assert published_path(shared).exists()
    archive = tmp_path / "archive.duckdb"  # a private copy: this test writes to it
    shutil.copyfile(shared, archive)
    shutil.copyfile(published_path(shared), published_path(archive))
    before = run_query(archive, "SELECT count(*) FROM v_statements").rows[0][0]
    statements_before = run_query(archive, "SELECT count(*) FROM statements").rows[0][0]
    urls = [r["url"] for r in snapshot_rows("fmprc_en") if r["file"].startswith("detail/")][:40]
    writer = subprocess.Popen([sys.executable, "-m", "podium.cli", "crawl", "--replay", str(SNAPSHOTS),
                               "--archive", str(archive), *[part for url in urls for part in ("--url", url)]],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    answers, overlapped = [], 0
    while len(answers) < 100:
        answers.append(run_query(archive, "SELECT count(*) FROM v_statements").rows[0][0])
        overlapped += writer.poll() is None
        time.sleep(0.05)
    assert writer.wait(timeout=300) == 0
    assert overlapped >= 50  # most queries ran while the writer was at work
    assert len(answers) == 100 and set(answers) == {before}  # refetched pages were unchanged
    assert run_query(archive, "SELECT count(*) FROM statements").rows[0][0] == statements_before


# -- readers never take the writer's file; a writer waits for a foreign lock and names it --------

def duckdb_client(archive) -> subprocess.Popen:
    """The plain `duckdb -readonly` client with the archive open (it holds DuckDB's lock until its
    input closes), as a user who did not read the README would run it."""
    client = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    process = subprocess.Popen([client, "-readonly", str(archive)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdin.write("SELECT 42;\n")
    process.stdin.flush()
    assert "42" in process.stdout.readline() + process.stdout.readline() + process.stdout.readline()
    return process


def test_a_writer_waits_for_a_reader_of_the_archive_itself(nightly_archive, tmp_path):
    import threading

    from storage.db import connect

    archive = tmp_path / "archive.duckdb"
    shutil.copyfile(nightly_archive[0], archive)
    reader = duckdb_client(archive)
    threading.Timer(2.0, reader.stdin.close).start()  # the user closes the client 2 s later
    started = time.monotonic()
    con = connect(archive, wait_seconds=60)
    waited = time.monotonic() - started
    con.close()
    assert reader.wait(timeout=30) == 0 and 1.5 < waited < 30


def test_a_reader_that_stays_fails_the_run_naming_its_program_and_pid(nightly_archive, tmp_path, monkeypatch):
    from flows.nightly import nightly
    from podium.settings import settings

    archive = tmp_path / "archive.duckdb"
    shutil.copyfile(nightly_archive[0], archive)
    shutil.copyfile(published_path(nightly_archive[0]), published_path(archive))
    monkeypatch.setenv("PODIUM_LOCK_WAIT_SECONDS", "2")
    settings.cache_clear()
    reader = duckdb_client(archive)
    try:
        state = nightly(sources=["fmprc_en"], replay=str(SNAPSHOTS), archive=str(archive), return_state=True)
        named = int(re.search(r"\(PID (\d+)\)", state.message).group(1))
        holder = {named, int(Path(f"/proc/{named}/stat").read_text().split(") ")[1].split()[1])}  # it, its parent
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
        settings.cache_clear()
    assert state.is_failed()
    assert "is open in another program, " in state.message and reader.pid in holder  # the client (or its binary)
    assert "still after waiting 2 s" in state.message and "Readers should open" in state.message
    assert "a flow run is writing it" not in state.message


def test_readers_never_open_the_archive_a_run_writes(tmp_path):
    from flows.tasks import prepare_archive
    from storage.db import ArchiveError, connect, reader_path

    archive = tmp_path / "new.duckdb"
    connect(archive).close()  # an archive made, its first run not finished: no published copy
    with pytest.raises(ArchiveError, match="has no published copy .* yet: its first run has not finished"):
        reader_path(archive)
    prepare_archive.fn(archive, "run-1", "nightly", None, ["fmprc_en"])  # a first run's first step publishes
    assert reader_path(archive) == published_path(archive)
    assert run_query(archive, "SELECT count(*) FROM crawl_runs").rows == [(1,)]


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("# a README\n" * 50), "is not a DuckDB archive"),
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: None, "no archive at"),
])
def test_each_problem_with_the_file_is_named_for_what_it_is(tmp_path, make, message):
    from storage.db import ArchiveError

    target = tmp_path / "x.duckdb"
    make(target)
    with pytest.raises(ArchiveError, match=message):
        run_query(target, "SELECT 1")


def test_a_damaged_archive_is_called_damaged(nightly_archive, tmp_path):
    from storage.db import ArchiveError

    damaged = tmp_path / "damaged.duckdb"
    data = published_path(nightly_archive[0]).read_bytes()
    published_path(damaged).write_bytes(data[: len(data) // 3])  # cut short: its rows are past the cut
    with pytest.raises(ArchiveError, match=r"damaged\.duckdb\.published is damaged \(cut short or overwritten\)"):
        run_query(damaged, "SELECT count(*), max(length(text)) FROM statements")


def test_the_command_names_the_reader_in_one_line_without_a_traceback(nightly_archive, tmp_path):
    archive = tmp_path / "archive.duckdb"
    shutil.copyfile(nightly_archive[0], archive)
    shutil.copyfile(published_path(nightly_archive[0]), published_path(archive))
    reader = duckdb_client(archive)
    try:
        result = subprocess.run([sys.executable, "-m", "podium.cli", "nightly", "-s", "fmprc_en", "--replay",
                                 str(SNAPSHOTS), "--archive", str(archive)], capture_output=True, text=True,
                                timeout=600, env={**os.environ, "PODIUM_LOCK_WAIT_SECONDS": "2"})
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "is open in another program" in errors[0] and "(PID " in errors[0]


def test_a_copy_published_by_an_older_podium_is_refused_with_what_to_do(nightly_archive, tmp_path):
    """After an upgrade, the published copy lacks the new schema's views until a run publishes it
    again: `report`, `sql` and `search` say so in one line (exit 1) instead of a catalog error."""
    archive = tmp_path / "archive.duckdb"
    shutil.copyfile(nightly_archive[0], archive)
    shutil.copyfile(published_path(nightly_archive[0]), published_path(archive))
    shutil.copytree(index_dir(nightly_archive[0]), index_dir(archive))
    with duckdb.connect(str(published_path(archive))) as con:  # as if published before the last migration
        last = con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        con.execute("DELETE FROM schema_migrations WHERE version = ?", [last])
    for command in (["report", "--output", str(tmp_path / "report")], ["sql", "SELECT 1"], ["search", "NATO"]):
        result = subprocess.run([sys.executable, "-m", "podium.cli", *command, "--archive", str(archive)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and f"has schema {last - 1}, and this podium reads schema {last}" in errors[0]
    assert run_query(nightly_archive[0], "SELECT count(*) FROM v_press_coverage").rows  # a current copy reads
