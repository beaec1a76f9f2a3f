"""The used columns' kinds across a Parquet directory's files, from each
file's schema read before any task (:class:`~logistic.backends.Dask` reads
its files apart, one task a file, where a column retyped in one file gave a
garbled class error or numeric text parsed silently; the streamed reader
checks each file as it reaches it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ._column_spec import _ColumnSpec
from ._sources import _READ_ERRORS, open_data

__all__ = ["check_file_kinds"]


def check_file_kinds(files: Sequence[Path], spec: _ColumnSpec) -> None:
    """Refuse a Parquet file whose used columns are of another kind than the
    first file's (:meth:`._column_spec._ColumnSpec.check_kinds`), from the
    schema of each file this process can read, before any task (a file it
    cannot read is left to its partition's task, which names it): the tasks
    read their files apart, where a label column of words in one file beside
    numbers in the others gave a garbled class error and numeric text was
    parsed silently."""
    import pyarrow.parquet as pq

    for f in files[1:]:
        try:
            with open_data(f) as fh:
                schema = pq.read_schema(fh)
        except (OSError, ValueError, *_READ_ERRORS):
            continue  # a file unreadable here is named by its partition's task
        if all(name in schema.names for name in spec.columns):
            spec.check_kinds(schema, str(f))
