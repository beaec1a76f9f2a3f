"""A path of ``0 < l1_ratio < 1e-3`` starts its grid where ``l1_ratio =
1e-3`` would (glmnet's convention), below ``max_j |g_j| / l1_ratio``, the
strength from which every coefficient is zero. Its points at or above the
grid's start are solved, not taken as the null model, which would give
them all zero while the optimum is not.

Reference: scikit-learn's ``LogisticRegression`` (saga, elastic net) at
``C = 1/(alpha·n)``, and the KKT condition of a zero coefficient,
``|g_j| ≤ alpha·l1_ratio`` at the null model.
"""

from __future__ import annotations

import numpy as np
import pytest

import logistic

sklearn_lm = pytest.importorskip("sklearn.linear_model")


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    z = X @ np.linspace(1, -1, 5)
    return X, (rng.random(300) < 1 / (1 + np.exp(-z))).astype(float)


@pytest.mark.parametrize("l1_ratio", [1e-5, 5e-4])
def test_points_above_the_grid_start_are_solved(l1_ratio):
    X, y = _data()
    result = logistic.path(X, y, l1_ratio=l1_ratio, n_alphas=3)
    a = float(result.alphas[0])
    # the null model's gradient breaks the KKT condition of w = 0 at a
    q = y.mean()
    g = X.T @ (q - y) / len(y)
    assert np.abs(g).max() > 1.5 * a * l1_ratio
    sk = sklearn_lm.LogisticRegression(
        C=1 / (a * len(y)), l1_ratio=l1_ratio, solver="saga", tol=1e-12,
        max_iter=100_000,
    ).fit(X, y)  # fmt: skip
    assert result.n_nonzero[0] > 0
    np.testing.assert_allclose(result.coefs[0], sk.coef_.ravel(), rtol=1e-6, atol=1e-9)
    # a given strength above the grid's start is solved too (named solver)
    given = logistic.path(X, y, alphas=[1.5 * a], l1_ratio=l1_ratio, solver="newton-cd")
    assert given.n_nonzero[0] > 0
