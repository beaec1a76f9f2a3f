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
row indices unchecked. Before any of this, X must be 2-D with 1-D integer
index arrays (:func:`check_sparse_form`); scipy builds 1-D ``csr_array``
and n-D ``coo_array`` objects, and lets any array be assigned to ``indptr``.

Prediction (:func:`checked_bounds`) needs less: ``X @ w`` (and every scipy
product) reads duplicates and unsorted indices as the summed matrix, so a
predicting X gets the ``indptr`` check and the range of its indices (their
minimum and maximum, ~0.04 ms on a9a), no canonical test and no copy.

The in-memory backend checks a sparse X itself, and the dtype of any X
(a backend is public: ``InMemory(X, y)`` and
``LogisticObjective.from_arrays`` reach the kernels without ``check_X``). So that the
usual fit (``check_fit_data``, then the backend) reads X's indices once, a
verdict may be handed from the one to the other, within one call only: a
caller opens :func:`hand_off_scope` around ``check_fit_data`` and the
backend it builds; ``check_fit_data``, once every check passed, records the
matrix it returns (:func:`hand_off`: weak references to X and its three
arrays) in this thread's slot, which the next :func:`backend_structure` of
the thread takes (and empties): the check is skipped only for that very
object, still holding the very arrays that were checked, never on a flag
stored on X. The scope empties the slot when it closes, however it closes,
and :func:`hand_off` outside a scope records nothing: a ``check_fit_data``
whose caller refuses the data afterwards, or builds no backend of X, leaves
no verdict for a later backend of the thread. Values written into the
checked arrays in place between the check and the backend of one scope are
the caller's own doing; every fit call checks again.

Index dtypes: scipy builds index arrays of int32 or int64 (one dtype for a
matrix's arrays); scipy's compiled routines refuse others (``tocoo`` of a
uint32 X, ``X @ w`` of a uint64 one), ours take no other; a caller may
assign any integer array (``X.indices = idx.astype(np.uint32)``).
Such an X is checked as it is (the checks compare values, whatever their
integer type) and then replaced by a copy whose index arrays scipy's own
constructor casts, as it does for arrays given to it (the values are
stored once more; ``data`` is shared).

Cost: one read of the stored indices per call and two indices a row
(a9a, 451 592 non-zeros: ~0.25 ms, against ~0.18 ms for one ``X @ w``;
sparse200k, 2e7: ~8 ms, against ~25 ms), about 1 % of a fit of either. On
a matrix scipy has not yet tested, the test replaces scipy's own (the flag
is set, not read).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import numpy as np

from ._exceptions import DataValidationError
from ._sparse import issparse

__all__ = [
    "backend_structure",
    "canonical_indices",
    "check_sparse_form",
    "checked_before_conversion",
    "checked_bounds",
    "checked_structure",
    "forget_hand_off",
    "hand_off",
    "hand_off_scope",
]

#: the index arrays of each format whose structure is checked here
_INDEX_ARRAYS = {
    "csr": ("indptr", "indices"),
    "csc": ("indptr", "indices"),
    "bsr": ("indptr", "indices"),
    "coo": ("row", "col"),
}
#: what the remedy rebuilds X from, by format
_REBUILD = {
    "csr": "(data, indices, indptr)",
    "csc": "(data, indices, indptr)",
    "bsr": "(data, indices, indptr)",
    "coo": "(data, (row, col))",
}
#: the dtypes of X the kernels compute in
_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
#: the index dtypes scipy builds and the kernels read
_INDEX_DTYPES = (np.dtype(np.int32), np.dtype(np.int64))
#: per thread: ``entry`` (the verdict, :func:`_identity`) and ``depth`` (the
#: open :func:`hand_off_scope` blocks)
_HAND_OFF = threading.local()


class _Fault(Exception):
    """An index array that describes no matrix of X's shape (the message
    names it); the entry points turn it into a DataValidationError."""


