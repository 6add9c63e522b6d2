"""`podium export`: statements to Parquet (partitioned by source and year), CSV and JSON lines,
from a real nightly archive, with a --where that can only filter."""
from __future__ import annotations

import csv
import hashlib
import json

import duckdb
import pytest
from typer.testing import CliRunner

from podium.cli import app
from podium.cli import ExportFileFormat
from storage.db import ArchiveError, open_archive, published_path
from storage.export import ExportFormat, UnsafeCondition, default_output, export

CONDITION = "year = 2019 AND kind = 'answer'"
SAME_ON_THE_VIEW = "year(date) = 2019 AND kind = 'answer'"


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digests(archive) -> tuple[str, str]:
    """The archive's and its published copy's (what an export reads)."""
    return digest(archive), digest(published_path(archive))


def view_count(archive, condition: str = "true") -> int:
    with open_archive(archive, read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM v_statements WHERE {condition}").fetchone()[0]


def test_csv_has_every_statement_of_the_view(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    result = export(archive, ExportFormat.csv, tmp_path / "all.csv")
    with open(result.path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert result.rows == len(rows) == view_count(archive) > 100
    assert {"statement_id", "date", "speaker", "question", "text", "url", "source_id", "date_basis",
            "published_at", "source_name"} <= set(rows[0])
    assert len({row["statement_id"] for row in rows}) == len(rows)


def test_jsonl_with_a_condition(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    result = export(archive, ExportFormat.jsonl, tmp_path / "answers.jsonl", where=CONDITION)
    lines = result.path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert result.rows == len(records) == view_count(archive, SAME_ON_THE_VIEW) > 0
    assert {r["kind"] for r in records} == {"answer"}
    assert {r["date"][:4] for r in records} == {"2019"}


def test_parquet_is_partitioned_by_source_and_year(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    folder = tmp_path / "parquet"
    result = export(archive, ExportFormat.parquet, folder)
    parts = {p.parent.relative_to(folder).as_posix() for p in folder.rglob("*.parquet")}
    assert parts == {"source_id=fmprc_en/year=2018", "source_id=fmprc_en/year=2019", "source_id=fmprc_en/year=2020"}
    read = duckdb.sql(f"SELECT count(*), count(DISTINCT year) FROM read_parquet('{folder}/**/*.parquet',"
                      " hive_partitioning = true)").fetchone()
    assert read == (result.rows, 3)
    assert result.rows == view_count(archive) and result.files == 3


def test_parquet_with_a_condition_keeps_only_its_partitions(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    folder = tmp_path / "y2019"
    result = export(archive, ExportFormat.parquet, folder, where=CONDITION)
    assert [p.name for p in folder.iterdir()] == ["source_id=fmprc_en"]
    assert [p.name for p in (folder / "source_id=fmprc_en").iterdir()] == ["year=2019"]
    assert result.rows == view_count(archive, SAME_ON_THE_VIEW)


@pytest.mark.parametrize("where", [
    "1=1; DELETE FROM statements",
    "true; DROP TABLE documents",
    "1=1 UNION SELECT * FROM v_statements",
    "1=1 LIMIT 1",
    "1=1) TO '/tmp/podium-escape.csv' (FORMAT csv); SELECT (1",
    "kind = 'answer' GROUP BY ALL",
])
def test_a_where_that_is_not_a_condition_is_refused(nightly_archive, tmp_path, where):
    archive, _ = nightly_archive
    before = digests(archive)
    with pytest.raises(UnsafeCondition, match="refused --where"):
        export(archive, ExportFormat.csv, tmp_path / "out.csv", where=where)
    assert not (tmp_path / "out.csv").exists()
    assert digests(archive) == before


def test_a_trailing_comment_cannot_swallow_the_query(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    result = export(archive, ExportFormat.csv, tmp_path / "c.csv", where="kind = 'answer' -- only answers")
    assert result.rows == view_count(archive, "kind = 'answer'")


def test_an_unknown_column_is_a_clean_error(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    with pytest.raises(ArchiveError, match="SQL error in --where"):
        export(archive, ExportFormat.csv, tmp_path / "x.csv", where="no_such_column = 1")
    assert not (tmp_path / "x.csv").exists()


def test_exports_leave_the_archive_unchanged(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    before = digests(archive)
    for fmt in ExportFormat:
        export(archive, fmt, tmp_path / f"out-{fmt.value}", where=CONDITION)
    assert digests(archive) == before


def test_the_archive_itself_is_never_an_output(nightly_archive):
    archive, _ = nightly_archive
    with pytest.raises(ArchiveError, match="is the archive itself"):
        export(archive, ExportFormat.csv, archive)


def test_default_output_is_a_timestamped_file_or_folder(tmp_path):
    assert default_output(tmp_path, ExportFormat.csv).suffix == ".csv"
    assert default_output(tmp_path, ExportFormat.parquet).parent == tmp_path / "export"
    assert default_output(tmp_path, ExportFormat.parquet).suffix == ""


def test_the_command_says_how_many_rows_it_wrote(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    out = tmp_path / "cli.jsonl"
    result = CliRunner().invoke(app, ["export", "--archive", str(archive), "--format", "jsonl",
                                      "--where", CONDITION, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {view_count(archive, SAME_ON_THE_VIEW)} statements to" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == view_count(archive, SAME_ON_THE_VIEW)


def test_the_command_offers_exactly_the_export_formats(nightly_archive, tmp_path):
    assert [f.value for f in ExportFileFormat] == [f.value for f in ExportFormat]
    archive, _ = nightly_archive
    result = CliRunner().invoke(app, ["export", "--archive", str(archive), "--format", "xml",
                                      "-o", str(tmp_path / "x.xml")])
    assert result.exit_code != 0 and "xml" in result.output
    assert not (tmp_path / "x.xml").exists()


def test_the_command_refuses_a_write_with_a_clear_message(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    result = CliRunner().invoke(app, ["export", "--archive", str(archive), "--format", "csv",
                                      "--where", "1=1; DELETE FROM statements", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "refused --where" in result.output and "statement of its own" in result.output
