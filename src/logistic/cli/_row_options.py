"""The options of the commands that score rows with a saved model
(``predict``, ``evaluate``, ``report``): ``--missing``, ``--unknown-levels``
and ``--target``, and the check of their values. What each action does to
a row is :mod:`._apply`'s convention."""

from __future__ import annotations

from typing import Annotated

import typer

from ._codes import EX_USAGE, CLIError

__all__ = [
    "MissingRows",
    "MissingScored",
    "SavedTarget",
    "UnknownLevels",
    "UnknownScored",
    "check_row_options",
]

MissingRows = Annotated[
    str,
    typer.Option(
        "--missing",
        metavar="ACTION",
        help="Rows with a missing value in a column the model reads: 'error' "
        "(default), 'drop' (left out) or 'na' (kept, with an empty prediction). "
        "The count goes to stderr.",
        show_default=False,  # the help names it
    ),
]
#: ``evaluate``'s and ``report``'s ``--missing``: a row they cannot score is
#: left out of the metrics under 'drop' and 'na' alike.
MissingScored = Annotated[
    str,
    typer.Option(
        "--missing",
        metavar="ACTION",
        help="Rows with a missing value in a column the model reads: 'error' "
        "(default), or 'drop' / 'na' (either: left out of the metrics). The count "
        "goes to stderr.",
        show_default=False,  # the help names it
    ),
]
SavedTarget = Annotated[
    str | None,
    typer.Option(
        "--target",
        "-t",
        metavar="COLUMN",
        help="The target column of DATA, for a model file saved from Python "
        "(logistic.save), which records none; its values must be the model's "
        "classes. A file written by 'logistic fit' knows its own.",
    ),
]
UnknownLevels = Annotated[
    str,
    typer.Option(
        "--unknown-levels",
        metavar="ACTION",
        help="Rows with a category not seen at fit time: 'error' (default) or 'na' "
        "(kept, with an empty prediction).",
        show_default=False,  # the help names it
    ),
]
#: ``evaluate``'s and ``report``'s ``--unknown-levels``.
UnknownScored = Annotated[
    str,
    typer.Option(
        "--unknown-levels",
        metavar="ACTION",
        help="Rows with a category not seen at fit time: 'error' (default) or 'na' "
        "(left out of the metrics; the count goes to stderr).",
        show_default=False,  # the help names it
    ),
]


def check_row_options(missing: str, unknown: str) -> None:
    """``--missing`` in error/drop/na, ``--unknown-levels`` in error/na (exit 2)."""
    if missing not in ("error", "drop", "na"):
        raise CLIError(
            f"--missing must be 'error', 'drop' or 'na', got {missing!r}", EX_USAGE
        )
    if unknown not in ("error", "na"):
        raise CLIError(
            f"--unknown-levels must be 'error' or 'na', got {unknown!r}", EX_USAGE
        )
