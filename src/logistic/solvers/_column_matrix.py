"""X by column for the column solver (:mod:`logistic.solvers.column_cd`).

Owned here: how X is held for coordinate descent over columns (CSC arrays, or
Fortran-ordered dense columns, or CSC for dense X with at most ``SPARSE_BELOW``
non-zeros), the products the solver needs of a set of columns (Gram matrix,
column statistics, cross products, ``X_Sᵀ r``, ``X_S d``), and the switch
between the compiled kernels (``logistic._cd``) and their numpy references
(``set_compiled_cd``; ``LOGISTIC_KERNEL=numpy``).
"""

from __future__ import annotations

import weakref
from functools import cached_property
from typing import Any, cast

import numpy as np

from .._sparse_structure import canonical_indices
from .._typing import FloatArray, SettlesFinite

__all__ = [
    "DENSE_COLUMNS_MIN_FEATURES",
    "DENSE_COLUMNS_SHARE",
    "SPARSE_BELOW",
    "dense_by_columns",
    "dense_nonzero_share",
    "mostly_zero",
    "sampled_nonzero_share",
    "unchecked_rows",
    "ColumnMatrix",
    "cd_kernel",
    "csc_arrays",
    "set_compiled_cd",
    "sp_columns",
]

_CD_MODULE: dict[str, Any] = {}


def cd_kernel() -> Any:
    """The compiled module, or None when the numpy reference is selected."""
    if "module" not in _CD_MODULE:
        import importlib
        import os

        _CD_MODULE["module"] = importlib.import_module("logistic._cd")
        _CD_MODULE.setdefault("enabled", os.environ.get("LOGISTIC_KERNEL") != "numpy")
    return _CD_MODULE["module"] if _CD_MODULE["enabled"] else None


def set_compiled_cd(enabled: bool) -> bool:
    """Select the compiled (True) or numpy (False) column kernels; returns the
    previous setting."""
    cd_kernel()
    old = bool(_CD_MODULE["enabled"])
    _CD_MODULE["enabled"] = bool(enabled)
    return old


#: Dense X with at most this share of non-zeros is held as CSC: its Gram matrix
#: costs ``Σ_i nnz_i(S)²/2`` instead of ``n·K²`` (BLAS about BLAS_SPEEDUP times
#: faster per multiply-add) and the column passes read only the non-zeros.
#: spambase (23 % non-zeros): 100-point L1 path 0.20 s → 0.14 s CPU.
SPARSE_BELOW = 0.3


def _float64_csr(X: Any) -> bool:
    """Whether X is a float64 CSR matrix with contiguous arrays (canonical or
    not: :func:`csc_arrays` finds duplicate entries itself)."""
    return bool(
        getattr(X, "format", None) == "csr"
        and X.dtype == np.float64
        and X.indices.flags.c_contiguous
        and X.indptr.flags.c_contiguous
        and X.data.flags.c_contiguous
    )


#: A transparent huge page (x86-64 and arm64 with 4 KiB pages).
HUGE_PAGE = 2 << 20


def _huge_page_buffer(nbytes: int) -> np.ndarray:
    """``nbytes`` bytes starting at a :data:`HUGE_PAGE` boundary of a private
    anonymous mapping of whole huge pages and one more, advised
    ``MADV_HUGEPAGE`` where the platform has it (``logistic._cd.huge_pages``,
    compiled: no ``import mmap``, 0.2 ms in a fit's process): the first
    touch then faults in one 2 MiB page at a time instead of 512 pages of
    4 KiB (4 MB written: 4 faults and 0.3 ms against 979 and 1.5 ms for a
    fresh ``np.empty``). The slack around the buffer is never touched, so it
    takes no memory; the array keeps the mapping alive. Without private
    anonymous mappings (Windows): a plain array."""
    pages = cd_kernel().huge_pages(nbytes, HUGE_PAGE)
    if pages is None:
        return np.empty(nbytes, dtype=np.uint8)
    return np.frombuffer(pages, dtype=np.uint8)


