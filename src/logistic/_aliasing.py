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
    "alias_limits",
    "alias_tolerance",
    "aliased_columns",
    "pivot_noise",
    "positive_rows_gram",
]

#: Cholesky pivot of the correlation-scaled information below which a column
#: is aliased where the rows summed are not known, and the most any count of
#: rows makes it (:func:`alias_tolerance`): ten times the pivots' rounding on
#: ~2e5 rows.
ALIAS_TOL = 1e-12
#: A column is aliased when its pivot is below this many times its rounding
#: (:func:`pivot_noise`, times its cancellation, :func:`alias_limits`).
ALIAS_NOISE = 10.0


def pivot_noise(rows: float | None, n_params: int) -> float:
    """The rounding of the correlation-scaled entries of an information (or
    Gram) matrix summed over ``rows`` rows of ``n_params`` parameters, and of
    its Cholesky: ``ε·max(√rows, n_params)`` (sums of ``rows`` terms rounded
    independently, ``~ε√rows`` of their size; Cholesky's ``~ε·n_params``);
    ``ALIAS_TOL / ALIAS_NOISE`` where ``rows`` is unknown (None, NaN: a model
    file written without it)."""
    if rows is None or not math.isfinite(rows) or rows < 1:
        return ALIAS_TOL / ALIAS_NOISE
    eps = float(np.finfo(np.float64).eps)
    return eps * max(math.sqrt(rows), float(n_params), 1.0)


def alias_tolerance(rows: float | None, n_params: int) -> float:
    """:data:`ALIAS_NOISE` times :func:`pivot_noise`, at most :data:`ALIAS_TOL`:
    the pivot below which a column whose Schur complement cancels nothing is
    aliased (:func:`alias_limits` scales it by each column's cancellation). A
    residual ratio (the square root of a pivot) above it is a dependency the
    rows resolve: R's ``glm`` keeps a column down to a ratio of ``1e-11``
    (``glm.fit``'s QR tolerance ``min(1e-7, epsilon/1000)``), which a pivot
    from sums of squares cannot resolve; here a 2 000-row fit keeps a ratio of
    ``3e-7`` (a column whose spread is ``3e-7`` of its mean, beside the
    intercept), which a fixed ``1e-12`` dropped although it carried the data's
    signal."""
    return min(ALIAS_TOL, ALIAS_NOISE * pivot_noise(rows, n_params))


def _pivots_in_order(C: FloatArray, tol: float) -> tuple[FloatArray, FloatArray]:
    """``(pivots, limits)``: the Cholesky pivots of ``C`` in column order,
    skipping (zeroing) a column whose pivot is at most its limit (R's limited
    pivoting), and each column's limit, ``max(tol, noise·(1 + ‖r_j‖²))``
    (``noise = tol / ALIAS_NOISE``, the entries' rounding) with ``r_j =
    C_kk⁻¹ c_kj`` its regression on the kept columns before it: its pivot
    ``c_jj - c_kjᵀ C_kk⁻¹ c_kj`` is a difference of terms up to ``1 + ‖r_j‖²``
    times larger, whose rounding it carries (a factor's rare level beside its
    other levels and the intercept: 1 + ‖r‖² of ~300 for 6 rows of 1 000; an
    uncentred polynomial's x¹⁰, ~550, whose pivot the rows still resolve to
    2 %: the amplified part takes the rounding without ``tol``'s margin).
    The pivots come from the right-looking elimination (backward stable);
    ``r_j`` from the kept factor's explicit inverse, which only scales the
    limit."""
    A = np.array(C, dtype=np.float64, copy=True)
    p = A.shape[0]
    noise = tol / ALIAS_NOISE
    pivots, limits = np.zeros(p), np.full(p, tol)
    L = np.zeros((p, p))  # the kept columns' factor, by column of C
    inv = np.zeros((p, p))  # its inverse, in the order the columns were kept
    kept: list[int] = []
    for j in range(p):
        s = A[j, j]
        if kept:
            k = len(kept)
            z = L[j, kept]
            r = inv[:k, :k].T @ z
            limits[j] = max(tol, noise * (1.0 + float(r @ r)))
        pivots[j] = s
        if not s > limits[j]:
            A[j, j:] = 0.0
            A[j:, j] = 0.0
            continue
        d = math.sqrt(s)
        L[j + 1 :, j] = A[j + 1 :, j] / d
        k = len(kept)
        if k:
            inv[k, :k] = -(L[j, kept] @ inv[:k, :k]) / d
        inv[k, k] = 1.0 / d
        kept.append(j)
        col = L[j + 1 :, j]
        A[j + 1 :, j + 1 :] -= np.outer(col, col)
    return pivots, limits


