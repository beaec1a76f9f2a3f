"""Every command's ``--help`` names what an option takes in the CLI's words
(``--target COLUMN``, ``--missing ACTION``), never a Python type label
(``<str>``, ``<list[str]>``), and shows flags, ``--help`` included,
without one. (Arguments keep typer's ``<path>`` beside their names.)"""

from __future__ import annotations

import re

import pytest

from conftest import run_cli
from logistic.cli.app import COMMANDS

TYPE_LABEL = re.compile(r"<(?:str|int|float|bool|path|list\[[^\]]*\])>")


@pytest.mark.parametrize("command", [*COMMANDS, None])
def test_help_shows_no_python_type_labels(command, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    argv = ["--help"] if command is None else [command, "--help"]
    code, out, _ = run_cli(capsys, argv)
    assert code == 0
    assert "Usage:" in out
    options = [line for line in out.splitlines() if re.match(r"│ [ *]*--", line)]
    labelled = [line for line in options if TYPE_LABEL.search(line)]
    assert options and not labelled, labelled


@pytest.mark.parametrize(
    ("command", "option", "metavar"),
    [
        ("fit", r"--target\s+-t", "COLUMN"),
        ("fit", r"--features", "COLUMNS"),
        ("fit", r"--penalty", "PENALTY"),
        ("fit", r"--max-iter", "N"),
        ("predict", r"--missing", "ACTION"),
        ("margins", r"--at-value", "COL=VALUE"),
        ("export", r"--onnx,--output\s+-o", "FILE"),
    ],
)
def test_an_option_names_what_it_takes(command, option, metavar, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, [command, "--help"])
    assert code == 0
    assert re.search(rf"{option}\s+{re.escape(metavar)}\s", out), out


def test_flags_show_no_value(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, ["fit", "--help"])
    assert code == 0
    for flag in ("--help", "--force", "--json"):
        line = next(x for x in out.splitlines() if re.search(rf"│ {flag}\s", x))
        assert re.search(rf"{flag}\s{{2,}}[A-Z]", line), line  # straight to the help
