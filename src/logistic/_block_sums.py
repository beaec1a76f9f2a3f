"""Per-block partial sums of the logistic objective (one read of a block each).

Convention (owned here): each function takes one row block and the split
coefficients ``(w, b)`` and returns *unnormalized* partial sums in float64
(loss, ``Xᵀ(s r)``, ``Σ s r``, ``Σ s``, Hessian sums, Hessian-vector products,
the curvature diagonal, column statistics); backends add them in block order
and :class:`logistic._objective.LogisticObjective` divides by ``Σs`` once.
Blocks of array-API arrays (torch, CuPy) go to :mod:`logistic._kernels_xp`,
all others to :mod:`logistic._kernels`. Functions marked
:func:`logistic._kernels.row_loop_only` call only kernels that make no BLAS
call on blocks the compiled row loop reads (:func:`logistic._kernels.blas_free`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _kernels, _kernels_xp
from ._block_moments import block_column_stats
from ._logits import coef_for
from ._moments import ColumnStats
from ._row_terms import (
    hessian_weight_from_logits,
    quiet_overflow,
    scaled_cast,
    weight_total,
    xt_dot,
)
from ._sparse import issparse
from ._typing import Block, FloatArray

__all__ = [
    "block_curvature_diagonal",
    "block_curvature_hessp",
    "block_data_stats",
    "block_hessian",
    "block_hessp",
    "block_logits",
    "block_value_grad",
    "block_value_grad_hessian",
    "host_logits",
]

F64 = np.float64


def _cast_coef(block: Block, w: FloatArray) -> FloatArray:
    """Coefficients in X's dtype so ``X @ w`` never upcasts (copies) X; float64
    beyond its range (:func:`logistic._logits.coef_for`)."""
    return coef_for(block.X, w)


def _kernels_of(X: Any) -> Any:
    """The kernels of X: :mod:`._kernels` (numpy, scipy) or :mod:`._kernels_xp`
    (torch, CuPy and other array-API arrays, reduced on their device)."""
    return _kernels_xp if _kernels_xp.is_device_array(X) else _kernels


def block_logits(block: Block, w: FloatArray, b: float) -> FloatArray:
    """``z = X w + b + offset`` for one block, in X's floating dtype."""
    return _kernels_of(block.X).logits(block.X, w, b, block.offset)


def host_logits(block: Block, w: FloatArray, b: float) -> np.ndarray:
    """``X w + b`` of a block's rows without its offset, float64 on the host
    (array-API rows' logits copied back): for the passes that read the
    n-vector itself (a step's reach, the fitted logits' spread)."""
    z = block_logits(Block(block.X, block.y), w, b)
    if _kernels_xp.is_device_array(z):
        z = _kernels_xp.to_numpy(z)
    return np.asarray(z, dtype=F64)


def _xt_dot(block: Block, r: FloatArray) -> FloatArray:
    """``Xᵀ r`` of one block as float64 (CSR blocks through :func:`_csc_transpose`:
    scipy's product in X's dtype, so a float32 block's sums are float32's,
    taken again in float64 where one is beyond float32's range)."""
    X = block.X
    if _is_csr(X):
        Xt = _csc_transpose(X)
        rc, c = scaled_cast(r, X.dtype)
        out = np.asarray(Xt @ rc, dtype=F64).ravel()
        if X.dtype != F64 and not np.all(np.isfinite(out)):
            out, c = np.asarray(Xt @ np.asarray(r, dtype=F64), dtype=F64).ravel(), 1.0
        return c * out
    return xt_dot(X, r)


def _is_csr(X: Any) -> bool:
    """Whether X is a scipy CSR matrix whose index arrays share one dtype."""
    return (
        getattr(X, "format", None) == "csr"
        and issparse(X)
        and X.indptr.dtype == X.indices.dtype
    )


def _csc_transpose(X: Any, data: FloatArray | None = None) -> Any:
    """``Xᵀ`` of a CSR matrix as a CSC matrix sharing X's three arrays (or
    with ``data`` in place of X's values, same positions).

    scipy's ``X.T`` passes them through its constructor, which copies
    ("prunes") index and data arrays much smaller than their base: for the
    row blocks of the in-memory backend (views of the whole X's arrays) that
    was two copies of the block a product, 120 of the 220 µs of a reuters
    block's ``Xᵀ r``. The arrays are attached after construction instead
    (as the backend builds its row views).
    """
    import scipy.sparse as sp  # X is sparse: scipy.sparse is loaded

    Xt = sp.csc_matrix((X.shape[1], X.shape[0]), dtype=X.dtype)
    Xt.indptr, Xt.indices = X.indptr, X.indices
    Xt.data = X.data if data is None else data
    return Xt


@_kernels.row_loop_only
def block_value_grad(
    block: Block, w: FloatArray, b: float, with_grad: bool = True
) -> tuple[float, FloatArray, float, float]:
    """Partial sums ``(Σ s L, Σ s r x, Σ s r, Σ s)`` of one block (r = σ(z) - y).

    One pass over the block's rows: ``X @ w`` then ``Xᵀ r`` while the block is
    still in cache (:func:`logistic._kernels.value_grad`).
    """
    return _kernels_of(block.X).value_grad(
        block.X, block.y, w, b, block.offset, block.sample_weight, with_grad
    )


def _curvature(block: Block, w: FloatArray, b: float, unit: bool) -> FloatArray:
    """Per-row curvature ``s σ(z) σ(-z)``, or its bound ``s/4`` when ``unit``."""
    d: FloatArray
    if unit:
        d = np.full(block.n_rows, 0.25, dtype=F64)
    else:
        d = hessian_weight_from_logits(block_logits(block, w, b))
    if block.sample_weight is not None:
        d = d * block.sample_weight
    return d


