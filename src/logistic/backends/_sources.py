"""Reading rows for the out-of-core and Dask backends: Parquet and CSV (block
tuples: :mod:`._block_source`).

A *source* yields raw chunks ``(where, X, y, sample_weight, offset)`` in a
fixed order (files of a directory in natural name order, rows in file order);
``where`` names the file (or block) for error messages. Columns are matched by
name; every file must hold the requested columns. Conversion fills the rows of
``Xᵀ`` column by column (contiguous writes) and transposes once to C order.
Reader errors (corrupt, truncated, wrong format) become
:class:`DataValidationError` naming the file; memory errors are never reported
as bad files. Every file is opened with :func:`logistic._files.open_regular`
(a FIFO, socket or device is refused before a byte is read) and pyarrow reads
the open file object, never the path; a file that cannot be opened keeps its
own error (missing, unreadable, not a regular file). CSV compression (gzip,
bz2) is recognised from the first bytes. The files of a Parquet directory are
those :func:`logistic.formats.parquet_files` lists. Boolean columns (Parquet
``bool``; CSV columns of ``true``/``false`` that pyarrow reads as booleans in
the file's first block) are numbers 0 and 1. Messages name a row by its 1-based
position: a CSV file's line (``_csv_source.CSVSource.position``: blank lines and quoted
line breaks counted, as in memory), a Parquet file's row (:func:`data_row`).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .._arrow_numpy import floats, labels
from .._exceptions import DataValidationError
from .._files import open_regular
from .._screen_rules import pandas_index_columns
from .._value_refusals import (
    STREAMED_REMEDY,
    infinite_value,
    missing_column,
    missing_values,
    negative_weight,
)
from ..formats import (
    natural_key,
    no_parquet_files,
    parquet_files,
)
from ._column_spec import _ColumnSpec
from ._column_words import PARQUET_NAMES, refuse_beyond_float
from ._unchanged import UnchangedFiles
from .in_memory import DEFAULT_BLOCK_BYTES

__all__ = [
    "NotANumberError",
    "chunk_rows_for",
    "natural_key",
    "one_line",
    "open_data",
    "parquet_files",
]

# What a reader raises for a bad file (pyarrow's ArrowInvalid is a ValueError,
# ArrowIOError an OSError). MemoryError (ArrowMemoryError too) is never
# reported as a bad file.
_READ_ERRORS = (ValueError, OSError, NotImplementedError, EOFError, TypeError)
# A raw chunk: (where, X, y_raw, sample_weight | None, offset | None).
RawChunk = tuple[str, np.ndarray, np.ndarray, "np.ndarray | None", "np.ndarray | None"]


def open_data(path: str | os.PathLike[str]) -> Any:
    """A data file opened for binary reading (regular files only)."""
    return open_regular(path, what="input file")


def chunk_rows_for(
    n_features: int, dtype: Any = np.float64, chunk_bytes: int = DEFAULT_BLOCK_BYTES
) -> int:
    """Rows per block for a target block size in bytes (the chunk-size rule)."""
    row_bytes = max(1, int(n_features) * np.dtype(dtype).itemsize)
    return max(1, int(chunk_bytes) // row_bytes)


# -- sources: yield raw chunks in a fixed order --------------------------------
#: How a source names the position of its 0-based data row (``line 101``).
Position = Callable[[int], str]


def csv_line(row: int) -> str:
    """A CSV data row's line in the file (header = line 1), as in memory."""
    return f"line {row + 2}"


def data_row(row: int) -> str:
    """A 1-based row of Parquet data, as in memory."""
    return f"row {row + 1}"


