"""The compiled Cholesky of :mod:`logistic._linalg` (:mod:`logistic._cholesky`).

Float64 matrices of ``NUMPY_SOLVE_MAX < n <= COMPILED_MAX`` rows are factored
on the calling thread, so a Newton fit on a few hundred parameters needs no
BLAS thread limit (no threadpoolctl). References: numpy's ``cholesky`` and
``solve`` (LAPACK ``potrf`` / ``gesv``).
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from logistic import _linalg
from logistic._linalg import COMPILED_MAX, NUMPY_SOLVE_MAX, LinAlgError, cholesky

pytestmark = pytest.mark.skipif(
    _linalg._cholesky_module() is None, reason="logistic._cholesky is not built"
)


def _spd(n: int, seed: int) -> np.ndarray:
    B = np.random.default_rng(seed).standard_normal((3 * n, n))
    return B.T @ B / n + 1e-3 * np.eye(n)


@pytest.mark.parametrize("n", [NUMPY_SOLVE_MAX + 1, 124, COMPILED_MAX])
def test_factor_and_solve_match_lapack(n):
    A = _spd(n, n)
    factor = cholesky(A)
    assert factor.scipy_factor is not None and factor.scipy_factor[1] == "compiled"
    L = factor.lower
    np.testing.assert_allclose(L, np.linalg.cholesky(A), rtol=0, atol=1e-12)
    assert np.all(np.triu(L, 1) == 0)
    b = np.random.default_rng(1).standard_normal(n)
    np.testing.assert_allclose(factor.solve(b), np.linalg.solve(A, b), rtol=1e-10)


def test_larger_matrices_keep_lapack():
    factor = cholesky(_spd(COMPILED_MAX + 1, 3))
    assert factor.scipy_factor is not None and factor.scipy_factor[1] == "lapack"


@pytest.mark.parametrize("bad", ["indefinite", "nan"])
def test_not_positive_definite_raises(bad):
    A = _spd(100, 2)
    if bad == "indefinite":
        A[50, 50] = -1.0
    else:
        A[70, 3] = A[3, 70] = np.nan
    with pytest.raises(LinAlgError):
        cholesky(A)


def test_sparse_newton_fit_needs_no_threadpoolctl(tmp_path):
    # a penalized fit on 124 parameters of sparse X (a9a's shape): Newton's
    # factorizations use no BLAS, so threadpoolctl (6-8 ms to set up in a
    # new process) is never imported
    code = """
import sys
import numpy as np
import scipy.sparse as sp
from logistic import LogisticRegression
rng = np.random.default_rng(0)
X = sp.random(20000, 123, density=0.1, format="csr", random_state=rng)
X.data[:] = 1.0
y = (rng.random(20000) < 1 / (1 + np.exp(-(X @ rng.standard_normal(123) - 1)))).astype(float)
m = LogisticRegression(penalty="l2", C=1.0, tol=1e-8).fit(X, y)
assert m.solver_ == "newton" and m.converged_, (m.solver_, m.converged_)
print("threadpoolctl" in sys.modules)
"""
    env = dict(os.environ)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
