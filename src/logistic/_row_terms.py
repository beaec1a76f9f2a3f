"""The numpy reference's row terms and float64 sums of one block.

Convention (owned here): the per-row loss, residual and curvature of the
logistic loss are computed in float64 from the logits, whatever X's dtype
(a float32 block's loss is the float64 formula at its logits: exactly
``log 2`` a row at θ = 0), with every temporary written in place (``out=``)
so that a block needs a handful of ``n_rows``-long buffers and never a copy
of X; and every sum over rows, ``Xᵀ r`` included, is accumulated in float64
(:func:`xt_dot`: ``sgemv`` would sum a float32 block in float32). The
formulas are those of :mod:`logistic._math`, bit for bit:

* ``t = e^{-|z|}`` (never overflows), ``σ(z) = 1/(1+t)`` for ``z ≥ 0`` and
  ``t · 1/(1+t)`` otherwise;
* the loss ``log1p(t) + y·max(-z,0) + (1-y)·max(z,0)``, written as
  ``log1p(t) + (1[z≥0] - y)·z``: the same operations on the same operands,
  since exactly one of the two ``max`` terms is non-zero;
* the curvature ``σ(z)σ(-z) = t / (1+t)²`` (in [0, 1/4], no cancellation).

Overflow (an iterate far from the optimum, extreme data) gives non-finite
partial sums without a numpy ``RuntimeWarning``: block functions run under
:func:`quiet_overflow`, and the solvers check every value for finiteness.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from ._sparse import issparse
from ._typing import FloatArray

__all__ = [
    "F64",
    "FLOAT32_NORMAL_SUMS",
    "FLOAT32_SAFE",
    "float32_products_lost",
    "float32_scale",
    "scaled_cast",
    "hessian_weight_from_logits",
    "loss_and_residual",
    "quiet_overflow",
    "sparse_syrk",
    "weight_total",
    "weighted_sum",
    "xt_dot",
]

F64 = np.float64
_F = TypeVar("_F", bound=Callable[..., Any])


def quiet_overflow(fn: _F) -> _F:
    """Run ``fn`` with overflow and invalid operations silent (module doc)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with np.errstate(over="ignore", invalid="ignore"):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def weighted_sum(v: FloatArray, s: FloatArray | None) -> float:
    """``Σ s v`` (``Σ v`` without weights) accumulated in float64."""
    if s is None:
        return float(v.sum() if v.dtype == F64 else np.sum(v, dtype=F64))
    if v.dtype == F64 and s.dtype == F64:
        return float(np.dot(s, v))
    return float(np.dot(s.astype(F64, copy=False), v.astype(F64, copy=False)))


def weight_total(n: int, sample_weight: FloatArray | None) -> float:
    """A block's partial sum of ``Σs``: its weight total (``n`` without weights).

    The one summation of sample weights; the objective adds these partial
    sums over the blocks (:attr:`LogisticObjective.weight_sum`).
    """
    if sample_weight is None:
        return float(n)
    return float(np.sum(sample_weight, dtype=F64))


def loss_and_residual(
    z: FloatArray, y: FloatArray, with_residual: bool
) -> tuple[FloatArray, FloatArray | None]:
    """Per-row loss and (optionally) residual ``σ(z) - y``; overwrites nothing of z.

    Returns ``(loss, r)`` as new float64 arrays (``r`` is None when not
    requested): a float32 ``z`` is widened first, so the row terms are
    those the compiled kernel computes from the same logits. Three
    ``n``-long buffers in all.
    """
    pos = z >= 0
    t = np.abs(z, dtype=F64)
    np.negative(t, out=t)
    np.exp(t, out=t)  # t = e^{-|z|} in (0, 1]
    c = np.subtract(pos, y, dtype=F64)  # 1[z≥0] - y
    np.multiply(c, z, out=c)  # = y·max(-z,0) + (1-y)·max(z,0), ≥ 0 for y in [0, 1]
    lo = np.log1p(t)
    np.add(lo, c, out=lo)
    if not with_residual:
        return lo, None
    np.add(t, 1, out=c)
    np.divide(1, c, out=c)  # inv = 1/(1+t)
    np.multiply(t, c, out=t)  # t·inv = σ(z) for z < 0
    np.copyto(t, c, where=pos)  # inv = σ(z) for z ≥ 0
    np.subtract(t, y, out=t)
    return lo, t


def hessian_weight_from_logits(z: FloatArray) -> FloatArray:
    """``σ(z) σ(-z)`` as float64, computed as in :func:`logistic._math.hessian_weight`.

    Uses ``σ(z)σ(-z) = t / (1+t)²`` with ``t = e^{-|z|}`` (in [0, 1/4], no
    cancellation, no overflow).
    """
    t = np.abs(z, dtype=F64)
    np.negative(t, out=t)
    np.exp(t, out=t)
    u = np.add(t, 1.0)
    np.multiply(u, u, out=u)
    np.divide(t, u, out=t)
    return t


