"""A dense design matrix that carries its feature names, without pandas.

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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["NamedColumns"]


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
