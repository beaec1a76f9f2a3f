"""Grouped binomial data: successes out of trials per row.

Convention (owned here): a model fitted on grouped data stores, in its
encoding, ``binomial`` = ``{"successes": COLUMN, "trials": COLUMN}``
(``logistic fit --trials``) or ``{"successes": COLUMN, "failures": COLUMN}``
(the formula ``cbind(successes, failures) ~ ...``); the target is the
successes column. Column names only, never an expression: trials are
``successes + failures`` by definition, computed here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from ._columns import nonnegative_column
from ._read import RawData, position

__all__ = ["COUNT_OPTIONS", "grouped_counts"]

#: How messages name a grouped fit's trials or failures column: by the option
#: or formula part that gave it.
COUNT_OPTIONS = {"trials": "--trials", "failures": "cbind() failures"}


def _counts(raw: RawData, name: str, role: str) -> np.ndarray:
    return nonnegative_column(raw, name, role, noun="count", plural="counts")


def grouped_counts(
    raw: RawData, binomial: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """``(successes, trials)`` of grouped data; errors name the column and line."""
    successes = _counts(raw, binomial["successes"], "successes")
    if "failures" in binomial:
        trials = successes + _counts(raw, binomial["failures"], "failures")
        over = np.zeros(trials.shape, dtype=bool)
        where = f"cbind({binomial['successes']}, {binomial['failures']})"
    else:
        trials = _counts(raw, binomial["trials"], "--trials")
        over = successes > trials
        where = f"--trials column {binomial['trials']!r}"
    if over.any():
        i = int(np.argmax(over))
        raise DataValidationError(
            f"{raw.path}: successes {successes[i]:g} exceed trials {trials[i]:g} at "
            f"{position(raw, i)} ({int(over.sum())} such row(s)); the target column "
            f"{binomial['successes']!r} must count successes out of the {where}"
        )
    if trials.size and not trials.any():
        raise DataValidationError(
            f"{raw.path}: every row has 0 trials ({where}); no data to fit"
        )
    empty = trials == 0
    if empty.any():
        i = int(np.argmax(empty))
        raise DataValidationError(
            f"{raw.path}: 0 trials at {position(raw, i)} ({int(empty.sum())} such "
            f"row(s), {where}); a group needs at least one trial: drop those rows"
        )
    return successes, trials
