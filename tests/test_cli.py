"""The command line: every command explains itself."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from conftest import ROOT
from podium.cli import app
from storage.db import open_archive

COMMANDS = sorted(get_command(app).commands)


def test_the_commands_of_the_readme_exist():
    assert {"search", "export", "report", "reindex", "backfill", "serve", "crawl", "import-warc", "ingest",
            "nightly", "sql", "replay"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_text(name):
    command = get_command(app).commands[name]
    assert command.help and len(command.help) > 20
    for parameter in command.params:
        assert parameter.help, f"{name}: {parameter.name} has no help text"
    assert CliRunner().invoke(app, [name, "--help"]).exit_code == 0


# -- bad arguments: one line, exit 2, before anything runs ----------------------------------------

def podium(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "podium.cli", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("args, message", [
    (["crawl", "-s", "fmprc_eng"], "unknown source 'fmprc_eng'; did you mean 'fmprc_en'"),
    (["nightly", "-s", "web"], "source 'web' is not enabled for crawling"),
    (["crawl", "-s", "example_mfa"], "source 'example_mfa' is a synthetic site, crawled only from a recording"),
    (["backfill", "-s", "fmprc_en", "--since", "2020-01-01", "--until", "2019-01-01"],
     "--since 2020-01-01 is after --until 2019-01-01"),
    (["crawl", "--since", "2020-13-01"], "'2020-13-01' does not match the formats '%Y-%m-%d'"),
    (["crawl", "--url", "http://[::1"], "not a valid URL"),
    (["crawl", "--url", "http://www.fmprc.gov.cn/a\nhttp://127.0.0.1/"], "control character"),
    (["crawl", "--max-pages", "0"], "--max-pages: must be 1 or more, not 0"),
    (["nightly", "--replay", "no/such/folder"], "is neither a snapshot folder nor a replay server"),
    (["search", "Huawei", "--limit", "0"], "--limit: must be 1 or more, not 0"),
    (["search", "Huawei", "--limit", "-5"], "--limit: must be 1 or more, not -5"),
    (["search", "Huawei", "--source", "fmprc_eng"], "did you mean 'fmprc_en'"),
    (["report", "--since", "2020-01-01", "--until", "2019-01-01"], "is after --until"),
    (["ingest", "tests"], "tests is a directory; give the files"),
    (["ingest", "no-such-page.html"], "no-such-page.html: no such file"),
    (["import-warc", "no-such.warc.gz"], "no such file"),
    (["sql", "SELECT 1", "--format", "xml"], "'xml' is not one of"),
    (["nosuchcommand"], "No such command 'nosuchcommand'"),
])
def test_a_bad_argument_is_one_error_line_and_exit_2(tmp_path, args, message):
    result = podium(*args, "--archive", str(tmp_path / "a.duckdb")) if args[0] != "nosuchcommand" else podium(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a.duckdb").exists() and not list(tmp_path.iterdir())  # nothing ran


@pytest.mark.parametrize("args, message", [
    (["--speaker", "Zhao Lijan"], "no speaker 'Zhao Lijan' in the archive; did you mean 'Zhao Lijian'?"),
    (["--country", "China"], "did you mean CN?"),
])
def test_a_filter_value_the_archive_does_not_know_is_a_usage_error(nightly_archive, args, message):
    archive, _ = nightly_archive
    result = podium("search", "NATO", *args, "--archive", str(archive))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr


def test_a_configuration_error_is_one_line_and_exit_1(tmp_path):
    shutil.copytree(ROOT / "config", tmp_path / "config")
    sources = tmp_path / "config" / "sources.yaml"
    sources.write_text(sources.read_text().replace("    enabled: true", "    enabled: \"no\"", 1))
    result = podium("sql", "SELECT 1", env={"PODIUM_HOME": str(tmp_path)})
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: sources.yaml, source 'fmprc_en': field 'enabled' must be true or false")


QUERY_COMMANDS = [["sql", "SELECT count(*) FROM v_statements"], ["search", "NATO"], ["report"], ["reindex", "--check"],
                  ["export", "--format", "csv"]]


@pytest.mark.parametrize("args", QUERY_COMMANDS, ids=[a[0] for a in QUERY_COMMANDS])
def test_reading_commands_never_import_prefect(nightly_archive, tmp_path, args):
    archive, _ = nightly_archive
    if args[0] == "export":
        args = [*args, "--output", str(tmp_path / "out.csv")]
    if args[0] == "report":
        args = [*args, "--output", str(tmp_path / "report")]
    probe = ("import sys; from podium.cli import main\ntry:\n    main()\nexcept SystemExit as e:\n"
             "    print('exit', e.code, 'prefect' in sys.modules, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", probe, *args, "--archive", str(archive)], capture_output=True,
                            text=True, timeout=300)
    assert result.stderr.strip().splitlines()[-1] == "exit 0 False", result.stderr


def test_ingest_runs_without_prefect_when_no_server_answers(tmp_path):
    """A quick command does not start a temporary Prefect server for one page; its run is still
    recorded, judged and published like any other."""
    page = ROOT / "snapshots" / "fmprc_en" / "detail" / "t1794629.shtml"
    url = "https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/t1794629.shtml"
    env = {"PODIUM_DATA": str(tmp_path / "data")}
    result = podium("ingest", str(page), "--url", url, "--archive", str(tmp_path / "a.duckdb"), env=env)
    assert result.returncode == 0, result.stderr
    assert "temporary server" not in result.stdout + result.stderr and "Traceback" not in result.stderr
    with open_archive(tmp_path / "a.duckdb.published", read_only=True) as con:
        assert con.execute("SELECT url FROM documents").fetchall() == [(url,)]
        assert (con.execute("SELECT flow, status, flow_run_id FROM crawl_runs").fetchall()
                == [("ingest", "completed", None)])
        assert con.execute("SELECT outcome FROM run_sources").fetchall() == [("ok",)]
    assert (tmp_path / "data" / "prefect").is_dir()  # Prefect's home is the project's data folder, not ~/.prefect