def _column_to_numpy(
    col: Any,
    name: str,
    where: str,
    row0: int,
    dtype: Any,
    position: Position | None = None,
    rounded: bool = False,
) -> np.ndarray:
    """A column of a chunk as ``dtype`` values; missing values, text and
    integers beyond ±2**53 refused naming the row (``rounded``: such
    integers read as their nearest float64, for a weight or an offset)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if col.null_count:
        first = int(np.flatnonzero(col.is_null().to_numpy(zero_copy_only=False))[0])
        if position is not None:  # the in-memory reader's wording
            raise _missing_error(where, name, position(row0 + first))
        raise DataValidationError(
            f"{where}: column {name!r} has a missing value at row {row0 + first} "
            f"(0-based, global); drop or impute missing values first"
        )
    try:  # read from the Arrow buffers: pyarrow's to_numpy imports pandas
        return floats(pc.cast(col, pa.float64())).astype(dtype, copy=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        if rounded and pa.types.is_integer(col.type):  # a weight's nearest float64
            cast = pc.cast(col, pa.float64(), safe=False)
            return floats(cast).astype(dtype, copy=False)
        if pa.types.is_integer(col.type):  # beyond ±2**53: as in memory
            refuse_beyond_float(col, name, where, row0, position)
        raise DataValidationError(
            f"{where}: column {name!r} of type {col.type} is not numeric ({exc})"
        ) from None


def _batch_to_chunk(
    batch: Any,
    spec: _ColumnSpec,
    where: str,
    row0: int,
    dtype: Any,
    position: Position | None = None,
) -> RawChunk:
    k = batch.num_rows
    # Columns fill the rows of X^T (contiguous writes), then one blocked transpose
    # gives C-order X: ~3x faster than writing strided columns into X.
    XT = np.empty((len(spec.features), k), dtype=dtype)
    for j, name in enumerate(spec.features):
        XT[j] = _column_to_numpy(batch.column(name), name, where, row0, dtype, position)
    X = np.ascontiguousarray(XT.T)
    del XT
    y_col = batch.column(spec.target)
    if y_col.null_count:
        _column_to_numpy(
            y_col, spec.target, where, row0, dtype, position
        )  # raises, naming the row
    y = labels(y_col)  # as numpy types it (no pandas import inside pyarrow)
    extra = [
        None
        if c is None
        else _column_to_numpy(
            batch.column(c), c, where, row0, dtype, position, rounded=True
        )
        for c in (spec.weight, spec.offset)
    ]
    return where, X, y, extra[0], extra[1]


def _spec_key(spec: _ColumnSpec) -> dict[str, Any]:
    """The columns a cache entry holds, and whether its features were chosen
    automatically (then every file was checked for columns the first lacks:
    an entry written with named features must not serve such a fit)."""
    return {
        "features": spec.features,
        "target": spec.target,
        "weight": spec.weight,
        "offset": spec.offset,
        "automatic": spec.first is not None,
    }


def one_line(text: str, limit: int = 200) -> str:
    """The first line of ``text``, at most ``limit`` characters, control and
    undecodable characters shown as ``?`` (file content can be anything)."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    shown = "".join(
        c if c.isprintable() and c != "\ufffd" else "?" for c in first[:limit]
    )
    return shown + ("..." if len(first) > limit else "")


#: pyarrow's message for a value its column's numeric type cannot hold (the
#: value whole: it may hold quoted line breaks, and be long); a reader that
#: counts its rows (one thread, ``use_threads=False``) puts ``Row #N: `` first.
_NOT_A_NUMBER = re.compile(
    r"In CSV column #(\d+): (?:Row #\d+: )?CSV conversion error to \w+: "
    r"invalid value '(.*)'",
    re.DOTALL,
)


class NotANumberError(DataValidationError):
    """A CSV value that a numeric (or boolean) column cannot hold: the file
    (``path``), the ``column`` and the ``value`` as pyarrow quoted it, so that
    a caller that can find its line (the command line) words it its way."""

    def __init__(self, message: str, path: Path, column: str, value: str) -> None:
        super().__init__(message)
        self.path, self.column, self.value = path, column, value

    def __reduce__(self) -> Any:  # pickled whole (the arguments are not args)
        return type(self), (str(self), self.path, self.column, self.value)


