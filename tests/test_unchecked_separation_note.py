"""A maximum-likelihood fit whose separation check did not run says so.

Unpenalized fits of rows not in memory (a file, streamed) and fits whose
separation program ran out of its time leave ``separation_ = "unchecked"``;
inference then suspects separation only from fitted logits beyond 30. A
quasi-separated fit can stop with its diverging coefficient near 23 (below
that rule), where the summary showed ``Converged: True``, a standard error of
~9 900 and no note at all. Every summary of such a fit (Python's two-class and
K-class tables, the command line's table) now carries a note saying the check
did not run and what a huge standard error may mean.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

import logistic._separation_lp as separation_lp
from conftest import data_path
from logistic import LogisticRegression
from logistic.cli.app import main
from test_separation_lp_time import _quasi_separated  # x0 = 0.5: y = 1 always

UCLA = data_path("ucla-admissions", "binary.csv")
NOT_CHECKED = "Separation was not checked for this fit"


def _notes(model, *data) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(model.inference(*data).summary().notes)


def test_a_check_out_of_time_leaves_a_note(monkeypatch):
    X, y = _quasi_separated()
    monkeypatch.setattr(separation_lp, "LP_SECONDS", 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cut = LogisticRegression(penalty=None, max_iter=50).fit(X, y)
    assert cut.separation_ == "unchecked"
    res = cut.inference(X, y)
    # the diverging coefficient stopped below the fitted-logit rule's 30 ...
    assert res.separation is None and 15 < cut.coef_[0, 0] < 30
    assert res.bse[1] > 1000
    # ... so only the note says what its standard error may mean
    notes = _notes(cut, X, y)
    assert any(NOT_CHECKED in n and "penalty='firth'" in n for n in notes), notes
    assert any(NOT_CHECKED in n for n in _notes(cut)), "stored statistics"


def test_checked_fits_have_no_such_note():
    X, y = _quasi_separated()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = LogisticRegression(penalty=None, max_iter=50).fit(X, y)
    assert found.separation_ == "quasi-complete"
    notes = _notes(found, X, y)
    assert any(n.startswith("Separation (quasi-complete)") for n in notes)
    assert not any(NOT_CHECKED in n for n in notes)
    d = pd.read_csv(UCLA)
    plain = LogisticRegression(penalty=None).fit(d[["gre", "gpa", "rank"]], d["admit"])
    assert plain.separation_ is None
    assert not any(NOT_CHECKED in n for n in _notes(plain, d[["gre", "gpa", "rank"]], d["admit"]))


def test_a_fit_from_a_file_leaves_the_note(tmp_path):
    path = tmp_path / "ucla.csv"
    pd.read_csv(UCLA).to_csv(path, index=False)
    streamed = LogisticRegression(penalty=None).fit(str(path), "admit")
    assert streamed.separation_ == "unchecked"
    assert any(NOT_CHECKED in n for n in _notes(streamed))
    # a penalized fit's estimates are finite whatever the data: no note
    shrunk = LogisticRegression(penalty="l2").fit(str(path), "admit")
    assert shrunk.separation_ is None


def test_the_k_class_summary_says_it_too(monkeypatch):
    rng = np.random.default_rng(3)
    n = 300
    X = rng.normal(size=(n, 2))
    X[:, 0] = rng.random(n) < 0.3
    y = np.where(X[:, 0] == 1, 2, rng.integers(0, 3, size=n))  # class 2 alone at x0 = 1
    monkeypatch.setattr(separation_lp, "LP_SECONDS", 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cut = LogisticRegression(penalty=None, max_iter=50).fit(X, y)
    assert cut.separation_ == "unchecked"
    notes = _notes(cut, X, y)
    assert any(NOT_CHECKED in n and "a penalty" in n for n in notes), notes


def test_the_command_line_table_says_it(tmp_path, capsys):
    model = tmp_path / "m.json"
    args = ["fit", str(UCLA), "--target", "admit", "--penalty", "none", "-q"]
    assert main([*args, "--stream", "-o", str(model)]) == 0
    capsys.readouterr()
    assert main(["summary", str(model)]) == 0
    out = capsys.readouterr().out
    assert NOT_CHECKED in out and "--penalty firth" in out
    checked = tmp_path / "checked.json"
    assert main([*args, "-o", str(checked)]) == 0
    capsys.readouterr()
    assert main(["summary", str(checked)]) == 0
    assert NOT_CHECKED not in capsys.readouterr().out
