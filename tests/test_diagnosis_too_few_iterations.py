"""A fit stopped by a small max_iter while its gradient still fell is told so,
with about how many more iterations would reach tol; a gradient stalled on a
plateau is still slow convergence.

The message said "slow convergence (an ill-conditioned problem for solver
'gd')" of a six-row problem whose optimum is known by hand (x = 0: 1 of 3
positive, x = 1: 2 of 3, so b = log(1/2) and w = log 2 - log(1/2)): the
problem is well conditioned, max_iter=2 was too small.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from logistic import ConvergenceWarning, LogisticRegression


def _warning(model, X, y):
    with pytest.warns(ConvergenceWarning) as rec:
        model.fit(X, y)
    return " ".join(str(w.message) for w in rec if w.category is ConvergenceWarning)


def test_max_iter_too_small_names_the_iterations_left():
    X = np.array([0.0, 0, 0, 1, 1, 1])[:, None]
    y = np.array([0, 0, 1, 0, 1, 1])
    full = LogisticRegression(solver="gd").fit(X, y)
    np.testing.assert_allclose(full.intercept_, [np.log(0.5)], rtol=1e-9)
    np.testing.assert_allclose(full.coef_, [[2 * np.log(2.0)]], rtol=1e-9)
    msg = _warning(LogisticRegression(solver="gd", max_iter=2), X, y)
    assert "Likely cause: too few iterations" in msg
    assert "2 iterations are too few to tell how many more it needs" in msg
    assert "ill-conditioned" not in msg
    # ten iterations of a rate that holds: the estimate is the iterations left
    msg = _warning(LogisticRegression(solver="gd", max_iter=10), X, y)
    found = re.search(r"if it keeps that rate, about (\d+) more iterations? reach", msg)
    assert int(found.group(1)) == int(full.n_iter_[0]) - 10


def test_a_plateau_is_still_slow_convergence():
    # two columns equal to 1e-3 of their spread, the label driven by their
    # difference: gd's gradient sits near 2e-5 from about iteration 10 on
    rng = np.random.default_rng(0)
    a = rng.normal(size=2000)
    X = np.c_[a, a + 1e-3 * rng.normal(size=2000)]
    y = (rng.random(2000) < 1 / (1 + np.exp(-(a + 300 * (X[:, 1] - a))))).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the separation check's own warnings
        msg = _warning(LogisticRegression(solver="gd", max_iter=200), X, y)
    assert "Likely cause: slow convergence (an ill-conditioned problem" in msg


def test_lbfgs_stopped_by_scipy_is_not_told_to_raise_max_iter():
    # tol=0 is below every fit's floor: scipy's L-BFGS-B (ftol=0) stops itself
    # on the UCLA data after 14 of 1000 iterations ("CONVERGENCE: RELATIVE
    # REDUCTION OF F <= FACTR*EPSMCH": a step that did not decrease J); the
    # warning said "too few iterations ... increase max_iter", as gd and
    # newton do not at the same floor
    from logistic import datasets

    X, y, _ = datasets.load_ucla_admissions()
    model = LogisticRegression(solver="lbfgs", tol=0.0, max_iter=1000)
    msg = _warning(model, X, y)
    assert model.n_iter_[0] < 1000
    assert "L-BFGS-B stopped" in model.fit_status_
    assert "increase max_iter" not in msg
    assert "too few iterations" not in msg and "slow convergence" not in msg
    assert "Likely cause: conditioning" in msg and "loosen tol" in msg


def test_a_rate_near_one_is_shown_below_one():
    # gd on unscaled columns like ISLR's Default data (student, balance,
    # income; 3 % positive): after 400 iterations the gradient falls by
    # ×0.996 an iteration, which the message printed with two significant
    # digits as "still falling (×1 an iteration lately)"
    rng = np.random.default_rng(0)
    n = 2000
    student = (rng.random(n) < 0.3).astype(float)
    income = np.where(
        student == 1, rng.normal(17000, 5000, n), rng.normal(40000, 10000, n)
    )
    balance = np.abs(rng.normal(835, 480, n))
    z = -10.9 + 0.0057 * balance - 0.65 * student + 3e-6 * income
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    X = np.c_[student, balance, income]
    msg = _warning(LogisticRegression(solver="gd", max_iter=400), X, y)
    found = re.search(r"still falling \(×([0-9.e-]+) an iteration lately\)", msg)
    assert found, msg
    assert 0.99 < float(found.group(1)) < 1.0


def test_a_fall_of_one_ulp_has_no_rate():
    # the second half of a 10-iteration history falls by one ulp: its rate
    # per iteration, (1 - 2**-53)**(1/5), rounds to 1.0, and the estimate
    # divided by log(1.0) = 0 (a numpy RuntimeWarning, then OverflowError
    # from int(-inf) inside fit's ConvergenceWarning); it is a plateau
    from logistic.solvers._diagnosis import _iterations_left

    g0 = 1e-3
    history = [{"iter": i, "grad_max_norm": g0} for i in range(11)]
    history[-1]["grad_max_norm"] = float(np.nextafter(g0, 0.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _iterations_left(history, history[-1]["grad_max_norm"], 1e-10) is None