def check_sparse_form(X: Any) -> None:
    """Refuse a sparse X that is not 2-D or whose index arrays are not 1-D
    integer arrays (the checks below index with them)."""
    shape = tuple(X.shape)
    kind = type(X).__name__
    if len(shape) != 2:
        raise DataValidationError(
            f"X is a {len(shape)}-D sparse {kind} of shape {shape}; expected a 2-D "
            "sparse matrix of shape (n_samples, n_features)"
        )
    for name in _INDEX_ARRAYS.get(X.format, ()):
        arr = getattr(X, name)
        dtype = getattr(arr, "dtype", None)
        if dtype is None or dtype.kind not in "iu" or np.ndim(arr) != 1:
            raise DataValidationError(
                f"X.{name} of the sparse {kind} X is {type(arr).__name__} of dtype "
                f"{dtype} and shape {np.shape(arr)}; expected a 1-D integer array"
            )


def checked_before_conversion(X: Any) -> Any:
    """Refuse a COO or BSR X whose index arrays leave its shape, before
    scipy's ``tocsr`` (whose compiled loops index their output with them)
    converts it; X, or its copy with int32/int64 index arrays
    (:func:`_standard_indices`). Other formats hold their indices in Python
    structures."""
    try:
        if X.format == "coo":
            n_rows, n_cols = X.shape
            for name, idx, n in (("row", X.row, n_rows), ("col", X.col, n_cols)):
                _check_all_indices(idx, n, f"X.{name}", "X's rows" if name == "row"
                                   else "X's columns")  # fmt: skip
        elif X.format == "bsr":
            r, c = X.blocksize
            n_major = X.shape[0] // r
            _check_indptr(X.indptr, n_major, len(X.indices), len(X.data), "block row")
            _check_all_indices(
                X.indices[: int(X.indptr[-1])], X.shape[1] // c, "X.indices",
                f"X's block columns of width {c}",
            )  # fmt: skip
    except _Fault as fault:
        _refuse(X, str(fault))
    return _standard_indices(X)


def checked_structure(X: Any) -> Any:
    """``X`` (a scipy CSR or CSC matrix or array) once its index arrays are
    checked, with a truthful ``has_canonical_format``; a canonical copy when
    X is not canonical. See the module docstring."""
    try:
        return _checked_structure(X)
    except _Fault as fault:
        _refuse(X, str(fault))


def checked_bounds(X: Any) -> Any:
    """``X`` (CSR or CSC) once ``indptr`` and the range of its stored indices
    are checked: what ``X @ w`` needs (duplicates and unsorted indices are
    summed by it). No canonical test, no copy."""
    csr = X.format == "csr"
    n_major, n_minor = X.shape if csr else X.shape[::-1]
    try:
        _check_indptr(X.indptr, n_major, len(X.indices), len(X.data), _major(csr))
        nnz = int(X.indptr[-1])
        indices = X.indices[:nnz]
        if nnz and (indices.min() < 0 or indices.max() >= n_minor):
            _check_all_indices(indices, n_minor, "X.indices", _minor(csr))
    except _Fault as fault:
        _refuse(X, str(fault))
    return _standard_indices(X)


def backend_structure(X: Any) -> Any:
    """X as a backend may hand it to the kernels. A numpy or scipy X's
    dtype is float32 or float64 (either byte order): the kernels compute
    the logits in X's dtype, so an integer X would round the coefficients to
    integers and a float16 X the logits to 3 digits; another is a
    :class:`~logistic.DataValidationError` naming it. A sparse X: the matrix
    last passed to :func:`hand_off` in this thread, as it is (the slot is
    emptied); otherwise checked here (:func:`checked_structure` for CSR/CSC,
    a canonical copy where X is not canonical; the range of a COO's or BSR's
    indices; a copy with int32/int64 index arrays where X's are of another
    integer dtype)."""
    if not (isinstance(X, np.ndarray) or issparse(X)):
        return X  # another namespace's array: its backend checks its dtype
    dtype = X.dtype
    if dtype.newbyteorder("=") not in _KERNEL_DTYPES:
        raise DataValidationError(
            f"X must be a float32 or float64 array to be held by a backend; got "
            f"{type(X).__name__} of dtype {dtype}. Convert it first, e.g. "
            "X.astype(numpy.float64), or fit through LogisticRegression, which "
            "converts other numeric dtypes"
        )
    if not issparse(X):
        return X
    entry = getattr(_HAND_OFF, "entry", None)
    _HAND_OFF.entry = None
    if entry is not None and _same(entry, X):
        return X
    check_sparse_form(X)
    if X.format in ("csr", "csc"):
        return checked_structure(X)
    return checked_before_conversion(X)


