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

* a value matching :data:`THOUSANDS_NUMBER` (``1,200.50``, ``1,234,567``,
  ``3,400``: groups of three after a first group that does not start with
  0) or :data:`GROUPED_NUMBER` (``18 111,50``, ``12'345``: spaces or
  apostrophes) is a number written with thousands separators, one matching
  :data:`PERCENT_NUMBER` (``43.4%``) a percentage, and one matching
  :data:`CURRENCY_NUMBER` (``$1,200.50``, ``12,50 €``) an amount of money
  (its sign before or after the number). A text column in which at
  least half of the present values are numbers, plain or in one of these
  forms, some in it (:func:`formatted_numbers`), is refused naming the form
  and how to write the numbers, rather than one-hot encoded. ``3,400``
  matches :data:`COMMA_NUMBER` too (3.4 with a decimal comma): a column
  whose comma values are all such is ``"either"``, and its error gives both
  readings; one value only thousands can read (``1,200.50``) makes it
  ``"thousands"``, one only a decimal comma can (``0,125``, ``13,2``) leaves
  it to the decimal-comma rule. :func:`comma_reading` says the same of a
  single value, for the error of a numeric column holding one.

Numbers only: no pandas, no pyarrow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "COMMA_NUMBER",
    "CURRENCY_NUMBER",
    "FORMATTED_PATTERNS",
    "GROUPED_NUMBER",
    "NUMBER",
    "PERCENT_NUMBER",
    "THOUSANDS_NUMBER",
    "decimal_comma_column",
    "comma_reading",
    "formatted_numbers",
    "mostly_numbers",
    "number_value",
    "numeric",
]

#: A number with a decimal point (or none): ``3``, ``-0.5``, ``.5``, ``1e-3``.
NUMBER = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"
_NUMBER_ASCII = re.compile(NUMBER, re.ASCII)


def number_value(text: Any) -> float | None:
    """``text`` as a float where it is a number by :data:`NUMBER` with ASCII
    digits, as pyarrow reads a column (Python's ``float`` also takes ``inf``,
    ``nan``, ``1_0`` and other scripts' digits, which no reader takes), else
    None. A number beyond float64 (``1e999``) is ``inf``."""
    if not isinstance(text, str) or not _NUMBER_ASCII.match(text):
        return None
    return float(text)


def numeric(value: Any) -> float | None:
    """``value`` as a float where it is a number: a real number (a boolean
    is 0 or 1, as numpy takes it; an integer beyond float64 is ``±inf``) or
    text that reads as one (:func:`number_value`); else None."""
    if isinstance(value, str):
        return number_value(value)
    try:
        return float(value)
    except OverflowError:  # an integer beyond float64
        return float("inf") if value > 0 else float("-inf")
    except (TypeError, ValueError):
        return None


#: A number written with a decimal comma (``13,2``, ``-1.234,5``, ``2,5e3``).
COMMA_NUMBER = r"^\s*[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+([eE][+-]?\d+)?\s*$"
#: A number with comma thousands separators (``3,400``, ``-1,234,567.5``).
THOUSANDS_NUMBER = r"^\s*[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?\s*$"
#: A number with thousands separated by a space, a no-break space or a narrow
#: one (French and other locales' exports) or an apostrophe (Swiss), and a
#: decimal point or comma: ``18 111,50``, ``12'345``.
GROUPED_NUMBER = (  # the separators as characters: RE2 (pyarrow) has no \u escape
    r"^\s*[+-]?[1-9]\d{0,2}(" + "[ \u00a0\u202f'\u2019]" + r"\d{3})+([.,]\d+)?\s*$"
)
#: A percentage (``43.4%``, ``-5 %``).
PERCENT_NUMBER = r"^\s*[+-]?(\d+\.?\d*|\.\d+)\s*%\s*$"
#: An amount with a currency sign before or after it (``$1,200.50``, ``-$5``,
#: ``€12``, ``12,50 €``, ``£3.2``), its number plain, with thousands
#: separators or with a decimal comma.
_AMOUNT = r"(\d{1,3}(,\d{3})+(\.\d+)?|\d{1,3}(\.\d{3})+(,\d+)?|\d+([.,]\d+)?|[.,]\d+)"
CURRENCY_NUMBER = (
    rf"^\s*[+-]?\s*([$€£¥₹]\s*[+-]?\s*{_AMOUNT}|{_AMOUNT}\s*[$€£¥₹])\s*$"
)

