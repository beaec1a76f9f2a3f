"""Turn a data file into a design matrix, and store how, to repeat it at predict.

Convention (owned here): the *encoding* is a JSON object stored in the model
file, with ``kind``:

* ``"columns"`` — automatic: numeric columns as they are, categorical
  (string) columns one-hot encoded with the first sorted level as the dropped
  reference; feature names ``col`` and ``col[T.level]``.
* ``"formula"`` — a formula's terms stored as data (:mod:`._formula`); with
  ``sparse: true`` where its design is a CSR matrix (``sparse=True``, or the
  dense design too large for memory), rebuilt so at predict.
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
``include`` keeps them). The encoding is applied to new data by
:func:`._apply_design.apply_design` (also importable from here); the
:class:`._design.Design` record and the helpers both read columns with are in
:mod:`._design`.
"""

from __future__ import annotations

import keyword
import shlex
from typing import Any

import numpy as np

from .._exceptions import DataValidationError, InvalidParameterError
from .._feature_names import check_intercept_column, positional_names
from .._label_refusals import ContinuousTarget
from .._labels import label_text
from .._messages import name_list, option_value
from .._onehot import (
    dense_size_problem,
    design_width,
    dummy_names,
    encoded_name_clash,
)
from .._screen_rules import index_apart, pandas_index_columns
from ..columns import ColumnPlan, arrow_kind, plan_columns
from ._apply_design import (
    _apply_columns,
    apply_design,  # the tabular API's name for it
)
from ._columns import (
    ROLE_OPTIONS,
    check_decimal_commas,
    check_formula_numbers,
    column_kind,
    nonnegative_column,
    require_columns,
    text_levels,
    unusable_type_error,
)
from ._design import (
    Design,
    _optional_numeric,
    _subset,
    string_or_values,
)
from ._formula import (
    categorical_columns,
    fit_formula,
    formula_columns,
    formula_line,
    parse_formula,
)
from ._formula_frame import formula_frame
from ._grouped import COUNT_OPTIONS, grouped_counts
from ._labels import fit_target_labels
from ._missing import check_missing, missing_mask
from ._pandas_index import leave_out_index, unnamed_note
from ._read import RawData, position
from ._screen import refuse_unused_include, screen_features
from ._stored_text import check_printable, leave_out_remedy

__all__ = ["Design", "fit_design", "apply_design", "no_target", "plan_design_columns"]

#: A string column with more levels than this is refused as a feature.
MAX_LEVELS = 1000


def formula_name(name: str) -> str | None:
    """A column's name as a formula term: as is when it is a Python
    identifier, else in backquotes (formulaic's quoting); None for a Python
    keyword (``class``), which the formula parser refuses inside ``C()`` even
    in backquotes."""
    if keyword.iskeyword(name):
        return None
    return name if name.isidentifier() else f"`{name}`"


def _weight_column(raw: RawData, name: str | None) -> np.ndarray | None:
    """The --weights column: non-negative, not all zero; errors name the line."""
    if name is None:
        return None
    values = nonnegative_column(raw, name, "--weights", plural="weights")
    if values.size and not values.any():
        raise zero_weights_error(name, raw.path)
    return values


def zero_weights_error(name: str, path: Any) -> DataValidationError:
    """The error of a --weights column that is zero on every row used (in
    memory, or found by a streamed fit's first pass)."""
    return DataValidationError(
        f"--weights column {name!r} in {path} is zero on every row used; "
        "at least one row needs a positive weight"
    )


def _fit_columns(
    raw: RawData, features: list[str]
) -> tuple[np.ndarray, list[str], list[dict[str, Any]]]:
    specs: list[dict[str, Any]] = []
    for name in features:
        if column_kind(raw, name) == "numeric":
            specs.append({"name": name, "kind": "numeric"})
            continue
        levels = text_levels(raw, name)
        if len(levels) > MAX_LEVELS:
            term = formula_name(name)
            formula = (
                ""
                if term is None
                else f", or encode it in a formula, e.g. --formula "
                f"{shlex.quote(f'... + C({term})')} (--sparse builds its many "
                "columns as a sparse design)"
            )
            raise DataValidationError(
                f"column {name!r} in {raw.path} has {len(levels):,} distinct values, "
                f"more than the {MAX_LEVELS:,} levels a text column is one-hot "
                f"encoded with (--include does not lift this); it looks like an "
                f"identifier: leave it out with --drop {option_value([name])}"
                f"{formula}"
            )
        specs.append(
            {
                "name": name,
                "kind": "categorical",
                "levels": levels,
                "reference": levels[0],
            }
        )
    clash = encoded_name_clash(specs)
    if clash is not None:
        raise DataValidationError(
            f"{raw.path}: {clash}; rename that column (or leave one of the two "
            "out with --drop)"
        )
    _check_dense_size(raw, specs)
    names: list[str] = []
    for spec in specs:
        if spec["kind"] == "numeric":
            names.append(spec["name"])
        else:
            names.extend(dummy_names(spec["name"], spec["levels"]))
    # filled a column at a time, as at predict: one copy of the design
    return _apply_columns(raw, specs, leave_out=None), names, specs


