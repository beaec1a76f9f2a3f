"""Data file formats: which reader a path needs, and the files of a Parquet dataset.

This module is the one place that decides what a data file is; the in-memory
readers (:mod:`logistic.tabular`), the out-of-core and Dask backends and the
command line all ask it.

Convention (owned here):

* **A directory** is a Parquet dataset. Its data files are the entries, at
  any depth, whose name ends in a Parquet suffix (:data:`PARQUET_SUFFIXES`,
  any case), except names starting with ``_`` or ``.`` (metadata, hidden
  files), read in *natural* name order (``part.2`` before ``part.10``). An
  entry with a Parquet suffix that is not a regular file (a FIFO, a broken
  link) is listed, so that opening it fails by name rather than the rows
  silently going missing. (``pyarrow.dataset`` discovery is not used: it
  orders names lexicographically, reads files of any suffix and skips
  non-regular files without a word.) Directories named ``key=value`` (the
  Hive partitioning that ``pandas.to_parquet(partition_cols=...)``,
  ``polars.write_parquet(partition_by=...)`` and Spark's ``partitionBy``
  write) hold a column's value in their name, not in the files: the readers
  read the files' columns only, and :func:`partition_keys` names those keys
  so that the command line can say so.
* **A file**: content first, then the name.

  1. The first bytes ``PAR1`` make it Parquet; ``1f 8b`` (gzip) and ``BZh``
     (bz2) make it compressed text (:func:`compression_of`). Data compressed
     otherwise (zstd, xz, lz4) or zipped is refused by name when read
     (:func:`refuse_packed`), not parsed.
  2. The name, without a compression suffix (``.gz``, ``.gzip``, ``.bz2``):
     a Parquet suffix → ``"parquet"``; ``.svm``, ``.libsvm``, ``.svmlight``
     → ``"libsvm"``; ``.csv``, ``.tsv``, ``.tab`` → ``"csv"``, the last two
     tab-separated (:func:`is_tab_separated`; :func:`strip_compression`
     gives the name without its compression suffix).
  3. Otherwise (``.txt``, ``.data``, no suffix, ...) LibSVM when the first
     lines of the (decompressed) text look like ``label idx:value ...``,
     else CSV.

* Files are opened only through :func:`logistic._files.open_regular` (a FIFO,
  socket or device is refused before a byte is read). A corrupt or truncated
  compressed stream is a :class:`~logistic.DataValidationError` naming the
  file (:func:`decompress_error`).

Examples
--------
>>> from logistic import datasets
>>> from logistic.formats import sniff_format
>>> sniff_format(datasets.ucla_admissions_path())
('csv', None)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from ._exceptions import DataValidationError
from ._files import open_regular

__all__ = [
    "COMPRESSION_SUFFIXES",
    "CSV_SUFFIXES",
    "FORMATS",
    "LIBSVM_SUFFIXES",
    "PARQUET_SUFFIXES",
    "TAB_SUFFIXES",
    "compression_of",
    "csv_rows",
    "csv_text",
    "decompress_error",
    "decompressed",
    "find_ragged_line",
    "find_long_line",
    "format_of_name",
    "is_tab_separated",
    "natural_key",
    "no_parquet_files",
    "parquet_files",
    "partition_keys",
    "read_head",
    "refuse_packed",
    "reports_ragged_row",
    "row_line",
    "scanned_row_lines",
    "sniff_format",
    "strip_compression",
    "unclosed_quote",
    "unclosed_quote_line",
]

#: The formats a data file can have.
FORMATS = ("csv", "parquet", "libsvm")
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
LIBSVM_SUFFIXES = (".svm", ".libsvm", ".svmlight")
CSV_SUFFIXES = (".csv", ".tsv", ".tab")
COMPRESSION_SUFFIXES = (".gz", ".gzip", ".bz2")
#: The CSV suffixes whose delimiter is a tab.
TAB_SUFFIXES = (".tsv", ".tab")
#: Compressions the readers do not decompress, by their magic bytes: the
#: codec's name and the command that decompresses it (:func:`refuse_packed`).
_OTHER_COMPRESSIONS = {
    b"\x28\xb5\x2f\xfd": ("zstd", "zstd -d"),
    b"\xfd7zXZ\x00": ("xz", "xz -d"),
    b"\x04\x22\x4d\x18": ("lz4", "lz4 -d"),
}
#: Bytes of (decompressed) text read to recognise LibSVM data.
HEAD_BYTES = 65536

_LIBSVM_LINE = re.compile(r"^\s*[+-]?[0-9.eE+-]+(\s+(qid:\S+|\d+:\S+))*\s*(#.*)?$")


def natural_key(path: str | os.PathLike[str]) -> list[Any]:
    """Sort key reading digit runs as numbers (``part.2`` before ``part.10``)."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", os.fspath(path))]


