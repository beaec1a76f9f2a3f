"""A float32 CSR X with a column of values near float32's largest
(ordinary values times 2^126, up to ~3e38): a block's ``Xᵀ r`` (scipy's
product, in float32) overflowed where its sum went past 3.4e38, so fista's
Lipschitz estimate was NaN (numpy's "invalid value encountered in divide")
and fista, like newton-cg (whose Hessian-vector products are such sums),
ended unconverged, where the same values in float64 converge. The sums are
taken again in float64 where one is beyond float32's range. Reference: statsmodels' ``Logit`` on the float32
values in float64 with the column divided by 2^126 (exact), compared by the
fitted probabilities."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

RNG = np.random.default_rng(6)
N, P, K = 600, 4, 126
X_PLAIN = RNG.standard_normal((N, P))
X_PLAIN[RNG.random((N, P)) < 0.4] = 0.0
Y = (RNG.random(N) < 1 / (1 + np.exp(-(X_PLAIN @ [0.8, -0.6, 0.5, 0.3] - 0.2))))
Y = Y.astype(float)
X32 = X_PLAIN.astype(np.float32)
X32[:, 2] = (X32[:, 2].astype(np.float64) * 2.0**K).astype(np.float32)


def _statsmodels_proba() -> np.ndarray:
    A = X32.astype(np.float64)
    A[:, 2] /= 2.0**K  # exact in float64: ordinary magnitudes for statsmodels
    A = sm.add_constant(A, prepend=False)
    return np.asarray(sm.Logit(Y, A).fit(disp=0, method="newton", tol=1e-12).predict(A))


@pytest.mark.parametrize("solver", ["fista", "newton-cg"])
def test_float32_csr_column_near_float32_max(solver: str) -> None:
    X = sp.csr_matrix(X32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning, no "did not converge"
        model = LogisticRegression(solver=solver).fit(X, Y)
    assert model.converged_
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], _statsmodels_proba(), atol=1e-4)
