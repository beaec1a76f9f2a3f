"""Which columns of a table are the target, weights, offset and features.

One planner for every reader of named columns: the in-memory readers
(:mod:`logistic.tabular`), the out-of-core and Dask backends and the command
line all call :func:`plan_columns` on a file's schema before reading rows.

Convention (owned here):

* **Roles.** The target, the weights column and the offset column are never
  features. The features are the columns named in ``features`` (in that
  order, roles left out) or, when none are named, every column but the
  roles, in table order; then ``drop`` removes columns. At least one
  feature must remain.
* **Presence.** Every named column must exist; the error names the role, the
  absent column, a close spelling when there is one (``did you mean 'Y'?``)
  or the header's exact text of a name written with spaces around it, a
  delimiter hint naming the delimiter to pass when a CSV header was read as
  one column (:mod:`logistic._column_hints`), and the columns available.
  Checked in the order target, weights, offset, features, drop.
* **Kinds** from the Arrow type (:func:`arrow_kind`): ``"numeric"``
  (integer, floating point, decimal), ``"boolean"``, ``"text"`` (string,
  large string, string view, or a dictionary of those), ``"null"`` (no
  value at all), ``"other"`` (dates, binary, lists, ...). A plan built from
  column names alone has kind ``"unknown"`` for every column. What a kind
  means for encoding is the reader's business: in memory a text column is
  one-hot encoded, a streamed fit refuses it.

Examples
--------
>>> import pyarrow as pa
>>> schema = pa.schema([("age", pa.int64()), ("city", pa.string()),
...                     ("w", pa.float64()), ("y", pa.int8())])
>>> plan = plan_columns(schema, target="y", weights="w")
>>> plan.features, plan.kind("city")
(('age', 'city'), 'text')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._exceptions import DataValidationError
from ._screen_rules import index_apart, pandas_index_columns

__all__ = ["ColumnPlan", "arrow_kind", "plan_columns", "require_columns"]

#: How messages name each role unless the caller spells them otherwise.
ROLE_NAMES = {
    "target": "target",
    "weights": "weights",
    "offset": "offset",
    "features": "feature",
    "drop": "dropped",
    "delimiter": "delimiter",
}


@dataclass(frozen=True)
class ColumnPlan:
    """The columns a fit reads, by role, with their kinds.

    Attributes
    ----------
    target : str or None
    features : tuple of str
        Feature columns in the order they become columns of X.
    weights, offset : str or None
    left_out : tuple of str
        Columns of the table that are neither features nor roles.
    kinds : mapping of str to str
        Kind of every column of the table (see the module docstring).
    source : str
        The file (or table) the plan was made for, for messages.
    notes : tuple of str
        Lines for the user about columns left out of the features: one for
        each column named as a feature that has a role (target, weights,
        offset), which features never hold (:func:`plan_columns`); a streamed
        fit's plan adds its screen's (identifiers).
    """

    target: str | None
    features: tuple[str, ...]
    weights: str | None = None
    offset: str | None = None
    left_out: tuple[str, ...] = ()
    kinds: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    notes: tuple[str, ...] = ()

    @property
    def roles(self) -> list[str]:
        """Target, weights and offset columns that are set, in that order."""
        return [c for c in (self.target, self.weights, self.offset) if c is not None]

    @property
    def columns(self) -> list[str]:
        """Every column to read: the features, then the roles."""
        return [*self.features, *self.roles]

    def kind(self, name: str) -> str:
        """The kind of column ``name`` (``"unknown"`` without a schema)."""
        return self.kinds.get(name, "unknown")

    def features_of_kind(self, *kinds: str) -> list[str]:
        """Feature columns whose kind is one of ``kinds``, in feature order."""
        return [c for c in self.features if self.kind(c) in kinds]


def arrow_kind(arrow_type: Any) -> str:
    """``"numeric"``, ``"boolean"``, ``"text"``, ``"null"`` or ``"other"``."""
    import pyarrow as pa

    t = arrow_type
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "numeric"
    if pa.types.is_boolean(t):
        return "boolean"
    view = getattr(pa.types, "is_string_view", None)
    if (
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or (view is not None and view(t))
    ):
        return "text"
    if pa.types.is_null(t):
        return "null"
    return "other"


def _names_and_kinds(schema: Any) -> tuple[list[str], dict[str, str]]:
    """Column names and kinds of an Arrow schema, or names alone."""
    if hasattr(schema, "types"):  # a pyarrow.Schema
        names = list(schema.names)
        return names, {
            n: arrow_kind(t) for n, t in zip(names, schema.types, strict=True)
        }
    return [str(n) for n in schema], {}


def require_columns(
    available: Sequence[str],
    names: Sequence[str],
    role: str,
    *,
    source: str = "",
    delimiter: str | None = None,
    delimiter_option: str = "delimiter",
    row_labels: Sequence[str] = (),
) -> None:
    """Raise :class:`DataValidationError` when any of ``names`` is absent.

    The message names ``role`` and the absent column(s), a hint
    (:func:`logistic._column_hints.absent_column_hint`: the header's exact
    text of a name written with spaces around it, else a close spelling; the
    ``delimiter_option`` to pass when the header looks like one column read
    with the wrong delimiter), and the columns available, the pandas index
    columns ``row_labels`` listed apart
    (:func:`logistic._screen_rules.index_apart`).
    """
    present = set(available)  # a set: lookups stay O(1) for files of 100 000 columns
    absent = [n for n in names if n not in present]
    if not absent:
        return
    from ._column_hints import absent_column_hint

    name = absent[0]
    hint = absent_column_hint(absent, list(available), delimiter, delimiter_option)
    columns, remark = index_apart(list(available), list(row_labels))
    shown = ", ".join(repr(a) for a in columns[:20])
    more = f", ... ({len(columns) - 20} more)" if len(columns) > 20 else ""
    if len(absent) == 1:
        what = f"{role} column {name!r}"
    else:
        listed = ", ".join(repr(a) for a in absent[:10])
        etc = ", ..." if len(absent) > 10 else ""
        what = f"{len(absent)} {role} columns ({listed}{etc})"
    where = f" in {source}" if source else ""
    raise DataValidationError(
        f"{what} not found{where}{hint}; available: {shown}{more}{remark}"
    )


def plan_columns(
    schema: Any,
    *,
    target: str | None,
    features: Sequence[str] | None = None,
    drop: Sequence[str] | None = None,
    weights: str | None = None,
    offset: str | None = None,
    source: str = "",
    delimiter: str | None = None,
    role_names: Mapping[str, str] | None = None,
    roles_only: bool = False,
    row_labels: Sequence[str] | None = None,
) -> ColumnPlan:
    """Plan which columns a fit reads (see the module docstring).

    Parameters
    ----------
    schema : pyarrow.Schema or sequence of str
        The table's columns; a schema also gives their kinds.
    target : str or None
        The label column (None: a plan of features only).
    features : sequence of str, optional
        Feature columns; default every column but the roles.
    drop : sequence of str, optional
        Columns to leave out of the features.
    weights, offset : str, optional
        Columns of sample weights and of the offset.
    source : str
        The file the schema belongs to, named in messages.
    delimiter : str, optional
        A CSV file's delimiter, for the hint when the header is one column.
    role_names : mapping, optional
        How messages name the roles (keys ``target``, ``weights``,
        ``offset``, ``features``, ``drop``) and the delimiter (``delimiter``),
        e.g. as command-line options.
    roles_only : bool
        Plan the target, weights and offset only (the features are chosen
        elsewhere, e.g. by a formula); ``features`` and ``drop`` are ignored.
    row_labels : sequence of str, optional
        Index columns pandas wrote (row labels), never chosen as features
        automatically; default: those a schema's pandas metadata names
        (:func:`logistic._screen_rules.pandas_index_columns`).

    Returns
    -------
    ColumnPlan

    Raises
    ------
    DataValidationError
        A named column is absent, or no feature column is left.
    """
    names, kinds = _names_and_kinds(schema)
    spell = {**ROLE_NAMES, **(role_names or {})}
    labels = pandas_index_columns(schema) if row_labels is None else row_labels
    # messages list the index apart even where the caller leaves it out itself
    listed_apart = pandas_index_columns(schema) or list(labels)

    def require(columns: Sequence[str], role: str) -> None:
        require_columns(
            names,
            columns,
            spell[role],
            source=source,
            delimiter=delimiter,
            delimiter_option=spell["delimiter"],
            row_labels=listed_apart,
        )

    named = {"target": target, "weights": weights, "offset": offset}
    given = [(role, column) for role, column in named.items() if column is not None]
    for role, column in given:
        require([column], role)
    roles = [c for c in (target, weights, offset) if c is not None]
    if roles_only:
        return ColumnPlan(target, (), weights, offset, (), kinds, source)
    notes: tuple[str, ...] = ()
    if features:
        require(features, "features")
        chosen = [f for f in features if f not in roles]
        notes = tuple(
            f"{spell['features']} column {column!r} is the {spell[role]} column: "
            "left out of the features"
            for role, column in given
            if column in features
        )
    else:
        # an empty name (pandas' to_csv index) is no feature a model can store
        chosen = [c for c in names if c not in roles and c not in labels and c.strip()]
    if drop:
        require(drop, "drop")
        if features:  # a named column the features never had: nothing to drop
            notes += tuple(
                f"{spell['drop']} column {column!r} is not a {spell['features']} "
                "column: nothing to drop"
                for column in dict.fromkeys(drop)
                if column not in features and column not in roles
            )
        notes += tuple(  # a role is never a feature: dropping it changes nothing
            f"{spell['drop']} column {column!r} is the {spell[role]} column, never "
            "a feature: nothing to drop"
            for role, column in given
            if column in drop
        )
        dropped = set(drop)
        chosen = [c for c in chosen if c not in dropped]
    if not chosen:
        prefix = f"{source}: " if source else ""
        besides = f" besides the target {target!r}" if target is not None else ""
        raise DataValidationError(
            f"{prefix}0 feature columns left{besides}; the file needs at least one "
            "feature"
        )
    kept = set(chosen)  # a set: a list would make this quadratic in the columns
    left_out = tuple(c for c in names if c not in kept and c not in roles)
    return ColumnPlan(
        target, tuple(chosen), weights, offset, left_out, kinds, source, notes
    )