def _has_suffix(name: str, suffixes: tuple[str, ...]) -> bool:
    return name.lower().endswith(suffixes)


def parquet_files(root: str | os.PathLike[str]) -> list[Path]:
    """The data files of the Parquet dataset in directory ``root``.

    See the module docstring for which entries count and their order; an
    empty list when there are none.
    """
    return sorted(
        (
            p
            for p in Path(root).rglob("*")
            if _has_suffix(p.name, PARQUET_SUFFIXES)
            and not p.name.startswith(("_", "."))
            and not p.is_dir()
        ),
        key=natural_key,
    )


def partition_keys(root: str | os.PathLike[str], files: list[Path]) -> list[str]:
    """The keys of the Hive partition directories (``key=value``) between
    ``root`` and its Parquet ``files``, in the order first met."""
    keys: dict[str, None] = {}
    for f in files:
        for part in f.relative_to(root).parts[:-1]:
            key, eq, _ = part.partition("=")
            if eq and key:
                keys.setdefault(key)
    return list(keys)


def no_parquet_files(root: str | os.PathLike[str]) -> str:
    """The message for a directory holding no Parquet data file (naming every
    suffix that counts)."""
    suffixes = ", ".join(f"*{s}" for s in PARQUET_SUFFIXES)
    return f"no Parquet files ({suffixes}) under {os.fspath(root)}"


def strip_compression(name: str | os.PathLike[str]) -> str:
    """``name`` without a compression suffix (:data:`COMPRESSION_SUFFIXES`,
    any case): ``data.tsv.gzip`` → ``data.tsv``."""
    name = os.fspath(name)
    for suffix in COMPRESSION_SUFFIXES:
        if _has_suffix(name, (suffix,)):
            return name[: -len(suffix)]
    return name


def is_tab_separated(path: str | os.PathLike[str]) -> bool:
    """Whether a CSV file's name says tab-separated (:data:`TAB_SUFFIXES`, after
    any compression suffix, any case)."""
    return _has_suffix(strip_compression(Path(path).name), TAB_SUFFIXES)


def compression_of(head: bytes) -> str | None:
    """``"gzip"``, ``"bz2"`` or None from a file's first bytes."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    return None


def refuse_packed(head: bytes, name: str) -> None:
    """Refuse, naming what it is, a file the readers would parse as garbage
    (``head``: its first bytes as stored): data compressed with a codec they
    do not decompress (:data:`_OTHER_COMPRESSIONS`), or a zip archive whose
    first entry is a data file (a zipped export: its local file header holds
    the entry's name, length at offset 26, name from offset 30; a workbook's
    first entry is ``[Content_Types].xml`` or ``mimetype``, left to the
    caller)."""
    for magic, (codec, command) in _OTHER_COMPRESSIONS.items():
        if head.startswith(magic):
            raise DataValidationError(
                f"{name} is {codec}-compressed, which this tool does not read (it "
                f"reads plain, gzip and bz2 files); decompress it first (e.g. "
                f"{command} FILE), or compress it with gzip"
            )
    if not head.startswith(b"PK\x03\x04") or len(head) < 30:
        return
    size = int.from_bytes(head[26:28], "little")
    entry = head[30 : 30 + size].decode("utf-8", "replace")
    if format_of_name(entry) is not None or entry.lower().endswith(".txt"):
        raise DataValidationError(
            f"{name} is a zip archive holding {entry!r}; unzip it first (e.g. "
            "unzip FILE) and give the file it holds"
        )


def decompressed(fh: BinaryIO, compression: str | None) -> BinaryIO:
    """``fh`` read through gzip or bz2 (or as it is); the codec modules are
    imported here, for compressed files only."""
    if compression == "gzip":
        import gzip

        return gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[return-value]
    if compression == "bz2":
        import bz2

        return bz2.BZ2File(fh, mode="rb")  # type: ignore[return-value]
    return fh


def decompress_error(path: str, compression: str | None, exc: BaseException) -> Any:
    """A corrupt or truncated compressed file, named (65); other errors as they are."""
    if compression is None or getattr(exc, "errno", None) is not None:
        return exc
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DataValidationError(f"{path}: cannot decompress ({compression}): {text}")


def read_head(
    path: str | os.PathLike[str], compression: str | None, n: int = HEAD_BYTES
) -> bytes:
    """The first ``n`` bytes of a file's (decompressed) content."""
    with open_regular(path, what="input file") as fh:
        try:
            with decompressed(fh, compression) as stream:
                return stream.read(n)
        except (OSError, EOFError) as exc:
            raise decompress_error(os.fspath(path), compression, exc) from None


