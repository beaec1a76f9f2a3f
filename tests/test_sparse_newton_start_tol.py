"""The stopping tolerance of Newton's sparse subsample start
(:mod:`logistic.solvers.newton`, ``SPARSE_START_TOL_SCALE``).

The fit on every 8th row of a penalized sparse fit stops at a gradient
max-norm of ``0.25 / √rows``: its optimum is off the full one by sampling
error of order ``1/√rows``, so a tighter solve does not move the start nearer.
The full fit's optimum is unchanged: the reference is scikit-learn's
``newton-cholesky`` at a tight tolerance (the same objective: L2 with C = 1,
intercept not penalized).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import binary_sparse_problem
from logistic import LogisticRegression
from logistic._objective import LogisticObjective
from logistic.solvers.newton import SPARSE_START_TOL_SCALE, Newton

N, P = 24_000, 40


@pytest.fixture(scope="module")
def sparse_data() -> tuple[sp.csr_matrix, np.ndarray]:
    """Binary columns (about 6 stored values a row) and logistic labels."""
    return binary_sparse_problem(11, N, P, density=0.15)


def _subsample_iterations(X: sp.csr_matrix, y: np.ndarray, tol: float) -> int:
    sub = LogisticObjective.from_arrays(X[::8], y[::8], None, l2=1.0 / N)
    result = Newton(tol=tol, max_iter=10, start_rows=0).solve(sub, np.zeros(P + 1))
    assert result.converged
    return int(result.n_iter)


def test_subsample_fit_stops_at_its_sampling_error(sparse_data):
    X, y = sparse_data
    ours = LogisticRegression(penalty="l2", C=1.0, tol=1e-10).fit(X, y)
    start = ours.history_[0]
    rows = len(range(0, N, 8))
    assert start["subsample_used"] == 1 and start["subsample_rows"] == rows
    loose = _subsample_iterations(X, y, SPARSE_START_TOL_SCALE / np.sqrt(rows))
    tight = _subsample_iterations(X, y, 1e-4)
    assert loose < tight
    assert start["subsample_iter"] == loose
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    ref = sklearn_lm.LogisticRegression(
        C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    np.testing.assert_allclose(ours.coef_.ravel(), ref.coef_.ravel(), rtol=0, atol=1e-7)
    assert abs(float(ours.intercept_[0]) - float(ref.intercept_[0])) < 1e-7
