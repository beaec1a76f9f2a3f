"""Read data files with pyarrow: CSV/TSV, Parquet, LibSVM/SVMLight; plain, gzip or bz2.

Convention (owned here):

* The format is recognised from content first (gzip ``1f 8b``, bz2 ``BZh``,
  Parquet ``PAR1``; LibSVM when the first lines look like
  ``label idx:value ...``), then from the extension, else CSV.
* CSV: the delimiter is the most frequent of ``, ; TAB |`` in the header
  line unless given; the header is required; a UTF-8 byte-order mark is
  skipped; values are decoded as strict UTF-8. Missing-value tokens are
  pyarrow's defaults (empty field, ``NA``, ``N/A``, ``NaN``, ``nan``,
  ``null``, ``NULL``, ``#N/A``, ...). Types are inferred over the whole file
  (a column is numeric only if every value is).
* Row positions in messages are *lines* of a CSV file (header = line 1) and
  1-based *rows* of Parquet or LibSVM data.
* Errors: :class:`FileNotFoundError` / :class:`IsADirectoryError` (input
  missing), :class:`PermissionError`, and :class:`DataValidationError` naming
  the file for everything about its content.
"""

from __future__ import annotations

import bz2
import gzip
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._exceptions import DataValidationError

__all__ = ["RawData", "read_data", "sniff_format", "position"]

_LIBSVM_LINE = re.compile(r"^\s*[+-]?[0-9.eE+-]+(\s+(qid:\S+|\d+:\S+))*\s*(#.*)?$")
_SEPARATORS = (",", ";", "\t", "|")
_FORMATS = ("csv", "parquet", "libsvm")


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


