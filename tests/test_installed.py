"""An installed package, not this checkout: a wheel of podium installed into a fresh prefix finds
its shipped configuration, and keeps its data in the folder it runs in."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import json
import shutil
import podium.settings as s
from podium.speakers import registry
config = s.settings()
print(json.dumps({"module": s.__file__, "config": str(s.config_dir()), "archive": str(config.archive_path),
                  "sources": len(config.sources), "speakers": len(registry().speakers)}))
"""


def source_copy(folder: Path) -> Path:
    """What the wheel is built from, copied: a build writes build/ and *.egg-info beside it."""
    for part in ("podium", "flows", "spiders", "storage", "config"):
        shutil.copytree(ROOT / part, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, folder / name)
    return folder


def test_an_installed_package_reads_the_configuration_it_ships(tmp_path):
    wheels, prefix, elsewhere = tmp_path / "wheels", tmp_path / "prefix", tmp_path / "elsewhere"
    elsewhere.mkdir()
    source = source_copy(tmp_path / "source")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(wheels), str(source)], check=True, capture_output=True, cwd=tmp_path)
    # A pip of the new environment's own: this environment's pip with --prefix would first
    # uninstall the podium installed here.
    subprocess.run([sys.executable, "-m", "venv", str(prefix)], check=True)
    wheel, = wheels.glob("podium-*.whl")
    subprocess.run([str(prefix / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True)
    # The new prefix's Python, with this environment's dependencies on its path (their .pth files,
    # this checkout's editable install among them, are not read from PYTHONPATH).
    dependencies = sysconfig.get_paths()["purelib"]
    probe = subprocess.run([str(prefix / "bin" / "python"), "-c", PROBE], capture_output=True, text=True,
                           cwd=elsewhere, env={"PYTHONPATH": dependencies, "PATH": "/usr/bin:/bin"})
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert Path(found["module"]).is_relative_to(prefix)  # the installed copy, not this checkout
    assert found["config"] == str(prefix / "share" / "podium" / "config")
    assert found["archive"] == str(elsewhere / "data" / "podium.duckdb")
    assert found["sources"] >= 10 and found["speakers"] >= 40
