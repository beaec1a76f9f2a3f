"""Turn a data file into a design matrix, and store how, to repeat it at predict.

Convention (owned here): the *encoding* is a JSON object stored in the model
file, with ``kind``:

* ``"columns"`` — automatic: numeric columns as they are, categorical
  (string) columns one-hot encoded with the first sorted level as the dropped
  reference; feature names ``col`` and ``col[T.level]``.
* ``"formula"`` — a formula's terms stored as data (:mod:`._formula`).
* ``"libsvm"`` — sparse features by index, names ``x1..xp``.

Each also holds ``target``, ``label`` (the raw → class-code mapping of
:mod:`._labels`: 0/1 for two values, ``0 … K-1`` with ``levels`` for K > 2,
the ``reference`` level first), optional ``weights``/``offset`` column names and
``feature_names``. The target, weights and offset columns are never
features. Rows with missing values are an error unless ``missing="drop"``.

At fit time, text columns holding numbers with a decimal comma are refused
(:func:`._columns.check_decimal_commas`: read them with ``decimal=","``), and
of the columns chosen automatically (no ``features``, no formula),
identifiers and free text are left out with a note (:mod:`._screen`;
``include`` keeps them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .._arrow_numpy import bool_array
from .._arrow_numpy import values as arrow_values
from .._exceptions import DataValidationError
from .._messages import name_list
from .._onehot import dummy_names, one_hot, sorted_levels
from .._sparse import issparse
from ..columns import ColumnPlan, plan_columns
from ._columns import (
    ROLE_OPTIONS,
    check_decimal_commas,
    check_missing,
    check_printable,
    column_kind,
    missing_mask,
    nonnegative_column,
    numeric_column,
    require_model_inputs,
    string_column,
)
from ._formula import (
    apply_formula,
    categorical_columns,
    fit_formula,
    formula_columns,
    parse_formula,
    unseen_levels,
)
from ._grouped import grouped_counts
from ._inputs import text_input_columns
from ._labels import apply_labels, fit_target_labels
from ._named import NamedColumns
from ._pandas_index import leave_out_index, unnamed_note
from ._read import RawData, position
from ._screen import screen_features

__all__ = ["Design", "fit_design", "apply_design", "plan_design_columns"]

#: A string column with more levels than this is refused as a feature.
MAX_LEVELS = 1000


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
        """Dense X carrying the feature names (:class:`._named.NamedColumns`,
        which the estimators read as a DataFrame's columns); sparse X as is."""
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


def _weight_column(raw: RawData, name: str | None) -> np.ndarray | None:
    """The --weights column: non-negative, not all zero; errors name the line."""
    if name is None:
        return None
    values = nonnegative_column(raw, name, "--weights", plural="weights")
    if values.size and not values.any():
        raise DataValidationError(
            f"--weights column {name!r} in {raw.path} is zero on every row used; "
            "at least one row needs a positive weight"
        )
    return values


def _one_hot(raw: RawData, name: str, levels: list[str]) -> np.ndarray:
    out, unseen = _one_hot_unseen(raw, name, levels)
    if unseen is not None:
        raise DataValidationError(_unseen_message(raw, [name], unseen))
    return out


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
        f"{levels[:20]!r}"
    )


def _unseen_message(raw: RawData, names: list[str], first: str) -> str:
    """One line naming every column with unseen categories (``first``
    describes those of the first column) and the option that allows them."""
    remedy = "give those rows empty predictions with --unknown-levels na"
    if len(names) == 1:
        return (
            f"column {names[0]!r} in {raw.path} has categories not seen at fit "
            f"time: {first}; {remedy}"
        )
    return (
        f"{name_list(names)} in {raw.path} have categories not seen at fit time "
        f"(column {names[0]!r}: {first}); {remedy}"
    )


def _fit_columns(
    raw: RawData, features: list[str]
) -> tuple[np.ndarray, list[str], list[dict[str, Any]]]:
    blocks: list[np.ndarray] = []
    names: list[str] = []
    specs: list[dict[str, Any]] = []
    for name in features:
        if column_kind(raw, name) == "numeric":
            blocks.append(numeric_column(raw, name)[:, None])
            names.append(name)
            specs.append({"name": name, "kind": "numeric"})
            continue
        levels = sorted_levels(string_column(raw, name))
        if len(levels) > MAX_LEVELS:
            raise DataValidationError(
                f"column {name!r} in {raw.path} has {len(levels)} distinct values; "
                "it looks "
                f"like an identifier: leave it out with --drop {name}"
            )
        blocks.append(_one_hot(raw, name, levels))
        names.extend(dummy_names(name, levels))
        specs.append(
            {
                "name": name,
                "kind": "categorical",
                "levels": levels,
                "reference": levels[0],
            }
        )
    X = np.column_stack(blocks) if blocks else np.empty((raw.n_rows, 0))
    return X, names, specs


