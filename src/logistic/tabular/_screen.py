"""Columns that would make nonsense features: screened before a fit encodes them.

Convention (owned here; the rules themselves are
:func:`logistic._screen_rules.left_out_reason`, shared with the DataFrame
encoding), applied at fit time to the columns chosen automatically (every
column but the roles; columns named with ``--features`` or in a formula
are the user's choice and are not screened):

* (Numbers with a decimal comma are refused earlier, for every column:
  :func:`._columns.check_decimal_commas`.)
* **Identifiers** are *left out*: a column whose name says identifier
  (``id``, ``ID``, ``*_id``, ``PassengerId``, ``userID``, ``index``,
  ``Unnamed: 0``, ...; :func:`identifier_name`) and whose values, text or
  whole numbers, are present and distinct on every row.
* **Free text** is *left out*: a text column with more than
  :data:`FREE_TEXT_MIN_LEVELS` distinct values and more distinct values
  than half its non-missing rows (names, tickets, comments).

Leaving a column out (rather than refusing the file) lets the fit go on with
the columns that make sense; the note on stderr names the columns (a few,
and a count of the rest) and the option that keeps them: ``--include``.
"""

from __future__ import annotations

from typing import Any

from .._exceptions import DataValidationError, InvalidParameterError
from .._messages import option_value
from .._screen_rules import FREE_TEXT_MIN_LEVELS, identifier_name, left_out_reason
from ._columns import column_kind, is_text, require_columns, text_values
from ._raw import RawData

__all__ = [
    "FREE_TEXT_MIN_LEVELS",
    "identifier_name",
    "screen_features",
]


def _distinct(raw: RawData, name: str) -> tuple[int, int] | None:
    """(distinct non-missing values, non-missing rows) of a column, or None
    for a type without a distinct count."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = text_values(raw, name) if is_text(raw, name) else raw.table.column(name)
    try:
        levels = pc.count_distinct(col, mode="only_valid").as_py()
    except pa.ArrowNotImplementedError:
        return None
    return int(levels), len(col) - col.null_count


def _whole_numbers(raw: RawData, name: str) -> bool:
    """Whether a numeric column holds whole numbers only (an identifier is a
    count or a code, never a measurement such as a Reynolds number)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = raw.table.column(name)
    if pa.types.is_integer(col.type):
        return True
    if not pa.types.is_floating(col.type):
        return False
    return bool(pc.all(pc.equal(col, pc.floor(col))).as_py())


def _why_left_out(raw: RawData, name: str) -> str | None:
    """Why column ``name`` is an identifier or free text, or None."""
    text = is_text(raw, name)
    if not (text or identifier_name(name)):
        return None
    if text:
        column_kind(raw, name)  # numbers with garbage in them: that error first
    counts = _distinct(raw, name)
    if counts is None:
        return None
    levels, valid = counts
    whole = not text and _whole_numbers(raw, name)
    return left_out_reason(
        name,
        text=text,
        levels=levels,
        valid=valid,
        n_rows=raw.n_rows,
        whole_numbers=whole,
    )


def refuse_unused_include(include: Any, formula: str | None, features: Any) -> None:
    """``--include`` beside ``--formula`` or ``--features``, whose columns are
    used as given and never screened: a usage error (it would be ignored,
    the columns it names left out of the model without a word)."""
    if include and (formula is not None or features):
        given = "--formula" if formula is not None else "--features"
        where = "in the formula" if formula is not None else "in --features"
        raise InvalidParameterError(
            f"--include {option_value(include)} does not apply with {given}, "
            f"whose columns are used as given (--include keeps columns that the "
            f"automatic choice of features leaves out): name the column {where}"
        )


def screen_features(
    raw: RawData, features: list[str], include: list[str] | None = None
) -> tuple[list[str], list[str]]:
    """``(features kept, notes)``: identifiers and free text left out (see the
    module docstring), except the columns in ``include``."""
    if include:
        require_columns(raw, include, "--include")
    keep_anyway = set(include or ())
    reasons: dict[str, str] = {}
    for name in features:
        if name in keep_anyway:
            continue
        why = _why_left_out(raw, name)
        if why is not None:
            reasons[name] = why
    if not reasons:
        return features, []
    kept = [f for f in features if f not in reasons]
    if not kept:
        raise DataValidationError(
            f"{raw.path}: every feature column looks like an identifier or free "
            f"text ({'; '.join(list(reasons.values())[:3])}); keep some with "
            f"--include {option_value(list(reasons)[:3])}"
        )
    left = list(reasons)
    detail = ", ".join(list(reasons.values())[:3])
    more = f", … and {len(left) - 3:,} more" if len(left) > 3 else ""
    if len(left) == 1:
        what = "1 column that looks like an identifier or free text"
        them = "it as a feature"
    else:
        what, them = (
            f"{len(left):,} columns that look like identifiers or free text",
            "them as features",
        )
    note = (
        f"left out {what} ({detail}{more}); keep {them} with --include "
        f"{_include_value(left)}"
    )
    if any(n != n.strip() for n in left):  # list options strip each name
        note += (
            " after removing the whitespace around the names in the header line "
            "(names are matched exactly, and the options strip what they are given)"
        )
    return kept, [note]


def _include_value(names: list[str], shown: int = 5) -> str:
    """The value to pass to --include (a few names, then "...")."""
    return option_value(names, shown=shown)
