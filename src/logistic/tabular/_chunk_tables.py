"""The pieces of a CSV file read in chunks that hold no reader of their own,
for :class:`._chunks.ChunkedFile`: the line a row starts on, for messages
(:class:`FileLines`); what a reading holds open, for the progress
(:class:`Reading`); record batches cut into tables of a chunk's rows
(:func:`rechunked`).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from typing import Any

from ..formats import plain_rows, row_line

__all__ = ["FileLines", "Reading", "rechunked"]


class FileLines:
    """The line a CSV data row of the file starts on (``where``, as
    :class:`._lines.LineMap` words it), for messages only, so only on the
    error path: ``n + 2`` in a file without quotes or blank lines (one pass
    tells, made once), else the file read again up to the row
    (:func:`logistic.formats.row_line`)."""

    def __init__(self, path: str, compression: str | None, delimiter: str) -> None:
        self._source = (path, compression, delimiter)
        self._plain: bool | None = None

    def where(self, row: int) -> str:
        if self._plain is None:
            try:
                self._plain = plain_rows(*self._source[:2])
            except (OSError, EOFError):
                self._plain = False
        line = row + 2 if self._plain else row_line(*self._source, row)
        return f"line {row + 2 if line is None else line}"


class Reading:
    """What a CSV reading holds open: its schema, and how far into its file
    (compressed bytes where compressed) it has read, for the progress."""

    def __init__(self) -> None:
        self.schema: Any = None
        self.size: int | None = None
        self._fh: Any = None

    def opened(self, schema: Any, fh: Any) -> None:
        self.schema, self._fh = schema, fh
        self.size = os.fstat(fh.fileno()).st_size

    def done(self) -> int:
        return 0 if self._fh is None or self._fh.closed else int(self._fh.tell())


def rechunked(
    batches: Iterator[Any], rows: int, schema: Any
) -> Generator[Any, None, None]:
    """Tables of ``rows`` rows cut from ``batches`` in order (the last one
    shorter; one empty table when there are no rows at all, of ``schema``:
    a schema, or a holder whose ``schema`` is set by then)."""
    import pyarrow as pa

    held: list[Any] = []
    count = 0
    given = False
    for batch in batches:
        while batch.num_rows:
            take = min(rows - count, batch.num_rows)
            held.append(batch.slice(0, take))
            batch, count = batch.slice(take), count + take
            if count == rows:
                yield pa.Table.from_batches(held)
                held, count, given = [], 0, True
    if held or not given:
        schema = getattr(schema, "schema", schema)
        yield pa.Table.from_batches(held, schema=schema)
