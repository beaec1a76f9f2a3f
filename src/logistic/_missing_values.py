"""Missing values and masked arrays: which values are missing (None, NaN,
``pd.NA``, ``NaT``), a missing label refused naming its row, and a numpy
masked array whose mask hides values refused (its hidden values would
otherwise be read as data), as is a scipy sparse matrix given for a 1-D input
(labels, weights, offsets), which ``np.asarray`` would read as one 0-d value,
or a sparse torch tensor, which it cannot convert.

Convention (owned here): a missing value is None, a float NaN, ``pd.NA`` or
``NaT``, recognised without importing pandas (:func:`is_missing`), and
vectorized with pandas' ``isna`` where pandas objects or object arrays allow
(:func:`missing_mask`). A leaf: numpy, the standard library,
:mod:`logistic._exceptions` and :mod:`logistic._sparse`.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ._exceptions import DataValidationError
from ._sparse import issparse

__all__ = [
    "check_missing_labels",
    "is_missing",
    "missing_label_error",
    "missing_mask",
    "refuse_masked",
    "refuse_sparse",
]


def is_missing(v: Any) -> bool:
    """None, NaN, ``pd.NA`` or ``NaT`` (checked without importing pandas)."""
    if v is None or type(v).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(v, (float, np.floating)) and bool(np.isnan(v))


def missing_mask(y: Any) -> np.ndarray:
    """Which labels are missing (None, NaN, ``pd.NA``, ``NaT``), as a bool array.

    pandas objects use their own ``isna``; object arrays use ``pandas.isna``
    when pandas is installed (vectorized), else :func:`is_missing` per value.
    """
    if hasattr(y, "isna"):
        return np.asarray(y.isna(), dtype=bool)
    y = np.asarray(y)
    if y.dtype.kind == "f":
        return np.isnan(y)
    if y.dtype.kind != "O":
        return np.zeros(y.shape, dtype=bool)
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is an optional dependency
        return np.fromiter((is_missing(v) for v in y.ravel()), bool, y.size).reshape(
            y.shape
        )
    return np.asarray(pd.isna(y), dtype=bool)


def refuse_masked(v: Any, name: str) -> None:
    """Refuse a numpy masked array whose mask hides values: converting it with
    ``np.asarray`` would use the hidden values as data. Its masked entries are
    missing values, refused as NaN is (a masked array with nothing masked is
    used as its data)."""
    ma = sys.modules.get("numpy.ma")  # no masked array exists before it loads
    if ma is None or type(v) is np.ndarray or not isinstance(v, ma.MaskedArray):
        return
    mask = ma.getmaskarray(v)
    if not mask.any():
        return
    at = ", ".join(str(int(i)) for i in np.argwhere(mask)[0])
    raise DataValidationError(
        f"{name} is a masked array with {int(mask.sum())} masked value(s), the "
        f"first at index ({at}): masked entries are missing values; fill them "
        f"({name}.filled(value)) or drop their rows"
    )


def refuse_sparse(v: Any, name: str) -> None:
    """Refuse a scipy sparse ``v`` given for the 1-D input ``name`` (``y``,
    ``sample_weight``, ``offset``), as scikit-learn refuses it: ``np.asarray``
    makes a 0-d object array of a sparse matrix, so a later check would name
    a shape of ``()`` or a failed conversion instead; a sparse torch tensor
    too (``np.asarray`` raises torch's TypeError, which names no input)."""
    if issparse(v):
        raise DataValidationError(
            f"{name} is a scipy sparse {type(v).__name__} of shape {v.shape}, but "
            f"{name} must be dense (one value per sample): pass "
            f"{name}.toarray().ravel()"
        )
    layout = str(getattr(v, "layout", "torch.strided"))
    if type(v).__module__.split(".")[0] == "torch" and layout != "torch.strided":
        raise DataValidationError(
            f"{name} is a sparse torch tensor ({layout}) of shape {tuple(v.shape)}, "
            f"but {name} must be dense (one value per sample): pass {name}.to_dense()"
        )


def missing_label_error(v: Any, row: int) -> DataValidationError:
    """The error of a missing label ``v`` at ``row`` (0-based)."""
    what = "NaN" if isinstance(v, (float, np.floating)) else repr(v)
    return DataValidationError(
        f"Input y contains {what}: missing label at row {row} (0-based); drop or "
        f"label the rows with missing labels"
    )


def check_missing_labels(y: np.ndarray) -> None:
    """Refuse labels ``y`` that hold a missing value, naming the first one's row."""
    missing = missing_mask(y).reshape(-1)
    if np.any(missing):
        i = int(np.argmax(missing))
        raise missing_label_error(y.reshape(-1)[i], i)
