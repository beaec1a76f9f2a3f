"""Read data files with pyarrow: CSV/TSV, Parquet, LibSVM/SVMLight; plain, gzip or bz2.

Convention (owned here):

* The format is what :func:`logistic.formats.sniff_format` says (content
  first, then the name), unless forced with ``fmt``.
* CSV: the delimiter is the most frequent of ``, ; TAB |`` in the header
  line unless given; the header is required. The text is UTF-8 unless an
  ``encoding`` is given (:mod:`._encoding`: a UTF-8 byte-order mark is
  skipped and wins; a byte that does not decode is an error naming the
  line, the byte and ``--encoding``). Numbers use ``decimal`` as their
  decimal mark (``"."`` by default; ``","`` for European files, where
  the delimiter is usually ``;``). Missing-value tokens are pyarrow's
  defaults (empty field, ``NA``, ``N/A``, ``NaN``, ``nan``, ``null``,
  ``NULL``, ``#N/A``, ...). Types are inferred over the whole file (a
  column is numeric only if every value is). Columns named in
  ``text_columns`` are read as text whatever they hold, so their values
  keep their bytes (``00123`` stays ``00123``, ``True`` stays ``True``);
  their missing-value tokens are still missing. Columns named in
  ``verbatim`` (copied to an output) are also kept exactly as written, in
  ``RawData.verbatim``: see :func:`read_data`. Parquet columns keep their
  stored types.
* Row positions in messages are the *lines* CSV rows start on (header =
  line 1; :mod:`._lines`) and 1-based *rows* of Parquet or LibSVM data.
* Files are opened only through :mod:`logistic._files`: a socket or device
  is refused (:class:`NotARegularFileError`) before a byte is read;
  standard input (``"-"``), pipes and FIFOs (``/dev/stdin``) are read once
  into a temporary copy (:func:`logistic._files.spooled`) that is read like
  a file and removed afterwards; messages name the input as given
  (``standard input`` for ``"-"``). Its format is CSV unless ``fmt``, the
  pipe's name (``data.parquet``) or Parquet's magic bytes say otherwise.
  pyarrow is handed open file objects, never paths.
* Progress: ``on_progress(rows_read, bytes_read, bytes_total)`` is called
  while a CSV file is parsed (:func:`._raw.counting`); without it the
  reader runs untouched.
* LibSVM files are read whole into memory, within the limits of
  :mod:`._libsvm`; a compressed CSV file's text within
  :func:`._raw.bounded`.
* Errors: :class:`FileNotFoundError` / :class:`IsADirectoryError` (input
  missing), :class:`PermissionError`, :class:`NotARegularFileError`,
  :class:`InvalidParameterError` (a bad ``encoding`` or ``decimal``), and
  :class:`DataValidationError` naming the file (and line) for everything
  about its content, including compressed data that end early.
"""

from __future__ import annotations

import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Collection
from typing import Any

from .._column_hints import runs_of_spaces
from .._exceptions import DataValidationError, InvalidParameterError
from .._files import STDIN, check_input, spooled
from .._messages import import_extra
from ..formats import (
    FORMATS,
    decompress_error,
    format_of_name,
    is_tab_separated,
    read_head,
    sniff_format,
    unclosed_quote,
)
from ._csv_errors import (
    csv_error,
    holds_text,
    maybe_undecodable,
    undecodable,
)
from ._encoding import (
    UTF8,
    check_encoding,
    decode_error,
    effective_encoding,
    refuse_binary,
    refuse_json,
    refuse_text_options,
    refuse_utf16,
)
from ._lines import LineMap, delimiter_line_header
from ._pandas_index import index_like
from ._parquet import read_parquet
from ._raw import PROGRESS_SECONDS, ProgressHook, RawData, counting, open_data, position

