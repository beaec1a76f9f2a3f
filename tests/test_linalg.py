"""logistic._linalg: Cholesky factor and solve against scipy.linalg (the
reference: LAPACK potrf/potrs through scipy) and numpy.linalg.solve."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy.linalg import cho_factor, cho_solve

from logistic._linalg import NUMPY_SOLVE_MAX, LinAlgError, cholesky


def _spd(p: int, cond: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((p, p)))
    return (Q * np.geomspace(1.0, 1.0 / cond, p)) @ Q.T


@pytest.mark.parametrize("p", [1, 2, 4, 29, NUMPY_SOLVE_MAX, NUMPY_SOLVE_MAX + 1, 150])
@pytest.mark.parametrize("cond", [1e1, 1e8])
def test_solve_matches_scipy_cho_solve(p, cond):
    A = _spd(p, cond, seed=p)
    b = np.random.default_rng(p + 1).standard_normal(p)
    want = cho_solve(cho_factor(A, lower=True), b)
    got = cholesky(A).solve(b)
    # both backward stable: agreement to cond · eps of the solution
    assert np.max(np.abs(got - want)) <= 50 * cond * 2.2e-16 * np.max(np.abs(want))
    assert np.allclose(A @ got, b, rtol=0, atol=1e-12 * cond * np.abs(b).max())
    assert got.shape == b.shape and got.dtype == np.float64


@pytest.mark.parametrize("p", [3, NUMPY_SOLVE_MAX + 6])
def test_not_positive_definite_raises_numpy_and_scipy_class(p):
    A = _spd(p, 10.0, seed=0)
    A[1, 1] = -1.0
    with pytest.raises(LinAlgError):
        cholesky(A)
    import scipy.linalg

    assert LinAlgError is scipy.linalg.LinAlgError is np.linalg.LinAlgError


def test_input_is_not_modified_and_empty_matrix_solves():
    A = _spd(5, 100.0, seed=3)
    before = A.copy()
    cholesky(A).solve(np.ones(5))
    assert np.array_equal(A, before)
    assert cholesky(np.zeros((0, 0))).solve(np.zeros(0)).shape == (0,)


def test_small_matrices_import_no_scipy():
    code = (
        "import sys, numpy as np\n"
        "from logistic._linalg import cholesky\n"
        "x = cholesky(np.array([[4.0, 2.0], [2.0, 3.0]])).solve(np.array([2.0, 1.0]))\n"
        "assert np.allclose(x, [0.5, 0.0]), x\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('scipy'))\n"
        "assert loaded == [], loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_non_finite_factor_solves_to_nan_without_raising():
    # the solve is silent as LAPACK's potrs: a NaN in the factor (an overflowed
    # Hessian) shows as NaN in the solution, which the callers test for
    from logistic._linalg import Cholesky

    for bad in (np.nan, np.inf):
        L = np.array([[2.0, 0.0, 0.0], [bad, 1.0, 0.0], [0.5, 0.5, 1.0]])
        x = Cholesky(L).solve(np.ones(3))
        assert not np.all(np.isfinite(x))


def test_large_float64_factor_through_lapack_matches_numpy_path():
    # above NUMPY_SOLVE_MAX a float64 matrix is factored by LAPACK dpotrf and
    # solved by dpotrs directly; numpy's factor with two numpy.linalg.solve
    # is the reference
    from logistic._linalg import NUMPY_SOLVE_MAX, Cholesky

    n = NUMPY_SOLVE_MAX + 36
    A = _spd(n, 1e6, seed=7)
    b = np.random.default_rng(8).standard_normal(n)
    factor = cholesky(A)
    assert factor.scipy_factor is not None and factor.scipy_factor[1] == "lapack"
    assert np.array_equal(np.tril(factor.lower), factor.lower)  # clean lower factor
    want = Cholesky(np.linalg.cholesky(A)).solve(b)
    got = factor.solve(b)
    assert got.shape == (n,) and got.dtype == np.float64
    assert np.max(np.abs(got - want)) <= 50 * 1e6 * 2.2e-16 * np.max(np.abs(want))
    # a non-finite factor solves to NaN without raising, as numpy's path
    bad = factor.lower.copy()
    bad[3, 1] = np.nan
    assert not np.all(np.isfinite(Cholesky(bad, (bad, "lapack")).solve(b)))


def test_small_factor_path_does_not_depend_on_loaded_modules():
    # a small matrix takes numpy's path even once scipy.linalg is loaded, so a
    # small fit's last bits never depend on what ran before it in the process
    import scipy.linalg  # noqa: F401

    A = _spd(29, 1e6, seed=7)
    factor = cholesky(A)
    assert factor.scipy_factor is None
    assert np.array_equal(factor.lower, np.linalg.cholesky(A))


def test_small_factor_without_a_copy_solves_as_with_one():
    # copy=False keeps the caller's temporary as the matrix the LU solve reads
    # (no p × p copy); the solution is the same to the bit, and scipy's
    # cho_solve agrees to rounding
    A = _spd(29, 1e4, seed=3)
    b = np.random.default_rng(4).standard_normal(29)
    kept = cholesky(A, copy=False)
    assert kept.matrix is A
    copied = cholesky(A)
    assert copied.matrix is not A
    assert np.array_equal(kept.solve(b), copied.solve(b))
    want = cho_solve(cho_factor(A), b)
    np.testing.assert_allclose(kept.solve(b), want, rtol=1e-9, atol=0)
