"""K-class ``newton-cd`` on columns far from 0 (the gauge term's coupling).

The multinomial objective's gauge term ``(γ/2)(Σ_k b_k)²`` reads, in the
standardized coordinates newton-cd iterates in, ``Σ_k (b'_k - Σ_j μ_j w'_kj/σ_j)``:
its curvature ``(1 + Σ μ²/σ²)/4`` tied every coefficient to its intercept, and
the inner coordinate descent crept along that tie (iris + 100: 328 iterations,
iris + 1000: not converged in 2 000, coef off by 4.4). With an intercept the
L1 problem is invariant under a shift of the columns: the coefficients stay,
each class's intercept moves by ``-s Σ_j w_kj`` and all of them by the common
amount that keeps ``Σ_k b_k = 0``.

Reference: scikit-learn 1.9.1 ``LogisticRegression(C=1.0, l1_ratio=1.0,
solver="saga", tol=1e-12, max_iter=1_000_000)`` on iris (47 775 epochs, 4 s:
too slow to rerun here), printed to 10 decimals; its intercepts sum to 0, the
same gauge as ours.
"""

from __future__ import annotations

import numpy as np
import pytest

from _iris_saga_reference import SAGA_COEF, SAGA_INTERCEPT
from logistic import LogisticRegression

sklearn = pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def iris():
    from sklearn.datasets import load_iris

    return load_iris(return_X_y=True)


@pytest.mark.parametrize("shift", [0.0, 10.0, 100.0, 1000.0])
def test_l1_on_shifted_iris_matches_saga_and_converges_fast(iris, shift):
    X, y = iris
    model = LogisticRegression(
        solver="newton-cd", penalty="l1", C=1.0, tol=1e-8, max_iter=2000
    ).fit(X + shift, y)
    assert model.converged_
    # 10 on the unshifted data; before the fix 328 at +100, 2 000 at +1000
    assert int(np.max(model.n_iter_)) <= 15
    np.testing.assert_allclose(model.coef_, SAGA_COEF, rtol=0, atol=1e-6)
    assert np.array_equal(model.coef_ == 0, SAGA_COEF == 0)
    # the translated intercepts, centred as both solvers centre them
    moved = SAGA_INTERCEPT - shift * SAGA_COEF.sum(axis=1)
    expected = moved - moved.mean()
    atol = 1e-6 * (1.0 + shift * X.shape[1])  # coef's tolerance times Σ_j s
    np.testing.assert_allclose(model.intercept_, expected, rtol=0, atol=atol)


def test_elastic_net_on_shifted_wine_keeps_its_coefficients():
    """Elastic net on wine (13 columns, Σ μ²/σ² ≈ 500 unshifted): the shift
    leaves the coefficients (the problem's invariance, no solver's value) and
    the iteration count of the unshifted fit, which the gauge's coupling had
    at 35."""
    from sklearn.datasets import load_wine

    X, y = load_wine(return_X_y=True)
    kw = {"penalty": "elasticnet", "l1_ratio": 0.5, "C": 1.0, "tol": 1e-8}
    base = LogisticRegression(solver="newton-cd", **kw).fit(X, y)
    shifted = LogisticRegression(solver="newton-cd", **kw).fit(X + 1000.0, y)
    assert base.converged_ and shifted.converged_
    assert max(int(np.max(m.n_iter_)) for m in (base, shifted)) <= 15
    np.testing.assert_allclose(shifted.coef_, base.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        shifted.predict_proba(X + 1000.0), base.predict_proba(X), rtol=0, atol=1e-7
    )
