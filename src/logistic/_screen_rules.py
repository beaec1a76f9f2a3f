"""The rules that say a column is an identifier or free text (standard library only).

Convention (owned here; the data-file screen :mod:`logistic.tabular._screen`
and the DataFrame encoding :mod:`logistic._frame_encoding` count a column's
values, then both ask :func:`left_out_reason`, so a file and a DataFrame
holding the same columns leave out the same ones):

* **Identifiers**: a column whose name says identifier (``id``, ``ID``,
  ``*_id``, ``PassengerId``, ``userID``, ``index``, ``Unnamed: 0`` (pandas'
  unnamed index), ``rownames`` (R's row names, as Rdatasets' CSV files
  carry them), ...;
  :func:`identifier_name`) and whose values, text or whole numbers, are
  present and distinct on every row.
* **Free text**: a text column with more than :data:`FREE_TEXT_MIN_LEVELS`
  distinct values and more distinct values than half its non-missing rows
  (names, tickets, comments).
* **pandas index columns**: the columns a Parquet schema's pandas metadata
  names as the index (``index_columns``, :func:`pandas_index_columns`): row
  labels, as :func:`pandas.read_parquet` reads them, never chosen as
  features automatically (:mod:`logistic.tabular._pandas_index`). A
  message listing a file's columns lists them apart (:func:`index_apart`),
  as :func:`pandas.read_parquet` shows the index apart from the columns.

Only the standard library is used: any layer may import this module.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "FREE_TEXT_MIN_LEVELS",
    "identifier_name",
    "left_out_reason",
    "index_apart",
    "pandas_index_columns",
]

#: A text column needs more distinct values than this to count as free text.
FREE_TEXT_MIN_LEVELS = 20

_ID_EXACT = re.compile(
    r"^(id|ids|idx|index|key|uuid|guid|row|rowid|rownum|row_?number|"
    r"unnamed: ?0|record_?id|obs|row_?names|row\.names)$",
    re.IGNORECASE,
)
_ID_SUFFIX = re.compile(r"[ _.\-](id|key|uuid|guid|no|number)$", re.IGNORECASE)
_ID_CAMEL = re.compile(r"[a-z0-9](Id|ID)$")


def identifier_name(name: str) -> bool:
    """Whether a column name says "identifier" (``id``, ``customer_id``,
    ``PassengerId``, ``userID``, ``Unnamed: 0``; not ``paid`` or ``valid``)."""
    n = name.strip()
    return bool(_ID_EXACT.match(n) or _ID_SUFFIX.search(n) or _ID_CAMEL.search(n))


def left_out_reason(
    name: str,
    *,
    text: bool,
    levels: int,
    valid: int,
    n_rows: int,
    whole_numbers: bool,
) -> str | None:
    """Why column ``name`` is an identifier or free text, or None.

    ``text``: the column holds text; ``levels``: its distinct non-missing
    values; ``valid``: its non-missing rows, of ``n_rows``; ``whole_numbers``:
    a numeric column holding whole numbers only (an identifier is a count or a
    code, never a measurement)."""
    if (
        identifier_name(name)
        and valid == n_rows
        and levels == valid > 1
        and (text or whole_numbers)
    ):
        return f"{name!r} is named like an identifier and differs on every row"
    if text and levels > FREE_TEXT_MIN_LEVELS and 2 * levels > valid:
        return f"{name!r} has {levels:,} different texts in {valid:,} rows"
    return None


def pandas_index_columns(schema: Any) -> list[str]:
    """The columns of ``schema`` (a pyarrow schema) that its pandas metadata
    names as the index, in metadata order (a RangeIndex stored as metadata
    only is no column); [] without such metadata."""
    try:
        meta = schema.pandas_metadata
    except (AttributeError, ValueError):  # no metadata, or not JSON
        return []
    if not isinstance(meta, dict):
        return []
    names = set(schema.names)
    index = meta.get("index_columns") or ()
    return [c for c in index if isinstance(c, str) and c in names]


def index_apart(names: list[str], index: list[str]) -> tuple[list[str], str]:
    """``(columns, remark)``: ``names`` without the pandas index columns
    ``index`` (those of :func:`pandas_index_columns`), as
    :func:`pandas.read_parquet` gives the frame's columns, and the remark a
    message lists after them, naming the index as row labels a user may still
    name (``""`` without an index, or when the index is every column)."""
    apart = set(index)
    columns = [n for n in names if n not in apart]
    shown = [n for n in names if n in apart]
    if not shown or not columns:
        return list(names), ""
    what = "column" if len(shown) == 1 else "columns"
    listed = ", ".join(repr(n) for n in shown)
    return columns, (
        f"; and the pandas index {what} {listed} (row labels, used only when "
        "named)"
    )
