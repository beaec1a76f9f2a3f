"""Which kernel runs a block: the compiled module, its fused row loop, BLAS.

Convention (owned here): the compiled kernel :mod:`logistic._fused` is loaded
at its first use (:func:`compiled_kernel`; ``LOGISTIC_KERNEL=numpy`` or
:func:`set_compiled` choose the numpy reference), only for blocks of at least
:data:`COMPILED_MIN_VALUES` values (:func:`compiled_for`); C-ordered dense
blocks go through its fused row loop on CPUs it is chosen for
(:func:`row_loop_active`), Hessian included up to
:data:`FUSED_HESSIAN_MAX_FEATURES` columns (:func:`fused_hessian_applies`);
and a reduction of functions marked :func:`row_loop_only` over such blocks
(:func:`dense_blas_free`), or over CSR blocks the compiled CSR pass and
sparse sandwich read (:func:`csr_readable`; the rule is
:func:`logistic._kernels.blas_free`'s), makes no BLAS call, so its threads
need no BLAS thread limit. :mod:`logistic._kernels` runs the kernels so
chosen.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable
from types import FunctionType
from typing import Any, TypeVar

import numpy as np

from ._sparse import issparse
from ._thread_budget import fit_threads

__all__ = [
    "COMPILED_MIN_VALUES",
    "FUSED_HESSIAN_MAX_FEATURES",
    "blas_free_on_sparse",
    "compiled_for",
    "compiled_kernel",
    "csr_arrays",
    "csr_readable",
    "dense_blas_free",
    "dense_verdict_key",
    "fused_hessian_applies",
    "row_loop_active",
    "kernel_in_use",
    "row_loop_only",
    "set_compiled",
]

F64 = np.float64


#: The compiled kernel module (``logistic._fused``), loaded at the first
#: kernel call rather than at ``import logistic``; None when not built.
_COMPILED: dict[str, Any] = {}


#: Blocks of fewer values (rows × columns) take the numpy reference: loading
#: the compiled kernel imports scipy.linalg for its BLAS (≈ 0.3 s), while a
#: pass over such a block takes microseconds either way (a 400-row file's
#: whole fit). The rule is the block's size alone, so a fit of the same data
#: computes the same numbers whatever ran before it.
COMPILED_MIN_VALUES = 2048


#: Dense blocks of at most this many columns, read by the compiled row loop,
#: get their Hessian from that loop (``_kernels._fused_hessian_pass``) rather than
#: from ``X ⊙ √d`` and BLAS ``syrk``; the loop's limit is 127 (its padded
#: order ``q ≤ 128``). Measured against one-thread ``syrk`` on 1 MiB blocks
#: (docs/benchmarks.md, "Compiled dense Hessian for small p").
FUSED_HESSIAN_MAX_FEATURES = 127


def compiled_for(X: Any) -> Any | None:
    """:func:`compiled_kernel` for a block of at least
    :data:`COMPILED_MIN_VALUES` values, else None (without loading it)."""
    return compiled_for_shape(X.shape[0], X.shape[1])


def compiled_for_shape(n_rows: int, n_columns: int) -> Any | None:
    """:func:`compiled_for` of a block of that shape."""
    if n_rows * n_columns < COMPILED_MIN_VALUES:
        return None
    return compiled_kernel()


def compiled_kernel() -> Any | None:
    """The compiled module ``logistic._fused``, or None (not built, or disabled).

    It imports ``logistic._column_stats`` and re-exports its column
    statistics (``dense_column_stats``, ``csr_column_stats``).

    ``LOGISTIC_KERNEL=numpy`` in the environment, or :func:`set_compiled`,
    selects the numpy reference instead; ``LOGISTIC_ROW_LOOP=0`` keeps the
    compiled kernel but turns its row-loop level off (dense blocks then take
    two BLAS ``gemv``, CSR blocks the Cython loop instead of the vector
    one), for A/B measurements.
    """
    if "module" not in _COMPILED:
        try:
            mod: Any = importlib.import_module("logistic._fused")
        except ImportError:
            mod = None
        if mod is not None and os.environ.get("LOGISTIC_ROW_LOOP") == "0":
            mod.row_loop_level(-1)  # two BLAS gemv a dense block (A/B runs)
        _COMPILED["module"] = mod
        _COMPILED.setdefault("enabled", os.environ.get("LOGISTIC_KERNEL") != "numpy")
        if _COMPILED["enabled"] and mod is not None and mod.row_loop_level() >= 0:
            if fit_threads() > 1:  # asleep until a fit's Hessian passes (_row_parts)
                mod.helper_start()
    return _COMPILED["module"] if _COMPILED["enabled"] else None


def set_compiled(enabled: bool) -> bool:
    """Use the compiled kernel (True) or the numpy reference; returns the old choice."""
    compiled_kernel()
    old = bool(_COMPILED["enabled"])
    _COMPILED["enabled"] = bool(enabled)
    return old


def row_loop_active() -> bool:
    """Whether C-ordered dense blocks go through the fused row loop now
    (the compiled kernel is in use and its loop is chosen for this CPU).

    The in-memory backend reads it to size its row blocks."""
    mod = compiled_kernel()
    return mod is not None and mod.row_loop_level() >= 0


#: The row loop's levels by name (``_fused.row_loop_level``); -1: BLAS.
_LEVEL_NAMES = {2: "avx512", 1: "avx2+fma", 0: "x86-64", -1: "blas"}


def kernel_in_use() -> str | None:
    """Which kernel sums dense blocks in this process now: "numpy" (the
    reference: ``LOGISTIC_KERNEL=numpy``, :func:`set_compiled` off, or no
    compiled build), else the compiled row loop's instruction set
    ("avx512", "avx2+fma", "x86-64") or "blas" (compiled, its row loop off:
    BLAS ``gemv``); None where nothing loaded the kernel yet (no fit of
    enough values). Blocks below :data:`COMPILED_MIN_VALUES` values run the
    numpy reference whatever it says."""
    if "module" not in _COMPILED:
        return None
    mod = _COMPILED["module"]
    if mod is None or not _COMPILED["enabled"]:
        return "numpy"
    return _LEVEL_NAMES.get(int(mod.row_loop_level()), "unknown")


def _row_loop_applies(mod: Any, X: Any) -> bool:
    """Whether a dense block goes through the compiled fused row loop.

    It needs contiguous, non-overlapping rows (C order or a row slice of it;
    F order takes the BLAS path) and a CPU the loop is chosen for
    (``row_loop_level``).
    """
    return (
        isinstance(X, np.ndarray)
        and X.ndim == 2
        and X.shape[1] > 0
        and X.strides[1] == X.dtype.itemsize
        and X.shape[0] > 0
        and (X.shape[0] == 1 or X.strides[0] >= X.shape[1] * X.dtype.itemsize)
        and X.strides[0] % X.dtype.itemsize == 0
        and mod.row_loop_level() >= 0
    )


def csr_readable(X: Any) -> bool:
    """Whether ``X`` is a sparse block the compiled kernel's CSR routines
    read: float32/float64 CSR with int32/int64 indices."""
    return (
        issparse(X)
        and X.format == "csr"
        and X.dtype in (F64, np.float32)
        and X.indices.dtype in (np.int32, np.int64)
    )


def csr_arrays(X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``(data, indices, indptr)`` of a sparse block for the compiled kernel's
    CSR routines, or None (another format, dtype or index type:
    :func:`csr_readable`).

    Strided views (a reader's slices) are made contiguous, since the kernel
    walks the arrays with unit stride, and ``indptr`` takes the indices' type
    (int32 fits nnz).
    """
    if not csr_readable(X):
        return None
    idx = np.ascontiguousarray(X.indices)
    ptr = np.ascontiguousarray(X.indptr, dtype=idx.dtype)
    return np.ascontiguousarray(X.data), idx, ptr


