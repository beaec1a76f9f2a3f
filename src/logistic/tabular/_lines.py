"""Where rows of a CSV file are: the lines error messages name.

Convention (owned here): messages name a CSV data row by its *line* in the
file (the header is line 1). pyarrow skips blank lines and a quoted value
may hold line breaks, so the n-th data row is not always line n + 1; the
line is found by reading the file again with Python's :mod:`csv` module,
only when a message needs it.
"""

from __future__ import annotations

from ..formats import decompressed
from ._encoding import UTF8
from ._raw import open_data

__all__ = ["find_long_line", "find_ragged_line"]


def find_ragged_line(
    path: str, compression: str | None, delimiter: str, encoding: str = UTF8
) -> str:
    """``"line N: expected K fields, saw M"`` for the first ragged row, or ""."""
    import csv
    import io

    try:
        with open_data(path) as fh, decompressed(fh, compression) as raw:
            text = io.TextIOWrapper(
                raw,
                encoding="utf-8-sig" if encoding == UTF8 else encoding,
                errors="replace",
                newline="",
            )
            reader = csv.reader(text, delimiter=delimiter)
            expected = len(next(reader))
            for row in reader:
                if row and len(row) != expected:
                    return (
                        f"line {reader.line_num}: expected {expected} fields, "
                        f"saw {len(row)}"
                    )
    except (OSError, EOFError, csv.Error, StopIteration):
        return ""
    return ""


def find_long_line(path: str, compression: str | None, limit: int) -> str:
    """``"line N is longer than ... bytes ..."`` for the first line over ``limit``
    bytes (pyarrow's reader needs a whole line in one block), or ""."""
    try:
        with open_data(path) as fh, decompressed(fh, compression) as stream:
            for number, line in enumerate(
                iter(lambda: stream.readline(limit + 1), b"")
            ):
                if len(line) > limit and not line.endswith(b"\n"):
                    return (
                        f"line {number + 1} is longer than {limit} bytes, the most "
                        "one line may hold; is the file CSV text with line breaks?"
                    )
    except (OSError, EOFError):
        return ""
    return ""
