"""A CSV file read row block by row block with pyarrow's streaming reader.

:class:`CSVSource` yields raw chunks ``(where, X, y, sample_weight, offset)``
in file order under the conventions of :mod:`._sources` (columns by name,
errors naming the file and the row's line, booleans as 0/1).

**Memory.** pyarrow's streaming reader reads up to 32 blocks ahead of the
batch taken (a fixed queue: ARROW-12090, no option). The reader's block is
therefore a sixteenth of the chunk (at least 1 MiB, :func:`first_block`),
which bounds the text held ahead to about twice the chunk whatever the file's
size; the batches are re-blocked into the backend's chunks downstream
(:mod:`._rebatch`), so the block size changes no sum. A row longer than the
block makes the reader restart with a block four times larger, skipping the
rows already yielded, up to the chunk's size (the longest row a chunk holds,
as before): only files with such rows pay for the second read, and only on
the first pass (later passes start with the block it reached).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from .._exceptions import DataValidationError
from .._record_batches import (
    ExactIntegers,
    batches_after,
    later_type,
    whole_file_type,
)
from .._text_decoding import undecodable_csv
from ..formats import (
    compression_of,
    find_long_line,
    find_ragged_line,
    refuse_packed,
    reports_ragged_row,
    row_line,
    unclosed_quote,
)
from ._column_spec import _ColumnSpec
from ._sources import (
    _NOT_A_NUMBER,
    _READ_ERRORS,
    NotANumberError,
    RawChunk,
    _batch_to_chunk,
    _reader_error,
    _spec_key,
    csv_line,
    open_data,
)
from ._unchanged import UnchangedFiles

__all__ = ["CSVSource", "first_block", "header_blocks"]

#: The smallest reader block: pyarrow's own default.
MIN_BLOCK_BYTES = 1 << 20


def first_block(block_bytes: int) -> int:
    """The reader's first block size for chunks of ``block_bytes``: a
    sixteenth of it, at least :data:`MIN_BLOCK_BYTES`, at most the chunk."""
    return min(block_bytes, max(MIN_BLOCK_BYTES, block_bytes // 16))


def header_blocks(block_bytes: int) -> list[int]:
    """The reader's block sizes tried in turn for a file's header and column
    types: pyarrow's own 1 MiB first, four times larger while the first rows
    straddle it, up to ``block_bytes``. pyarrow's first block holds a first
    row of up to about twice the block; a longer one, which a chunk holds
    (:meth:`CSVSource.chunks`), needs a larger block to be read at all.
    Chunks smaller than 1 MiB keep pyarrow's 1 MiB, as before."""
    sizes = [MIN_BLOCK_BYTES]
    while sizes[-1] < block_bytes:
        sizes.append(min(4 * sizes[-1], block_bytes))
    return sizes


def _decompression_error(path: Path, compression: str) -> OSError | EOFError | None:
    """The error of decompressing ``path`` to its end, or None when its
    stream is whole."""
    import pyarrow as pa

    try:
        with open_data(path) as fh, pa.input_stream(fh, compression=compression) as s:
            while s.read(1 << 22):
                pass
    except (OSError, EOFError) as exc:
        return exc
    return None


class _InStep:
    """One column's batches (``batches``) cut to the main reader's batch at
    hand: ``rows[0]`` rows at each ``next``, fewer at the file's end."""

    def __init__(
        self, batches: Generator[Any, None, None], name: str, rows: list[int]
    ) -> None:
        self._batches, self._name, self._rows = batches, name, rows
        self._held: list[Any] = []  # arrays read and not yet given
        self._count = 0

    def __iter__(self) -> _InStep:
        return self

    def __next__(self) -> Any:
        import pyarrow as pa

        want = self._rows[0]
        while self._count < want:
            batch = next(self._batches, None)
            if batch is None:
                break
            self._held.append(batch.column(0))
            self._count += batch.num_rows
        if self._count == 0 and want > 0:
            raise StopIteration
        held = pa.concat_arrays(self._held) if self._held else pa.array([], pa.int64())
        take = min(want, self._count)
        self._held, self._count = [held.slice(take)], self._count - take
        return pa.RecordBatch.from_arrays([held.slice(0, take)], names=[self._name])

    def close(self) -> None:
        """Close the column's reader."""
        self._batches.close()


