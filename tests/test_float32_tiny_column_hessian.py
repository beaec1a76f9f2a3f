"""A float32 X with a column of values below ~1e-19 (ordinary values times
2^-100, ~1e-30, or 2^-133, ~1e-40: subnormal in float32): Newton's Hessian
of the layouts that BLAS ``ssyrk`` or scipy's float32 sparse product form
(Fortran order, strided views, CSC, CSR dense enough to be densified)
squared them to 0 in float32, so newton and newton-cd met a column of zero
curvature and stopped unconverged ("the Hessian is singular") where a
C-ordered float32 X, read by the compiled row loop in float64, converged;
newton-cg's preconditioner (a CSR block's curvature diagonal, squared in
float32) likewise. Reference: statsmodels' ``Logit`` on the same float32
values in float64 with the column multiplied back by its power of two
(exact), its coefficient multiplied by the same power."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

RNG = np.random.default_rng(0)
N, P = 400, 4
X_PLAIN = RNG.standard_normal((N, P))
X_PLAIN[RNG.random((N, P)) < 0.4] = 0.0  # 60 % stored values: CSR is densified
X_PLAIN = X_PLAIN.astype(np.float32)
Y = (RNG.random(N) < 1 / (1 + np.exp(-(X_PLAIN @ RNG.standard_normal(P) * 0.7 - 0.2))))
Y = Y.astype(float)


def _tiny(k: int) -> np.ndarray:
    X = X_PLAIN.copy()
    X[:, 2] = (X[:, 2].astype(np.float64) * 2.0**-k).astype(np.float32)
    return X


def _statsmodels_coef(X32: np.ndarray, k: int) -> np.ndarray:
    """Maximum-likelihood coefficients of X32, whose column 2 is scaled by 2^-k."""
    A = X32.astype(np.float64)
    A[:, 2] *= 2.0**k  # exact in float64: ordinary magnitudes for statsmodels
    A = sm.add_constant(A, prepend=False)
    params = np.asarray(sm.Logit(Y, A).fit(disp=0, method="newton", tol=1e-12).params)
    coef = params[:P].copy()
    coef[2] *= 2.0**k
    return coef


LAYOUTS = {
    "fortran": np.asfortranarray,
    "column-strided": lambda X: np.repeat(X, 2, axis=1)[:, ::2],
    "csc": sp.csc_matrix,
    "csr-densified": sp.csr_matrix,
}


@pytest.mark.parametrize("k", [100, 133])
@pytest.mark.parametrize("solver", ["newton", "newton-cd", "newton-cg"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_tiny_float32_column_fits_as_statsmodels(layout: str, solver: str, k: int) -> None:
    X32 = _tiny(k)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "did not converge", no singular Hessian
        model = LogisticRegression(solver=solver).fit(LAYOUTS[layout](X32), Y)
    assert model.converged_
    coef = model.coef_.astype(np.float64).ravel()
    np.testing.assert_allclose(coef, _statsmodels_coef(X32, k), rtol=1e-4)
