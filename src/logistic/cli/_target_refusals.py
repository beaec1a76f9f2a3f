"""A streamed or Dask scan's refusal of a target, in the in-memory words.

Convention (owned here): a scan finds a target's labels, not their rows.
Where it refuses the classes asked of them (``--positive`` or ``--reference``
not a value, ``--positive`` among more than two labels, ``--reference`` for
two, no positive class: :class:`logistic._label_refusals.LabelRefusal`,
:class:`~logistic._label_refusals.NoPositiveClass`), and where it refuses
missing values (:class:`logistic._value_refusals.MissingValues`, to which a
fit in memory adds the target's own refusal, so that one run names both),
the command line reads the target column again, alone, and refuses it as a
fit in memory does, each value with its rows (:func:`target_refusal`:
:func:`logistic.tabular._labels.target_order` on the counted values). The
scan's own words stand where the column does not read again.

A scan that finds a continuous target
(:class:`logistic._label_refusals.ContinuousTarget`) knows its values, not
their rows, and the first non-integral one's place only where it met the
rows in order (``--stream``; not Dask). The command line restates it, with
the target column named as in memory, from a second read of the target
column alone, made only on this refusal: the rows of each value and the
first non-integral one's line (CSV) or row (Parquet), so that the three
readings of a file give one message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .._labels import label_text

__all__ = ["continuous_refusal", "counted_target", "target_refusal"]


def continuous_refusal(plan: Any, exc: Any) -> Exception:
    """``exc``, a scan's :class:`~logistic._label_refusals.ContinuousTarget`
    for the plan's target, restated as the in-memory reader words it (the
    module docstring); the scan's values stand where the target cannot be
    read again (a file that no longer reads)."""
    from ..tabular._labels import describe_values

    where = f"target column {plan.target!r} in {plan.path}"
    counted = _counts(plan)
    if counted is None:
        return exc.restated(where=where)
    values, counts, found = counted
    first = exc.first
    if first is None and found is not None:
        first = (label_text(found[0]), _place(plan, found[1]))
    return exc.restated(where, describe_values(values, counts), first)


def _counts(plan: Any) -> tuple[np.ndarray, np.ndarray, Any] | None:
    """The target's distinct numbers, rows of each and first non-integral
    number with its 0-based row, read again; None where it cannot be."""
    if plan.format == "csv":
        from ..tabular._streamed_numbers import number_counts

        return number_counts(plan.path, plan.delimiter, plan.target)
    if plan.format != "parquet":
        return None
    if Path(plan.path).is_dir():
        return _directory_counts(plan.path, plan.target)
    return _parquet_counts(plan.path, plan.target)


def _directory_counts(
    path: str, name: str
) -> tuple[np.ndarray, np.ndarray, None] | None:
    """:func:`_parquet_counts` of every Parquet file of directory ``path``,
    summed; no first place (a row is counted in its file: the scan names
    them both where it met the rows in order, ``--stream``)."""
    from ..formats import parquet_files

    rows: dict[float, int] = {}
    for file in parquet_files(path):
        counted = _parquet_counts(str(file), name)
        if counted is None:
            return None
        for v, c in zip(*counted[:2], strict=True):
            rows[float(v)] = rows.get(float(v), 0) + int(c)
    if not rows:
        return None
    values = np.array(sorted(rows), dtype=np.float64)
    counts = np.array([rows[v] for v in values.tolist()], dtype=np.int64)
    return values, counts, None


def _parquet_counts(
    path: str, name: str
) -> tuple[np.ndarray, np.ndarray, tuple[float, int] | None] | None:
    """:func:`logistic.tabular._streamed_numbers.number_counts` of column
    ``name`` of a Parquet file, read batch by batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..tabular._streamed_numbers import counted_numbers

    def blocks() -> Any:
        for batch in pq.ParquetFile(path).iter_batches(columns=[name]):
            column = batch.column(0).cast(pa.float64())
            yield np.asarray(column.to_numpy(zero_copy_only=False), np.float64)

    try:
        return counted_numbers(blocks())
    except (pa.ArrowException, OSError):
        return None