__all__ = [
    "PROGRESS_SECONDS",
    "RawData",
    "check_decimal",
    "check_encoding",
    "csv_types",
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
#: CSV files up to this size (uncompressed) are read without pyarrow's threads.
SERIAL_CSV_BYTES = 1 << 20


def check_path(path: str) -> None:
    """Input missing, a directory, unreadable, a device, or standard input that
    is a terminal: an OSError (:func:`logistic._files.check_input`; nothing is
    read, and a FIFO is not even opened)."""
    check_input(path, what="input file")


def sniff_delimiter(head: bytes, path: str, encoding: str = "utf-8") -> str:
    """A CSV file's delimiter: a tab when the name says so
    (:func:`logistic.formats.is_tab_separated`), else the separator the header
    line (outside quotes) holds most of, else a comma."""
    text = head.decode(encoding, "replace").lstrip("\ufeff")
    header = text.splitlines()[0] if text.strip() else ""
    if is_tab_separated(path):
        return "\t"
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {sep: unquoted.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _read_csv(
    path: str,
    name: str,
    compression: str | None,
    sep: str | None,
    encoding: str,
    decimal: str,
    on_progress: ProgressHook | None,
    text_columns: Collection[str] = (),
    unnamed: str = "error",
    verbatim: Collection[str] = (),
) -> RawData:
    import pyarrow as pa

    try:
        head = read_head(path, compression)
    except DataValidationError as exc:
        raise DataValidationError(str(exc).replace(path, name, 1)) from None
    if not head.strip():
        raise DataValidationError(f"{name} is empty (no header, no data rows)")
    encoding = effective_encoding(head, encoding)
    refuse_utf16(head, name, encoding)
    refuse_binary(head, name, encoding)
    refuse_json(head, name)
    delimiter = sep if sep is not None else sniff_delimiter(head, name, encoding)
    check_delimiter(delimiter)
    arrow_encoding = "utf8" if encoding == UTF8 else encoding
    convert = csv_types(decimal, dict.fromkeys(text_columns, pa.string()))
    try:
        # A quoted field holding a line break across a block boundary fails
        # the fast parse: read again with the slower parser that allows them
        # (only such files pay for it).
        for newlines in (False, True):
            try:
                table = _parse(
                    path,
                    compression,
                    on_progress,
                    arrow_encoding,
                    delimiter,
                    convert,
                    newlines_in_values=newlines,
                    name=name,
                )
                break
            except pa.ArrowInvalid as exc:
                if newlines or not _may_be_quoted_newline(exc):
                    raise
    except UnicodeError:
        raise undecodable(name, path, compression, encoding) from None
    except (OSError, EOFError) as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise decompress_error(name, compression, exc) from None
    except pa.ArrowInvalid as exc:
        raise csv_error(
            exc, name, path, compression, delimiter, encoding, CSV_BLOCK_BYTES
        ) from None
    if encoding == UTF8 and maybe_undecodable(table):
        error = decode_error(name, path, compression, encoding)
        if error is not None:
            raise error
    if holds_text(table):  # rows lost to a quote left open?
        error = unclosed_quote(name, path, compression, delimiter, encoding)
        if error is not None:
            raise error
    lines = LineMap(table, (path, compression, delimiter, encoding))
    _refuse_delimiter_line(table.column_names, name, delimiter)
    table, dropped = _unnamed_columns(table, unnamed)
    _check_columns(table.column_names, name, delimiter=delimiter)
    _check_utf8(table, name, lines)
    if on_progress is not None:
        size = os.stat(path).st_size
        on_progress(table.num_rows, size, size)
    raw = RawData(path=name, format="csv", table=table, delimiter=delimiter)
    raw.unnamed, raw.lines = dropped, lines
    read = set(table.column_names)  # one list, not one per kept column
    again = [n for n in verbatim if n in read and not _exact(table, n)]
    if again:
        raw.verbatim = _verbatim(
            path, compression, arrow_encoding, delimiter, again, newlines
        )
    return raw


def csv_types(decimal: str = ".", column_types: dict[str, Any] | None = None) -> Any:
    """How a fit in memory types a CSV file's columns (pyarrow's inference:
    numbers, ``true``/``false``/``1``/``0`` booleans, text; every
    missing-value token null): its ``ConvertOptions``, for any reader that
    must type values as it does."""
    import pyarrow.csv as pacsv

    return pacsv.ConvertOptions(
        strings_can_be_null=True,
        decimal_point=decimal,
        column_types=column_types or {},
    )


def _exact(table: Any, name: str) -> bool:
    """Whether a column as read holds its fields' text unchanged: text with no
    missing values (no field was a missing-value token)."""
    import pyarrow as pa

    column = table.column(name)
    return pa.types.is_string(column.type) and column.null_count == 0


def _verbatim(
    path: str,
    compression: str | None,
    encoding: str,
    delimiter: str,
    names: list[str],
    newlines: bool,
) -> dict[str, Any]:
    """``names`` read again as text with no missing-value token: ``NA``,
    ``null``, ``nan`` and a quoted empty field (``""``) stay text; only an
    unquoted empty field is missing (null)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    convert = pacsv.ConvertOptions(
        include_columns=names,
        column_types=dict.fromkeys(names, pa.string()),
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    table = _parse(
        path,
        compression,
        None,
        encoding,
        delimiter,
        convert,
        newlines_in_values=newlines,
    )
    return {name: table.column(name) for name in names}


def _may_be_quoted_newline(exc: Exception) -> bool:
    """Whether pyarrow's parse error may come from a quoted line break: a row
    cut short ("Expected K columns, got M"), a block that ends inside a
    quoted field, or the block splitter out of step with the parser."""
    msg = str(exc)
    return (
        ("Expected" in msg and "columns" in msg)
        or "straddl" in msg
        or "out of sync" in msg
    )


def _parse(
    path: str,
    compression: str | None,
    on_progress: ProgressHook | None,
    encoding: str,
    delimiter: str,
    convert: Any,
    *,
    newlines_in_values: bool,
    name: str | None = None,
) -> Any:
    """One pass of pyarrow's CSV reader over the file (progress counted; a
    compressed file's text bounded, :func:`._raw.bounded`, messages naming
    it ``name``)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from ._raw import bounded

    with (
        open_data(path) as fh,
        pa.input_stream(fh, compression=compression) as stream,
    ):
        source = stream if compression is None else bounded(stream, name or path)
        if on_progress is not None:
            source = counting(source, fh, on_progress)

        def references() -> int:
            # one call, made alike before and after the read: its count
            # compares on every Python (3.10 holds one more reference to an
            # argument while a call runs than 3.11 and later)
            return sys.getrefcount(source)

        held = references()
        try:
            return pacsv.read_csv(
                source,
                read_options=pacsv.ReadOptions(
                    block_size=CSV_BLOCK_BYTES,
                    encoding=encoding,
                    use_threads=not _serial(fh, compression),
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter, newlines_in_values=newlines_in_values
                ),
                convert_options=convert,
            )
        except BaseException as exc:
            # an error raised by the source itself (a compressed file past its
            # budget, a truncated stream) holds the source's read frame, and
            # so the source, in its traceback: the count would not come back
            # to ``held`` and the error would wait the full timeout
            traceback.clear_frames(exc.__traceback__)
            raise
        finally:
            if source is not stream:
                _await_release(references, held)


def _serial(fh: Any, compression: str | None) -> bool:
    """Whether the open file ``fh`` is small enough to read without pyarrow's
    thread pool: uncompressed and at most :data:`SERIAL_CSV_BYTES`. Such a
    file is one block, which the pool parses on one thread anyway; handing it
    to the pool costs more wall time than it saves (the 400-row UCLA file,
    first read in a fresh process: 13.8 → 8.1 ms median of 25, load 5 on
    2 cores)."""
    return compression is None and os.fstat(fh.fileno()).st_size <= SERIAL_CSV_BYTES


def _await_release(
    references: Callable[[], int], held: int, timeout: float = 5.0
) -> None:
    """Wait until pyarrow's reader has dropped its reference to ``source``
    (``references()`` is back to ``held``).

    ``read_csv`` wraps a Python stream (the progress counter) in a C++ file
    that its thread pool may destroy just after ``read_csv`` returned; that
    destructor takes the GIL, and if the interpreter is exiting by then (a
    command failing right after the read) the thread is killed mid-C++ and
    the process aborts ("terminate called without an active exception",
    exit 134). Waiting here, with the GIL released by ``sleep``, lets the
    destructor run while Python is still alive. ``references`` counts the
    references to ``source`` (``sys.getrefcount`` in the caller) and ``held``
    is its count before the reader got it: the same call both times, so the
    counts compare whatever references the interpreter itself holds to a
    call's argument (a count measured here, one call deeper, was one higher
    on Python 3.10 for good, so every read with progress waited the full
    ``timeout``).
    """
    deadline = time.monotonic() + timeout
    while references() > held and time.monotonic() < deadline:
        time.sleep(0.001)


def check_decimal(decimal: str) -> str:
    """The decimal mark is ``"."`` or ``","``; a comma delimiter with a comma
    decimal mark needs the numbers quoted (``"13,2"``), which pyarrow reads."""
    if decimal not in (".", ","):
        raise InvalidParameterError(f"--decimal must be . or , got {decimal!r}")
    return decimal


def check_delimiter(sep: str) -> str:
    """A CSV delimiter is one character, not a quote or a line break."""
    if len(sep) != 1 or sep in '"\r\n':
        raise DataValidationError(
            f"sep must be one character other than a quote or a line break, got {sep!r}"
        )
    return sep


def _check_utf8(table: Any, path: str, lines: LineMap) -> None:
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
                    f"{path}: column {name!r} is not valid UTF-8 text at "
                    f"{lines.where(i)} "
                    f"(byte {exc.start} of the value: {value[:20]!r}); pass "
                    "--encoding cp1252 (or --encoding latin-1) if the file is not "
                    "UTF-8"
                ) from None


