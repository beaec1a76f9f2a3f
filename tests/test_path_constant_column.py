"""A path point is the single fit at its strength also with a constant column
beside the intercept: the path's views are the ones a single fit builds (the
solver's ``view_of`` with the fit's L1 strength), so such a column is centred
under an L1 term as there, its coordinate moving no logit.

Before, the path built the restricted solver's view without the L1 strength:
about 0 the constant column's standardized coordinate copies the intercept,
which the loss cannot tell apart, and ``fista`` stopped with that column's
coefficient at -1.5e-4 (its optimum 0; the intercept off by 0.15 to make up
for it) after 55 iterations, 2.9e-3 from the single fit's coefficients
(``newton-cd``: 9.7e-6); a one-point path now takes the single fit's
iterations to the same coefficients (32, ``newton-cd`` 9).

Reference: scikit-learn's ``LogisticRegression`` (saga, L1, tight tol) on the
centred columns, where the constant column is all zero and the intercept is
not penalized: the same slopes, the constant column's coefficient 0.
"""

from __future__ import annotations

import numpy as np
import pytest

import logistic

sklearn_lm = pytest.importorskip("sklearn.linear_model")
sklearn_datasets = pytest.importorskip("sklearn.datasets")


def _iris_with_constant():
    """Iris versicolor against virginica (not separable) beside a column of 1e3."""
    X, y = sklearn_datasets.load_iris(return_X_y=True)
    keep = y > 0
    X = np.column_stack([X[keep], np.full(keep.sum(), 1e3)])
    return X, (y[keep] == 2).astype(float)


@pytest.mark.parametrize("screening", [True, False])
@pytest.mark.parametrize("solver", ["fista", "newton-cd"])
def test_l1_path_point_is_the_single_fit_with_a_constant_column(solver, screening):
    X, y = _iris_with_constant()
    n, C = len(y), 100.0
    alpha = 1.0 / (C * n)  # the path's mean-loss scale against scikit-learn's C
    result = logistic.path(
        X, y, [alpha], l1_ratio=1.0, solver=solver, tol=1e-6, max_iter=5000,
        screening=screening,
    )  # fmt: skip
    assert result.converged.all()
    coef, intercept = result.coefs[-1], float(result.intercepts[-1])
    sk = sklearn_lm.LogisticRegression(
        C=C, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=200_000
    ).fit(X - X.mean(axis=0), y)
    sk_coef = sk.coef_[0]
    assert sk_coef[-1] == 0.0  # an all-zero column under L1
    sk_intercept = float(sk.intercept_[0] - X.mean(axis=0) @ sk_coef)
    # the constant column's coefficient is at its optimum, not a share of the
    # intercept
    assert coef[-1] == 0.0
    np.testing.assert_allclose(coef, sk_coef, atol=2e-3)
    assert abs(intercept - sk_intercept) < 2e-2
    single = logistic.LogisticRegression(
        penalty="l1", C=C, solver=solver, tol=1e-6, max_iter=5000
    ).fit(X, y)
    # the same iterations in the same coordinates: the single fit's point
    # (2.9e-3 apart before with fista, 9.7e-6 with newton-cd)
    np.testing.assert_allclose(coef, single.coef_[0], rtol=0, atol=1e-9)
    assert result.n_iter[-1] == single.n_iter_[0]
