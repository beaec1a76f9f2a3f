"""What alpha multiplies, said where a user reads it: ``logistic fit --help``
said "mean loss + alpha times the penalty; scikit-learn's C is 1/(alpha n)"
and ``help(LogisticRegression)`` "penalty strength on the mean-loss scale",
neither saying that the L2 term is alpha·‖w‖²/2 (a reader taking alpha·‖w‖²
is off by two), that the intercept is not penalized, or that C relates through
the sum of the weights. The relation itself is checked against scikit-learn:
its objective is C Σ s_i L_i + ‖w‖²/2, so C = 1/(alpha Σs)."""

from __future__ import annotations

import re

import numpy as np

from conftest import run_cli
from logistic import LogisticRegression


def test_fit_help_states_the_objective(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    code, out, _ = run_cli(capsys, ["fit", "--help"])
    assert code == 0
    text = " ".join(re.sub(r"[│╭╰─╮╯]", " ", out).split())
    assert "(1 - l1_ratio)·‖w‖²/2" in text and "l2: alpha·‖w‖²/2" in text
    assert "intercept not penalized" in text
    assert "1/(alpha x sum of weights)" in text


def test_estimator_docstring_states_the_objective():
    doc = " ".join(LogisticRegression.__doc__.split())
    assert "(1 - l1_ratio)/2·‖w‖²" in doc and "the intercept not penalised" in doc


def test_the_stated_scale_is_scikit_learns(rng):
    from sklearn.linear_model import LogisticRegression as SK

    X = rng.standard_normal((200, 3))
    y = (rng.random(200) < 1 / (1 + np.exp(-X @ [1.0, -1.0, 0.5]))).astype(int)
    s = rng.random(200) * 2
    alpha = 0.05
    ours = LogisticRegression(penalty="l2", alpha=alpha).fit(X, y, sample_weight=s)
    ref = SK(C=1 / (alpha * s.sum()), tol=1e-12, max_iter=10_000).fit(X, y, sample_weight=s)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-7)
