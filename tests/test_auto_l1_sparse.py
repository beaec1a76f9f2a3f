"""``solver="auto"`` with an L1 term on sparse X in memory takes the column
solver (``newton-cd-columns``), which reaches the same optimum as
``newton-cd`` without forming a dense p × p Hessian (1.6–143× faster in
``benchmarks/l1_sparse_ab.py``); dense X keeps ``newton-cd`` unless it is
mostly zeros (tests/test_auto_l1_dense_zeros.py)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic import LogisticRegression
from logistic._typing import DataDescription
from logistic.solvers._auto import MAX_COLUMN_NNZ, choose_solver


def _sparse(n=4000, p=400, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.01, format="csr", random_state=seed)
    y = (X @ rng.normal(size=p) * 3 + rng.logistic(size=n) > 0).astype(int)
    return X, y


def test_auto_takes_the_column_solver_for_sparse_l1():
    X, y = _sparse()
    model = LogisticRegression(penalty="l1", C=1.0).fit(X, y)
    assert model.solver_ == "newton-cd-columns"
    gaussian = np.random.default_rng(1).standard_normal(X.shape)
    dense = LogisticRegression(penalty="l1", C=1.0).fit(gaussian, y)
    assert dense.solver_ == "newton-cd"


def test_the_column_solvers_optimum_is_scikit_learns():
    """Reference: scikit-learn's saga at a tight tolerance, same objective
    (C = 1; scikit-learn's C is ours: alpha = 1/(C n))."""
    X, y = _sparse(n=1500, p=60, seed=3)
    ours = LogisticRegression(penalty="l1", C=1.0, tol=1e-10).fit(X, y)
    ref = SkLogisticRegression(penalty="l1", C=1.0, solver="saga", tol=1e-12,
                               max_iter=100_000).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=2e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=2e-5)


def test_choice_by_size_and_residence():
    def described(nnz):
        return DataDescription(10_000, 200, np.dtype(np.float64), nnz)

    assert choose_solver(described(50_000), penalty="l1", l1=0.1,
                         rows_in_memory=True) == "newton-cd-columns"  # fmt: skip
    # beyond the column solver's bound, or rows not in memory: a Hessian solver
    assert choose_solver(described(MAX_COLUMN_NNZ + 1), penalty="l1", l1=0.1,
                         rows_in_memory=True) == "newton-cd"  # fmt: skip
    assert choose_solver(described(50_000), penalty="l1", l1=0.1) == "newton-cd"
