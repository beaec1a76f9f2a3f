"""A streamed or Dask scan's refusal of a target, in the in-memory words.

Convention (owned here): a scan that finds a continuous target
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

__all__ = ["continuous_refusal"]


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