@contextmanager
def hand_off_scope() -> Iterator[None]:
    """The stretch of one call within which :func:`hand_off`'s verdict may
    be taken: the slot is emptied when the block is entered and when it is
    left (returned, raised or closed), so a verdict never outlives the call
    that made it. Nested blocks: the inner one's exit empties the slot too
    (the outer block's backend then checks again)."""
    depth = getattr(_HAND_OFF, "depth", 0)
    _HAND_OFF.entry = None
    _HAND_OFF.depth = depth + 1
    try:
        yield
    finally:
        _HAND_OFF.depth = depth
        _HAND_OFF.entry = None


def hand_off(X: Any) -> None:
    """Record X, just returned by :func:`checked_structure` (and every other
    check of a fit), for the next :func:`backend_structure` of this thread;
    only within a :func:`hand_off_scope` block (outside one: nothing)."""
    if getattr(_HAND_OFF, "depth", 0):
        _HAND_OFF.entry = _identity(X)


def forget_hand_off() -> None:
    """Empty this thread's slot (a fit's checks start)."""
    _HAND_OFF.entry = None


def _identity(X: Any) -> tuple[Any, ...]:
    """Weak references to X and its three arrays, and X's shape."""
    refs = (weakref.ref(a) for a in (X, X.indptr, X.indices, X.data))
    return (*refs, tuple(X.shape))


def _same(entry: tuple[Any, ...], X: Any) -> bool:
    """Whether ``entry`` (:func:`_identity`) names X itself, holding the same
    array objects: compared by identity (``==`` of two living referents would
    compare the matrices)."""
    *refs, shape = entry
    now = (X, X.indptr, X.indices, X.data)
    same = all(r() is a for r, a in zip(refs, now, strict=True))
    return same and tuple(X.shape) == shape


def _major(csr: bool) -> str:
    return "row" if csr else "column"


def _minor(csr: bool) -> str:
    return "X's columns" if csr else "X's rows"


def _checked_structure(X: Any) -> Any:
    indptr, indices, data = X.indptr, X.indices, X.data
    csr = X.format == "csr"
    n_major, n_minor = X.shape if csr else X.shape[::-1]
    _check_indptr(indptr, n_major, len(indices), len(data), _major(csr))
    nnz = int(indptr[-1])
    if _canonical(n_major, indptr, indices, nnz):
        _check_row_ends(indptr, indices, n_minor, csr)
        X = _standard_indices(X)
        # the truth, as scipy would cache it (set, not read: reading an
        # uncached flag would run scipy's own pass over the indices again)
        X.has_canonical_format = True
        return X
    _check_all_indices(indices[:nnz], n_minor, "X.indices", _minor(csr))
    copy = _scipy_class(X)(
        (data[:nnz].copy(), indices[:nnz].copy(), indptr.copy()), shape=X.shape
    )
    copy.has_canonical_format = False  # found above: sum_duplicates must run
    copy.sum_duplicates()
    return copy


def _scipy_class(X: Any) -> Any:
    """scipy's class of X's format and kind (array or matrix): a subclass's
    constructor may take other arguments."""
    import scipy.sparse as sp

    kind = "array" if isinstance(X, sp.sparray) else "matrix"
    return getattr(sp, f"{X.format}_{kind}")