def plan_design_columns(
    raw: RawData,
    *,
    target: str | None,
    features: list[str] | None = None,
    drop: list[str] | None = None,
    weights: str | None = None,
    offset: str | None = None,
    roles_only: bool = False,
) -> ColumnPlan:
    """:func:`logistic.columns.plan_columns` on a file's columns, roles named as
    the command line's options in messages."""
    return plan_columns(
        raw.table.schema,
        target=target,
        features=features,
        drop=drop,
        weights=weights,
        offset=offset,
        source=raw.path,
        delimiter=raw.delimiter,
        role_names=ROLE_OPTIONS,
        roles_only=roles_only,
        row_labels=(),  # left out by fit_design, with a note (._pandas_index)
    )


def _fit_libsvm(raw: RawData, options: dict[str, Any]) -> Design:
    for opt in ("formula", "features", "drop", "weights", "offset"):
        if options.get(opt):
            raise DataValidationError(
                f"--{opt} does not apply to LibSVM data ({raw.path})"
            )
    y, mapping = fit_target_labels(
        raw.labels, "label", raw.path, options.get("positive"), options.get("reference")
    )
    p = raw.X.shape[1]
    names = [f"x{j + (0 if raw.zero_based else 1)}" for j in range(p)]
    encoding = {
        "kind": "libsvm",
        "target": None,
        "label": mapping,
        "n_features": p,
        "zero_based": raw.zero_based,
        "feature_names": names,
    }
    keep = np.ones(raw.n_rows, dtype=bool)
    return Design(raw.X, y, None, None, names, encoding, raw.n_rows, 0, keep)


def fit_design(
    raw: RawData,
    *,
    target: str | None,
    formula: str | None = None,
    features: list[str] | None = None,
    drop: list[str] | None = None,
    positive: str | None = None,
    missing: str = "error",
    weights: str | None = None,
    offset: str | None = None,
    include: list[str] | None = None,
    binomial: dict[str, str] | None = None,
    reference: str | None = None,
) -> Design:
    """Encode training data; see the module docstring.

    A target of two values is coded 0/1 (``positive`` chooses the class coded
    1); one of K > 2 values is coded ``0 … K-1`` with ``reference`` (default:
    the first sorted level) as code 0 (:func:`._labels.fit_target_labels`).

    ``binomial`` marks grouped data (:mod:`._grouped`): the target counts
    successes; its trials (or failures) column is read, never a feature.
    """
    options = {
        "formula": formula,
        "features": features,
        "drop": drop,
        "positive": positive,
        "reference": reference,
        "weights": weights,
        "offset": offset,
    }
    if raw.format == "libsvm":
        return _fit_libsvm(raw, options)
    if raw.n_rows == 0:
        raise DataValidationError(f"{raw.path} has a header but no data rows")
    target, rhs, variables = _resolve_target(target, formula, features, drop)
    screened: list[str] = []
    counts = [c for k, c in sorted((binomial or {}).items()) if k != "successes"]
    if counts and rhs is None and not features:
        drop = [*(drop or []), *counts]
    if rhs is not None:
        roles = plan_design_columns(
            raw, target=target, weights=weights, offset=offset, roles_only=True
        ).roles
        used = formula_columns(raw.table.column_names, variables)
    else:
        plan = plan_design_columns(
            raw,
            target=target,
            features=features,
            drop=drop,
            weights=weights,
            offset=offset,
        )
        roles, used = plan.roles, list(plan.features)
        check_decimal_commas(raw, used)
        if not features:  # chosen automatically: index, identifiers, text out
            used, screened = leave_out_index(raw, used, include)
            used, more = screen_features(raw, used, include)
            screened += more
    check_printable(roles + counts + used, "column name {}", raw.path)
    keep, dropped = check_missing(raw, roles + counts + used, missing)
    sub = _subset(raw, keep)
    trials = mapping = None
    if binomial and reference is not None:
        raise DataValidationError(
            f"--reference {reference} does not apply to grouped binomial data: the "
            f"target column {binomial['successes']!r} counts the successes"
        )
    if binomial:
        y, trials = grouped_counts(sub, binomial)
    else:
        y, mapping = fit_target_labels(
            string_or_values(sub, target), target, raw.path, positive, reference
        )
    sw, off = _weight_column(sub, weights), _optional_numeric(sub, offset)
    encoding: dict[str, Any] = {
        "target": target,
        "label": mapping,
        "weights": weights,
        "offset": offset,
    }
    if formula is not None:
        X, names, formula_encoding = _fit_formula_design(sub, used, formula)
        encoding.update(formula_encoding)
    else:
        X, names, specs = _fit_columns(sub, used)
        encoding.update(kind="columns", columns=specs)
    encoding["feature_names"] = names
    if binomial:
        encoding["binomial"] = dict(binomial)
    notes = _dropped_note(raw, keep) + screened
    notes += [unnamed_note(raw.unnamed)] if raw.unnamed else []
    design = Design(X, y, sw, off, names, encoding, raw.n_rows, dropped, keep, notes)
    design.trials = trials
    return design


