"""The rank test of :mod:`logistic.inference._aliased`'s convention: the
aliased parameters of an information matrix, from the Cholesky pivots of
its correlation-scaled form taken in display order (R's ``glm``; the
convention and its tolerance are explained there). Numpy only, so that a
solver refusing a rank-deficient design (Firth's) uses the same test as the
inference that reports aliased columns; and the Gram matrix of the design's
rows of positive weight, whose dependencies are the design's own (an
information ``Xᵀ W X`` can hide or fake some where ``W`` is ~0)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._typing import FloatArray

__all__ = [
    "ALIAS_NOISE",
    "ALIAS_TOL",
    "alias_tolerance",
    "aliased_columns",
    "pivot_noise",
    "positive_rows_gram",
]

#: Cholesky pivot of the correlation-scaled information below which a column
#: is aliased where the rows summed are not known, and the most any count of
#: rows makes it (:func:`alias_tolerance`): ten times the pivots' rounding on
#: ~1e6 rows.
ALIAS_TOL = 1e-12
#: A column is aliased when its pivot is below this many times the pivots'
#: rounding (:func:`pivot_noise`).
ALIAS_NOISE = 10.0


def pivot_noise(rows: float | None, n_params: int) -> float:
    """The rounding of the correlation-scaled pivots of an information (or
    Gram) matrix summed over ``rows`` rows of ``n_params`` parameters:
    ``ε·max(√rows, n_params)`` (the entries' rounding, ``~ε√rows`` of their
    size for sums of ``rows`` terms rounded independently, and Cholesky's,
    ``~ε·n_params``); ``ALIAS_TOL / ALIAS_NOISE`` where ``rows`` is unknown
    (None, NaN: a model file written without it)."""
    if rows is None or not math.isfinite(rows) or rows < 1:
        return ALIAS_TOL / ALIAS_NOISE
    eps = float(np.finfo(np.float64).eps)
    return eps * max(math.sqrt(rows), float(n_params), 1.0)


def alias_tolerance(rows: float | None, n_params: int) -> float:
    """The pivot below which a column is aliased: :data:`ALIAS_NOISE` times
    :func:`pivot_noise`, at most :data:`ALIAS_TOL`. A residual ratio (the
    square root of a pivot) above it is a dependency the rows resolve: R's
    ``glm`` keeps a column down to a ratio of ``1e-11`` (``glm.fit``'s QR
    tolerance ``min(1e-7, epsilon/1000)``), which a pivot from sums of
    squares cannot resolve; here a 2 000-row fit keeps a ratio of ``3e-7``
    (a column whose spread is ``3e-7`` of its mean, beside the intercept),
    which a fixed ``1e-12`` dropped although it carried the data's signal."""
    return min(ALIAS_TOL, ALIAS_NOISE * pivot_noise(rows, n_params))


def _pivots_in_order(C: FloatArray, tol: float) -> FloatArray:
    """Cholesky pivots of ``C`` in column order, skipping (zeroing) a column
    whose pivot is at most ``tol`` (R's limited pivoting)."""
    A = np.array(C, dtype=np.float64, copy=True)
    p = A.shape[0]
    pivots = np.zeros(p)
    for j in range(p):
        s = A[j, j]
        pivots[j] = s
        if not s > tol:
            A[j, j:] = 0.0
            A[j:, j] = 0.0
            continue
        col = A[j + 1 :, j] / np.sqrt(s)
        A[j + 1 :, j + 1 :] -= np.outer(col, col)
    return pivots


def aliased_columns(
    info: FloatArray, order: Any, zero: Any = None, rows: float | None = None
) -> Any:
    """Boolean mask (objective order) of the aliased parameters of ``info``,
    summed over ``rows`` rows of positive weight (None: unknown), by
    :func:`alias_tolerance`.

    ``order`` is the display order (objective positions, intercept first):
    the earlier column of a dependent set is kept, as R's pivoting keeps it.
    ``zero`` (objective order; :func:`zero_columns`) marks design columns of
    zeros: aliased too where their information is 0, as R's ``glm`` reports
    them (NA: an empty cell of an interaction). Any other parameter with no
    information (a column whose rows all have fitted probabilities of 0 or
    1 in float64, under separation) is left to the rank checks of the
    covariance, which name it.
    """
    diag = np.diag(info)
    k = diag.shape[0]
    mask = np.zeros(k, dtype=bool)
    if zero is not None:
        mask[np.asarray(zero, dtype=bool) & (diag == 0)] = True
    live = order[diag[order] > 0]
    if live.size < 2:
        return mask
    tol = alias_tolerance(rows, k)
    root = np.sqrt(diag[live])
    C = info[np.ix_(live, live)] / np.outer(root, root)
    try:  # full rank and well above the tolerance: one LAPACK call
        L = np.linalg.cholesky(0.5 * (C + C.T))
        if np.min(np.diag(L)) ** 2 > tol:
            return mask
    except np.linalg.LinAlgError:
        pass
    pivots = _pivots_in_order(0.5 * (C + C.T), tol)
    mask[live[~(pivots > tol)]] = True
    return mask


def positive_rows_gram(block: Any, fit_intercept: bool) -> FloatArray:
    """``Ãᵀ Ã`` of a block's rows with positive weight, ``Ã = (X, 1)`` (the
    intercept last, as the objective orders it), summed in float64 (float32
    X too: a float32 Gram's pivots of an exact dependency are ~1e-7, far
    above the aliasing tolerance)."""
    from . import _kernels, _kernels_xp

    X = block.X
    if _kernels_xp.is_device_array(X):
        X = _kernels_xp.to_numpy(X)
    if X.dtype != np.float64:  # float32 sums: dependencies hide below 1e-7
        X = X.astype(np.float64)
    n = X.shape[0]
    s = block.sample_weight
    d = np.ones(n) if s is None else (np.asarray(s) > 0).astype(np.float64)
    xx, xd, total = _kernels.hessian_sums(X, d)
    if not fit_intercept:
        return np.asarray(xx, dtype=np.float64)
    return np.block([[xx, xd[:, None]], [xd[None, :], np.array([[total]])]])