#: A float64 vector cast to float32 for a product with X keeps its values
#: while its max-abs lies in this range; outside it, :func:`float32_scale`.
FLOAT32_SAFE = (1e-30, 1e30)


def float32_scale(v: FloatArray, dtype: Any) -> float:
    """The divisor ``c`` that a float64 vector ``v`` (residuals or curvature,
    which carry the sample weights) takes before its cast to X's ``dtype``,
    the product being multiplied back by ``c`` in float64: ``max |v|`` for
    float32 X where that lies outside :data:`FLOAT32_SAFE` (weights of 1e-100
    would round to 0 in the cast, below float32's smallest value, and those
    of 1e40 to inf), else 1."""
    if dtype == F64:
        return 1.0
    top = float(np.max(np.abs(v), initial=0.0))
    low, high = FLOAT32_SAFE
    return top if (0.0 < top < low or high < top < np.inf) else 1.0


#: A float32 block's Hessian products ``d x_j x_k`` keep their digits while
#: every column's sum ``Σ d x²`` is at least this (float32's smallest normal
#: number over its epsilon: every term that counts in the sum, at least
#: epsilon times it, is then a normal number); a column of values below ~1e-19
#: gives products that are subnormal (digits lost) or 0.
FLOAT32_NORMAL_SUMS = float(np.finfo(np.float32).tiny / np.finfo(np.float32).eps)


def float32_products_lost(H: FloatArray, X: Any) -> bool:
    """Whether ``H``, a float32 block's ``Xᵀ D X`` computed in float32 (``D``
    divided by :func:`float32_scale`'s ``c``), lost its values: an entry
    beyond float32's range (values above ~1e19), or a column holding a
    non-zero value whose diagonal is below :data:`FLOAT32_NORMAL_SUMS`
    (values below ~1e-19: products underflowed, and a Newton step saw a
    column of zero curvature). The caller then computes it in float64."""
    if not np.all(np.isfinite(H)):
        return True
    low = np.flatnonzero(np.diagonal(H) < FLOAT32_NORMAL_SUMS)
    if low.size == 0:
        return False
    cols = X[:, low]  # only those columns: all-zero ones have a 0 diagonal
    return bool(cols.count_nonzero() if issparse(cols) else np.count_nonzero(cols))


def sparse_syrk(X: Any, d: FloatArray) -> FloatArray:
    """``Xᵀ diag(d) X`` (float64, dense) of a sparse block by scipy's product
    in X's dtype (float32: ``d`` divided by :func:`float32_scale`'s ``c``, the
    product multiplied back), in float64 where a float32 product lost its
    values (:func:`float32_products_lost`)."""
    import scipy.sparse as sp  # X is sparse: scipy.sparse is loaded

    dc, c = scaled_cast(d, X.dtype)  # weights of 1e-100: d/c, not 0
    H = np.asarray((X.T @ (sp.diags(dc) @ X)).toarray(), dtype=F64)
    if X.dtype != F64 and float32_products_lost(H, X):
        X = X.astype(F64)
        return np.asarray((X.T @ (sp.diags(d) @ X)).toarray(), dtype=F64)
    return c * H


def scaled_cast(v: FloatArray, dtype: Any) -> tuple[Any, float]:
    """``(v / c` cast to ``dtype``, ``c)`` with ``c`` :func:`float32_scale`'s
    (1 for float64 or a safe range): a product with the cast vector, taken
    back to float64 and multiplied by ``c``, is the product with ``v``."""
    c = float32_scale(v, dtype)
    return (v if c == 1.0 else v / c).astype(dtype, copy=False), c


def xt_dot(X: Any, r: FloatArray) -> FloatArray:
    """``Xᵀ r`` accumulated in float64.

    float64 X: BLAS ``gemv`` or scipy's sparse product. float32 X: a dense
    block through ``einsum`` in float64 (X's values widened through its
    iterator's small buffers, never a block-sized copy; ``sgemv`` would sum
    in float32, ~1e-7 relative a term), a sparse one by scipy's product with
    a float64 r (float64 result and sums).
    """
    if X.dtype == F64:
        return np.asarray(X.T @ r.astype(F64, copy=False), dtype=F64).ravel()
    r64 = r.astype(F64, copy=False)
    if issparse(X):
        return np.asarray(X.T @ r64, dtype=F64).ravel()
    return np.einsum("ij,i->j", X, r64, dtype=F64)
