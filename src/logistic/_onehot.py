"""One-hot encoding of a text column: the one owner of its conventions.

Convention (owned here), shared by the command line's file encoder
(:mod:`logistic.tabular._encode`, on pyarrow columns) and the library's
DataFrame encoder (:mod:`logistic._frame_encoding`, on pandas columns):

* the levels of a column are its distinct values as text, sorted
  (:func:`sorted_levels`); the first is the reference and gets no column;
* the columns of the other levels are named ``name[T.level]``
  (:func:`dummy_names`, the names patsy and formulaic give);
* a row's column is 1.0 for its level, 0.0 elsewhere (all zero for the
  reference); a value that is not a known level is reported, never encoded
  (:func:`one_hot` returns the rows that hold one);
* the design is dense: before it is built, its size (:data:`ONE_HOT_COPIES`
  float64 copies of every row) is checked against the memory this process
  may use (:func:`dense_size_problem`), so that a column of 30 000 zip codes
  on 150 000 rows (34 GiB a copy) is refused naming the column instead of
  ending in numpy's MemoryError or the out-of-memory killer.

Numbers only: no pandas, no pyarrow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from . import _memory

__all__ = [
    "ONE_HOT_COPIES",
    "dense_size_problem",
    "design_width",
    "dummy_names",
    "encoded_name_clash",
    "one_hot",
    "sorted_levels",
    "split_dummy_name",
]


#: Dense float64 copies of a one-hot design alive at once while it is built
#: and fitted: the columns' blocks and their stack (and the DataFrame's
#: values), the fit's checked copy; 1.13 GB measured at the peak of a
#: DataFrame fit of 20 000 rows x 2 000 levels (305 MiB a copy).
ONE_HOT_COPIES = 3


def design_width(spec: dict[str, Any]) -> int:
    """The design columns of one column's encoding spec: one for a number,
    one a level past the first (the reference) for a text column."""
    return 1 if spec["kind"] == "numeric" else max(len(spec["levels"]) - 1, 0)


def dense_size_problem(rows: int, widths: Sequence[tuple[str, int]]) -> str | None:
    """Words saying that a dense one-hot design does not fit the memory this
    process may use, or None where it fits: ``widths`` holds each column's
    name and its columns in the design (a numeric column 1, a text column
    its levels but the reference); the widest is named."""
    columns = sum(width for _, width in widths)
    size = ONE_HOT_COPIES * 8 * rows * columns
    if not widths or _memory.fits_memory(size):
        return None
    name, widest = max(widths, key=lambda item: item[1])
    memory = _memory.format_bytes(_memory.process_memory() or 0)
    return (
        f"one-hot encoding makes {columns:,} columns of {rows:,} rows (column "
        f"{name!r} alone {widest:,}): built densely they need about "
        f"{_memory.format_bytes(size)}, more than the memory this process may "
        f"use ({memory})"
    )


def sorted_levels(values: Iterable[Any]) -> list[str]:
    """The distinct values as text, sorted (the first is the reference)."""
    return sorted({str(v) for v in values})


def dummy_names(name: str, levels: Sequence[str]) -> list[str]:
    """``name[T.level]`` for every level but the reference (the first)."""
    return [f"{name}[T.{level}]" for level in levels[1:]]


def encoded_name_clash(specs: Sequence[dict[str, Any]]) -> str | None:
    """Words naming a numeric column whose name is one that encoding gives a
    text column's level (``wc[T.yes]`` beside a text column ``wc`` with level
    ``yes``), or None. ``specs``: the encoder's column specs (``name``,
    ``kind``, ``levels``)."""
    numeric = {spec["name"] for spec in specs if spec["kind"] == "numeric"}
    for spec in specs:
        if spec["kind"] != "categorical":
            continue
        for dummy, level in zip(
            dummy_names(spec["name"], spec["levels"]), spec["levels"][1:], strict=True
        ):
            if dummy in numeric:
                return (
                    f"column {dummy!r} has the name one-hot encoding gives level "
                    f"{level!r} of the text column {spec['name']!r}"
                )
    return None


def split_dummy_name(column: str) -> tuple[str, str] | None:
    """``(name, level)`` of a column named ``name[T.level]`` by
    :func:`dummy_names`, or None for any other name (an interaction column
    such as ``a:b[T.level]`` or ``a[T.u]:b[T.v]``). The level runs from the
    ``[T.`` after the name to the column's last ``]`` and may hold any text
    but ``]:`` (``[x]``, ``a:b``, pandas' intervals ``(18, 25]``), as
    :func:`logistic.inference._hypothesis.term_of` reads levels."""
    if not column.endswith("]"):
        return None
    head, sep, rest = column.partition("[T.")
    level = rest[:-1]
    if not sep or not head or "]:" in level or any(c in head for c in "[]:"):
        return None
    return head, level


def one_hot(
    values: Sequence[Any] | np.ndarray, levels: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """``(columns, unseen)``: the (n, len(levels) - 1) indicator matrix of
    ``values`` (compared as text) and the indices of rows whose value is not
    one of ``levels`` (their row of the matrix is all zero)."""
    index = {level: i for i, level in enumerate(levels)}
    codes = np.fromiter(
        (index.get(str(v), -1) for v in values), dtype=np.int64, count=len(values)
    )
    out = np.zeros((len(codes), max(len(levels) - 1, 0)))
    hit = codes > 0
    out[np.flatnonzero(hit), codes[hit] - 1] = 1.0
    return out, np.flatnonzero(codes < 0)
