"""Weighted column statistics of a design matrix, computed block by block.

Convention (owned here): the statistics of column ``j`` are taken over the
rows with positive weight only (a row of weight 0 does not exist for the
objective), and

* ``mean``  = ``Σ s x / Σ s``;
* ``std``   = ``sqrt(Σ s (x - mean)² / Σ s)``, **exactly 0** when the column
  is constant, i.e. when its smallest and largest values are equal, and
  positive otherwise, however small the spread is relative to the values or
  to any unit;
* ``mean`` of a constant column is its value, exactly.

No absolute threshold appears anywhere: multiplying a column by any power of
two multiplies its mean and std by the same power, bit for bit.

Numerics. A block is read once. Within the block a column whose largest
magnitude is beyond ``2^±400`` is divided by a power of two ``c ≥ max|x|/2``
(exact, so nothing overflows or underflows and values near the float64 limits
work), the block mean is taken, and the sum of squared deviations is computed
from the centred values with the corrected two-pass formula
``Σ s d² - (Σ s d)² / Σ s`` (Björck; the block stays in cache between the
passes): the error is relative to the spread, not to the magnitude of the
values, unlike ``E[x²] - E[x]²``.
Blocks are merged pairwise with Chan, Golub & LeVeque's update
``M = M_a + M_b + δ² W_a W_b / W`` (``δ`` the difference of the block means),
also in units of the common power of two. float32 blocks are promoted one
block at a time; sparse blocks touch their stored values only (implicit zeros
enter through counts). A sparse block is not in cache for a second sweep (and
its accumulators, one per column, may not be either), nor is a large dense
block, so when every column is close to centred (``Σ s x² ≤ 2^10 · m2``:
typical of sparse features, whose implicit zeros spread them, and of
standardized dense ones) the compiled kernel's ``m2`` is
``Σ s x² - (Σ s x)² / Σ s`` from the first sweep, which loses at most 10 of 53
bits; other blocks take the centred sweep. (The numpy path of dense blocks
keeps the two-pass formula: the two agree to rounding, as before.)

Gradient at logit 0. The same sweep also sums ``Σ r x`` per column and
``Σ r``, with ``r = s (1/2 - y)`` the weighted residual of a row at logit 0
(:attr:`ColumnStats.grad0`): the unnormalized gradient of the loss at
``w = 0, b = 0`` when no offset moves the logits, which
:meth:`logistic._objective.LogisticObjective.start_value_and_gradient` turns
into the objective's first value and gradient without a pass of their own.
Blocks with an offset, and kernels that do not make the sums (sparse
blocks of device arrays, :mod:`logistic._kernels_xp`), leave it None, and
None merges to None.

Finiteness. Every value of a block whose rows all have positive weight
enters its sums, and NaN or ±inf makes them non-finite (``0·inf`` and
``inf - inf`` are NaN), so finite statistics of such a block prove its
values finite (:mod:`logistic._block_moments` reads a block's statistics
and records that verdict).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ._moments_unscaled import (
    SAFE_HIGH,
    SAFE_LOW,
    _from_raw_moments,
    unscaled_raw_moments,
)
from ._sparse import issparse
from ._typing import Block, FloatArray

__all__ = ["ColumnStats", "block_stats_of_rows", "csc_column_stats"]

F64 = np.float64
#: Size of the float64 temporaries of a dense block (a sub-block at a time).
CHUNK_BYTES = 128 * 2**10
#: The compiled CSR sweep's per-column accumulators are kept per thread up to
#: this size and reused by the next block (a fresh array of them is a fresh
#: mapping whose pages fault in on every block: half of a reuters block's
#: 0.5 ms); larger ones are allocated per block.
KEEP_ACC_BYTES = 4 * 2**20
_ACC = threading.local()


def _power_of_two_at_least_half(amax: FloatArray) -> FloatArray:
    """``2^e`` with ``2^e ≤ amax < 2^(e+1)`` (1 where ``amax`` is 0)."""
    _, e = np.frexp(amax)  # amax = m 2^e, m in [0.5, 1)
    return np.where(amax > 0, np.ldexp(1.0, e - 1), 1.0)


@dataclass
class ColumnStats:
    """Mergeable per-column statistics (``a + b`` merges two row sets).

    Attributes
    ----------
    weight : float
        ``Σ s`` over rows with positive weight.
    mean : ndarray of shape (n_features,)
    unit : ndarray of shape (n_features,)
        Power of two in which ``m2`` is expressed (0 for a column that is zero
        on every row so far: any unit will do).
    m2 : ndarray of shape (n_features,)
        ``Σ s ((x - mean) / unit)²``.
    lo, hi : ndarray of shape (n_features,)
        Smallest and largest value (``+inf`` / ``-inf`` without rows).
    grad0 : ndarray of shape (n_features + 1,) or None
        ``Σ r x`` of each column, then ``Σ r``, with ``r = s (1/2 - y)``:
        the sums of the loss gradient at logit 0 (module docstring); None
        where some block had an offset or its kernel does not make them.
    class_rows : tuple of ints or None
        Rows of positive weight of each class code ``0 … K-1`` (grouped
        binomial proportions: those with ``y < 1`` and with ``y > 0``): a
        class of weight 0 has none. Counted where the rows carry weights and
        labels (without weights a class is never weightless), else None
        (:func:`logistic._block_moments.class_rows`).
    weight_range : tuple of two floats or None
        The smallest and the largest positive weight, where the rows carry
        weights (else None), for the warning of weights float64 cannot
        resolve (:func:`logistic._block_moments.warn_weight_range`).
    """

    weight: float
    mean: FloatArray
    unit: FloatArray
    m2: FloatArray
    lo: FloatArray
    hi: FloatArray
    grad0: FloatArray | None = None
    class_rows: tuple[int, ...] | None = None
    weight_range: tuple[float, float] | None = None

    @classmethod
    def empty(cls, p: int) -> ColumnStats:
        z = np.zeros(p)
        return cls(
            0.0,
            z,
            z.copy(),
            z.copy(),
            np.full(p, np.inf),
            np.full(p, -np.inf),
            np.zeros(p + 1),
        )

    def all_finite(self) -> bool:
        """Whether every statistic is finite (false when a value summed was
        NaN or ±inf, or when weighted sums overflowed); one test of the four
        arrays joined (fewer numpy calls than four)."""
        joined = np.concatenate((self.mean, self.m2, self.lo, self.hi))
        return bool(np.isfinite(joined).all())

    @property
    def nbytes(self) -> int:
        extra = 0 if self.grad0 is None else self.grad0.nbytes
        return 8 + 5 * self.mean.nbytes + extra

    def __add__(self, other: ColumnStats) -> ColumnStats:
        grad0 = None
        if self.grad0 is not None and other.grad0 is not None:
            grad0 = self.grad0 + other.grad0
        rows = None
        if self.class_rows is not None and other.class_rows is not None:
            a, b = self.class_rows, other.class_rows
            k = max(len(a), len(b))
            rows = tuple(
                (a[i] if i < len(a) else 0) + (b[i] if i < len(b) else 0)
                for i in range(k)
            )
        span = _joined_range(self.weight_range, other.weight_range)
        if other.weight == 0:
            return replace(self, grad0=grad0, class_rows=rows, weight_range=span)
        if self.weight == 0:
            return replace(other, grad0=grad0, class_rows=rows, weight_range=span)
        w = self.weight + other.weight
        fa, fb = self.weight / w, other.weight / w
        unit = np.maximum(self.unit, other.unit)
        div = np.where(unit > 0, unit, 1.0)
        mean = self.mean * fa + other.mean * fb  # a convex combination: no overflow
        delta = other.mean / div - self.mean / div
        m2 = (
            self.m2 * (self.unit / div) ** 2
            + other.m2 * (other.unit / div) ** 2
            + delta * delta * (self.weight * fb)
        )
        return ColumnStats(
            w,
            mean,
            unit,
            m2,
            np.minimum(self.lo, other.lo),
            np.maximum(self.hi, other.hi),
            grad0,
            rows,
            span,
        )

    def moments(self) -> tuple[FloatArray, FloatArray]:
        """``(mean, std)`` by the convention of the module docstring."""
        const = self.lo == self.hi
        if self.weight > 0 and not const.any():
            # the usual case in fewer calls: no constant column, every unit
            # and std positive (else the general rule below decides)
            std = self.unit * np.sqrt(np.maximum(self.m2 / self.weight, 0.0))
            if (std > 0).all() and (self.unit > 0).all():
                return self.mean.copy(), std
        mean = np.where(const, self.lo, self.mean)
        if self.weight > 0:
            var = np.maximum(self.m2 / self.weight, 0.0)
        else:
            var = np.zeros_like(self.m2)
        unit = np.where(self.unit > 0, self.unit, 1.0)
        std = np.where(const | (self.weight == 0), 0.0, unit * np.sqrt(var))
        # rounding can leave a spread of a non-constant column at 0 only when
        # every deviation underflows; keep the promise "positive unless constant"
        tiny = np.finfo(F64).smallest_subnormal
        std = np.where(~const & (std == 0) & (self.weight > 0), tiny, std)
        return mean, std


def _joined_range(
    a: tuple[float, float] | None, b: tuple[float, float] | None
) -> tuple[float, float] | None:
    """The weight range of two blocks' rows together (either may have none)."""
    if a is None or b is None:
        return a if b is None else b
    return (min(a[0], b[0]), max(a[1], b[1]))