def csc_arrays(X: Any) -> tuple[FloatArray, np.ndarray, np.ndarray] | None:
    """``X.tocsc()``'s arrays of a float64 CSR X with contiguous arrays (the
    same values in the same order, rows rising within each column), or None
    where X has a duplicate entry (a column twice in a row; the caller sums
    them). Found from the copy itself, never from X's
    ``has_canonical_format`` flag, which anyone may set: a duplicate copied
    as two values would give its column the curvature ``x₁² + x₂²`` instead
    of ``(x₁ + x₂)²``. With the compiled kernel (X's index dtype int32 or
    intp, kept), ``logistic._cd.csr_to_csc``, which finds duplicates as it
    copies; copies of at least a :data:`HUGE_PAGE` are made into one
    huge-page buffer (the first fit of a process pays for every page of the
    copy it touches: 6 faults instead of ~1 000 for reuters' 4 MB).
    Otherwise scipy's ``tocsc`` (which may narrow int64 indices to int32),
    whose rows rise within each column: its only way to fail
    :func:`logistic._sparse_structure.canonical_indices` is a row twice in a
    column."""
    nnz = int(X.nnz)
    index = X.indices.dtype
    kernel = cd_kernel()
    if kernel is None or index not in (np.int32, np.intp) or X.indptr.dtype != index:
        C = X.tocsc()
        if not canonical_indices(C.indptr, C.indices):
            return None
        return C.data, C.indices, C.indptr
    size = nnz * (8 + index.itemsize)
    if size >= HUGE_PAGE:
        buf = _huge_page_buffer(size)
        data = buf[: 8 * nnz].view(np.float64)
        indices = buf[8 * nnz :].view(index)
    else:
        data, indices = np.empty(nnz), np.empty(nnz, dtype=index)
    indptr = np.empty(X.shape[1] + 1, dtype=index)
    if not kernel.csr_to_csc(X.indptr, X.indices, X.data, indptr, indices, data):
        return None
    return data, indices, indptr


#: Dense X in memory whose sampled share of non-zero entries is at most this
#: is fitted by ``newton-cd-columns`` on its columns (held as CSC by
#: :class:`ColumnMatrix`; denser X takes ``newton-cd``'s iterations), and
#: ``auto`` takes that solver for such an L1 fit within ``_auto.MAX_COLUMN_NNZ``
#: non-zeros: faster than ``newton-cd``'s dense Hessian at every
#: shape measured (tol default, L1 with C = 10/√n, 2 cores): 20 000 × 200 at
#: 5 % 326 → 48 ms, 20 000 × 1 000 at 5 % 3 257 → 193 ms, 5 000 × 100 at 5 %
#: 9 → 5 ms, 50 000 × 50 at 5 % 52 → 30 ms; an ML engineer's 20 000 × 1 000
#: at 0.2 % 2.9 s → 0.5 s. At 30 % non-zeros the column solver still wins
#: at p ≥ 200 but loses at p = 50 (45 against 60 ms), so the bound is low.
DENSE_COLUMNS_SHARE = 0.05
#: Narrower dense X keeps ``newton-cd``'s iterations whatever its zeros: its
#: (p+1)² Hessian pass is cheap there (a reviewer's measurement, L1 at 5 %
#: non-zeros: 200 000 × 10 61 ms against the column solver's 157 ms,
#: 1 000 000 × 4 162 against 274 ms), while from p = 50 the column solver won
#: every shape measured (above).
DENSE_COLUMNS_MIN_FEATURES = 50
#: Rows :func:`sampled_nonzero_share` reads at most, and values at most.
SHARE_SAMPLE_ROWS = 4096
SHARE_SAMPLE_VALUES = 1 << 22
#: Values copied at a time from the sampled rows (8 MiB of float64).
_SHARE_BLOCK_VALUES = 1 << 20
#: The sampled share of each backend's dense X (one sample a fit).
_SHARES: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()


