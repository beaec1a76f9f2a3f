"""Fused per-block kernels: value, gradient and Hessian of the logistic loss.

Convention (owned here): a kernel receives one row block ``X`` (dense C- or
Fortran-ordered ndarray, or scipy sparse), labels ``y`` (dtype of X),
coefficients ``w`` (float64, cast to X's dtype so ``X @ w`` never upcasts X),
intercept ``b``, and optional ``offset`` / ``sample_weight``. It returns
*partial sums* in float64; the objective divides by ``Σs`` once.

Two implementations of the value+gradient(+curvature) pass. The compiled
kernel :mod:`logistic._fused` (Cython, built by ``setup.py``; loaded at the
first kernel call, not at ``import logistic``) does a block in one call with
the GIL released. Blocks with contiguous rows, on AVX-512 CPUs, go through
its fused row loop (``_fused_rows.h``): eight rows at a time ``z = X w + b +
offset``, ``exp``/``log1p``, loss, residual and curvature, then ``g += r x``
while the rows are in L1, so each row is read from memory once; every
product and sum in float64 (float32 X is widened as it is read, and ``w``
stays float64). Other dense blocks: ``z = X w`` (BLAS ``gemv``), ``z += b +
offset``, loss, residual and curvature in float64 (``exp``/``log1p`` over
the block, four rows at a time where glibc's libmvec and AVX2 are there),
``Xᵀ r`` (a second ``gemv`` on the block while it is in cache); CSR: a
gather loop for ``z`` and a scatter loop for ``Xᵀ r`` over the same rows.
``LOGISTIC_ROW_LOOP=0`` turns the row loop off (A/B runs). It applies to
float32/float64 dense blocks with unit stride on one axis (C order, F order,
row slices of either) and to CSR blocks, and agrees with the numpy reference
to rounding (tests/test_kernels.py: 1e-12 relative in float64, 1e-5 in
float32). Anything else, and ``LOGISTIC_KERNEL=numpy`` or
:func:`set_compiled`, runs the numpy reference (:func:`value_grad_numpy`,
and the Hessian ``syrk`` for both).

The numpy reference's row terms and sums are :mod:`logistic._row_terms`'
(float64 from the logits, the formulas of :mod:`logistic._math` bit for bit,
temporaries written in place, never a copy of ``X``; the compiled kernel
evaluates the same formulas). The Hessian ``Xᵀ D X`` of a dense block is
one BLAS ``syrk`` on the block
scaled by ``√d`` (a block-sized temporary, never the whole X); of a CSR
block, under the compiled kernel, a sweep over each row's pairs of stored
values into a dense ``p × p`` array (:func:`hessian_sums`). Blocks the
compiled row loop reads, with at most :data:`FUSED_HESSIAN_MAX_FEATURES`
columns, get it from the row loop itself, in the pass that forms ``z`` and
the gradient (:func:`_fused_hessian_pass`: ``d_i x̃_i x̃_iᵀ`` added while the
rows are in L1, float64, about half the time of ``X ⊙ √d`` and ``syrk``); it
agrees with the ``syrk`` formula to rounding
(tests/test_kernel_fused_hessian.py).

Dtypes: ``X w`` runs in X's dtype in the numpy reference (float32 X is
never copied: ``sgemv``); the row terms and every sum, ``Xᵀ r`` included,
are float64 on every path (the compiled row loop widens float32 rows as it
reads them; its BLAS path sums a float32 ``Xᵀ r`` in ``_fused_xt.h``). A
float32 block's loss is thus the float64 formula at its logits, e.g.
exactly ``log 2`` a row at θ = 0, the value the objective's θ = 0 shortcut
states (``LogisticObjective.start_value_and_gradient``, Newton's
``VALUE_AT_ZERO``). Overflow gives non-finite sums without a warning
(:func:`logistic._row_terms.quiet_overflow`); the solvers check them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from ._blas_threads import one_blas_thread
from ._compiled import (
    _ROW_LOOP_ONLY,
    COMPILED_MIN_VALUES,
    FUSED_HESSIAN_MAX_FEATURES,
    _row_loop_applies,
    blas_free_on_sparse,
    compiled_for,
    compiled_for_shape,
    compiled_kernel,
    csr_arrays,
    csr_readable,
    dense_blas_free,
    dense_verdict_key,
    fused_hessian_applies,
    row_loop_active,
    row_loop_only,
    set_compiled,
)
from ._logits import logits
from ._row_parts import hessian_rows, parts_of
from ._row_terms import (
    F64,
    hessian_weight_from_logits,
    loss_and_residual,
    quiet_overflow,
    sparse_syrk,
    weight_total,
    weighted_sum,
    xt_dot,
)
from ._sparse import issparse
from ._typing import FloatArray

__all__ = [
    "COMPILED_MIN_VALUES",
    "FUSED_HESSIAN_MAX_FEATURES",
    "compiled_for",
    "compiled_for_shape",
    "compiled_kernel",
    "csr_arrays",
    "blas_free",
    "blas_free_on_sparse",
    "fused_hessian_applies",
    "row_loop_only",
    "row_loop_active",
    "set_compiled",
    "value_grad_numpy",
    "value_grad",
    "value_grad_hessian",
    "hessian",
    "weighted_syrk",
    "wake_helper",
]

#: Sparse blocks up to this dense size get their Hessian through dense syrk.
SPARSE_DENSIFY_BYTES = 64 * 2**20
#: A dense block's ``X ⊙ √d`` for its ``syrk`` is formed this many bytes
#: of rows at a time (at least ``SYRK_CHUNK_MIN_ROWS`` rows), into one
#: temporary that stays in the core's L2 cache and is reused by every chunk:
#: a block-sized temporary is a fresh ``mmap`` whose first touch page-faults
#: (352 faults, ~1.5 ms of a process's first higgs syrk on a Zen 3 VM;
#: 256 KiB: 64 faults, once, as glibc's ``mmap`` threshold then rises and
#: later ones come from the heap). Steady state it costs what one block-wide
#: product does (higgs 7000 × 28 on one BLAS thread: 418 vs 408 µs, the
#: fastest of 300; smaller chunks add a call per 1-2 µs of work: 96 KiB
#: 463 µs).
SYRK_CHUNK_BYTES = 256 * 2**10
SYRK_CHUNK_MIN_ROWS = 256


def _dense_layout_ok(X: np.ndarray) -> bool:
    """Whether BLAS can read X in place (unit stride on one axis, sane leading dim)."""
    n, p = X.shape
    isz = X.dtype.itemsize
    s0, s1 = X.strides
    if n == 0 or p == 0 or max(n, p) >= 2**31:
        return False
    if s1 == isz or p == 1:  # rows contiguous: Xᵀ column-major, lda = row stride
        lda = s0 // isz if n > 1 else p
        return s0 % isz == 0 and p <= lda < 2**31
    lda = s1 // isz if p > 1 else n
    return s0 == isz and s1 % isz == 0 and n <= lda < 2**31


def _f64_or_none(v: FloatArray | None) -> FloatArray | None:
    return None if v is None else np.ascontiguousarray(v, dtype=F64)


def _compiled_pass(
    X: Any,
    y: FloatArray,
    w: FloatArray,
    b: float,
    offset: FloatArray | None,
    sample_weight: FloatArray | None,
    with_grad: bool,
    with_curvature: bool,
) -> tuple[float, FloatArray, float, FloatArray | None] | None:
    """``(Σ s L, Xᵀ(s r), Σ s r, d)`` by the compiled kernel, or None (not applicable).

    Applies to float32/float64 dense blocks BLAS can read in place and to
    CSR blocks; ``d = s σ(z)σ(-z)`` (float64, one per row) when
    ``with_curvature``. None sends the caller to the numpy reference: no
    compiled module, another format or dtype, or float32 X with coefficients
    beyond float32's range (:func:`logits` then works in float64).
    """
    mod = compiled_kernel()
    dt = X.dtype
    if mod is None or (dt != F64 and dt != np.float32):
        return None
    n, p = X.shape
    off, sw = _f64_or_none(offset), _f64_or_none(sample_weight)
    d = np.empty(n) if with_curvature else None
    yv = np.ascontiguousarray(y, dtype=dt)
    if issparse(X):
        arrays = csr_arrays(X) if n else None
        if arrays is None:
            return None
        g = np.zeros(p)
        wv = np.ascontiguousarray(w, dtype=F64)
        scratch = np.empty(3 * n)
        loss, rsum = mod.csr_pass(
            *arrays, yv, wv, float(b), off, sw, scratch, g, d, with_grad
        )
    elif _row_loop_applies(mod, X):
        g = np.empty(p)
        rows = mod.dense_rows_f64 if dt == F64 else mod.dense_rows_f32
        w64 = np.ascontiguousarray(w, dtype=F64)
        loss, rsum = rows(X, yv, w64, float(b), off, sw, g, d, with_grad)
    elif isinstance(X, np.ndarray) and X.ndim == 2 and _dense_layout_ok(X):
        wx = w
        if w.dtype != dt or not w.flags.c_contiguous:
            with np.errstate(over="ignore"):
                wx = np.ascontiguousarray(w, dtype=dt)
            if not np.all(np.isfinite(wx)):
                return None
        g = np.empty(p)
        scratch = np.empty(3 * n)  # e^{-|z|}, log1p, and z / r for float64 X
        buf = scratch[2 * n :] if dt == F64 else np.empty(n, dtype=dt)
        gbuf = g if dt == F64 else np.empty(p, dtype=dt)
        loss, rsum = mod.dense_pass(
            X, yv, wx, float(b), off, sw, buf, scratch, gbuf, g, d, with_grad
        )
    else:
        return None
    return loss, (g if with_grad else np.zeros(0)), rsum, d


def hessian_order(p: int) -> int:
    """The order q of the row loop's Hessian array for p columns: ``x̃ = (x,
    1)`` has p + 1 entries, padded to whole vectors of eight (``_fused``'s
    ``hess`` argument, a multiple of 8 above p)."""
    return (p + 8) // 8 * 8


def _fused_hessian_pass(
    X: Any,
    y: FloatArray,
    w: FloatArray,
    b: float,
    offset: FloatArray | None,
    sample_weight: FloatArray | None,
) -> tuple[float, FloatArray, float, FloatArray, FloatArray, float] | None:
    """``(Σ s L, Xᵀ(s r), Σ s r, Xᵀ D X, Xᵀ d, Σ d)`` of a dense block from one
    read of its rows, or None (:func:`fused_hessian_applies` says no).

    The row loop adds ``d_i x̃_i x̃_iᵀ`` (``x̃ = (x, 1)``) to a float64
    ``q × q`` array eight rows at a time while the rows are in L1, in place
    of a block-sized ``X ⊙ √d`` and a BLAS ``syrk``; the three Hessian sums
    are views of it (its last row and column are ``Xᵀ d`` and ``Σ d``).
    A large enough block runs in parts of its rows, shared with the helper
    thread where the context allows (:mod:`logistic._row_parts`).
    """
    if not fused_hessian_applies(X):
        return None
    mod: Any = compiled_kernel()
    p = X.shape[1]
    q = hessian_order(p)
    H = np.empty((q, q))
    g = np.empty(p)
    loss, rsum = hessian_rows(
        mod,
        X,
        np.ascontiguousarray(y, dtype=X.dtype),
        np.ascontiguousarray(w, dtype=F64),
        float(b),
        _f64_or_none(offset),
        _f64_or_none(sample_weight),
        g,
        H,
    )
    return loss, g, rsum, H[:p, :p], H[:p, p], float(H[p, p])


def wake_helper(X: Any, n_blocks: int, n_threads: int) -> None:
    """Wake the compiled kernel's helper thread ahead of a fit whose data
    ``X`` (in memory, ``n_blocks`` blocks, reduced on ``n_threads``
    threads) is one block whose Hessian passes run in parts
    (:mod:`logistic._row_parts`); does nothing otherwise."""
    if n_threads < 2 or n_blocks != 1 or not fused_hessian_applies(X):
        return
    mod = compiled_kernel()
    if mod is not None and parts_of(X.shape[0], hessian_order(X.shape[1])) > 1:
        mod.helper_wake()


def value_grad(
    X: Any,
    y: FloatArray,
    w: FloatArray,
    b: float,
    offset: FloatArray | None = None,
    sample_weight: FloatArray | None = None,
    with_grad: bool = True,
) -> tuple[float, FloatArray, float, float]:
    """Partial sums ``(Σ s L, Xᵀ(s r), Σ s r, Σ s)`` of one block, one pass over X.

    ``X @ w`` streams the block once; ``Xᵀ r`` follows while the block is in
    cache. Without ``with_grad`` the gradient entries are empty / zero. Runs
    the compiled kernel when it applies (:func:`_compiled_pass`; no numpy
    floating-point warning can arise there, so no ``errstate`` per block),
    else the numpy reference :func:`value_grad_numpy`.
    """
    got = None
    if compiled_for(X) is not None:
        got = _compiled_pass(X, y, w, b, offset, sample_weight, with_grad, False)
    if got is None:
        return value_grad_numpy(X, y, w, b, offset, sample_weight, with_grad)
    loss, g, rsum, _ = got
    return loss, g, rsum, weight_total(X.shape[0], sample_weight)


@quiet_overflow
def value_grad_numpy(
    X: Any,
    y: FloatArray,
    w: FloatArray,
    b: float,
    offset: FloatArray | None = None,
    sample_weight: FloatArray | None = None,
    with_grad: bool = True,
) -> tuple[float, FloatArray, float, float]:
    """The numpy reference of :func:`value_grad` (same contract, ~15 numpy calls)."""
    n = X.shape[0]
    total = weight_total(n, sample_weight)
    if n == 0:
        return 0.0, np.zeros(w.shape[0] if with_grad else 0), 0.0, total
    z = logits(X, w, b, offset)
    lo, r = loss_and_residual(z, y, with_grad)
    loss_sum = weighted_sum(lo, sample_weight)
    if r is None:
        return loss_sum, np.zeros(0), 0.0, total
    if sample_weight is not None:
        np.multiply(r, sample_weight.astype(r.dtype, copy=False), out=r)
    return loss_sum, xt_dot(X, r), weighted_sum(r, None), total


def _compiled_sandwich(X: Any, d: FloatArray) -> tuple[FloatArray, FloatArray] | None:
    """``(Xᵀ diag(d) X, Xᵀ d)`` of a CSR block by the compiled kernel, or None
    (not applicable: no compiled kernel, another format, dtype or index type).

    The kernel adds ``d_i x_ij x_ik`` for every pair of stored values of a
    row into a dense ``p × p`` array (``Σ_i nnz_i²/2`` multiply-adds, no
    sparse product built: 10-20× faster than scipy's ``Xᵀ (D X)`` at a9a's
    14 values a row), then mirrors the upper triangle.
    """
    mod = compiled_kernel()
    if mod is None or (arrays := csr_arrays(X)) is None:
        return None
    p = X.shape[1]
    H, hd = np.zeros((p, p)), np.zeros(p)
    mod.csr_sandwich(*arrays, np.ascontiguousarray(d, dtype=F64), H, hd)
    return H, hd


def _sparse_sandwich_applies(X: Any) -> bool:
    """Whether a sparse block's Hessian is a sparse sandwich rather than a
    densified ``syrk`` (see :func:`weighted_syrk`)."""
    size = X.shape[0] * X.shape[1]
    return size * X.dtype.itemsize > SPARSE_DENSIFY_BYTES or X.nnz < 0.25 * size


def blas_free(fn: Callable[..., Any], blocks: Any) -> bool:
    """Whether a reduction of ``fn`` over ``blocks`` makes no multithreaded
    BLAS call, so that its threads need no BLAS thread limit (the rule the
    in-memory backend asks): the dense rule
    (:func:`logistic._compiled.dense_blas_free`), or ``fn`` is marked
    :func:`row_loop_only`, takes no Hessian from every k-th row (a
    ``functools.partial`` with ``hessian_stride`` above 1) and every block is
    a CSR block the compiled kernels read (:func:`compiled_for`,
    :func:`csr_readable`) whose Hessian is the sparse sandwich
    (:func:`_sparse_sandwich_applies`): value, gradient and Hessian are then
    the compiled CSR pass and sandwich, which call no BLAS (the numpy
    reference's weighted sums are BLAS ``ddot``, threaded on long blocks). A
    process's first reduction under the BLAS thread limit imports
    :mod:`logistic._loader` and searches the BLAS's thread setters (~0.3 ms
    of a9a's first fit), and every one sets and restores the count.

    The verdict on dense ndarray blocks depends only on ``fn``'s function,
    the first and last blocks' type, dtype, shape, strides and order, and
    the compiled kernel in use and its row-loop level: it is kept under
    those (:func:`logistic._compiled.dense_verdict_key`), so a fit's later
    passes, and later fits of data of the same shape, do not decide it
    again (~10 µs a pass, four passes a higgs fit)."""
    key = dense_verdict_key(fn, blocks)
    if key is not None:
        kept = _BLAS_FREE_VERDICTS.get(key)
        if kept is not None:
            return kept
    verdict = _blas_free(fn, blocks)
    if key is not None:
        if len(_BLAS_FREE_VERDICTS) >= BLAS_FREE_VERDICTS_MAX:
            _BLAS_FREE_VERDICTS.clear()
        _BLAS_FREE_VERDICTS[key] = verdict
    return verdict


#: :func:`blas_free`'s verdicts on dense blocks, by
#: :func:`logistic._compiled.dense_verdict_key` (at most
#: ``BLAS_FREE_VERDICTS_MAX``, then forgotten all at once).
_BLAS_FREE_VERDICTS: dict[tuple[Any, ...], bool] = {}
BLAS_FREE_VERDICTS_MAX = 64


def _blas_free(fn: Callable[..., Any], blocks: Any) -> bool:
    """:func:`blas_free`, decided afresh."""
    if dense_blas_free(fn, blocks):
        return True
    target = fn
    while isinstance(target, functools.partial):
        if int(target.keywords.get("hessian_stride", 1)) > 1:
            return False
        target = target.func
    if not blocks or not getattr(target, _ROW_LOOP_ONLY, False):
        return False
    return all(_compiled_sandwich_block(b.X) for b in blocks)


def _compiled_sandwich_block(X: Any) -> bool:
    """Whether the compiled CSR pass and sparse sandwich read the block ``X``."""
    return (
        csr_readable(X) and compiled_for(X) is not None and _sparse_sandwich_applies(X)
    )


def hessian_sums(X: Any, d: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    """A block's Hessian partial sums ``(Xᵀ D X, Xᵀ d, Σ d)`` from its curvature ``d``.

    Sparse blocks under the compiled kernel get both products from one
    sweep of the block (:func:`_compiled_sandwich`); everything else is
    :func:`weighted_syrk` and ``Xᵀ d``.
    """
    if issparse(X) and compiled_for(X) is not None and _sparse_sandwich_applies(X):
        got = _compiled_sandwich(X, d)
        if got is not None:
            return got[0], got[1], float(d.sum())
    return weighted_syrk(X, d), xt_dot(X, d), float(d.sum())


def weighted_syrk(X: Any, d: FloatArray) -> FloatArray:
    """``Xᵀ diag(d) X`` (float64, full symmetric) for one block, ``d ≥ 0``.

    Dense: ``X ⊙ √d`` in float64 and a BLAS ``dsyrk``, chunk by chunk of
    rows (``SYRK_CHUNK_BYTES``) through one temporary, the chunks' products
    summed in float64. float32 blocks are widened chunk by chunk too (never
    a copy of X): an ``ssyrk``'s rounding (~1e-7 relative) puts the pivot of
    an exact dependency (a constant column beside the intercept) far above
    the aliasing tolerance (:mod:`logistic._aliasing`, ~1e-12), so the
    columns a fit left out as aliased depended on whether the compiled row
    loop (float64 sums) or this path formed its Hessian: on the CPU's
    row-loop level, C or F order, ``p`` above
    :data:`~logistic._compiled.FUSED_HESSIAN_MAX_FEATURES`.
    Sparse: the compiled sandwich of CSR blocks
    (:func:`_compiled_sandwich`), else ``Xᵀ (D X)`` with scipy's sparse
    product, unless the block is at least 25 % dense and densifies into at
    most ``SPARSE_DENSIFY_BYTES`` (then BLAS ``syrk`` on the dense block wins;
    at a9a's 11 % density scipy's sparse product is 1.5× faster, the
    compiled sandwich another 10-20×).
    """
    p = X.shape[1]
    if X.shape[0] == 0 or p == 0:  # BLAS rejects empty operands (prints to stderr)
        return np.zeros((p, p))
    if issparse(X):
        if _sparse_sandwich_applies(X):
            got = _compiled_sandwich(X, d) if compiled_for(X) is not None else None
            return got[0] if got is not None else sparse_syrk(X, d)
        X = X.toarray()  # one block, densified: BLAS syrk beats a sparse product
    sq = np.sqrt(np.asarray(d, dtype=F64))
    n = X.shape[0]
    step = max(SYRK_CHUNK_BYTES // (p * 8), SYRK_CHUNK_MIN_ROWS)
    order: Literal["C", "F"] = (
        "F" if X.flags.f_contiguous and not X.flags.c_contiguous else "C"
    )
    # numpy's matmul of a float32/float64 array with its own transpose is one
    # BLAS syrk, the triangle mirrored (exactly symmetric), as fast as
    # scipy's dsyrk and without importing scipy.linalg (≈ 0.3 s); silent on
    # overflow, as BLAS is (the objective tests the Hessian's finiteness).
    # On one BLAS thread: OpenBLAS shares a syrk from ~16 000 values at
    # p = 28 (and from 256 rows at p = 100), a block's product of well under
    # a millisecond, whose hand-off and spin-wait cost another CPU as much
    # time (higgs: 6.6 ms of CPU a fit for 3.4 ms of wall, the same wall on
    # one thread) and, on a loaded machine, make the caller wait for a
    # descheduled thread. Threaded reductions already hold this limit.
    with np.errstate(over="ignore", invalid="ignore"), one_blas_thread():
        if n <= step:
            A = np.multiply(X, sq[:, None], order=order, dtype=F64)
            H = A.T @ A
        else:  # chunks of rows through one cache-sized temporary (SYRK_CHUNK_BYTES)
            buf = np.empty((step, p), dtype=F64, order=order)
            part = np.empty((p, p), dtype=F64)
            H = np.zeros((p, p))
            sq2 = sq[:, None]
            for lo in range(0, n, step):
                hi = lo + step
                A = buf if hi <= n else buf[: n - lo]
                np.multiply(X[lo:hi], sq2[lo:hi], out=A)
                np.matmul(A.T, A, out=part)
                np.add(H, part, out=H)
    return H


@quiet_overflow
def hessian(
    X: Any,
    y: FloatArray,
    w: FloatArray,
    b: float,
    offset: FloatArray | None = None,
    sample_weight: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, float]:
    """Partial sums ``(Xᵀ D X, Xᵀ d, Σ d)`` with ``d = s σ(z) σ(-z)``."""
    p = w.shape[0]
    if X.shape[0] == 0:
        return np.zeros((p, p)), np.zeros(p), 0.0
    fused = _fused_hessian_pass(X, y, w, b, offset, sample_weight)
    if fused is not None:  # the numbers of value_grad_hessian, no BLAS call
        return fused[3], fused[4], fused[5]
    d = hessian_weight_from_logits(logits(X, w, b, offset))
    if sample_weight is not None:
        d *= sample_weight
    return hessian_sums(X, d)


def value_grad_hessian(
    X: Any,
    y: FloatArray,
    w: FloatArray,
    b: float,
    offset: FloatArray | None = None,
    sample_weight: FloatArray | None = None,
    hessian_stride: int = 1,
) -> tuple[float, FloatArray, float, float, FloatArray, FloatArray, float]:
    """Value, gradient and Hessian partial sums of one block from one ``X @ w``.

    Returns ``(Σ s L, Xᵀ(s r), Σ s r, Σ s, Xᵀ D X, Xᵀ d, Σ d)``; the same
    numbers as :func:`value_grad` followed by :func:`hessian`, with one read
    of the block for ``z`` instead of two (Newton's iteration).

    With ``hessian_stride = k > 1`` the three Hessian sums use every k-th row
    of the block only, scaled by ``n_rows / n_sampled`` (an unbiased estimate,
    positive semi-definite by construction, costing 1/k of the ``syrk``
    flops); with ``hessian_stride = 0`` they are zero (the block is left out
    of a Hessian estimate). Value and gradient are always exact.

    The compiled row loop (:func:`_fused_hessian_pass`) raises no numpy
    floating-point warning, so only the other paths run under
    :func:`quiet_overflow`.
    """
    if hessian_stride == 1 and X.shape[0] and compiled_for(X) is not None:
        fused = _fused_hessian_pass(X, y, w, b, offset, sample_weight)
        if fused is not None:
            total = weight_total(X.shape[0], sample_weight)
            return (*fused[:3], total, *fused[3:])
    return _value_grad_hessian(X, y, w, b, offset, sample_weight, hessian_stride)


@quiet_overflow
def _value_grad_hessian(
    X: Any,
    y: FloatArray,
    w: FloatArray,
    b: float,
    offset: FloatArray | None,
    sample_weight: FloatArray | None,
    hessian_stride: int,
) -> tuple[float, FloatArray, float, float, FloatArray, FloatArray, float]:
    """:func:`value_grad_hessian` on every path but the fused row loop."""
    p = w.shape[0]
    n = X.shape[0]
    total = weight_total(n, sample_weight)
    if n == 0 or hessian_stride == 0:
        vg = value_grad(X, y, w, b, offset, sample_weight)
        return (*vg, np.zeros((p, p)), np.zeros(p), 0.0)
    k = max(1, int(hessian_stride))
    got = None
    if compiled_for(X) is not None:
        got = _compiled_pass(X, y, w, b, offset, sample_weight, True, True)
    if got is not None:
        loss_sum, g_w, rsum, d_all = got
        assert d_all is not None
        d = d_all[::k] * (n / -(-n // k)) if k > 1 else d_all
        Xs = X[::k] if k > 1 else X
        return (loss_sum, g_w, rsum, total, *hessian_sums(Xs, d))
    z = logits(X, w, b, offset)
    lo, r = loss_and_residual(z, y, True)
    assert r is not None
    loss_sum = weighted_sum(lo, sample_weight)
    zs = z[::k]
    d = hessian_weight_from_logits(zs)
    if sample_weight is not None:
        np.multiply(r, sample_weight.astype(r.dtype, copy=False), out=r)
        d *= sample_weight[::k]
    g_w = xt_dot(X, r)
    Xs = X[::k]
    if k > 1:
        d *= n / zs.shape[0]
    return (
        loss_sum,
        g_w,
        float(np.sum(r, dtype=F64)),
        total,
        weighted_syrk(Xs, d),
        xt_dot(Xs, d),
        float(d.sum()),
    )