def check_header_names(
    names: list[str], path: str, delimiter: str | None = None
) -> list[int]:
    """A streamed file's header checked as the in-memory reader checks it
    (:func:`_check_columns`: no duplicate, no empty name), except that an
    empty first name is allowed: its 1-based position is returned ([1], or
    []) for the caller to leave that column out, as the in-memory reader does
    with a first column that looks like pandas' index (it reads every value
    to tell; a streamed fit leaves such a column out whatever its values)."""
    _refuse_delimiter_line(names, path, delimiter)
    first = [1] if names and not names[0].strip() else []
    _check_columns(names[len(first):], path, offset=len(first), delimiter=delimiter)
    return first


def _refuse_delimiter_line(names: list[str], path: str, delimiter: str | None) -> None:
    """A header read from a spreadsheet's delimiter line (``sep=,`` above a
    header of two columns) is refused as that line, not as a column named
    ``sep=`` beside one without a name."""
    words = delimiter_line_header(names, delimiter) if delimiter else ""
    if words:
        raise DataValidationError(f"{path}: cannot read CSV: {words}")


def _check_columns(
    names: list[str], path: str, offset: int = 0, delimiter: str | None = None
) -> None:
    """Refuse duplicate and empty column names (``offset``: columns before
    ``names`` in the header, for the positions in the message; a space
    ``delimiter`` with empty names: a header aligned by runs of spaces; no
    ``delimiter``: a Parquet file's names, which no header line holds)."""
    from ..backends._column_words import PARQUET_NAMES, check_unique_names

    if delimiter == " " and any(not n for n in names[1:-1]):  # between names
        raise DataValidationError(
            f"{path}: the header has empty names between its spaces: "
            f"{runs_of_spaces()}"
        )
    check_unique_names(names, path, "the header" if delimiter else PARQUET_NAMES)
    empty = [offset + i + 1 for i, n in enumerate(names) if not n.strip()]
    if empty and delimiter is None:  # a Parquet file's schema: no header line
        raise DataValidationError(
            f"{path}: column(s) {empty} have an empty name; give each column a "
            "name (rename it where the file is written), or leave the unnamed "
            "column(s) out of the file"
        )
    if empty:
        raise DataValidationError(
            f"{path}: column(s) {empty} have an empty header name; give each "
            "column a name in the header line, or remove the unnamed column(s) "
            "from the file (a trailing delimiter on every line adds one)"
        )


