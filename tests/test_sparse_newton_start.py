"""Newton's subsample start on sparse X of medium size (:mod:`logistic.solvers.newton`).

A penalized fit on sparse X below the dense rule's size (10 × max(20 000, 20·p)
rows) starts from a fit on every 8th row when that subsample has at least
max(2 000, 20·p) rows. The reference optimum is scikit-learn's
``newton-cholesky`` fitted to a tight tolerance (the same objective: L2 with
C = 1, intercept not penalized).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import binary_sparse_problem
from logistic import LogisticRegression
from logistic._objective import LogisticObjective
from logistic.backends import InMemory
from logistic.solvers.newton import Newton

N, P = 24_000, 40


@pytest.fixture(scope="module")
def sparse_data() -> tuple[sp.csr_matrix, np.ndarray]:
    """Binary one-hot-like columns (about 6 stored values a row) and logistic labels."""
    return binary_sparse_problem(7, N, P, density=0.15)


def _sklearn_optimum(X: sp.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, float]:
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    ref = sklearn_lm.LogisticRegression(
        C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    return ref.coef_.ravel(), float(ref.intercept_[0])


def test_penalized_sparse_fit_starts_from_every_8th_row(sparse_data):
    X, y = sparse_data
    ours = LogisticRegression(penalty="l2", C=1.0, tol=1e-10).fit(X, y)
    start = ours.history_[0]
    assert ours.solver_ == "newton" and ours.converged_
    assert start["subsample_used"] == 1
    assert start["subsample_rows"] == len(range(0, N, 8))
    coef, intercept = _sklearn_optimum(X, y)
    np.testing.assert_allclose(ours.coef_.ravel(), coef, rtol=0, atol=1e-7)
    assert abs(float(ours.intercept_[0]) - intercept) < 1e-7


def test_the_start_saves_full_data_iterations(sparse_data):
    X, y = sparse_data
    obj = LogisticObjective(InMemory(X, y), l2=1.0 / N)
    started = Newton(tol=1e-10).solve(obj, np.zeros(P + 1))
    obj_zero = LogisticObjective(InMemory(X, y), l2=1.0 / N)
    zero = Newton(tol=1e-10, start_rows=0).solve(obj_zero, np.zeros(P + 1))
    assert started.converged and zero.converged
    assert started.n_iter < zero.n_iter
    np.testing.assert_allclose(started.coef, zero.coef, rtol=0, atol=1e-7)


@pytest.mark.parametrize("case", ["unpenalized", "dense", "too few rows"])
def test_no_sparse_start_outside_its_rule(sparse_data, case):
    X, y = sparse_data
    kw: dict = {"penalty": "l2", "C": 1.0}
    if case == "unpenalized":
        kw = {"penalty": None}
    elif case == "dense":
        X = X.toarray()
    else:  # 8 000 rows: every 8th is 1 000 < 2 000
        X, y = X[:8000], y[:8000]
    ours = LogisticRegression(solver="newton", tol=1e-8, **kw).fit(X, y)
    assert "subsample_rows" not in ours.history_[0]
