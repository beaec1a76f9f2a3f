"""Missing values of a file's columns as a fit reads them: which rows hold
one (null, or NaN in a float column), and the refusal that names each column,
its count and first rows, or the rows a fit drops (``--missing drop``)."""

from __future__ import annotations

import numpy as np

from .._arrow_numpy import floats, nulls
from .._exceptions import DataValidationError
from .._messages import option_value
from .._value_refusals import IN_MEMORY_REMEDY, missing_column, missing_values
from ._columns import _column
from ._read import RawData, position

__all__ = ["check_missing", "missing_mask"]


def missing_mask(raw: RawData, name: str) -> np.ndarray:
    """True where a value is null, or NaN in a float column."""
    import pyarrow as pa

    col = _column(raw, name)
    if pa.types.is_floating(col.type):
        return np.isnan(floats(col))  # null or NaN
    return nulls(col)


def check_missing(
    raw: RawData,
    names: list[str],
    missing: str,
    features: list[str] | None = None,
    *,
    formula: bool = False,
) -> tuple[np.ndarray, int]:
    """Rows to keep (bool mask) and how many were dropped.

    With ``missing="error"`` any missing value raises an error naming each
    column, its count and the first positions. A column of ``features`` (the
    fit's, which it may leave out: ``--drop``, or out of the ``formula``)
    with no value at all is named with that remedy: dropping rows would leave
    none.
    """
    keep = np.ones(raw.n_rows, dtype=bool)
    problems = []
    empty = []  # feature columns with no value at all
    for name in names:
        mask = missing_mask(raw, name)
        if mask.any():
            keep &= ~mask
            rows = np.flatnonzero(mask)[:3]
            where = ", ".join(position(raw, int(r)) for r in rows)
            problems.append(missing_column(name, where, int(mask.sum())))
            if mask.all() and name in (features or ()):
                empty.append(name)
    remedy = IN_MEMORY_REMEDY
    if empty:
        how = "out of the formula" if formula else f"with --drop {option_value(empty)}"
        one = len(empty) == 1
        remedy = (
            f"{', '.join(repr(n) for n in empty)} {'has' if one else 'have'} no "
            f"value in any row: leave {'it' if one else 'them'} out ({how})"
        )
        if len(problems) > len(empty) and missing != "drop":
            remedy += "; for the other columns, --missing drop or fill them in"
    if problems and missing != "drop":
        raise missing_values(raw.path, problems, remedy)
    if not keep.any() and raw.n_rows:
        raise DataValidationError(
            f"{raw.path}: every row has a missing value; no data left"
            + (f"; {remedy}" if empty else "")
        )
    return keep, int((~keep).sum())