def _unnamed_columns(table: Any, unnamed: str) -> tuple[Any, list[int]]:
    """The table without its empty-named columns that are left out, and their
    1-based positions: a first column that looks like a pandas index
    (:mod:`._pandas_index`) always; with ``unnamed="drop"`` every one (a
    trailing delimiter on every line, as some exports write); the others
    stay (and are refused)."""
    names = table.column_names
    empty = [i for i, n in enumerate(names) if not n.strip()]
    if unnamed != "drop":
        empty = [i for i in empty[:1] if i == 0 and index_like(table, 0)]
    if not empty:
        return table, []
    keep = [i for i in range(len(names)) if i not in set(empty)]
    return table.select(keep), [i + 1 for i in empty]


def _copy_name(path: str, fmt: str | None) -> str:
    """The name of a pipe's temporary copy: the pipe's own name when its suffix
    says a format (``data.tsv.gz``), else ``*.csv``: data from a pipe is CSV
    unless the content (Parquet's magic bytes) or ``fmt`` says otherwise."""
    base = "stdin" if path == STDIN else os.path.basename(path) or "input"
    if fmt is None and format_of_name(base) is not None:
        return base
    return f"{base}.{fmt or 'csv'}"


def read_data(
    path: str | os.PathLike[str],
    *,
    sep: str | None = None,
    fmt: str | None = None,
    encoding: str | None = None,
    decimal: str = ".",
    on_progress: ProgressHook | None = None,
    on_wait: Callable[[str], None] | None = None,
    text_columns: Collection[str] = (),
    unnamed: str = "error",
    verbatim: Collection[str] = (),
) -> RawData:
    """Read a data file (see the module docstring for formats and conventions).

    Parameters
    ----------
    path : str or path-like
        A file; ``"-"`` for standard input; a pipe or FIFO (read once).
    sep : str, optional
        CSV delimiter; sniffed from the header line when None.
    fmt : {"csv", "parquet", "libsvm"}, optional
        Force a format instead of recognising it.
    encoding : str, optional
        Text encoding of a CSV file, any Python codec name (default UTF-8).
    decimal : str
        Decimal mark of numbers in a CSV file: ``"."`` (default) or ``","``.
    on_progress : callable, optional
        ``on_progress(rows_read, bytes_read, bytes_total)`` while a CSV file
        is read, at most every :data:`PROGRESS_SECONDS` and once at the end
        (see :func:`logistic.tabular._raw.counting`).
    on_wait : callable, optional
        Told (one sentence) when a FIFO has had no data for a second.
    text_columns : collection of str
        CSV columns read as text, not inferred (absent names are ignored):
        identifiers to copy unchanged, and columns a model knows as
        categorical, whose levels are the strings seen at fit time.
    unnamed : {"error", "drop"}
        CSV columns with an empty header name: an error naming their
        positions, or (``"drop"``, for a model that reads named columns
        only) left out, their positions in ``RawData.unnamed``.
    verbatim : collection of str
        CSV columns also wanted exactly as written (``predict --keep``):
        ``RawData.verbatim`` holds, for those not already read as text
        without a missing value, the text of every field, missing-value
        tokens included; an unquoted empty field is null, a quoted one
        (``""``) the empty string. ``RawData.table`` is unchanged.

    Returns
    -------
    RawData
        ``path`` is how messages name the input (``"standard input"`` for
        ``"-"``); ``sha256`` is set for data read from a pipe.
    """
    path = os.fspath(path)
    if fmt is not None and fmt not in FORMATS:
        raise DataValidationError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    import_extra("pyarrow", "reading a data file (logistic.tabular.read_data)")
    encoding = check_encoding(encoding)
    check_decimal(decimal)
    with spooled(path, file_name=_copy_name(path, fmt), on_wait=on_wait) as src:
        sniffed, compression = sniff_format(src.path)
        kind = fmt or sniffed
        refuse_text_options(kind, src.name, sep, encoding, decimal)
        if kind == "parquet":
            raw = read_parquet(src.path, src.name, compression)
            _check_columns(raw.table.column_names, src.name)
        elif kind == "libsvm":
            from ._libsvm import read_libsvm  # LibSVM files only

            raw = read_libsvm(src.path, compression, name=src.name)
        else:
            raw = _read_csv(
                src.path,
                src.name,
                compression,
                sep,
                encoding,
                decimal,
                on_progress,
                text_columns,
                unnamed,
                verbatim,
            )
        if src.sha256 is not None and raw.lines is not None:
            raw.lines.detach()  # a pipe's copy, removed on leaving the block
    raw.sha256 = src.sha256
    return raw

