"""Fits with a large offset start from the null model's intercept.

From θ = 0 the logits are the offsets: beyond ~±36 every probability is 0
or 1 to rounding, the first steps had no curvature to go by, and the
intercept alone had to cross the offset. With a constant offset of ±1e3
newton-cg stopped 860 away from the optimum after hundreds of iterations
(raw numpy overflow warnings on the way), at ±1e4 fista took ~450
iterations, at ±1e6 newton ~300, and gd, fista and newton-cg did not
converge; Firth refused the fit ("the Fisher information is singular").
:func:`logistic.solvers._start.intercept_start` starts them at the intercept
of :func:`logistic._null_intercept.null_intercept`.

Reference: statsmodels' ``GLM(y, [1, X], Binomial(), offset=o)``; for
Firth, which statsmodels lacks, its invariance: a constant offset ``c``
moves the intercept by ``-c`` and nothing else (the penalized likelihood
depends on the logits alone).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

N, P = 1000, 4
SOLVERS = ["lbfgs", "newton", "newton-cg", "newton-cd", "newton-cd-columns"]
SHIFTS = [1e3, -1e3, 1e4, -1e4, 1e6, -1e6]


def _data(mixed: bool, shift: float):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(N, P))
    noise = rng.normal(size=N) if mixed else np.zeros(N)
    z = X @ np.array([0.8, -0.5, 0.3, 0.0]) - 0.5 + noise
    y = (rng.random(N) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y, shift + noise


def _statsmodels(X, y, o):
    fit = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), offset=o)
    params = fit.fit(tol=1e-13).params
    return params[1:], params[0]


@pytest.mark.parametrize("mixed", [False, True])
@pytest.mark.parametrize("shift", SHIFTS)
@pytest.mark.parametrize("solver", [*SOLVERS, "gd", "fista"])
def test_large_offsets_fit_as_statsmodels_glm(solver, shift, mixed):
    X, y, o = _data(mixed, shift)
    coef, intercept = _statsmodels(X, y, o)
    kw = {"penalty": "l1", "alpha": 1e-12} if solver == "fista" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no convergence or stability warning
        model = LogisticRegression(solver=solver, **kw).fit(X, y, offset=o)
    assert model.converged_
    np.testing.assert_allclose(model.coef_.ravel(), coef, rtol=0, atol=1e-7)
    # the intercept is near -shift: its float64 spacing at 1e6 is 1.2e-10
    assert model.intercept_[0] == pytest.approx(intercept, rel=1e-13, abs=1e-7)


@pytest.mark.parametrize("shift", SHIFTS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_a_constant_offset_costs_no_iterations(solver, shift):
    X, y, o = _data(False, shift)
    base = LogisticRegression(solver=solver).fit(X, y)
    model = LogisticRegression(solver=solver).fit(X, y, offset=o)
    assert model.n_iter_[0] <= base.n_iter_[0] + 1


@pytest.mark.parametrize("shift", [1e3, -1e4, 1e6])
def test_firth_under_a_constant_offset_moves_the_intercept_alone(shift):
    X, y, o = _data(False, shift)
    base = LogisticRegression(penalty="firth").fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegression(penalty="firth").fit(X, y, offset=o)
    np.testing.assert_allclose(model.coef_, base.coef_, rtol=0, atol=1e-7)
    assert model.intercept_[0] == pytest.approx(base.intercept_[0] - shift, abs=1e-7)
