"""Per-block sums of marginal effects and of their Jacobian (any backend).

Convention (owned here): with ``θ = [w, b]`` in objective order (features,
then the intercept), ``x̃ = [x, 1]``, ``z = xᵀw + b + offset``,
``σ₁ = σ(z)``, ``σ₀ = σ(-z)``, ``f = σ₁σ₀`` (the logistic density) and
``f' = f (σ₀ - σ₁)``, the per-row effect of a continuous column ``j`` and its
derivative in ``θ_k`` are

* ``dydx``: ``f w_j``;            ``∂/∂θ_k = f' w_j x̃_k + f δ_jk``
* ``dyex``: ``f w_j x_j``;        ``∂/∂θ_k = x_j (f' w_j x̃_k + f δ_jk)``
* ``eydx``: ``σ₀ w_j``;           ``∂/∂θ_k = -f w_j x̃_k + σ₀ δ_jk``
* ``eyex``: ``σ₀ w_j x_j``;       ``∂/∂θ_k = x_j (-f w_j x̃_k + σ₀ δ_jk)``

(``eydx = d log p / dx``: ``f / p = σ₀``). Writing ``g₀`` for ``f`` or
``σ₀`` and ``g₁`` for ``f'`` or ``-f``, a block contributes
``Σ s g₀ c_j`` and ``Σ s g₁ c_j x̃_k`` with ``c_j = x_j`` for the ``ex``
kinds and 1 otherwise: a ``(p,)`` vector and a ``(p, k)`` matrix
(``Xᵀ diag(s g₁) X̃``) for ``ex``, a scalar and a ``(k,)`` vector for ``dx``.

A **discrete change** (a 0/1 column, or one level of a one-hot term) is a
contrast ``c``: the columns ``S_c`` are set to 0 and, for the level, the
column ``t_c ∈ S_c`` to 1. With ``z₀ = z - Σ_{j∈S} w_j x_j`` and
``z₁ = z₀ + w_t``, its per-row effect is ``F(z₁) - F(z₀)`` with
``F = σ`` (``dydx``) or ``log σ`` (``eydx``), and its derivative is
``G(z₁) x̃¹ - G(z₀) x̃⁰`` with ``G = f`` or ``σ₀``: over the block
``Σ s (G₁ - G₀) x̃_k`` for ``k ∉ S``, ``Σ s G₁`` for ``k = t`` and 0 for the
rest of ``S``.

Every block function returns partial sums (a tuple of floats and arrays), so
``backend.map_reduce`` adds them over blocks in memory, out of core or on
Dask; the caller divides by ``Σ s`` once. Rows are weighted by their
frequency weights ``s``; a point (effects at the means) is a block of one
row of weight 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_expit

from .. import _kernels_xp
from .._typing import Block, FloatArray

__all__ = [
    "Contrasts",
    "MarginSums",
    "binary_columns",
    "margin_sums",
    "offset_mean",
]

F64 = np.float64


@dataclass(frozen=True)
class Contrasts:
    """Discrete changes: ``zeroed[:, c]`` marks the columns set to 0 by
    contrast ``c`` and ``target[c]`` the column then set to 1."""

    zeroed: np.ndarray  # bool (p, m)
    target: np.ndarray  # int (m,)

    @classmethod
    def empty(cls, p: int) -> Contrasts:
        return cls(np.zeros((p, 0), dtype=bool), np.zeros(0, dtype=np.intp))


@dataclass(frozen=True)
class MarginSums:
    """Block sums of :func:`margin_sums` (see the module docstring).

    Attributes
    ----------
    weight : float
        ``Σ s``.
    g0 : ndarray of shape (p,) (``ex`` kinds) or (1,)
        ``Σ s g₀ c_j``.
    g1 : ndarray of shape (p, k) (``ex`` kinds) or (k,)
        ``Σ s g₁ c_j x̃_k``.
    change : ndarray of shape (m,)
        ``Σ s (F(z₁) - F(z₀))`` per contrast.
    change_jac : ndarray of shape (m, k)
        ``Σ s (G₁ - G₀) x̃_k`` per contrast.
    g1_level : ndarray of shape (m,)
        ``Σ s G(z₁)`` per contrast.
    """

    weight: float
    g0: FloatArray
    g1: FloatArray
    change: FloatArray
    change_jac: FloatArray
    g1_level: FloatArray


def _host_block(block: Block) -> tuple[Any, FloatArray, FloatArray | None]:
    """``(X, s, offset)`` of a block on the host, X float64 (dense or CSR)."""
    X = block.X
    if _kernels_xp.is_device_array(X):
        block = _kernels_xp.host_vectors(block)
        X = _kernels_xp.to_numpy(X)
    if sp.issparse(X):
        X = sp.csr_matrix(X, dtype=F64)
    else:
        X = np.asarray(X, dtype=F64)
    n = X.shape[0]
    s = (
        np.ones(n)
        if block.sample_weight is None
        else np.asarray(block.sample_weight, dtype=F64)
    )
    off = None if block.offset is None else np.asarray(block.offset, dtype=F64)
    return X, s, off


def _with_values(X: Any, atexog: tuple[tuple[int, float], ...]) -> Any:
    """A dense copy of X with the columns of ``atexog`` set to their values."""
    if not atexog:
        return X
    out = X.toarray() if sp.issparse(X) else np.array(X, dtype=F64)
    for j, v in atexog:
        out[:, j] = v
    return out


def _kind_functions(z: FloatArray, ey: bool) -> tuple[FloatArray, FloatArray]:
    """``(g₀, g₁)`` of the module docstring at logits ``z``."""
    s1, s0 = expit(z), expit(-z)
    f = s1 * s0
    if ey:
        return s0, -f
    return f, f * (s0 - s1)


def _block_margins(
    block: Block,
    theta: FloatArray,
    fit_intercept: bool,
    method: str,
    atexog: tuple[tuple[int, float], ...],
    contrasts: Contrasts,
) -> tuple[Any, ...]:
    X, s, off = _host_block(block)
    X = _with_values(X, atexog)
    w = theta[: X.shape[1]]
    b = float(theta[-1]) if fit_intercept else 0.0
    z = np.asarray(X @ w, dtype=F64) + b
    if off is not None:
        z = z + off
    ey, ex = method.startswith("ey"), method.endswith("ex")
    g0, g1 = _kind_functions(z, ey)
    if ex:
        sg1 = s * g1
        Xg = X.multiply(sg1[:, None]).tocsr() if sp.issparse(X) else X * sg1[:, None]
        gram = X.T @ Xg
        sum1 = np.asarray(gram.toarray() if sp.issparse(gram) else gram, dtype=F64)
        if fit_intercept:
            sum1 = np.hstack([sum1, np.asarray(Xg.sum(axis=0)).reshape(-1, 1)])
        sum0 = np.asarray(X.T @ (s * g0), dtype=F64).ravel()
    else:
        sum1 = np.asarray(X.T @ (s * g1), dtype=F64).ravel()
        if fit_intercept:
            sum1 = np.append(sum1, float(s @ g1))
        sum0 = np.array([float(s @ g0)])
    change, jac, level = _block_contrasts(X, s, z, w, ey, contrasts, fit_intercept)
    return float(s.sum()), sum0, sum1, change, jac, level


def _block_contrasts(
    X: Any,
    s: FloatArray,
    z: FloatArray,
    w: FloatArray,
    ey: bool,
    contrasts: Contrasts,
    fit_intercept: bool,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    m = contrasts.target.shape[0]
    k = w.shape[0] + int(fit_intercept)
    if m == 0:
        return np.zeros(0), np.zeros((0, k)), np.zeros(0)
    shift = np.asarray(X @ (contrasts.zeroed * w[:, None]), dtype=F64)
    z0 = z[:, None] - shift
    z1 = z0 + w[contrasts.target][None, :]
    if ey:
        change = s @ (log_expit(z1) - log_expit(z0))
        G1, G0 = expit(-z1), expit(-z0)
    else:
        change = s @ (expit(z1) - expit(z0))
        G1, G0 = expit(z1) * expit(-z1), expit(z0) * expit(-z0)
    D = s[:, None] * (G1 - G0)
    jac = np.asarray(X.T @ D, dtype=F64).T
    if fit_intercept:
        jac = np.hstack([jac, D.sum(axis=0)[:, None]])
    return np.asarray(change, dtype=F64), jac, s @ G1


def margin_sums(
    data: Any,
    theta: FloatArray,
    fit_intercept: bool,
    method: str,
    atexog: tuple[tuple[int, float], ...],
    contrasts: Contrasts,
) -> MarginSums:
    """:class:`MarginSums` over every row of ``data`` (a backend: one pass), or
    over ``data`` itself when it is a :class:`Block` (a point)."""
    fn = partial(
        _block_margins,
        theta=np.asarray(theta, dtype=F64),
        fit_intercept=fit_intercept,
        method=method,
        atexog=atexog,
        contrasts=contrasts,
    )
    parts = fn(data) if isinstance(data, Block) else data.map_reduce(fn)
    weight, g0, g1, change, jac, level = parts
    return MarginSums(float(weight), g0, g1, change, jac, level)


def _block_binary(block: Block) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per column, over rows of positive weight: the number of 0s, of 1s and of
    other values."""
    X, s, _ = _host_block(block)
    keep = s > 0
    if not keep.all():
        X = X[np.flatnonzero(keep)]
    n, p = X.shape
    if sp.issparse(X):
        X = sp.csr_matrix(X)
        cols, vals = X.indices, X.data
        stored = np.bincount(cols, minlength=p).astype(F64)
        ones = np.bincount(cols[vals == 1.0], minlength=p).astype(F64)
        zeros_stored = np.bincount(cols[vals == 0.0], minlength=p).astype(F64)
        return n - stored + zeros_stored, ones, stored - ones - zeros_stored
    zeros = (X == 0.0).sum(axis=0).astype(F64)
    ones = (X == 1.0).sum(axis=0).astype(F64)
    return zeros, ones, n - zeros - ones