def fused_hessian_applies(X: Any) -> bool:
    """Whether a dense block's value, gradient and Hessian come from one
    call of the compiled row loop (``_kernels._fused_hessian_pass``).

    The block must be one the loop reads (:func:`_row_loop_applies`: float32
    or float64 with contiguous rows, an AVX-512 or AVX2 + FMA CPU), of at least
    :data:`COMPILED_MIN_VALUES` values and with at most
    :data:`FUSED_HESSIAN_MAX_FEATURES` columns. ``value_grad``,
    ``value_grad_hessian`` and ``hessian`` then make no BLAS call on
    the block (the in-memory backend need not limit BLAS's threads).
    """
    if not (isinstance(X, np.ndarray) and X.dtype in (F64, np.float32)):
        return False
    if X.shape[1] > FUSED_HESSIAN_MAX_FEATURES or compiled_for(X) is None:
        return False
    return _row_loop_applies(compiled_kernel(), X)


#: Attribute of a block function that calls only ``value_grad``,
#: ``value_grad_hessian``, ``hessian`` and the compiled column
#: statistics (:func:`row_loop_only`).
_ROW_LOOP_ONLY = "_logistic_row_loop_only"


_F = TypeVar("_F", bound=Callable[..., Any])


def row_loop_only(fn: _F) -> _F:
    """Mark ``fn`` (a block function) as one that calls only the kernels
    that make no BLAS call on blocks :func:`fused_hessian_applies` to
    (``value_grad``, ``value_grad_hessian``, ``hessian``, the
    compiled column statistics), which make none on CSR blocks the
    compiled CSR pass and sparse sandwich read either (:func:`csr_readable`);
    :func:`dense_blas_free` and :func:`logistic._kernels.blas_free` read the
    mark."""
    setattr(fn, _ROW_LOOP_ONLY, True)
    return fn