def _check_dense_size(raw: RawData, specs: list[dict[str, Any]]) -> None:
    """Refuse text columns whose dense one-hot design would not fit the
    memory (:func:`logistic._onehot.dense_size_problem`), naming the widest
    and how to go on."""
    text = [s for s in specs if s["kind"] == "categorical"]
    if not text:
        return
    widths = [(s["name"], design_width(s)) for s in specs]
    problem = dense_size_problem(raw.n_rows, widths)
    if problem is None:
        return
    widest = max(text, key=lambda s: len(s["levels"]))["name"]
    term = formula_name(widest)
    sparse = (
        ""
        if term is None
        else ", encode them in a sparse formula design (e.g. --formula "
        f"{shlex.quote(f'... + C({term})')} --sparse)"
    )
    raise DataValidationError(
        f"{raw.path}: {problem}; leave text columns out (the widest: --drop "
        f"{option_value([widest])}){sparse}, or merge their rare levels into "
        "fewer before fitting"
    )


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


def _fit_libsvm(raw: RawData, target: str | None, options: dict[str, Any]) -> Design:
    for opt in ("formula", "features", "drop", "weights", "offset", "trials"):
        if options.get(opt):
            raise InvalidParameterError(
                f"--{opt} does not apply to LibSVM data ({raw.path})"
            )
    if target not in (None, "label"):
        raise InvalidParameterError(
            f"--target {target}: LibSVM data ({raw.path}) has no named columns; "
            "each line's first field is its label (give no --target, or --target "
            "label)"
        )
    y, mapping = fit_target_labels(
        raw.labels, "label", raw.path, options.get("positive"), options.get("reference")
    )
    p = raw.X.shape[1]
    if p == 0:  # labels only, as a CSV of the target alone
        raise DataValidationError(
            f"{raw.path}: 0 features (no line has an index:value pair after its "
            "label); the file needs at least one feature"
        )
    # x1 … xp by position, for zero-based files too: the names the fit's
    # tables, warnings and covariance give the columns of a sparse X
    names = positional_names(p)
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
    sparse: bool | None = None,
) -> Design:
    """Encode training data; see the module docstring.

    ``sparse`` (a formula's design only): True builds it as a scipy.sparse
    CSR matrix, False dense; None (the default) dense unless only the sparse
    design fits in memory (:func:`._formula_size.design_form`, with a note).

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
    refuse_unused_include(include, formula, features)
    if sparse and formula is None:
        raise InvalidParameterError(
            "sparse=True (--sparse) applies to a formula's design (formula=..., "
            "--formula): text columns without a formula are one-hot encoded "
            "densely (write them as C(column) in a formula), LibSVM data are "
            "sparse already"
        )
    if raw.format == "libsvm":
        return _fit_libsvm(raw, target, {**options, "trials": binomial})
    if raw.n_rows == 0:
        raise DataValidationError(f"{raw.path} has a header but no data rows")
    target, rhs, variables = _resolve_target(target, formula, features, drop, raw.table)
    screened: list[str] = []
    counts = [c for k, c in sorted((binomial or {}).items()) if k != "successes"]
    for role, name in sorted((binomial or {}).items()):
        if role != "successes":  # named by its option, not as a --drop column
            require_columns(raw, [name], COUNT_OPTIONS[role])
    if counts and rhs is None and not features:
        drop = [*(drop or []), *counts]
    if rhs is not None:
        roles = plan_design_columns(
            raw, target=target, weights=weights, offset=offset, roles_only=True
        ).roles
        used = formula_columns(raw.table.column_names, variables)
        # formulaic names its intercept so too, with or without '- 1'
        check_intercept_column(raw.path, used, True, formula=True)
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
        screened += plan.notes  # a role named among --features: left out
        check_decimal_commas(raw, used)
        if not features:  # chosen automatically: index, identifiers, text out
            used, index_notes = leave_out_index(raw, used, include)
            used, more = screen_features(raw, used, include)
            screened += index_notes + more
    check_printable(roles + counts + used, "column name {}", raw.path)
    try:
        keep, dropped = check_missing(
            raw, roles + counts + used, missing, used, formula=rhs is not None
        )
    except DataValidationError as exc:
        also = None if binomial else _target_problem(raw, target, positive, reference)
        if also is None:
            raise
        raise DataValidationError(f"{exc}; also: {also}") from None
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
        try:
            y, mapping = _target_labels(sub, target, positive, reference)
        except DataValidationError as exc:
            if dropped == 0:
                raise
            context = _missing_drop_context(
                raw, keep, roles + counts + used, used, formula is not None
            )
            raise DataValidationError(f"{exc} ({context})") from None
    sw, off = _weight_column(sub, weights), _optional_numeric(sub, offset)
    encoding: dict[str, Any] = {
        "target": target,
        "label": mapping,
        "weights": weights,
        "offset": offset,
    }
    if formula is not None:
        X, names, formula_encoding, said = _fit_formula_design(
            sub, used, formula, sparse
        )
        encoding.update(formula_encoding)
        screened += said
    else:
        X, names, specs = _fit_columns(sub, used)
        encoding.update(kind="columns", columns=specs)
    check_intercept_column(raw.path, names, encoding.get("intercept", True))
    _check_stored_values(encoding, raw.path)
    encoding["feature_names"] = names
    if binomial:
        encoding["binomial"] = dict(binomial)
    notes = _dropped_note(raw, keep) + screened
    notes += [unnamed_note(raw.unnamed)] if raw.unnamed else []
    design = Design(X, y, sw, off, names, encoding, raw.n_rows, dropped, keep, notes)
    design.trials = trials
    return design


def _target_labels(
    sub: RawData, target: str, positive: str | None, reference: str | None
) -> tuple[np.ndarray, dict[str, Any]]:
    """:func:`._labels.fit_target_labels` of ``sub``'s target; a continuous
    target's refusal names where its first non-integral number stands
    (``0.5 first at line 5``), as the streamed and Dask readers name it."""
    y = string_or_values(sub, target)
    try:
        return fit_target_labels(y, target, sub.path, positive, reference)
    except ContinuousTarget as exc:
        values = np.asarray(y)
        if values.dtype.kind != "f":
            raise
        with np.errstate(invalid="ignore"):
            whole = ~np.isfinite(values) | (values == np.round(values))
        fraction = np.flatnonzero(~whole)
        if fraction.size == 0:
            raise
        i = int(fraction[0])
        first = (label_text(float(values[i])), position(sub, i))
        raise exc.restated(first=first) from None


def _target_problem(
    raw: RawData, target: str, positive: str | None, reference: str | None
) -> str | None:
    """The target's own refusal (``--positive`` or ``--reference`` not one of
    its values, a single class), read from the rows that have a target, or
    None: given with a refusal of missing values, so that one run names both."""
    try:
        sub = _subset(raw, ~missing_mask(raw, target))
        fit_target_labels(
            string_or_values(sub, target), target, raw.path, positive, reference
        )
    except (DataValidationError, InvalidParameterError) as exc:
        return str(exc)
    return None


def _check_stored_values(encoding: dict[str, Any], path: str) -> None:
    """Refuse, naming the column, a category or label with a control
    character (a line break inside a quoted value): the model file stores
    every level and label, and :func:`._stored_text.check_printable` words the
    refusal as the data's, where saving the model would name its field."""
    for spec in encoding.get("columns") or []:
        if spec.get("kind") == "categorical":
            what = f"value {{}} of column {spec['name']!r}"
            remedy = leave_out_remedy(spec["name"], formula=False)
            check_printable(spec["levels"], what, path, remedy)
    for factor in (encoding.get("factors") or {}).values():
        column = factor.get("column")
        if factor.get("levels") is not None and column is not None:
            what = f"value {{}} of column {column!r}"
            remedy = leave_out_remedy(column, formula=True)
            check_printable(factor["levels"], what, path, remedy)
    label = encoding.get("label") or {}
    values = label.get("levels") or [label.get("negative"), label.get("positive")]
    target = encoding.get("target")
    check_printable(values, f"value {{}} of target column {target!r}", path)


