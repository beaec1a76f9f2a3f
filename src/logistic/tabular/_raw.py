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
from dataclasses import dataclass
from typing import Any, BinaryIO

from .._files import open_regular
from ..formats import decompress_error, decompressed

__all__ = [
    "RawData",
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
    """

    path: str
    format: str
    table: Any = None
    X: Any = None
    labels: Any = None
    delimiter: str | None = None
    zero_based: bool = False

    @property
    def n_rows(self) -> int:
        return int(self.table.num_rows if self.table is not None else self.X.shape[0])


def position(raw: RawData, row: int) -> str:
    """Human position of 0-based data row ``row``: "line N" (CSV) or "row N".

    For a subset of rows (``raw._rows`` maps subset rows to file rows) the
    position is the one in the file.
    """
    rows = getattr(raw, "_rows", None)
    if rows is not None:
        row = int(rows[row])
    return f"line {row + 2}" if raw.format == "csv" else f"row {row + 1}"


def open_data(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a data file for binary reading: regular files only (see module doc)."""
    return open_regular(path, what="input file")


def physical_memory() -> int | None:
    """Bytes of physical memory, or None where the platform does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None
