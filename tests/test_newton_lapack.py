"""Newton's factorizations by scipy's LAPACK on data the compiled kernels read
(:func:`logistic.solvers._newton_linalg.lapack_factors`,
``logistic._linalg.cholesky(..., lapack=True)``).

References: numpy's own factor and solve of the same matrices; the choice
depends on the data's shape only (:data:`logistic._compiled.COMPILED_MIN_VALUES`).
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic._compiled import COMPILED_MIN_VALUES, compiled_kernel
from logistic._linalg import LinAlgError, cholesky
from logistic._objective import LogisticObjective
from logistic.solvers._newton_linalg import lapack_factors


@pytest.mark.parametrize("n", [1, 29, 64, 65, 130])
def test_lapack_factor_and_solve_match_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    B = rng.standard_normal((3 * n, n))
    A = B.T @ B / (3 * n) + 0.1 * np.eye(n)
    b = rng.standard_normal(n)
    got = cholesky(A, lapack=True)
    np.testing.assert_allclose(got.lower, np.linalg.cholesky(A), rtol=1e-12, atol=1e-14)
    assert np.array_equal(np.triu(got.lower, 1), np.zeros((n, n)))
    np.testing.assert_allclose(A @ got.solve(b), b, rtol=1e-10, atol=1e-12)


def test_lapack_refuses_a_matrix_not_positive_definite() -> None:
    A = np.array([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(LinAlgError):
        cholesky(A, lapack=True)


def test_lapack_leaves_float32_to_numpy() -> None:
    A = np.eye(3, dtype=np.float32) * 2
    got = cholesky(A, lapack=True)
    assert got.scipy_factor is None and got.matrix is not None


@pytest.mark.parametrize(
    "rows", [COMPILED_MIN_VALUES // 4 - 1, COMPILED_MIN_VALUES // 4]
)
def test_lapack_factors_follow_the_datas_size(rows: int) -> None:
    X = np.ones((rows, 4))
    y = np.arange(rows) % 2.0
    obj = LogisticObjective.from_arrays(X, y)
    want = rows * 4 >= COMPILED_MIN_VALUES and compiled_kernel() is not None
    assert lapack_factors(obj) is want


@pytest.mark.skipif(compiled_kernel() is None, reason="no compiled kernels here")
@pytest.mark.parametrize("n", [1, 29, 64, 100])
def test_compiled_jacobi_factor_is_the_scaled_matrix_factor(n: int) -> None:
    from logistic.solvers._newton_linalg import jacobi_scaling, scaled_cholesky

    rng = np.random.default_rng(7 + n)
    B = rng.standard_normal((3 * n, n)) * rng.uniform(0.1, 100.0, n)
    H = B.T @ B / (3 * n) + 1e-3 * np.eye(n)
    s = jacobi_scaling(H)
    got = scaled_cholesky(H, s, lapack=True)
    Hs = H * s[:, None]
    Hs *= s[None, :]
    np.testing.assert_allclose(got.lower, np.linalg.cholesky(Hs), rtol=0, atol=1e-13)
    assert not np.triu(got.lower, 1).any()
    g = rng.standard_normal(n)
    d = -got.solve(g * s) * s
    np.testing.assert_allclose(H @ d, -g, rtol=1e-9, atol=1e-10)


@pytest.mark.skipif(compiled_kernel() is None, reason="no compiled kernels here")
def test_compiled_jacobi_factor_refuses_an_indefinite_matrix() -> None:
    from logistic.solvers._newton_linalg import scaled_cholesky

    H = np.array([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(LinAlgError):
        scaled_cholesky(H, np.ones(2), lapack=True)
