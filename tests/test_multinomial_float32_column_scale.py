"""A K-class fit on a float32 X with one column at either end of float32's
range, ordinary values times 2^126 (up to ~3e38) or times 2^-133 (subnormal,
~1e-40), fits as the same values in float64 do:

- near float32's largest, a block's ``Rᵀ X`` summed in float32 overflows past
  3.4e38 (every solver would stop with NumericalError at iteration 0; the
  binary ``Xᵀ r`` sums in float64): the sums are taken again in float64 where
  one is beyond float32's range;
- subnormal, the coefficients along that column are ~1e40, beyond float32's
  range, so logits taken with coefficients cast to X's dtype are infinite
  (lbfgs and fista would stop at iteration 1, the Newton solvers unconverged):
  the product is taken in float64 there, as the binary logits take it.

Reference: statsmodels' ``MNLogit`` on the float32 values in float64 with the
column scaled back by the same power of two (exact), compared by the fitted
class probabilities (free of the parametrization)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")

N, P = 600, 4


def _problem(seed: int, power: int) -> tuple[np.ndarray, np.ndarray]:
    """Three classes drawn from a multinomial model of ``N`` standard normal
    rows, and those rows in float32 with column 2 times ``2**power`` (seed 8
    keeps every value times 2^126 below float32's largest)."""
    rng = np.random.default_rng(seed)
    X_plain = rng.standard_normal((N, P))
    if power < 0:
        X_plain = X_plain.astype(np.float32)
    z = X_plain @ rng.standard_normal((P, 3))
    pr = np.exp(z - z.max(axis=1, keepdims=True))
    pr /= pr.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in pr]).astype(float)
    X32 = X_plain.astype(np.float32)
    X32[:, 2] = (X32[:, 2].astype(np.float64) * 2.0**power).astype(np.float32)
    return X32, y


def _statsmodels_proba(X32: np.ndarray, y: np.ndarray, power: int) -> np.ndarray:
    A = X32.astype(np.float64)
    A[:, 2] /= 2.0**power  # exact in float64: ordinary magnitudes for statsmodels
    A = sm.add_constant(A, prepend=False)
    fit = sm.MNLogit(y, A).fit(disp=0, method="newton", tol=1e-12, maxiter=100)
    return np.asarray(fit.predict(A))


@pytest.mark.parametrize(
    ("power", "solver"),
    [
        *((126, s) for s in ("newton", "lbfgs", "newton-cg")),
        *((-133, s) for s in ("newton", "lbfgs", "newton-cg", "fista")),
    ],
)
@pytest.mark.parametrize("layout", [np.ascontiguousarray, sp.csr_matrix])
def test_k_class_fit_of_a_float32_column_at_the_range_ends(
    layout: object, power: int, solver: str
) -> None:
    X32, y = _problem(8 if power > 0 else 4, power)
    X = layout(X32)  # type: ignore[operator]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "did not converge"
        model = LogisticRegression(solver=solver).fit(X, y)
    assert model.converged_
    np.testing.assert_allclose(
        model.predict_proba(X), _statsmodels_proba(X32, y, power), atol=1e-4
    )
