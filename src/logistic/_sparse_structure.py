"""The structure of a sparse X where it enters: checked, never trusted.

Convention (owned here): a scipy CSR or CSC X handed to ``check_X`` is read
by compiled kernels that index ``w`` and their buffers with X's ``indices``
and that take X's ``has_canonical_format`` flag (sorted indices, no index
twice in a row of CSR or a column of CSC) as the licence to count and
square stored values one by one. scipy caches that flag and anyone may set
it, or edit ``indices``/``indptr``/``data`` in place after it was cached; so
:func:`checked_structure` finds the truth from the arrays themselves:

* ``indptr`` has one entry per row (CSR; column for CSC) plus one, starts
  at 0, never falls and ends within ``indices`` and ``data``; every stored
  index is in ``[0, n_cols)`` (``[0, n_rows)`` for CSC). Otherwise a
  :class:`~logistic.DataValidationError` names the array, the first bad
  position and its value: these arrays describe no matrix of X's shape, and
  a kernel would read outside its buffers.
* Canonical: indices strictly rising within each row, one pass over the
  stored indices (scipy's compiled ``csr_has_canonical_format``, the test
  scipy itself runs before caching the flag; numpy's where that private
  function is missing). Rising indices bound each row by its first and last
  index, so the range check of a canonical X reads two indices a row. The
  verified flag is stored on X (it is then the truth: nothing else of the
  caller's matrix changes). A non-canonical X is replaced by a canonical
  copy (duplicates summed, indices sorted: scipy's ``sum_duplicates`` on
  copies of the arrays; the caller's X untouched), which every scipy
  operation and every kernel reads as the same matrix.

A COO or BSR X is checked before ``check_X`` converts it
(:func:`checked_before_conversion`): scipy's ``tocsr`` writes through its
row indices unchecked.

Cost: one read of the stored indices per call and two indices a row
(a9a, 451 592 non-zeros: ~0.25 ms, against ~0.18 ms for one ``X @ w``;
sparse200k, 2e7: ~8 ms, against ~25 ms), about 1 % of a fit of either. On
a matrix scipy has not yet tested, the test replaces scipy's own (the flag
is set, not read).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._exceptions import DataValidationError

__all__ = ["checked_before_conversion", "checked_structure"]


def checked_before_conversion(X: Any) -> None:
    """Refuse a COO or BSR X whose index arrays leave its shape, before
    scipy's ``tocsr`` (whose compiled loops index their output with them)
    converts it. Other formats hold their indices in Python structures."""
    if X.format == "coo":
        n_rows, n_cols = X.shape
        for name, idx, n in (("row", X.row, n_rows), ("col", X.col, n_cols)):
            bad = np.flatnonzero((idx < 0) | (idx >= n))
            if bad.size:
                k = int(bad[0])
                _refuse(f"X.{name}[{k}] = {int(idx[k])} is outside [0, {n})")
    elif X.format == "bsr":
        r, c = X.blocksize
        _check_indptr(X.indptr, X.shape[0] // r, len(X.indices), len(X.data), "csr")
        _check_all_indices(X.indices[: int(X.indptr[-1])], X.shape[1] // c, True)


def checked_structure(X: Any) -> Any:
    """``X`` (a scipy CSR or CSC matrix or array) once its index arrays are
    checked, with a truthful ``has_canonical_format``; a canonical copy when
    X is not canonical. See the module docstring."""
    indptr, indices, data = X.indptr, X.indices, X.data
    csr = X.format == "csr"
    n_major, n_minor = X.shape if csr else X.shape[::-1]
    _check_indptr(indptr, n_major, len(indices), len(data), X.format)
    nnz = int(indptr[-1])
    if _canonical(n_major, indptr, indices, nnz):
        _check_row_ends(indptr, indices, n_minor, csr)
        # the truth, as scipy would cache it (set, not read: reading an
        # uncached flag would run scipy's own pass over the indices again)
        X.has_canonical_format = True
        return X
    _check_all_indices(indices[:nnz], n_minor, csr)
    copy = type(X)(
        (data[:nnz].copy(), indices[:nnz].copy(), indptr.copy()), shape=X.shape
    )
    copy.has_canonical_format = False  # found above: sum_duplicates must run
    copy.sum_duplicates()
    return copy


def _check_indptr(
    indptr: np.ndarray, n_major: int, n_indices: int, n_data: int, fmt: str
) -> None:
    """``indptr``: ``n_major + 1`` entries from 0, never falling, ending
    within ``indices`` and ``data`` (O(rows))."""
    if indptr.ndim != 1 or len(indptr) != n_major + 1:
        _refuse(
            f"X.indptr has {len(indptr)} entries, expected {n_major + 1} (one per "
            f"{'row' if fmt == 'csr' else 'column'} plus one)"
        )
    if indptr[0] != 0:
        _refuse(f"X.indptr[0] = {int(indptr[0])}, expected 0")
    end = int(indptr[-1])
    if end > min(n_indices, n_data):
        _refuse(
            f"X.indptr[-1] = {end} is past the {min(n_indices, n_data)} stored "
            "values of X.indices and X.data"
        )
    falls = np.flatnonzero(indptr[1:] < indptr[:-1])
    if falls.size:
        k = int(falls[0]) + 1
        _refuse(
            f"X.indptr[{k}] = {int(indptr[k])} is below X.indptr[{k - 1}] = "
            f"{int(indptr[k - 1])}; expected a non-decreasing array"
        )


def _canonical(n_major: int, indptr: Any, indices: Any, nnz: int) -> bool:
    """Whether indices rise strictly within each row (``indptr`` checked)."""
    try:
        from scipy.sparse._sparsetools import csr_has_canonical_format
    except ImportError:  # pragma: no cover - a scipy without it
        csr_has_canonical_format = None
    if csr_has_canonical_format is not None and indices.dtype == indptr.dtype:
        try:
            return bool(csr_has_canonical_format(n_major, indptr, indices))
        except (TypeError, ValueError):  # pragma: no cover - an index dtype it lacks
            pass
    if nnz < 2:
        return True
    rising = indices[1:nnz] > indices[: nnz - 1]
    starts = indptr[1:-1]
    rising[starts[(starts > 0) & (starts < nnz)] - 1] = True  # a new row starts
    return bool(rising.all())


def _check_row_ends(indptr: Any, indices: Any, n_minor: int, csr: bool) -> None:
    """The range check of canonical indices: each row's first and last
    (positions clipped to the stored values: an empty row reads another
    row's stored index, in range when every row's ends are)."""
    nnz = int(indptr[-1])
    if nnz == 0:
        return
    first = indices[np.minimum(indptr[:-1], nnz - 1)]
    last = indices[np.maximum(indptr[1:] - 1, 0)]
    if first.min() < 0 or last.max() >= n_minor:
        _check_all_indices(indices[:nnz], n_minor, csr)


def _check_all_indices(indices: np.ndarray, n_minor: int, csr: bool) -> None:
    bad = np.flatnonzero((indices < 0) | (indices >= n_minor))
    if bad.size:
        k = int(bad[0])
        what = "columns" if csr else "rows"
        _refuse(
            f"X.indices[{k}] = {int(indices[k])} is outside [0, {n_minor}) (X's "
            f"{what}); {bad.size} stored index(es) are"
        )


def _refuse(fault: str) -> None:
    raise DataValidationError(
        f"X is a sparse matrix whose index arrays describe no matrix of its shape: "
        f"{fault}. Were its arrays edited in place? Rebuild it with "
        "scipy.sparse.csr_matrix((data, indices, indptr), shape=...)."
    )
