"""Newton factors each Hessian once (:mod:`logistic.solvers.newton`).

The subsample start's acceptance test (the Newton decrement at the start)
and the first full step use the same Hessian, as do a step predicted to be
the last and the step after it when that prediction misses: the Cholesky
factor of the Jacobi-scaled matrix is computed once and reused. The fit's
optimum is scikit-learn's ``newton-cholesky`` at a tight tolerance (the
same objective: L2 with C = 1, intercept not penalized).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import scipy.sparse as sp

import logistic._linalg as linalg
from conftest import binary_sparse_problem
from logistic import LogisticRegression
from logistic.solvers import _newton_linalg

N, P = 24_000, 80  # above NUMPY_SOLVE_MAX parameters: LAPACK's dpotrf


@pytest.fixture(scope="module")
def sparse_data() -> tuple[sp.csr_matrix, np.ndarray]:
    """Binary columns (about 8 stored values a row) and logistic labels."""
    return binary_sparse_problem(5, N, P, density=0.1)


def test_each_hessian_is_factored_once(sparse_data, monkeypatch):
    X, y = sparse_data
    factored: list[str] = []

    real = linalg._lapack_cholesky
    made = _newton_linalg.lapack_factor

    def recording(A: np.ndarray) -> linalg.Cholesky:
        factored.append(hashlib.blake2b(A.tobytes(), digest_size=16).hexdigest())
        return real(A)

    def recording_made(L: np.ndarray) -> linalg.Cholesky:  # the compiled factor
        factored.append(hashlib.blake2b(L.tobytes(), digest_size=16).hexdigest())
        return made(L)

    monkeypatch.setattr(linalg, "_lapack_cholesky", recording)
    monkeypatch.setattr(_newton_linalg, "lapack_factor", recording_made)
    ours = LogisticRegression(penalty="l2", C=1.0, tol=1e-10).fit(X, y)
    assert ours.converged_ and ours.history_[0]["subsample_used"] == 1
    assert factored and len(factored) == len(set(factored))
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    ref = sklearn_lm.LogisticRegression(
        C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    np.testing.assert_allclose(ours.coef_.ravel(), ref.coef_.ravel(), rtol=0, atol=1e-7)
    assert abs(float(ours.intercept_[0]) - float(ref.intercept_[0])) < 1e-7