def _resolve_target(
    target: str | None, formula: str | None, features: Any, drop: Any
) -> tuple[str, str | None, set[str]]:
    """``(target, rhs, variables)`` from --target and --formula, checked together."""
    rhs: str | None = None
    variables: set[str] = set()
    if formula is not None:
        if features or drop:
            raise DataValidationError(
                "--features/--drop do not apply with --formula: the formula names "
                "the columns it uses"
            )
        f_target, rhs, variables = parse_formula(formula)
        if target is not None and target != f_target:
            raise DataValidationError(
                f"--target {target!r} differs from the formula's left side {f_target!r}"
            )
        target = f_target
    if target is None:
        raise DataValidationError(
            "no target column: pass --target COLUMN (or --formula)"
        )
    return target, rhs, variables


def _fit_formula_design(
    sub: RawData, used: list[str], formula: str
) -> tuple[np.ndarray, list[str], dict[str, Any]]:
    text = categorical_columns(formula)  # C(column) only: any text is a level
    for name in used:
        if name not in text:
            column_kind(sub, name)  # numeric garbage: an error, as without a formula
    frame = sub.table.select(used).to_pandas()
    X, names, intercept, stored = fit_formula(
        frame, formula, sub.path, list(sub.table.column_names)
    )
    encoding = {
        "kind": "formula",
        "formula": formula,
        "variables": used,
        "intercept": intercept,
        **stored,
    }
    return X, names, encoding


def _dropped_note(raw: RawData, keep: np.ndarray) -> list[str]:
    """``["dropped N row(s) with missing values (line 3, line 7, ...)"]`` or []."""
    dropped = np.flatnonzero(~keep)
    if dropped.size == 0:
        return []
    where = ", ".join(position(raw, int(i)) for i in dropped[:5])
    more = ", ..." if dropped.size > 5 else ""
    return [f"dropped {dropped.size} row(s) with missing values ({where}{more})"]


