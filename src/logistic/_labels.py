"""The classes, which one is positive, and labels encoded to {0, 1} (or to
class indices ``0 … K-1`` when there are K > 2 classes).

Conventions (owned here):

* ``classes_`` lists the two labels as ``[negative, positive]``; a label is
  encoded 1.0 when it is the positive class and 0.0 otherwise. No {-1, +1}
  encoding exists anywhere inside.
* By default the positive class is the larger of the two sorted labels
  (scikit-learn's rule), so ``classes_`` is sorted. An explicit ``positive``
  (a label, matched exactly or as text so that ``"2"`` names the number 2, or a
  callable choosing one of the two sorted labels) puts that label second.
* The command line's rule, :func:`recognised_positive`: the pairs 0/1, -1/+1,
  false/true and no/yes (any letter case, the same spelling throughout) have
  the second of each pair as the positive class; any other pair needs an
  explicit positive.
* More than two classes (:func:`check_y_classes`, ``resolve_classes(...,
  multiclass=True)``): ``classes_`` lists the K labels sorted, with no
  positive class, and a label is encoded as its index in ``classes_``; a
  ``positive`` rule with a ``levels_order`` method (the command line's
  ``--reference``, :func:`logistic.tabular._labels.reference_rule`) is given
  the sorted labels and returns them in the order to encode them (its
  reference level first, code 0). For
  two labels this is the binary encoding above (index 1 = positive), so
  K = 2 is exactly the binary path.
* A missing label (None, NaN, ``pd.NA``, ``NaT``) is an error naming its row,
  found before any conversion (numpy would turn NaN among strings into the
  string ``"nan"``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ._exceptions import DataConversionWarning, DataValidationError, user_stacklevel
from ._label_refusals import NoPositiveClass, continuous_labels, continuous_target
from ._missing_values import check_missing_labels, refuse_masked, refuse_sparse

__all__ = [
    "MAX_CLASSES",
    "PositiveRule",
    "check_encoded_labels",
    "check_found_labels",
    "check_y_binary",
    "check_y_classes",
    "class_order",
    "encode",
    "given_classes",
    "label_array",
    "label_shown",
    "label_text",
    "labels_shown",
    "match_label",
    "recognised_positive",
    "resolve_classes",
]

#: A positive class: None (the larger label), a label, or a callable choosing
#: one of the two sorted labels.
PositiveRule = Any | Callable[[np.ndarray], Any] | None

#: The most distinct labels a K-class target may hold (beyond it the target is
#: taken for a continuous one and refused).
MAX_CLASSES = 1000

_PAIRS = ({"0", "1"}, {"-1", "1"}, {"-1", "+1"}, {"false", "true"}, {"no", "yes"})
_POSITIVE_TEXT = {"1", "+1", "true", "yes"}


# -- the label array ---------------------------------------------------------------
def label_array(y: Any) -> np.ndarray:
    """``y`` as a 1-D numpy array; a missing label raises naming its row.

    A column vector is flattened with scikit-learn's ``DataConversionWarning``.
    Sequences that are not arrays are checked element by element before numpy
    converts them.
    """
    if type(y) is np.ndarray and y.ndim == 1:  # as it is (no conversion, no copy)
        return y
    if y is None:
        raise DataValidationError("requires y to be passed, but the target y is None")
    refuse_masked(y, "y")
    refuse_sparse(y, "y")
    dtype = getattr(y, "dtype", None)
    if dtype is None:  # a list or tuple: NaN among strings would become "nan"
        flat = np.asarray(y, dtype=object)
        if flat.ndim <= 2:
            check_missing_labels(flat)
    elif str(dtype) == "category" and hasattr(y, "to_numpy"):
        y = y.to_numpy()
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change "
            "the shape of y to (n_samples, ), for example using ravel().",
            DataConversionWarning,
            stacklevel=user_stacklevel(),
        )
        y = y.ravel()
    if y.ndim != 1:
        counts = y.ndim == 2 and y.shape[1] == 2  # statsmodels' [successes, failures]
        raise DataValidationError(
            f"y must be 1-D (one label per sample); got shape {y.shape}. Multi-output "
            "(multilabel) targets are not supported; two or more classes are, as "
            "one column of labels."
            + (
                " Grouped binomial counts as two columns (successes, failures: "
                "statsmodels' GLM Binomial endog) are fitted by "
                "fit(X, successes, trials=successes + failures)."
                if counts
                else ""
            )
        )
    return y


def _check_label_values(y: np.ndarray, binary_only: str | None = None) -> None:
    """Refuse complex, missing, infinite, continuous and mixed-type labels
    (``binary_only``: the name of a caller that fits two classes only and
    takes no ``trials``, which the refusal of continuous labels then says)."""
    if y.dtype.kind == "c":
        raise DataValidationError("Complex data not supported: y has a complex dtype")
    if y.dtype.kind in "fO":
        check_missing_labels(y)
    if y.dtype.kind == "f":
        if np.any(np.isinf(y)):
            raise DataValidationError("Input y contains infinity or a value too large.")
        if np.any(y != np.round(y)):
            raise DataValidationError(continuous_labels(y, binary_only))
    if y.dtype.kind == "O":
        if len({isinstance(v, str) for v in y}) > 1:
            raise DataValidationError(
                "Mix of label input types (string and number) in y"
            )


def _labels_and_index(
    y: Any, n_samples: int | None, binary_only: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct labels of a checked ``y`` and each row's index
    (``binary_only``: :func:`_check_label_values`)."""
    y = label_array(y)
    if n_samples is not None and y.shape[0] != n_samples:
        raise DataValidationError(
            f"Found input variables with inconsistent numbers of samples: "
            f"[{n_samples}, {y.shape[0]}]"
        )
    two = _two_numeric_labels(y)
    if two is not None:
        return two
    _check_label_values(y, binary_only)
    classes, y_idx = np.unique(y, return_inverse=True)
    return classes, y_idx.reshape(-1).astype(np.float64)


