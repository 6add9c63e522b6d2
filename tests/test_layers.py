"""The layers of pyproject.toml's import-linter contracts: every module has one, and they hold."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import ROOT

CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def test_every_podium_module_is_in_a_layer():
    (layers,) = [c["layers"] for c in CONTRACTS if c["type"] == "layers"]
    named = {part.strip() for layer in layers for part in re.split(r"[:|]", layer)}
    modules = {f"podium.{path.stem}" for path in (ROOT / "podium").glob("*.py") if path.stem != "__init__"}
    assert modules - named == set(), "add these modules to a layer in pyproject.toml"
    assert named - modules - {"flows", "storage", "spiders"} == set(), "layers name modules that do not exist"


def test_no_layer_imports_a_higher_one():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    done = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_no_module_reads_the_configuration_when_imported(tmp_path):
    """Every package imports with no configuration at hand; the first use of the settings is what
    reads them (and says what is missing)."""
    modules = ["flows.adhoc", "flows.backfill", "flows.reprocess", "flows.nightly", "flows.deployments",
               "spiders.settings", "spiders.loader", "spiders.families.generic", "storage.links", "podium.cli"]
    code = (f"import importlib\nfor name in {modules!r}:\n    importlib.import_module(name)\n"
            "from podium.settings import ConfigError, settings\ntry:\n    settings()\n"
            "except ConfigError as error:\n    print('refused:', error)\n")
    env = {**os.environ, "PODIUM_HOME": str(tmp_path / "nowhere")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("refused: podium.toml: no such file")
