"""An L1 fit of float64 X with a column of subnormal values (~1e-310): the
column's scale is raised to the smallest normal float64 (~2.2e-308), so its
L1 weight in standardized coordinates, ``l1/scale``, overflowed to inf for any
``l1`` above about 4, and the penalty ``Σ λ_j |θ'_j|`` was ``inf·0 = NaN`` at
the start: ``solver="newton-cd"`` (what ``auto`` picks for dense X) raised a
NumericalError ("non-finite objective or gradient at iteration 0"), ``fista``
and ``newton-cd-columns`` warned "overflow encountered in divide". The weight
is now the largest finite float, which keeps that coefficient at 0 as inf would.

Reference, outside the code under test: the subnormal column's gradient is
below 1e-300 in magnitude, far under ``l1``, so by the KKT conditions its
coefficient is 0 and the rest is the L1 fit without it. There the other
column (in large units, so that its coefficient is not zero at this strength)
has a known sign, and the problem is smooth: scipy's BFGS minimises
``mean loss + l1·sign·w`` over ``(w, b)``.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize

from logistic import LogisticRegression

RNG = np.random.default_rng(2)
N = 200
X_MAIN = RNG.standard_normal(N)
Y = (X_MAIN + RNG.standard_normal(N) > 0).astype(float)
X = np.column_stack([100.0 * X_MAIN, RNG.standard_normal(N) * 1e-310])
ALPHA = 5.0  # l1/2.2e-308 > 1.8e308: the weight overflowed


def _reference() -> tuple[float, float]:
    x = X[:, 0]

    def f(t: np.ndarray) -> float:
        z = t[0] * x + t[1]
        return float(np.mean(np.logaddexp(0.0, z) - Y * z) + ALPHA * t[0])

    res = minimize(f, np.array([0.01, 0.0]), method="BFGS", options={"gtol": 1e-12})
    w, b = res.x
    assert w > 0  # the sign the smooth problem assumed
    return float(w), float(b)


@pytest.mark.parametrize("solver", ["auto", "newton-cd", "fista", "newton-cd-columns"])
@pytest.mark.parametrize("layout", [np.asarray, sp.csr_matrix])
def test_l1_fit_with_a_subnormal_column(solver: str, layout: object) -> None:
    model = LogisticRegression(penalty="l1", alpha=ALPHA, solver=solver, tol=1e-9)
    model.fit(layout(X), Y)  # type: ignore[operator]
    assert model.converged_
    w, b = _reference()
    assert model.coef_[0, 1] == 0.0
    np.testing.assert_allclose(model.coef_[0, 0], w, rtol=1e-5)
    np.testing.assert_allclose(model.intercept_[0], b, rtol=1e-5, atol=1e-6)


# Three classes: the multinomial fit lays the same weights out per class
# (``_multinomial_fit``), and failed the same way. Reference: scikit-learn's
# saga (multinomial, L1, ``C = 1/(alpha·n)``) on the ordinary column alone,
# the subnormal column's coefficients being 0 by the KKT conditions.
Y3 = (2 * X_MAIN + RNG.standard_normal(N)).round().clip(-1, 1).astype(int)


@pytest.mark.parametrize("solver", ["auto", "newton-cd", "fista"])
def test_multinomial_l1_fit_with_a_subnormal_column(solver: str) -> None:
    sklearn = pytest.importorskip("sklearn.linear_model")
    model = LogisticRegression(penalty="l1", alpha=ALPHA, solver=solver).fit(X, Y3)
    assert model.converged_
    ref = sklearn.LogisticRegression(
        C=1 / (ALPHA * N), l1_ratio=1.0, solver="saga", tol=1e-14, max_iter=200_000
    ).fit(X[:, :1], Y3)
    assert np.all(model.coef_[:, 1] == 0.0)
    np.testing.assert_allclose(model.coef_[:, 0], ref.coef_[:, 0], atol=1e-7)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, atol=1e-7)
