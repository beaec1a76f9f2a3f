"""Read data files with pyarrow: CSV/TSV, Parquet, LibSVM/SVMLight; plain, gzip or bz2.

Convention (owned here):

* The format is what :func:`logistic.formats.sniff_format` says (content
  first, then the name), unless forced with ``fmt``.
* CSV: the delimiter is the most frequent of ``, ; TAB |`` in the header
  line unless given; the header is required; a UTF-8 byte-order mark is
  skipped; values are decoded as strict UTF-8. Missing-value tokens are
  pyarrow's defaults (empty field, ``NA``, ``N/A``, ``NaN``, ``nan``,
  ``null``, ``NULL``, ``#N/A``, ...). Types are inferred over the whole file
  (a column is numeric only if every value is).
* Row positions in messages are *lines* of a CSV file (header = line 1) and
  1-based *rows* of Parquet or LibSVM data.
* Files are opened only through :func:`logistic._files.open_regular`: a FIFO,
  socket or device is refused (:class:`NotARegularFileError`) before a byte is
  read, and pyarrow is handed the open file object, never the path.
* LibSVM files are read whole into memory, within the limits of
  :mod:`._libsvm`.
* Errors: :class:`FileNotFoundError` / :class:`IsADirectoryError` (input
  missing), :class:`PermissionError`, :class:`NotARegularFileError`, and
  :class:`DataValidationError` naming the file (and line) for everything
  about its content, including compressed data that end early.
"""

from __future__ import annotations

import os
import re
from typing import Any

from .._exceptions import DataValidationError
from ..formats import (
    FORMATS,
    decompress_error,
    decompressed,
    is_tab_separated,
    read_head,
    sniff_format,
)
from ._libsvm import read_libsvm
from ._raw import RawData, open_data, position

__all__ = [
    "RawData",
    "read_data",
    "sniff_format",
    "position",
    "open_data",
    "refuse_binary",
    "refuse_utf16",
    "sniff_delimiter",
]

_SEPARATORS = (",", ";", "\t", "|")
#: pyarrow reads CSV in blocks of this size; one line must fit in a block.
CSV_BLOCK_BYTES = 1 << 22


def check_path(path: str) -> None:
    """Input missing, a directory, unreadable or not a regular file: an OSError."""
    open_data(path).close()


