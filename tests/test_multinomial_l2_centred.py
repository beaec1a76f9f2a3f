"""K-class L2 fits return coefficients centred across the classes
(``Σ_k coef_[k, j] = 0``), the penalized optimum's own condition.

An ML engineer's trial fitted three classes with L2 (``C=1``) on float32 X
whose second column has a spread of 1e4. The likelihood does not see a shift
of a column's coefficients common to every class; only the penalty does, and
in the standardized coordinates the solvers stop in, such a shift of a
column of large spread costs almost nothing, so Newton's float32 fit stopped
within its tolerance holding one: that column's coefficients were about
-0.0030 for every class where scikit-learn's are -3.7e-5, 7.3e-5, -3.6e-5
(forty times too large, one sign flipped), although every probability was
right. The reference is scikit-learn's ``LogisticRegression(C=1,
solver="newton-cholesky")`` on the same data in float64, whose coefficients
sum to 0 over the classes (docs/multinomial.md: the symmetric
parametrization).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.linear_model import LogisticRegression as SkLogisticRegression  # noqa: E402

from logistic import LogisticRegression  # noqa: E402


def _data():
    rng = np.random.default_rng(0)
    n = 2000
    X = rng.normal(size=(n, 3)) * [1.0, 1e4, 100.0] + [0.0, 0.0, 1000.0]
    z = np.c_[np.zeros(n), X[:, 0] + X[:, 1] / 1e4, -X[:, 0] + (X[:, 2] - 1000) / 100]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    y = (rng.uniform(size=(n, 1)) > np.cumsum(p, axis=1)).sum(axis=1)
    return X, y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("solver", ["auto", "lbfgs", "newton-cg"])
def test_coefficients_are_scikit_learns_centred_ones(dtype, solver):
    X, y = _data()
    ref = SkLogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12).fit(X, y)
    assert np.abs(ref.coef_.sum(axis=0)).max() < 1e-9
    model = LogisticRegression(penalty="l2", C=1.0, solver=solver).fit(X.astype(dtype), y)
    coef = model.coef_.astype(np.float64)
    # each column to a part in 1e4 of its largest coefficient (float32 X: the
    # solver's float32 tolerance; float64 to far better)
    scale = np.abs(ref.coef_).max(axis=0)
    np.testing.assert_array_less(np.abs(coef - ref.coef_) / scale, 1e-4)
    np.testing.assert_array_less(np.abs(coef.sum(axis=0)) / scale, 1e-6)


def test_objective_is_the_documented_one_at_the_centred_point():
    X, y = _data()
    model = LogisticRegression(penalty="l2", C=1.0).fit(X.astype(np.float32), y)
    W = model.coef_.astype(np.float64)
    b = model.intercept_.astype(np.float64)
    Z = X @ W.T + b
    Z -= Z.max(axis=1, keepdims=True)
    log_p = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    mean_loss = -log_p[np.arange(len(y)), y].mean()
    alpha = 1.0 / (1.0 * len(y))  # alpha = 1/(C·Σs)
    expected = mean_loss + 0.5 * alpha * np.sum(W * W)
    assert model.objective_ == pytest.approx(expected, rel=1e-6)
