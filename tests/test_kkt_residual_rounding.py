"""The stopping norm of the L1-capable solvers (``kkt_residual``, and the
compiled ``kkt_standardized`` of newton-cd-columns) is ``θ − prox(θ − g)``
in exact arithmetic, not as rounded in floating point: formed as that
difference it rounds a gradient below half of θ's rounding unit to 0, so
newton-cd, fista and newton-cd-columns would stop at ``tol=0`` with
``converged_=True`` and ``grad_max_norm_ == 0.0`` and a gradient of 3e-17
left (Newton and L-BFGS, which take ``max |g|``, report it).

References: the residual in exact rational arithmetic (``fractions``), and
the gradient of the mean log-loss written out in numpy.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest

from logistic import ConvergenceWarning, LogisticRegression
from logistic.solvers._base import kkt_residual


def _exact(theta, grad, weights):
    """``max |θ − sign(x)·max(|x| − w, 0)|`` with ``x = θ − g``, exactly."""
    out = Fraction(0)
    for t, g, w in zip(theta, grad, weights, strict=True):
        t, g, w = Fraction(float(t)), Fraction(float(g)), Fraction(float(w))
        x = t - g
        prox = 0 if abs(x) <= w else (x - w if x > 0 else x + w)
        out = max(out, abs(t - prox))
    return out


CASES = [
    # a gradient far below θ's rounding unit, without and with L1 weights
    ([1.0, -2.5, 1e6], [3e-17, -1e-18, 2e-12], [0.0, 0.0, 0.0]),
    ([1.0, -2.5, 1e6, 0.0], [-0.5 + 3e-17, 0.25, 2e-12, 0.1], [0.5, 0.25, 0.0, 0.3]),
    # an ordinary point: the prox zeroes coordinates, moves others
    ([0.3, 0.0, -0.7], [0.2, 0.05, -0.9], [0.1, 0.1, 0.2]),
]


@pytest.mark.parametrize(("theta", "grad", "weights"), CASES)
def test_kkt_residual_is_the_exact_residual(theta, grad, weights):
    theta, grad, weights = map(np.array, (theta, grad, weights))
    got = kkt_residual(theta, grad, weights)
    assert got == pytest.approx(float(_exact(theta, grad, weights)), rel=1e-15)


@pytest.mark.parametrize("l1", [0.0, 0.5])
def test_compiled_kkt_residual_is_the_exact_residual(l1):
    from logistic.solvers.column_cd import cd_kernel

    k = cd_kernel()
    if k is None:
        pytest.skip("compiled coordinate-descent kernels not built")
    theta = np.array([1.0, -2.5, 1e6, 0.0, 0.3])
    grad = np.array([-0.5 + 3e-17, 1e-18, 2e-12, 0.1, 0.2])
    K = theta.size
    # inv_scale 1, no column means, no L2, intercept gradient 0: the kernel's
    # θ is w and its ĝ is g_loss
    g = np.empty(K)
    got = k.kkt_standardized(grad, theta, 0.0, 0.0, np.zeros(K), np.ones(K), l1, g)
    expected = _exact(theta, grad, np.full(K, l1))
    assert got == pytest.approx(float(expected), rel=1e-15)


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    z = X @ np.linspace(1, -1, 5)
    y = (rng.random(200) < 1 / (1 + np.exp(-z))).astype(float)
    return X, y


@pytest.mark.parametrize("solver", ["newton-cd", "fista", "newton-cd-columns"])
def test_tol_zero_reports_the_gradient_left(solver):
    """At ``tol=0`` the fit ends at the rounding floor: the stopping norm it
    reports is the gradient's (within rounding of a numpy recomputation),
    not 0, and it does not claim convergence, as Newton does not."""
    X, y = _data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = LogisticRegression(solver=solver, tol=0).fit(X, y)
    z = X @ m.coef_.ravel() + m.intercept_[0]
    r = 1 / (1 + np.exp(-z)) - y
    # standardized coordinates: column j times its standard deviation; the
    # intercept's coordinate is the intercept's gradient (centred columns)
    g = np.r_[(X.T @ r) / len(y) * X.std(axis=0), r.mean()]
    assert np.abs(g).max() > 0
    assert m.grad_max_norm_ > 0
    assert m.grad_max_norm_ < 100 * np.finfo(float).eps
    assert not m.converged_
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)
