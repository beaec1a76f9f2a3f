"""K-class ``lbfgs`` takes ``J`` and ``∇J`` at its iterates' gauge-free point
(:meth:`logistic._multinomial_scaled.ScaledMultinomial.gauge_free`), so it
minimizes the loss and penalty alone.

The symmetric parametrization's gauge term ``(1/(8K))(Σ_k b_k)²`` has
curvature ``(1 + Σ_j μ_j²/σ_j²)/4`` in standardized coordinates: on columns
far from 0 it ties every slope to its intercept, and L-BFGS crept along it
(wine + 100 at ``C=1``: 1,611 iterations, now ~70; iris + 1000: 158, now
~27; digits at ``C=1``: not converged in 3,000, now ~1,000-1,400, where
scikit-learn's lbfgs takes ~4,000 to its ``tol=1e-10``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, load_wine
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic import LogisticRegression


@pytest.mark.parametrize(
    ("load", "shift", "bound"),
    [(load_wine, 100.0, 200), (load_iris, 1000.0, 60)],
    ids=["wine+100", "iris+1000"],
)
def test_shifted_k_class_lbfgs_converges_to_scikit_learns_optimum(load, shift, bound):
    X, y = load(return_X_y=True)
    # the reference: scikit-learn's newton-cg on the unshifted columns (the
    # same objective, mean loss + ½‖W‖²/(C n), intercepts unpenalized and
    # centred); a shift s of every column leaves W and moves b to b - s·W1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = SkLogisticRegression(
            C=1.0, solver="newton-cg", tol=1e-12, max_iter=10_000
        ).fit(X, y)
    m = LogisticRegression(penalty="l2", C=1.0, solver="lbfgs", max_iter=2000).fit(
        X + shift, y
    )
    # wine + 100 took 1,611 iterations, iris + 1000 158 on J with its gauge term
    assert m.converged_ and m.n_iter_[0] < bound
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-6 * scale)
    intercept = ref.intercept_ - shift * ref.coef_.sum(axis=1)
    np.testing.assert_allclose(
        m.intercept_, intercept, atol=1e-6 * scale * shift * X.shape[1]
    )