def _resolve_target(
    target: str | None,
    formula: str | None,
    features: Any,
    drop: Any,
    table: Any,
) -> tuple[str, str | None, set[str]]:
    """``(target, rhs, variables)`` from --target and --formula, checked
    together; without either, the error lists the columns of ``table`` (a
    pyarrow table) to choose the target from, its pandas index apart."""
    rhs: str | None = None
    variables: set[str] = set()
    if formula is not None:
        if features or drop:  # conflicting options: a usage error
            raise InvalidParameterError(
                "--features/--drop do not apply with --formula: the formula names "
                "the columns it uses"
            )
        f_target, rhs, variables = parse_formula(formula)
        if target is not None and target != f_target:
            raise InvalidParameterError(
                f"--target {target!r} differs from the formula's left side {f_target!r}"
            )
        target = f_target
    if target is None:
        raise no_target(
            table.column_names, row_labels=pandas_index_columns(table.schema)
        )
    return target, rhs, variables


def no_target(
    header: list[str],
    formula: bool = True,
    holder: str = "the file",
    row_labels: list[str] | None = None,
) -> InvalidParameterError:
    """The refusal of a fit given no target column, listing the columns
    (``header``) that ``holder`` has to choose it from, its pandas index
    columns ``row_labels`` apart
    (:func:`logistic._screen_rules.index_apart`); ``formula``: offer
    --formula too (not where it is refused: ``--stream``, Dask)."""
    either = " (or --formula)" if formula else ""
    columns, remark = index_apart(header, row_labels or [])
    return InvalidParameterError(
        f"no target column: pass --target COLUMN{either}; {holder} has "
        f"{name_list(columns)}{remark}"
    )


