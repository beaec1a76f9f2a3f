"""pyarrow's CSV errors worded for a user: one line naming the file, the line
at fault where it can be found, and a remedy.

Convention (owned here): a parse error of :func:`logistic.tabular._read.read_data`
becomes a :class:`DataValidationError` (:func:`csv_error`): a row with more
or fewer fields than the header names its line (or the spreadsheet preamble,
``sep=;``, that caused it), undecodable text names its first byte
(:func:`undecodable`), a quoted value across lines, a line longer than a
block, a header without data rows and an empty file say so.
"""

from __future__ import annotations

from typing import Any

from .._column_hints import runs_of_spaces
from .._exceptions import DataValidationError
from ..formats import (
    find_long_line,
    find_ragged_line,
    reports_ragged_row,
    unclosed_quote,
)
from ._encoding import decode_error
from ._lines import preamble_line

__all__ = [
    "csv_error",
    "holds_text",
    "maybe_undecodable",
    "undecodable",
]


def _arrow_message(exc: Exception) -> str:
    from ..backends._sources import one_line

    return one_line(str(exc))


def undecodable(
    name: str, path: str, compression: str | None, encoding: str
) -> DataValidationError:
    """The error naming the first byte that does not decode (pyarrow's own
    message as a fallback)."""
    error = decode_error(name, path, compression, encoding)
    if error is not None:
        return error
    return DataValidationError(
        f"{name}: cannot decode the text as {encoding}; pass the file's encoding "
        "with --encoding"
    )


def holds_text(table: Any) -> bool:
    """Whether ``table`` has a text column: where a quote left open hides (a
    value it opens cannot be a number or a boolean)."""
    import pyarrow as pa

    types = table.schema.types
    return any(pa.types.is_string(t) or pa.types.is_large_string(t) for t in types)


def maybe_undecodable(table: Any) -> bool:
    """pyarrow keeps header bytes that are not UTF-8 (its column names then fail
    to decode) and reads such data as binary columns."""
    import pyarrow as pa

    try:
        table.column_names  # noqa: B018 - decoding the names is the test
    except UnicodeDecodeError:
        return True
    return any(
        pa.types.is_binary(t) or pa.types.is_large_binary(t) for t in table.schema.types
    )


def csv_error(
    exc: Exception,
    name: str,
    path: str,
    compression: str | None,
    delimiter: str,
    encoding: str,
    block_bytes: int,
) -> DataValidationError:
    """pyarrow's parse error as one line naming the file, the line and a remedy
    (``block_bytes``: the reader's block size, past which a line straddles)."""
    msg = _arrow_message(exc)
    hint = ""
    if reports_ragged_row(msg) or "straddl" in msg:  # may be a quote left open
        error = unclosed_quote(name, path, compression, delimiter, encoding)
        if error is not None:
            return error
    if reports_ragged_row(msg):
        first = preamble_line(path, compression, delimiter, encoding)  # #, sep=;
        ragged = first or find_ragged_line(path, compression, delimiter, encoding)
        if ragged:
            msg = ragged
        if not first and runs_of_spaces() not in msg:  # that says what to do
            hint = f" (delimiter {delimiter!r}; pass --sep if that is wrong)"
    if "UTF8" in msg or "utf8" in msg.lower():
        error = decode_error(name, path, compression, encoding)
        if error is not None:
            return error
        hint = " (pass the file's encoding with --encoding)"
    if "newlines_in_values" in msg or "out of sync" in msg:
        msg = "a quoted value spans lines in a way the reader cannot follow"
    if "straddl" in msg or "Empty CSV file or block" in msg:
        msg = find_long_line(path, compression, block_bytes, delimiter) or msg
    if msg.startswith("CSV parse error: Empty CSV file or block"):
        # the file is not blank (refused before): its one line has no line
        # break after it, which pyarrow reads as no header at all
        return DataValidationError(f"{name} has a header but no data rows")
    if msg == "Empty CSV file":  # a byte order mark alone
        return DataValidationError(f"{name} is empty (no header, no data rows)")
    return DataValidationError(f"{name}: cannot read CSV: {msg}{hint}")
