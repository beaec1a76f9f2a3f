"""The backends of a streamed fit: Chunked out of core, Dask on a cluster.

Convention (owned here): a :class:`~logistic.cli._stream_plan.StreamPlan` becomes
a backend reading exactly the planned columns, with the command line's
positive-class rule and the fit's progress callable (and, for Chunked, the
row-cache choice of ``--no-cache`` / ``--cache-dir``). Parquet goes through the
backends' own readers; CSV on Dask through ``dask.dataframe.read_csv`` (one
partition per 64 MB, a compressed file as one partition: gzip and bz2 told
from the content, as every reader tells them). The client of
``--workers N`` / ``--scheduler ADDRESS`` is :mod:`._dask_client`'s. Dask is
imported only here and there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._stream_plan import StreamPlan

__all__ = ["chunked_backend", "dask_backend"]


def chunked_backend(
    plan: StreamPlan,
    chunk_rows: int | None,
    progress: Callable[..., None],
    positive: Callable[[Any], Any] | None,
    *,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> Any:
    """A :class:`~logistic.backends.Chunked` backend over the planned columns,
    with its row cache on (in ``cache_dir``, else the default folder) or off."""
    from ..backends import Chunked

    args: dict[str, Any] = {
        "target": plan.target,
        "features": plan.features,
        "weight": plan.weights,
        "offset": plan.offset,
        "cache": cache,
        "cache_dir": cache_dir,
        "multiclass": True,  # K > 2 classes: sorted levels (see ._stream)
    }
    from .._label_refusals import ContinuousTarget
    from ._target_refusals import continuous_refusal

    if plan.format == "parquet":
        try:
            return Chunked.from_parquet(
                plan.path,
                **args,
                chunk_rows=chunk_rows,
                progress=progress,
                positive=positive,
            )
        except ContinuousTarget as exc:  # the values counted, as in memory
            raise continuous_refusal(plan, exc) from None
    from ..backends._sources import NotANumberError

    # a target's late true, 1.0 or word: Chunked.from_csv reads it again as
    # the whole file types it; a feature's word is refused here by line
    try:
        return Chunked.from_csv(
            plan.path,
            **args,
            csv_options={"delimiter": plan.delimiter},
            chunk_rows=chunk_rows,
            progress=progress,
            positive=positive,
        )
    except NotANumberError as exc:
        raise _not_a_number(plan, exc.column) or exc from None
    except ContinuousTarget as exc:  # the values counted, as in memory
        raise continuous_refusal(plan, exc) from None


def _not_a_number(plan: StreamPlan, column: str) -> Exception | None:
    """The in-memory reader's error for a CSV ``column`` read as numbers in
    which a later block holds a value that is not one (its line, its count:
    :func:`logistic.tabular._streamed_numbers.streamed_garbage`), or, for a
    feature column of mostly text, the streamed refusal of text columns; None when
    neither applies (the reader's own error stands)."""
    from ..tabular._streamed_numbers import streamed_garbage
    from ._stream_plan import text_columns_error

    header = list(plan.columns.kinds)
    error = streamed_garbage(plan.path, plan.delimiter, column, header)
    if error is None and column in plan.features:
        return text_columns_error(plan.path, [column])
    return error


def dask_backend(
    plan: StreamPlan,
    chunk_rows: int | None,
    progress: Callable[..., None],
    positive: Callable[[Any], Any] | None,
    client: Any,
) -> Any:
    """A :class:`~logistic.backends.Dask` backend over the planned columns; a
    value the scan refuses is named by its file's line or row, as in memory
    (:func:`_bad_value_error`). A CSV target of integers in Dask's sample and
    other numbers later (``1`` then ``1.0``, ``0.5`` or ``inf``) is read again
    as float64, as the in-memory and streamed readers read it (a continuous
    target then refused in their words,
    :func:`._target_refusals.continuous_refusal`), one of 0/1 holding ``true``
    (in the plan's first block, or only later) as booleans, and one holding
    a word (there, or only later) as text; a feature of
    integers holding one beyond ±2**53 is refused as they refuse it
    (:mod:`._dask_csv_values`)."""
    from .._label_refusals import ContinuousTarget
    from ..backends._dask_errors import PartitionError
    from ..tabular._streamed_numbers import WHOLE_DECIMALS, integer_labels_then
    from ._dask_csv_values import (
        NOT_BOOLEAN_LABEL,
        beyond_exact_column,
        refuse_column,
        target_dtype,
    )
    from ._target_refusals import continuous_refusal

    later: Any = NOT_READ  # what the target holds after Dask's sample of integers
    # the target's type where not Dask's inferred one (from its first rows):
    # "bool" for 0/1 with true, "object" for text (the plan's first block's,
    # or the whole file's), or "float64"
    target_type = {"boolean": "bool", "text": "object"}.get(
        plan.columns.kinds.get(plan.target, "")
    )
    floats: set[str] = set()  # features of floats holding values of 2**53 or more
    booleans: set[str] = set()  # features of 0/1 holding true past the plan's block
    _refuse_unclosed_quote(plan)
    try:
        while True:
            try:
                return _dask(
                    plan,
                    chunk_rows,
                    progress,
                    positive,
                    client,
                    target_type,
                    floats,
                    booleans,
                )
            except PartitionError as exc:
                beyond = beyond_exact_column(plan.features, exc)
                if beyond is not None and beyond not in floats:
                    refuse_column(plan, beyond)  # integers only: refused there
                    floats.add(beyond)  # else floats, as in memory: run again
                    continue
                if target_type == "bool" and NOT_BOOLEAN_LABEL in str(exc):
                    # true in the plan's first block, a word later: text
                    target_type = target_dtype(plan)
                    if target_type == "object":
                        continue
                    raise
                if _is_text_error(plan, exc) and not booleans:
                    found: set[str] = set()
                    error = _streamed_reader_error(plan, found)
                    if error is not None:
                        raise error from None
                    booleans |= found  # the whole file's booleans: run again
                    if booleans:
                        continue
                if target_type is not None or not _target_mismatch(plan, exc):
                    raise
                whole = target_dtype(plan)
                if whole != "float64":
                    target_type = whole  # 0/1, then true or a word: run again
                    continue
                later = integer_labels_then(plan.path, plan.delimiter, plan.target)
                if later != WHOLE_DECIMALS and not isinstance(later, tuple):
                    raise
            later = NOT_READ  # the retry's own error is named afresh
            # labels written 1 and later 1.0, 0.5 or inf: decimals, as in memory
            # and --stream (whose scan takes two values as two labels, whichever
            # numbers, refuses more holding a fraction, continuous_refusal, and
            # names an infinite one by its line, _bad_value_error)
            target_type = "float64"
    except ContinuousTarget as exc:  # the values counted, as in memory
        raise continuous_refusal(plan, exc) from None
    except PartitionError as exc:
        better = (
            _bad_value_error(plan, exc)
            or _csv_text_error(plan, exc)
            or _csv_target_error(plan, exc, later)
            or _csv_compressed_error(plan, exc)
        )
        raise better or exc from None


def _target_mismatch(plan: StreamPlan, exc: Exception) -> bool:
    """Whether a Dask fit of a CSV failed because its target's values past
    Dask's dtype sample do not fit the type it inferred ("Mismatched dtypes
    found in pd.read_csv", the target named)."""
    text = str(exc)
    return plan.format == "csv" and "Mismatched dtypes" in text and plan.target in text


#: ``later`` of :func:`_csv_target_error` not read yet.
NOT_READ = object()


def _csv_target_error(
    plan: StreamPlan, exc: Exception, later: Any = NOT_READ
) -> Exception | None:
    """The streamed reader's words for a CSV target whose values past Dask's
    dtype sample do not fit the type it inferred (an empty field, or a
    number that is not a whole one in a column of integers:
    :func:`_target_mismatch`; a word makes the labels text and the fit runs
    again, :func:`dask_backend`): the target column read again, as text, for
    its first missing value (a missing label, named by line), its first
    number that no label takes (``later``: what
    :func:`logistic.tabular._streamed_numbers.integer_labels_then` found,
    read here where not given) or its first non-number; None for another
    error. The target keeps Dask's inferred type otherwise, so its labels
    are those of ``--stream`` (integers stay integers)."""
    if not _target_mismatch(plan, exc):
        return None
    import pyarrow as pa

    from ..tabular._streamed_numbers import (
        _text_blocks,
        csv_line,
        integer_labels_then,
        streamed_garbage,
    )

    rows = 0
    try:
        for batch in _text_blocks(plan.path, plan.delimiter, plan.target):
            missing = batch.column(0).is_null().to_numpy(zero_copy_only=False)
            if missing.any():
                row = rows + int(missing.argmax())
                bad = {"what": "y", "column": None, "value": "", "kind": "missing"}
                return _named_bad_value(plan, {**bad, "row": row})
            rows += batch.num_rows
    except (pa.ArrowException, OSError):
        return None
    header = list(plan.columns.kinds)
    if later is NOT_READ:
        later = integer_labels_then(plan.path, plan.delimiter, plan.target)
    if isinstance(later, tuple):  # 0.5, inf after integer labels
        value, row = later
        where = csv_line(plan.path, plan.delimiter, header, row)
        from ._dask_csv_values import non_whole_label

        return non_whole_label(plan, value, where)  # 0.5: a continuous target
    return streamed_garbage(plan.path, plan.delimiter, plan.target, header)


def _refuse_unclosed_quote(plan: StreamPlan) -> None:
    """Refuse, as the streamed and in-memory readers do, a CSV file that ends
    inside a quoted value (:func:`logistic.formats.unclosed_quote`), before
    Dask reads it: pandas' "EOF inside string" names a row of a partition,
    or fails Dask's sample of the file. Checked where the file's first block
    holds a text column (a value such a quote opens is text)."""
    if plan.format != "csv" or "text" not in plan.columns.kinds.values():
        return
    from ..formats import compression_of, open_regular, unclosed_quote

    with open_regular(plan.path, what="input file") as fh:
        compression = compression_of(fh.read(3))
    error = unclosed_quote(
        plan.path, plan.path, compression, plan.delimiter or ",", "utf-8"
    )
    if error is not None:
        raise error


def _is_text_error(plan: StreamPlan, exc: Exception) -> bool:
    """Whether a Dask task failed to read a CSV value as a number (pandas'
    "could not convert string to float: 'x'", which names neither)."""
    return plan.format == "csv" and "could not convert string to float" in str(exc)


def _csv_text_error(plan: StreamPlan, exc: Exception) -> Exception | None:
    """The streamed reader's error (column and line) for a CSV file whose
    Dask task failed to read a value as a number (:func:`_is_text_error`):
    the file read again by the streamed reader up to that value; None for
    another error."""
    if not _is_text_error(plan, exc):
        return None
    return _streamed_reader_error(plan)


def _csv_compressed_error(plan: StreamPlan, exc: Exception) -> Exception | None:
    """The streamed reader's error (the file named, "corrupt, truncated or
    not in the expected format") for a gzip or bz2 CSV file whose Dask task
    failed for another reason than its target's type (pandas' "Compressed
    file ended before the end-of-stream marker was reached" or "CRC check
    failed", which name no file): the file read again by the streamed reader;
    None when that reads it whole (the Dask error stands)."""
    if plan.format != "csv" or _target_mismatch(plan, exc):
        return None
    from ..formats import compression_of, open_regular

    try:
        with open_regular(plan.path, what="input file") as fh:
            if compression_of(fh.read(3)) is None:
                return None
    except OSError:
        return None
    return _streamed_reader_error(plan)


def _streamed_reader_error(
    plan: StreamPlan, booleans: set[str] | None = None
) -> Exception | None:
    """The error of the streamed reader of the plan's CSV file read to its
    end (a non-number named by column and line), or None; ``booleans``
    receives the features it read as booleans that the plan reads as
    numbers (0/1, then ``true``: the whole file's booleans)."""
    import numpy as np

    from .._exceptions import DataValidationError
    from ..backends._sources import NotANumberError

    source = plan.csv_source()
    try:
        for _ in source.chunks(np.dtype(np.float64)):
            pass
    except NotANumberError as found:
        return _not_a_number(plan, found.column) or found
    except DataValidationError as found:
        return found
    if booleans is not None:
        head = set(plan.columns.features_of_kind("boolean"))
        booleans |= {c for c in plan.features if c in source.booleans} - head
    return None


def _bad_value_error(plan: StreamPlan, exc: Any) -> Exception | None:
    """The in-memory reader's words for a value the Dask scan refused
    (``exc.bad_value``, :func:`_named_bad_value`); None for an error of
    another kind (the backend's message stands)."""
    bad = getattr(exc, "bad_value", None)
    return None if bad is None else _named_bad_value(plan, bad)


def _named_bad_value(plan: StreamPlan, bad: dict[str, Any]) -> Exception | None:
    """The in-memory reader's words for a refused value (``bad``: ``what``,
    ``column``, ``value``, ``kind``, ``row`` as :class:`PartitionError`'s
    ``bad_value``): its column and its line of a CSV file (header and line
    breaks counted) or 1-based row of a Parquet file, of the file that holds
    it in a directory (:func:`_file_row`); None where that file is not
    known. The words are :mod:`logistic._value_refusals`'."""
    from .._exceptions import DataValidationError
    from .._value_refusals import (
        STREAMED_REMEDY,
        infinite_value,
        missing_column,
        missing_values,
    )

    row, path = int(bad["row"]), str(plan.path)
    if plan.format == "parquet":
        placed = _file_row(plan.path, row)
        if placed is None:
            return None
        path, row = placed
        where = f"row {row + 1}"
    else:
        from ..tabular._streamed_numbers import csv_line

        where = csv_line(plan.path, plan.delimiter, list(plan.columns.kinds), row)
    name = bad["column"] if bad["what"] == "X" else {
        "y": plan.target, "sample_weight": plan.weights, "offset": plan.offset
    }.get(bad["what"])
    if bad["kind"] == "negative":
        return DataValidationError(
            f"--weights column {name!r} in {path} has a negative value "
            f"({float(bad['value']):g}) at {where}; weights must be >= 0"
        )
    if bad["kind"] == "missing" or bad["value"] == "nan":
        return missing_values(path, [missing_column(name, where)], STREAMED_REMEDY)
    return DataValidationError(infinite_value(name, path, where, bad["value"]))


def _file_row(path: str, row: int) -> tuple[str, int] | None:
    """The Parquet file that holds 0-based row ``row`` of ``path`` (itself,
    or one of a directory's files in :func:`logistic.formats.parquet_files`'
    order, the order Dask reads them in) and the row's 0-based place in that
    file, from the files' footers; None where they no longer read."""
    from pathlib import Path

    if not Path(path).is_dir():
        return path, row
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..formats import parquet_files

    start = 0
    try:
        for file in parquet_files(path):
            rows = pq.ParquetFile(file).metadata.num_rows
            if row < start + rows:
                return str(file), row - start
            start += rows
    except (pa.ArrowException, OSError):
        return None
    return None


def _dask(
    plan: StreamPlan,
    chunk_rows: int | None,
    progress: Callable[..., None],
    positive: Callable[[Any], Any] | None,
    client: Any,
    target_type: str | None = None,
    floats: set[str] | frozenset[str] = frozenset(),
    later_booleans: set[str] | frozenset[str] = frozenset(),
) -> Any:
    """The Dask backend over the plan's file (``target_type``: a CSV target
    read as float64, or as text given booleans by
    :func:`._dask_csv_values.boolean_labels`, not as the type Dask infers
    from its sample;
    each partition's float64 features but ``floats`` checked for values
    beyond ±2**53: :mod:`._dask_csv_values`; ``later_booleans``: features of
    0/1 the plan's first block read as numbers that the whole file holds as
    booleans, read as booleans)."""
    from ..backends.dask import Dask

    opts: dict[str, Any] = {
        "client": client,
        "chunk_rows": chunk_rows,
        "progress": progress,
        "positive": positive,
        "multiclass": True,
    }
    if plan.format == "parquet":
        return Dask.from_parquet(
            plan.path,
            target=plan.target,
            features=plan.features,
            weight=plan.weights,
            offset=plan.offset,
            **opts,
        )
    import dask.dataframe as dd

    from ..formats import compression_of, open_regular
    from ._dask_csv_values import boolean_labels, boolean_numbers

    # from the content, as every other reader (``formats.sniff_format``): a
    # gzip file named .csv, or a plain one named .csv.gz, is read as it is
    with open_regular(plan.path, what="input file") as fh:
        compression = compression_of(fh.read(3))
    columns = [*plan.features, plan.target]
    extra = [c for c in (plan.weights, plan.offset) if c is not None]
    # boolean columns are read as text and given their 0/1 by boolean_numbers:
    # pandas' own bool type takes neither the 1 and 0 that the other readers
    # take as booleans nor a missing value
    booleans = set(plan.columns.features_of_kind("boolean")) | set(later_booleans)
    dtypes = {c: "float64" for c in plan.features + extra}
    dtypes |= dict.fromkeys(booleans, "object")
    if target_type is not None:  # text, given its booleans below
        dtypes[plan.target] = "object" if target_type == "bool" else target_type
    frame = dd.read_csv(
        plan.path,
        sep=plan.delimiter,
        usecols=columns + extra,
        blocksize=None if compression else "64MB",  # a stream: one partition
        compression=compression,
        dtype=dtypes,
        # a target of no given type is typed from the whole partition: typed
        # from pandas' internal chunks, a late word warned "DtypeWarning:
        # Columns (k: y) have mixed types" before the retry that reads it
        low_memory=target_type is not None,
    )
    for name in sorted(booleans):
        frame[name] = frame[name].map_partitions(
            boolean_numbers, meta=(name, "float64")
        )
    if target_type == "bool":
        frame[plan.target] = frame[plan.target].map_partitions(
            boolean_labels, meta=(plan.target, "bool")
        )
    checked = [
        (k, c) for k, c in enumerate(plan.features) if c not in booleans | floats
    ]
    if checked:
        from ._dask_csv_values import check_partition

        frame = frame.map_partitions(check_partition, checked, meta=frame._meta)
    return Dask(
        frame[columns],
        None,
        None if plan.weights is None else frame[plan.weights],
        None if plan.offset is None else frame[plan.offset],
        target=plan.target,
        feature_names=plan.features,
        files=[plan.path],
        **opts,
    )
