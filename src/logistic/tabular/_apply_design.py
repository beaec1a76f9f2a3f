"""Re-apply a stored encoding (:mod:`._encode`'s convention) to new data.

Convention (owned here): new data are encoded exactly as at fit time, columns
matched by name. Rows a model cannot score are an error by default, or left
out and counted: a missing value in a column the model reads (``missing``),
or a category not seen at fit time (``unknown``, found by
:func:`unseen_rows`); a row with both counts as missing only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from .._messages import name_list
from .._onehot import design_width
from ._columns import (
    ROLE_OPTIONS,
    check_formula_numbers,
    numeric_column,
    require_columns,
    string_column,
)
from ._design import (
    Design,
    _one_hot_unseen,
    _optional_numeric,
    _subset,
    _unseen_message,
    string_or_values,
)
from ._factor_values import factor_values, level_columns
from ._formula import apply_formula, unseen_levels
from ._formula_frame import formula_frame, formula_values
from ._grouped import COUNT_OPTIONS, grouped_counts
from ._inputs import text_input_columns
from ._labels import apply_labels
from ._missing import check_missing, missing_mask
from ._pandas_index import unnamed_note
from ._read import RawData, position

__all__ = ["apply_design", "unseen_rows"]


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
        at = int(np.argmax(indices >= p))  # the first index too large, in row order
        row = int(np.searchsorted(X.indptr, at, side="right")) - 1
        # ``indices`` are the model's columns; the file writes column j as
        # j + 1 in a one-based model and as j in a zero-based one
        first = 0 if encoding.get("zero_based") else 1
        raise DataValidationError(
            f"{raw.path} has feature index {int(indices[at]) + first} at "
            f"{position(raw, row)} (the first too large; the largest is "
            f"{int(indices.max()) + first}), but the model has {p} features "
            f"(indices {first} to {p - 1 + first})"
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
    target_needed: str = "evaluate",
    weighted: bool = False,
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
    ``weighted``: the model's weights column, where ``raw`` has it, is read
    too, so its missing values are named (or their rows left out) with the
    others'. ``target_needed``: why the target is read, for the message when it is
    absent (a key of :data:`TARGET_NEEDED`).
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
    for role, column in _count_and_offset_columns(encoding, with_target):
        require_columns(raw, [column], role)  # named by what it is to the model
    require_model_inputs(
        raw, needed + extra, target if with_target else None, target_needed
    )
    weights = encoding.get("weights")
    if weighted and weights and weights in raw.table.column_names:
        extra.append(weights)
    if missing == "error":
        try:
            keep, _ = check_missing(raw, extra + needed, missing)
        except DataValidationError as exc:
            also = _unseen_problem(raw, encoding, extra + needed, unknown)
            if also is None:
                raise
            raise DataValidationError(f"{exc}; also: {also}") from None
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
        # a column read only inside C() holds levels, never numbers with
        # garbage (as at fit): a value not among them is an unseen category
        text += list(level_columns(encoding.get("factors") or {}))
        for name in needed:
            if name not in text:
                check_formula_numbers(sub, name, leave_out="")
        levels = unseen_levels(sub, encoding.get("factors") or {})
        if levels:  # a C(column) level: the words of a text column
            raise _unseen_message(sub, [n for n, _ in levels], levels[0][1])
        X = apply_formula(
            formula_frame(sub.table, needed),
            encoding,
            names,
            raw.path,
            lambda row: position(sub, row),
        )
    else:
        X = _apply_columns(sub, encoding["columns"])
    off = _optional_numeric(sub, encoding.get("offset"))
    notes: list[str] = []  # rows with a missing value: an error, or counted
    roles = {target, encoding.get("weights"), encoding.get("offset")}
    roles |= set(binomial.values()) | set(kept or [])
    roles |= set(needed)  # a set: lookups stay O(1) for files of 100 000 columns
    ignored = [c for c in raw.table.column_names if c not in roles]
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


def _unseen_problem(
    raw: RawData, encoding: dict[str, Any], names: list[str], unknown: str
) -> str | None:
    """The refusal of categories not seen at fit time in the rows without a
    missing value in ``names`` (None: none, or ``unknown`` is not "error"),
    given with a refusal of missing values so that one run names both."""
    if unknown != "error":
        return None
    sub = _subset(raw, ~_missing_rows(raw, names))
    found: list[tuple[str, str]] = []
    if encoding["kind"] == "columns":
        found = _columns_and_unseen(sub, encoding["columns"])
    elif encoding["kind"] == "formula":
        found = list(unseen_levels(sub, encoding.get("factors") or {}))
    if not found:
        return None
    return str(_unseen_message(sub, [n for n, _ in found], found[0][1]))


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
                read = formula_values(raw.table, spec["column"])
                read = factor_values(read, list(spec["levels"]))
                bad |= np.fromiter((v not in known for v in read), bool, len(read))
    return bad


def _columns_and_unseen(
    raw: RawData,
    specs: list[dict[str, Any]],
    out: np.ndarray | None = None,
    leave_out: str | None = "",
) -> list[tuple[str, str]]:
    """Every column of ``specs`` with categories unseen at fit time (its name
    and the description of those categories); with ``out`` (n × the design's
    width, :func:`_width`), each column's block written into it in order, the
    numeric columns too, so that no column outlives its copy into ``out``
    (``leave_out``: :func:`._columns.numeric_column`'s remedy, None at fit)."""
    unseen: list[tuple[str, str]] = []
    j = 0
    for spec in specs:
        if spec["kind"] == "numeric":
            if out is not None:
                out[:, j] = numeric_column(raw, spec["name"], leave_out=leave_out)
        else:
            block, bad = _one_hot_unseen(raw, spec["name"], list(spec["levels"]))
            if out is not None:
                out[:, j : j + block.shape[1]] = block
            if bad is not None:
                unseen.append((spec["name"], bad))
        j += design_width(spec)
    return unseen


def _apply_columns(
    raw: RawData, specs: list[dict[str, Any]], leave_out: str | None = ""
) -> np.ndarray:
    """The design matrix of ``specs``, filled a column at a time, at predict
    and at fit (``leave_out`` None): one copy of the columns in memory beside
    the table, where blocks stacked at the end would hold every column
    twice."""
    X = np.empty((raw.n_rows, sum(design_width(spec) for spec in specs)))
    unseen = _columns_and_unseen(raw, specs, X, leave_out)
    if unseen:
        names = [n for n, _ in unseen]
        raise _unseen_message(raw, names, unseen[0][1])
    return X


def _count_and_offset_columns(
    encoding: dict[str, Any], with_target: bool
) -> list[tuple[str, str]]:
    """``(role, column)`` of the columns DATA must hold besides the features
    and the target: the offset, and with the target a grouped fit's trials or
    failures, each role as messages name it."""
    offset = encoding.get("offset")
    pairs = [("the model's offset", offset)] if offset else []
    binomial = (encoding.get("binomial") or {}) if with_target else {}
    for role, column in sorted(binomial.items()):
        if role in COUNT_OPTIONS:  # the successes are the target
            pairs.append((f"the model's {COUNT_OPTIONS[role]}", column))
    return pairs


#: Why a command reads the target column of DATA, for the message that it is
#: absent: scoring new rows (``evaluate``, ``report``) or reading the training
#: rows (``margins``, ``summary MODEL DATA``).
TARGET_NEEDED = {
    "evaluate": "evaluating needs the true outcomes (logistic predict scores a "
    "file without them)",
    "training": "this command reads the rows the model was fitted on, target "
    "column included: pass the training file",
}


def require_model_inputs(
    raw: RawData, names: list[str], target: str | None = None, need: str = "evaluate"
) -> None:
    """Raise a helpful error when the model's ``target`` (None: not wanted)
    or one of its input columns ``names`` is absent from ``raw``; the target
    is named as such, with the file and why it is needed (``need``, a key of
    :data:`TARGET_NEEDED`)."""
    if target is not None and target not in raw.table.column_names:
        from .._column_hints import delimiter_hint, spaced_name_hint

        header = raw.table.column_names
        available = ", ".join(repr(c) for c in header[:20])
        hint = spaced_name_hint([target], header)
        hint += delimiter_hint(
            header, raw.delimiter, ROLE_OPTIONS["delimiter"], [target]
        )
        raise DataValidationError(
            f"target column {target!r} (from the model file) not found in "
            f"{raw.path}{hint}; available: {available}; {TARGET_NEEDED[need]}"
        )
    require_columns(raw, names, "model input")