def _fit_formula_design(
    sub: RawData, used: list[str], formula: str, sparse: bool | None = None
) -> tuple[Any, list[str], dict[str, Any], list[str]]:
    text = categorical_columns(formula)  # C(column) only: any text is a level
    for name in used:
        arrow_type = sub.table.schema.field(name).type
        if arrow_kind(arrow_type) == "other":  # a date, a time, a list: no level
            raise unusable_type_error(name, sub.path, arrow_type, formula=True)
        if name not in text:  # garbage, inf, ±2**53: the errors without a formula
            check_formula_numbers(sub, name, "take it out of --formula")
    frame = formula_frame(sub.table, used)
    X, names, intercept, stored, notes = fit_formula(
        frame,
        formula,
        sub.path,
        list(sub.table.column_names),
        lambda row: position(sub, row),
        sparse,
    )
    if not names:
        raise InvalidParameterError(
            f"--formula {formula!r} has no feature term (an intercept at most); "
            "the model needs at least one feature (the intercept-only model's "
            "fit is in every summary: its null log-likelihood and null deviance)"
        )
    encoding = {
        "kind": "formula",
        "formula": formula_line(formula),
        "variables": used,
        "intercept": intercept,
        **stored,
    }
    return X, names, encoding, notes


def _missing_drop_context(
    raw: RawData,
    keep: np.ndarray,
    columns: list[str],
    features: list[str],
    formula: bool,
) -> str:
    """What ``--missing drop`` did, for an error about the rows it left:
    how many it kept, and the columns missing in most of the dropped rows
    (features among them can be left out: ``--drop``, or out of the formula)."""
    lost = ~keep
    counts = [(int((missing_mask(raw, c) & lost).sum()), c) for c in columns]
    counts = sorted((n, c) for n, c in counts if n > 0)[::-1][:3]
    listed = ", ".join(f"{c!r} in {n:,}" for n, c in counts)
    text = (
        f"--missing drop left {int(keep.sum()):,} of {keep.size:,} rows; the dropped "
        f"rows miss {listed}"
    )
    mostly = [c for n, c in counts if c in features and 2 * n >= int(lost.sum())]
    if mostly and formula:
        text += f": taking {name_list(mostly)} out of the formula keeps those rows"
    elif mostly:
        text += f": --drop {option_value(mostly)} keeps those rows"
    return text


def _dropped_note(raw: RawData, keep: np.ndarray) -> list[str]:
    """``["dropped N row(s) with missing values (line 3, line 7, ...)"]`` or []."""
    dropped = np.flatnonzero(~keep)
    if dropped.size == 0:
        return []
    where = ", ".join(position(raw, int(i)) for i in dropped[:5])
    more = ", ..." if dropped.size > 5 else ""
    return [f"dropped {dropped.size} row(s) with missing values ({where}{more})"]
