"""`pip install .` gives the operator's CLI without moto or development tools.

The project is built into a wheel (``uv build``, as pip builds it) and installed into a fresh
virtual environment with its dependencies: moto and the development tools are not there, every
product module imports, ``annual-review --help`` lists no local-stack commands and every operator
command answers ``--help``. The wheel's metadata asks for moto only with the ``local`` extra.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# Installed only with the [local] extra or the development groups.
NOT_INSTALLED = ("moto", "samtranslator", "cfnlint", "yaml", "pytest", "hypothesis", "mypy")
OPERATOR_COMMANDS = (
    ["send"],
    ["status"],
    ["publish"],
    ["quarantine", "list"],
    ["quarantine", "replay"],
    ["redrive"],
    ["verify"],
    ["registry", "validate"],
    ["registry", "upload"],
)
EVERY_MODULE = """
import importlib, pkgutil, annual_review
for module in pkgutil.walk_packages(annual_review.__path__, "annual_review."):
    importlib.import_module(module.name)
print(annual_review.__file__)
"""


def test_the_project_asks_for_moto_only_with_the_local_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not [d for d in project["dependencies"] if d.startswith(NOT_INSTALLED)]
    assert any(d.startswith("moto") for d in project["optional-dependencies"]["local"])
    assert project["scripts"]["annual-review"] == "annual_review.commands.cli:main"


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv builds the wheel (make install has it)")
def test_the_built_wheel_runs_the_cli_without_moto(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    assert uv is not None
    subprocess.run(
        [uv, "build", "--wheel", "--quiet", "-o", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        timeout=300,
    )
    [wheel] = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert all("extra ==" in line for line in requires if "moto" in line), requires
    assert "annual_review/templates/letter.html" in names
    assert "annual_review/data/councils.csv" in names

    # A fresh virtual environment and `pip install` of the wheel (uv's pip, from its cache when
    # it can: make install has fetched every dependency already).
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", str(venv), "--python", sys.executable], check=True)
    install = [uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheel)]
    if subprocess.run([*install, "--offline"], check=False, timeout=300).returncode:
        subprocess.run(install, check=True, timeout=300)
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, capture_output=True, text=True, env=environment, cwd=tmp_path, check=False
        )

    python = str(venv / "bin" / "python")
    for absent in NOT_INSTALLED:
        assert run(python, "-c", f"import {absent}").returncode == 1, absent
    imported = run(python, "-c", EVERY_MODULE)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(str(venv))  # the installed copy, not the source tree
    cli = str(venv / "bin" / "annual-review")
    listed = run(cli, "--help")
    assert listed.returncode == 0, listed.stderr
    assert "local" not in listed.stdout.split("positional arguments:")[1].split("options:")[0]
    for command in OPERATOR_COMMANDS:
        shown = run(cli, *command, "--help")
        assert shown.returncode == 0, (command, shown.stderr)
        assert "--endpoint-url" in shown.stdout or command[:2] == ["registry", "validate"]
