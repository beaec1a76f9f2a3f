"""A K-class fit on a float32 X with a column of subnormal values (ordinary
values times 2^-133, ~1e-40): the block's logits cast the coefficients to
X's dtype, and along that column they are ~1e40, beyond float32's range:
infinite logits, so lbfgs and fista stopped with NumericalError at iteration
1 and newton, newton-cg and newton-cd ended unconverged, where the same
values in float64 converge (the binary logits already took the product in
float64 there). Reference: statsmodels' ``MNLogit`` on the float32 values
in float64 with the column multiplied back by 2^133 (exact), compared by the
fitted class probabilities (free of the parametrization)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

RNG = np.random.default_rng(4)
N, P, K = 600, 4, 133
X_PLAIN = RNG.standard_normal((N, P)).astype(np.float32)
_Z = X_PLAIN @ RNG.standard_normal((P, 3))
_PR = np.exp(_Z - _Z.max(axis=1, keepdims=True))
_PR /= _PR.sum(axis=1, keepdims=True)
Y = np.array([RNG.choice(3, p=row) for row in _PR]).astype(float)
X32 = X_PLAIN.copy()
X32[:, 2] = (X32[:, 2].astype(np.float64) * 2.0**-K).astype(np.float32)


def _statsmodels_proba() -> np.ndarray:
    A = X32.astype(np.float64)
    A[:, 2] *= 2.0**K  # exact in float64: ordinary magnitudes for statsmodels
    A = sm.add_constant(A, prepend=False)
    fit = sm.MNLogit(Y, A).fit(disp=0, method="newton", tol=1e-12, maxiter=100)
    return np.asarray(fit.predict(A))


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "newton-cg", "fista"])
@pytest.mark.parametrize("layout", [np.ascontiguousarray, sp.csr_matrix])
def test_k_class_fit_of_a_subnormal_float32_column(layout: object, solver: str) -> None:
    X = layout(X32)  # type: ignore[operator]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "did not converge"
        model = LogisticRegression(solver=solver).fit(X, Y)
    assert model.converged_
    np.testing.assert_allclose(model.predict_proba(X), _statsmodels_proba(), atol=1e-4)
