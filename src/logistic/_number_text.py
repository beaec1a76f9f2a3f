"""Which text columns are numbers: the one owner of the rule.

Convention (owned here), shared by the command line's file encoder
(:mod:`logistic.tabular._columns`, on pyarrow columns) and the library's
DataFrame encoder (:mod:`logistic._frame_encoding`, on pandas columns):

* a value is a number when it matches :data:`NUMBER` (an optional sign,
  digits with an optional decimal point, an optional exponent, surrounding
  spaces allowed);
* a text column in which at least half of the present values are numbers
  (:func:`mostly_numbers`) is a numeric column holding garbage: an error
  naming the first value that is not a number and where it is, never a
  categorical column;
* a value matching :data:`COMMA_NUMBER` (``13,2``, ``1.234,5``) is a number
  written with a decimal comma: the error then names the decimal-comma
  reading as the remedy, and a text column in which at least half of the
  present values are numbers with or without a decimal comma, some with one
  (:func:`decimal_comma_column`), is refused rather than one-hot encoded.

* a value matching :data:`THOUSANDS_NUMBER` (``3,400``, ``1,200.50``) is a
  number written with thousands separators, and one matching
  :data:`PERCENT_NUMBER` (``43.4%``) a percentage; a text column in which at
  least half of the present values are numbers, plain or in one of these
  forms, some in it (:func:`formatted_numbers`), is refused naming the form
  and how to write the numbers, rather than one-hot encoded. A column whose
  comma values all have thousands groups is read as thousands separators,
  not decimal commas, when it also holds plain numbers or a value with a
  decimal point after its groups (``800`` beside ``3,400``; ``1,200.50``):
  a decimal-comma column would write those with a comma too.

Numbers only: no pandas, no pyarrow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "COMMA_NUMBER",
    "NUMBER",
    "PERCENT_NUMBER",
    "THOUSANDS_NUMBER",
    "decimal_comma_column",
    "formatted_numbers",
    "is_comma_number",
    "mostly_numbers",
]

#: A number with a decimal point (or none): ``3``, ``-0.5``, ``.5``, ``1e-3``.
NUMBER = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"
#: A number written with a decimal comma (``13,2``, ``-1.234,5``, ``2,5e3``).
COMMA_NUMBER = r"^\s*[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+([eE][+-]?\d+)?\s*$"
#: A number with comma thousands separators (``3,400``, ``-1,234,567.5``).
THOUSANDS_NUMBER = r"^\s*[+-]?\d{1,3}(,\d{3})+(\.\d+)?\s*$"
#: A percentage (``43.4%``, ``-5 %``).
PERCENT_NUMBER = r"^\s*[+-]?(\d+\.?\d*|\.\d+)\s*%\s*$"


def mostly_numbers(n_numbers: int, n_valid: int) -> bool:
    """Whether a text column with ``n_valid`` present values, ``n_numbers`` of
    them numbers, is numeric (at least half are numbers)."""
    return n_valid > 0 and 2 * n_numbers >= n_valid


def decimal_comma_column(n_comma: int, n_plain: int, n_valid: int) -> bool:
    """Whether a text column is numbers written with a decimal comma: some
    values are (``n_comma``) and, with the plain numbers (``n_plain``), they
    are at least half of the ``n_valid`` present values."""
    return n_comma > 0 and mostly_numbers(n_comma + n_plain, n_valid)


def is_comma_number(value: object) -> bool:
    """Whether ``value`` (as text) is a number written with a decimal comma."""
    return re.match(COMMA_NUMBER, str(value)) is not None


def formatted_numbers(
    flags: Sequence[Any], n_plain: int, n_valid: int
) -> tuple[str, int] | None:
    """``(form, index of its first value)``, the form ``"thousands"`` or
    ``"percent"``, when a text column of ``n_valid`` present values,
    ``n_plain`` of them :data:`NUMBER`, is numbers written with thousands
    separators or as percentages; else None (see the module docstring).
    ``flags`` are boolean arrays over the column's values: matches of
    :data:`PERCENT_NUMBER`, :data:`THOUSANDS_NUMBER` and
    :data:`COMMA_NUMBER` (``3,400`` matches the last two: either reading;
    ``13,2`` the last alone: a decimal comma beyond doubt)."""
    percent, thousands, comma = (np.asarray(f, dtype=bool) for f in flags)
    n_percent = int(percent.sum())
    if n_percent > 0 and mostly_numbers(n_percent + n_plain, n_valid):
        return "percent", int(np.flatnonzero(percent)[0])
    n_thousands = int(thousands.sum())
    if n_thousands == 0 or (comma & ~thousands).any():
        return None
    if not mostly_numbers(n_thousands + n_plain, n_valid):
        return None
    # 3,400 beside 800, or 1,200.50 / 1,234,567: a decimal-comma column
    # would write those with commas too
    if n_plain == 0 and not (thousands & ~comma).any():
        return None
    return "thousands", int(np.flatnonzero(thousands)[0])
