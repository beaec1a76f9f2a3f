"""``logistic summary`` of a model file whose fit found separation says so
whether the file came from ``logistic fit`` or from ``logistic.save`` (which
records no training data): the short table's title says no finite MLE
exists, a note says what to do, and ``--json`` carries ``separation``."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import logistic
from conftest import run_cli
from logistic import LogisticRegression, PerfectSeparationWarning

# x <= 2 has class 0 and x >= 3 class 1: completely separated by construction.
X_SEPARATED = np.c_[np.arange(6.0), np.random.default_rng(0).standard_normal(6)]
Y_SEPARATED = np.array([0, 0, 0, 1, 1, 1])


def _save(model, path):
    logistic.save(model, path)
    return path


@pytest.fixture
def separated_file(workdir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty=None).fit(X_SEPARATED, Y_SEPARATED)
    assert model.separation_ == "complete"
    with pytest.warns(PerfectSeparationWarning, match="separated"):
        return _save(model, workdir / "sep.json")  # its covariance is meaningless


def test_summary_of_a_python_saved_separated_fit_says_there_is_no_mle(
    separated_file, capsys
):
    code, out, _ = run_cli(capsys, ["summary", separated_file])
    assert code == 0
    assert "converged=no finite MLE (separation)" in out
    assert "converged=True" not in out
    assert (
        "Note: Separation (complete): the MLE does not exist; the coefficients "
        "along the separating direction diverge, and their estimates, standard "
        "errors and Wald tests are meaningless. Use --penalty firth." in out
    )


def test_summary_with_data_spells_the_notes_as_the_command_line(workdir, capsys):
    """``summary MODEL DATA`` prints the library's table: its notes name
    options as ``fit`` and ``summary MODEL`` do, in text and in --json."""
    rows = [f"{a},{b},{c}" for (a, b), c in zip(X_SEPARATED, Y_SEPARATED, strict=True)]
    (workdir / "sep.csv").write_text("x,z,y\n" + "\n".join(rows) + "\n")
    code, _, err = run_cli(capsys, ["fit", "sep.csv", "--target", "y", "-o", "s.json"])
    assert code == 0, err
    code, out, _ = run_cli(capsys, ["summary", "s.json", "sep.csv"])
    assert code == 0 and "Use --penalty firth." in out and "penalty='firth'" not in out
    code, out, _ = run_cli(capsys, ["summary", "s.json", "sep.csv", "--json"])
    notes = json.loads(out)["inference"]["notes"]
    assert any("Use --penalty firth." in note for note in notes)