def _whole(v: Any) -> bool:
    """Whether a floating-point label is finite and integral (NaN is not).
    Up to float64 by Python's float (exact, without numpy's scalar calls);
    a wider float by numpy."""
    if v.dtype.itemsize <= 8:
        f = float(v)
        return math.isfinite(f) and f.is_integer()
    return bool(np.isfinite(v) and v == np.round(v))


def _two_numeric_labels(y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(classes, y01)`` of numeric labels holding exactly two values, both
    finite and integral; None for anything else (which takes the checks of
    :func:`_check_label_values` and the sort of ``np.unique``).

    The minimum and the maximum, then one comparison a row with each: no sort
    of the labels. NaN makes the minimum NaN and ±inf makes it infinite, so
    missing and infinite labels, like non-integral ones, fall through to the
    checks that name them; the result equals ``np.unique``'s.

    Contiguous float64 labels that already are 0 and 1 are their own
    encoding: ``y01`` is then a read-only view of ``y`` (no n-row copy:
    a9a's 260 KB, ~65 fresh pages in a process's first fit), equal to the
    copy value for value.
    """
    if y.dtype.kind not in "biuf" or y.size == 0:
        return None
    lo, hi = y.min(), y.max()
    if y.dtype.kind == "f" and not (_whole(lo) and _whole(hi)):
        return None
    if lo == hi:
        return None
    positive = y == hi
    if np.count_nonzero(positive) + np.count_nonzero(y == lo) != y.size:
        return None
    classes = np.array([lo, hi], dtype=y.dtype)
    if y.dtype == np.float64 and y.flags.c_contiguous and lo == 0 and hi == 1:
        y01 = y.view()
        y01.flags.writeable = False
        return classes, y01
    return classes, positive.astype(np.float64)


def _one_class(classes: np.ndarray) -> DataValidationError:
    """The label as Python writes it (``1.0``, ``1``, ``'yes'``), not numpy's
    repr (``np.float64(1.0)``)."""
    label = classes[0] if len(classes) else None
    if isinstance(label, np.generic):
        label = label.item()
    return DataValidationError(
        f"This solver needs samples of at least 2 classes in the data, but the "
        f"data contains only one class: {label!r}"
    )


def check_y_binary(
    y: Any,
    n_samples: int | None = None,
    *,
    multiclass_hint: str = "",
    binary_only: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, y01)``: the sorted two labels and y encoded in {0., 1.}
    (``multiclass_hint``: words added to the refusal of more than two;
    ``binary_only``: the caller's name where it fits two classes only and
    takes no ``trials``, which the refusal of continuous labels says)."""
    classes, y_idx = _labels_and_index(y, n_samples, binary_only)
    if len(classes) > 2:
        raise DataValidationError(
            f"Only binary classification is supported. The type of the target is "
            f"multiclass ({len(classes)} distinct values: {classes[:10].tolist()}): "
            f"multi-class models are not supported here yet (LogisticRegression.fit "
            f"fits them from numpy or scipy arrays, files and Dask collections)."
            f"{multiclass_hint}"
        )
    if len(classes) < 2:
        raise _one_class(classes)
    return classes, y_idx


def check_y_classes(
    y: Any, n_samples: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, y_index)``: the K ≥ 2 sorted labels and each row's class
    index in ``{0., …, K-1.}``; for two labels exactly :func:`check_y_binary`."""
    classes, y_idx = _labels_and_index(y, n_samples)
    if len(classes) < 2:
        raise _one_class(classes)
    return classes, y_idx


# -- the positive class --------------------------------------------------------------
def label_text(v: Any) -> str:
    """A label as text: booleans ``true``/``false``, integral floats without
    ``.0`` (so ``1.0`` and ``1`` are one label), anything else ``str``."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def label_shown(value: Any) -> str:
    """A label in a message: a number or a boolean as :func:`label_text`
    writes it (``1`` for ``1.0``, ``true`` for ``True``), text quoted
    (``'a'``), its code points escaped where it is not in NFC or holds a
    zero-width character (``'cafe\\u0301'``, as :func:`._column_hints.form_shown`
    writes it: else ``'café'`` in both forms reads the same); a numpy scalar
    as the Python value it holds (never ``np.int64(0)`` or ``np.str_('a')``)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (int, float, np.number, np.bool_)):
        return label_text(value)
    if isinstance(value, str):
        from ._column_hints import form_shown

        return form_shown(value)
    return repr(value)


def labels_shown(values: Iterable[Any], limit: int | None = None) -> str:
    """Labels in a message as a list, each as :func:`label_shown` writes it:
    ``[0, 1, 2]``, ``['a', 'b']``; at most ``limit`` of them, then ``...``."""
    items = list(values)
    shown = [label_shown(v) for v in items[:limit]]
    if limit is not None and len(items) > limit:
        shown.append("...")
    return "[" + ", ".join(shown) + "]"


def match_label(values: Sequence[Any], label: Any) -> int | None:
    """Index of ``label`` among ``values``: an equal value, else an equal text
    (a boolean value's text in any letter case: ``"True"``, the way Python
    and most CSV files spell it, names ``True`` as ``"true"`` does)."""
    for i, v in enumerate(values):
        try:
            if bool(v == label):
                return i
        except (TypeError, ValueError):
            continue
    text = label_text(label)
    for i, v in enumerate(values):
        shown = label_text(v)
        if shown == text or (
            isinstance(v, (bool, np.bool_)) and shown == text.strip().lower()
        ):
            return i
    return None


def recognised_positive(values: Sequence[Any]) -> int | None:
    """Index of the positive class of two labels forming a recognised pair
    (0/1, -1/+1, false/true, no/yes, one letter case), else None."""
    texts = [label_text(v) for v in values]
    if len(texts) != 2 or {t.lower() for t in texts} not in _PAIRS:
        return None
    if texts[0].islower() != texts[1].islower():
        return None
    return 0 if texts[0].lower() in _POSITIVE_TEXT else 1


def _sorted_labels(labels: Iterable[Any]) -> np.ndarray:
    return np.sort(np.asarray(list(labels)))


def class_order(labels: Iterable[Any], positive: PositiveRule = None) -> np.ndarray:
    """``[negative, positive]`` of two distinct labels.

    ``positive`` is None (the larger label), a label (matched by
    :func:`match_label`) or a callable receiving the two sorted labels and
    returning the positive one.
    """
    ordered = _sorted_labels(labels)
    if positive is None:
        return ordered
    chosen = positive(ordered) if callable(positive) else positive
    k = match_label(list(ordered), chosen)
    if k is None:
        raise DataValidationError(
            f"positive={chosen!r} is not one of the labels {ordered.tolist()}"
        )
    return ordered[[1 - k, k]]


def given_classes(classes: Any) -> np.ndarray:
    """The two labels of a user's ``classes`` argument, sorted (the first
    ``partial_fit`` call of a binary stream; more than two take
    :mod:`logistic._multinomial_partial`, fewer are an error)."""
    cls = np.unique(np.asarray(classes))
    if cls.shape[0] != 2:
        raise DataValidationError(
            f"classes must hold at least 2 distinct labels, got {labels_shown(cls)}"
        )
    return cls


def resolve_classes(
    found: set[Any],
    classes: Any = None,
    positive: PositiveRule = None,
    where: str = "y",
    multiclass: bool = False,
) -> np.ndarray:
    """``[negative, positive]`` from the labels ``found`` in the data.

    ``classes`` (two labels, optional) must cover every label found; without it
    the data must hold exactly two labels. With ``multiclass``, more than two
    labels give them all, sorted (``positive`` must then be None). Infinite
    and non-integral numbers are refused, as :func:`check_y_classes` refuses
    them in memory (:func:`check_found_labels`).
    """
    check_found_labels(found, where)
    if multiclass and len(found if classes is None else set(classes)) > 2:
        return _many_classes(found, classes, positive, where)
    if classes is not None:
        cls = np.unique(np.asarray(list(classes)))
        unknown = found - set(cls.tolist())
        if len(cls) != 2 or unknown:
            raise DataValidationError(
                f"classes must be two labels covering y; got {labels_shown(cls)}, "
                f"y also holds {sorted(map(str, unknown))[:10]}"
            )
        return class_order(cls, positive)
    if len(found) != 2:
        found_text = sorted(map(str, found))[:10]
        raise DataValidationError(
            f"{where} must hold exactly two classes, found {found_text}"
        )
    return class_order(found, positive)


def check_found_labels(
    found: set[Any], where: str, first: tuple[str, str] | None = None
) -> None:
    """Refuse the numeric labels a backend's scan found that an in-memory fit
    refuses: a non-finite one, and non-integral ones among more than two (a
    continuous target, :func:`~._label_refusals.continuous_target`; ``first``:
    the first non-integral label and its line, where known). Two values are
    two labels, whichever numbers. A scan calls it on each chunk's labels,
    before it counts them against its class limit."""
    numbers = [
        float(v) for v in found if isinstance(v, float | np.floating) and v == v
    ]
    if not numbers:
        return
    y = np.asarray(numbers, dtype=np.float64)
    if np.any(np.isinf(y)):
        value = label_text(float(y[np.isinf(y)][0]))
        raise DataValidationError(
            f"{where} holds a non-finite label ({value}); only finite numbers are "
            "allowed"
        )
    if len(found) > 2 and np.any(y != np.round(y)):
        values = _sorted_labels(found)
        more = f", ... ({len(values) - 10} more)" if len(values) > 10 else ""
        shown = ", ".join(label_shown(v) for v in values[:10]) + more
        proportions = len(numbers) == len(found) and bool(np.all((y >= 0) & (y <= 1)))
        raise continuous_target(where, shown, proportions, first)


def _many_classes(
    found: set[Any], classes: Any, positive: PositiveRule, where: str
) -> np.ndarray:
    """The K > 2 sorted labels of :func:`resolve_classes` with ``multiclass``."""
    order = getattr(positive, "levels_order", None)
    if positive is not None and order is None:
        raise NoPositiveClass(
            f"{where} holds more than two classes, so there is no positive class; "
            f"got positive={positive!r}",
            _sorted_labels(found),
        )
    cls = np.unique(np.asarray(list(found if classes is None else classes)))
    unknown = found - set(cls.tolist())
    if unknown:
        raise DataValidationError(
            f"classes must cover y; got {labels_shown(cls, 10)}, y also holds "
            f"{sorted(map(str, unknown))[:10]}"
        )
    return cls if order is None else np.asarray(order(cls))


# -- encoding ------------------------------------------------------------------------
def encode(
    y: Any,
    classes: Any,
    source: str = "",
    *,
    dtype: Any = np.float64,
    checked: bool = False,
    by_text: bool = False,
    unseen: Callable[[np.ndarray], Exception] | None = None,
) -> Any:
    """``y`` encoded against ``classes = [negative, positive]``: ``1`` where a
    label is the positive class, else ``0``, in ``dtype``. The one encoder.

    * ``checked``: the labels are already known to be one of the two classes
      (a backend's scan found them), so nothing is checked; otherwise a label
      that is neither class is an error (``source`` says where the classes
      came from, in that message; ``unseen``, given the labels that are
      neither, builds the exception instead).
    * ``by_text``: labels and classes compare as :func:`label_text` (so ``1.0``
      and ``1`` are one label), as the command line compares a stored mapping
      with the targets of another file. The labels a message names are still
      ``y``'s own values (a boolean stays a boolean, a number a number), not
      the texts compared.
    """
    refuse_sparse(y, "y")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if len(classes) > 2:
        return _encode_index(y, classes, source, dtype, by_text, unseen)
    keys = y
    if by_text:
        if y.size:
            keys = np.array([label_text(v) for v in y.tolist()], dtype=object)
        classes = [label_text(c) for c in classes]
    positive = keys == classes[1]
    if not checked:
        bad = ~(positive | (keys == classes[0]))
        if np.any(bad):
            raise _unseen(y[bad], classes, source, unseen)
    return positive.astype(dtype)


def _unseen(
    labels: np.ndarray,
    classes: Any,
    source: str,
    unseen: Callable[[np.ndarray], Exception] | None,
) -> Exception:
    """The error of labels that are none of ``classes`` (see :func:`encode`)."""
    if unseen is not None:
        return unseen(labels)
    try:
        distinct = list(np.unique(labels))
    except TypeError:  # labels that do not compare with each other
        by_text = {label_text(v): v for v in labels.tolist()}
        distinct = [by_text[t] for t in sorted(by_text)]
    return DataValidationError(
        f"y contains labels not in classes={labels_shown(classes)}{source}: "
        f"{labels_shown(distinct, 5)}"
    )


def _encode_index(
    y: np.ndarray,
    classes: Any,
    source: str,
    dtype: Any,
    by_text: bool,
    unseen: Callable[[np.ndarray], Exception] | None,
) -> Any:
    """K > 2 classes: each label's index in ``classes`` (see :func:`encode`)."""
    if by_text:
        keys = np.array([label_text(c) for c in classes], dtype=object)
        compared = np.array([label_text(v) for v in y.tolist()], dtype=object)
    else:
        keys, compared = np.asarray(classes), y
    codes = _index_of(keys, compared)
    bad = codes < 0
    if np.any(bad):
        raise _unseen(y[bad], classes, source, unseen)
    return codes.astype(dtype)


def _index_of(keys: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of each value of ``y`` in ``keys`` (-1 when absent), vectorized by
    a sorted search when the values compare, else by a dictionary."""
    try:
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        pos = np.clip(np.searchsorted(ordered, y), 0, len(keys) - 1)
        found = np.asarray(ordered[pos] == y, dtype=bool)
        return np.where(found, order[pos], -1).astype(np.intp)
    except TypeError:  # labels that do not compare with each other
        index = {k: i for i, k in enumerate(keys.tolist())}
        return np.array([index.get(v, -1) for v in y.tolist()], dtype=np.intp)


def check_encoded_labels(y: Any, n_rows: int, n_classes: int, owner: str) -> None:
    """Refuse a ``y`` that is not already encoded for ``owner``: a vector of
    ``n_rows`` finite values, in [0, 1] for two classes (1 the positive class;
    soft labels between), class indices 0 … K-1 for ``n_classes`` K > 2.
    What arrays handed straight to a backend or objective must hold (labels
    1/2 or -1/+1 there made a loss unbounded below: garbage coefficients)."""
    y = np.asarray(y)
    if y.shape != (n_rows,) or y.dtype.kind not in "biuf":
        raise DataValidationError(
            f"{owner}: y must be a numeric vector of {n_rows} labels (one per row "
            f"of X); got dtype {y.dtype} and shape {y.shape}"
        )
    top = 1 if n_classes == 2 else n_classes - 1
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(y) & (y >= 0) & (y <= top))
        if n_classes > 2:
            bad |= y != np.round(y)
    if np.any(bad):
        i = int(np.argmax(bad))
        expected = (
            "0 or 1 (1 the positive class; soft labels in [0, 1])"
            if n_classes == 2
            else f"a class index 0 … {top}"
        )
        raise DataValidationError(
            f"{owner}: y[{i}] is {y[i].item()!r}, expected {expected}: y must be "
            f"encoded already here (LogisticRegression.fit encodes any two labels, "
            f"e.g. 1/2, -1/+1 or text)"
        )
