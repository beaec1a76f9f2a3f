"""A streamed CSV fit's non-number found after its first block, worded as in memory.

A fit too large to hold reads a CSV file block by block; its reader finds a
value that is not a number in a numeric column only once it reaches it.
:func:`streamed_garbage` reads that column of the file again, as text and in
blocks, for the in-memory error (:func:`._columns.garbage_error`: file,
column, first value, its line and the count), on the error path only.
:func:`check_streamed_head` applies the rule to the whole column for a column
the first block holds as numbers with words in it, as the in-memory reader
judges the whole file.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from .._number_text import mostly_numbers
from .._record_batches import batches_after
from ._columns import (
    _csv_reader,
    _mostly_numbers,
    _number_flags,
    garbage_error,
    is_text,
)
from ._read import RawData

__all__ = [
    "counted_numbers",
    "WHOLE_DECIMALS",
    "check_streamed_head",
    "csv_line",
    "number_counts",
    "integer_labels_then",
    "streamed_garbage",
]


def streamed_garbage(
    path: str, delimiter: str | None, name: str, header: list[str]
) -> DataValidationError | None:
    """The in-memory error of :func:`._columns._raise_garbage` for column ``name`` of a
    CSV file too large to hold, whose reader found a value that is not a
    number after its first block: the file read again in blocks, ``name``
    alone as text, for the first non-number (its line by
    :class:`._lines.LineMap`, as in memory) and their count. None when the
    column is not mostly numbers (in memory: a text column, which the caller
    words) or holds no such value. ``header`` is the file's column names."""
    import pyarrow as pa

    first, value, bad, numbers, valid, rows = -1, None, 0, 0, 0, 0
    try:
        for batch in _text_blocks(path, delimiter, name):
            table = pa.Table.from_batches([batch])
            ok, number = _number_flags(RawData(path, "csv", table), name)
            flags = ok & ~number
            if first < 0 and flags.any():
                k = int(np.flatnonzero(flags)[0])
                first, value = rows + k, batch.column(0)[k].as_py()
            bad += int(flags.sum())
            numbers += int(number.sum())
            valid += int(ok.sum())
            rows += batch.num_rows
    except (pa.ArrowException, OSError, EOFError):
        return None  # unreadable now: the caller's own error stands
    if first < 0 or not mostly_numbers(numbers, valid):
        return None
    where = _line(path, delimiter, header, rows, first)
    return garbage_error(name, path, value, where, bad)


def check_streamed_head(
    path: str,
    delimiter: str | None,
    head: RawData,
    names: list[str],
    header: list[str],
) -> list[str]:
    """The in-memory error for a column of ``names`` that ``head``, the first
    block of a CSV file too large to hold, has as text of mostly numbers:
    the rule applied to the whole column, as in memory
    (:func:`streamed_garbage`: the first non-number of the file and the
    count of all of them). Returned: such columns that the whole file holds
    as mostly text, text columns that the caller refuses in its own words
    (judged on ``head`` alone, they would be numbers with a stray word)."""
    text = []
    for name in names:
        if is_text(head, name) and _mostly_numbers(head, name):
            error = streamed_garbage(path, delimiter, name, header)
            if error is not None:
                raise error
            text.append(name)
    return text


#: :func:`integer_labels_then` found whole numbers written as decimals only.
WHOLE_DECIMALS = "whole decimals"


def integer_labels_then(
    path: str, delimiter: str | None, name: str
) -> str | tuple[str, int] | None:
    """What follows the integers (``1``) that column ``name`` of a CSV file
    begins with, read again as text in blocks: :data:`WHOLE_DECIMALS` where
    every later value that is not an integer is a whole number written
    otherwise (``1.0``, ``1e0``); the first number that is not a whole finite
    one (``0.5``, ``inf``, ``1e400``) and its row where there is one; None
    where the column does not begin with integers, holds no such value, holds
    a word (:func:`streamed_garbage`'s case) first, or cannot be read now.
    A reader that takes a column's type from its first rows (Dask's sample)
    meets such a value in a column it read as integers."""
    import pyarrow as pa
    import pyarrow.compute as pc

    integers = decimals = False
    rows = 0
    try:
        for batch in _text_blocks(path, delimiter, name):
            column = batch.column(0)
            valid = column.is_valid().to_numpy(zero_copy_only=False)
            pattern = r"^\s*[+-]?[0-9]+\s*$"
            integer = pc.match_substring_regex(column, pattern).fill_null(False)
            integer = integer.to_numpy(zero_copy_only=False) & valid
            other = np.flatnonzero(valid & ~integer)
            if other.size and not (integers or integer[: other[0]].any()):
                return None  # the column does not begin with integers
            texts = column.take(pa.array(other)).to_pylist()
            for k, text in zip(other.tolist(), texts, strict=True):
                try:
                    value = float(text)
                except ValueError:
                    return None  # a word: streamed_garbage's case
                if not (math.isfinite(value) and value == int(value)):
                    return str(text).strip(), rows + k
            integers = integers or bool(integer.any())
            decimals = decimals or bool(other.size)
            rows += batch.num_rows
    except (pa.ArrowException, OSError, EOFError):
        return None
    return WHOLE_DECIMALS if decimals else None