@_kernels.row_loop_only
def block_hessian(
    block: Block, w: FloatArray, b: float
) -> tuple[FloatArray, FloatArray, float]:
    """Partial sums ``(Xᵀ D X, Xᵀ d, Σ d)`` with ``d = s σ(z) σ(-z)``.

    Dense blocks use one BLAS ``syrk`` on a block-sized ``X ⊙ √d``; X itself
    is never copied.
    """
    kernels = _kernels_of(block.X)
    return kernels.hessian(block.X, block.y, w, b, block.offset, block.sample_weight)


@_kernels.row_loop_only
def block_value_grad_hessian(
    block: Block, w: FloatArray, b: float, hessian_stride: int = 1
) -> tuple[float, FloatArray, float, float, FloatArray, FloatArray, float]:
    """:func:`block_value_grad` and :func:`block_hessian` from one ``X @ w``.

    ``hessian_stride = k > 1``: the Hessian sums from every k-th row only
    (see :func:`logistic._kernels.value_grad_hessian`).
    """
    return _kernels_of(block.X).value_grad_hessian(
        block.X, block.y, w, b, block.offset, block.sample_weight, hessian_stride
    )


@quiet_overflow
def block_hessp(
    block: Block, w: FloatArray, b: float, v_w: FloatArray, v_b: float, unit: bool
) -> tuple[FloatArray, float]:
    """Partial sums of ``X̃ᵀ D X̃ v`` (``D`` = curvature, or ``s/4`` when ``unit``)."""
    if block.n_rows == 0:
        return np.zeros(w.shape[0]), 0.0
    if _kernels_xp.is_device_array(block.X):
        X, s, off = block.X, block.sample_weight, block.offset
        return _kernels_xp.hessp(X, block.y, w, b, off, s, v_w, v_b, unit)
    d = _curvature(block, w, b, unit)
    t = np.asarray(block.X @ _cast_coef(block, v_w), dtype=F64) + v_b
    t *= d
    return _xt_dot(block, t), float(t.sum())


@quiet_overflow
def block_curvature_hessp(
    block: Block,
    w: FloatArray,
    b: float,
    v_w: FloatArray,
    v_b: float,
    unit: bool,
    store: dict[int, tuple[Block, FloatArray]],
) -> tuple[FloatArray, float]:
    """:func:`block_hessp` that keeps the block's curvature ``d`` in ``store``
    (keyed by the block object, which the entry holds, so the key cannot be
    reused) or, when it is there already, reads it instead of ``X w``."""
    if block.n_rows == 0:
        return np.zeros(w.shape[0]), 0.0
    entry = store.get(id(block))
    if entry is None or entry[0] is not block:
        entry = store[id(block)] = (block, _curvature(block, w, b, unit))
    t = np.asarray(block.X @ _cast_coef(block, v_w), dtype=F64) + v_b
    t *= entry[1]
    return _xt_dot(block, t), float(t.sum())


def block_curvature_diagonal(
    block: Block,
    w: FloatArray,
    b: float,
    store: dict[int, tuple[Block, FloatArray]] | None,
) -> tuple[FloatArray, FloatArray, float]:
    """Partial sums ``(Σ d x², Σ d x, Σ d)`` of one block (columnwise): the
    diagonal and the intercept row of ``X̃ᵀ D X̃``. With a ``store`` (stable
    in-memory blocks) the curvature ``d`` is read from it or computed and
    kept there, as :func:`block_curvature_hessp` does, so the products at the
    same θ that follow reuse it; None keeps nothing (streamed blocks: a store
    would hold every block of the pass alive)."""
    p = w.shape[0]
    if block.n_rows == 0:
        return np.zeros(p), np.zeros(p), 0.0
    if _kernels_xp.is_device_array(block.X):  # on its device; nothing kept
        X, s, off = block.X, block.sample_weight, block.offset
        return _kernels_xp.curvature_diagonal(X, block.y, w, b, off, s)
    if store is None:
        d = _curvature(block, w, b, False)
    else:
        entry = store.get(id(block))
        if entry is None or entry[0] is not block:
            entry = store[id(block)] = (block, _curvature(block, w, b, False))
        d = entry[1]
    X = block.X
    squares: FloatArray
    # squares in float64: a float32 value below ~1e-19 squares to 0 in float32
    if _is_csr(X):
        Xt2 = _csc_transpose(X, np.square(X.data, dtype=F64))
        squares = np.asarray(Xt2 @ d, dtype=F64).ravel()
    elif issparse(X):
        squares = xt_dot(X.power(2, dtype=F64), d)
    else:  # values beyond ~1e154 overflow: inf, which the diagonal's users test
        with np.errstate(over="ignore", invalid="ignore"):
            squares = np.asarray(np.square(X, dtype=F64).T @ d, dtype=F64)
    return squares, _xt_dot(block, d), float(d.sum())


@_kernels.blas_free_on_sparse
@_kernels.row_loop_only
def block_data_stats(block: Block) -> tuple[ColumnStats, float]:
    """Column statistics and the weight total of one block (one read)."""
    if _kernels_xp.is_device_array(block.X):
        return _kernels_xp.data_stats(
            block.X, block.sample_weight, block.y, block.offset
        )
    return block_column_stats(block), weight_total(
        block.n_rows, block.sample_weight
    )
