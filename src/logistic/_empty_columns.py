"""Columns of a sparse X that hold no stored value, left out of a penalized fit.

Convention: a column j of X with no stored value adds nothing to any logit,
so the loss does not depend on ``w_j``; under an L1, L2 or elastic-net
penalty (strength > 0) the objective is smallest at ``w_j = 0`` whatever the
other coefficients, and they are those of the fit without column j. A fit
of a sparse X (CSR or CSC, scipy matrix or array, given as such) with at
least ``MIN_EMPTY`` such columns making at least ``MIN_EMPTY_SHARE`` of them
is therefore solved on the other columns and its ``coef_`` widened back to
every column with zeros (:func:`fit_columns`): the same optimum, but the
solver's work per iteration follows the columns that hold values.

Why: hashed features (the hashing trick: 2**20 columns, a row's ~30 values
hashed into them) leave most columns empty: 200 000 ad-click rows use
155 917 of 1 048 576 columns, 20 000 rows 40 808. Every solver carries
p-sized vectors per iteration (scipy's L-BFGS-B keeps ``2·memory·p`` floats
and spends O(memory·p) a call, the standardized view maps p-vectors each
pass, the column solver's sweeps visit every column): L-BFGS to tol on
20 000 × 2**20 took 43 s of CPU against 5.2 s on the 40 808 used columns
(191 and 189 iterations, the same objective to 12 digits), newton-cd-columns
3.8-4.5 s against 1.2-1.5 s (docs/scaling.md, "Very wide sparse data").

Unpenalized and Firth fits keep every column: an empty column's coefficient
is then not identified (any value is optimal) and their aliasing and
separation checks report it. Dense X, frames, files and other backends are
fitted as they are. ``auto`` chooses its solver from the columns fitted
(``solver_``): a few thousand used columns of 2**20 can take Newton.

Cost: one read of X's column indices (the count of values per column) and,
for CSR, a remapped copy of them (4 bytes a stored value with scipy's int32
indices; the values and row pointers are shared, not copied); CSC keeps its
used columns' slices.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ._sparse import issparse

__all__ = ["MIN_EMPTY", "MIN_EMPTY_SHARE", "fit_columns", "used_columns"]

#: Penalties whose optimum puts an empty column's coefficient at 0.
_NORM_PENALTIES = ("l1", "l2", "elasticnet")
#: Left out only from this many empty columns on (smaller X: nothing to gain
#: worth a copy of its indices) ...
MIN_EMPTY = 1024
#: ... making at least this share of X's columns (the O(p) work at least
#: halves for the indices' copy).
MIN_EMPTY_SHARE = 0.5


def used_columns(X: Any, penalty: Any) -> np.ndarray | None:
    """The sorted indices of the columns of ``X`` that hold a stored value,
    where a fit with ``penalty`` leaves the others out (see module); None
    where it fits every column (not a canonical-index CSR/CSC matrix, not a
    norm penalty, too few empty columns)."""
    # scipy is not imported for a dense X (a small fit's start-up stays light)
    if penalty not in _NORM_PENALTIES or not issparse(X):
        return None
    if X.format not in ("csr", "csc") or X.ndim != 2:
        return None
    n, p = X.shape
    if p < MIN_EMPTY:
        return None
    if X.format == "csr":
        idx = X.indices
        if idx.size and (idx.dtype.kind not in "iu" or idx.min() < 0 or idx.max() >= p):
            return None  # malformed: the fit's own checks word the error
        counts = np.bincount(idx, minlength=p)
    else:
        ptr = X.indptr
        if ptr.shape != (p + 1,) or np.any(ptr[1:] < ptr[:-1]):
            return None
        counts = np.diff(ptr)
    used = np.flatnonzero(counts)
    empty = p - used.size
    if empty < MIN_EMPTY or empty < MIN_EMPTY_SHARE * p:
        return None
    return used


def _restricted(X: Any, used: np.ndarray) -> Any:
    """``X[:, used]`` of the same format and class; CSR shares ``data`` and
    ``indptr`` (its indices remapped), CSC its used columns' slices."""
    if X.format == "csc":
        return X[:, used]
    remap = np.zeros(X.shape[1], dtype=X.indices.dtype)
    remap[used] = np.arange(used.size, dtype=X.indices.dtype)
    return type(X)(
        (X.data, remap[X.indices], X.indptr), shape=(X.shape[0], used.size), copy=False
    )


@contextmanager
def fit_columns(model: Any, X: Any) -> Iterator[Any]:
    """The X ``model`` fits: X itself, or X without its empty columns
    (:func:`used_columns`). Within, a ``warm_start`` model's ``coef_`` of
    X's width is narrowed to the used columns (its start; the left-out
    columns' optimum is 0 whatever it held); on a successful exit ``coef_``
    is widened back to every column with zeros and ``n_features_in_`` is X's
    width; on an error the ``coef_`` it had is restored."""
    used = used_columns(X, getattr(model, "penalty", None))
    if used is None:
        yield X
        return
    p = X.shape[1]
    before = vars(model).get("coef_")
    if getattr(model, "warm_start", False) and _width(before) == p:
        model.coef_ = before[:, used]
    try:
        yield _restricted(X, used)
    except BaseException:
        if before is not None:
            model.coef_ = before
        raise
    coef = np.zeros((model.coef_.shape[0], p), dtype=model.coef_.dtype)
    coef[:, used] = model.coef_
    model.coef_ = coef
    model.n_features_in_ = int(p)


def _width(coef: Any) -> int | None:
    """Columns of a 2-D ``coef_`` (None: not one)."""
    shape = tuple(getattr(coef, "shape", ()))
    return int(shape[1]) if len(shape) == 2 else None