def _looks_libsvm(head: bytes) -> bool:
    text = head.decode("utf-8-sig", "replace")  # a byte-order mark skipped
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if len(head) == HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    return (
        bool(lines)
        and all(_LIBSVM_LINE.match(ln) for ln in lines)
        and any(":" in ln for ln in lines)
    )


def format_of_name(name: str) -> str | None:
    """The format a file name (compression suffix removed) says, or None."""
    name = strip_compression(name).lower()
    for kind, suffixes in (
        ("parquet", PARQUET_SUFFIXES),
        ("libsvm", LIBSVM_SUFFIXES),
        ("csv", CSV_SUFFIXES),
    ):
        if name.endswith(suffixes):
            return kind
    return None


def sniff_format(path: str | os.PathLike[str]) -> tuple[str, str | None]:
    """``(format, compression)`` of a data file or Parquet directory.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    format : {"csv", "parquet", "libsvm"}
    compression : {"gzip", "bz2"} or None

    Raises
    ------
    FileNotFoundError, PermissionError, NotARegularFileError
        The file cannot be opened as a regular file.
    DataValidationError
        The file is compressed but its stream is corrupt or truncated (only
        when the content has to be read to tell LibSVM from CSV).
    """
    if Path(path).is_dir():
        return "parquet", None
    with open_regular(path, what="input file") as fh:
        magic = fh.read(4)
    if magic == b"PAR1":
        return "parquet", None
    compression = compression_of(magic)
    kind = format_of_name(Path(path).name)
    if kind is not None:
        return kind, compression
    if _looks_libsvm(read_head(path, compression)):
        return "libsvm", compression
    return "csv", compression


@contextmanager
def csv_text(
    path: str, compression: str | None, encoding: str = "utf-8"
) -> Iterator[Any]:
    """The decompressed file as text (undecodable bytes replaced: only
    positions and shapes are wanted; a UTF-8 byte-order mark skipped)."""
    import io

    with (
        open_regular(path, what="input file") as fh,
        decompressed(fh, compression) as raw,
    ):
        yield io.TextIOWrapper(
            raw,
            encoding="utf-8-sig" if encoding == "utf-8" else encoding,
            errors="replace",
            newline="",
        )


@contextmanager
def csv_rows(
    path: str, compression: str | None, delimiter: str, encoding: str = "utf-8"
) -> Iterator[Any]:
    """A :func:`csv.reader` over the decompressed, decoded file."""
    import csv

    with csv_text(path, compression, encoding) as text:
        yield csv.reader(text, delimiter=delimiter)


def _quote_count(path: str, compression: str | None) -> int:
    """The number of ``"`` bytes in the decompressed file."""
    count = 0
    with (
        open_regular(path, what="input file") as fh,
        decompressed(fh, compression) as raw,
    ):
        while chunk := raw.read(1 << 20):
            count += chunk.count(b'"')
    return count


