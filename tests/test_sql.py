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


# -- nothing a reader runs can write (issue: EXPLAIN ANALYZE ran a COPY over the archive) ------------

# One statement of each kind DuckDB parses that is not a query; {out} is a path it would write.
NOT_QUERIES = [
    "COPY (SELECT 1 AS x) TO '{out}' (FORMAT csv)", "COPY statements TO '{out}'", "EXPORT DATABASE '{out}'",
    "ATTACH '{out}' AS other", "DETACH other", "INSERT INTO sources (source_id, name) VALUES ('x', 'x')",
    "UPDATE documents SET title = 'x'", "DELETE FROM statements", "CREATE TABLE t (x INTEGER)",
    "CREATE MACRO m(x) AS x", "DROP VIEW v_statements", "ALTER TABLE documents ADD COLUMN y INTEGER",
    "MERGE INTO sources USING sources s ON true WHEN MATCHED THEN DELETE", "PRAGMA enable_profiling",
    "SET profiling_output = '{out}'", "INSTALL fts", "LOAD fts", "VACUUM", "CHECKPOINT",
    "CALL pragma_version()", "PREPARE p AS SELECT 1", "BEGIN TRANSACTION", "COPY FROM DATABASE memory TO memory",
]
WRAPPERS = ["{}", "EXPLAIN {}", "EXPLAIN ANALYZE {}", "EXPLAIN (ANALYZE) {}", "explain analyse {}",
            "-- a comment\nEXPLAIN ANALYZE {}", "SELECT 1; EXPLAIN ANALYZE {}"]


def digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_no_statement_wrapped_in_any_explain_can_write(nightly_archive, tmp_path):
    from storage.db import ArchiveError, published_path
    from storage.query import run_query

    archive, _ = nightly_archive
    files = (archive, published_path(archive))
    before = [digest(f) for f in files]
    for number, statement in enumerate(NOT_QUERIES):
        for wrapper in WRAPPERS:
            out = tmp_path / f"out-{number}-{WRAPPERS.index(wrapper)}"
            sql = wrapper.format(statement.format(out=out))
            try:
                run_query(archive, sql)
            except ArchiveError as error:
                assert "read-only" in str(error) or "SQL error" in str(error), sql
            else:
                raise AssertionError(f"ran: {sql}")
            assert not out.exists(), sql
    assert [digest(f) for f in files] == before


def test_the_issue_command_leaves_the_archive_as_it_was(nightly_archive):
    from storage.db import published_path

    archive, _ = nightly_archive
    target = published_path(archive)
    before = digest(target)
    result = podium("sql", "--archive", str(archive),
                    f"EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{target}' (FORMAT csv)")
    assert result.returncode == 1 and "read-only" in result.stderr and "EXPLAIN of COPY" in result.stderr
    assert digest(target) == before


def test_explain_of_a_query_still_runs(nightly_archive):
    from storage.query import run_query

    archive, _ = nightly_archive
    for sql in ("EXPLAIN SELECT count(*) FROM v_statements", "EXPLAIN ANALYZE SELECT count(*) FROM statements"):
        assert run_query(archive, sql).rows


def test_the_reader_sandbox_stops_file_access_that_the_check_would_miss(nightly_archive, tmp_path):
    """The second guard alone: a connection opened as `podium sql` opens it cannot write or read
    a file, whatever statement reaches it."""
    import duckdb

    from storage.db import open_reader
    from storage.query import SANDBOX

    archive, _ = nightly_archive
    (tmp_path / "local.csv").write_text("a\n1\n")
    with open_reader(archive, config=SANDBOX) as con:
        for sql in (f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'", f"SELECT * FROM read_csv('{tmp_path / 'local.csv'}')",
                    f"ATTACH '{tmp_path / 'y.duckdb'}'", "SET enable_external_access = true"):
            try:
                con.execute(sql)
            except duckdb.Error:
                continue
            raise AssertionError(f"ran: {sql}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["local.csv"]


# -- results of any size stream ------------------------------------------------------------------

ROWS = 1_000_000


# Runs a command and prints its peak RSS (kB) last on standard error: the only child of a fresh process.
MEASURED = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")


def measured(*args: str, out: Path) -> tuple[int, str, float]:
    """Run `podium …` with its output in `out`; (exit code, standard error, peak RSS in MB)."""
    with open(out, "w") as sink:
        result = subprocess.run([sys.executable, "-c", MEASURED, sys.executable, "-m", "podium.cli", *args],
                                stdout=sink, stderr=subprocess.PIPE, text=True, timeout=900)
    *errors, peak = result.stderr.strip().splitlines()
    return result.returncode, "\n".join(errors), int(peak) / 1024


def test_csv_and_json_stream_a_large_result_in_bounded_memory(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    query = f"SELECT range AS n, [range, range + 1] AS pair FROM range({ROWS})"
    code, errors, peak = measured("sql", query, "--archive", str(archive), "-f", "csv", out=tmp_path / "o.csv")
    assert code == 0, errors
    with open(tmp_path / "o.csv") as handle:
        rows = csv.reader(handle)
        assert next(rows) == ["n", "pair"]
        assert next(rows) == ["0", "[0, 1]"]  # a list as JSON, not a Python repr
        assert sum(1 for _ in rows) == ROWS - 1
    # The whole result as Python rows would take several hundred MB; streamed it stays flat.
    assert peak < 250, f"peak RSS {peak:.0f} MB"
    code, errors, peak = measured("sql", query, "--archive", str(archive), "-f", "jsonl", out=tmp_path / "o.jsonl")
    with open(tmp_path / "o.jsonl") as handle:
        assert json.loads(next(handle)) == {"n": 0, "pair": [0, 1]} and sum(1 for _ in handle) == ROWS - 1
    assert code == 0 and peak < 250, f"peak RSS {peak:.0f} MB"


def test_a_long_table_is_cut_with_a_note(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    code, _, _ = measured("sql", "SELECT * FROM range(5000)", "--archive", str(archive), out=tmp_path / "t.txt")
    text = (tmp_path / "t.txt").read_text()
    assert code == 0 and "only the first 1000 rows are shown" in " ".join(text.split())
    assert len(table_rows(text)) == 1000


def test_json_writes_dates_and_lists_as_json(nightly_archive):
    archive, _ = nightly_archive
    query = "SELECT DATE '2018-09-11' AS day, [DATE '2018-09-11', DATE '2019-01-02'] AS days, {'a': 1} AS s"
    assert json.loads(podium("sql", query, "--archive", str(archive), "-f", "json").stdout) == [
        {"day": "2018-09-11", "days": ["2018-09-11", "2019-01-02"], "s": {"a": 1}}]
    as_csv = list(csv.reader(io.StringIO(podium("sql", query, "--archive", str(archive), "-f", "csv").stdout)))
    assert as_csv[1] == ["2018-09-11", '["2018-09-11", "2019-01-02"]', '{"a": 1}']
