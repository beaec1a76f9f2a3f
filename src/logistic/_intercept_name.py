"""The intercept's name, and the refusal of a feature that takes it.

Convention (owned here): every summary, inference result and model file
names the intercept ``"Intercept"`` (:data:`INTERCEPT_NAME`), so a fit with
an intercept refuses a feature of that name: the two would share one label,
and results looked up by name (``pvalues["Intercept"]``, the CLI's summary of
a model file) would mix them up. :func:`check_intercept_name` says it in the
library's words; :func:`check_intercept_column` in the command line's.
"""

from __future__ import annotations

from typing import Any

from ._exceptions import DataValidationError

__all__ = ["INTERCEPT_NAME", "check_intercept_column", "check_intercept_name"]

#: The intercept's name in every summary, inference result and model file.
INTERCEPT_NAME = "Intercept"


def _clash(names: Any, fit_intercept: bool) -> bool:
    return bool(fit_intercept) and names is not None and INTERCEPT_NAME in list(names)


def check_intercept_name(names: Any, fit_intercept: bool) -> None:
    """Refuse a feature named like the intercept in a fit with one (library)."""
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
