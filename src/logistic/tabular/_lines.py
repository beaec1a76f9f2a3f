"""Where rows of a CSV file are: the lines error messages name.

Convention (owned here): messages name a CSV data row by the *line* it
starts on (the header is line 1). A quoted value may hold line breaks and
pyarrow skips blank lines, so data row n is not always line n + 1.
:class:`LineMap` finds the line only when a message needs it: from the line
breaks inside the values read (vectorised), once a count of the file's line
breaks shows there is no blank line; otherwise by reading the file again
with Python's :mod:`csv` module, up to that row. Standard input and pipes
are read from a temporary copy that is gone by then: their line breaks are
counted while it exists (uncompressed copies), and where that cannot tell
the line, messages say ``data row N`` (1-based, header excluded) instead.
A streamed fit names lines the same way: in its head (the first block, read
before any pass: ``whole=False``, the file read again up to the row) and
for a value found by reading the file again in blocks (a table of the
header's names and as many rows, no values, stands for the file).
"""

from __future__ import annotations

import os
from typing import Any

from ..formats import csv_text, decompressed, scanned_row_lines
from ._encoding import UTF8
from ._raw import open_data

__all__ = [
    "LineMap",
    "count_newlines",
    "delimiter_line_header",
    "preamble_line",
]


def preamble_line(
    path: str, compression: str | None, delimiter: str, encoding: str = UTF8
) -> str:
    """The words for a first line that is not a header but a comment (``#
    ...``) or a spreadsheet's delimiter line (``sep=;``), else "". Read from
    the file's first lines: the line after the comment lines (and blank
    ones) must have another number of ``delimiter`` fields than the first, so
    that a header that starts with ``#`` (``#id,x,y``) is not blamed. A
    reader that found a ragged row asks first: such a line is why, and the
    delimiter was right."""
    try:
        with csv_text(path, compression, encoding) as text:
            lines = [text.readline(4096).rstrip("\r\n") for _ in range(64)]
    except (OSError, EOFError):
        return ""
    first = lines[0]
    shown = first if len(first) <= 40 else first[:40] + "…"
    sep = len(first) == 5 and first.lower().startswith("sep=")
    if not (sep or first.lstrip().startswith("#")):
        return ""
    rest = [
        line
        for line in lines[1:]
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if rest and len(rest[0].split(delimiter)) == len(first.split(delimiter)):
        return ""  # the header itself begins with # (or sep=)
    if sep:
        return delimiter_line_words(first)
    return (
        f"line 1 ({shown!r}) looks like a comment, not the header; remove the "
        "comment lines above the header (e.g. grep -v '^#' FILE)"
    )


def delimiter_line_words(first: str) -> str:
    """The words for a first line ``first`` that is a spreadsheet's delimiter
    line (``sep=;``), not the header."""
    return (
        f"line 1 ({first!r}) is a spreadsheet's delimiter line, not the header; "
        "remove it (e.g. tail -n +2 FILE)"
    )


def delimiter_line_header(names: list[str], delimiter: str) -> str:
    """:func:`delimiter_line_words` for a header read as ``['sep=', '']``: the
    delimiter line ``sep=D`` of a file of two columns whose delimiter is D,
    which splits into as many fields as the header below it, so that
    :func:`preamble_line` cannot tell it by its fields; else ""."""
    if len(names) == 2 and names[0].strip().lower() == "sep=" and not names[1]:
        return delimiter_line_words(names[0] + delimiter)
    return ""


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def count_newlines(path: str, compression: str | None) -> tuple[int, bool]:
    """Line breaks (``\\n``) in a file's text, not counting the blank lines at
    its end (no row starts after them), and whether it ends with one."""
    count, tail = 0, b""
    with open_data(path) as fh, decompressed(fh, compression) as stream:
        while chunk := stream.read(1 << 20):
            count += chunk.count(b"\n")
            tail = (tail + chunk[-64:])[-64:]
    trailing = tail[len(tail.rstrip(b"\r\n")) :].count(b"\n")
    return count - max(trailing - 1, 0), trailing > 0


class LineMap:
    """The line each data row of a CSV file starts on (module docstring).

    ``table`` is the file as read (every column: a quoted value with a line
    break is text); ``source`` is ``(path, compression, delimiter,
    encoding)`` of the file, to read again when blank lines make the count
    from ``table`` unreliable. ``whole=False``: ``table`` holds the file's
    first rows only (a streamed fit's head), so lines are read again at once.
    """

    def __init__(
        self,
        table: Any,
        source: tuple[str, str | None, str, str],
        *,
        whole: bool = True,
    ) -> None:
        self._table = table
        self._whole = whole
        self._source: tuple[str, str | None, str, str] | None = source
        self._identity = _identity(source[0])
        self._newlines: tuple[int, bool] | None = None
        self._expected: int | None = None  # line breaks of a regular file
        self._scanned: list[int] = []  # rows' lines read with the csv module

    def detach(self) -> None:
        """The file is about to go (a pipe's temporary copy): count its line
        breaks now (uncompressed copies only: a cheap pass), and never read
        it again."""
        if self._source is not None and self._source[1] is None:
            try:
                self._newlines = count_newlines(self._source[0], None)
            except OSError:
                self._newlines = None
        self._source = None

    def where(self, row: int) -> str:
        """``"line N"`` for data row ``row`` (0-based), or ``"data row N"``
        (1-based) when its line cannot be known."""
        line = self.line(row)
        return f"data row {row + 1}" if line is None else f"line {line}"

    def line(self, row: int) -> int | None:
        """The line (header = 1) data row ``row`` (0-based) starts on, or None
        when it cannot be known (a pipe's copy with blank lines)."""
        if self._regular():
            return self._header + 2 + row + self._inside(row)
        if row < len(self._scanned):
            return self._scanned[row]
        return self._scan(row)

    @property
    def _header(self) -> int:
        """Line breaks inside the header's (quoted) names."""
        return sum(name.count("\n") for name in self._table.column_names)

    def _inside(self, stop: int | None = None) -> int:
        """Line breaks inside the values of rows ``[0, stop)`` (all rows when
        None): only text holds them (a quoted value)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        count = 0
        for column in self._table.columns:
            if pa.types.is_string(column.type):
                part = column if stop is None else column.slice(0, stop)
                count += pc.sum(pc.count_substring(part, "\n")).as_py() or 0
        return int(count)

    def _regular(self) -> bool:
        """Whether the file's line breaks are the header's, the rows' and
        those inside values: no blank line (pyarrow skips those), so a row's
        line follows from the line breaks before it."""
        if not self._whole:
            return False
        if self._newlines is None and self._source is not None:
            if _identity(self._source[0]) != self._identity:
                return False
            try:
                self._newlines = count_newlines(self._source[0], self._source[1])
            except OSError:
                return False
        if self._newlines is None or self._table.num_rows == 0:
            return False
        if self._expected is None:  # the last row's last line
            self._expected = self._header + 1 + self._table.num_rows + self._inside()
        breaks, final = self._newlines
        return breaks == (self._expected if final else self._expected - 1)

    def _scan(self, row: int) -> int | None:
        """Rows' lines up to ``row`` read with the csv module (blank lines are
        no rows); None when the file is gone or changed, or unreadable."""
        import csv

        if self._source is None or _identity(self._source[0]) != self._identity:
            return None
        try:
            lines = scanned_row_lines(*self._source[:3], row, self._source[3])
        except (OSError, EOFError, csv.Error, StopIteration):
            return None
        self._scanned = lines
        return lines[row] if row < len(lines) else None