def _none_aliased(C: FloatArray, tol: float) -> bool:
    """Whether no column of ``C`` can reach its limit (:func:`_pivots_in_order`):
    its eigenvalues (one LAPACK call, a copy of ``C`` and no more) above
    ``tol`` (every pivot is at least the smallest) with ``trace(C⁻¹) = Σ 1/λ
    < ALIAS_NOISE/tol``. With ``C = L D Lᵀ``, ``trace(C⁻¹) = Σ_j (1 +
    ‖r_j‖²)/s_j``, so every pivot is then above its amplified limit too;
    else the in-order elimination decides."""
    evals = np.linalg.eigvalsh(C)
    if not evals[0] > tol:
        return False
    return bool(np.sum(1.0 / evals) < ALIAS_NOISE / tol)


def alias_limits(
    info: FloatArray, order: Any, zero: Any = None, rows: float | None = None
) -> tuple[Any, FloatArray]:
    """``(mask, limits)``: the aliased parameters of ``info`` (objective
    order, :func:`aliased_columns`) and each parameter's pivot limit
    (correlation scale, :func:`_pivots_in_order`; the base tolerance where no
    column can reach its limit, :func:`_none_aliased`; NaN for a parameter
    with no information; none aliased where ``info`` is not finite: values
    of X whose products overflow, which the covariance names)."""
    diag = np.diag(info)
    k = diag.shape[0]
    mask = np.zeros(k, dtype=bool)
    limits = np.full(k, np.nan)
    if not np.all(np.isfinite(info)):
        return mask, limits
    if zero is not None:
        mask[np.asarray(zero, dtype=bool) & (diag == 0)] = True
    live = np.asarray(order)[diag[np.asarray(order)] > 0]
    tol = alias_tolerance(rows, k)
    limits[live] = tol
    if live.size < 2:
        return mask, limits
    root = np.sqrt(diag[live])
    C = info[np.ix_(live, live)]  # a copy, scaled in place (its lower triangle
    C /= root[:, None]  # is what eigvalsh reads)
    C /= root[None, :]
    try:  # full rank and well above every limit: one LAPACK call
        if _none_aliased(C, tol):
            return mask, limits
    except np.linalg.LinAlgError:
        pass
    pivots, found = _pivots_in_order(0.5 * (C + C.T), tol)
    limits[live] = found
    mask[live[~(pivots > found)]] = True
    return mask, limits


def aliased_columns(
    info: FloatArray, order: Any, zero: Any = None, rows: float | None = None
) -> Any:
    """Boolean mask (objective order) of the aliased parameters of ``info``,
    summed over ``rows`` rows of positive weight (None: unknown): a column's
    in-order Cholesky pivot of the correlation-scaled ``info`` at or below its
    limit (the larger of :func:`alias_tolerance` and the rounding times its
    cancellation, :func:`_pivots_in_order`).

    ``order`` is the display order (objective positions, intercept first):
    the earlier column of a dependent set is kept, as R's pivoting keeps it.
    ``zero`` (objective order; :func:`zero_columns`) marks design columns of
    zeros: aliased too where their information is 0, as R's ``glm`` reports
    them (NA: an empty cell of an interaction). Any other parameter with no
    information (a column whose rows all have fitted probabilities of 0 or
    1 in float64, under separation) is left to the rank checks of the
    covariance, which name it.
    """
    return alias_limits(info, order, zero, rows)[0]


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