def _place(plan: Any, row: int) -> str:
    """Where 0-based data row ``row`` stands: a CSV file's line (its line
    breaks counted), a Parquet file's 1-based row, as in memory."""
    if plan.format == "parquet":
        return f"row {row + 1}"
    from ..tabular._streamed_numbers import csv_line

    return csv_line(plan.path, plan.delimiter, list(plan.columns.kinds), row)


#: Distinct values past which a target is not counted again for a message
#: (a column of identifiers taken for a target: its refusal is the scan's).
MAX_COUNTED = 100_000


def target_refusal(
    plan: Any, positive: str | None, reference: str | None
) -> Exception | None:
    """The in-memory refusal of the plan's target with ``positive`` and
    ``reference`` (:func:`logistic.tabular._labels.target_order`), from its
    values counted again (:func:`counted_target`); None where the target
    does not read again or is taken."""
    from .._exceptions import DataValidationError
    from ..tabular._labels import target_order

    counted = counted_target(plan)
    if counted is None:
        return None
    try:
        target_order(*counted, plan.target, plan.path, positive, reference)
    except DataValidationError as exc:
        return exc
    return None


def counted_target(plan: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """The distinct values of the plan's target (missing ones left out) as
    the in-memory reader types them, sorted, and the rows of each: a
    Parquet column as stored; a CSV column read again as text and typed as
    the in-memory reader types it (:func:`_typed`). None where
    the file does not read again or holds more than :data:`MAX_COUNTED`
    values."""
    import pyarrow as pa

    rows: dict[Any, int] = {}
    try:
        for column in _target_columns(plan):
            counted = column.drop_null().value_counts()
            for value, count in zip(
                counted.field("values").to_pylist(),
                counted.field("counts").to_pylist(),
                strict=True,
            ):
                rows[value] = rows.get(value, 0) + int(count)
            if len(rows) > MAX_COUNTED:
                return None
    except (pa.ArrowException, OSError, EOFError):
        return None
    if plan.format == "csv":
        rows = _typed(rows)
    rows = {v: c for v, c in rows.items() if not (isinstance(v, float) and v != v)}
    if not rows:
        return None
    try:
        values = np.array(sorted(rows))
    except TypeError:  # values of kinds that do not compare
        return None
    counts = np.array([rows[v] for v in values.tolist()], dtype=np.int64)
    return values, counts


def _target_columns(plan: Any) -> Any:
    """The plan's target column in blocks (Arrow arrays): a CSV file's as
    text, a Parquet file's (or directory's files') as stored."""
    if plan.format == "csv":
        from ..tabular._streamed_numbers import _text_blocks

        for batch in _text_blocks(plan.path, plan.delimiter, plan.target):
            yield batch.column(0)
        return
    import pyarrow.parquet as pq

    from ..formats import parquet_files

    files = parquet_files(plan.path) if Path(plan.path).is_dir() else [plan.path]
    for file in files:
        for batch in pq.ParquetFile(file).iter_batches(columns=[plan.target]):
            yield batch.column(0)


def _typed(rows: dict[str, int]) -> dict[Any, int]:
    """A CSV target's counted texts as the in-memory reader types its column:
    pyarrow's inference with its options (:func:`logistic.tabular._read.
    csv_types`) over the distinct texts, which types a column as its whole
    set of values does (numbers where every value is one; booleans where
    every value is ``true``/``false``/``1``/``0`` in pyarrow's spellings, so
    that ``true`` and ``1`` count as one label; else the texts)."""
    import io

    import pyarrow.csv as pacsv

    from ..tabular._read import csv_types

    texts = list(rows)
    quoted = "".join('"' + t.replace('"', '""') + '"\n' for t in texts)
    table = pacsv.read_csv(
        io.BytesIO(("value\n" + quoted).encode("utf-8")),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=csv_types(),
    )
    typed: dict[Any, int] = {}
    for text, value in zip(texts, table.column(0).to_pylist(), strict=True):
        key = text if value is None else value
        typed[key] = typed.get(key, 0) + rows[text]
    return typed
