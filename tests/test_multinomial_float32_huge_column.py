"""A K-class fit on a float32 X with a column of values near float32's
largest (ordinary values times 2^126, up to ~3e38): a block's ``Rᵀ X`` was
summed in float32 and overflowed past 3.4e38, so every solver stopped with
NumericalError at iteration 0 (the binary ``Xᵀ r`` sums in float64). The sums
are taken again in float64 where one is beyond float32's range. Reference:
statsmodels' ``MNLogit`` on the float32 values in float64 with the column
divided by 2^126 (exact), compared by the fitted class probabilities."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

RNG = np.random.default_rng(8)
N, P, K = 600, 4, 126
X_PLAIN = RNG.standard_normal((N, P))
_Z = X_PLAIN @ RNG.standard_normal((P, 3))
_PR = np.exp(_Z - _Z.max(axis=1, keepdims=True))
_PR /= _PR.sum(axis=1, keepdims=True)
Y = np.array([RNG.choice(3, p=row) for row in _PR]).astype(float)
X32 = X_PLAIN.astype(np.float32)
X32[:, 2] = (X32[:, 2].astype(np.float64) * 2.0**K).astype(np.float32)


def _statsmodels_proba() -> np.ndarray:
    A = X32.astype(np.float64)
    A[:, 2] /= 2.0**K  # exact in float64: ordinary magnitudes for statsmodels
    A = sm.add_constant(A, prepend=False)
    fit = sm.MNLogit(Y, A).fit(disp=0, method="newton", tol=1e-12, maxiter=100)
    return np.asarray(fit.predict(A))


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "newton-cg"])
@pytest.mark.parametrize("layout", [np.ascontiguousarray, sp.csr_matrix])
def test_k_class_float32_column_near_float32_max(layout: object, solver: str) -> None:
    X = layout(X32)  # type: ignore[operator]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "did not converge"
        model = LogisticRegression(solver=solver).fit(X, Y)
    assert model.converged_
    np.testing.assert_allclose(model.predict_proba(X), _statsmodels_proba(), atol=1e-4)
