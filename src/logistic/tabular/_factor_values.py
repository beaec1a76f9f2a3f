"""A formula factor's values as its stored levels compare them.

Convention (owned here): a ``C(column)`` of a column read as numbers at fit
stores numbers as its levels (``[1, 2, 3, 4]``). A file scored later whose
column holds one value that is not a number (a stray ``x``, a typo) is read
as text, and its ``"2"`` would then match no level: such a value that reads
as a number is that number (``"2"``, ``"2.0"``, ``"02"`` are the level 2, as
they would have been at fit), so only the stray value is a category not
seen at fit time. Levels of text or booleans compare as they are.
"""

from __future__ import annotations

from typing import Any

from .._number_text import number_value
from ..io._terms import check_factors, expression_columns

__all__ = ["columns_read", "factor_values", "level_columns", "read_as_levels"]


def _numeric_levels(levels: list[Any]) -> bool:
    return bool(levels) and all(
        isinstance(level, (int, float)) and not isinstance(level, bool)
        for level in levels
    )


def _as_number(value: Any) -> Any:
    """``value`` as a number where it is text that reads as one
    (:func:`logistic._number_text.number_value`), else unchanged."""
    number = number_value(value)
    return value if number is None else number


def factor_values(values: list[Any], levels: list[Any]) -> list[Any]:
    """``values`` (a column's, as read) to compare with the factor's
    ``levels``: text that reads as a number becomes it where every level is
    a number; otherwise ``values`` unchanged."""
    if not _numeric_levels(levels) or not any(isinstance(v, str) for v in values):
        return values
    return [_as_number(v) for v in values]


def level_columns(factors: dict[str, Any]) -> set[str]:
    """The columns stored ``factors`` read only inside ``C()`` (none of
    their numeric terms reads them): their values are levels, never numbers
    with garbage, at predict as at fit. ``factors`` are checked first (a
    model file's, or an encoding handed to ``apply_design``)."""
    check_factors(factors, "<encoding>")
    return read_as_levels(factors)


def read_as_levels(factors: dict[str, Any]) -> set[str]:
    """The columns well-formed ``factors`` read only inside ``C()``: a column
    also read by a numeric term is not among them."""
    levels, numeric = columns_read(factors)
    return levels - numeric


def columns_read(factors: dict[str, Any]) -> tuple[set[str], set[str]]:
    """``(inside C(), by numeric terms)``: the columns well-formed ``factors``
    read as levels and as numbers (a column may be in both)."""
    levels: set[str] = set()
    numeric: set[str] = set()
    for spec in factors.values():
        if spec["kind"] == "categorical":
            levels.add(spec["column"])
        else:
            numeric |= expression_columns(spec["expr"])
    return levels, numeric
