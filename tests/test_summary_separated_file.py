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
        "Note: Separation (complete): the MLE does not exist; estimates and "
        "standard errors are meaningless. Use --penalty firth." in out
    )
    code, out, _ = run_cli(capsys, ["summary", separated_file, "--json"])
    assert code == 0
    assert json.loads(out)["separation"] == "complete"


def test_summary_of_an_ordinary_fit_has_no_separation_note(workdir, capsys):
    """Control: overlapping classes (x and the label drawn independently of
    each other's order) give a finite MLE and an unchanged title."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 2))
    y = (X[:, 0] + rng.standard_normal(200) > 0).astype(int)
    path = _save(LogisticRegression(penalty=None).fit(X, y), workdir / "ok.json")
    code, out, _ = run_cli(capsys, ["summary", path])
    assert code == 0
    assert "converged=True" in out and "Separation" not in out
    code, out, _ = run_cli(capsys, ["summary", path, "--json"])
    assert json.loads(out)["separation"] is None


def test_a_penalized_fit_of_separated_data_has_finite_estimates_and_no_note(
    workdir, capsys
):
    model = LogisticRegression(penalty="l2", C=1.0).fit(X_SEPARATED, Y_SEPARATED)
    path = _save(model, workdir / "l2.json")
    code, out, _ = run_cli(capsys, ["summary", path])
    assert code == 0
    assert "no finite MLE" not in out and "Separation" not in out
