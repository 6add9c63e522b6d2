"""The command line: every command explains itself."""
from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from podium.cli import app

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
