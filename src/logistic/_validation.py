"""Checks of data (X, y, sample_weight, offset) and of hyper-parameters.

Convention: data checks live here only. ``X`` becomes a 2-D float32/float64
ndarray (any memory order, never copied when already valid) or a scipy sparse
CSR/CSC matrix; labels become {0, 1} floats once, at the estimator boundary
(``classes_[1]``, the larger of the two sorted labels, is the positive class);
no {-1, +1} path exists anywhere inside. Messages follow scikit-learn's wording
where its estimator checks pin them, and always name the input and the fault.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ._exceptions import DataValidationError, InvalidParameterError

__all__ = [
    "Interval",
    "Options",
    "validate_params",
    "check_X",
    "check_y_binary",
    "check_vector",
    "feature_names_of",
]


# -- hyper-parameters ------------------------------------------------------
@dataclass(frozen=True)
class Interval:
    """A real or integer interval constraint, e.g. ``Interval(float, 0, None)``."""

    kind: type
    low: float | None
    high: float | None
    closed: str = "both"  # "both", "left", "right", "neither"

    def accepts(self, v: Any) -> bool:
        if isinstance(v, bool):
            return False
        if self.kind is numbers.Integral or self.kind is int:
            if not isinstance(v, numbers.Integral):
                return False
        elif not isinstance(v, numbers.Real):
            return False
        lo_ok = self.low is None or (v >= self.low if self.closed in ("both", "left") else v > self.low)
        hi_ok = self.high is None or (v <= self.high if self.closed in ("both", "right") else v < self.high)
        return bool(lo_ok and hi_ok)

    def __str__(self) -> str:
        kind = "an int" if self.kind in (int, numbers.Integral) else "a float"
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        lo = "-inf" if self.low is None else repr(self.low)
        hi = "inf" if self.high is None else repr(self.high)
        return f"{kind} in the range {left}{lo}, {hi}{right}"


@dataclass(frozen=True)
class Options:
    """A constraint to a finite set of values."""

    values: tuple[Any, ...]

    def accepts(self, v: Any) -> bool:
        return any(v is o or (type(v) is type(o) and v == o) for o in self.values)

    def __str__(self) -> str:
        return "a str among {" + ", ".join(repr(o) for o in self.values) + "}"


Constraint = Interval | Options | type | None | Callable[[Any], bool]


def _accepts(c: Any, v: Any) -> bool:
    if c is None:
        return v is None
    if isinstance(c, (Interval, Options)):
        return c.accepts(v)
    if isinstance(c, type):
        return isinstance(v, c) and not (c is not bool and isinstance(v, bool))
    return bool(c(v))


def _describe(c: Any) -> str:
    if c is None:
        return "None"
    if isinstance(c, type):
        return f"an instance of '{c.__name__}'"
    if isinstance(c, (Interval, Options)):
        return str(c)
    return getattr(c, "__doc__", None) or "a valid value"


def validate_params(
    owner: str, params: Mapping[str, Any], constraints: Mapping[str, list[Any]]
) -> None:
    """Raise :class:`InvalidParameterError` for the first parameter violating its constraints.

    The message matches scikit-learn's: "The 'C' parameter of LogisticRegression
    must be a float in the range (0.0, inf) or None. Got -1 instead."
    """
    for name, allowed in constraints.items():
        v = params[name]
        if any(_accepts(c, v) for c in allowed):
            continue
        descs = [_describe(c) for c in allowed]
        text = descs[0] if len(descs) == 1 else ", ".join(descs[:-1]) + " or " + descs[-1]
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be {text}. Got {v!r} instead."
        )


# -- data ------------------------------------------------------------------
def feature_names_of(X: Any) -> np.ndarray | None:
    """Column names of a DataFrame-like X (all strings), else None."""
    cols = getattr(X, "columns", None)
    if cols is None:
        return None
    names = [c for c in cols]
    if not names or not all(isinstance(c, str) for c in names):
        return None
    return np.asarray(names, dtype=object)


def _to_numeric_frame(X: Any) -> Any:
    """DataFrames (pandas, polars, pyarrow) to a 2-D ndarray, naming bad columns."""
    to_numpy = getattr(X, "to_numpy", None)
    if to_numpy is None:
        return X
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and hasattr(X, "columns"):
        try:
            pairs = list(zip(X.columns, list(dtypes), strict=False))
        except TypeError:
            pairs = []
        for col, dt in pairs:
            kind = getattr(np.dtype(dt) if isinstance(dt, np.dtype) else dt, "kind", None)
            if kind in ("O", "U", "S") or str(dt) in ("object", "string", "str", "String", "category"):
                try:
                    np.asarray(X[col], dtype=np.float64)
                except (TypeError, ValueError):
                    raise DataValidationError(
                        f"X column {col!r} is not numeric (dtype {dt}); encode it first "
                        f"(e.g. one-hot) or drop it"
                    ) from None
    return to_numpy()


def check_X(
    X: Any,
    *,
    accept_sparse: bool = True,
    estimator: str = "LogisticRegression",
    min_samples: int = 1,
) -> Any:
    """Validate X: 2-D, numeric, finite, at least one sample and one feature.

    float32/float64 arrays are kept as they are (no copy); other numeric
    types become float64. Sparse input becomes CSR (CSC is kept).
    """
    if sp.issparse(X):
        if not accept_sparse:
            raise TypeError(f"{estimator} does not accept sparse X; pass a dense array")
        if X.format not in ("csr", "csc"):
            X = X.tocsr()
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        data = X.data
        shape = X.shape
    else:
        X = _to_numeric_frame(X)
        X = np.asarray(X)
        if X.dtype.kind == "c":
            raise DataValidationError("Complex data not supported: X has a complex dtype")
        if X.dtype.kind in "OUS":
            try:
                X = X.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise DataValidationError(f"X must contain numbers only: {exc}") from None
        elif X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        if X.ndim != 2:
            raise DataValidationError(
                f"Expected 2D array, got {'scalar' if X.ndim == 0 else f'{X.ndim}D'} array "
                f"instead: X has shape {X.shape}. Reshape your data either using "
                f"array.reshape(-1, 1) if your data has a single feature or "
                f"array.reshape(1, -1) if it contains a single sample."
            )
        data, shape = X, X.shape
    if shape[0] < min_samples:
        raise DataValidationError(
            f"Found array with {shape[0]} sample(s) (shape={shape}) while a minimum of "
            f"{min_samples} is required by {estimator}."
        )
    if shape[1] < 1:
        raise DataValidationError(
            f"Found array with 0 feature(s) (shape={shape}) while a minimum of 1 is "
            f"required by {estimator}."
        )
    if not np.all(np.isfinite(data)):
        what = "NaN" if np.any(np.isnan(data)) else "infinity or a value too large for dtype('float64')"
        raise DataValidationError(f"Input X contains {what}.")
    return X


def check_vector(v: Any, n: int, name: str, *, nonnegative: bool = False) -> np.ndarray:
    """A finite float64 vector of length n (sample_weight, offset)."""
    arr = np.asarray(v, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.ndim != 1:
        raise DataValidationError(f"{name} must be 1D array or scalar; got shape {arr.shape}")
    if arr.shape[0] != n:
        raise DataValidationError(
            f"{name}.shape == {arr.shape}, expected ({n},): one value per sample"
        )
    if not np.all(np.isfinite(arr)):
        raise DataValidationError(f"Input {name} contains NaN or infinity.")
    if nonnegative and np.any(arr < 0):
        i = int(np.argmax(arr < 0))
        raise DataValidationError(
            f"Negative values in {name} are not allowed (first at index {i}: {arr[i]})."
        )
    return arr


def check_y_binary(y: Any, n_samples: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(classes, y01)``: sorted distinct labels and y encoded in {0., 1.}."""
    if y is None:
        raise DataValidationError("requires y to be passed, but the target y is None")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise DataValidationError(f"y must be 1-D (one label per sample); got shape {y.shape}")
    if n_samples is not None and y.shape[0] != n_samples:
        raise DataValidationError(
            f"Found input variables with inconsistent numbers of samples: [{n_samples}, {y.shape[0]}]"
        )
    if y.dtype.kind == "f":
        if np.any(np.isnan(y)):
            raise DataValidationError("Input y contains NaN.")
        if np.any(np.isinf(y)):
            raise DataValidationError("Input y contains infinity or a value too large.")
    if y.dtype.kind == "O":
        kinds = {isinstance(v, str) for v in y}
        if len(kinds) > 1:
            raise DataValidationError("Mix of label input types (string and number)")
    classes, y_idx = np.unique(y, return_inverse=True)
    if y.dtype.kind == "f" and len(classes) > 2 and not np.all(classes == np.round(classes)):
        raise DataValidationError(
            "Unknown label type: continuous. Only binary classification is supported; "
            "y must hold two distinct class labels."
        )
    if len(classes) > 2:
        raise DataValidationError(
            f"Only binary classification is supported. The type of the target is multiclass "
            f"({len(classes)} distinct values: {list(classes[:10])})."
        )
    if len(classes) < 2:
        raise DataValidationError(
            f"This solver needs samples of at least 2 classes in the data, but the data "
            f"contains only one class: {classes[0] if len(classes) else None!r}"
        )
    return classes, y_idx.astype(np.float64)


__all__ += ["Constraint"]
