"""Columns whose squares overflow or underflow float64 (values beyond ~1e154 or
below ~1e-145): the fit's coefficients describe the optimum it reports, and
inference names the scale as the reason it has no standard errors.

Reference: the same fit on the columns before they were multiplied by
1e±200 (the coefficient of a column multiplied by c is divided by c), and the
mean log loss of the returned coefficients computed here with numpy.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic.inference._covariance import CollinearityError


def _data(related: bool = False):
    rng = np.random.default_rng(1)
    n = 300
    x1, x2, x3 = rng.normal(size=(3, n))
    y = (rng.random(n) < 1 / (1 + np.exp(-(x1 - 0.7 * x2)))).astype(float)
    return x1, x2, (x2 if related else x3), y


def _log_loss(X, y, m):
    z = X @ m.coef_.ravel() + m.intercept_[0]
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def _fit(X, y, solver):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticRegression(solver=solver).fit(X, y)


@pytest.mark.parametrize("solver", ["auto", "lbfgs", "newton-cg"])
@pytest.mark.parametrize("columns", ["big and tiny", "tiny only", "big only"])
def test_coefficients_are_those_of_the_reported_optimum(solver, columns):
    # The aliasing step read an information matrix holding inf (the big
    # column's squares) and replaced the coefficients by a "reduced" fit's:
    # x1 -0.05 (true ~0.95), log loss 2.25 against the reported 0.576,
    # converged_=True. Newton also stalled on the tiny column's underflowed
    # Hessian (not converged, x1 0.80).
    x1, x2, x3, y = _data()
    scale = {"big and tiny": (1e200, 1e-200), "tiny only": (1e-200, 1.0),
             "big only": (1e200, 1.0)}[columns]  # fmt: skip
    X = np.c_[x1, x2 * scale[0], x3 * scale[1]]
    m = _fit(X, y, solver)
    ref = _fit(np.c_[x1, x2, x3], y, "newton")
    assert m.converged_
    assert _log_loss(X, y, m) == pytest.approx(m.objective_, rel=1e-10)
    assert m.objective_ == pytest.approx(ref.objective_, rel=1e-9)
    expected = ref.coef_.ravel() / np.array([1.0, scale[0], scale[1]])
    np.testing.assert_allclose(m.coef_.ravel(), expected, rtol=1e-5)


def test_related_big_and_tiny_columns():
    x1, x2, x3, y = _data(related=True)
    X = np.c_[x1, x2 * 1e200, x3 * 1e-200]
    m = _fit(X, y, "auto")
    assert _log_loss(X, y, m) == pytest.approx(m.objective_, rel=1e-10)


def test_inference_names_the_scale():
    x1, x2, x3, y = _data()
    X = np.c_[x1, x2 * 1e200, x3 * 1e-200]
    m = _fit(X, y, "auto")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no numpy warning leaks
        with pytest.raises(CollinearityError) as info:
            m.inference().bse  # noqa: B018
    assert info.value.reason == "scale"
    text = str(info.value)
    assert "'x2' holds values whose squares overflow" in text
    assert "'x3' holds values whose squares are too small for float64" in text
    assert "no information" not in text


@pytest.mark.parametrize("factor", [1e-148, 1e-150])
def test_small_columns_whose_information_is_normal_get_standard_errors(factor):
    # 1e-150² · 300 / 4 ≈ 1e-298: normal float64, computed exactly. A first
    # version refused these as underflowing (review).
    x1, x2, x3, y = _data()
    m = _fit(np.c_[x1, x2, x3 * factor], y, "newton")
    ref = _fit(np.c_[x1, x2, x3], y, "newton")
    bse = m.inference().bse
    np.testing.assert_allclose(bse[3] * factor, ref.inference().bse[3], rtol=1e-6)  # x3


def test_multinomial_overflow_names_the_scale():
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(size=300), rng.normal(size=300) * 1e200]
    y = rng.integers(0, 3, 300)
    m = _fit(X, y, "auto")
    with pytest.raises(CollinearityError) as info:
        m.inference().bse  # noqa: B018
    assert info.value.reason == "scale"
    assert "overflow" in str(info.value)


@pytest.mark.parametrize("n", [14, 50, 500])
def test_a_tiny_column_beside_a_column_of_zeros_keeps_newton_quick(n):
    # the factorization fails for the zero column; the tiny column (whose
    # squares underflow) took the whole fit to steepest descent (776, 107 and
    # 182 iterations where the damped Newton of before took 6, 4 and 5:
    # numerical fuzz of this change). Only the tiny column's part is steepest
    # descent, where the other columns' Hessian factors.
    rng = np.random.default_rng(1)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    X = np.column_stack([x1, np.zeros(n), x2, 1e-155 * rng.normal(size=n)])
    y = (rng.random(n) < 1 / (1 + np.exp(-x1 + x2))).astype(int)
    m = _fit(X, y, "newton")
    assert m.converged_ and m.n_iter_[0] <= 20


def test_a_column_of_zeros_is_not_called_too_small():
    # beside an overflowing column, a column of zeros was listed among those
    # "whose squares are too small" (numerical fuzz of this change)
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=200), np.zeros(200), 1e160 * rng.normal(size=200)])
    y = (rng.random(200) < 0.5).astype(int)
    m = _fit(X, y, "lbfgs")
    with pytest.raises(CollinearityError) as info:
        m.inference().bse  # noqa: B018
    assert info.value.reason == "scale"
    assert info.value.columns == ["x3"]