class _LongRow(Exception):
    """A row longer than the reader's block, where a larger block may be tried."""


class CSVSource:
    """A CSV file read with pyarrow's streaming reader (header row required)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        target: str | None,
        features: Any = None,
        weight: str | None = None,
        offset: str | None = None,
        block_bytes: int = 8 * 2**20,
        target_type: Any = None,
        **csv_options: Any,
    ) -> None:
        import pyarrow as pa
        from pyarrow import csv

        self.path = Path(path)
        self.name = str(self.path)
        self.block_bytes = max(2**16, int(block_bytes))
        # Quoted values may hold line breaks (RFC 4180); the streaming reader
        # splits blocks serially, so allowing them costs nothing measurable
        # (82 MB numeric CSV: 1.08 s vs 1.02 s per pass, medians of 5).
        self.parse = csv.ParseOptions(**{"newlines_in_values": True, **csv_options})
        self.csv_options = dict(csv_options)
        for block in header_blocks(self.block_bytes):  # a long first row
            try:
                with self._reader(
                    grow=block < self.block_bytes,
                    read_options=csv.ReadOptions(block_size=block, use_threads=False),
                    parse_options=self.parse,
                ) as reader:
                    names = reader.schema.names
                    types = reader.schema.types
                break
            except _LongRow:
                continue
        self.file_columns = list(names)  # named in reader errors
        self._head_kinds = dict(zip(names, types, strict=True))
        # columns of booleans in the first block (TRUE/FALSE) are read as
        # booleans, i.e. 0/1, as in memory and as a Parquet bool column
        self.booleans = {
            n for n, t in zip(names, types, strict=True) if pa.types.is_boolean(t)
        }
        self.spec = _ColumnSpec(names, target, features, weight, offset, self.name)
        text = any(pa.types.is_string(t) for t in types)  # '"' quotes? (csv_options)
        self._quote_unchecked = text and self.parse.quote_char == '"'  # by chunks()
        self.unchanged = UnchangedFiles([self.path])  # from pass to pass
        self._target_given = target_type
        if target_type is not None:  # the whole file's (a caller found it)
            self._target_type = target_type

    def _refuse_unclosed_quote(self) -> None:
        """Refuse, once, a file ending inside a quoted value, which the reader
        takes, the rest of the file with it, as one value (formats.unclosed_quote)."""
        if not self._quote_unchecked:
            return
        with open_data(self.path) as fh:
            compression = compression_of(fh.read(3))
        error = unclosed_quote(
            self.name, str(self.path), compression, self.parse.delimiter, "utf-8"
        )
        if error is not None:
            raise error
        self._quote_unchecked = False

    def position(self, row: int) -> str:
        """Data row ``row`` (0-based) as its line in the file, as the
        in-memory reader names it: blank lines and quoted line breaks counted
        (:func:`logistic.formats.row_line`, reading the file again up to it;
        ``row + 2`` where it cannot be read)."""
        with open_data(self.path) as fh:
            compression = compression_of(fh.read(3))
        line = row_line(str(self.path), compression, self.parse.delimiter, row)
        return csv_line(row) if line is None else f"line {line}"

    def cache_identity(self) -> tuple[list[Path], dict[str, Any]]:
        """The file and the decoding options that name this source's row cache."""
        options: dict[str, Any] = {"kind": "csv", "columns": _spec_key(self.spec)}
        options["csv"] = {k: repr(v) for k, v in sorted(self.csv_options.items())}
        # an entry whose text target kept empty fields and NA as labels is
        # not this reading's (:meth:`chunks`)
        options["text_nulls"] = True
        # nor one whose integer columns beyond ±2**53 were read as floats
        # (:meth:`_integer_columns`)
        options["exact_integers"] = True
        if self._target_given is not None:  # labels read as the whole file's type
            options["target_type"] = str(self._target_given)
        return [self.path], options

    def known_rows(self) -> int | None:
        """Unknown before reading (CSV has no row count)."""
        return None

    @contextmanager
    def _reader(self, grow: bool = False, **options: Any) -> Iterator[Any]:
        """pyarrow's streaming CSV reader over the open (decompressed) file.

        Reader errors inside the block become :class:`DataValidationError`
        naming the file; the reader, stream and file are closed on exit.
        ``grow``: a row longer than the block raises :class:`_LongRow`
        instead (a larger block may read it).
        """
        import pyarrow as pa
        from pyarrow import csv

        with open_data(self.path) as fh:
            compression: str | None = None
            try:
                head = fh.read(1024)
                refuse_packed(head, str(self.path))  # zstd, xz, a zipped CSV
                compression = compression_of(head)
                fh.seek(0)
                with pa.input_stream(fh, compression=compression) as stream:
                    reader = csv.open_csv(stream, **options)
                    try:
                        yield reader
                    finally:
                        reader.close()
            except DataValidationError:
                raise
            except _READ_ERRORS as exc:
                if compression is not None and not isinstance(exc, OSError):
                    # a damaged stream decompresses to text the reader may
                    # refuse before the stream's own error is reached
                    exc = _decompression_error(self.path, compression) or exc
                if grow and "straddl" in str(exc):
                    raise _LongRow from None
                bad = _NOT_A_NUMBER.search(str(exc))
                if isinstance(exc, UnicodeDecodeError) or (  # a header, or a value
                    bad is not None and "\ufffd" in bad.group(2)
                ):  # that is not UTF-8 text
                    undecodable = undecodable_csv(str(self.path))
                    if undecodable is not None:
                        raise undecodable from None
                names = getattr(self, "file_columns", None)
                rows = getattr(self, "_rows_read", None)
                ragged = ""  # a row of another number of fields: named by its line
                delimiter = self.parse.delimiter
                if reports_ragged_row(str(exc)):
                    ragged = find_ragged_line(
                        str(self.path), compression, delimiter, option="delimiter"
                    )
                    ragged += f" (delimiter {delimiter!r})" if ragged else ""
                elif "straddl" in str(exc):  # a row longer than the reader's block
                    block = options.get("read_options")
                    size = getattr(block, "block_size", None) or 1 << 20
                    ragged = find_long_line(
                        str(self.path), compression, size, delimiter
                    )
                raise _reader_error(self.path, exc, names, rows, ragged) from None

    def chunks(self, dtype: Any) -> Iterator[RawChunk]:
        import pyarrow as pa
        from pyarrow import csv

        numeric = [c for c in self.spec.columns if c != self.spec.target]
        types = {c: pa.bool_() if c in self.booleans else pa.float64() for c in numeric}
        if not hasattr(self, "_target_type"):
            self._target_type = self._head_type(self.spec.target)
        if self._target_type is not None:
            types[self.spec.target] = self._target_type
        convert = csv.ConvertOptions(
            column_types=types,
            include_columns=self.spec.columns,
            # a text target's empty field or NA token is missing, as in memory
            # (tabular._read), not a label of its own
            strings_can_be_null=True,
        )
        row0 = 0
        self._rows_read: int | None = 0
        self.unchanged.check()
        self._refuse_unclosed_quote()
        # the block a long row made a pass grow to: later passes start there
        block = getattr(self, "_read_block", first_block(self.block_bytes))
        skip = 0
        rows = [0]  # the rows of the batch at hand, for the exact integers
        exact = ExactIntegers(self._integer_columns(types), self._reread(rows))
        try:
            while True:
                try:
                    with closing(self._batches(block, convert)) as batches:
                        # past the rows a smaller block's reading yielded
                        for batch in batches_after(batches, skip):
                            rows[0] = batch.num_rows
                            batch = exact.table(batch, row0)
                            yield _batch_to_chunk(
                                batch,
                                self.spec,
                                str(self.path),
                                row0,
                                dtype,
                                self.position,
                            )
                            row0 += batch.num_rows
                            self._rows_read = row0
                    break
                except _LongRow:
                    block, skip = min(4 * block, self.block_bytes), row0
                    self._read_block = block
                except NotANumberError as exc:
                    if not self._booleans_later(exc.column, types):
                        raise
                    # read on as booleans (0/1 as before) from the chunk at hand
                    types[exc.column] = pa.bool_()
                    self.booleans.add(exc.column)  # and so in later passes
                    convert = csv.ConvertOptions(
                        column_types=types,
                        include_columns=self.spec.columns,
                        strings_can_be_null=True,
                    )
                    skip = row0
        finally:
            exact.close()
        self._rows_read = None
        self.unchanged.check()

    def _integer_columns(self, types: dict[str, Any]) -> list[str]:
        """The columns read as float64 (features, weight, offset) that the
        first block holds as integers or not at all: the whole file may hold
        them as int64, as the in-memory reader infers (its integers beyond
        ±2**53 refused, or rounded for a weight or an offset, by
        :func:`._sources._column_to_numpy`; :mod:`.._record_batches`)."""
        import pyarrow as pa

        return [
            name
            for name, kind in types.items()
            if pa.types.is_float64(kind)
            and (
                pa.types.is_integer(head := self._head_kinds.get(name, pa.null()))
                or pa.types.is_null(head)
            )
        ]

    def _reread(self, rows: list[int]) -> Any:
        """``reread(name, type, skip)``: column ``name`` read again alone as
        ``type`` from the file's row ``skip`` on, in batches of ``rows[0]``
        rows (the main reader's batch at hand) as they are asked for (for
        :class:`.._record_batches.ExactIntegers`). Reader errors are
        pyarrow's own (a value that is not an integer: the file is read as
        floats)."""

        def reread(name: str, kind: Any, skip: int) -> Iterator[Any]:
            return _InStep(self._column_batches(name, kind, skip), name, rows)

        return reread

    def _booleans_later(self, name: str, types: dict[str, Any]) -> bool:
        """Whether feature ``name``, read as float64 for the integers (or no
        value) of the first block, holds booleans in the whole file (0/1,
        then ``true``: pyarrow's inference tries integers, then booleans,
        and the in-memory reader reads the column as booleans, 0/1); the
        column read again alone, on this error path only."""
        import pyarrow as pa

        if name not in self.spec.features:
            return False
        kind = later_type(
            self._head_kinds.get(name, pa.null()),
            types.get(name),
            lambda kind: self._column_batches(name, kind, 0),
        )
        return kind is not None and bool(pa.types.is_boolean(kind))

    def target_type(self) -> Any:
        """The type the whole file gives the target (booleans, float64 or
        text), for a reading that met a value its first block's type cannot
        hold (``1.0`` or ``true`` after integers, a word): the column read
        again alone, on that error path only (a fit then starts again with
        it, ``target_type=``)."""
        return whole_file_type(
            lambda kind: self._column_batches(self.spec.target, kind, 0)
        )

    def refuse_inexact_integers(self, name: str) -> None:
        """Refuse column ``name`` as :meth:`chunks` refuses a feature where
        the whole file holds it as integers, one of them beyond ±2**53 (its
        first named by line, in the same words); return where a value does
        not convert to int64 (``2.5``: the file is read as floats, as in
        memory) or none is beyond. The column alone is read, to its end or
        to its first value that is not an integer: for a reader that read
        it as float64 and met a value of 2**53 or more (a Dask fit)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from ._column_words import refuse_beyond_float

        first, row0 = None, 0
        try:
            for batch in self._column_batches(name, pa.int64(), 0):
                column = batch.column(0)
                if first is None:
                    wide = pc.or_(pc.greater(column, 2**53), pc.less(column, -(2**53)))
                    if pc.any(wide).as_py():
                        first = (column, row0)
                row0 += batch.num_rows
        except (pa.ArrowInvalid, UnicodeError, EOFError):
            return  # floats (or an error the reader names on its own)
        if first is not None:
            refuse_beyond_float(first[0], name, self.name, first[1], self.position)

    def _column_batches(
        self, name: str, kind: Any, skip: int
    ) -> Generator[Any, None, None]:
        """Column ``name`` as ``kind`` from row ``skip`` on, in the reader's
        batches; a row longer than the block makes it read again with a
        larger block (as :meth:`chunks`), pyarrow's errors otherwise raised
        as they are."""
        import pyarrow as pa
        from pyarrow import csv

        convert = csv.ConvertOptions(
            column_types={name: kind},
            include_columns=[name],
            strings_can_be_null=True,
        )
        block = getattr(self, "_read_block", first_block(self.block_bytes))
        done = skip
        while True:
            try:
                with open_data(self.path) as fh:
                    compression = compression_of(fh.read(3))
                    fh.seek(0)
                    with pa.input_stream(fh, compression=compression) as stream:
                        reader = csv.open_csv(
                            stream,
                            read_options=csv.ReadOptions(block_size=block),
                            parse_options=self.parse,
                            convert_options=convert,
                        )
                        with closing(reader):
                            for batch in batches_after(reader, done):
                                yield batch
                                done += batch.num_rows
                return
            except pa.ArrowInvalid as exc:
                if "straddl" not in str(exc) or block >= self.block_bytes:
                    raise
                block = min(4 * block, self.block_bytes)

    def _head_type(self, column: str) -> Any:
        """The type pyarrow infers for ``column`` from the file's first
        ``block_bytes`` of text (cut at a line break, read as one block, so
        that a row longer than the reader's first block within it reads), or
        None where they do not parse alone (the reader's own inference then
        stands).

        A column that is not converted to numbers (the target) is typed by
        the reader from its first block; read in smaller blocks than the
        chunk (module docstring), it is typed here from as much text as one
        chunk's block, so that labels written ``1`` and, within it, ``1.0``
        are read as decimals whatever the reader's block."""
        import pyarrow as pa
        from pyarrow import csv

        try:
            with open_data(self.path) as fh:
                compression = compression_of(fh.read(3))
                fh.seek(0)
                with pa.input_stream(fh, compression=compression) as stream:
                    text = stream.read(self.block_bytes)
            if len(text) == self.block_bytes:  # more follows: whole lines only
                text = text[: text.rfind(b"\n") + 1]
            table = csv.read_csv(  # in one block: a long row within it reads
                pa.BufferReader(text),
                read_options=csv.ReadOptions(
                    use_threads=False, block_size=max(len(text), 1)
                ),
                parse_options=self.parse,
                convert_options=csv.ConvertOptions(
                    include_columns=[column], strings_can_be_null=True
                ),
            )
        except (pa.ArrowException, ValueError, OSError, EOFError):
            return None
        kind = table.schema.field(column).type
        return None if pa.types.is_null(kind) else kind

    def _batches(self, block: int, convert: Any) -> Generator[Any, None, None]:
        """The file's record batches read in blocks of ``block`` bytes (a row
        longer raises :class:`_LongRow` below the chunk's size); a label
        column that is not UTF-8 text is refused."""
        import pyarrow as pa
        from pyarrow import csv

        with self._reader(
            grow=block < self.block_bytes,
            read_options=csv.ReadOptions(block_size=block),
            parse_options=self.parse,
            convert_options=convert,
        ) as reader:
            for batch in reader:
                target = batch.schema.field(self.spec.target).type
                if pa.types.is_binary(target) or pa.types.is_large_binary(target):
                    # Arrow types text that is not UTF-8 as bytes: never labels
                    raise undecodable_csv(str(self.path)) or DataValidationError(
                        f"{self.path}: the label column {self.spec.target!r} is "
                        "not UTF-8 text; convert the file to UTF-8"
                    )
                yield batch
