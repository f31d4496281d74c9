"""Every `annual-review` command the README shows is a real command with real options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from annual_review.commands.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"
COMMAND = re.compile(r"^\$ (annual-review [^#\n]+?)\s*(?:#.*)?$", re.MULTILINE)
COMMANDS = COMMAND.findall(README.read_text())


def test_the_readme_shows_the_operational_commands() -> None:
    shown = {shlex.split(command)[1] for command in COMMANDS}
    assert {"quarantine", "redrive", "verify", "publish"} <= shown


@pytest.mark.parametrize("command", COMMANDS)
def test_each_readme_command_parses(command: str) -> None:
    arguments = build_parser().parse_args(shlex.split(command)[1:])
    assert callable(arguments.run)


def test_the_readme_starts_with_the_two_commands() -> None:
    text = README.read_text()
    assert text.index("make run") < text.index("make test") < text.index("## Architecture")