def _units(lo: FloatArray, hi: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(unit, divisor)`` per column: 1 where squares and their sums stay
    comfortably in range (``2^-400 < max|x| < 2^400``), a power of two near
    ``max|x|`` elsewhere; an all-zero column has unit 0 (neutral in merges) and
    divisor 1."""
    amax = np.maximum(np.abs(lo), np.abs(hi))
    if amax.size and amax.max() < SAFE_HIGH:
        # every column in range or all zero (the usual case: a sparse row
        # block leaves most columns empty; NaN fails the test): the arrays of
        # the general rule below in a few calls instead of twelve
        present = amax > 0
        if not np.any(present & (amax <= SAFE_LOW)):
            return present.astype(F64), np.ones(amax.shape)
    safe = (amax > SAFE_LOW) & (amax < SAFE_HIGH)
    unit = np.where(safe, 1.0, _power_of_two_at_least_half(amax))
    unit = np.where(amax > 0, unit, 0.0)
    return unit, np.where(unit > 0, unit, 1.0)


def _compiled_dense_stats(
    X: Any, s: FloatArray | None, r0: FloatArray | None = None
) -> ColumnStats | None:
    """:func:`_dense_stats` of a C-ordered float32/float64 block by the compiled
    kernel, or None where it does not apply.

    The same formulas (min/max, the mean of the rescaled values, Björck's
    corrected two-pass sums) in two sweeps over the block (three when a
    column is rescaled) instead of four reads and ~6 numpy calls per 128 KiB
    chunk: 4-6× faster on dense1m/wide100k. One sweep when every column is
    near-centred (:func:`_from_raw_moments`, as for sparse blocks): the
    second sweep re-reads the block, which the row loop's blocks of up to
    8 MiB do not keep in L2. Blocks of at most 32 columns take the first
    sweep's sums in registers (``_fused.narrow_column_stats``: the same bits,
    ~4× faster on higgs). The sums run row by row where
    numpy's ``w @ D`` runs in BLAS's order, so the moments can differ in the
    last bits; the standardized view rounds its scales to ``SCALE_BITS``
    bits and its means to a grid of them (:mod:`logistic._scaling`), which
    absorbs that.
    """
    from ._kernels import compiled_for  # the objective layer's kernels

    mod = compiled_for(X) if getattr(X, "ndim", 0) == 2 else None
    if (
        mod is None
        or not isinstance(X, np.ndarray)
        or X.ndim != 2
        or X.dtype not in (F64, np.float32)
        or not X.flags.c_contiguous
        or X.shape[0] == 0
        or X.shape[1] == 0
    ):
        return None
    n, p = X.shape
    sw = None if s is None else np.ascontiguousarray(s, dtype=F64)
    acc = np.zeros((4, p))  # lo hi s1 s2 in one allocation
    acc[0], acc[1] = np.inf, -np.inf
    lo, hi, s1, s2 = acc
    grad0 = None if r0 is None else np.zeros(p + 1)  # Σ r x, then Σ r
    g = None if grad0 is None else grad0[:p]  # with r0, in the same sweep
    # p ≤ 32 at row-loop level 2: the first sweep in registers, same bits
    if not mod.narrow_column_stats(X, sw, lo, hi, s1, s2, r0, g):
        mod.dense_column_stats(X, None, sw, None, lo, hi, s1, s2, 0, r0, g)
    if grad0 is not None and r0 is not None:
        grad0[p] = np.sum(r0)
    total = float(n) if s is None else float(s.sum())
    if (got := unscaled_raw_moments(total, lo, hi, s1, s2)) is not None:
        return ColumnStats(total, s1 / total, *got, lo, hi, grad0)
    unit, divisor = _units(lo, hi)
    div = None if np.all(divisor == 1.0) else divisor
    if div is None:  # one sweep may be enough: Σ s x² is in s2
        raw = _from_raw_moments(total, s1, s2)
        if raw is not None:
            return ColumnStats(total, s1 / total, unit, raw, lo, hi, grad0)
    else:  # the sums again, of the rescaled values
        s1[:] = 0.0
        mod.dense_column_stats(X, div, sw, None, lo, hi, s1, s2, 1)
    mean_u = s1 / total
    resid, m2 = np.zeros(p), np.zeros(p)
    mod.dense_column_stats(X, div, sw, mean_u, lo, hi, resid, m2, 2)
    return replace(
        _corrected(total, mean_u, resid, m2, unit, divisor, lo, hi), grad0=grad0
    )


def _grad0(g: FloatArray, r0: FloatArray) -> FloatArray:
    """:attr:`ColumnStats.grad0` from ``Σ r x`` of each column and the rows' ``r``."""
    return np.append(g, np.sum(r0))