def _standard_indices(X: Any) -> Any:
    """X when its index arrays are int32 or int64, all of one dtype (what
    scipy builds); otherwise a copy of X's format and kind whose index
    arrays scipy's constructor casts (to int32 or int64; ``data`` shared).
    Called once the values are checked: the constructor's checks pass."""
    arrays = [getattr(X, name) for name in _INDEX_ARRAYS.get(X.format, ())]
    dtypes = {a.dtype for a in arrays}
    if not arrays or (len(dtypes) == 1 and dtypes.pop() in _INDEX_DTYPES):
        return X
    cls = _scipy_class(X)
    if X.format == "coo":
        return cls((X.data, (X.row, X.col)), shape=X.shape)
    return cls((X.data, X.indices, X.indptr), shape=X.shape)


def _check_indptr(
    indptr: np.ndarray, n_major: int, n_indices: int, n_data: int, major: str
) -> None:
    """``indptr``: ``n_major + 1`` entries from 0, never falling, ending
    within ``indices`` and ``data`` (O(rows))."""
    if len(indptr) != n_major + 1:
        raise _Fault(
            f"X.indptr has {len(indptr)} entries, expected {n_major + 1} (one per "
            f"{major} plus one)"
        )
    if indptr[0] != 0:
        raise _Fault(f"X.indptr[0] = {int(indptr[0])}, expected 0")
    end = int(indptr[-1])
    if end > min(n_indices, n_data):
        raise _Fault(
            f"X.indptr[-1] = {end} is past the {min(n_indices, n_data)} stored "
            "values of X.indices and X.data"
        )
    falls = np.flatnonzero(indptr[1:] < indptr[:-1])
    if falls.size:
        k = int(falls[0]) + 1
        raise _Fault(
            f"X.indptr[{k}] = {int(indptr[k])} is below X.indptr[{k - 1}] = "
            f"{int(indptr[k - 1])}; expected a non-decreasing array"
        )


def canonical_indices(indptr: Any, indices: Any) -> bool:
    """Whether ``indices`` rise strictly within each row (of CSR; column of
    CSC) that a checked ``indptr`` delimits: sorted, no index twice. The one
    owner of this rule (the column solver's fallback copy asks it too)."""
    return _canonical(len(indptr) - 1, indptr, indices, int(indptr[-1]))


def _canonical(n_major: int, indptr: Any, indices: Any, nnz: int) -> bool:
    """Whether indices rise strictly within each row (``indptr`` checked)."""
    try:
        from scipy.sparse._sparsetools import csr_has_canonical_format
    except ImportError:  # pragma: no cover - a scipy without it
        csr_has_canonical_format = None
    if (
        csr_has_canonical_format is not None
        and indices.dtype == indptr.dtype
        and indices.dtype in _INDEX_DTYPES
    ):
        try:
            return bool(csr_has_canonical_format(n_major, indptr, indices))
        except (TypeError, ValueError):  # pragma: no cover - a scipy refusing it
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
    last = indices[np.maximum(indptr[1:], 1) - 1]
    if first.min() < 0 or last.max() >= n_minor:
        _check_all_indices(indices[:nnz], n_minor, "X.indices", _minor(csr))


def _check_all_indices(indices: np.ndarray, n: int, name: str, what: str) -> None:
    """Every index in ``[0, n)``; the first that is not is named, with the
    count of those outside."""
    bad = np.flatnonzero((indices < 0) | (indices >= n))
    if bad.size:
        k = int(bad[0])
        others = (
            f"{bad.size} of its {indices.size} stored indices are outside it"
            if bad.size > 1
            else "the only stored index outside it"
        )
        raise _Fault(
            f"{name}[{k}] = {int(indices[k])} is outside [0, {n}) ({what}; {others})"
        )


def _refuse(X: Any, fault: str) -> NoReturn:
    kind = _scipy_class(X).__name__
    build = _REBUILD.get(X.format, "(...)")
    raise DataValidationError(
        f"X is a sparse matrix whose index arrays describe no matrix of its shape: "
        f"{fault}. Were its arrays edited in place? Rebuild it with "
        f"scipy.sparse.{kind}({build}, shape={tuple(X.shape)})."
    )
