"""Planning a streamed fit (``logistic fit --stream`` / ``--workers`` /
``--scheduler``): whether to stream, and which columns, from the file's head.

Conventions (owned here):

* **When.** ``--stream`` forces an out-of-core fit (the Chunked backend);
  ``--workers N`` or ``--scheduler ADDRESS`` a Dask fit on a new
  ``LocalCluster`` of N worker processes or on a running scheduler. Without
  them a file larger than :data:`STREAM_FRACTION` of the machine's physical
  memory (:func:`logistic.backends.should_stream`) is streamed automatically
  when it can be (else it is read into memory, with a note); ``--no-stream``
  turns that off. A compressed file is judged by its text, counted while it
  is read into memory (:func:`logistic.tabular._raw.bounded`): past the same
  fraction ``fit`` streams it when it can, and refuses it otherwise.
* **Columns.** The same rules as in memory: the target, ``--weights`` and
  ``--offset`` are never features; ``--features`` / ``--drop`` choose columns
  (:func:`logistic.columns.plan_columns`). Numeric feature columns only
  (booleans are 0/1, named as in memory): one-hot encoding needs every level
  before the first pass, so a text column is an error naming it (drop it, or
  fit in memory). ``--formula``, LibSVM input, ``--missing drop``,
  ``--class-weight`` and ``--trials`` are refused the same way.
* **Files.** What :func:`logistic.formats.sniff_format` says: CSV (plain,
  gzip, bz2; the delimiter sniffed as in memory or ``--sep``) and Parquet: a
  file, or a directory of Parquet files (:func:`logistic.formats.parquet_files`),
  whose first file's columns are planned: with features chosen automatically
  a later file may not add a column, and a ``--drop`` name may be held by any
  of the files (the order of the files decides neither). A Hive partition key
  (directories ``key=value``, :func:`logistic.formats.partition_keys`) that no
  file holds as a column is not read: named as the target, a feature, the
  weights or the offset it is refused, and with the features chosen
  automatically a note says it was left out (pandas, polars and Dask read it
  as a column: a fit would otherwise differ from theirs without a word).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, NamedTuple

from .._files import NotARegularFileError
from ..columns import ColumnPlan
from ._codes import EX_USAGE, CLIError
from ._common import note

__all__ = [
    "STREAM_FRACTION",
    "NotStreamable",
    "StreamPlan",
    "auto_stream",
    "plan_stream",
    "stream_instead",
    "text_columns_error",
]

#: Files larger than this fraction of physical memory are streamed by default.
STREAM_FRACTION = 0.25


class NotStreamable(CLIError):
    """The data or options need an in-memory fit (exit 2 when streaming was asked)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EX_USAGE)


class StreamPlan(NamedTuple):
    """What to stream and how it is encoded (decided before any pass).

    A named tuple, not a dataclass: cheaper to define at import (≈ 0.2 ms
    against ≈ 0.5 ms).
    """

    path: str
    format: str
    delimiter: str | None
    columns: ColumnPlan

    @property
    def target(self) -> str:
        assert self.columns.target is not None
        return self.columns.target

    @property
    def features(self) -> list[str]:
        return list(self.columns.features)

    @property
    def weights(self) -> str | None:
        return self.columns.weights

    @property
    def offset(self) -> str | None:
        return self.columns.offset

    def csv_source(self) -> Any:
        """The streamed reader of the plan's CSV file and columns, for the
        questions a Dask fit asks of the whole file (a column's exact
        integers, the target's type, the first value it cannot read)."""
        from ..backends._csv_source import CSVSource

        return CSVSource(
            self.path,
            target=self.target,
            features=self.features,
            weight=self.weights,
            offset=self.offset,
            delimiter=self.delimiter or ",",
        )


def auto_stream(data: Path) -> bool:
    """Whether ``data`` is large enough to stream without being asked."""
    from ..backends._dispatch import should_stream

    return data.exists() and should_stream(data, fraction=STREAM_FRACTION)