def unclosed_quote_line(
    path: str, compression: str | None, delimiter: str, encoding: str = "utf-8"
) -> int | None:
    """The line (header = 1) on which a quoted value opens that the file ends
    inside, or None.

    Quoting as pyarrow's CSV reader and RFC 4180 read it: ``"`` opens a quoted
    value at the start of a field only (first in the file or on a line, or
    after the delimiter), ``""`` inside one is a quote, and the next lone
    ``"`` closes it; any other ``"`` is text. A reader takes everything after
    such a quote, line breaks and delimiters included, as that one value:
    the rows after it are lost without an error. An even number of ``"`` in
    the file is taken to close every value it opens (one C-speed count);
    only an odd one is followed quote by quote. Lines are counted by ``\n``;
    a UTF-16/32 file, whose bytes are not its characters, is not read.
    """
    if "16" in encoding or "32" in encoding:
        return None
    if _quote_count(path, compression) % 2 == 0:
        return None
    starts = set(delimiter.encode(encoding)[:1] + b"\n\r")
    inside = pending = False  # in a quoted value; a quote ended the last chunk
    before: int | None = None  # the byte before a chunk (None: the file's start)
    newlines = 0  # line breaks before the chunk
    # where the last value opened: line breaks before its chunk, the chunk and
    # the quote's offset, its line counted once at the end (counting at every
    # opening rescans the chunk per quoted value: minutes on a large file)
    opened: tuple[int, bytes, int] = (0, b"", 0)
    with (
        open_regular(path, what="input file") as fh,
        decompressed(fh, compression) as raw,
    ):
        while chunk := raw.read(1 << 20):
            i = 0
            if before is None and chunk.startswith(b"\xef\xbb\xbf"):
                i = 3  # a byte-order mark: the first field starts after it
            if pending:  # the quote that ended the last chunk: '""' or a close
                pending, inside = False, chunk[:1] == b'"'
                i = 1 if inside else 0
            while (j := chunk.find(b'"', i)) >= 0:
                if inside:
                    if j + 1 == len(chunk):
                        pending = True
                    elif chunk[j + 1] == 0x22:  # '""': a quote inside the value
                        j += 1
                    else:
                        inside = False
                else:
                    prior = chunk[j - 1] if j > 0 else before
                    if before is None and j == i == 3:  # after a byte-order mark
                        prior = None
                    if prior is None or prior in starts:
                        inside = True
                        opened = (newlines, chunk, j)
                i = j + 1
            newlines += chunk.count(b"\n")
            before = chunk[-1]
    if not inside or pending:
        return None
    before_chunk, chunk, j = opened
    return before_chunk + chunk.count(b"\n", 0, j) + 1


def unclosed_quote(
    name: str, path: str, compression: str | None, delimiter: str, encoding: str
) -> DataValidationError | None:
    """The error for a quoted value the file ends inside
    (:func:`unclosed_quote_line`; ``name``: the file as messages name it), or
    None. pyarrow's reader raises none: allowing line breaks in values it
    takes the rest of the file as that value; not allowing them (the
    in-memory reader's first, parallel parse), it drops the rows from the
    quote to the end of its block, the value's row included."""
    try:
        line = unclosed_quote_line(path, compression, delimiter, encoding)
    except (OSError, EOFError):
        return None
    if line is None:
        return None
    return DataValidationError(
        f"{name}: the quoted value opened on line {line} is never closed (a stray "
        '"?): the rest of the file would be read as that one value and its rows '
        'lost; close the quote, or write a " inside a quoted value as ""'
    )


def row_line(
    path: str, compression: str | None, delimiter: str, row: int
) -> int | None:
    """The line (header = 1) on which data row ``row`` (0-based) of a UTF-8
    CSV file starts, as the in-memory reader names it (blank lines, which
    hold no row, and line breaks inside quoted values counted), read again
    up to that row; None when it cannot be read so far. A file without a
    ``"`` and without a blank line has row ``row`` on line ``row + 2`` (one
    C-speed pass tells); any other is read with Python's :mod:`csv`."""
    import csv

    try:
        if plain_rows(path, compression):
            return row + 2
        lines = scanned_row_lines(path, compression, delimiter, row)
    except (OSError, EOFError, csv.Error, StopIteration):
        return None
    return lines[row] if row < len(lines) else None


