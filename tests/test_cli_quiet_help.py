"""Each command's ``--quiet`` help says what that command stops printing:
only ``fit`` has iterations and passes; ``predict``, ``evaluate`` and
``report`` show the rows read, and keep their notes under ``--quiet``
(checked here on ``predict``: the file written is still named, the reading
progress line is gone); ``margins`` also leaves out its notes on reading
the table."""

from __future__ import annotations

import re

import pytest

from conftest import data_path, run_cli


def _quiet_help(capsys, command: str) -> str:
    code, out, _ = run_cli(capsys, [command, "--help"])
    assert code == 0
    lines = out.splitlines()
    i = next(k for k, x in enumerate(lines) if re.match(r"│ --quiet\s", x))
    text = []
    for line in lines[i:]:
        cell = line.strip("│ ").split("  ")[-1].strip()
        if text and re.match(r"│ -", line):
            break
        text.append(cell)
    return " ".join(text)


@pytest.mark.parametrize("command", ["predict", "evaluate", "report", "margins"])
def test_quiet_help_names_the_commands_own_progress(command, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    said = _quiet_help(capsys, command)
    assert "iterations" not in said and "fit's" not in said, said
    assert "rows read" in said, said
    if command == "margins":
        assert "categorical effects, overdispersion" in said, said
    elif command == "evaluate":  # no output file to name
        assert "notes (columns ignored)," in said, said
    else:
        assert "notes (columns ignored, the file written)" in said, said


def test_fit_quiet_help_names_iterations(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    said = _quiet_help(capsys, "fit")
    assert "the fit's iterations and passes" in said, said


def test_predict_quiet_keeps_its_notes(workdir, capsys, monkeypatch):
    monkeypatch.delenv("LOGISTIC_NO_PROGRESS")  # the reading line on
    monkeypatch.setenv("LOGISTIC_PROGRESS_INTERVAL", "0")
    data = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
    fit = ["fit", data, "-t", "low", "--features", "age,lwt", "-o", "m.json", "-q"]
    assert run_cli(capsys, fit)[0] == 0
    code, _, err = run_cli(capsys, ["predict", "m.json", data, "-o", "p.csv"])
    assert code == 0 and "reading " in err, err
    code, _, err = run_cli(
        capsys, ["predict", "m.json", data, "-o", "p.csv", "-q", "--force"]
    )
    assert code == 0 and "reading " not in err, err
    assert "189 predictions written to p.csv" in err, err