def _schema(path: str, fmt: str | None, sep: str | None) -> tuple[str, Any, Any]:
    """``(format, arrow schema, delimiter)`` from the file's head only."""
    import pyarrow as pa

    from ..formats import sniff_format
    from ..tabular._encoding import UTF8, refuse_text_options

    kind, compression = sniff_format(path)
    if not Path(path).is_dir():
        kind = fmt or kind
    refuse_text_options(kind, path, sep, UTF8, ".")  # the others: check_reading
    try:
        schema, delimiter = _read_schema(path, kind, compression, sep)
    except (pa.ArrowException, OSError) as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, NotARegularFileError)):
            raise
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # the file itself could not be read (I/O error, exit 74)
        from ..tabular._parquet import not_parquet_hint, parquet_message

        name = "Parquet" if kind == "parquet" else "CSV"
        hint = not_parquet_hint(path) if kind == "parquet" else ""
        raise CLIError(
            f"{path}: cannot read {name}: {hint or parquet_message(exc)}"
        ) from None
    return kind, schema, delimiter


def _later_schemas(path: str) -> list[tuple[Path, Any]]:
    """``(file, arrow schema)`` of each Parquet file of the directory ``path``
    after the first (whose schema plans the columns); a file whose schema
    cannot be read is left out (the passes report it)."""
    import pyarrow.parquet as pq

    from ..backends._sources import open_data
    from ..formats import parquet_files

    schemas = []
    for f in parquet_files(path)[1:]:
        try:
            with open_data(f) as fh:
                schemas.append((f, pq.read_schema(fh)))
        except (OSError, ValueError):
            continue
    return schemas


def _drops_of_first_file(
    drop: list[str], first: list[str], later: list[tuple[Path, Any]]
) -> list[str]:
    """The ``--drop`` names that :func:`logistic.columns.plan_columns` checks
    against the first file's columns: a name only a later file of the
    directory holds is dropped there (never a feature) and left out of that
    check, so the directory's order does not decide whether ``--drop`` is
    accepted; a name no file holds stays, and is refused by name."""
    elsewhere = {name for _, schema in later for name in schema.names}
    return [c for c in drop if c in first or c not in elsewhere]


def _refuse_extra_columns(
    path: str, first: list[str], ignored: set[str], later: list[tuple[Path, Any]]
) -> None:
    """With the features chosen automatically (every column but the roles'),
    refuse a further Parquet file of the directory ``path`` (``later``:
    :func:`_later_schemas`) with a column the first file lacks: the features
    would otherwise depend on which file comes first. Columns in ``ignored``
    (``--drop``) and those a file's pandas metadata names as its index are
    never features; a file missing a column is left to the passes (they
    refuse it by name)."""
    import os

    from .._screen_rules import pandas_index_columns
    from ..formats import parquet_files

    for f, schema in later:
        known = set(first) | ignored | set(pandas_index_columns(schema))
        extra = [c for c in schema.names if c not in known]
        if extra and set(first) <= set(schema.names):
            head = os.path.relpath(parquet_files(path)[0], path)
            raise CLIError(
                f"{f} has column(s) {extra[:20]} that {head} (the first file) does "
                "not; every file of a Parquet directory must hold the same columns "
                "(matched by name), or name the features with --features"
            )


def _read_schema(
    path: str, kind: str, compression: str | None, sep: str | None
) -> tuple[Any, str | None]:
    import pyarrow.parquet as pq

    from ..backends._sources import open_data
    from ..formats import no_parquet_files, parquet_files

    if Path(path).is_dir():
        files = parquet_files(path)
        if not files:
            raise CLIError(no_parquet_files(path))
        for f in files[1:]:  # every file is a regular file, before any pass
            open_data(f).close()
        with open_data(files[0]) as fh:
            return pq.read_schema(fh), None
    if kind == "libsvm":
        raise NotStreamable(
            f"{path} is LibSVM data; streaming reads CSV and Parquet only "
            "(fit LibSVM files in memory: leave out --stream/--workers)"
        )
    if kind == "parquet":
        with open_data(path) as fh:
            return pq.read_schema(fh), None
    return _csv_schema(path, compression, sep)


