"""The design record of a data file, and the helpers that fitting an
encoding (:mod:`._encode`) and re-applying it (:mod:`._apply_design`) share.

Convention: a :class:`Design` is what both produce (the matrix, labels,
weights, offset, names, encoding and the rows used); the helpers here read a
file's columns the same way for both, so a level unseen at fit time is
described, and a row subset taken, in one way only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .._arrow_numpy import bool_array
from .._arrow_numpy import values as arrow_values
from .._column_hints import unicode_form_hint
from .._exceptions import DataValidationError
from .._messages import name_list
from .._onehot import one_hot
from .._sparse import issparse
from ._columns import numeric_column, refuse_infinite, string_column
from ._named import NamedColumns, named_csr
from ._read import RawData, position

__all__ = ["Design", "string_or_values"]


@dataclass
class Design:
    """A design matrix and everything that goes with it.

    Attributes
    ----------
    X : ndarray or csr_matrix of shape (n_rows_used, n_features)
    y : ndarray of class codes (0/1 floats, or 0 … K-1 for K > 2 classes), or
        None when the data has no target
    sample_weight, offset : ndarray or None
    feature_names : list of str
    encoding : dict
    rows_read, rows_dropped : int
    keep : ndarray of bool, rows of the file that were used
    notes : list of str, things the user should be told
    trials : ndarray or None
        Grouped binomial data: trials per row (``y`` then counts successes).
    n_missing, n_unknown : int
        Rows of the file not used at predict time because of a missing value,
        or (among the others) because of a category not seen at fit time.
    missing_rows : ndarray of bool or None
        At predict time, the rows of the file with a missing value.
    """

    X: Any
    y: np.ndarray | None
    sample_weight: np.ndarray | None
    offset: np.ndarray | None
    feature_names: list[str]
    encoding: dict[str, Any]
    rows_read: int
    rows_dropped: int
    keep: np.ndarray
    notes: list[str] = field(default_factory=list)
    trials: np.ndarray | None = None
    n_missing: int = 0
    n_unknown: int = 0
    missing_rows: np.ndarray | None = None

    def named_X(self) -> Any:
        """X carrying the feature names (:class:`._named.NamedColumns`,
        which the estimators read as a DataFrame's columns; a formula's CSR X
        as :func:`._named.named_csr`); LibSVM's sparse X as is (named by
        position, x1 … xp, as the fit names unnamed columns)."""
        if issparse(self.X) and self.encoding.get("kind") == "formula":
            return named_csr(self.X, self.feature_names)
        if issparse(self.X):
            return self.X
        return NamedColumns(self.X, self.feature_names)


def _subset(raw: RawData, keep: np.ndarray) -> RawData:
    if keep.all():
        return raw
    sub = replace(raw, table=raw.table.filter(bool_array(keep)))  # lines kept
    sub._rows = np.flatnonzero(keep)  # type: ignore[attr-defined]
    return sub


def _optional_numeric(raw: RawData, name: str | None) -> np.ndarray | None:
    return None if name is None else numeric_column(raw, name, "--offset")


def _one_hot_unseen(
    raw: RawData, name: str, levels: list[str]
) -> tuple[np.ndarray, str | None]:
    """The indicator columns, and the unseen categories described (or None)."""
    values = string_column(raw, name)
    out, bad = one_hot(values, levels)  # conventions: logistic._onehot
    if not bad.size:
        return out, None
    unseen = sorted({str(values[i]) for i in bad})
    return out, (
        f"{unseen[:10]!r} (first at {position(raw, int(bad[0]))}); known: "
        f"{levels[:20]!r}{unicode_form_hint(unseen, levels)}"
    )


#: What a command scoring new rows can do about categories not seen at fit time.
UNKNOWN_LEVELS_REMEDY = "give those rows empty predictions with --unknown-levels na"


class UnseenLevelsError(DataValidationError):
    """Categories not seen at fit time. The message is ``what`` (the columns
    and values) and :data:`UNKNOWN_LEVELS_REMEDY`; a command that reads the
    training rows (which hold no such category) words ``what`` its own way."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}; {UNKNOWN_LEVELS_REMEDY}")
        self.what = what


def _unseen_message(raw: RawData, names: list[str], first: str) -> UnseenLevelsError:
    """The error naming every column with unseen categories (``first``
    describes those of the first column)."""
    if len(names) == 1:
        return UnseenLevelsError(
            f"column {names[0]!r} in {raw.path} has categories not seen at fit "
            f"time: {first}"
        )
    return UnseenLevelsError(
        f"{name_list(names)} in {raw.path} have categories not seen at fit time "
        f"(column {names[0]!r}: {first})"
    )


def string_or_values(raw: RawData, name: str) -> np.ndarray:
    """Raw target values: numbers stay numbers (an infinite one is refused,
    naming its line; a decimal column's as float64), strings stay strings."""
    kind = raw.table.schema.field(name).type
    import pyarrow as pa

    if (
        pa.types.is_boolean(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_decimal(kind)
    ):
        values = arrow_values(raw.table.column(name))
        refuse_infinite(raw, name, values)
        return values
    return string_column(raw, name)
