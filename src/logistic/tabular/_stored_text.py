"""Names and labels a model file stores must be printable.

A control character (:data:`logistic.io._fields.CONTROL`: an escape, a line
break inside a quoted value) in a column name, a category or a label would be
refused by ``save`` after the fit (``io.check_text_fields``); these checks
refuse it before, worded as the data's, naming the file, the column and the
value.
"""

from __future__ import annotations

from typing import Any

from .._exceptions import DataValidationError
from .._messages import option_value

__all__ = ["check_printable", "leave_out_remedy"]


def check_printable(
    values: Any, what: str, source: str, remedy: str | None = None
) -> None:
    """Refuse a control character (:data:`logistic.io._fields.CONTROL`: an
    escape, a line break) in the names or labels a model file would store,
    before any fit: save would refuse them after it (``io.check_text_fields``).
    ``what`` names a value, ``{}`` standing for it (``"column name {}"``,
    ``"label {} of target column 'y'"``); the message shows it escaped.
    ``remedy``: what to do instead of renaming the column or recoding the
    value (a feature column's levels: :func:`leave_out_remedy`)."""
    from ..io._fields import CONTROL

    for value in values:
        if isinstance(value, str) and (match := CONTROL.search(value)):
            shown = what.replace("{}", repr(str(value))[:60], 1)
            raise DataValidationError(
                f"{source}: {shown} holds the control "
                f"character {match.group()!r} (a terminal would act on it), which "
                "a model file does not store; "
                f"{remedy or 'rename the column or recode the value'}"
            )


def leave_out_remedy(column: str, formula: bool) -> str:
    """The remedy of a feature column's level that cannot be stored."""
    if formula:
        return "recode the value, or take the column out of the formula"
    drop = option_value([column])
    return f"recode the value, or leave the column out with --drop {drop}"
