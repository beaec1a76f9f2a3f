"""A CSV or Parquet file read in chunks of rows, for the commands that apply a
saved model to a file they need not hold (``logistic predict``, ``evaluate``).

Conventions (owned here):

* **Chunks.** :meth:`ChunkedFile.chunks` yields :class:`RawData` of at most
  ``chunk_rows`` rows each, in file order (at least one, empty for a file
  with no data rows). ``RawData.first_row`` is the 0-based place of a chunk's
  first row in the file, so that :func:`._raw.position` names a row as the
  in-memory reader does: a CSV row by the line it starts on (blank lines and
  quoted line breaks counted, :func:`logistic.formats.row_line`, the file
  read again up to it on the error path only), a Parquet row by its 1-based
  row.
* **Head.** :class:`ChunkedFile` reads a file's head once: the in-memory
  reader's checks of CSV text (UTF-16, binary data, a JSON document, the
  delimiter sniffed or ``sep``, a spreadsheet's delimiter line; empty header
  names left out, as ``read_data(unnamed="drop")``; a name twice refused),
  a Parquet file's schema. :meth:`ChunkedFile.head` is a table of no rows
  holding every column (as text), on which a caller checks columns as it
  checks a file read whole.
* **Types.** Only the columns asked for are read. ``text_columns`` are text,
  as :func:`._read.read_data` reads them. Any other CSV column takes its type
  from the first block, widened so that a later value of the same kind reads:
  integers and columns with no value there are read as float64 (an integer
  is the same float64 either way up to 2**53; a chunk holding a value of
  2**53 or more has the column read again as int64, its exact integers
  where the whole file holds integers only, as the in-memory reader reads
  and refuses them: :mod:`logistic._record_batches`), booleans as booleans, text as
  text. Such a column of 0/1 holding ``true`` after the first block is read
  as booleans from that chunk on where the whole file holds booleans, and a
  target (``labels``) holding another word as text (:meth:`ChunkedFile._typed_tables`).
  Any other word in a column of numbers after the first
  block is the in-memory reader's error, its first line and count found by
  reading that column again (:func:`._streamed_numbers.streamed_garbage`).
  Parquet columns keep their stored types.
* **Verbatim.** ``verbatim`` CSV columns (``predict --keep``) come from a
  second reader kept in step with the first, with the in-memory reader's
  verbatim options (:func:`._read._verbatim`: only an unquoted empty field is
  missing), into ``RawData.verbatim``.
* **Memory.** pyarrow's streaming CSV reader parses blocks of
  :data:`MIN_BLOCK_BYTES` and reads a fixed number of blocks ahead; a row
  longer than a block is read again with blocks four times larger, the rows
  already read skipped, up to :data:`._read.CSV_BLOCK_BYTES` (the in-memory
  reader's block: a longer line is refused by both). Parquet is read a
  batch at a time. What is held is bounded by the chunk and that read-ahead,
  not by the file.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Generator, Iterator
from contextlib import contextmanager
from typing import Any

from .._exceptions import DataValidationError
from .._record_batches import ExactIntegers, later_type
from ..formats import sniff_format, unclosed_quote
from ._chunk_tables import FileLines, Reading, rechunked
from ._csv_errors import csv_error, undecodable
from ._encoding import (
    UTF8,
    check_encoding,
    effective_encoding,
    refuse_binary,
    refuse_json,
    refuse_text_options,
    refuse_utf16,
)
from ._raw import ProgressHook, RawData, open_data
from ._read import (
    CSV_BLOCK_BYTES,
    _check_columns,
    _refuse_delimiter_line,
    check_decimal,
    check_delimiter,
    sniff_delimiter,
)

__all__ = ["MIN_BLOCK_BYTES", "STREAMED_FORMATS", "ChunkedFile"]

#: The CSV reader's first block: pyarrow's default. pyarrow's streaming reader
#: reads blocks ahead of the one parsed: 1 MiB blocks held ~50 MB of them on a
#: 150 MB file, 4 MiB blocks ~150 MB (peak RSS over the imports).
MIN_BLOCK_BYTES = 1 << 20
#: The formats a file is read in chunks from (LibSVM is read whole).
STREAMED_FORMATS = ("csv", "parquet")


class ChunkedFile:
    """A CSV or Parquet file whose head is read and checked (module docstring).

    Parameters
    ----------
    path : str
        A regular file (standard input and pipes are read whole, by
        :func:`._read.read_data`).
    fmt : {"csv", "parquet"}, optional
        Forced format; sniffed (content, then name) when None.
    sep, encoding, decimal
        CSV text options, as :func:`._read.read_data` takes them.
    """

    def __init__(
        self,
        path: str,
        *,
        fmt: str | None = None,
        sep: str | None = None,
        encoding: str | None = None,
        decimal: str = ".",
    ) -> None:
        self.path = self.name = str(path)
        sniffed, self.compression = sniff_format(self.path)
        self.format = fmt or sniffed
        if self.format not in STREAMED_FORMATS:
            raise DataValidationError(
                f"{self.name} is {self.format} data, which is read whole, not in "
                "chunks; leave out --stream"
            )
        self.encoding = check_encoding(encoding)
        self.decimal = check_decimal(decimal)
        refuse_text_options(self.format, self.name, sep, self.encoding, decimal)
        self.delimiter: str | None = None
        self.unnamed: list[int] = []
        if self.format == "parquet":
            self.header = self._parquet_header()
        else:
            self.header = self._csv_header(sep)

    # -- the head ---------------------------------------------------------------
    def _parquet_header(self) -> list[str]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from ._parquet import not_parquet_hint, parquet_message, refuse_compressed

        refuse_compressed(self.name, self.compression)
        with open_data(self.path) as fh:
            try:
                names = list(pq.read_schema(fh).names)
            except (pa.ArrowException, OSError) as exc:
                if getattr(exc, "errno", None) is not None:
                    raise
                raise DataValidationError(
                    f"{self.name}: cannot read Parquet: "
                    f"{not_parquet_hint(self.path) or parquet_message(exc)}"
                ) from None
        _check_columns(names, self.name)
        return names

    def _csv_header(self, sep: str | None) -> list[str]:
        import pyarrow as pa

        from ..formats import read_head

        head = read_head(self.path, self.compression)
        if not head.strip():
            raise DataValidationError(f"{self.name} is empty (no header, no data rows)")
        self.encoding = effective_encoding(head, self.encoding)
        refuse_utf16(head, self.name, self.encoding)
        refuse_binary(head, self.name, self.encoding)
        refuse_json(head, self.name)
        delimiter = (
            sep if sep is not None else sniff_delimiter(head, self.name, self.encoding)
        )
        self.delimiter = check_delimiter(delimiter)
        read = Reading()
        try:
            next(iter(self._batches(None, read)), None)
        except (pa.ArrowInvalid, UnicodeError, EOFError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise
            raise self._error(exc) from None
        schema = read.schema
        self.file_columns = list(schema.names)
        self._head_types = dict(zip(schema.names, schema.types, strict=True))
        _refuse_delimiter_line(self.file_columns, self.name, delimiter)
        names = [n for n in self.file_columns if n.strip()]  # unnamed="drop"
        self.unnamed = [i + 1 for i, n in enumerate(self.file_columns) if not n.strip()]
        _check_columns(names, self.name, delimiter=delimiter)
        return names

    def head(self, text_columns: Collection[str] = ()) -> RawData:
        """Every column of the file with no rows, of the type its chunks
        read it as (``text_columns`` as text; Parquet: the stored types): for
        the checks of columns a caller makes on a file read whole."""
        import pyarrow as pa

        if self.format == "parquet":
            with open_data(self.path) as fh:
                import pyarrow.parquet as pq

                schema = pq.read_schema(fh)
            table = schema.empty_table()
        else:
            types = self._types(self.header, set(text_columns))
            table = pa.table({n: pa.array([], types[n]) for n in self.header})
        raw = RawData(self.name, self.format, table=table, delimiter=self.delimiter)
        raw.unnamed = list(self.unnamed)
        return raw

    # -- reading -------------------------------------------------------------------
    def chunks(
        self,
        columns: Collection[str],
        *,
        chunk_rows: int,
        text_columns: Collection[str] = (),
        verbatim: Collection[str] = (),
        on_progress: ProgressHook | None = None,
        labels: Collection[str] = (),
    ) -> Iterator[RawData]:
        """The file's rows in chunks (module docstring): ``columns`` read,
        ``text_columns`` among them as text, ``verbatim`` columns as written,
        ``labels`` (a target) as the whole file types them where a later
        block holds a word (:meth:`_typed_tables`);
        ``on_progress(rows, bytes_read, bytes_total)`` after each chunk."""
        if chunk_rows < 1:
            raise ValueError(f"chunk_rows must be at least 1, got {chunk_rows}")
        header = set(self.header)
        if self.format == "parquet":  # stored types: verbatim as they are
            both = [*columns, *verbatim]
            both = [c for c in dict.fromkeys(both) if c in header]
            return self._parquet_chunks(both, chunk_rows, on_progress)
        columns = [c for c in dict.fromkeys(columns) if c in header]
        return self._csv_chunks(
            columns,
            chunk_rows,
            set(text_columns),
            list(verbatim),
            on_progress,
            set(labels),
        )

    def _parquet_chunks(
        self, columns: list[str], chunk_rows: int, on_progress: ProgressHook | None
    ) -> Iterator[RawData]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from ._parquet import parquet_message

        with open_data(self.path) as fh:
            try:
                pf = pq.ParquetFile(fh)
                total = pf.metadata.num_rows
                schema = pf.schema_arrow
                schema = pa.schema([schema.field(c) for c in columns])
                batches = pf.iter_batches(batch_size=chunk_rows, columns=columns)
                row0 = 0
                for table in rechunked(batches, chunk_rows, schema):
                    yield RawData(self.name, "parquet", table=table, first_row=row0)
                    row0 += table.num_rows
                    if on_progress is not None:
                        size = os.fstat(fh.fileno()).st_size
                        done = size if not total else size * row0 // total
                        on_progress(row0, done, size)
            except (pa.ArrowException, OSError) as exc:
                if getattr(exc, "errno", None) is not None:
                    raise
                raise DataValidationError(
                    f"{self.name}: cannot read Parquet: {parquet_message(exc)}"
                ) from None

    def _types(self, columns: list[str], text: set[str]) -> dict[str, Any]:
        """Each CSV column's type (module docstring, **Types**)."""
        import pyarrow as pa

        types = {}
        for name in columns:
            head = self._head_types.get(name, pa.null())
            if name in text or pa.types.is_string(head):
                types[name] = pa.string()
            elif pa.types.is_boolean(head):
                types[name] = pa.bool_()
            elif pa.types.is_integer(head) or pa.types.is_floating(head):
                types[name] = pa.float64()
            elif pa.types.is_null(head):
                types[name] = pa.float64()
            else:  # dates, times: as the reader infers them (refused as numbers)
                types[name] = head
        return types

    def _csv_chunks(
        self,
        columns: list[str],
        chunk_rows: int,
        text: set[str],
        verbatim: list[str],
        on_progress: ProgressHook | None,
        labels: set[str],
    ) -> Iterator[RawData]:
        import pyarrow as pa

        types = self._types(columns, text)
        if verbatim or any(pa.types.is_string(t) for t in types.values()):
            assert self.delimiter is not None
            error = unclosed_quote(  # the rest of the file would be one value
                self.name, self.path, self.compression, self.delimiter, self.encoding
            )
            if error is not None:
                raise error
        lines = FileLines(self.path, self.compression, self.delimiter or ",")
        main = self._typed_tables(columns, types, chunk_rows, labels)
        extra = self._verbatim_chunks(verbatim, chunk_rows)
        exact = ExactIntegers(self._integer_columns(types), self._reread(chunk_rows))
        row0 = 0
        try:
            for table, read in self._translated(main):
                table = exact.table(table, row0)
                raw = RawData(
                    self.name,
                    "csv",
                    table=table,
                    delimiter=self.delimiter,
                    lines=lines,
                    first_row=row0,
                )
                if extra is not None:
                    again = next(extra)
                    if again.num_rows != table.num_rows:  # pragma: no cover
                        raise AssertionError("verbatim reader out of step")
                    raw.verbatim = {n: again.column(n) for n in verbatim}
                yield raw
                row0 += table.num_rows
                if on_progress is not None:
                    on_progress(row0, read.done(), read.size)
        finally:
            main.close()
            exact.close()
            if extra is not None:
                extra.close()

    def _typed_tables(
        self,
        columns: list[str],
        types: dict[str, Any],
        chunk_rows: int,
        labels: set[str],
    ) -> Generator[tuple[Any, Reading], None, None]:
        """The chunks' tables of ``columns`` read as ``types``, each with the
        reading it came from (for the progress).

        A column read as float64 for the integers or no value of the first
        block, then holding a word, is read as booleans from the chunk
        holding the word on where the whole file holds booleans (``0``/``1``
        first and ``true`` later: pyarrow's inference, which tries integers
        before booleans, types the whole file's column as booleans, and the
        in-memory reader reads it so). The chunks before read it as 0.0/1.0,
        the values booleans take as numbers and the labels they match (one
        pair: :func:`._labels.apply_labels`). A column of ``labels`` with
        another word is read as text from there on, as the whole file reads
        it (a label the model does not know is then named as in memory; the
        chunks before hold numbers, which labels match as their text); in
        another column such a word is the reader's error (:meth:`_error`)."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        from .._record_batches import batches_after

        row0 = 0
        while True:
            convert = pacsv.ConvertOptions(
                include_columns=columns,
                column_types=types,
                strings_can_be_null=True,
                decimal_point=self.decimal,
            )
            read = Reading()
            batches = batches_after(self._batches(convert, read), row0)
            tables = rechunked(batches, chunk_rows, read)
            try:
                for table in tables:
                    if row0 and not table.num_rows:
                        continue  # the rest of the file after a retyping: none
                    yield table, read
                    row0 += table.num_rows
                return
            except pa.ArrowInvalid as exc:
                retyped = self._retyped(exc, types, chunk_rows, labels)
                if retyped is None:
                    raise
                types = {**types, **retyped}
            finally:
                tables.close()

    def _retyped(
        self,
        exc: Exception,
        types: dict[str, Any],
        chunk_rows: int,
        labels: set[str],
    ) -> dict[str, Any] | None:
        """The column the reader's error ``exc`` names and its type from its
        failing chunk on, where it is read as float64 for the first block's
        integers or no value: booleans where every value of the file is one,
        text for a column of ``labels`` (:meth:`_typed_tables`); else None."""
        import pyarrow as pa

        from ..backends._sources import _NOT_A_NUMBER

        found = _NOT_A_NUMBER.search(str(exc))
        names = getattr(self, "file_columns", [])
        if found is None or int(found.group(1)) >= len(names):
            return None
        name = names[int(found.group(1))]
        reread = self._reread(chunk_rows)
        kind = later_type(
            self._head_types.get(name, pa.null()),
            types.get(name),
            lambda kind: reread(name, kind, 0),
        )
        if kind is None:
            return None
        if pa.types.is_boolean(kind) or (pa.types.is_string(kind) and name in labels):
            return {name: kind}
        return None

    def _integer_columns(self, types: dict[str, Any]) -> list[str]:
        """The columns read as float64 that the first block holds as
        integers or not at all: the whole file may hold them as int64
        (:mod:`logistic._record_batches`)."""
        import pyarrow as pa

        return [
            name
            for name, kind in types.items()
            if pa.types.is_float64(kind)
            and not pa.types.is_floating(self._head_types.get(name, pa.null()))
        ]

    def _reread(self, chunk_rows: int) -> Any:
        """``reread(name, type, skip)``: column ``name`` read again alone as
        ``type``, in tables of the chunks' rows from the file's row ``skip``
        on (for :class:`logistic._record_batches.ExactIntegers`)."""
        import pyarrow.csv as pacsv

        from .._record_batches import batches_after

        def reread(name: str, kind: Any, skip: int) -> Iterator[Any]:
            convert = pacsv.ConvertOptions(
                include_columns=[name],
                column_types={name: kind},
                strings_can_be_null=True,
                decimal_point=self.decimal,
            )
            read = Reading()
            batches = batches_after(self._batches(convert, read), skip)
            return rechunked(batches, chunk_rows, read)

        return reread

    def _verbatim_chunks(self, names: list[str], chunk_rows: int) -> Any:
        """The ``names`` columns as written, in the main reader's chunks."""
        if not names:
            return None
        import pyarrow as pa
        import pyarrow.csv as pacsv

        convert = pacsv.ConvertOptions(  # as _read._verbatim
            include_columns=names,
            column_types=dict.fromkeys(names, pa.string()),
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        read = Reading()
        return self._translated(
            rechunked(self._batches(convert, read), chunk_rows, read)
        )

    def _batches(self, convert: Any, read: Reading) -> Iterator[Any]:
        """The file's record batches, read in blocks of
        :data:`MIN_BLOCK_BYTES`; a row longer than the block is read again
        with a block four times larger, the rows already yielded skipped, up
        to :data:`._read.CSV_BLOCK_BYTES` (the in-memory reader's)."""
        import pyarrow as pa

        from .._record_batches import batches_after

        block, done = MIN_BLOCK_BYTES, 0
        while True:
            try:
                with self._csv_reader(convert, block) as (reader, fh):
                    read.opened(reader.schema, fh)
                    for batch in batches_after(reader, done):
                        yield batch
                        done += batch.num_rows
                return
            except pa.ArrowInvalid as exc:
                if "straddl" not in str(exc) or block >= CSV_BLOCK_BYTES:
                    raise
                block = min(4 * block, CSV_BLOCK_BYTES)

    @contextmanager
    def _csv_reader(
        self, convert: Any, block: int = MIN_BLOCK_BYTES
    ) -> Iterator[tuple[Any, Any]]:
        """pyarrow's streaming reader over the (decompressed) file in blocks
        of ``block`` bytes, and the open file under it."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        options: dict[str, Any] = {
            "read_options": pacsv.ReadOptions(
                block_size=block,
                encoding="utf8" if self.encoding == UTF8 else self.encoding,
            ),
            "parse_options": pacsv.ParseOptions(
                delimiter=self.delimiter, newlines_in_values=True
            ),
        }
        if convert is not None:
            options["convert_options"] = convert
        with (
            open_data(self.path) as fh,
            pa.input_stream(fh, compression=self.compression) as stream,
        ):
            reader = pacsv.open_csv(stream, **options)
            try:
                yield reader, fh
            finally:
                reader.close()

    def _translated(self, tables: Iterator[Any]) -> Iterator[Any]:
        """``tables`` with a reader's error raised as the in-memory reader's."""
        import pyarrow as pa

        while True:
            try:
                table = next(tables)
            except StopIteration:
                return
            except (pa.ArrowInvalid, UnicodeError, EOFError, OSError) as exc:
                if isinstance(exc, OSError) and exc.errno is not None:
                    raise  # the file itself (I/O error, exit 74)
                raise self._error(exc) from None
            yield table

    def _error(self, exc: Exception) -> DataValidationError:
        """A reader's error in the in-memory reader's words: a word in a
        column of numbers (its first line and count, the column read again),
        text that does not decode, a ragged or long row."""
        from ..backends._sources import _NOT_A_NUMBER
        from ..formats import decompress_error
        from ._streamed_numbers import streamed_garbage

        assert self.delimiter is not None
        if isinstance(exc, UnicodeError):
            return undecodable(self.name, self.path, self.compression, self.encoding)
        if isinstance(exc, (EOFError, OSError)):
            return decompress_error(self.name, self.compression, exc)
        found = _NOT_A_NUMBER.search(str(exc))
        names = getattr(self, "file_columns", [])
        if found is not None and int(found.group(1)) < len(names):
            column = names[int(found.group(1))]
            error = streamed_garbage(self.path, self.delimiter, column, names)
            if error is not None:
                return error
            return DataValidationError(
                f"{self.name}: column {column!r} holds {found.group(2)[:60]!r} "
                "after its first rows, which read as another type; write every "
                "value of it the same way, or read the file whole (--no-stream)"
            )
        return csv_error(
            exc,
            self.name,
            self.path,
            self.compression,
            self.delimiter,
            self.encoding,
            CSV_BLOCK_BYTES,
        )
