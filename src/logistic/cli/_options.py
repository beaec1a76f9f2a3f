"""Options shared by several commands, defined once (typer ``Annotated`` aliases)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DataArg = Annotated[
    Path,
    typer.Argument(
        help="Data file: CSV/TSV (delimiter sniffed), Parquet or LibSVM; "
        "plain, .gz or .bz2.",
        show_default=False,
    ),
]
ModelArg = Annotated[
    Path,
    typer.Argument(help="Model file written by 'logistic fit'.", show_default=False),
]
Sep = Annotated[
    str | None,
    typer.Option(
        "--sep", help="CSV delimiter (default: sniffed from the header line)."
    ),
]
Format = Annotated[
    str | None,
    typer.Option("--format", help="Force the input format: csv, parquet or libsvm."),
]
Force = Annotated[
    bool,
    typer.Option("--force", help="Overwrite an existing output file (atomically)."),
]
Json = Annotated[
    bool,
    typer.Option("--json", help="Machine-readable JSON on stdout instead of tables."),
]
Missing = Annotated[
    str,
    typer.Option(
        "--missing",
        help="Rows with missing values: 'error' (default) or 'drop' "
        "(the count is reported).",
    ),
]
Threshold = Annotated[
    float,
    typer.Option(
        "--threshold", help="Predict the positive class when P(positive) > this."
    ),
]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")]


def check_missing_option(value: str) -> str:
    """'error' or 'drop'."""
    from ._common import EX_USAGE, CLIError

    if value not in ("error", "drop"):
        raise CLIError(f"--missing must be 'error' or 'drop', got {value!r}", EX_USAGE)
    return value
