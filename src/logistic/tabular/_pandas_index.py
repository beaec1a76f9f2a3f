"""Index columns pandas writes into data files: row labels, never features.

Convention (owned here; read as :func:`pandas.read_parquet` and
:func:`pandas.read_csv` with ``index_col=0`` read them):

* **Parquet.** A file written by ``DataFrame.to_parquet`` records its index
  in the schema's pandas metadata (``index_columns``: column names, or a
  dict for a RangeIndex stored as metadata only;
  :func:`logistic._screen_rules.pandas_index_columns`). The named columns
  (``__index_level_0__`` for an unnamed index, the index's own name
  otherwise) hold row labels, and a shuffle, filter or split makes them a
  non-default index that pandas writes as a column. When the features are
  chosen automatically they are left out, with a note naming them; a
  column the user names (as a feature, target, weights or offset) is used.
* **CSV.** ``DataFrame.to_csv`` writes the index as a first column with an
  empty header name. Such a first column whose values look like row labels
  (present on every row and distinct, whole numbers or text) is left out by
  every command, with the note of :func:`unnamed_note`. Any other column
  with an empty header name is refused when fitting, with the remedy.
"""

from __future__ import annotations

from typing import Any

from .._screen_rules import pandas_index_columns

__all__ = [
    "index_like",
    "pandas_index_columns",
    "pandas_index_note",
    "unnamed_note",
]


def pandas_index_note(path: str, columns: list[str]) -> str:
    """The one-line note for index columns left out of the features."""
    what = "column" if len(columns) == 1 else "columns"
    listed = ", ".join(repr(c) for c in columns)
    return (
        f"left out pandas index {what} {listed} of {path} (row labels, as "
        f"pandas.read_parquet reads them); name it with --features to use it"
    )


def unnamed_note(positions: list[int]) -> str:
    """The one-line note for columns with an empty header name left out."""
    return (
        f"ignored column(s) {positions} with an empty header name: not used "
        "by the model"
    )


def index_like(table: Any, position: int) -> bool:
    """Whether column ``position`` of ``table`` looks like a pandas index
    written by ``to_csv``: no missing value, every value distinct, whole
    numbers or text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = table.column(position)
    t = col.type
    if not (
        pa.types.is_integer(t) or pa.types.is_string(t) or pa.types.is_large_string(t)
    ):
        return False
    if col.null_count or table.num_rows == 0:
        return False
    return int(pc.count_distinct(col).as_py()) == table.num_rows


def leave_out_index(
    raw: Any, used: list[str], include: list[str] | None = None
) -> tuple[list[str], list[str]]:
    """``(features kept, notes)``: the features chosen automatically from
    ``raw`` (a :class:`._raw.RawData`) without its pandas index columns,
    except those in ``include``."""
    from .._exceptions import DataValidationError

    if raw.table is None:
        return used, []
    index = [
        c
        for c in pandas_index_columns(raw.table.schema)
        if c in used and c not in (include or ())
    ]
    if not index:
        return used, []
    kept = [c for c in used if c not in index]
    if not kept:
        raise DataValidationError(
            f"{raw.path}: the only feature column(s) {index!r} are the pandas index "
            "(row labels); name them with --features to use them"
        )
    return kept, [pandas_index_note(raw.path, index)]
