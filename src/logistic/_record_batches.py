"""Record batches of a CSV file read in chunks, for the chunked readers of both
layers (:class:`logistic.tabular._chunks.ChunkedFile` and the streamed fit's
:class:`logistic.backends._csv_source.CSVSource`, which cannot import
``tabular``: it imports ``backends``): the batches past the rows a reader
opened again has already yielded (:func:`batches_after`), and integers beyond
±2**53 held exactly where the in-memory reader holds them (:class:`ExactIntegers`).

The chunked reader takes a column's type from the file's first block, and
reads a column of integers there (or of no value there) as float64 so that
a later ``2.5`` reads. The in-memory reader infers the type from the whole
file: a column whose every value is an integer is int64, and an int64
feature holding a value beyond ±2**53 is refused
(:func:`logistic.tabular._columns.numeric_column`), where float64 would hold its nearest
float silently. So when a chunk's float64 column holds a finite value of at
least 2**53 (``9007199254740993`` reads as 2**53), the column is read again
alone as int64 over the whole file: if every value converts (pyarrow's own
conversion, as its inference tries integers first), the whole file reads it
as int64, and this chunk and every later one get that column's exact
integers from a third reader kept in step, so the in-memory checks refuse
(or, for weights and offsets, round) them in the in-memory words. If some
value does not convert (``2.5``, ``inf``, an integer past int64), the whole
file reads floats too and the chunks are left as they are. The column is
read again only on that path (values of 2**53 and more are identifiers or
mistakes, not measurements).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ._arrow_numpy import EXACT_INT, floats

__all__ = ["ExactIntegers", "batches_after", "later_type", "whole_file_type"]

#: A reader of one column of the file as ``type``: its tables of the chunks'
#: rows, from the file's ``skip``-th row on.
Reread = Callable[[str, Any, int], Iterator[Any]]


class ExactIntegers:
    """The columns ``names`` (read as float64, inferred from the first block
    as integers or as no value) of each chunk, replaced by their exact int64
    values where the whole file holds integers only (module docstring).
    ``reread(name, type, skip)``: the column read again in the chunks'
    rows."""

    def __init__(self, names: list[str], reread: Reread) -> None:
        self._reread = reread
        # per column: None (not asked yet), False (the file holds floats),
        # or the int64 reader kept in step with the chunks
        self._state: dict[str, Any] = dict.fromkeys(names)

    def table(self, table: Any, first_row: int) -> Any:
        """``table`` (the chunk starting at the file's row ``first_row``)
        with its exact integer columns."""
        for name, state in list(self._state.items()):
            if state is False:
                continue
            if state is None:
                if not _large(table.column(name)):
                    continue
                state = self._state[name] = self._integers(name, first_row)
                if state is False:
                    continue
            exact = next(state)
            if exact.num_rows != table.num_rows:  # pragma: no cover
                raise AssertionError("exact integers' reader out of step")
            where = table.schema.get_field_index(name)
            table = table.set_column(where, name, exact.column(0))
        return table

    def _integers(self, name: str, first_row: int) -> Any:
        """The int64 reader of column ``name`` from ``first_row`` on, or
        False where a value of the file does not convert to int64."""
        import pyarrow as pa

        try:
            for _ in self._reread(name, pa.int64(), 0):
                pass
        except (pa.ArrowInvalid, UnicodeError, EOFError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise  # the file itself (I/O error, exit 74)
            return False  # floats, or an error the main reader names there
        return self._reread(name, pa.int64(), first_row)

    def close(self) -> None:
        """Close the readers kept in step."""
        for state in self._state.values():
            if state not in (None, False):
                state.close()


def _large(column: Any) -> bool:
    """Whether a float64 column holds a finite value of at least 2**53 in
    magnitude (an integer there may not be the one written). Its extremes
    first (pyarrow's ``min_max``, one pass without copies): most columns
    stop there. A column a chunked reader reads as booleans or text from a
    later chunk on (a word after the first block's integers) holds none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_floating(column.type):
        return False

    extremes = pc.min_max(column)
    low, high = extremes["min"].as_py(), extremes["max"].as_py()
    if low is None or (-EXACT_INT < low and high < EXACT_INT):
        return False  # no value, or every one within ±2**53 (NaN skipped)
    values = np.abs(floats(column))
    return bool((np.isfinite(values) & (values >= EXACT_INT)).any())


def batches_after(batches: Any, skip: int) -> Any:
    """The record batches of ``batches`` past their first ``skip`` rows (a
    reader opened again with larger blocks, past the rows already yielded)."""
    for batch in batches:
        if skip >= batch.num_rows:
            skip -= batch.num_rows
            continue
        batch, skip = batch.slice(skip), 0
        yield batch


def whole_file_type(read_as: Callable[[Any], Iterator[Any]]) -> Any:
    """The type pyarrow's inference gives a column over the whole file, for a
    column a chunked reader typed from its first block and then could not
    convert (a ``true`` after 0/1, a ``1.0`` after integers, a word):
    booleans or float64 where ``read_as(type)`` (the column read again alone
    as ``type``, to its end or its first value of another type) converts
    every value, tried in the inference's order, else text. On that error
    path only.

    A CSV target's labels are of this type in every reading, text included
    (a word among numbers makes ``0``, ``1`` and ``yes`` three text labels,
    as in memory): ``fit --stream`` reads the target again as it
    (:meth:`logistic.backends.chunked.Chunked.from_csv`), and so does a Dask
    fit (:func:`logistic.cli._dask_csv_values.target_dtype`)."""
    import pyarrow as pa

    for kind in (pa.bool_(), pa.float64()):
        batches = read_as(kind)
        try:
            for _ in batches:
                pass
        except (pa.ArrowInvalid, UnicodeError, EOFError):
            continue
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()
        return kind
    return pa.string()


def later_type(head: Any, now: Any, read_as: Callable[[Any], Iterator[Any]]) -> Any:
    """:func:`whole_file_type` of a column a chunked reader could not convert,
    where that reader typed it float64 (``now``) for the integers or no
    value of its first block (``head``, pyarrow's type there): the one case
    whose values the whole file may type otherwise (booleans: ``true`` after
    0/1; text: a word); None for any other column (its error stands)."""
    import pyarrow as pa

    if not pa.types.is_float64(now if now is not None else pa.null()):
        return None
    if not (pa.types.is_integer(head) or pa.types.is_null(head)):
        return None
    return whole_file_type(read_as)
