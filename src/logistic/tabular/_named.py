"""A design matrix that carries its feature names, without pandas.

The estimators take feature names from a DataFrame-like X: an object with a
``columns`` attribute of strings (:func:`logistic._validation.feature_names_of`,
scikit-learn's rule). :class:`NamedColumns` is a float ndarray with such an
attribute, so the command line tool fits and predicts on numpy data and the
model still records ``feature_names_in_`` (and checks them at predict)
without importing pandas (≈ 0.2–0.6 s of start-up).

The names belong to the array they were given to: views and results derived
from it (slices, arithmetic) are plain, unnamed arrays, because a column
slice would otherwise carry the wrong names. The estimators convert X with
``np.asarray`` before use, which drops the subclass.

A sparse design (a formula's, built sparse) is named the same way by
:func:`named_csr`: a scipy CSR matrix of a subclass with a ``columns``
attribute (:class:`._named_csr.NamedCSR`, a class of its own module so that
the matrix pickles, for multiprocessing), holding the same arrays; what
scipy derives from it (a copy, ``astype``, a slice) is of the subclass too,
but with no names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["NamedColumns", "named_csr"]


class NamedColumns(np.ndarray):
    """A 2-D ndarray whose ``columns`` are the feature names (None when
    derived from another array)."""

    columns: tuple[str, ...] | None = None

    def __new__(cls, X: Any, names: Sequence[str]) -> NamedColumns:
        arr = np.asarray(X)
        if arr.ndim != 2 or arr.shape[1] != len(names):
            raise ValueError(
                f"names: expected {arr.shape[1] if arr.ndim == 2 else '2-D X and'} "
                f"names, got {len(names)}"
            )
        obj = arr.view(cls)
        obj.columns = tuple(str(n) for n in names)
        return obj

    def __array_finalize__(self, obj: Any) -> None:
        # derived arrays carry no names (see the module docstring)
        self.columns = None


def named_csr(X: Any, names: Sequence[str]) -> Any:
    """The CSR matrix ``X``'s arrays, not copied, with ``names`` as its columns."""
    if X.shape[1] != len(names):
        raise ValueError(f"names: expected {X.shape[1]} names, got {len(names)}")
    from ._named_csr import NamedCSR  # imports scipy.sparse: only when needed

    named = NamedCSR((X.data, X.indices, X.indptr), shape=X.shape)
    named.columns = tuple(str(n) for n in names)
    return named
