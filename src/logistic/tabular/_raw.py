"""What a data file holds before encoding, and opening data files safely.

Convention (owned here): data files are opened only through
:func:`open_data` (:func:`logistic._files.open_regular`: a FIFO, socket or
device is refused before a byte is read). Compressed files are read through
:func:`logistic.formats.decompressed`, and a corrupt or truncated compressed
stream becomes a :class:`DataValidationError` naming the file
(:func:`logistic.formats.decompress_error`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .._files import open_regular
from ..formats import decompress_error, decompressed

__all__ = [
    "PROGRESS_SECONDS",
    "ProgressHook",
    "RawData",
    "counting",
    "position",
    "open_data",
    "decompressed",
    "decompress_error",
    "physical_memory",
]


@dataclass
class RawData:
    """What a data file holds, before encoding.

    Attributes
    ----------
    path : str
    format : {"csv", "parquet", "libsvm"}
    table : pyarrow.Table or None
        Columns of a CSV or Parquet file.
    X : scipy.sparse.csr_matrix or None
        LibSVM features (column j is index j+1 for one-based files).
    labels : ndarray or None
        LibSVM labels as floats.
    delimiter : str or None
    zero_based : bool
        LibSVM indices start at 0.
    sha256 : str or None
        Hex digest of the bytes read from a pipe or standard input (which
        cannot be read again to compute it); None for a file.
    unnamed : list of int
        1-based positions of columns with an empty header name that the
        reader left out (``read_data(unnamed="drop")``).
    verbatim : dict of str to pyarrow.ChunkedArray
        CSV columns as written, missing-value tokens included
        (``read_data(verbatim=...)``), where ``table`` differs.
    lines : logistic.tabular._lines.LineMap or None
        The line each CSV data row starts on (None: row n is line n + 2).
    """

    path: str
    format: str
    table: Any = None
    X: Any = None
    labels: Any = None
    delimiter: str | None = None
    zero_based: bool = False
    sha256: str | None = None
    unnamed: list[int] = field(default_factory=list)
    verbatim: dict[str, Any] = field(default_factory=dict)
    lines: Any = None

    @property
    def n_rows(self) -> int:
        return int(self.table.num_rows if self.table is not None else self.X.shape[0])


def position(raw: RawData, row: int) -> str:
    """Human position of 0-based data row ``row``: "line N" (CSV: the line
    the row starts on, :class:`._lines.LineMap`; "data row N" where that
    cannot be known) or "row N" (Parquet, LibSVM).

    For a subset of rows (``raw._rows`` maps subset rows to file rows) the
    position is the one in the file.
    """
    rows = getattr(raw, "_rows", None)
    if rows is not None:
        row = int(rows[row])
    if raw.format != "csv":
        return f"row {row + 1}"
    return f"line {row + 2}" if raw.lines is None else str(raw.lines.where(row))


def open_data(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a data file for binary reading: regular files only (see module doc)."""
    return open_regular(path, what="input file")


def physical_memory() -> int | None:
    """Bytes of physical memory, or None where the platform does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


#: ``on_progress(rows_read, bytes_read, bytes_total)``; ``bytes_total`` is None
#: when the size is unknown.
ProgressHook = Callable[[int, int, "int | None"], None]
#: Least time between two progress calls while reading.
PROGRESS_SECONDS = 0.25


class _Counting:
    """A readable stream that counts the lines going through it and reports.

    ``read`` passes ``stream``'s bytes on unchanged; every
    :data:`PROGRESS_SECONDS` at most it calls ``on_progress`` with the lines
    seen so far less the header (quoted line breaks make this an estimate
    until the final call), the bytes of ``raw`` (the file itself, compressed
    or not) consumed and the file's size. The reader may call ``read`` from
    one of its threads: ``on_progress`` runs there.
    """

    def __init__(self, stream: Any, raw: BinaryIO, on_progress: ProgressHook) -> None:
        self._stream = stream
        self._raw = raw
        self._report = on_progress
        self._lines = 0
        self._last = time.monotonic()
        try:
            self._total: int | None = os.fstat(raw.fileno()).st_size
        except (OSError, AttributeError, ValueError):
            self._total = None
        self.closed = False

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        self._lines += data.count(b"\n")
        now = time.monotonic()
        if now - self._last >= PROGRESS_SECONDS:
            self._last = now
            self._report(max(self._lines - 1, 0), self._raw.tell(), self._total)
        return bytes(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def counting(stream: Any, raw: BinaryIO, on_progress: ProgressHook) -> Any:
    """``stream`` (what pyarrow parses) wrapped to report progress; ``raw`` is
    the open file under it (see :class:`_Counting`)."""
    return _Counting(stream, raw, on_progress)
