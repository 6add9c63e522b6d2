"""The layers of pyproject.toml's import-linter contracts: every module has one, and they hold."""
from __future__ import annotations

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
