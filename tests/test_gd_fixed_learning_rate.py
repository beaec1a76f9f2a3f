"""Gradient descent with a fixed ``learning_rate``: the textbook update.

The derivation the library starts from is ``θ ← θ - α ∇J(θ)`` with
``J = (1/m) Σ L`` and ``∂J/∂w_j = (1/m) Σ (h(x_i) - y_i) x_ij``. With the
option ``learning_rate`` the ``gd`` solver takes exactly those steps (no line
search), so a student's own loop and the library's iterates agree; a step too
large for the data stops the fit as diverged instead of running away.

References: the update written out below in numpy (the course's loop,
independent of the library's objective and kernels), and statsmodels'
``Logit`` maximum-likelihood estimate for where the iterates converge.
"""

from __future__ import annotations

import numpy as np
import pytest

import logistic.solvers
from logistic import ConvergenceWarning, LogisticObjective, datasets
from logistic._exceptions import InvalidParameterError
from logistic.solvers.gradient_descent import FIXED_STEP_DIVERGED


def _ucla_scaled():
    """UCLA admissions (gre, gpa, rank as a number) z-scored by hand, so that a
    learning rate of order 1 suits the data's own coordinates."""
    X, y, _ = datasets.load_ucla_admissions()
    X = np.asarray(X, dtype=float)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, np.asarray(y, dtype=float)


def _textbook_loop(X, y, alpha, n_steps):
    """The course's batch gradient descent on J = mean cross-entropy."""
    m = len(y)
    Xb = np.column_stack([X, np.ones(m)])  # bias last, as the library orders θ
    theta = np.zeros(Xb.shape[1])
    values = []
    for _ in range(n_steps):
        h = 1.0 / (1.0 + np.exp(-Xb @ theta))
        values.append(-np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)))
        theta = theta - alpha * Xb.T @ (h - y) / m
    return theta, values


def _solve(X, y, max_iter, **options):
    obj = LogisticObjective.from_arrays(X, y)
    return logistic.solvers.solve(
        "gd",
        obj,
        np.zeros(X.shape[1] + 1),
        tol=1e-12,
        max_iter=max_iter,
        options={"standardize": False, **options},
    )


def test_iterates_are_the_textbook_loops():
    X, y = _ucla_scaled()
    theta, values = _textbook_loop(X, y, alpha=0.5, n_steps=25)
    with pytest.warns(ConvergenceWarning, match="max_iter=25"):
        res = _solve(X, y, max_iter=25, learning_rate=0.5)
    assert res.n_iter == 25 and not res.converged
    np.testing.assert_allclose(res.coef, theta, rtol=1e-12, atol=1e-14)
    # the history's objective is J at each iterate (iteration 0: the start)
    got = [h["objective"] for h in res.history[:25]]
    np.testing.assert_allclose(got, values, rtol=1e-12)
    assert {h["step"] for h in res.history[1:]} == {0.5}


def test_weighted_iterates_are_the_loop_on_the_weighted_mean():
    """With frequency weights s, J is (1/Σs) Σ s_i L_i (README): the loop on
    that weighted mean, written out here, gives the library's iterates."""
    X, y = _ucla_scaled()
    s = np.random.default_rng(0).integers(1, 4, size=len(y)).astype(float)
    Xb = np.column_stack([X, np.ones(len(y))])
    theta = np.zeros(Xb.shape[1])
    for _ in range(10):
        h = 1.0 / (1.0 + np.exp(-Xb @ theta))
        theta = theta - 0.5 * Xb.T @ (s * (h - y)) / s.sum()
    obj = LogisticObjective.from_arrays(X, y, sample_weight=s)
    with pytest.warns(ConvergenceWarning, match="max_iter=10"):
        res = logistic.solvers.solve(
            "gd", obj, np.zeros(Xb.shape[1]), tol=1e-12, max_iter=10,
            options={"standardize": False, "learning_rate": 0.5},
        )  # fmt: skip
    np.testing.assert_allclose(res.coef, theta, rtol=1e-12, atol=1e-14)


def test_one_pass_an_iteration():
    """No line search and no Lipschitz estimate: the fixed step costs one
    value+gradient pass an iteration (the line search's first fit spends
    power-iteration passes before its first step)."""
    X, y = _ucla_scaled()
    with pytest.warns(ConvergenceWarning):
        fixed = _solve(X, y, max_iter=10, learning_rate=0.5)
        searched = _solve(X, y, max_iter=10)
    passes = [h["n_passes"] for h in fixed.history]
    assert np.all(np.diff(passes) == 1), passes
    assert searched.history[0]["n_passes"] > fixed.history[0]["n_passes"]