def _csv_schema(
    path: str, compression: str | None, sep: str | None
) -> tuple[Any, str | None]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from ..backends._csv_source import header_blocks
    from ..backends.in_memory import DEFAULT_BLOCK_BYTES
    from ..formats import read_head
    from ..tabular._encoding import refuse_json
    from ..tabular._read import refuse_binary, refuse_utf16, sniff_delimiter

    head = read_head(path, compression)
    if not head.strip():
        raise CLIError(f"{path} is empty (no header, no data rows)")
    refuse_utf16(head, path, streamed=True)
    refuse_binary(head, path)
    refuse_json(head, path)
    delimiter = sep or sniff_delimiter(head, path)
    options = pacsv.ParseOptions(delimiter=delimiter)
    blocks = header_blocks(DEFAULT_BLOCK_BYTES)  # a first row longer than 1 MiB
    for block in blocks:
        try:
            return _csv_head_schema(path, compression, options, block), delimiter
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or block == blocks[-1]:
                raise _schema_error(exc, path, compression, delimiter, block) from None
    raise AssertionError("unreachable: the last block raises")  # pragma: no cover


def _csv_head_schema(
    path: str, compression: str | None, options: Any, block: int
) -> Any:
    """The schema pyarrow's reader infers from a CSV file's first block of
    ``block`` bytes (decompression and header errors as CLIError; a parse
    error raised as pyarrow's)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from ..backends._sources import open_data
    from ..formats import decompress_error

    read = pacsv.ReadOptions(block_size=block, use_threads=False)
    with open_data(path) as fh:
        try:
            with pa.input_stream(fh, compression=compression) as stream:
                reader = pacsv.open_csv(
                    stream, read_options=read, parse_options=options
                )
                try:
                    schema = reader.schema
                    names = schema.names  # decoded here: a header not in UTF-8 raises
                    del names
                finally:
                    reader.close()
        except (OSError, EOFError) as exc:
            raise decompress_error(path, compression, exc) from None
        except UnicodeDecodeError:  # a column name that is not UTF-8 text
            from .._text_decoding import undecodable_csv

            raise undecodable_csv(path) or CLIError(
                f"{path}: its header is not UTF-8 text; convert the file to UTF-8"
            ) from None
    return schema


def _schema_error(
    exc: Exception, path: str, compression: str | None, delimiter: str, block: int
) -> CLIError:
    """A parse error in the reader's first block of ``block`` bytes, in the
    in-memory read's words (a line longer than the block named)."""
    from ..tabular._csv_errors import csv_error
    from ..tabular._encoding import UTF8
    from ..tabular._read import CSV_BLOCK_BYTES

    if "straddl" not in str(exc):  # the in-memory read's bound on a line
        block = CSV_BLOCK_BYTES
    error = csv_error(exc, path, path, compression, delimiter, UTF8, block)
    return CLIError(str(error))


def _check_options(
    formula: str | None, missing: str, options: dict, trials: str | None = None
) -> None:
    if formula is not None:
        raise NotStreamable(
            "--formula cannot be streamed (formula transforms and categorical "
            "levels need the whole data); name the columns with --target and "
            "--features/--drop, or fit in memory"
        )
    if missing != "error":
        raise NotStreamable(
            "--missing drop is not available when streaming; remove rows with "
            "missing values first, or fit in memory"
        )
    if options.get("class_weight") is not None:
        raise NotStreamable(
            "--class-weight is not available when streaming; fit in memory "
            "(without --stream), or give each row its class's weight in a "
            "--weights column"
        )
    if trials is not None:
        raise NotStreamable(
            "--trials (grouped binomial data) is not available when streaming; "
            "fit in memory (without --stream)"
        )
    if options.get("penalty") == "firth":
        raise NotStreamable(
            "--penalty firth is not available when streaming; fit in memory "
            "(without --stream)"
        )


