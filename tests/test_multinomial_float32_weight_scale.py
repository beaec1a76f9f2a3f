"""A K-class fit on float32 X whose sample weights are all 1e-50 (or 1e40):
the residuals, which carry the weights, were cast to float32 for ``Rᵀ X``,
where 1e-50 is 0 and 1e40 infinite: a zero gradient read as convergence at
the start (probabilities off by 0.3, converged_ True, no warning) or
NumericalError at iteration 0. The binary ``Xᵀ r`` already divided them by
their largest first. Weights all equal leave the maximum-likelihood fit
unchanged, so the reference is statsmodels' unweighted ``MNLogit`` on the
same float32 values in float64, compared by the fitted class probabilities."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

RNG = np.random.default_rng(5)
N, P = 600, 4
X32 = RNG.standard_normal((N, P)).astype(np.float32)
_Z = X32 @ RNG.standard_normal((P, 3))
_PR = np.exp(_Z - _Z.max(axis=1, keepdims=True))
_PR /= _PR.sum(axis=1, keepdims=True)
Y = np.array([RNG.choice(3, p=row) for row in _PR]).astype(float)


def _statsmodels_proba() -> np.ndarray:
    A = sm.add_constant(X32.astype(np.float64), prepend=False)
    fit = sm.MNLogit(Y, A).fit(disp=0, method="newton", tol=1e-12, maxiter=100)
    return np.asarray(fit.predict(A))


@pytest.mark.parametrize("weight", [1e-50, 1e40])
@pytest.mark.parametrize("solver", ["newton", "lbfgs", "newton-cg"])
@pytest.mark.parametrize("layout", [np.ascontiguousarray, sp.csr_matrix])
def test_k_class_float32_fit_with_equal_extreme_weights(
    layout: object, solver: str, weight: float
) -> None:
    X = layout(X32)  # type: ignore[operator]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "did not converge"
        model = LogisticRegression(solver=solver).fit(X, Y, sample_weight=np.full(N, weight))
    assert model.converged_
    np.testing.assert_allclose(model.predict_proba(X), _statsmodels_proba(), atol=1e-4)