def binary_columns(data: Any) -> np.ndarray:
    """Indices of the columns whose values (rows of positive weight) are all 0
    or 1, both occurring: statsmodels' dummy test (one pass)."""
    zeros, ones, other = data.map_reduce(_block_binary)
    return np.flatnonzero((zeros > 0) & (ones > 0) & (other == 0))


def _block_offset(block: Block) -> tuple[float, float]:
    _, s, off = _host_block(block)
    return (0.0 if off is None else float(s @ off)), float(s.sum())


def offset_mean(data: Any) -> float:
    """The weighted mean offset ``Σ s o / Σ s`` (one pass)."""
    total, weight = data.map_reduce(_block_offset)
    return float(total / weight)


def weighted_median(values: FloatArray, weight: FloatArray) -> FloatArray:
    """Column medians of ``values`` (n, p) under weights, Stata's rule for
    weighted percentiles: with ``W = Σ weight``, the first value (in sorted
    order) whose cumulative weight reaches ``W/2``, averaged with the next
    value when it equals ``W/2`` (to rounding). For integer frequency weights
    that is the median of the rows repeated ``weight`` times (the mean of the
    two middle values when ``W`` is even); it does not change when every
    weight is scaled (sampling weights, weights summing to 1). Rows of weight
    0 are out (:func:`logistic.inference._hl_groups.stata_percentile`)."""
    from ._hl_groups import stata_percentile

    keep = weight > 0
    values, weight = values[keep], weight[keep]
    half = 0.5 * float(weight.sum())
    out = np.empty(values.shape[1])
    for j in range(values.shape[1]):
        order = np.argsort(values[:, j], kind="stable")
        out[j] = stata_percentile(values[order, j], np.cumsum(weight[order]), half)
    return out