def plan_stream(
    data: Path,
    *,
    target: str | None,
    formula: str | None,
    features: list[str] | None,
    drop: list[str] | None,
    missing: str,
    weights: str | None,
    offset: str | None,
    sep: str | None,
    fmt: str | None,
    options: dict[str, Any],
    trials: str | None = None,
    include: list[str] | None = None,
) -> StreamPlan:
    """Check the header and options; the columns to stream (no data pass but
    the head's: the first CSV block or Parquet row group, read to check
    numbers and to leave identifiers out as the in-memory fit does)."""
    from .._screen_rules import pandas_index_columns
    from ..columns import plan_columns
    from ..tabular._columns import ROLE_OPTIONS
    from ..tabular._pandas_index import unnamed_note
    from ..tabular._read import check_header_names
    from ..tabular._stored_text import check_printable

    _check_options(formula, missing, options, trials)
    path = str(data)
    kind, schema, delimiter = _schema(path, fmt, sep)
    # as read in memory: the header's names checked, then the target asked for
    unnamed = check_header_names(list(schema.names), path, delimiter)
    if target is None:
        from ..tabular._encode import no_target

        holder = "its first file" if kind == "parquet" and Path(path).is_dir() else ""
        raise no_target(
            list(schema.names),
            False,
            holder or "the file",
            pandas_index_columns(schema),
        )
    directory = kind == "parquet" and Path(path).is_dir()
    named = [target, weights, offset, *(features or [])]
    keys = _partition_keys(path, list(schema.names), named) if directory else []
    if drop and keys:  # a partition column --drop names is not read anyway
        dropped = set(drop) & set(keys)
        drop = [c for c in drop if c not in dropped]
        keys = [k for k in keys if k not in dropped]
    later = _later_schemas(path) if directory and (drop or not features) else []
    columns = plan_columns(
        schema,
        target=target,
        features=features,
        drop=_drops_of_first_file(drop, list(schema.names), later) if drop else drop,
        weights=weights,
        offset=offset,
        source=path,
        delimiter=delimiter,
        role_names=ROLE_OPTIONS,
    )
    if directory and not features:
        _refuse_extra_columns(path, list(schema.names), set(drop or ()), later)
    if unnamed:  # left out by plan_columns (no name to choose it by)
        notes = (unnamed_note(unnamed), *columns.notes)
        columns = dataclasses.replace(columns, notes=notes)
    if keys and not features:
        notes = (_partition_note(path, keys), *columns.notes)
        columns = dataclasses.replace(columns, notes=notes)
    names = [*columns.roles, *columns.features]
    if kind == "csv":
        _refuse_undecodable(path, schema, names)
    check_printable(names, "column name {}", path)  # as save would, after the fit
    text = _text_features(columns) if kind == "csv" else []
    # the head, read once: numbers with a stray word (the in-memory error) and,
    # for features chosen automatically, identifiers left out as in memory
    head = _head(path, kind, delimiter, names) if text or not features else None
    if text and head is not None:
        from ..tabular._streamed_numbers import check_streamed_head

        mostly_text = check_streamed_head(
            path, delimiter, head, text, list(schema.names)
        )
        if mostly_text:
            raise text_columns_error(columns.source, mostly_text)
    if not features:
        columns = _screened(columns, head, include)
    _refuse_text_columns(columns, schema)
    return StreamPlan(path, kind, delimiter, columns)


def _partition_keys(path: str, names: list[str], named: list[Any]) -> list[str]:
    """The Hive partition keys of the Parquet directory ``path`` that its
    files do not hold as columns (``names``: the first file's); one of them
    among ``named`` (the roles and ``--features``) is refused, naming where
    its values are."""
    from ..formats import parquet_files, partition_keys

    keys = [k for k in partition_keys(path, parquet_files(path)) if k not in names]
    asked = [k for k in keys if k in named]
    if asked:
        raise CLIError(
            f"column {asked[0]!r} of {path} is a Hive partition key: its values are "
            f"in the directory names ({asked[0]}=...), not in the Parquet files, and "
            "a streamed fit reads the files' columns only; write the column into "
            "the files to use it (pyarrow.dataset, polars and pandas read it from "
            "the directory names)"
        )
    return keys


def _partition_note(path: str, keys: list[str]) -> str:
    """The note for the Hive partition ``keys`` a fit of ``path`` leaves out."""
    from .._messages import name_list

    return (
        f"left out Hive partition {name_list(keys)} of {path}: their values are in "
        "the directory names (key=value), not in the Parquet files, and a streamed "
        "fit reads the files' columns only; write them into the files to use them "
        "(or --drop them to say so)"
    )


def _refuse_undecodable(path: str, schema: Any, names: list[str]) -> None:
    """Refuse a CSV file whose first block shows text that is not UTF-8 in a
    column the fit reads (Arrow types such a column as bytes), with the
    in-memory reader's error; columns the fit leaves out are not read."""
    import pyarrow as pa

    from .._text_decoding import undecodable_csv

    kinds = [schema.field(name).type for name in names]
    if any(pa.types.is_binary(t) or pa.types.is_large_binary(t) for t in kinds):
        undecodable = undecodable_csv(path)
        if undecodable is not None:
            raise undecodable