def _number(text: str) -> bool:
    """Whether ``text`` reads as a finite number (``0.0``, ``1e3``)."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _reader_error(
    path: Path,
    exc: BaseException,
    names: list[str] | None = None,
    rows_before: int | None = None,
    ragged: str = "",
) -> DataValidationError:
    if ragged:  # formats.find_ragged_line's words, as every CSV reader's
        return DataValidationError(f"cannot read {path}: {ragged}")
    text = one_line(str(exc))
    text_value = _NOT_A_NUMBER.search(str(exc))  # matched whole, shown short
    if text_value is not None and names is not None:
        k = int(text_value.group(1))
        column = names[k] if k < len(names) else f"#{k}"
        value = text_value.group(2)
        shown = repr(value[:60]) + ("..." if len(value) > 60 else "")
        if rows_before and _number(value):  # an integer column's first decimal
            return NotANumberError(
                f"column {column!r} in {path} holds integers in its first rows and "
                f"{shown} after {csv_line(rows_before - 1)}: a file read in chunks "
                "takes a column's type from its first block, so write every value "
                "of it the same way (e.g. 1 or 1.0 throughout), or fit in memory",
                path,
                column,
                value,
            )
        if rows_before:  # numbers in the blocks before: the in-memory wording
            return NotANumberError(
                f"column {column!r} in {path} is numeric but has non-numeric value "
                f"{shown} after {csv_line(rows_before - 1)} (the "
                f"rows before are numbers); fix the data or mark missing values "
                "with an empty field or NA",
                path,
                column,
                value,
            )
        return NotANumberError(
            f"cannot read {path}: column {column!r} holds text "
            f"({shown} is not a number); this source reads numbers "
            "only: encode the column as numbers (e.g. 0/1 columns, one a level), "
            "leave it out with features=[...], or fit with the `logistic` command, "
            "which encodes text columns",
            path,
            column,
            value,
        )
    if "newlines_in_values" in text or "out of sync" in text:
        text = "a quoted value spans lines in a way the reader cannot follow"
    if "straddl" in text:
        text = (
            "a line is longer than the reader's block (is the file CSV text with "
            "line breaks?)"
        )
    return DataValidationError(
        f"cannot read {path}: {type(exc).__name__}: {text.rstrip('. ')}. The file "
        "is corrupt, truncated or not in the expected format; fix or remove it and "
        "refit."
    )


class _ParquetSource:
    """One Parquet file, or a directory of Parquet files read in name order."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        target: str | None,
        features: Any = None,
        weight: str | None = None,
        offset: str | None = None,
        batch_rows: int = 65536,
    ) -> None:
        import pyarrow.parquet as pq

        root = Path(path)
        if root.is_dir():
            self.files = parquet_files(root)
            if not self.files:
                raise DataValidationError(no_parquet_files(root))
        else:
            self.files = [root]
        self.name = str(root)
        with open_data(self.files[0]) as fh:
            try:
                schema = pq.read_schema(fh)
            except _READ_ERRORS as exc:
                raise _reader_error(self.files[0], exc) from None
        self.spec = _ColumnSpec(
            schema.names,
            target,
            features,
            weight,
            offset,
            str(self.files[0]),
            row_labels=pandas_index_columns(schema),
            part=PARQUET_NAMES,
        )
        self.batch_rows = int(batch_rows)
        self._start = 0  # global row of the first row of the file being read
        self.unchanged = UnchangedFiles(self.files)  # from pass to pass

    def cache_identity(self) -> tuple[list[Path], dict[str, Any]]:
        """The files and the decoding options that name this source's row cache."""
        return list(self.files), {"kind": "parquet", "columns": _spec_key(self.spec)}

    def position(self, row: int) -> str:
        """Global data row ``row`` (0-based) as its 1-based row in the file
        :meth:`chunks` is reading (the file its chunks' ``where`` names)."""
        return data_row(row - self._start)

    def known_rows(self) -> int | None:
        """Rows in all files, from the Parquet footers (None when unreadable)."""
        import pyarrow.parquet as pq

        total = 0
        try:
            for path in self.files:
                with open_data(path) as fh:
                    total += pq.ParquetFile(fh).metadata.num_rows
        except (*_READ_ERRORS, DataValidationError):
            return None
        return total

    def chunks(self, dtype: Any) -> Iterator[RawChunk]:
        import pyarrow.parquet as pq

        row0 = 0
        self.unchanged.check()
        for path in self.files:
            self._start = row0
            with open_data(path) as fh:
                try:
                    # pre_buffer=False: read one row group's column chunks at a
                    # time (pyarrow's default pre-buffers every requested row
                    # group of the file, i.e. memory ≈ file size; faster too).
                    pf = pq.ParquetFile(fh, pre_buffer=False)
                    schema, where = pf.schema_arrow, str(path)
                    self.spec.check(schema.names, where, pandas_index_columns(schema))
                    self.spec.check_kinds(schema, where)
                    batches = pf.iter_batches(
                        batch_size=self.batch_rows,
                        columns=self.spec.columns,
                        use_threads=False,
                    )
                    for batch in batches:
                        yield _batch_to_chunk(
                            batch, self.spec, str(path), row0, dtype, self.position
                        )
                        row0 += batch.num_rows
                except DataValidationError:
                    raise
                except _READ_ERRORS as exc:
                    raise _reader_error(path, exc) from None
        self.unchanged.check()


# -- the backend -----------------------------------------------------------------


def _missing_error(where: str, column: Any, at: str) -> DataValidationError:
    """A null, or a float's NaN (Parquet), in the in-memory reader's words
    (:mod:`logistic._value_refusals`)."""
    return missing_values(where, [missing_column(column, at)], STREAMED_REMEDY)


def _check_finite(
    X: np.ndarray,
    where: str,
    row0: int,
    what: str,
    names: list[str] | None,
    position: Position | None = None,
) -> None:
    bad = ~np.isfinite(X)
    if bad.any():
        i, j = (int(v[0]) for v in np.nonzero(bad))
        col = names[j] if names else j
        if position is not None and np.isnan(X[i, j]):  # a float's missing
            raise _missing_error(where, col, position(row0 + i))  # (Parquet NaN)
        if position is not None:  # the in-memory reader's wording
            at = position(row0 + i)
            raise DataValidationError(infinite_value(col, where, at, X[i, j]))
        raise DataValidationError(
            f"{where}: {what} has a non-finite value ({X[i, j]}) at row {row0 + i} "
            f"(0-based, global), column {col!r}; drop or impute it first"
        )


def _check_nonnegative(
    w: np.ndarray,
    where: str,
    row0: int,
    column: str | None,
    position: Position | None = None,
) -> None:
    """Refuse the first negative weight of a chunk starting at global row
    ``row0``: named by its file line or row where the source has a
    ``position`` (as in memory), else by its 0-based global row."""
    negative = np.flatnonzero(w < 0)
    if negative.size == 0:
        return
    i = int(negative[0])
    at = f"row {row0 + i} (0-based, global)" if position is None else position(row0 + i)
    raise DataValidationError(negative_weight(where, column, float(w[i]), at))