def test_converges_to_the_maximum_likelihood_estimate():
    sm = pytest.importorskip("statsmodels.api")
    X, y = _ucla_scaled()
    ref = sm.Logit(y, np.column_stack([X, np.ones(len(y))])).fit(disp=0, tol=1e-12)
    res = _solve(X, y, max_iter=20_000, learning_rate=1.0)
    assert res.converged, res.status
    np.testing.assert_allclose(res.coef, ref.params, rtol=1e-7, atol=1e-9)


def test_a_step_too_large_stops_as_diverged_at_the_lowest_point():
    X, y = _ucla_scaled()
    noise = np.random.default_rng(0).normal(size=len(y))
    X = np.column_stack([X, 30.0 * (X[:, 0] + noise)])  # a large column: L ≫ 1
    with pytest.warns(ConvergenceWarning, match="smaller learning_rate") as caught:
        res = _solve(X, y, max_iter=500, learning_rate=5.0, patience=5)
    assert "learning_rate is too large" in str(caught[0].message)
    assert not res.converged
    assert res.status == FIXED_STEP_DIVERGED
    assert res.n_iter < 500
    # the returned point is the lowest objective the iterates reached
    values = [h["objective"] for h in res.history]
    assert res.objective == pytest.approx(min(values), rel=1e-12)
    assert np.isfinite(res.coef).all()


def test_a_small_rate_never_reports_divergence():
    X, y = _ucla_scaled()
    with pytest.warns(ConvergenceWarning, match="max_iter=300"):
        res = _solve(X, y, max_iter=300, learning_rate=0.01)
    assert res.status != FIXED_STEP_DIVERGED
    values = [h["objective"] for h in res.history]
    assert np.all(np.diff(values) <= 0)  # below 1/L: a descent at every step


@pytest.mark.parametrize("rate", [0, -0.1, float("nan"), float("inf")])
def test_bad_rates_are_refused_naming_the_option(rate):
    X, y = _ucla_scaled()
    with pytest.raises(InvalidParameterError, match="learning_rate"):
        _solve(X, y, max_iter=5, learning_rate=rate)


def test_estimator_gd_without_the_option_is_unchanged():
    """The line search stays the default: its first step is not a fixed 1.0."""
    X, y = _ucla_scaled()
    with pytest.warns(ConvergenceWarning):
        res = _solve(X, y, max_iter=5)
    assert res.history[1]["step"] != 1.0


def test_a_rate_too_small_is_named_as_the_cause():
    """A fixed step far below 1/L stops at max_iter having hardly moved: the
    warning names the step (not an ill-conditioned problem) and a larger
    learning_rate as the remedy. The textbook loop shows the same crawl: its
    gradient after 300 steps of 1e-6 is still above 99 % of its start's."""
    X, y = _ucla_scaled()
    m = len(y)
    Xb = np.column_stack([X, np.ones(m)])
    theta, _ = _textbook_loop(X, y, alpha=1e-6, n_steps=300)
    h = 1.0 / (1.0 + np.exp(-Xb @ theta))
    start = np.abs(Xb.T @ (0.5 - y) / m).max()
    assert np.abs(Xb.T @ (h - y) / m).max() > 0.99 * start
    with pytest.warns(ConvergenceWarning) as caught:
        _solve(X, y, max_iter=300, learning_rate=1e-6)
    msg = str(caught[0].message)
    assert "steps too short" in msg and "a larger learning_rate" in msg
    assert "ill-conditioned" not in msg
    # a step that moves, yet too short for 300 iterations: slow convergence,
    # with a larger learning_rate among the remedies
    with pytest.warns(ConvergenceWarning) as caught:
        _solve(X, y, max_iter=300, learning_rate=0.01)
    msg = str(caught[0].message)
    assert "at the fixed learning_rate" in msg and "a larger learning_rate" in msg


def test_a_fit_cut_short_by_max_iter_does_not_blame_the_step():
    """Two steps of 1.0 (a rate that converges, above) leave the gradient
    above half its start's (the textbook loop: 57 %), as steps too short
    would: after so few iterations the warning names max_iter, not the step."""
    X, y = _ucla_scaled()
    m = len(y)
    Xb = np.column_stack([X, np.ones(m)])
    theta, _ = _textbook_loop(X, y, alpha=1.0, n_steps=2)
    h = 1.0 / (1.0 + np.exp(-Xb @ theta))
    start = np.abs(Xb.T @ (0.5 - y) / m).max()
    assert np.abs(Xb.T @ (h - y) / m).max() > 0.5 * start
    with pytest.warns(ConvergenceWarning) as caught:
        _solve(X, y, max_iter=2, learning_rate=1.0)
    msg = str(caught[0].message)
    assert "steps too short" not in msg and "increase max_iter" in msg