def sampled_nonzero_share(X: Any) -> float:
    """The share of non-zero entries of a dense ``X``, estimated from at most
    ``SHARE_SAMPLE_ROWS`` rows and ``SHARE_SAMPLE_VALUES`` values, the rows
    drawn without replacement by a fixed seed (the same X gives the same
    share, and rows in a periodic order, as one-hot blocks sorted by group,
    do not alias an even spacing), copied 8 MiB at a time; exact for smaller
    X. A few milliseconds (1 M × 50: 4 ms)."""
    X = np.asarray(X)
    if not X.size:
        return 1.0
    n, p = X.shape
    wanted = max(1, min(SHARE_SAMPLE_ROWS, SHARE_SAMPLE_VALUES // max(1, p)))
    if n <= wanted:
        return float(np.count_nonzero(X)) / float(X.size)
    rows = np.sort(np.random.default_rng(0).choice(n, wanted, replace=False))
    step = max(1, _SHARE_BLOCK_VALUES // max(1, p))
    nonzero = sum(
        int(np.count_nonzero(X[rows[i : i + step]])) for i in range(0, wanted, step)
    )
    return nonzero / float(wanted * p)


def unchecked_rows(data: Any) -> Any:
    """The backend's rows, without its finite check where it owes one
    (:meth:`~logistic.backends.InMemory.rows_unchecked`)."""
    held = cast(SettlesFinite, data) if data.capabilities.settles_finite else None
    return data.rows() if held is None else held.rows_unchecked()


def dense_nonzero_share(data: Any) -> float:
    """:func:`sampled_nonzero_share` of an in-memory backend's dense X,
    sampled once per backend."""
    if data not in _SHARES:
        _SHARES[data] = sampled_nonzero_share(unchecked_rows(data).X)
    return _SHARES[data]


def mostly_zero(n_features: int, share: float) -> bool:
    """The rule for dense X fitted by its columns: at least
    ``DENSE_COLUMNS_MIN_FEATURES`` columns and at most ``DENSE_COLUMNS_SHARE``
    non-zero entries (``share``, sampled)."""
    return n_features >= DENSE_COLUMNS_MIN_FEATURES and share <= DENSE_COLUMNS_SHARE


def dense_by_columns(data: Any) -> bool:
    """Whether dense X held in memory is fitted by its columns (as CSC,
    :func:`mostly_zero`; or, where its Hessian is costly, as a Fortran copy:
    :func:`._auto.hessian_costly`, asked first by
    :mod:`.column_newton`); narrow X is not sampled."""
    if data.nnz is not None or not data.capabilities.rows_in_memory:
        return False
    if int(data.n_features) < DENSE_COLUMNS_MIN_FEATURES:
        return False
    return mostly_zero(int(data.n_features), dense_nonzero_share(data))


class ColumnMatrix:
    """X by column for :func:`newton_cd_columns`, float64: CSC arrays (those
    of :func:`csc_arrays` for a float64 CSR X without duplicate entries,
    int32 or intp indices; intp ones, duplicates summed, otherwise) for sparse
    X and for dense X with at most ``SPARSE_BELOW`` non-zeros, otherwise a
    Fortran-ordered copy (one copy per path, in place of a copy of the active
    columns at every change)."""

    def __init__(self, X: Any) -> None:
        import scipy.sparse as sp

        self.n = int(X.shape[0])
        if not sp.issparse(X) and X.size:
            X = np.asarray(X)  # X's dtype: one float64 copy, CSC or Fortran, below
            if np.count_nonzero(X) <= SPARSE_BELOW * X.size:
                X = sp.csc_matrix(X)
        self.sparse = bool(sp.issparse(X))
        #: whether the copy holds X's own stored values (a float64 CSR X
        #: without duplicate entries), rows rising within each column
        self.stored_values = False
        if self.sparse:
            arrays = csc_arrays(X) if _float64_csr(X) else None
            if arrays is not None:
                # no duplicates, so no sum_duplicates (the column kernels
                # take int32 or intp indices)
                self.data, self.indices, self.indptr = arrays
                self.stored_values = True
            else:
                C = sp.csc_matrix(X, dtype=np.float64)
                C.sum_duplicates()
                self.data = np.ascontiguousarray(C.data, dtype=np.float64)
                self.indices = np.ascontiguousarray(C.indices, dtype=np.intp)
                self.indptr = np.ascontiguousarray(C.indptr, dtype=np.intp)
            self.arg: Any = (self.data, self.indices, self.indptr)
            self.col_nnz = np.diff(self.indptr).astype(np.intp)
        else:
            self.dense = np.asfortranarray(X, dtype=np.float64)
            self.arg = self.dense
            self.col_nnz = np.full(X.shape[1], self.n, dtype=np.intp)
        self._X = X if self.sparse else None  # the CSR rows' source (sparse only)
        self._csr: tuple[FloatArray, np.ndarray, np.ndarray] | None = None
        #: sweeps of the last inner solve: the cost model's estimate of the next
        self.last_sweeps = 0
        #: the last Gram-form curvature (reused while valid, see REUSE_DZ)
        self.curvature: Any = None

    @cached_property
    def _longest_row(self) -> int:
        """Non-zeros of sparse X's longest row (the Gram kernel's buffers)."""
        return int(np.diff(self._rows()[2]).max(initial=0))

    def _rows(self) -> tuple[FloatArray, np.ndarray, np.ndarray]:
        """CSR arrays of sparse X (made when the Gram form is first chosen)."""
        if self._csr is None:
            import scipy.sparse as sp

            R = sp.csr_matrix(self._X, dtype=np.float64)
            R.sum_duplicates()
            self._csr = (
                np.ascontiguousarray(R.data, dtype=np.float64),
                np.ascontiguousarray(R.indices, dtype=np.intp),
                np.ascontiguousarray(R.indptr, dtype=np.intp),
            )
        return self._csr

    def gram(self, cols: np.ndarray, v: FloatArray) -> FloatArray:
        """``X_Sᵀ V X_S`` (dense, K × K)."""
        K = cols.size
        if not self.sparse:
            from scipy.linalg.blas import dsyrk

            # X[:, cols] of Fortran-ordered X is a Fortran-ordered copy, scaled
            # in place (a broadcast product would come out C-ordered and be
            # copied again for BLAS)
            B = self.dense[:, cols]
            B *= np.sqrt(v)[:, None]
            U = dsyrk(1.0, B, trans=1)  # upper triangle of BᵀB (Fortran order)
            lower = np.tril_indices(K, -1)
            U[lower] = U.T[lower]
            return U.T  # symmetric: its C-ordered view
        H = np.zeros((K, K))
        kernel = cd_kernel()
        if kernel is None:
            C = sp_columns(self._X, cols)
            return np.asarray((C.T @ C.multiply(v[:, None])).toarray(), order="C")
        data, indices, indptr = self._rows()
        pos = np.full(self.col_nnz.size, -1, dtype=np.intp)
        pos[cols] = np.arange(K)
        longest = self._longest_row
        kbuf, xbuf = np.empty(longest, dtype=np.intp), np.empty(longest)
        kernel.gram_csr(data, indices, indptr, pos, v, H, kbuf, xbuf)
        return H

    def _column(self, j: int) -> tuple[Any, FloatArray]:
        """Rows and values of column j (the numpy reference's access)."""
        if self.sparse:
            lo, hi = self.indptr[j], self.indptr[j + 1]
            return self.indices[lo:hi], self.data[lo:hi]
        return slice(None), self.dense[:, j]

    def stats(self, cols: np.ndarray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``X_Sᵀv`` and ``(X_S∘X_S)ᵀv``."""
        xv, xxv = np.empty(cols.size), np.empty(cols.size)
        kernel = cd_kernel()
        if kernel is not None and self.sparse:
            kernel.col_stats_csc(*self.arg, cols, v, xv, xxv)
        elif kernel is not None:
            kernel.col_stats_dense(self.dense, cols, v, xv, xxv)
        else:
            for k, j in enumerate(cols):
                rows, x = self._column(int(j))
                xv[k], xxv[k] = x @ v[rows], (x * x) @ v[rows]
        return xv, xxv

    def cross(self, cols: np.ndarray, new: np.ndarray, v: FloatArray) -> FloatArray:
        """``X_Sᵀ V X_new`` (K × len(new))."""
        if not self.sparse:
            Xn = self.dense[:, new] * v[:, None]
            return np.asarray(self.dense[:, cols].T @ Xn)
        out = np.empty((cols.size, new.size))
        q = np.zeros(self.n)
        for t, j in enumerate(new):
            rows, x = self._column(int(j))
            q[rows] = v[rows] * x
            out[:, t] = self.dots(cols, q)
            q[rows] = 0.0
        return out

    def dots(self, cols: np.ndarray, r: FloatArray) -> FloatArray:
        """``X_Sᵀ r``."""
        out = np.empty(cols.size)
        kernel = cd_kernel()
        if kernel is not None and self.sparse:
            kernel.col_dots_csc(*self.arg, cols, r, out)
        elif kernel is not None:
            kernel.col_dots_dense(self.dense, cols, r, out)
        else:
            for k, j in enumerate(cols):
                rows, x = self._column(int(j))
                out[k] = x @ r[rows]
        return out

    def matvec(self, cols: np.ndarray, coef: FloatArray) -> FloatArray:
        """``X_S coef``."""
        out = np.zeros(self.n)
        kernel = cd_kernel()
        if kernel is not None and self.sparse:
            kernel.col_axpy_csc(*self.arg, cols, np.ascontiguousarray(coef), out)
        elif kernel is not None:
            kernel.col_axpy_dense(self.dense, cols, np.ascontiguousarray(coef), out)
        elif not self.sparse:
            out += self.dense[:, cols] @ coef
        else:
            for k, j in enumerate(cols):
                rows, x = self._column(int(j))
                out[rows] += coef[k] * x
        return out


def sp_columns(X: Any, cols: np.ndarray) -> Any:
    """Sparse ``X[:, cols]`` (CSC)."""
    import scipy.sparse as sp

    return sp.csc_matrix(X, dtype=np.float64)[:, cols]
