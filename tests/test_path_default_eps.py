"""The default sequence's ``eps`` (``alpha_min/alpha_max``) is glmnet's
``lambda.min.ratio``, whose default in glmnet's R source is
``ifelse(nobs < nvars, 1e-2, 1e-4)``: 1e-4 when there are at least as many
rows as features. With exactly as many rows as features the path (and
LogisticRegressionCV, ``logistic fit --cv``) ran down to only 1e-2 of
``alpha_max``, a hundred times short of glmnet's sequence that the docs say
it reproduces."""

from __future__ import annotations

import numpy as np
import pytest

import logistic


def _data(n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    y = (X[:, 0] + rng.standard_normal(n) > 0).astype(float)
    return X, y


@pytest.mark.filterwarnings("ignore::logistic.GridEdgeWarning")  # not the point
@pytest.mark.parametrize(
    ("n", "p", "glmnet_ratio"), [(30, 29, 1e-4), (30, 30, 1e-4), (30, 31, 1e-2)]
)
def test_default_eps_is_glmnets(n: int, p: int, glmnet_ratio: float) -> None:
    X, y = _data(n, p)
    result = logistic.path(X, y, n_alphas=5)
    np.testing.assert_allclose(result.alphas[-1] / result.alphas[0], glmnet_ratio)
    cv = logistic.LogisticRegressionCV(penalty="l1", n_alphas=5, cv=3).fit(X, y)
    np.testing.assert_allclose(cv.alphas_.min() / cv.alphas_.max(), glmnet_ratio)
