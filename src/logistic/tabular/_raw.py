"""What a data file holds before encoding, and opening data files safely.

Convention (owned here): data files are opened only through
:func:`open_data` (:func:`logistic._files.open_regular`: a FIFO, socket or
device is refused before a byte is read). Compressed files are read through
:func:`logistic.formats.decompressed`, and a corrupt or truncated compressed
stream becomes a :class:`DataValidationError` naming the file
(:func:`logistic.formats.decompress_error`). A compressed file read into
memory may decompress to at most :data:`COMPRESSED_MEMORY_FRACTION` of
physical memory (:func:`bounded`): its size on disk says nothing of what it
holds (a gzip file of 700 KB can hold 480 MB of CSV text), and a plain file
of that size is streamed by ``logistic fit`` rather than read into memory;
past it, reading stops with :class:`DecompressedTooLarge`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .. import _memory
from .._exceptions import DataValidationError
from .._files import open_regular, read_bounded
from ..formats import decompress_error, decompressed

__all__ = [
    "COMPRESSED_MEMORY_FRACTION",
    "DecompressedTooLarge",
    "PROGRESS_SECONDS",
    "ProgressHook",
    "RawData",
    "bounded",
    "counting",
    "position",
    "open_data",
    "decompressed",
    "decompress_error",
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
    first_row : int
        The 0-based place in the file of the first row held: 0 for a file
        read whole, a chunk's first row for a file read in chunks
        (:mod:`._chunks`); ``lines`` then maps rows of the file.
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
    first_row: int = 0

    @property
    def n_rows(self) -> int:
        return int(self.table.num_rows if self.table is not None else self.X.shape[0])


def position(raw: RawData, row: int) -> str:
    """Human position of 0-based data row ``row``: "line N" (CSV: the line
    the row starts on, :class:`._lines.LineMap`; "data row N" where that
    cannot be known) or "row N" (Parquet, LibSVM).

    For a subset of rows (``raw._rows`` maps subset rows to rows held) and
    for a chunk of a file (``raw.first_row``) the position is the one in the
    file.
    """
    rows = getattr(raw, "_rows", None)
    if rows is not None:
        row = int(rows[row])
    row += raw.first_row
    if raw.format != "csv":
        return f"row {row + 1}"
    return f"line {row + 2}" if raw.lines is None else str(raw.lines.where(row))


def open_data(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a data file for binary reading: regular files only (see module doc)."""
    return open_regular(path, what="input file")


#: A compressed file read into memory may decompress to at most this fraction
#: of physical memory: the fraction above which ``logistic fit`` streams a
#: file (:data:`logistic.cli._stream_plan.STREAM_FRACTION`).
COMPRESSED_MEMORY_FRACTION = 0.25


class DecompressedTooLarge(DataValidationError):
    """A compressed file decompresses to more than its in-memory budget.

    ``path``, ``size`` (bytes decompressed when reading stopped) and
    ``limit`` are attributes, for a caller that streams the file instead.
    """

    def __init__(
        self,
        path: str,
        size: int,
        limit: int,
        remedy: str = "decompress it first, or fit it with 'logistic fit --stream'",
    ) -> None:
        self.path, self.size, self.limit = path, size, limit
        fraction = round(1 / COMPRESSED_MEMORY_FRACTION)
        super().__init__(
            f"{path} is compressed and decompresses to more than {limit} bytes "
            f"(1/{fraction} of physical memory; reading stopped after {size} "
            f"bytes), too large to read into memory; {remedy}"
        )


def compressed_limit() -> int | None:
    """Bytes a compressed file may decompress to when read into memory (None:
    physical memory unknown, no limit)."""
    memory = _memory.process_memory()
    return None if memory is None else int(memory * COMPRESSED_MEMORY_FRACTION)


class _Wrapped:
    """A forward-only readable stream over another, for pyarrow's reader:
    subclasses define ``read``; closing it leaves the stream under it to its
    owner."""

    closed = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


class _Bounded(_Wrapped):
    """A readable stream that stops with :class:`DecompressedTooLarge` once
    more than ``limit`` bytes went through it (the reader may call ``read``
    from one of its threads; the exception reaches its caller)."""

    def __init__(self, stream: Any, path: str, limit: int) -> None:
        self._stream, self._path, self._limit = stream, path, limit
        self._size = 0

    def read(self, n: int = -1) -> bytes:
        if n >= 0:
            data = self._stream.read(n)
        else:  # the rest, in blocks: no buffer of the whole limit
            data = read_bounded(self._stream, self._limit - self._size)
        self._size += len(data)
        if self._size > self._limit:
            raise DecompressedTooLarge(self._path, self._size, self._limit)
        return bytes(data)


def bounded(stream: Any, path: str) -> Any:
    """The decompressed ``stream`` of the file ``path`` (as messages name it)
    wrapped to stop past :func:`compressed_limit` (see :class:`_Bounded`);
    ``stream`` itself where physical memory is unknown."""
    limit = compressed_limit()
    return stream if limit is None else _Bounded(stream, path, limit)


#: ``on_progress(rows_read, bytes_read, bytes_total)``; ``bytes_total`` is None
#: when the size is unknown.
ProgressHook = Callable[[int, int, "int | None"], None]
#: Least time between two progress calls while reading.
PROGRESS_SECONDS = 0.25


class _Counting(_Wrapped):
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

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        self._lines += data.count(b"\n")
        now = time.monotonic()
        if now - self._last >= PROGRESS_SECONDS:
            self._last = now
            self._report(max(self._lines - 1, 0), self._raw.tell(), self._total)
        return bytes(data)


def counting(stream: Any, raw: BinaryIO, on_progress: ProgressHook) -> Any:
    """``stream`` (what pyarrow parses) wrapped to report progress; ``raw`` is
    the open file under it (see :class:`_Counting`)."""
    return _Counting(stream, raw, on_progress)
