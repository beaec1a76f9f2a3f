"""A data file's value that no fit takes, in one wording for every reader.

Convention (owned here): the three readers of a CSV or Parquet file (in
memory, :mod:`logistic.tabular._columns` and :mod:`logistic.tabular._missing`;
``--stream``, :mod:`logistic.backends._sources`; Dask, restated by
:mod:`logistic.cli._stream_backends`) refuse an infinite value
(:func:`infinite_value`) and a missing one (:func:`missing_values`) in these
words. Each names the file, the column, the place and, for an infinite value,
the value read (``inf`` or ``-inf``; ``1e999`` reads as ``inf``). The place is
a CSV file's line (the header is line 1; line breaks inside quoted values and
blank lines counted) or a Parquet file's 1-based row, counted within its own
file for a directory of Parquet files; the caller words it (``line 7``,
``row 6``). A reader that stops at the first missing value knows neither how
many there are nor where the others are: it names the first alone, and its
remedy says where ``--missing drop`` applies (:data:`STREAMED_REMEDY`).
Leaf module: any layer may import it.
"""

from __future__ import annotations

from ._exceptions import DataValidationError

__all__ = [
    "IN_MEMORY_REMEDY",
    "LIBSVM_REMEDY",
    "STREAMED_REMEDY",
    "MissingValues",
    "infinite_value",
    "missing_column",
    "missing_values",
    "negative_weight",
]

#: What an in-memory fit offers for rows with a missing value.
IN_MEMORY_REMEDY = "drop those rows with --missing drop or fill them in"
#: What a LibSVM file's reader offers (its rows are not dropped).
LIBSVM_REMEDY = (
    "fill them in or remove those lines (--missing drop does not apply to LibSVM files)"
)
#: What a streamed or Dask fit offers (``--missing drop`` is refused there).
STREAMED_REMEDY = (
    "fill them in, or drop those rows (`logistic fit --missing drop` does, for a "
    "fit in memory)"
)


class MissingValues(DataValidationError):
    """The refusal of missing values (:func:`missing_values`), a type of its
    own so that a command can add the target's own refusal to it (one run
    names both, as a fit in memory does)."""


def infinite_value(column: object, path: object, at: str, value: object) -> str:
    """The message for an infinite ``value`` (a float or its text: ``inf``,
    ``-inf``) of ``column`` in ``path`` at ``at`` (``line 6``, ``row 5``)."""
    text = "-inf" if str(value).strip().startswith("-") else "inf"
    return (
        f"column {column!r} in {path} has an infinite value ({text}) at {at}; only "
        "finite numbers are allowed (a number beyond float64's ±1.8e308, such as "
        "1e999, reads as infinite)"
    )


def negative_weight(where: object, column: str | None, value: float, at: str) -> str:
    """The message for a negative sample weight ``value`` read from
    ``column`` (None: weights given as an array) of ``where`` at ``at``."""
    named = "" if column is None else f" (column {column!r})"
    return (
        f"{where}: negative sample_weight{named} ({value:g}) at {at}; "
        "weights must be >= 0"
    )


def missing_column(column: object, at: str, count: int | None = None) -> str:
    """One column's part of :func:`missing_values`: ``'b' (first at line 7)``,
    with its count of rows where the reader counted them
    (``'b' (2 row(s), first at line 7, line 9)``)."""
    counted = "" if count is None else f"{count} row(s), "
    return f"{column!r} ({counted}first at {at})"


def missing_values(path: object, columns: list[str], remedy: str) -> MissingValues:
    """The refusal of missing values in ``path``: ``columns`` as
    :func:`missing_column` words each, then the ``remedy``."""
    return MissingValues(
        f"missing values in {path}: column {'; column '.join(columns)}; {remedy}"
    )
