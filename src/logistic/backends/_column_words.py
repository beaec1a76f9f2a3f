"""The words for a column a reader cannot use, said once for every reader.

Convention (owned here): the in-memory reader (:mod:`logistic.tabular`), the
file sources of the out-of-core and Dask backends (:mod:`._sources`), the
Dask backend's DataFrames and the command line word these refusals alike:

* :func:`check_unique_names`: a header (CSV) or schema (Parquet) that names a
  column twice;
* :func:`text_columns_message`: feature columns of text where only numbers
  can be read (a streamed or Dask fit: one-hot encoding needs every level
  before the first pass); ``who``, ``leave_out`` and ``in_memory`` say it in
  the caller's terms (the command line's options, or Python);
* :func:`beyond_float_message`: an integer column holding a value float64
  cannot hold exactly (beyond ±2**53); :func:`refuse_beyond_float` says it
  of a file source's column;
* :func:`refuse_text_frame_columns`: a Dask DataFrame's feature columns of a
  text dtype, refused on the client from its ``dtypes`` (known without
  computing a partition);
* :func:`refuse_complex`: a Dask collection of a complex dtype, likewise.

Imports no numpy, pyarrow, pandas or dask at module level: every reader
imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._exceptions import DataValidationError
from .._messages import option_value

__all__ = [
    "PARQUET_NAMES",
    "beyond_float_message",
    "check_unique_names",
    "refuse_beyond_float",
    "refuse_text_frame_columns",
    "text_columns_message",
]


#: Where a Parquet file writes its column names, in messages.
PARQUET_NAMES = "its schema"


def check_unique_names(
    names: Sequence[str], where: str, part: str = "the header"
) -> None:
    """Refuse a header or schema that names a column more than once; ``part``
    is where the names are written (a Parquet file's: ``"its schema"``)."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for name in names:
        (repeated if name in seen else seen).add(name)
    dups = sorted(repeated)
    if dups:
        raise DataValidationError(
            f"{where}: duplicate column name(s) {dups!r} in {part}; "
            "rename them so every column is unique"
        )


def text_columns_message(
    source: str,
    text: Sequence[str],
    *,
    who: str = "streaming",
    leave_out: str | None = None,
    in_memory: str = "fit in memory (without --stream)",
) -> str:
    """Feature columns ``text`` of ``source`` hold text where only numbers are
    read; ``leave_out`` defaults to the command line's ``--drop`` option."""
    shown = list(text[:10])
    leave = f"--drop {option_value(shown)}" if leave_out is None else leave_out
    return (
        f"{who} needs numeric feature columns, but {source} has text "
        f"column(s) {shown!r} (one-hot encoding needs every level before "
        f"the first pass); leave them out with {leave}, "
        f"encode them as numbers, or {in_memory}"
    )


def beyond_float_message(
    name: str,
    source: str,
    value: int,
    at: str,
    count: int | None = None,
    leave_out: str | None = None,
) -> str:
    """Column ``name`` of ``source`` holds ``value`` (at ``at``), an integer
    float64 cannot hold exactly; ``count``: how many such values, when
    known; ``leave_out`` (how to leave the column out) defaults to the
    command line's ``--drop`` option, and ``""`` words the column as a
    model's input, which cannot be left out."""
    many = "" if count is None else f" ({count} value(s) beyond ±2**53)"
    head = (
        f"column {name!r} in {source} holds integers too large to be a numeric "
        f"feature exactly: {value} at {at}{many}"
    )
    rounded = "write the values as decimals (9.007e15) to use them rounded"
    if leave_out == "":
        return f"{head}; the model reads it as a number: {rounded}"
    if leave_out is None:
        leave_out = f"leave it out with --drop {option_value([name])}"
    return f"{head}; an identifier? {leave_out}; or {rounded}"


def _is_text_dtype(dtype: Any) -> bool:
    """A pandas dtype of text or categories (``object`` is not: its values
    may be numbers, which a partition converts)."""
    import numpy as np
    from pandas.api.types import is_string_dtype

    if getattr(dtype, "name", "") == "category":
        return True
    numpy_object = isinstance(dtype, np.dtype) and dtype.kind == "O"
    return bool(is_string_dtype(dtype)) and not numpy_object


def refuse_text_frame_columns(X: Any, features: Sequence[str]) -> None:
    """Refuse the ``features`` of a Dask DataFrame ``X`` whose dtype is text
    or categorical, by the streamed fit's rule (:func:`text_columns_message`)."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(dtypes, "items"):
        return  # an array or a Series: no column of its own to judge
    kinds = {str(c): t for c, t in dtypes.items()}
    text = [c for c in features if c in kinds and _is_text_dtype(kinds[c])]
    if text:
        keep = ", ".join(repr(c) for c in text[:10])
        raise DataValidationError(
            text_columns_message(
                "the Dask DataFrame X",
                text,
                who="Dask",
                leave_out=f"X.drop(columns=[{keep}])",
                in_memory="fit in memory: a pandas DataFrame (X.compute()) has "
                "its text columns one-hot encoded",
            )
        )


def refuse_beyond_float(
    col: Any, name: str, where: str, row0: int, position: Any = None
) -> None:
    """Refuse a pyarrow integer column ``name`` (from global row ``row0``;
    ``position`` names a row) for its first value beyond ±2**53 (none:
    returns), with the in-memory reader's words."""
    import numpy as np

    values = col.to_numpy(zero_copy_only=False)
    beyond = np.flatnonzero((values > 2**53) | (values < -(2**53)))
    if beyond.size:
        i = int(beyond[0])
        at = position or (lambda r: f"row {r} (0-based, global)")
        drop = f"--drop {option_value([name])} (in Python: features=[...] without it)"
        leave = f"leave it out with {drop}"
        message = beyond_float_message(
            name, where, int(values[i]), at(row0 + i), leave_out=leave
        )
        raise DataValidationError(message)


def refuse_complex(**named: Any) -> None:
    """Refuse a Dask collection (``X``, ``sample_weight``, ``offset``) of a
    complex dtype, on the client from its ``dtype`` (or a DataFrame's
    ``dtypes``): a partition's cast to float would drop the imaginary part
    with only numpy's ``ComplexWarning``, where in-memory arrays are refused."""
    for name, v in named.items():
        dtypes: Any = getattr(v, "dtypes", None)
        if hasattr(dtypes, "items"):
            kinds = [(str(c), t) for c, t in dtypes.items()]
        else:
            kinds = [("", getattr(v, "dtype", None))]
        for column, dtype in kinds:
            if getattr(dtype, "kind", "") == "c":
                where = f"{name}'s column {column!r}" if column else name
                raise DataValidationError(
                    f"Complex data not supported: {where} has dtype {dtype}"
                )
