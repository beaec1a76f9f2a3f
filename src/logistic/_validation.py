"""Checks of data (X, y, sample_weight, offset).

Convention: data checks live here only. ``X`` becomes a 2-D float32/float64
ndarray (any memory order, never copied when already valid) or a scipy sparse
CSR/CSC matrix; labels become {0, 1} floats once, at the estimator boundary,
by the rules of :mod:`logistic._labels` (``check_y_binary`` is re-exported
from there). :func:`check_fit_data` runs every check of ``fit`` on in-memory
data. Messages follow scikit-learn's wording where its estimator checks pin
them, and always name the input and the fault.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _sparse as sp  # sp.issparse without importing scipy.sparse
from ._constraints import as_float64
from ._exceptions import (
    DataValidationError,
    InvalidParameterError,
    user_stacklevel,
)
from ._feature_names import positional_name
from ._frame_array import frame_to_array, refuse_dates, refuse_lazy
from ._labels import check_y_binary, check_y_classes, label_shown
from ._messages import integer_text
from ._missing_values import refuse_masked, refuse_sparse
from ._sparse_structure import (
    check_sparse_form,
    checked_before_conversion,
    checked_bounds,
    checked_structure,
    forget_hand_off,
    hand_off,
)

__all__ = [
    "check_X",
    "check_y_binary",
    "check_vector",
    "check_offset_matrix",
    "feature_names_of",
    "check_feature_names",
    "check_sample_weight",
    "class_weight_vector",
    "combined_weights",
    "FitData",
    "check_fit_data",
    "check_finite_X",
    "scan_finite",
]


class DataTypeError(DataValidationError, TypeError):
    """X holds values that are not numbers (a TypeError, as numpy raises)."""


# -- data ------------------------------------------------------------------
def feature_names_of(X: Any) -> np.ndarray | None:
    """Column names of a DataFrame-like X (all strings), else None (no
    columns, or none of them a string).

    Names of strings and of other types mixed are refused (a
    :class:`DataTypeError`, a TypeError, as scikit-learn refuses them): the
    names could not be checked at predict time, and the messages and tables
    would name the columns ``x1``, ``x2``, ... instead of the user's. A lazy
    query is refused (:func:`logistic._frame_array.refuse_lazy`)."""
    refuse_lazy(X)
    cols = getattr(X, "columns", None)
    if type(X).__module__.startswith("pyarrow"):
        # a pyarrow Table's (or RecordBatch's) ``columns`` are its arrays
        cols = getattr(X, "column_names", None)
    if cols is None or (sp.issparse(X) and not isinstance(cols, tuple)):
        return None  # a sparse matrix is named only by a tuple (tabular.named_csr)
    names = [c for c in cols]
    text = [isinstance(c, str) for c in names]
    if not names or not any(text):
        return None
    if not all(text):
        kinds = sorted({type(c).__qualname__ for c in names})
        raise DataTypeError(
            f"X's column names mix strings with other types ({kinds}): feature "
            "names are only kept when every column name is a string; convert them "
            "all, e.g. X.columns = X.columns.astype(str), or none"
        )
    return np.asarray(names, dtype=object)


def check_feature_names(
    fitted: np.ndarray | None, X: Any, estimator: str = "LogisticRegression"
) -> None:
    """Compare the column names of X at predict time with those seen in ``fit``.

    Follows scikit-learn: a mismatch is an error, a change between named and
    unnamed input is a warning (UserWarning, with scikit-learn's text).
    """
    names = feature_names_of(X)
    if fitted is None and names is None:
        return
    if fitted is not None and names is None:
        warnings.warn(
            f"X does not have valid feature names, but {estimator} was fitted with "
            f"feature names",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        return
    if fitted is None:
        warnings.warn(
            f"X has feature names, but {estimator} was fitted without feature names",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        return
    assert names is not None and fitted is not None
    if len(names) != len(fitted) or np.any(names != fitted):
        unexpected = sorted(set(names) - set(fitted))
        missing = sorted(set(fitted) - set(names))
        parts = ["The feature names should match those that were passed during fit."]
        if unexpected:
            parts.append(f"Feature names unseen at fit time: {unexpected}")
        if missing:
            parts.append(f"Feature names seen at fit time, yet now missing: {missing}")
        if not unexpected and not missing:
            parts.append(
                f"Feature names must be in the same order as they were in fit: "
                f"expected {list(fitted)}, got {list(names)}"
            )
        raise DataValidationError("\n".join(parts))


def _check_finite(data: Any, X: Any, names: np.ndarray | None) -> None:
    """Raise naming the fault, the columns and the first bad row when ``data``
    (X's values) holds NaN or ±inf.

    The sum of the values is finite whenever every value is (NaN and ±inf
    propagate through a sum), so the common case costs one read of X and no
    n × p boolean array (scikit-learn's test); only a sum that is not finite
    (a non-finite value, or finite values whose sum overflows) pays for the
    elementwise scan, which decides and builds the message.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(data)
    if np.isfinite(total):
        return
    scan_finite(data, X, names)


def scan_finite(data: Any, X: Any, names: np.ndarray | None) -> None:
    """The elementwise scan of :func:`_check_finite`: raise naming the fault,
    the columns and the first bad row when ``data`` holds NaN or ±inf
    (nothing when every value is finite)."""
    finite = np.isfinite(data)
    if np.all(finite):
        return
    what = (
        "NaN"
        if np.any(np.isnan(data))
        else "infinity or a value too large for dtype('float64')"
    )
    where = ""
    if not sp.issparse(X):
        bad_cols = np.flatnonzero(~np.all(finite, axis=0))
        bad_rows = np.flatnonzero(~np.all(finite, axis=1))
    else:
        bad_rows, bad_cols = _sparse_positions(X, np.flatnonzero(~finite))
    if len(bad_rows):
        # unnamed columns as summaries name them: x1, x2, ... (1-based), with
        # their 0-based index beside, the base the row is given in
        labels = [
            str(names[j]) if names is not None else positional_name(j)
            for j in bad_cols[:10]
        ]
        shown = [int(j) for j in bad_cols[:10]]
        index = "" if names is not None else f" (X[:, {shown}])"
        where = (
            f" Columns with non-finite values: {labels}{index}; first bad row: "
            f"{int(bad_rows[0])} (an index from 0). Remove or impute them first."
        )
    raise DataValidationError(f"Input X contains {what}.{where}")


def _sparse_positions(X: Any, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct rows and columns of the stored values ``X.data[k]``
    of a CSR or CSC matrix (values stored past ``indptr[-1]`` belong to no
    row: left out); empty arrays for other formats."""
    fmt = getattr(X, "format", None)
    if fmt not in ("csr", "csc"):
        return np.empty(0, np.intp), np.empty(0, np.intp)
    k = k[k < X.indptr[-1]]
    major = np.searchsorted(X.indptr, k, side="right") - 1
    minor = np.asarray(X.indices)[k]
    rows, cols = (major, minor) if fmt == "csr" else (minor, major)
    return np.unique(rows), np.unique(cols)


def _ragged_row(X: Any) -> tuple[int, int, int] | None:
    """``(row, its length, the first row's length)`` of the first ragged row."""
    try:
        lengths = [len(row) for row in X]
    except TypeError:
        return None
    for i, n in enumerate(lengths):
        if n != lengths[0]:
            return i, n, lengths[0]
    return None


def _dense_array(X: Any, estimator: str) -> np.ndarray:
    refuse_masked(X, "X")
    try:
        X = np.asarray(frame_to_array(X, estimator))
    except DataValidationError:
        raise  # a named column's fault
    except ValueError as exc:
        ragged = _ragged_row(X) if isinstance(X, (list, tuple)) else None
        if ragged is None:
            raise DataValidationError(
                f"X could not be read as an array: {exc}"
            ) from None
        i, n, n0 = ragged
        raise DataValidationError(
            f"X is ragged: row {i} has {n} value(s) but row 0 has {n0}; every row "
            f"needs one value per feature"
        ) from None
    if X.dtype.kind == "c":
        raise DataValidationError("Complex data not supported: X has a complex dtype")
    refuse_dates(X.dtype)
    if X.dtype.kind in "OUSV":
        try:
            X = as_float64(X)  # an integer beyond float64's range: inf, refused
        except (TypeError, ValueError) as exc:
            raise DataTypeError(
                f"X must contain numbers only (dtype {X.dtype}): {exc}"
            ) from None
    elif X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    if X.ndim != 2:
        raise DataValidationError(
            f"Expected 2D array, got {'scalar' if X.ndim == 0 else f'{X.ndim}D'} array "
            f"instead: X has shape {X.shape}. Reshape your data either using "
            f"array.reshape(-1, 1) if your data has a single feature or "
            f"array.reshape(1, -1) if it contains a single sample."
        )
    return X


def check_X(
    X: Any,
    *,
    accept_sparse: bool = True,
    estimator: str = "LogisticRegression",
    min_samples: int = 1,
    check_finite: bool = True,
    for_prediction: bool = False,
) -> Any:
    """Validate X: 2-D, numeric, finite, at least one sample and one feature.

    float32/float64 arrays are kept as they are (no copy; read-only and
    memory-mapped arrays are fine because X is never written); other numeric
    types become float64. Sparse input becomes CSR (CSC is kept); its data
    is never densified; its index arrays are checked and a CSR/CSC X that is
    not canonical is replaced by a canonical copy, one with index arrays of
    another integer dtype than int32/int64 by a cast copy
    (:mod:`logistic._sparse_structure`). ``check_finite=False`` leaves out
    the finite check
    (the caller then owes it: :func:`check_fit_data`'s ``defer_finite``).
    ``for_prediction``: a sparse X only needs what ``X @ w`` reads (``indptr``
    and the range of its indices; no canonical test, no copy).
    """
    names = feature_names_of(X)
    if sp.issparse(X):
        if not accept_sparse:
            raise TypeError(f"{estimator} does not accept sparse X; pass a dense array")
        check_sparse_form(X)
        if X.format not in ("csr", "csc"):
            X = checked_before_conversion(X).tocsr()
        if X.dtype.kind == "c":
            raise DataValidationError(
                "Complex data not supported: X has a complex dtype"
            )
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        if for_prediction:
            X = checked_bounds(X)
        else:  # index arrays and canonical form, verified
            X = checked_structure(X)
        data, shape = X.data, X.shape
    else:
        X = _dense_array(X, estimator)
        data, shape = X, X.shape
    check_shape(shape, estimator, min_samples)
    if check_finite:
        _check_finite(data, X, names)
    return X


def check_shape(shape: tuple[int, ...], estimator: str, min_samples: int = 1) -> None:
    """At least ``min_samples`` rows and one column in X's 2-D ``shape``."""
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


def check_vector(v: Any, n: int, name: str, *, nonnegative: bool = False) -> np.ndarray:
    """A finite float64 vector of length n (sample_weight, offset)."""
    refuse_masked(v, name)
    refuse_sparse(v, name)
    try:
        given = np.asarray(v)
        if given.dtype.kind == "c":  # float64 would drop the imaginary part
            raise DataValidationError(
                f"Complex data not supported: {name} has a complex dtype"
            )
        arr = as_float64(given)  # an integer beyond float64's range: inf, refused
    except (TypeError, ValueError) as exc:
        if isinstance(exc, DataValidationError):
            raise
        raise DataValidationError(f"{name} must be numeric: {exc}") from None
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.ndim != 1:
        raise DataValidationError(
            f"{name} must be 1D array or scalar; got shape {arr.shape}"
        )
    if arr.shape[0] != n:
        raise DataValidationError(
            f"{name}.shape == {arr.shape}, expected ({n},): one value per sample"
        )
    if not np.all(np.isfinite(arr)):
        i = int(np.argmax(~np.isfinite(arr)))
        raise DataValidationError(
            f"Input {name} contains NaN or infinity (first at index {i}: {arr[i]})."
        )
    if nonnegative and np.any(arr < 0):
        i = int(np.argmax(arr < 0))
        raise DataValidationError(
            f"Negative values in {name} are not allowed (first at index {i}: {arr[i]})."
        )
    return arr


def check_sample_weight(
    sample_weight: Any, y01: np.ndarray, classes: Any
) -> np.ndarray | None:
    """Validate ``sample_weight`` (None stays None).

    Finite, ≥ 0, and a positive total weight on each class (``y01`` holds
    the class indices ``0 … len(classes)-1``; a message names the label).
    """
    if sample_weight is None:
        return None
    sw = check_vector(sample_weight, y01.shape[0], "sample_weight", nonnegative=True)
    if not sw.sum() > 0:
        raise DataValidationError(
            "sample_weight sums to 0: every sample has zero weight; give at least one "
            "sample of each class a positive weight"
        )
    for k, label in enumerate(np.asarray(classes).tolist()):
        if not sw[y01 == float(k)].sum() > 0:
            raise DataValidationError(
                "sample_weight is zero for every sample of class "
                f"{label_shown(label)}: the data then lack that class; give "
                "samples of every class a positive weight"
            )
    return sw


def _balanced(s: np.ndarray, classes: np.ndarray, y01: np.ndarray) -> np.ndarray:
    """``Σs / (K Σ_c s)`` per class (K classes); a class whose total weight is
    0, subnormal or so small that its weight overflows is an error naming it."""
    K = len(classes)
    totals = np.array([s[y01 == k].sum() for k in range(K)])
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        per_class = s.sum() / (float(K) * totals)
    for k in range(K):
        if not (totals[k] >= np.finfo(np.float64).tiny and np.isfinite(per_class[k])):
            label = classes[k].item() if hasattr(classes[k], "item") else classes[k]
            total = float(totals[k])
            raise DataValidationError(
                f"class_weight='balanced' needs a positive, normal total weight per "
                f"class; class {label!r} has total sample_weight {total:g}, so its "
                f"balanced weight Σs/({K}·{total:g}) is not a finite number. Give the "
                f"rows of class {label!r} larger weights, or drop the class."
            )
    return per_class


def class_weight_vector(
    class_weight: Any, classes: np.ndarray, y01: np.ndarray, sw: np.ndarray | None
) -> np.ndarray | None:
    """Per-sample class weights, or None.

    ``"balanced"`` gives class c the weight ``Σs / (K Σ_{i: y_i = c} s_i)``
    (``n / (K n_c)`` without sample weights, K classes), as scikit-learn's
    ``compute_class_weight``; a dict maps labels to weights (missing labels: 1).
    A dict's labels that are not classes are ignored where the dict weights
    every class, as scikit-learn ignores them (a cross-validation fold may lack
    a class the dict weights); where it also leaves a class unweighted, the
    label is most likely misspelt (``{'pos': 2, 'nge': 5}`` for ``neg``) and
    the dict is refused naming both, as scikit-learn refuses it.
    """
    if class_weight is None:
        return None
    s = np.ones_like(y01) if sw is None else sw
    if isinstance(class_weight, str):  # "balanced" (checked by the constraints)
        per_class = _balanced(s, classes, y01)
    else:
        per_class = np.ones(len(classes))
        known = {
            c.item() if hasattr(c, "item") else c: k for k, c in enumerate(classes)
        }
        keys = [k.item() if hasattr(k, "item") else k for k in class_weight]
        if keys and not any(key in known for key in keys):
            raise InvalidParameterError(
                f"The 'class_weight' parameter names no class: its labels "
                f"{keys[:10]!r} are not among the classes {list(known)}."
            )
        for key, (label, weight) in zip(keys, class_weight.items(), strict=True):
            if not (
                isinstance(weight, numbers.Real)
                and np.isfinite(as_float64(weight))
                and float(weight) >= 0
            ):
                raise InvalidParameterError(
                    f"The 'class_weight' parameter must map labels to finite weights "
                    f"≥ 0; got {_weight_text(weight)} for label {label!r}."
                )
            if key in known:
                per_class[known[key]] = float(weight)
        unknown = [key for key in keys if key not in known]
        unweighted = [c for c in known if c not in set(keys)]
        if unknown and unweighted:
            raise InvalidParameterError(
                f"The 'class_weight' parameter names {unknown[:10]!r}, not among "
                f"the classes {list(known)}, and leaves {unweighted[:10]!r} "
                "unweighted: a misspelt label? Give every class its weight, or "
                "leave out the labels that are not classes."
            )
    return per_class[y01.astype(np.intp)]


def _weight_text(weight: Any) -> str:
    """A class weight in a message: an integer beyond float64's range
    shortened (:func:`~logistic._messages.integer_text`), else its repr."""
    if isinstance(weight, numbers.Integral) and not isinstance(weight, bool):
        return integer_text(int(weight))
    return repr(weight)


@dataclass
class FitData:
    """Validated in-memory training data (see :func:`check_fit_data`).

    Attributes
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y01 : ndarray of shape (n_samples,), float64 in {0, 1} (class indices
        ``0 … K-1`` for K > 2 classes)
    classes : ndarray of shape (2,), ``[negative, positive]`` (or the K > 2
        sorted labels)
    sample_weight : ndarray of shape (n_samples,) or None
        Sample weights times class weights.
    offset : ndarray of shape (n_samples,) or None ((n_samples, K) for K > 2)
    names : ndarray of str or None
        Column names of a DataFrame X.
    finite_pending : bool
        True when X has not been checked for NaN and ±inf yet
        (``check_fit_data(defer_finite=True)``): whoever holds it runs
        :func:`check_finite_X` or proves X finite otherwise.
    """

    X: Any
    y01: np.ndarray
    classes: np.ndarray
    sample_weight: np.ndarray | None
    offset: np.ndarray | None
    names: np.ndarray | None
    finite_pending: bool = False


def check_finite_X(X: Any, names: Any = None, *, suspect: bool = False) -> None:
    """X's finite check (:func:`check_X`'s, same error): the sum of the values,
    then the elementwise scan when the sum is not finite; ``suspect`` (sums
    of X already found not finite) goes straight to the scan."""
    names = None if names is None else np.asarray(names, dtype=object)
    data = X.data if sp.issparse(X) else X
    if suspect:
        scan_finite(data, X, names)
    else:
        _check_finite(data, X, names)


def check_fit_data(
    X: Any,
    y: Any,
    sample_weight: Any = None,
    offset: Any = None,
    *,
    class_weight: Any = None,
    estimator: str = "LogisticRegression",
    multiclass: bool = False,
    defer_finite: bool = False,
    multiclass_hint: str = "",
    binary_only: str | None = None,
) -> FitData:
    """Every data check of ``fit`` on in-memory data, in order: X, y (two
    classes; K ≥ 2 with ``multiclass``), sample and class weights combined,
    offset (with K > 2 classes an (n_samples, K) matrix).

    ``defer_finite``: X's NaN/±inf check (dense or sparse) is left to the holder of
    the result (``finite_pending``; the in-memory backend folds it into the
    column statistics, which read every value anyway). The order of errors
    is kept: when a later check fails, X's finite check runs first, so
    non-finite X is still reported before bad labels or weights.
    """
    names = feature_names_of(X)
    forget_hand_off()
    X = check_X(X, estimator=estimator, check_finite=not defer_finite)
    pending = defer_finite
    try:
        if multiclass:
            classes, y01 = check_y_classes(y, X.shape[0])
        else:
            classes, y01 = check_y_binary(
                y, X.shape[0], multiclass_hint=multiclass_hint, binary_only=binary_only
            )
        sw = combined_weights(sample_weight, class_weight, classes, y01)
        off: np.ndarray | None = None
        if offset is not None and len(classes) > 2:
            off = check_offset_matrix(offset, X.shape[0], len(classes))
        elif offset is not None:
            off = check_vector(offset, X.shape[0], "offset")
    except Exception:
        if pending:  # X's fault is reported first, as without deferral
            check_finite_X(X, names)
        raise
    if sp.issparse(X):  # the backend built next need not read it again
        hand_off(X)
    return FitData(X, y01, classes, sw, off, names, pending)


def check_offset_matrix(offset: Any, n: int, n_classes: int) -> np.ndarray:
    """A finite float64 offset matrix of shape (n, n_classes): one column per
    class, added to that class's logit."""
    arr = np.asarray(offset, dtype=np.float64)
    if arr.shape != (n, n_classes):
        raise DataValidationError(
            f"offset must have shape (n_samples, n_classes) = ({n}, {n_classes}) "
            f"with {n_classes} classes (one column per class); got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise DataValidationError("offset contains NaN or infinity")
    return arr


def combined_weights(
    sample_weight: Any, class_weight: Any, classes: np.ndarray, y01: np.ndarray
) -> np.ndarray | None:
    """``sample_weight × class_weight`` per sample, validated once combined.

    Each class must keep a positive total weight (a class weighted to zero
    would leave one class in the data), and the total must be finite.
    """
    sw = check_sample_weight(sample_weight, y01, classes)
    cw = class_weight_vector(class_weight, classes, y01, sw)
    if cw is None:
        combined = sw
    else:
        combined = cw if sw is None else sw * cw
        for k in range(len(classes)):
            if not combined[y01 == k].sum() > 0:
                label = classes[k].item() if hasattr(classes[k], "item") else classes[k]
                source = (
                    "class_weight" if sw is None else "class_weight × sample_weight"
                )
                raise DataValidationError(
                    f"The 'class_weight' parameter ({class_weight!r}) gives class "
                    f"{label!r} a total weight of 0 ({source}): the data would then "
                    f"contain only one class. Give class {label!r} a positive weight."
                )
    if combined is not None and not np.isfinite(np.sum(combined)):
        raise DataValidationError(
            "sample_weight (times class_weight) sums beyond the float64 range; "
            "divide the weights by a common factor (only their ratios matter for "
            "the fit)"
        )
    return combined
