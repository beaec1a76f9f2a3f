"""The L-BFGS wrapper's bookkeeping (`solvers/lbfgs.py`): no point evaluated
twice, the stopping norm doubling as the finiteness test, non-finite values
still reported.

Reference for the fitted optimum: scikit-learn's
``LogisticRegression(solver="newton-cholesky")`` at ``tol=1e-12`` on the same
data and penalty (C = 1).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from conftest import data_path, load_libsvm
from logistic import LogisticRegression
from logistic._exceptions import NumericalError
from logistic._objective import LogisticObjective
from logistic.solvers import lbfgs as lbfgs_module
from logistic.solvers.lbfgs import LBFGS


@pytest.fixture(scope="module")
def a9a():
    return load_libsvm(data_path("a9a", "a9a.gz"), 123, max_rows=5000)


def _record_points(monkeypatch):
    """Every point at which the objective computes a value, in order."""
    points: list[np.ndarray] = []
    vg, value = LogisticObjective.value_and_gradient, LogisticObjective.value

    def recording_vg(self, theta, *args, **kwargs):
        points.append(np.array(theta))
        return vg(self, theta, *args, **kwargs)

    def recording_value(self, theta, *args, **kwargs):
        points.append(np.array(theta))
        return value(self, theta, *args, **kwargs)

    monkeypatch.setattr(LogisticObjective, "value_and_gradient", recording_vg)
    monkeypatch.setattr(LogisticObjective, "value", recording_value)
    return points


def test_no_point_is_evaluated_twice_through_the_polish(a9a, monkeypatch):
    X, y = a9a
    points = _record_points(monkeypatch)
    # a cut after one flat value and a tolerance below what value comparisons
    # resolve: scipy is stopped at the floor and the Newton-CG polish runs
    monkeypatch.setattr(lbfgs_module, "FLAT_EVALUATIONS", 1)
    model = LogisticRegression(penalty="l2", C=1.0, solver="lbfgs", tol=1e-14)
    model.fit(X, y)
    assert any(entry.get("polish") for entry in model.history_), "no polish step"
    # scipy's first call repeats the start, the polish starts where scipy
    # stopped and each of its steps is checked where it lands: each of those
    # points is evaluated once
    seen = {p.tobytes() for p in points}
    assert len(seen) == len(points) > 0
    ref = SkLogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-6)


def _problem(rng, n=200, p=4):
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ np.arange(1, p + 1)))).astype(float)
    return LogisticObjective.from_arrays(X, y, l2=1.0 / n)


def test_a_nan_gradient_raises_with_the_last_finite_point(rng, monkeypatch):
    objective = _problem(rng)
    vg = LogisticObjective.value_and_gradient
    calls = {"n": 0}

    def nan_on_fourth(self, theta, *args, **kwargs):
        calls["n"] += 1
        f, g = vg(self, theta, *args, **kwargs)
        if calls["n"] == 4:
            g = g.copy()
            g[1] = np.nan  # the value stays finite: only the gradient tells
        return f, g

    monkeypatch.setattr(LogisticObjective, "value_and_gradient", nan_on_fourth)
    with pytest.raises(NumericalError) as info:
        LBFGS(tol=1e-10).solve(objective, np.zeros(objective.n_params))
    assert np.all(np.isfinite(info.value.last_finite_coef))
    assert calls["n"] == 4


def test_an_infinite_stopping_norm_of_a_finite_gradient_is_no_error(rng, monkeypatch):
    """The stopping norm is only the quick test: a finite value and gradient
    whose norm overflows (a gradient mapped beyond float64's range) pass, a
    NaN in the gradient raises."""
    objective = _problem(rng)
    solver = LBFGS(tol=1e-10)
    fit = solver.begin(objective)
    ev = lbfgs_module._Evaluations(solver, fit, np.zeros(objective.n_params))
    g = np.full(objective.n_params, 1e308)
    monkeypatch.setattr(type(fit.view), "value_and_gradient", lambda self, x: (1.0, g))
    monkeypatch.setattr(fit, "residual", lambda x, grad: float(np.max(grad)) * 10.0)
    f, g_out = ev(np.ones(objective.n_params))
    assert f == 1.0 and g_out is g
    assert ev.residual(ev.x) == np.inf
    g[0] = np.nan
    with pytest.raises(NumericalError):
        ev(np.full(objective.n_params, 2.0))
