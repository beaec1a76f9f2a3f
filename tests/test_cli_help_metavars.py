"""Every command's ``--help`` names what an option or argument takes in the
CLI's words (``--target COLUMN``, ``--missing ACTION``, ``MODEL``, ``DATA``),
never a Python type label (``<str>``, ``<path>``, ``<list[str]>``), and shows
flags, ``--help`` included, without one. The usage line is click's and
POSIX's (``MODEL DATA``, ``[DATA]``), not typer's braces (``{MODEL}``)."""

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


def _panel(out: str, title: str) -> list[str]:
    """The lines of help panel ``title`` (``Arguments``), empty without one."""
    lines, inside = [], False
    for line in out.splitlines():
        if line.startswith("╭─ "):
            inside = line.startswith(f"╭─ {title} ")
        elif inside and line.startswith("│"):
            lines.append(line)
    return lines


@pytest.mark.parametrize("command", COMMANDS)
def test_arguments_show_no_python_type_labels(command, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, [command, "--help"])
    assert code == 0
    usage = next(x for x in out.splitlines() if "Usage:" in x)
    assert "{" not in usage, usage  # typer's braces around a required argument
    arguments = _panel(out, "Arguments")
    named = [x for x in arguments if re.match(r"│ [ *]*[A-Z]{3,}", x)]
    assert len(named) == len(re.findall(r"\b[A-Z]{3,}\b", usage.split("[OPTIONS]")[1]))
    labelled = [x for x in arguments if TYPE_LABEL.search(x)]
    assert not labelled, labelled


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("fit", "logistic fit [OPTIONS] DATA"),
        ("predict", "logistic predict [OPTIONS] MODEL DATA"),
        ("summary", "logistic summary [OPTIONS] MODEL [DATA]"),
        ("test", "logistic test [OPTIONS] MODEL [HYPOTHESIS]..."),
        ("cache", "logistic cache [OPTIONS] [ACTION]"),
    ],
)
def test_usage_names_the_arguments(command, usage, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, [command, "--help"])
    assert code == 0
    assert f"Usage: {usage} " in out, out.splitlines()[:3]


def test_cache_action_names_its_choices(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, ["cache", "--help"])
    assert code == 0
    (line,) = (x for x in _panel(out, "Arguments") if "ACTION" in x)
    assert "'list' (the default)" in line and "'clear'" in line, line
    code, _, err = run_cli(capsys, ["cache", "lsit"])
    assert code == 2
    assert "ACTION must be 'list' or 'clear', got 'lsit'" in err, err


def _entries(out: str) -> dict[str, str]:
    """Each option of the Options panel with its help text, the wrapped
    lines joined (``{"--missing": "ACTION Rows with ... [default: error]"}``)."""
    entries: dict[str, str] = {}
    name = None
    for line in _panel(out, "Options"):
        cells = line.strip("│").strip()
        start = re.match(r"\*?\s*(--[\w-]+)", cells)
        if start:
            name = start.group(1)
            entries[name] = cells[start.end() :].strip()
        elif name is not None:
            entries[name] += " " + cells
    return entries


@pytest.mark.parametrize("command", COMMANDS)
def test_a_default_is_named_once(command, capsys, monkeypatch):
    """A help that names its default ('error' (default), default 10) gets no
    typer ``[default: ...]`` beside it saying it again."""
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, [command, "--help"])
    assert code == 0
    twice = {
        option: text
        for option, text in _entries(out).items()
        if "[default:" in text and "default" in text.split("[default:")[0].lower()
    }
    assert not twice, twice


@pytest.mark.parametrize("command", ["evaluate", "report"])
def test_scoring_commands_say_what_na_does_there(command, capsys, monkeypatch):
    """evaluate and report leave a row they cannot score out of the metrics:
    their --missing does not describe predict's empty prediction."""
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, [command, "--help"])
    entries = _entries(out)
    for option in ("--missing", "--unknown-levels"):
        assert "left out of the metrics" in entries[option], entries[option]
        assert "empty prediction" not in entries[option], entries[option]


def test_margins_data_is_the_training_file(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, ["margins", "--help"])
    (line,) = (x for x in _panel(out, "Arguments") if "DATA" in x)
    assert "the model was fitted on" in line, line
