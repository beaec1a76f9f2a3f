"""fista on a float32 X with a column of subnormal values (ordinary values
times 2^-133, ~1e-40): its Lipschitz estimate's Hessian-vector products map
a standardized vector back to X's units, ~1e40 along that column, which the
cast to X's dtype made infinite (NumericalError at iteration 1, where the
same values in float64 converge). The product is taken in float64 there, as
the logits take it. Reference: statsmodels' ``Logit`` on the float32 values
in float64 with the column multiplied back by 2^133 (exact), its coefficient
multiplied by 2^133."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

RNG = np.random.default_rng(0)
N, P, K = 400, 4, 133
X_PLAIN = RNG.standard_normal((N, P)).astype(np.float32)
Y = (RNG.random(N) < 1 / (1 + np.exp(-(X_PLAIN @ [0.8, -0.6, 0.5, 0.3] - 0.2))))
Y = Y.astype(float)
X32 = X_PLAIN.copy()
X32[:, 2] = (X32[:, 2].astype(np.float64) * 2.0**-K).astype(np.float32)


def _statsmodels_coef() -> np.ndarray:
    A = X32.astype(np.float64)
    A[:, 2] *= 2.0**K  # exact in float64: ordinary magnitudes for statsmodels
    A = sm.add_constant(A, prepend=False)
    params = np.asarray(sm.Logit(Y, A).fit(disp=0, method="newton", tol=1e-12).params)
    coef = params[:P].copy()
    coef[2] *= 2.0**K
    return coef


@pytest.mark.parametrize(
    "layout", [np.ascontiguousarray, np.asfortranarray, sp.csr_matrix]
)
def test_fista_fits_a_subnormal_float32_column(layout: object) -> None:
    model = LogisticRegression(solver="fista").fit(layout(X32), Y)  # type: ignore[operator]
    assert model.converged_
    coef = model.coef_.astype(np.float64).ravel()
    np.testing.assert_allclose(coef, _statsmodels_coef(), rtol=1e-3)
