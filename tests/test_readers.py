"""Readers are never blocked: while a run writes the archive, queries from another process read
the published copy (storage.db.publish) and all succeed."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time

from conftest import SNAPSHOTS, snapshot_rows
from storage.db import published_path
from storage.query import run_query


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