#: Attribute of a block function that makes no BLAS call on sparse blocks
#: either (:func:`blas_free_on_sparse`).
_SPARSE_BLAS_FREE = "_logistic_sparse_blas_free"


def blas_free_on_sparse(fn: _F) -> _F:
    """Mark ``fn`` (a block function) as one that makes no BLAS call on a
    scipy sparse block (the column statistics: sums of stored values in
    loops and numpy elementwise calls); :func:`dense_blas_free` reads the mark. A
    process's first reduction under the BLAS thread limit searches for the
    BLAS's thread setters (0.3-0.5 ms): such a reduction needs no limit."""
    setattr(fn, _SPARSE_BLAS_FREE, True)
    return fn


def dense_blas_free(fn: Callable[..., Any], blocks: Any) -> bool:
    """Whether a reduction of ``fn`` over ``blocks`` makes no multithreaded
    BLAS call by the dense rule (or the column statistics' sparse one), so
    that its threads need no BLAS thread limit; the rule the in-memory
    backend asks, which adds CSR blocks, is :func:`logistic._kernels.blas_free`.

    ``fn`` (or the function a ``functools.partial`` wraps) must carry the
    :func:`row_loop_only` mark, and every block must be C-ordered and one the
    row loop reads whole (:func:`fused_hessian_applies`; the compiled column
    statistics read such blocks too) or too small for BLAS to thread; or
    ``fn`` carries the :func:`blas_free_on_sparse` mark and the blocks are
    scipy sparse. Blocks of one backend differ in their row count only, so
    the first and the last block stand for all of them. Decided at each
    call: the kernel in use can change (:func:`set_compiled`).
    """
    target = fn
    while isinstance(target, functools.partial):
        target = target.func
    if not blocks:
        return False
    if getattr(target, _SPARSE_BLAS_FREE, False) and all(
        issparse(b.X) for b in (blocks[0], blocks[-1])
    ):
        return True
    if not getattr(target, _ROW_LOOP_ONLY, False):
        return False
    for block in (blocks[0], blocks[-1]):
        X = block.X
        if not isinstance(X, np.ndarray):
            return False
        read_whole = X.flags.c_contiguous and fused_hessian_applies(X)
        # a block under COMPILED_MIN_VALUES takes the numpy kernel; BLAS runs
        # such a product on one thread (OpenBLAS threads gemv from 9 216 values)
        if not (read_whole or X.size < COMPILED_MIN_VALUES):
            return False
    return True


def dense_verdict_key(fn: Callable[..., Any], blocks: Any) -> tuple[Any, ...] | None:
    """What :func:`logistic._kernels.blas_free` decides from on blocks whose
    first and last ``X`` are numpy arrays and a module-level ``fn`` (not a
    function defined inside another, which a caller may make anew at every
    pass), or None (not kept; nor before the compiled module is loaded,
    which small data never do)."""
    target = fn
    while isinstance(target, functools.partial):
        target = target.func
    if (
        not blocks
        or type(target) is not FunctionType
        or "<locals>" in target.__qualname__
    ):
        return None
    first, last = blocks[0].X, blocks[-1].X
    if type(first) is not np.ndarray or type(last) is not np.ndarray:
        return None
    if "module" not in _COMPILED:  # not loaded yet: deciding may load it
        return None
    mod = compiled_kernel()
    return (
        target,
        mod,
        -2 if mod is None else mod.row_loop_level(),
        first.dtype,
        first.shape,
        first.strides,
        first.flags.c_contiguous,
        last.dtype,
        last.shape,
        last.strides,
        last.flags.c_contiguous,
    )