def _head(path: str, kind: str, delimiter: str | None, names: list[str]) -> Any:
    """The first CSV block or Parquet row group (of a directory's first
    file) of the columns ``names``, as a ``RawData``; None if unreadable."""
    if kind == "csv":
        from ..tabular._columns import head_block

        return head_block(path, delimiter, names)
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..backends._sources import open_data
    from ..formats import parquet_files
    from ..tabular._raw import RawData

    first = parquet_files(path)[0] if Path(path).is_dir() else path
    try:  # a file object: pyarrow takes no path that is not UTF-8 (b'\xe9.pq')
        with open_data(first) as fh:
            pf = pq.ParquetFile(fh)
            table = pf.read_row_group(0, columns=names) if pf.num_row_groups else None
    except (pa.ArrowException, OSError):
        return None
    return None if table is None else RawData(path=path, format="parquet", table=table)


def _screened(columns: ColumnPlan, head: Any, include: list[str] | None) -> ColumnPlan:
    """``columns`` without the features the in-memory screen leaves out
    (:func:`logistic.tabular._screen.screen_features`: identifiers, free
    text), judged on ``head``, the rows a streamed fit sees before its first
    pass; its note says so. Unchanged without a head."""
    from ..tabular._screen import screen_features

    if head is None or head.n_rows == 0:
        return columns
    kept, notes = screen_features(head, list(columns.features), include)
    if not notes:
        return columns
    where = f" (streamed: judged on the first {head.n_rows:,} rows)"
    said = tuple(note + where for note in notes)
    left = tuple(c for c in columns.features if c not in kept)
    return dataclasses.replace(
        columns,
        features=tuple(kept),
        left_out=columns.left_out + left,
        notes=columns.notes + said,
    )


#: Feature kinds a streamed fit reads as numbers (booleans as 0/1, as in memory).
_NUMERIC_KINDS = ("numeric", "boolean", "null")


def _text_features(columns: ColumnPlan) -> list[str]:
    return [c for c in columns.features if columns.kind(c) not in _NUMERIC_KINDS]


def _refuse_text_columns(columns: ColumnPlan, schema: Any) -> None:
    """Numeric, boolean (or all-null) feature columns only: one-hot encoding
    needs every level before the first pass. A column of another type (a
    timestamp, a list) is refused as in memory, where it cannot be a feature
    either."""
    from ..tabular._columns import unusable_type_error

    for name in columns.features_of_kind("other"):
        raise unusable_type_error(name, columns.source, schema.field(name).type)
    text = _text_features(columns)
    if text:
        raise text_columns_error(columns.source, text)


def text_columns_error(source: str, text: list[str]) -> NotStreamable:
    """The refusal of feature columns ``text`` of ``source`` that hold text."""
    from ..backends._column_words import text_columns_message

    return NotStreamable(text_columns_message(source, text))


# -- the fit -------------------------------------------------------------------------


def stream_instead(
    data: Path,
    exc: Any,
    stream: bool | None,
    args: dict[str, Any],
    options: dict[str, Any],
) -> Any:
    """The streaming plan of a compressed file found too large to read into
    memory (``exc``, a :class:`~logistic.tabular._raw.DecompressedTooLarge`)
    when streaming was left to the size, as a plain file of that size is
    streamed; ``exc`` again (its remedy fitting) otherwise."""
    from ..tabular._raw import DecompressedTooLarge

    if stream is False:
        from .._files import is_pipe

        if not is_pipe(data):  # a pipe is read once: never streamed
            raise exc
        raise DecompressedTooLarge(exc.path, exc.size, exc.limit, "decompress it first")
    try:
        plan = plan_stream(data, **args, options=options)
    except NotStreamable as why:
        raise DecompressedTooLarge(
            exc.path,
            exc.size,
            exc.limit,
            f"it cannot be streamed either ({why}); decompress it first",
        ) from None
    note(
        f"{data} decompresses to more than 1/4 of physical memory: streaming it "
        "(decompress it first to read it into memory)"
    )
    return plan
