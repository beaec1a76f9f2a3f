"""pandas inputs whose index labels pair rows differently from their positions.

Convention (owned here): rows of X, y, weights, offsets, trials and groups are
paired by position, as scikit-learn pairs them, never by index label. Where X
and another input are pandas objects whose indexes hold the same labels in
another order (X sorted or shuffled and y not), pairing by position would
silently fit row ``i`` of X to another row's label; statsmodels refuses
such inputs ("indices ... are not aligned"), and so does
:func:`check_rows_aligned`, naming the input and the first row that differs.
Indexes holding the same labels with repeats (two tables concatenated, then
one reordered) are refused too: repeated labels cannot align the rows.
Where X is no pandas object (a numpy array, a polars frame: the output of a
transformer) its rows have no labels, and the first other input with a pandas
index (``y``) takes its place: weights or offsets whose index holds y's
labels in another order are refused the same way, naming y.
Indexes with other labels (``y`` rebuilt with a fresh ``RangeIndex`` beside a
filtered X) are taken by position: that is how scikit-learn users pair them
on purpose. Where one index is a fresh ``RangeIndex`` and the other a
reordering of ``0 … n-1`` (X shuffled or sorted), either was meant (y taken
from the table before X was reordered, or built in X's new order), so the
refusal names both remedies, by label and by position. Equal labels written
differently (one instant in two time zones) and missing labels are equal.
Dask collections are checked by their scan, partition labels summed as
hashes (:func:`logistic.backends._dask_scan.check_row_labels`).
Lengths are left to the inputs' own checks.
"""

from __future__ import annotations

from typing import Any

from ._exceptions import DataValidationError

__all__ = ["check_rows_aligned"]


def _pandas_index(v: Any) -> Any:
    """The index of a pandas Series or DataFrame, else None (pandas is not
    imported for it)."""
    if v is None or not type(v).__module__.startswith("pandas"):
        return None
    return getattr(v, "index", None)


def _label(value: Any) -> str:
    """An index label as written in code (a numpy scalar as its number; a
    MultiIndex label's tuple of them likewise: ``(0, 'a')``)."""
    if isinstance(value, tuple):
        parts = [_label(v) for v in value]
        return f"({', '.join(parts)}{',' if len(parts) == 1 else ''})"
    item = getattr(value, "item", None)
    return repr(item() if callable(item) else value)


def check_rows_aligned(X: Any, **inputs: Any) -> None:
    """Refuse ``inputs`` (by name) whose pandas index holds X's row labels in
    another order; a DataValidationError names the input, a row whose labels differ
    and the fix."""
    index, ref = _pandas_index(X), "X"
    if index is None:  # X's rows have no labels: the first input's stand in
        labelled = [(n, v) for n, v in inputs.items() if _pandas_index(v) is not None]
        if not labelled:
            return
        ref = labelled[0][0]
        index = _pandas_index(labelled[0][1])
        inputs = dict(labelled[1:])
    for name, value in inputs.items():
        other = _pandas_index(value)
        if other is None or len(other) != len(index) or other.equals(index):
            continue
        unique = index.is_unique and other.is_unique
        if unique and (len(index.difference(other)) or len(other.difference(index))):
            continue  # other labels: paired by position on purpose
        if not unique and not _same_labels_repeated(index, other):
            continue
        at = _first_difference(index, other)
        if at is None:  # equal labels written differently (time zones)
            continue
        repeated = "" if unique else ", some of them repeated,"
        remedy = _remedy(name, index, other, ref) if unique else (
            f"Repeated labels cannot align the rows ({name}.loc[{ref}.index] "
            f"repeats them): reorder {ref} and {name} together, or reset both "
            "indexes if the order by position is right"
        )  # fmt: skip
        raise DataValidationError(
            f"{name}'s index holds {ref}'s row labels{repeated} in another order: "
            f"row {at} (counting from 0) of {ref} is labelled {_label(index[at])} "
            f"and row {at} of {name} {_label(other[at])}, and rows are paired by "
            f"position, not by label. {remedy}"
        )


def _same_labels_repeated(index: Any, other: Any) -> bool:
    """Whether two indexes with repeated labels hold the same labels, each as
    often (sorted, they are equal); False where the labels do not sort
    (mixed types)."""
    try:
        return bool(index.sort_values().equals(other.sort_values()))
    except TypeError:
        return False


def _first_difference(index: Any, other: Any) -> int | None:
    """The first position whose two labels differ (missing labels equal to
    each other), or None where every pair is equal."""
    for i, (a, b) in enumerate(zip(index, other, strict=True)):
        try:
            same = bool(a == b)
        except (TypeError, ValueError):  # pd.NA: "boolean value of NA is ambiguous"
            same = _missing(a) and _missing(b)
        if not same and not (_missing(a) and _missing(b)):
            return i
    return None


def _missing(label: Any) -> bool:
    """Whether an index label is a missing value (None, NaN, NaT, pd.NA)."""
    if label is None:
        return True
    try:
        return bool(label != label)
    except (TypeError, ValueError):  # pd.NA
        return True


def _default_range(index: Any) -> bool:
    """Whether ``index`` is pandas' default ``RangeIndex(n)`` (0, 1, …, n-1),
    the index of a Series built from values by position."""
    return (
        type(index).__name__ == "RangeIndex"
        and index.start == 0
        and index.step == 1
    )


def _remedy(name: str, index: Any, other: Any, ref: str = "X") -> str:
    """How to pair the rows: by label where both indexes carry labels; where
    one is a fresh ``RangeIndex`` the labels may mean nothing (a Series built
    in ``ref``'s order, X's or y's), so both ways are named, by label and by
    position."""
    align = f"{name}.loc[{ref}.index]"
    if not (_default_range(index) or _default_range(other)):
        return (
            f"Align {name} to {ref} first ({align}), or reset both indexes if the "
            "order by position is right"
        )
    return (
        f"If {name} came from the same table as {ref} before {ref}'s rows were "
        f"reordered, align it ({align}); if it was built in {ref}'s row order (e.g. "
        f"pd.Series(values)), pass it by position ({name}.to_numpy()) or reset "
        f"{ref}'s index ({ref}.reset_index(drop=True))"
    )