def sniff_delimiter(head: bytes, path: str) -> str:
    """A CSV file's delimiter: a tab when the name says so
    (:func:`logistic.formats.is_tab_separated`), else the separator the header
    line (outside quotes) holds most of, else a comma."""
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    header = text.splitlines()[0] if text.strip() else ""
    if is_tab_separated(path):
        return "\t"
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {sep: unquoted.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _arrow_message(exc: Exception) -> str:
    from ..backends._sources import one_line

    return one_line(str(exc))


_PARQUET_SOURCE = re.compile(r"^Could not open Parquet input source '[^']*': ")


def parquet_message(exc: Exception) -> str:
    """pyarrow's first line, without the name of the (anonymous) file object."""
    return _PARQUET_SOURCE.sub("", _arrow_message(exc))


def _read_csv(path: str, compression: str | None, sep: str | None) -> RawData:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    head = read_head(path, compression)
    if not head.strip():
        raise DataValidationError(f"{path} is empty (no header, no data rows)")
    refuse_utf16(head, path)
    refuse_binary(head, path)
    delimiter = sep if sep is not None else sniff_delimiter(head, path)
    check_delimiter(delimiter)
    try:
        with (
            open_data(path) as fh,
            pa.input_stream(fh, compression=compression) as stream,
        ):
            table = pacsv.read_csv(
                stream,
                read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
                parse_options=pacsv.ParseOptions(delimiter=delimiter),
                convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
            )
    except (OSError, EOFError) as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise decompress_error(path, compression, exc) from None
    except pa.ArrowInvalid as exc:
        msg = _arrow_message(exc)
        hint = ""
        if "expected" in msg.lower() and "columns" in msg:
            ragged = _find_ragged_line(path, compression, delimiter)
            if ragged:
                msg = ragged
            hint = f" (delimiter {delimiter!r}; pass --sep if that is wrong)"
        if "UTF8" in msg or "utf8" in msg.lower():
            hint = " (the file must be UTF-8; convert it, e.g. with iconv)"
        if "straddl" in msg or "Empty CSV file or block" in msg:
            msg = find_long_line(path, compression, CSV_BLOCK_BYTES) or msg
        raise DataValidationError(f"{path}: cannot read CSV: {msg}{hint}") from None
    _check_columns(table.column_names, path)
    _check_utf8(table, path)
    return RawData(path=path, format="csv", table=table, delimiter=delimiter)


def check_delimiter(sep: str) -> str:
    """A CSV delimiter is one character, not a quote or a line break."""
    if len(sep) != 1 or sep in '"\r\n':
        raise DataValidationError(
            f"sep must be one character other than a quote or a line break, got {sep!r}"
        )
    return sep


_WIDE_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def refuse_utf16(head: bytes, path: str) -> None:
    """UTF-16/32 text (Excel's "Unicode text") is refused by name, not misparsed."""
    for bom, name in _WIDE_BOMS.items():
        if head.startswith(bom):
            raise DataValidationError(
                f"{path} is {name} text (byte-order mark {bom.hex(' ')}); the file "
                f"must be UTF-8: convert it, e.g. iconv -f {name} -t UTF-8"
            )


_BINARY_KINDS = {
    b"PK\x03\x04": "a zip archive (an Excel .xlsx or .ods workbook?)",
    b"\xd0\xcf\x11\xe0": "an old Excel/Office file (.xls)",
}


def refuse_binary(head: bytes, path: str) -> None:
    """A spreadsheet or other binary file is named as such, not parsed as CSV."""
    for magic, kind in _BINARY_KINDS.items():
        if head.startswith(magic):
            raise DataValidationError(
                f"{path} is {kind}, not a data file this tool reads; export it as "
                "CSV (UTF-8) or Parquet"
            )
    if b"\x00" in head[:8192]:
        raise DataValidationError(
            f"{path} is binary (it holds NUL bytes), not CSV text; the tool reads "
            "CSV/TSV, Parquet and LibSVM files"
        )


def _find_ragged_line(path: str, compression: str | None, delimiter: str) -> str:
    """``"line N: expected K fields, saw M"`` for the first ragged row, or ""."""
    import csv
    import io

    try:
        with open_data(path) as fh, decompressed(fh, compression) as raw:
            text = io.TextIOWrapper(
                raw, encoding="utf-8-sig", errors="replace", newline=""
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


def _check_utf8(table: Any, path: str) -> None:
    """pyarrow reads invalid UTF-8 as binary columns: refuse them, naming the line."""
    import pyarrow as pa

    for name in table.column_names:
        t = table.schema.field(name).type
        if not (pa.types.is_binary(t) or pa.types.is_large_binary(t)):
            continue
        for i, value in enumerate(table.column(name).to_pylist()):
            try:
                if value is not None:
                    value.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DataValidationError(
                    f"{path}: column {name!r} is not valid UTF-8 text at line {i + 2} "
                    f"(byte {exc.start} of the value: {value[:20]!r}); "
                    "convert the file "
                    "to UTF-8, e.g. iconv -f latin1 -t utf-8"
                ) from None


def _check_columns(names: list[str], path: str) -> None:
    seen: set[str] = set()
    dups = [n for n in names if n in seen or seen.add(n)]  # type: ignore[func-returns-value]
    if dups:
        raise DataValidationError(
            f"{path}: duplicate column name(s) {sorted(set(dups))!r} in the header; "
            "rename them so every column is unique"
        )
    empty = [i + 1 for i, n in enumerate(names) if not n.strip()]
    if empty:
        raise DataValidationError(
            f"{path}: column(s) {empty} have an empty header name"
        )


def _read_parquet(path: str, compression: str | None) -> RawData:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if compression is not None:
        raise DataValidationError(
            f"{path}: a {compression}-compressed Parquet file; Parquet compresses "
            "internally, decompress the file first"
        )
    with open_data(path) as fh:
        try:
            table = pq.read_table(fh)
        except (pa.ArrowException, OSError) as exc:
            if getattr(exc, "errno", None) is not None:
                raise  # a read error of the file itself (I/O, exit 74)
            raise DataValidationError(
                f"{path}: cannot read Parquet: {parquet_message(exc)}"
            ) from None
    _check_columns(table.column_names, path)
    return RawData(path=path, format="parquet", table=table)


def read_data(
    path: str | os.PathLike[str], *, sep: str | None = None, fmt: str | None = None
) -> RawData:
    """Read a data file (see the module docstring for formats and conventions).

    Parameters
    ----------
    path : str or path-like
    sep : str, optional
        CSV delimiter; sniffed from the header line when None.
    fmt : {"csv", "parquet", "libsvm"}, optional
        Force a format instead of recognising it.

    Returns
    -------
    RawData
    """
    path = str(path)
    sniffed, compression = sniff_format(path)
    if fmt is not None and fmt not in FORMATS:
        raise DataValidationError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    kind = fmt or sniffed
    if kind == "parquet":
        return _read_parquet(path, compression)
    if kind == "libsvm":
        return read_libsvm(path, compression)
    return _read_csv(path, compression, sep)