def number_counts(
    path: str, delimiter: str | None, name: str
) -> tuple[np.ndarray, np.ndarray, tuple[float, int] | None] | None:
    """The distinct numbers of column ``name`` of a CSV file (read again as
    text in blocks, missing values left out), the rows of each and the first
    finite non-integral number with its 0-based row (None where there is
    none); None where a value is not a number or the file cannot be read
    now. For the message of a target found to hold a non-integral number
    out of core."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def blocks() -> Any:
        for batch in _text_blocks(path, delimiter, name):
            text = pc.utf8_trim_whitespace(batch.column(0))
            numbers = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
            yield np.asarray(numbers, dtype=np.float64)  # a missing value: NaN

    try:
        return counted_numbers(blocks())
    except (pa.ArrowException, OSError, EOFError):
        return None


def counted_numbers(
    blocks: Any,
) -> tuple[np.ndarray, np.ndarray, tuple[float, int] | None]:
    """The distinct numbers of a column read in ``blocks`` (float64 arrays in
    row order, a missing value NaN and left out), the rows of each, and the
    first finite non-integral number with its 0-based row (None where there
    is none): what a continuous target's refusal shows."""
    rows: dict[float, int] = {}
    first: tuple[float, int] | None = None
    done = 0  # rows read
    for numbers in blocks:
        if first is None:
            with np.errstate(invalid="ignore"):
                fraction = np.isfinite(numbers) & (numbers != np.round(numbers))
            if fraction.any():
                k = int(np.flatnonzero(fraction)[0])
                first = (float(numbers[k]), done + k)
        valid = numbers[~np.isnan(numbers)]
        for v, c in zip(*np.unique(valid, return_counts=True), strict=True):
            rows[float(v)] = rows.get(float(v), 0) + int(c)
        done += len(numbers)
    values = np.array(sorted(rows), dtype=np.float64)
    counts = np.array([rows[v] for v in values.tolist()], dtype=np.int64)
    return values, counts, first


def _text_blocks(path: str, delimiter: str | None, name: str) -> Any:
    """Column ``name`` of a CSV file as text, block by block (missing-value
    tokens are null, as the in-memory reader reads a text column). A row
    longer than pyarrow's 1 MiB block, which the streamed reader reads (up to
    its chunk: :func:`logistic.backends._csv_source.header_blocks`), is read
    with blocks four times larger, the rows already yielded skipped."""
    import pyarrow as pa

    from ..backends._csv_source import header_blocks
    from ..backends.in_memory import DEFAULT_BLOCK_BYTES

    blocks = header_blocks(DEFAULT_BLOCK_BYTES)
    done = 0  # rows yielded
    for block in blocks:
        try:
            size = None if block == blocks[0] else block  # pyarrow's own first
            types = {name: pa.string()}
            with _csv_reader(path, delimiter, [name], types, size) as (reader, _):
                for batch in batches_after(reader, done):
                    yield batch
                    done += batch.num_rows
            return
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or block == blocks[-1]:
                raise


def _line(
    path: str, delimiter: str | None, header: list[str], rows: int, row: int
) -> str:
    """Where data row ``row`` of a CSV file of ``rows`` rows starts, in
    :class:`._lines.LineMap`'s words, without holding the file: a table of
    the header's names and no values stands for it (its line breaks counted
    from the file; blank lines or quoted line breaks read again)."""
    import pyarrow as pa

    from ..formats import sniff_format
    from ._encoding import UTF8
    from ._lines import LineMap

    _, compression = sniff_format(path)
    names = pa.table({n: pa.nulls(rows) for n in dict.fromkeys(header)})
    lines = LineMap(names, (path, compression, delimiter or ",", UTF8))
    return lines.where(row)


def csv_line(path: str, delimiter: str | None, header: list[str], row: int) -> str:
    """Where data row ``row`` (0-based) of a CSV file starts, as the
    in-memory reader names it (``line 7``), the file's line breaks counted:
    for an error found out of core, the file not held."""
    return _line(path, delimiter, header, row + 1, row)