def string_or_values(raw: RawData, name: str) -> np.ndarray:
    """Raw target values: numbers stay numbers, strings stay strings."""
    kind = raw.table.schema.field(name).type
    import pyarrow as pa

    if (
        pa.types.is_boolean(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
    ):
        return arrow_values(raw.table.column(name))
    return string_column(raw, name)


def _apply_libsvm(raw: RawData, encoding: dict[str, Any]) -> Any:
    if raw.format != "libsvm":
        raise DataValidationError(
            f"the model was trained on LibSVM data, but {raw.path} is {raw.format}"
        )
    X = raw.X
    p = int(encoding["n_features"])
    indices = X.indices
    if bool(encoding.get("zero_based")) != raw.zero_based:
        if raw.zero_based:
            raise DataValidationError(
                f"{raw.path} uses feature index 0, but the model was trained on "
                "one-based "
                "indices"
            )
        indices = indices + 1
    if indices.size and indices.max() >= p:
        row = (
            int(np.searchsorted(X.indptr, int(np.argmax(indices >= p)), side="right"))
            - 1
        )
        raise DataValidationError(
            f"{raw.path} has feature index {int(indices.max()) + 1} (first too "
            "large at "
            f"{position(raw, row)}), but the model has {p} features"
        )
    import scipy.sparse as sp

    return sp.csr_matrix((X.data, indices, X.indptr), shape=(X.shape[0], p))


def apply_design(
    raw: RawData,
    encoding: dict[str, Any],
    *,
    with_target: bool = False,
    missing: str = "error",
    unknown: str = "error",
    kept: list[str] | None = None,
) -> Design:
    """Encode new data exactly as at fit time (columns matched by name).

    ``missing``: a missing value in a column the model reads (the target too
    with ``with_target``) is an error (``"error"``), or the row is not used
    (``"drop"``, ``"na"``: the caller decides whether it stays in the output).
    ``unknown``: a category not seen at fit time is an error (``"error"``) or
    the row is not used (``"na"``). ``keep`` marks the rows used;
    ``n_missing`` and ``n_unknown`` count the others (disjoint: a row with a
    missing value counts as missing only). ``kept``: columns the caller
    copies to its output (``predict --keep``), not reported as ignored.
    """
    names = list(encoding["feature_names"])
    if encoding["kind"] == "libsvm":
        X = _apply_libsvm(raw, encoding)
        y = (
            apply_labels(raw.labels, encoding["label"], raw.path)
            if with_target
            else None
        )
        keep = np.ones(raw.n_rows, dtype=bool)
        return Design(X, y, None, None, names, encoding, raw.n_rows, 0, keep)
    if raw.format == "libsvm":
        raise DataValidationError(
            f"{raw.path} is LibSVM data, but the model was trained on named columns"
        )
    if encoding["kind"] == "formula":
        needed = list(encoding["variables"])
    else:
        needed = [c["name"] for c in encoding["columns"]]
    target = encoding["target"]
    binomial = encoding.get("binomial") or {}
    extra = [target] if with_target else []
    if with_target and binomial:
        extra += [c for k, c in sorted(binomial.items()) if k != "successes"]
    extra += [c for c in (encoding.get("offset"),) if c]
    require_model_inputs(raw, needed + extra, target if with_target else None)
    if missing == "error":
        keep, _ = check_missing(raw, extra + needed, missing)
    else:
        keep = ~_missing_rows(raw, extra + needed)
    missing_rows = ~keep
    n_missing = int(missing_rows.sum())
    n_unknown = 0
    if unknown != "error":
        unseen = unseen_rows(raw, encoding) & keep
        keep &= ~unseen
        n_unknown = int(unseen.sum())
    sub = _subset(raw, keep)
    y = trials = None
    if with_target and binomial:
        y, trials = grouped_counts(sub, binomial)
    elif with_target:
        y = apply_labels(string_or_values(sub, target), encoding["label"], raw.path)
    if encoding["kind"] == "formula" and sub.n_rows == 0:
        # No row to encode (a header-only file): the design is empty, as for
        # column models, and the columns' types (null) say nothing.
        X = np.empty((0, len(names)))
    elif encoding["kind"] == "formula":
        text = text_input_columns(encoding)  # levels, whatever they look like
        for name in needed:
            if name not in text:
                column_kind(sub, name)
        levels = unseen_levels(sub, encoding.get("factors") or {})
        if levels:  # a C(column) level: the words of a text column
            raise DataValidationError(
                _unseen_message(sub, [n for n, _ in levels], levels[0][1])
            )
        X = apply_formula(
            sub.table.select(needed).to_pandas(), encoding, names, raw.path
        )
    else:
        X = _apply_columns(sub, encoding["columns"])
    off = _optional_numeric(sub, encoding.get("offset"))
    notes: list[str] = []  # rows with a missing value: an error, or counted
    roles = {target, encoding.get("weights"), encoding.get("offset")}
    roles |= set(binomial.values()) | set(kept or [])
    ignored = [c for c in raw.table.column_names if c not in needed and c not in roles]
    if ignored:
        notes.append(f"ignored {name_list(ignored)}: not used by the model")
    if raw.unnamed:
        notes.append(unnamed_note(raw.unnamed))
    dropped = int((~keep).sum())
    design = Design(X, y, None, off, names, encoding, raw.n_rows, dropped, keep, notes)
    design.trials, design.n_missing, design.n_unknown = trials, n_missing, n_unknown
    design.missing_rows = missing_rows
    return design


def _missing_rows(raw: RawData, names: list[str]) -> np.ndarray:
    """True on rows with a missing value in any of ``names``."""
    mask = np.zeros(raw.n_rows, dtype=bool)
    for name in dict.fromkeys(names):
        mask |= missing_mask(raw, name)
    return mask


def unseen_rows(raw: RawData, encoding: dict[str, Any]) -> np.ndarray:
    """True on rows whose category in some categorical feature was not seen at
    fit time (missing values count as unseen: callers exclude them first)."""
    bad = np.zeros(raw.n_rows, dtype=bool)
    if encoding["kind"] == "columns":
        for spec in encoding["columns"]:
            if spec["kind"] == "categorical":
                known = set(spec["levels"])
                values = string_column(raw, spec["name"])
                bad |= np.fromiter((v not in known for v in values), bool, len(values))
    elif encoding["kind"] == "formula":
        for spec in (encoding.get("factors") or {}).values():
            if spec["kind"] == "categorical":
                known = set(spec["levels"])
                values = raw.table.column(spec["column"]).to_pandas().tolist()
                bad |= np.fromiter((v not in known for v in values), bool, len(values))
    return bad


def _apply_columns(raw: RawData, specs: list[dict[str, Any]]) -> np.ndarray:
    blocks = []
    unseen: list[tuple[str, str]] = []  # every column with unseen categories
    for spec in specs:
        if spec["kind"] == "numeric":
            blocks.append(numeric_column(raw, spec["name"])[:, None])
        else:
            block, bad = _one_hot_unseen(raw, spec["name"], list(spec["levels"]))
            blocks.append(block)
            if bad is not None:
                unseen.append((spec["name"], bad))
    if unseen:
        names = [n for n, _ in unseen]
        raise DataValidationError(_unseen_message(raw, names, unseen[0][1]))
    return np.column_stack(blocks) if blocks else np.empty((raw.n_rows, 0))
