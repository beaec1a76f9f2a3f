"""``fit --help`` names every value an option takes, as a newcomer reads it
without the README: every registered solver under ``--solver`` (the help
ended in "..." after five of them), when ``--l1-ratio`` applies, and how the
input format is chosen when ``--format`` is not given."""

from __future__ import annotations

import re

from conftest import run_cli
from logistic.solvers import SOLVERS


def _option_help(out: str, option: str) -> str:
    """The help text of ``option`` in a rich help table, joined across lines."""
    rows = [
        line.strip("│ ").strip() for line in out.splitlines() if line.startswith("│")
    ]
    text, inside = [], False
    for row in rows:
        starts_option = re.match(r"[* ]*--", row)
        if starts_option:
            inside = bool(re.match(rf"[* ]*{re.escape(option)}\b", row))
        if inside:
            text.append(row)
    return " ".join(" ".join(text).split())


def test_fit_help_lists_every_registered_solver(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, ["fit", "--help"])
    assert code == 0
    solver_help = _option_help(out, "--solver")
    assert "..." not in solver_help
    named = set(re.findall(r"[a-z][a-z0-9-]*", solver_help))
    missing = sorted(name for name in SOLVERS if name not in named)
    assert not missing, (missing, solver_help)


def test_fit_help_says_when_l1_ratio_applies_and_the_format_default(
    capsys, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, ["fit", "--help"])
    assert code == 0
    assert "--penalty elasticnet" in _option_help(out, "--l1-ratio")
    assert "default:" in _option_help(out, "--format")