def check_path(path: str) -> None:
    """Input missing, a directory or unreadable: the matching OSError."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"input file {path} does not exist")
    if p.is_dir():
        raise IsADirectoryError(f"input {path} is a directory, expected a data file")
    if not os.access(p, os.R_OK):
        raise PermissionError(f"input file {path} is not readable (permission denied)")


def _compression(head: bytes) -> str | None:
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    return None


def _open_text_head(path: str, compression: str | None, n: int = 65536) -> bytes:
    opener = {"gzip": gzip.open, "bz2": bz2.open}.get(compression or "", open)
    try:
        with opener(path, "rb") as fh:
            return fh.read(n)
    except (OSError, EOFError) as exc:
        raise DataValidationError(
            f"{path}: cannot decompress ({compression}): {exc}"
        ) from None


def _strip_suffixes(path: str) -> str:
    name = Path(path).name.lower()
    for suffix in (".gz", ".gzip", ".bz2"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _looks_libsvm(head: bytes) -> bool:
    lines = [
        ln for ln in head.decode("utf-8", "replace").splitlines()[:20] if ln.strip()
    ]
    if len(head) == 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    return (
        bool(lines)
        and all(_LIBSVM_LINE.match(ln) for ln in lines)
        and any(":" in ln for ln in lines)
    )


def sniff_format(path: str) -> tuple[str, str | None]:
    """``(format, compression)`` of a data file, from its content and name."""
    check_path(path)
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic == b"PAR1":
        return "parquet", None
    compression = _compression(magic)
    name = _strip_suffixes(path)
    if name.endswith((".parquet", ".pq")):
        return "parquet", compression
    if name.endswith((".svm", ".libsvm", ".svmlight")):
        return "libsvm", compression
    if name.endswith((".csv", ".tsv", ".tab")):
        return "csv", compression
    if _looks_libsvm(_open_text_head(path, compression)):
        return "libsvm", compression
    return "csv", compression


def _sniff_delimiter(head: bytes, path: str) -> str:
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    header = text.splitlines()[0] if text.strip() else ""
    if path.lower().rstrip(".gzb2").endswith(".tsv"):
        return "\t"
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {sep: unquoted.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _arrow_message(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def _read_csv(path: str, compression: str | None, sep: str | None) -> RawData:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    head = _open_text_head(path, compression)
    if not head.strip():
        raise DataValidationError(f"{path} is empty (no header, no data rows)")
    _refuse_utf16(head, path)
    _refuse_binary(head, path)
    delimiter = sep if sep is not None else _sniff_delimiter(head, path)
    if len(delimiter) != 1:
        raise DataValidationError(f"--sep must be one character, got {delimiter!r}")
    try:
        with pa.input_stream(path, compression=compression) as stream:
            table = pacsv.read_csv(
                stream,
                read_options=pacsv.ReadOptions(block_size=1 << 22),
                parse_options=pacsv.ParseOptions(delimiter=delimiter),
                convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
            )
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
        raise DataValidationError(f"{path}: cannot read CSV: {msg}{hint}") from None
    _check_columns(table.column_names, path)
    _check_utf8(table, path)
    return RawData(path=path, format="csv", table=table, delimiter=delimiter)


_WIDE_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def _refuse_utf16(head: bytes, path: str) -> None:
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


def _refuse_binary(head: bytes, path: str) -> None:
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

    opener = {"gzip": gzip.open, "bz2": bz2.open}.get(compression or "", open)
    try:
        with opener(path, "rb") as raw:
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
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataValidationError(
            f"{path}: cannot read Parquet: {_arrow_message(exc)}"
        ) from None
    _check_columns(table.column_names, path)
    return RawData(path=path, format="parquet", table=table)


def _libsvm_bad_line(lines: list[str], path: str) -> DataValidationError:
    for i, line in enumerate(lines):
        body = line.split("#", 1)[0]
        parts = body.split()
        if not parts:
            continue
        try:
            float(parts[0])
            for tok in parts[1:]:
                if tok.startswith("qid:"):
                    continue
                k, v = tok.split(":")
                if int(k) < 0:
                    raise ValueError
                float(v)
        except ValueError:
            return DataValidationError(
                f"{path}: line {i + 1} is not LibSVM 'label index:value ...': "
                f"{line[:60]!r}"
            )
    return DataValidationError(f"{path}: malformed LibSVM data")


def _read_libsvm(path: str, compression: str | None) -> RawData:
    opener = {"gzip": gzip.open, "bz2": bz2.open}.get(compression or "", open)
    try:
        with opener(path, "rb") as fh:
            text = fh.read().decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataValidationError(f"{path}: cannot read LibSVM data: {exc}") from None
    lines = text.splitlines()
    labels: list[str] = []
    tokens: list[str] = []
    indptr = [0]
    for line in lines:
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        labels.append(parts[0])
        tokens.extend(t for t in parts[1:] if not t.startswith("qid:"))
        indptr.append(len(tokens))
    if not labels:
        raise DataValidationError(f"{path} is empty (no data rows)")
    try:
        y = np.array(labels, dtype=np.float64)
        pairs = np.array(" ".join(tokens).replace(":", " ").split(), dtype=np.float64)
        if pairs.size != 2 * len(tokens):
            raise ValueError
        idx, val = pairs[0::2], pairs[1::2]
        if np.any(idx < 0) or np.any(idx != np.floor(idx)):
            raise ValueError
    except ValueError:
        raise _libsvm_bad_line(lines, path) from None
    zero_based = bool(idx.size and idx.min() == 0)
    cols = idx.astype(np.int64) - (0 if zero_based else 1)
    n_features = int(cols.max()) + 1 if cols.size else 0
    X = sp.csr_matrix(
        (val, cols, np.array(indptr, dtype=np.int64)), shape=(len(labels), n_features)
    )
    X.sum_duplicates()
    return RawData(path=path, format="libsvm", X=X, labels=y, zero_based=zero_based)


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
    if fmt is not None and fmt not in _FORMATS:
        raise DataValidationError(f"--format must be one of {_FORMATS}, got {fmt!r}")
    kind = fmt or sniffed
    if kind == "parquet":
        return _read_parquet(path, compression)
    if kind == "libsvm":
        return _read_libsvm(path, compression)
    return _read_csv(path, compression, sep)
