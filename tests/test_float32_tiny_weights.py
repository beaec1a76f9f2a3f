"""float32 X with sample weights far from 1: the curvature ``d = s·σ(1−σ)``
and residuals carry the weights, and their cast to float32 for a product
with X (``weighted_syrk``'s ``√d``, a CSR block's ``Xᵀ r`` and Hessian
diagonal) would round weights of 1e-100 to 0, and with them the Hessian and
its products: newton-cd and newton-cd-columns would stop at max_iter, and
newton-cg and L-BFGS on CSR data short of the optimum, though uniform
weights leave the maximum-likelihood fit unchanged. The vector is divided
by its max-abs before the cast (``_row_terms.float32_scale``).

References: the Hessian of the mean loss written out in numpy (float64), and
statsmodels' unweighted Logit (uniform weights do not change the MLE).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticObjective, LogisticRegression
from logistic._compiled import set_compiled
from logistic.backends import InMemory

sm = pytest.importorskip("statsmodels.api", reason="the reference fit")


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    z = X @ np.linspace(1, -1, 5)
    return X, (rng.random(200) < 1 / (1 + np.exp(-z))).astype(float)


@pytest.mark.parametrize("weight", [1e-100, 1e-300, 1e40])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("compiled", [True, False])
def test_hessian_and_its_products_keep_tiny_weights(weight, sparse, compiled):
    # compiled=False: the numpy reference (scipy's sparse product for CSR
    # blocks, _row_terms.sparse_syrk), which a build without the compiled
    # kernel uses
    old = set_compiled(compiled)
    try:
        _check_hessian_and_its_products(weight, sparse)
    finally:
        set_compiled(old)


def _check_hessian_and_its_products(weight, sparse):
    X, y = _data()
    if sparse:  # 20 % non-zeros: a sparse sandwich, not a densified block
        X = np.where(np.random.default_rng(1).random(X.shape) < 0.2, X, 0.0)
    X32 = X.astype(np.float32)
    theta = np.r_[np.full(5, 0.1), -0.2]
    Xt = np.c_[X32.astype(np.float64), np.ones(len(y))]
    p = 1 / (1 + np.exp(-(Xt @ theta)))
    H_ref = Xt.T @ (Xt * (p * (1 - p))[:, None]) / len(y)
    data = sp.csr_matrix(X32) if sparse else X32
    objective = LogisticObjective(InMemory(data, y, np.full(len(y), weight), None))
    np.testing.assert_allclose(objective.hessian(theta), H_ref, rtol=1e-5, atol=1e-7)
    v = np.linspace(-1, 1, 6)
    np.testing.assert_allclose(
        objective.hessian_vector(theta, v), H_ref @ v, rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize(
    "solver, sparse",
    [
        ("newton-cd", False),
        ("newton-cd-columns", False),
        ("newton-cd", True),
        ("newton-cg", True),
        ("lbfgs", True),
    ],
)
def test_fits_with_tiny_uniform_weights_are_the_mle(solver, sparse):
    X, y = _data()
    ref = sm.Logit(y, sm.add_constant(X.astype(np.float32).astype(float))).fit(
        disp=0, tol=1e-12
    )
    X32 = X.astype(np.float32)
    data = sp.csr_matrix(X32) if sparse else X32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = LogisticRegression(solver=solver).fit(
            data, y, sample_weight=np.full(len(y), 1e-100)
        )
    assert m.converged_
    np.testing.assert_allclose(m.coef_.ravel(), ref.params[1:], rtol=1e-4, atol=1e-5)
