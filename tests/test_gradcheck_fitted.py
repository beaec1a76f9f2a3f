"""``check_gradient`` with a fitted model's arrays, and at the optimum.

``check_gradient(X, y, model.coef_, model.intercept_)`` raised numpy's "only
0-dimensional arrays can be converted to Python scalars"; at the fitted
optimum it reported MISMATCH (relative error 1.0) with a correct gradient,
both sides being rounding noise (analytic ~1e-17, differences ~1e-13).
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression, check_gradient
from logistic._exceptions import InvalidParameterError
from logistic._objective import LogisticObjective


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 3))
    y = (X[:, 0] + rng.logistic(size=50) > 0).astype(int)
    return X, y, LogisticRegression().fit(X, y)


def test_fitted_arrays_are_read_and_the_optimum_passes(fitted):
    X, y, model = fitted
    check = check_gradient(X, y, model.coef_, model.intercept_)
    assert check.passed, str(check)
    assert np.max(np.abs(check.analytic)) < 1e-6  # the optimum: a gradient of ~0


def test_a_wrong_gradient_is_still_caught(fitted, monkeypatch):
    X, y, model = fitted
    true = LogisticObjective.gradient
    monkeypatch.setattr(LogisticObjective, "gradient", lambda self, t: 1.01 * true(self, t))
    assert not check_gradient(X, y, np.zeros(3)).passed  # away from the optimum
    near = model.coef_.ravel() + 1e-3
    assert not check_gradient(X, y, near, model.intercept_).passed


def test_shapes_are_named(fitted):
    X, y, _ = fitted
    with pytest.raises(InvalidParameterError, match=r"one coefficient per column of X \(3\).*got 2 and 1"):
        check_gradient(X, y, np.ones(2), 0.0)


def test_raw_columns_of_large_values_pass_and_a_wrong_gradient_fails(monkeypatch):
    """The bundled UCLA file, columns as given (gre near 600): a step of 1e-4
    in gre's coefficient moved the logits by 0.06, and the truncation error
    of the differences (the "numeric" gradient 1.7e-5 for gre at the
    optimum) read as MISMATCH 0.89 at the fitted model and ~1e-6 at ordinary
    points, with a gradient correct to 1e-15. Steps now count in logit units
    (1 / rms of the column)."""
    from logistic import datasets

    X, y, _ = datasets.load_ucla_admissions()
    model = LogisticRegression().fit(X, y)
    rng = np.random.default_rng(1)
    points = [(model.coef_, model.intercept_), (np.r_[0.001, 0, 0, 0, 0], 0.0)]
    points += [(rng.normal(size=5) * np.r_[1e-3, 0.5, 0.5, 0.5, 0.5], -1.0) for _ in range(3)]
    for w, b in points:
        check = check_gradient(X, y, w, b)
        assert check.passed, str(check)
    true = LogisticObjective.gradient
    monkeypatch.setattr(LogisticObjective, "gradient", lambda self, t: 1.001 * true(self, t))
    for w, b in points[1:]:
        assert not check_gradient(X, y, w, b).passed


@pytest.mark.parametrize("sparse", [False, True])
def test_a_column_near_float64s_limit_has_a_finite_step(sparse):
    """A column of values ~1e160: the squares of its RMS overflowed, its unit
    became 0, and with θ_j = 0 the step was 0: a relative error of NaN and a
    RuntimeWarning (the suite turns those into errors)."""
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (rng.uniform(size=200) < 0.5).astype(int)
    X[:, 2] *= 1e160
    check = check_gradient(sp.csr_matrix(X) if sparse else X, y, np.zeros(3), 0.1)
    assert np.isfinite(check.relative_error) and check.passed, str(check)
