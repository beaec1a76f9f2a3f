"""Cholesky factor and solve of a symmetric positive-definite matrix, without
importing ``scipy.linalg`` for small matrices.

``import scipy.linalg`` costs ≈ 0.3 s (scipy's array-API layer), more than a
whole Newton fit of a few hundred rows. Up to :data:`NUMPY_SOLVE_MAX` rows the
factor is numpy's (LAPACK ``potrf``) and, once it has shown the matrix
positive definite, the solve numpy's LU solve of the matrix itself (one
LAPACK ``gesv``: 9 against 16 µs for two solves with the factor at 29 rows;
the matrix must then be symmetric in both triangles, as every caller's is,
where the factor reads the lower one), or two ``numpy.linalg.solve`` with
the factor and its transpose where numpy finds the matrix singular
(row-by-row substitution when the factor is not finite); larger matrices
use scipy's ``cho_factor`` / ``cho_solve`` (``potrf`` / ``potrs``),
imported then; a large float64
matrix goes straight to scipy's LAPACK ``dpotrf`` / ``dpotrs`` (the routines
behind ``cho_factor`` / ``cho_solve``, without their argument checks: a9a's
p = 124 direction ~400 → ~160 µs). The path depends on the matrix only, never
on what the process has imported, so a fit gives the same bits in any process
(the LAPACK call would also be faster for small matrices once ``scipy.linalg``
is loaded — 4 against 45 µs at 29 rows — but a choice made on ``sys.modules``
would make a small fit's last bits depend on the fits run before it; a
caller whose own data decide, ``cholesky(A, lapack=True)``, takes that call:
Newton on data the compiled kernels read). Either
way a matrix that
is not positive definite raises :class:`LinAlgError` (numpy's class, which
``scipy.linalg`` re-exports), and nothing checks finiteness or warns: a
non-finite factor shows as a non-finite solution.

A leaf: imports numpy (and scipy inside :func:`cholesky` for large matrices).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.linalg import LinAlgError

from ._typing import FloatArray

__all__ = ["NUMPY_SOLVE_MAX", "Cholesky", "LinAlgError", "cholesky", "lapack_factor"]

#: Up to this many rows the factor and solve are numpy's (a solve 26 µs at
#: 29 rows against scipy's 7 µs), below scipy's import cost for any fit that
#: needs a handful of solves.
NUMPY_SOLVE_MAX = 64


class Cholesky(NamedTuple):
    """The Cholesky factor of a symmetric positive-definite ``A = L Lᵀ``."""

    lower: FloatArray
    """``L`` (numpy's factor), or scipy's ``cho_factor`` array for large A."""
    scipy_factor: Any = None
    """scipy's ``(c, lower)`` pair when scipy factored A, else None."""
    matrix: FloatArray | None = None
    """A up to ``NUMPY_SOLVE_MAX`` rows (solved by LU; a copy, or the
    caller's array itself with ``copy=False``, which it must not change while
    it solves with this factor), else None."""

    def solve(self, b: FloatArray) -> FloatArray:
        """``A⁻¹ b`` for a vector ``b``."""
        if self.matrix is not None:
            try:  # silent: numpy's solve sets every floating-point error state
                return np.asarray(np.linalg.solve(self.matrix, b))
            except LinAlgError:  # singular to numpy: the factor's solve below
                pass
        if self.scipy_factor is not None:
            if self.scipy_factor[1] is _LAPACK:
                return _lapack_solve(self.lower, b)
            from scipy.linalg import cho_solve

            return np.asarray(cho_solve(self.scipy_factor, b, check_finite=False))
        L = self.lower
        n = L.shape[0]
        x = np.array(b, dtype=np.result_type(L.dtype, np.asarray(b).dtype))
        with np.errstate(all="ignore"):  # silent, as LAPACK's potrs
            if n:
                try:  # LAPACK gesv on L and Lᵀ: 23 µs at n = 29, the loops 70 µs
                    return np.linalg.solve(L.T, np.linalg.solve(L, x))
                except LinAlgError:  # a non-finite factor: the loops' NaN
                    pass
            for i in range(n):  # L y = b
                x[i] = (x[i] - L[i, :i] @ x[:i]) / L[i, i]
            for i in range(n - 1, -1, -1):  # Lᵀ x = y
                x[i] = (x[i] - L[i + 1 :, i] @ x[i + 1 :]) / L[i, i]
        return x


def cholesky(A: FloatArray, *, copy: bool = True, lapack: bool = False) -> Cholesky:
    """The Cholesky factor of the symmetric matrix ``A`` (its lower triangle is
    factored; up to ``NUMPY_SOLVE_MAX`` rows the solve reads all of A, kept
    as a copy, or A itself with ``copy=False``: a temporary of the caller, which
    it then no longer changes); :class:`LinAlgError` when ``A`` is not positive
    definite.

    ``lapack``: a float64 A of any size goes to scipy's ``dpotrf`` /
    ``dpotrs`` (:func:`_lapack_cholesky`), for callers whose choice depends
    on their data only and whose data have ``scipy.linalg`` loaded anyway
    (Newton on data the compiled kernels read,
    :func:`logistic.solvers._newton_linalg.lapack_factors`): 4 against 15 µs
    a factor and solve at 29 rows."""
    if lapack and A.dtype == np.float64:
        return _lapack_cholesky(A)
    if A.shape[0] <= NUMPY_SOLVE_MAX:
        return Cholesky(np.linalg.cholesky(A), matrix=np.array(A) if copy else A)
    if A.dtype == np.float64:
        return _lapack_cholesky(A)
    from scipy.linalg import cho_factor

    factor = cho_factor(A, lower=True, check_finite=False)
    return Cholesky(factor[0], factor)


#: Marks a factor made by :func:`_lapack_cholesky` (solved by ``dpotrs``).
_LAPACK = "lapack"


def lapack_factor(lower: FloatArray) -> Cholesky:
    """The factor of a matrix that LAPACK ``dpotrf`` factored elsewhere
    (``lower``: float64, its strict upper triangle zero; Newton's compiled
    Jacobi-scaled factor, :func:`logistic.solvers._newton_linalg.scaled_cholesky`),
    solved as :func:`_lapack_cholesky`'s, by ``dpotrs``."""
    return Cholesky(lower, (lower, _LAPACK))


def _lapack_cholesky(A: FloatArray) -> Cholesky:
    """The lower factor of a float64 ``A`` by scipy's LAPACK ``dpotrf`` (no
    argument checks); :class:`LinAlgError` as numpy's when ``A`` is not
    positive definite."""
    from scipy.linalg import lapack

    L, info = lapack.dpotrf(A, lower=1, clean=1)
    if info > 0:
        raise LinAlgError("Matrix is not positive definite")
    if info < 0:
        raise ValueError(f"dpotrf: illegal value in argument {-info}")
    return Cholesky(L, (L, _LAPACK))


def _lapack_solve(L: FloatArray, b: FloatArray) -> FloatArray:
    """``A⁻¹ b`` from the ``dpotrf`` factor ``L`` of A by ``dpotrs`` (silent on
    a non-finite factor: its NaN shows in the solution)."""
    from scipy.linalg import lapack

    x, info = lapack.dpotrs(L, np.asarray(b, dtype=np.float64), lower=1)
    if info < 0:
        raise ValueError(f"dpotrs: illegal value in argument {-info}")
    return np.asarray(x)