def _dense_stats(
    X: Any, s: FloatArray | None, r0: FloatArray | None = None
) -> ColumnStats:
    got = _compiled_dense_stats(X, s, r0)
    if got is not None:
        return got
    return replace(_numpy_dense_stats(X, s), grad0=_dense_grad0(X, r0))


def _dense_grad0(X: Any, r0: FloatArray | None) -> FloatArray | None:
    """``Σ r x`` of each column and ``Σ r`` by numpy (float64 products, a
    cache-sized chunk of rows at a time), or None without ``r0``."""
    if r0 is None:
        return None
    n, p = X.shape
    if X.dtype == F64:
        return _grad0(np.asarray(r0 @ X, dtype=F64), r0)
    rows = max(1, CHUNK_BYTES // (8 * max(p, 1)))
    g = np.zeros(p)
    for a in range(0, n, rows):
        g += r0[a : a + rows] @ np.asarray(X[a : a + rows], dtype=F64)
    return _grad0(g, r0)


def _numpy_dense_stats(X: Any, s: FloatArray | None) -> ColumnStats:
    """:func:`_dense_stats` by numpy (any dense block)."""
    n, p = X.shape
    lo = np.min(X, axis=0).astype(F64)
    hi = np.max(X, axis=0).astype(F64)
    unit, divisor = _units(lo, hi)
    direct = bool(np.all(divisor == 1.0))  # no column needs rescaling
    total = float(n) if s is None else float(s.sum())
    rows = max(1, CHUNK_BYTES // (8 * max(p, 1)))
    buf = np.empty((min(rows, n), p))  # float64, cache-sized, reused
    ones = np.ones(buf.shape[0])

    def chunk(a: int, b: int) -> FloatArray:
        """Rows a:b as float64 divided by ``divisor`` (exact), in ``buf``."""
        out = buf[: b - a]
        np.divide(X[a:b], divisor, out=out)
        return out

    if direct and s is None:
        mean_u = np.asarray(np.sum(X, axis=0, dtype=F64) / total)
    elif direct and X.dtype == F64:
        mean_u = (X.T @ s) / total
    else:
        mean_u = np.zeros(p)
        for a in range(0, n, rows):
            b = min(a + rows, n)
            w = ones[: b - a] if s is None else s[a:b]
            mean_u += w @ chunk(a, b)
        mean_u /= total
    m2, resid = np.zeros(p), np.zeros(p)
    for a in range(0, n, rows):
        b = min(a + rows, n)
        D = buf[: b - a]
        if direct:
            np.subtract(X[a:b], mean_u, out=D)  # float32 rows: in float64
        else:
            chunk(a, b)
            D -= mean_u
        w = ones[: b - a] if s is None else s[a:b]
        resid += w @ D
        np.square(D, out=D)
        m2 += w @ D
    return _corrected(total, mean_u, resid, m2, unit, divisor, lo, hi)


def _corrected(
    total: float,
    mean_u: FloatArray,
    resid: FloatArray,
    m2: FloatArray,
    unit: FloatArray,
    divisor: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
) -> ColumnStats:
    """Björck's correction: ``Σ s d`` is the rounding error of the first mean
    (times Σs); it refines the mean and removes its effect on ``m2``."""
    # resid is a rounding error times Σs: squared before the division it
    # overflows once Σs passes ~1e160 (uniform weights of 1e158 on 200 rows)
    m2 = m2 - resid * (resid / total)
    mean = (mean_u + resid / total) * divisor
    return ColumnStats(total, mean, unit, m2, lo, hi)


def _sparse_stats(
    X: Any, s: FloatArray | None, r0: FloatArray | None = None
) -> ColumnStats:
    """Statistics of a sparse block from its stored values (implicit zeros by count).

    Without weights the weight factors (all 1) and, when no column needs
    rescaling, the division by ``divisor`` (all 1) are skipped: the same
    numbers bit for bit, about half the time.
    """
    got = _compiled_sparse_stats(X, s, r0)
    if got is not None:
        return got
    coo = X.tocoo()
    grad0 = None
    if r0 is not None:  # implicit zeros add nothing to Σ r x
        rx = r0[coo.row] * coo.data.astype(F64)
        g = np.bincount(coo.col, weights=rx, minlength=X.shape[1]).astype(F64)
        grad0 = _grad0(g, r0)
    return replace(_numpy_sparse_stats(X, s, coo), grad0=grad0)


def _numpy_sparse_stats(X: Any, s: FloatArray | None, coo: Any) -> ColumnStats:
    """:func:`_sparse_stats` by numpy (``coo``: X in COO form)."""
    n, p = X.shape
    col = coo.col
    count = np.bincount(col, minlength=p)
    if getattr(X, "has_canonical_format", False):  # no duplicate entries
        lo, hi = np.full(p, np.inf), np.full(p, -np.inf)
        np.minimum.at(lo, col, coo.data)
        np.maximum.at(hi, col, coo.data)
        gap = count < n  # columns with implicit zeros
        lo = np.where(gap, np.minimum(lo, 0.0), lo)
        hi = np.where(gap, np.maximum(hi, 0.0), hi)
    else:  # scipy sums duplicates first
        lo = np.asarray(X.min(axis=0).toarray(), dtype=F64).ravel()
        hi = np.asarray(X.max(axis=0).toarray(), dtype=F64).ravel()
    unit, divisor = _units(lo, hi)
    if np.all(divisor == 1.0):
        d = coo.data.astype(F64)  # a copy: d is centred in place below
    else:
        d = np.divide(coo.data, divisor[col], dtype=F64)
    total = float(n) if s is None else float(s.sum())
    sw = None if s is None else s[coo.row]
    sd = d if sw is None else sw * d
    s1: FloatArray = np.bincount(col, weights=sd, minlength=p).astype(F64, copy=False)
    mean_u = s1 / total
    if bool(np.all(divisor == 1.0)):
        sq: FloatArray = np.bincount(col, weights=sd * d, minlength=p).astype(
            F64, copy=False
        )
        raw = _from_raw_moments(total, s1, sq)
        if raw is not None:
            return ColumnStats(total, mean_u, unit, raw, lo, hi)
    if sw is None:  # weight of stored entries, and of implicit zeros
        stored = count.astype(F64)
    else:
        stored = np.asarray(np.bincount(col, weights=sw, minlength=p), dtype=F64)
    implicit = np.maximum(total - stored, 0.0)
    d -= mean_u[col]
    sd = d if sw is None else sw * d
    m2 = np.bincount(col, weights=sd * d, minlength=p) + implicit * mean_u**2
    resid = np.bincount(col, weights=sd, minlength=p) - implicit * mean_u
    return _corrected(total, mean_u, resid, m2, unit, divisor, lo, hi)


def _accumulators(p: int) -> FloatArray:
    """``(p, 8)`` accumulators of :func:`_compiled_sparse_stats`, set to
    ``inf, -inf, 0, …`` (this thread's kept array when small enough)."""
    acc = getattr(_ACC, "acc", None)
    if acc is None or acc.shape[0] != p:
        acc = np.empty((p, 8))
        if acc.nbytes <= KEEP_ACC_BYTES:
            _ACC.acc = acc
    acc[:, 0], acc[:, 1], acc[:, 2:] = np.inf, -np.inf, 0.0
    return acc


def _first_sweep(
    acc: FloatArray, n: int, s: FloatArray | None, r0: FloatArray | None
) -> ColumnStats | tuple[Any, ...]:
    """The statistics of ``n`` rows from sweep 0's ``acc`` where they suffice
    (no column rescaled, raw moments exact enough), else ``(lo, hi, count,
    unit, divisor, total, grad0)`` for the sweeps that follow."""
    lo, hi, count, s1, sq = (acc[:, k].copy() for k in (0, 1, 2, 3, 7))
    grad0 = None if r0 is None else _grad0(acc[:, 6].copy(), r0)
    gap = count < n  # columns with implicit zeros
    np.minimum(lo, 0.0, out=lo, where=gap)
    np.maximum(hi, 0.0, out=hi, where=gap)
    unit, divisor = _units(lo, hi)
    total = float(n) if s is None else float(s.sum())
    if np.all(divisor == 1.0):  # one sweep may be enough: Σ s x² is in acc[:, 7]
        raw = _from_raw_moments(total, s1, sq)
        if raw is not None:
            return ColumnStats(total, s1 / total, unit, raw, lo, hi, grad0)
    return lo, hi, count, unit, divisor, total, grad0


def csc_column_stats(
    data: FloatArray, indices: Any, indptr: Any, n: int,
    s: FloatArray | None, r0: FloatArray | None = None,
) -> ColumnStats | None:  # fmt: skip
    """:class:`ColumnStats` of ``n`` rows held by column (float64 CSC arrays,
    rows rising within a column; ``s`` positive weights or None, ``r0`` as in
    :func:`block_column_stats`) by one sweep a column at a time: the sums the
    CSR sweep makes of the same rows as one block, the same bits. None where
    they do not suffice (a rescaled column, the centred sweep) or the compiled
    kernels do not run such a block (:func:`logistic._compiled.compiled_for`)."""
    from ._kernels import compiled_for_shape

    if any(v is not None and v.shape != (n,) for v in (s, r0)):
        raise ValueError(f"csc_column_stats: s and r0 need shape ({n},) or None")
    if compiled_for_shape(n, indptr.size - 1) is None:
        return None
    from . import _column_stats as mod  # type: ignore[attr-defined]

    # by slot, (8, p): the kernel writes every slot _first_sweep reads, each a
    # contiguous row of acc.T (reuters: 0.42 ms a call, 0.50 with (p, 8)'s
    # strided copies); this thread's kept array where small enough
    p = indptr.size - 1
    acc = getattr(_ACC, "by_slot", None)
    if acc is None or acc.shape[1] != p:
        acc = np.empty((8, p))
        _ACC.by_slot = acc if acc.nbytes <= KEEP_ACC_BYTES else None
    mod.csc_column_stats(data, indices, indptr, s, acc, r0, by_slot=True)
    first = _first_sweep(acc.T, n, s, r0)
    return first if isinstance(first, ColumnStats) else None


def _compiled_sparse_stats(
    X: Any, s: FloatArray | None, r0: FloatArray | None = None
) -> ColumnStats | None:
    """:func:`_sparse_stats` of a canonical CSR block by the compiled kernel
    (one to three sweeps over the stored values making the same products and
    sums in the same order as the numpy formulas: the same bits, 2-10×
    faster), or None where it does not apply."""
    from ._kernels import compiled_for, csr_arrays  # objective-layer kernels

    mod = compiled_for(X)
    if mod is None or (arrays := csr_arrays(X)) is None or not X.has_canonical_format:
        return None
    n, p = X.shape
    data, idx, ptr = arrays
    sw = None if s is None else np.ascontiguousarray(s, dtype=F64)
    acc = _accumulators(p)  # per column: lo hi count sum weight mean resid m2
    # with r0, Σ r x in the resid slot (zeroed below if sweep 2 runs)
    mod.csr_column_stats(data, idx, ptr, None, sw, acc, 0, r0)
    first = _first_sweep(acc, n, s, r0)
    if isinstance(first, ColumnStats):
        return first
    lo, hi, count, unit, divisor, total, grad0 = first
    div = None if np.all(divisor == 1.0) else divisor
    if div is not None:  # the sums again, of the rescaled values
        acc[:, 3] = 0.0
        mod.csr_column_stats(data, idx, ptr, div, sw, acc, 1)
    acc[:, 6:] = 0.0
    mean_u = acc[:, 3] / total
    stored = count.copy() if sw is None else acc[:, 4].copy()
    implicit = np.maximum(total - stored, 0.0)
    acc[:, 5] = mean_u
    mod.csr_column_stats(data, idx, ptr, div, sw, acc, 2)
    m2 = acc[:, 7] + implicit * mean_u**2
    resid = acc[:, 6] - implicit * mean_u
    return replace(
        _corrected(total, mean_u, resid, m2, unit, divisor, lo, hi), grad0=grad0
    )


def block_stats_of_rows(block: Block) -> tuple[ColumnStats, bool]:
    """:class:`ColumnStats` of a block's rows of positive weight (without
    :attr:`ColumnStats.class_rows`), and whether every row entered them."""
    X, s, y = block.X, block.sample_weight, block.y
    p = X.shape[1]
    every_row = True
    if s is not None:
        s = np.asarray(s, dtype=F64)
        keep = s > 0
        if not np.all(keep):
            X, s, every_row = X[keep], s[keep], False
            y = None if y is None else np.asarray(y)[keep]
    # the weighted residual at logit 0 (module docstring), float64
    r0 = None
    if block.offset is None and y is not None:
        r0 = np.subtract(0.5, y, dtype=F64)
        if s is not None:
            r0 *= s
    if X.shape[0] == 0:
        empty = ColumnStats.empty(p)
        return (empty if r0 is not None else replace(empty, grad0=None)), every_row
    if issparse(X):
        return _sparse_stats(X, s, r0), every_row
    return _dense_stats(np.asarray(X), s, r0), every_row