def plain_rows(path: str, compression: str | None) -> bool:
    """Whether a CSV file holds no ``"`` and no blank line, so that its data
    row ``n`` (0-based) starts on line ``n + 2`` (one C-speed pass; a caller
    naming many rows asks once). Raises what reading raises."""
    with (
        open_regular(path, what="input file") as fh,
        decompressed(fh, compression) as raw,
    ):
        tail = b""
        while chunk := raw.read(1 << 20):
            both = tail + chunk
            if b'"' in chunk or b"\n\n" in both or b"\n\r\n" in both:
                return False
            tail = chunk[-2:]
    return True


def scanned_row_lines(
    path: str,
    compression: str | None,
    delimiter: str,
    row: int,
    encoding: str = "utf-8",
) -> list[int]:
    """The lines (header = 1) on which data rows ``0 … row`` start, read with
    Python's :mod:`csv` (a blank line holds no row; line breaks inside quoted
    values counted); fewer where the file ends first. Raises what reading
    raises (``OSError``, ``EOFError``, ``csv.Error``; ``StopIteration``
    without a header). A value may be as long as :data:`ROW_VALUE_BYTES` (the
    csv module's own limit, 128 KiB, raised for the search and restored
    after it: pyarrow reads longer ones)."""
    import csv

    lines: list[int] = []
    previous = csv.field_size_limit(ROW_VALUE_BYTES)
    try:
        with csv_rows(path, compression, delimiter, encoding) as reader:
            next(reader)
            before = reader.line_num
            for record in reader:
                if record:
                    lines.append(before + 1)
                    if len(lines) > row:
                        break
                before = reader.line_num
    finally:
        csv.field_size_limit(previous)
    return lines


#: The longest value :func:`scanned_row_lines` reads: more than any row the
#: readers take (one row must fit in their largest block, 4 MiB).
ROW_VALUE_BYTES = 1 << 30


def find_long_line(
    path: str, compression: str | None, limit: int, delimiter: str = ","
) -> str:
    """``"line N is longer than ... bytes ..."`` for the first line over ``limit``
    bytes (pyarrow's reader needs a whole row in one block), else ``"the row
    starting on line N holds a value longer than ..."`` for the first row with
    a quoted value over ``limit`` characters (its line breaks inside it), or
    "". The value is found by Python's :mod:`csv` with its field size limit
    raised to ``limit`` for the search, restored after it."""
    import csv

    try:
        with (
            open_regular(path, what="input file") as fh,
            decompressed(fh, compression) as stream,
        ):
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
    previous = csv.field_size_limit(limit)
    before = 0
    try:
        with csv_rows(path, compression, delimiter) as reader:
            for _ in reader:
                before = reader.line_num
    except csv.Error as exc:
        if "field limit" in str(exc):
            return (
                f"the row starting on line {before + 1} holds a value longer than "
                f"{limit} bytes (a quoted value across lines), the most one row "
                "may hold"
            )
    except (OSError, EOFError):
        pass
    finally:
        csv.field_size_limit(previous)
    return ""


def reports_ragged_row(message: str) -> bool:
    """Whether pyarrow's CSV error ``message`` is its "Expected K columns, got
    M" of a row with another number of fields (:func:`find_ragged_line`
    names that row's line)."""
    return "expected" in message.lower() and "columns" in message


def find_ragged_line(
    path: str,
    compression: str | None,
    delimiter: str,
    encoding: str = "utf-8",
    option: str = "--sep",
) -> str:
    """``"line N: expected K fields, saw M"`` for the first row whose number of
    fields is not the header's, or "" (read with Python's :mod:`csv`, for a
    message: every reader names a ragged row so). With a space delimiter and
    an empty field between two others in the header or that row, the message
    adds that the fields are separated by runs of spaces, which no delimiter
    reads (``option``: how the caller names the delimiter)."""
    import csv

    from ._column_hints import runs_of_spaces

    try:
        with csv_rows(path, compression, delimiter, encoding) as reader:
            header = next(reader)
            expected = len(header)
            for row in reader:
                if row and len(row) != expected:
                    # an empty field between two others (not a trailing space)
                    spaces = delimiter == " " and "" in header[1:-1] + row[1:-1]
                    runs = f"; {runs_of_spaces(option)}" if spaces else ""
                    return (
                        f"line {reader.line_num}: expected {expected} fields, "
                        f"saw {len(row)}{runs}"
                    )
    except (OSError, EOFError, csv.Error, StopIteration):
        return ""
    return ""
