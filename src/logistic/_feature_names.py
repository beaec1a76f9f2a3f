"""The names a fit refuses for its features: the intercept's, and a name twice.

Convention (owned here): every summary, inference result and model file
names the intercept ``"Intercept"`` (:data:`INTERCEPT_NAME`) and looks
results up by name (``pvalues["Intercept"]``, ``wald_test("a = 0")``,
``atexog={"a": 3}``, the CLI's summary of a model file). So a fit with an
intercept refuses a feature of that name, and any fit refuses two features
of one name: either would make a name stand for two parameters.
:func:`check_fit_names` says it in the library's words;
:func:`check_intercept_column` in the command line's (which refuses a
header with a name twice when it reads the file); :func:`check_formula_names`
a formula's design column named twice (a data column named like another
term's column).

Features without names (a plain array) are ``x1, x2, …`` by position,
1-based as statsmodels' and R's tables name them, in every result, message
and figure of binary and multinomial models alike (:func:`positional_names`).
Whether a list holds exactly those names is :func:`are_positional`, which
makes no name: a model file of a million features writes such a list as a
rule and need not check its names one by one (``io/_compact``, ``io/_encoding``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ._exceptions import DataValidationError

__all__ = [
    "INTERCEPT_NAME",
    "are_positional",
    "check_fit_names",
    "check_formula_names",
    "check_intercept_column",
    "positional_name",
    "positional_names",
]

#: How many of the repeated names a message lists.
SHOWN = 5

#: The intercept's name in every summary, inference result and model file.
INTERCEPT_NAME = "Intercept"


def positional_name(j: int) -> str:
    """The name of the unnamed feature at 0-based position ``j``: ``x{j+1}``."""
    return f"x{j + 1}"


def positional_names(p: int) -> list[str]:
    """The names of ``p`` unnamed features: ``x1, …, xp``
    (:func:`positional_name` of each position, its f-string inlined: a call
    per name doubles the time of millions of them)."""
    return [f"x{j}" for j in range(1, p + 1)]


def are_positional(names: Any) -> bool:
    """Whether ``names`` is a list equal to ``positional_names(len(names))``
    (and not empty), without making those names.

    The names are joined by a line break and compared with the text
    ``"x1\\nx2\\n…\\nxp"`` written digit by digit in numpy: equal texts of
    ``p`` names mean no name holds a line break (the text has only the
    ``p - 1`` the join put in), so the lists are equal item by item. On
    ``2**20`` names this takes a tenth of the time of making them
    (``[f"x{j}" …]``, about 0.3 s) and holds no million strings; a list whose
    last item is not ``xp``, or holds an item that is no string, is refused
    before any join."""
    if not isinstance(names, list) or not names:
        return False
    p = len(names)
    if names[-1] != positional_name(p - 1):
        return False
    try:
        text = "\n".join(names)
    except TypeError:  # an item that is no string
        return False
    return len(text) == _positional_length(p) and text == _positional_text(p)


def _positional_length(p: int) -> int:
    """The length of ``"\\n".join(positional_names(p))``, for ``p >= 1``."""
    total, low, digits = 0, 1, 1
    while low <= p:
        high = min(10 * low - 1, p)
        total += (high - low + 1) * (digits + 2)  # "x", the digits, "\n"
        low, digits = 10 * low, digits + 1
    return total - 1


def _positional_text(p: int) -> str:
    """``"\\n".join(positional_names(p))`` built as bytes, for ``p >= 1``:
    a block per number of digits, one row of bytes a column (``x``, each
    digit, the line break), written out row by row."""
    import numpy as np  # here: the CLI's help and summary import this module

    blocks, low, digits = [], 1, 1
    while low <= p:
        # uint32: every count of features a model file allows (io/_schema)
        numbers = np.arange(low, min(10 * low - 1, p) + 1, dtype=np.uint32)
        columns = np.empty((digits + 2, numbers.size), dtype=np.uint8)
        columns[0], columns[-1] = ord("x"), ord("\n")
        for k in range(digits, 0, -1):  # the last digit first
            tens = numbers // 10
            columns[k] = numbers - 10 * tens
            numbers = tens
        columns[1:-1] += ord("0")
        blocks.append(columns.T.tobytes())
        low, digits = 10 * low, digits + 1
    return b"".join(blocks)[:-1].decode("ascii")


def _clash(names: Any, fit_intercept: bool) -> bool:
    return bool(fit_intercept) and names is not None and INTERCEPT_NAME in list(names)


def check_fit_names(names: Any, fit_intercept: bool) -> None:
    """Refuse a feature named like the intercept in a fit with one, and two
    features of one name (library)."""
    given = [] if names is None else list(names)
    if len(set(given)) < len(given):
        # (a set, not a Counter, for the common case: Counter's isinstance
        # test against the Mapping ABC walks its subclass tree after any
        # import registers an ABC, ~50 µs of a process's first fit)
        twice = sorted(str(n) for n, k in Counter(given).items() if k > 1)
        raise DataValidationError(
            f"X has {len(twice)} column name(s) used more than once "
            f"({twice[:SHOWN]}): each column needs a name of its own (results "
            "are looked up by name)"
        )
    if _clash(names, fit_intercept):
        raise DataValidationError(
            f"X has a column named {INTERCEPT_NAME!r}, the name summaries and "
            "inference give the model's intercept; rename the column (a design "
            "matrix that already holds the intercept's column of ones: fit it "
            "with fit_intercept=False)"
        )


def check_intercept_column(
    path: str, names: Any, fit_intercept: bool, *, formula: bool = False
) -> None:
    """Refuse a data column named like the intercept in a fit with one, naming
    the file and the command line's remedy (``--drop``, or for a formula a
    new name for the column)."""
    if _clash(names, fit_intercept):
        remedy = (
            "rename the column in the data (the formula's intercept has that name)"
            if formula
            else f"rename the column, or leave it out with --drop {INTERCEPT_NAME} "
            "(a constant column is the intercept already)"
        )
        raise DataValidationError(
            f"{path}: column {INTERCEPT_NAME!r} has the name the model gives its "
            f"intercept in summaries and model files; {remedy}"
        )


def check_formula_names(formula: str, names: list[str], columns: Any) -> None:
    """Refuse a formula's design of two columns of one name: a data column
    named like another term's column (`` `a:b` + a:b ``, `` `g[T.x]` + g``),
    which formulaic's matrix keeps only one of, naming the name and, where it
    is a data column's, the remedy (the command line's words)."""
    # counted once (a list's count per name is quadratic: 20 000 levels of a
    # sparse C(zip) design took seconds); the first name in order, as before
    counts = Counter(names)
    twice = next((n for n in names if counts[n] > 1), None)
    if twice is None:
        return
    rename = (
        f"; the data column {twice!r} is named like another term's column: "
        "rename it"
        if twice in set(map(str, columns))
        else ""
    )
    raise DataValidationError(
        f"--formula {formula!r} makes two design columns named {twice!r} (each "
        f"needs a name of its own: results are looked up by name){rename}"
    )
