"""`podium sql`: read-only queries on the archive, as tables, CSV or JSON; writes refused.
Run as a real command in its own process, as a user would."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from storage.db import open_archive

PER_SPEAKER = "SELECT speaker, count(*) AS n FROM v_statements GROUP BY speaker ORDER BY speaker"


def podium(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "podium.cli", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def table_rows(output: str, bar: str = "│") -> list[list[str]]:
    """The rows of a table printed by rich: its body rows, cells between "│" (the header's are
    between "┃"; rules have neither)."""
    return [[cell.strip() for cell in line.strip().strip(bar).split(bar)]
            for line in output.splitlines() if line.strip().startswith(bar)]


def expected_counts(archive) -> dict[str, int]:
    with open_archive(archive, read_only=True) as con:
        return dict(con.execute(PER_SPEAKER).fetchall())


def test_query_prints_a_table(nightly_archive):
    archive, _ = nightly_archive
    result = podium("sql", PER_SPEAKER, "--archive", str(archive), env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert table_rows(result.stdout, "┃") == [["speaker", "n"]]
    rows, expected = table_rows(result.stdout), expected_counts(archive)
    assert len(rows) == len(expected) and {speaker: int(n) for speaker, n in rows} == expected


def test_query_as_csv_and_json(nightly_archive):
    archive, _ = nightly_archive
    as_csv = podium("sql", PER_SPEAKER, "--archive", str(archive), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    as_json = json.loads(podium("sql", PER_SPEAKER, "--archive", str(archive), "-f", "json").stdout)
    expected = expected_counts(archive)
    assert {r["speaker"]: int(r["n"]) for r in rows} == expected
    assert {r["speaker"]: r["n"] for r in as_json} == expected


def test_archive_path_from_the_environment(nightly_archive, monkeypatch):
    archive, _ = nightly_archive
    monkeypatch.setenv("PODIUM_ARCHIVE", str(archive))
    result = podium("sql", "SELECT count(*) AS n FROM documents", "-f", "json")
    assert json.loads(result.stdout)[0]["n"] > 0


def test_writes_are_refused_with_a_clear_message(nightly_archive):
    archive, _ = nightly_archive
    before = sum(expected_counts(archive).values())
    for statement in ("DELETE FROM statements", "SELECT 1; DROP TABLE statements",
                      "COPY statements TO '/tmp/podium-out.csv'", "UPDATE documents SET title = 'x'"):
        result = podium("sql", statement, "--archive", str(archive))
        assert result.returncode == 1
        assert "read-only" in result.stderr
    assert sum(expected_counts(archive).values()) == before


def test_sql_errors_and_missing_archives_are_explained(tmp_path, nightly_archive):
    archive, _ = nightly_archive
    bad = podium("sql", "SELECT nonsense FROM nowhere", "--archive", str(archive))
    assert bad.returncode == 1 and "SQL error" in bad.stderr
    missing = podium("sql", "SELECT 1", "--archive", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 1 and "no archive at" in missing.stderr


def test_archive_opens_in_the_plain_duckdb_client(nightly_archive):
    archive, _ = nightly_archive
    client = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    result = subprocess.run([client, "-readonly", "-csv", str(archive), "-c",
                             "SELECT count(*) AS n FROM v_statements"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.splitlines()[1]) == sum(expected_counts(archive).values())
