"""The separation check's linear program has a time budget.

An unpenalized fit of 100 000 × 15 000 sparse rows at 0.1 % (1.5 million
values, under the program's 5-million-value limit) finished its solver in
0.3 s and then spent more than 8 minutes in scipy's HiGHS (a trial's run was
killed at 590 s). The programs now get ``LP_SECONDS`` in all: one cut short
leaves the fitted logits' criterion, and without complete separation there
the fit's ``separation_`` is ``"unchecked"`` (as for data not in memory),
with a warning. The budget is made 0 here so that the cut is certain.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import logistic._separation_lp as separation_lp
from logistic import LogisticRegression


def _quasi_separated(n: int = 400, seed: int = 0):
    # a centred dummy x0 = 0.5 gives y = 1 always; x0 = -0.5 has both
    # classes: quasi-complete separation along x0 + 0.5, which needs the
    # intercept, so that no single column separates
    # (logistic._separation_columns) and only the program finds it
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    X[:, 0] = (rng.random(n) < 0.3) - 0.5
    y = np.where(X[:, 0] > 0, 1, (rng.random(n) < 0.4).astype(int))
    return X, y


def test_a_check_out_of_time_is_unchecked_and_said(monkeypatch):
    X, y = _quasi_separated()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        full = LogisticRegression(max_iter=50).fit(X, y)
    assert full.separation_ == "quasi-complete"  # with time, the program finds it
    monkeypatch.setattr(separation_lp, "LP_SECONDS", 0.0)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        cut = LogisticRegression(max_iter=50).fit(X, y)
    assert cut.separation_ == "unchecked"
    texts = [str(w.message) for w in rec]
    assert any(
        "separation check's linear program on 400 × 3 was stopped after 0 s" in t
        and "quasi-complete separation is not ruled out" in t
        for t in texts
    ), texts
    # the estimates are the solver's either way: only the verdict differs
    np.testing.assert_array_equal(cut.coef_, full.coef_)


def test_complete_separation_is_still_found_from_the_logits(monkeypatch):
    # every fitted margin beyond the logit rule's 30: complete separation
    # whatever the program's time (statsmodels' criterion); x0 is positive
    # on every row, so that no single column separates without the intercept
    from logistic._separation import detect_separation

    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 2))
    X[:, 0] += np.where(X[:, 0] > 0, 0.5, -0.5) + 10  # a gap around 10
    y = (X[:, 0] > 10).astype(float)
    monkeypatch.setattr(separation_lp, "LP_SECONDS", 0.0)
    coef = np.array([1000.0, 0.0])
    report = detect_separation(X, y, None, coef, -10000.0, converged=False)
    assert report is not None and report.kind == "complete"
    assert report.n_separated == 300 and report.n_boundary == 0
    with pytest.raises(separation_lp.LPCutShort):  # margins below the rule
        detect_separation(X, y, None, np.array([1.0, 0.0]), -10.0, converged=False)


def test_highs_time_limit_raises():
    rng = np.random.default_rng(2)
    D = rng.normal(size=(3000, 200))
    sign = np.where(rng.random(3000) < 0.5, -1.0, 1.0)
    import time

    with pytest.raises(separation_lp.LPCutShort):
        separation_lp._lp_direction(D, sign, time.monotonic() + 1e-6)


def test_the_k_class_check_out_of_time_is_unchecked_and_said(monkeypatch):
    # three classes, one of them alone where a dummy is 1: the K-class
    # program finds the quasi-separation with time, not without
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 3))
    X[:, 0] = rng.random(300) < 0.3
    y = np.where(X[:, 0] == 1, 2, rng.integers(0, 3, 300))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = LogisticRegression(max_iter=30).fit(X, y)
    assert full.separation_ in ("complete", "quasi-complete")
    monkeypatch.setattr(separation_lp, "LP_SECONDS", 0.0)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        cut = LogisticRegression(max_iter=30).fit(X, y)
    assert cut.separation_ == "unchecked"
    assert any("linear program on 300 × 3 was stopped after 0 s" in str(w.message) for w in rec)