#: The patterns whose matches :func:`formatted_numbers` takes, in its order.
FORMATTED_PATTERNS = (
    PERCENT_NUMBER,
    THOUSANDS_NUMBER,
    COMMA_NUMBER,
    CURRENCY_NUMBER,
    GROUPED_NUMBER,
)


def mostly_numbers(n_numbers: int, n_valid: int) -> bool:
    """Whether a text column with ``n_valid`` present values, ``n_numbers`` of
    them numbers, is numeric (at least half are numbers)."""
    return n_valid > 0 and 2 * n_numbers >= n_valid


def decimal_comma_column(n_comma: int, n_plain: int, n_valid: int) -> bool:
    """Whether a text column is numbers written with a decimal comma: some
    values are (``n_comma``) and, with the plain numbers (``n_plain``), they
    are at least half of the ``n_valid`` present values."""
    return n_comma > 0 and mostly_numbers(n_comma + n_plain, n_valid)


def formatted_numbers(
    flags: Sequence[Any], n_plain: int, n_valid: int
) -> tuple[str, int] | None:
    """``(form, index of its first value)`` when a text column of
    ``n_valid`` present values, ``n_plain`` of them :data:`NUMBER`, is
    numbers written with thousands separators (``"thousands"``), as
    percentages (``"percent"``), with a currency sign (``"currency"``), or
    with commas either reading fits (``"either"``: ``3,400``); else None
    (see the module docstring). ``flags`` are boolean arrays over the
    column's values: matches of :data:`PERCENT_NUMBER`,
    :data:`THOUSANDS_NUMBER`, :data:`COMMA_NUMBER`, :data:`CURRENCY_NUMBER`
    and :data:`GROUPED_NUMBER` (:data:`FORMATTED_PATTERNS`, in that order);
    a column of grouped numbers is ``"thousands"``, its decimal commas
    (``871,50`` beside ``18 111,50``) counted with them."""
    percent, thousands, comma, currency, grouped = (
        np.asarray(f, dtype=bool) for f in flags
    )
    for form, flagged in (("percent", percent), ("currency", currency)):
        n_flagged = int(flagged.sum())
        if n_flagged > 0 and mostly_numbers(n_flagged + n_plain, n_valid):
            return form, int(np.flatnonzero(flagged)[0])
    n_near = int((grouped | comma).sum())  # decimal commas under a thousand too
    if grouped.any() and mostly_numbers(n_near + n_plain, n_valid):
        return "thousands", int(np.flatnonzero(grouped)[0])
    n_thousands = int(thousands.sum())
    if n_thousands == 0 or (comma & ~thousands).any():
        return None  # none, or a decimal comma beyond doubt: 0,125 or 13,2
    if not mostly_numbers(n_thousands + n_plain, n_valid):
        return None
    first = int(np.flatnonzero(thousands)[0])
    return ("thousands" if (thousands & ~comma).any() else "either"), first


def comma_reading(value: object) -> str | None:
    """How a value with a comma reads as a number: ``"thousands"``
    (``1,200.50``), ``"decimal"`` (``13,2``, ``0,125``), ``"either"``
    (``3,400``), or None (not a number with a comma)."""
    text = str(value)
    if re.match(GROUPED_NUMBER, text) is not None:
        return "thousands"
    thousands = re.match(THOUSANDS_NUMBER, text) is not None
    decimal = re.match(COMMA_NUMBER, text) is not None
    if thousands and decimal:
        return "either"
    if thousands or decimal:
        return "thousands" if thousands else "decimal"
    return None
