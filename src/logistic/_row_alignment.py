"""pandas inputs whose index labels pair rows differently from their positions.

Convention (owned here): rows of X, y, weights, offsets, trials and groups are
paired by position, as scikit-learn pairs them, never by index label. Where X
and another input are pandas objects whose indexes hold the same labels in
another order (X sorted or shuffled and y not), pairing by position would
silently fit row ``i`` of X to another row's label; statsmodels refuses
such inputs ("indices ... are not aligned"), and so does
:func:`check_rows_aligned`, naming the input and the first row that differs.
Indexes with other labels (``y`` rebuilt with a fresh ``RangeIndex`` beside a
filtered X) are taken by position: that is how scikit-learn users pair them
on purpose. Lengths are left to the inputs' own checks.
"""

from __future__ import annotations

from typing import Any

__all__ = ["check_rows_aligned"]


def _pandas_index(v: Any) -> Any:
    """The index of a pandas Series or DataFrame, else None (pandas is not
    imported for it)."""
    if v is None or not type(v).__module__.startswith("pandas"):
        return None
    return getattr(v, "index", None)


def _label(value: Any) -> str:
    """An index label as written in code (a numpy scalar as its number)."""
    item = getattr(value, "item", None)
    return repr(item() if callable(item) else value)


def check_rows_aligned(X: Any, **inputs: Any) -> None:
    """Refuse ``inputs`` (by name) whose pandas index holds X's row labels in
    another order; a ValueError names the input, a row whose labels differ
    and the fix."""
    index = _pandas_index(X)
    if index is None:
        return
    for name, value in inputs.items():
        other = _pandas_index(value)
        if other is None or len(other) != len(index) or other.equals(index):
            continue
        if not (index.is_unique and other.is_unique):
            continue
        if len(index.difference(other)) or len(other.difference(index)):
            continue  # other labels: paired by position on purpose
        pairs = zip(index, other, strict=True)
        at = next(i for i, (a, b) in enumerate(pairs) if a != b)
        raise ValueError(
            f"{name}'s index holds X's row labels in another order: row {at} "
            f"(counting from 0) of X is labelled {_label(index[at])} and row {at} "
            f"of {name} {_label(other[at])}, and rows are paired by position, not by "
            f"label; align {name} to X first ({name}.loc[X.index]), or reset both "
            f"indexes if the order by position is right"
        )
