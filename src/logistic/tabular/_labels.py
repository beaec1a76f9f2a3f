"""Map a target column's raw values to class codes: {0, 1} for two values,
``0 … K-1`` for K > 2 (a multinomial fit).

Convention (owned here), two values: the positive class follows the command
line's rule of :mod:`logistic._labels` (recognised pairs 0/1, -1/+1,
false/true, no/yes; any other two values need ``positive=VALUE``, compared
as text, so ``--positive 2`` matches the number 2). The mapping is stored as
``{"column": name, "negative": raw, "positive": raw}`` with raw values as JSON
scalars. :func:`positive_rule` gives the same choice to a streaming backend
(its ``positive=`` argument); its messages name the values with their row
counts only where the caller can count them (else the values alone, never
made-up counts).

K > 2 values (:func:`fit_class_labels`): the levels in the sorted order of
:func:`logistic._labels.check_y_classes` (text sorted as text, numbers as
numbers), except that the ``reference`` level (``--reference LEVEL``,
matched as text like ``--positive``; default the first sorted level) comes
first. Level k has code k, so the reference is code 0, the class the
multinomial model's reference parametrization holds at zero. The mapping is
stored as ``{"column": name, "levels": [raw, ...]}`` in code order
(:func:`class_mapping`); :func:`mapping_levels` reads the levels of either
form. A non-integral numeric target, or more than
:data:`logistic._labels.MAX_CLASSES` values, is refused.

:func:`fit_target_labels` picks between the two by the number of values
(``positive`` only for two, ``reference`` only for more); one value is an
error listing it with its count. :func:`apply_labels` re-applies either
mapping to the targets of another file (evaluation); a value outside it is an
error naming the column, the file, the unseen values and the known levels.

This module is an adapter: the class order, matching ``--positive`` and the
encoding are :mod:`logistic._labels`' (``class_order``, ``match_label``,
``recognised_positive``, ``encode``); what it adds is the command line's
messages, which name the column, the file and every value with its count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from .._label_refusals import (
    LabelRefusal,
    NoPositiveClass,
    continuous_target,
    positive_among_many,
)
from .._labels import (
    MAX_CLASSES,
    class_order,
    encode,
    label_shown,
    label_text,
    match_label,
    recognised_positive,
)

__all__ = [
    "fit_labels",
    "fit_class_labels",
    "fit_target_labels",
    "apply_labels",
    "class_mapping",
    "describe_values",
    "label_mapping",
    "mapping_levels",
    "match_value",
    "positive_rule",
    "reference_rule",
    "target_order",
]


def _scalar(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def describe_values(
    values: np.ndarray, counts: np.ndarray | None, limit: int = 10
) -> str:
    """``'a' (n=3), 'b' (n=5)``, at most ``limit`` values (booleans as
    ``true``/``false``, as every command writes them); ``'a', 'b'`` without
    ``counts`` (a streamed scan that has not counted them)."""
    shown = [label_shown(_scalar(v)) for v in values[:limit]]
    if counts is None:
        parts = shown
    else:
        parts = [f"{v} (n={int(c)})" for v, c in zip(shown, counts, strict=False)]
    more = f", ... ({len(values) - limit} more)" if len(values) > limit else ""
    return ", ".join(parts) + more


def _counts_hint(values: np.ndarray) -> str:
    """A hint when a target's values look like counts of successes."""
    try:
        v = values.astype(np.float64)
    except (TypeError, ValueError):
        return ""
    if not (np.all(v >= 0) and np.all(v == np.round(v))):
        return ""
    return (
        "; if they count successes out of trials (grouped data), give the trials "
        "with --trials COLUMN or the formula 'cbind(successes, failures) ~ ...'"
    )


def _unique(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if y.dtype.kind == "O":
        y = y.astype(str)
    return np.unique(y, return_counts=True)


def fit_labels(
    y: np.ndarray, column: str, path: str, positive: str | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """``(y01, mapping)`` for a target without missing values."""
    values, counts = _unique(np.asarray(y))
    where = f"target column {column!r} in {path}"
    classes = _two_classes(values, counts, where, positive)
    mapping = label_mapping(classes, column)
    return apply_labels(y, mapping, path), mapping


def _two_classes(
    values: np.ndarray, counts: np.ndarray, where: str, positive: str | None
) -> Any:
    """``[negative, positive]`` of a target of distinct ``values`` (sorted)
    with ``counts`` rows, or its refusal: one value, more than two, or no
    positive class (:func:`_rule`)."""
    if len(values) < 2:
        found = describe_values(values, counts) if len(values) else "no values"
        raise DataValidationError(
            f"{where} has a single class: {found}; logistic regression needs two"
        )
    if len(values) > 2:
        raise DataValidationError(
            f"{where}: only binary classification is supported, found {len(values)} "
            f"distinct values: {describe_values(values, counts)}{_counts_hint(values)}"
        )
    return class_order(values, _rule(counts, where, positive))


#: The row counts of the two sorted labels a rule is called with, for its
#: messages: an array, a callable that counts them (only when a message
#: needs them), or None (messages name the values without counts).
Counts = np.ndarray | Callable[[np.ndarray], np.ndarray] | None


def _form_hint(given: str, values: np.ndarray) -> str:
    """:func:`logistic._column_hints.unicode_form_hint` for an option's
    value against the target's values (as text): ``'café'`` typed with a
    combining accent against the file's one-character ``é``."""
    from .._column_hints import unicode_form_hint

    return unicode_form_hint([given], [label_text(v) for v in values.tolist()])


def _rule(
    counts: Counts, where: str, positive: str | None
) -> Callable[[np.ndarray], Any]:
    """The command line's positive class as a :func:`logistic._labels.class_order`
    rule: ``positive`` matched by :func:`~logistic._labels.match_label`, else a
    recognised pair; the two sorted labels' ``counts`` go into the messages."""

    def described(values: np.ndarray) -> str:  # counted only for a message
        return describe_values(values, counts(values) if callable(counts) else counts)

    def rule(labels: np.ndarray) -> Any:
        values = np.asarray(labels)
        if positive is not None:
            k = match_value(values, positive)
            if k is None:
                raise LabelRefusal(
                    f"--positive {positive!r} is not a value of the {where}; "
                    f"values: {described(values)}{_form_hint(positive, values)}"
                )
            return values[k]
        k = recognised_positive(list(values))
        if k is None:
            raise LabelRefusal(
                f"{where} has values {described(values)}; which is the "
                f"positive class? pass --positive VALUE{_spaces_hint(values)}"
            )
        return values[k]

    return rule


class _ReferenceRule:
    """``--reference`` as a backend's ``positive=`` argument (see
    :func:`reference_rule`)."""

    def __init__(self, where: str, reference: str, positive: str | None) -> None:
        self.where, self.reference, self.positive = where, reference, positive

    def __call__(self, labels: np.ndarray) -> Any:
        """Two labels: refused, as in memory (:func:`fit_target_labels`)."""
        raise LabelRefusal(
            f"--reference applies to a target of more than two classes; the "
            f"{self.where} has {describe_values(np.asarray(labels), None)}: use "
            "--positive"
        )

    def levels_order(self, levels: np.ndarray) -> np.ndarray:
        """The K > 2 sorted ``levels`` with the reference level first (the
        order of :func:`fit_class_labels`); a positive class among them is
        refused (:class:`~logistic._label_refusals.NoPositiveClass`)."""
        values = np.asarray(levels)
        if self.positive is not None:
            raise NoPositiveClass(
                f"{self.where} holds more than two classes, so there is no "
                f"positive class; got --positive {self.positive!r}",
                values,
            )
        k = match_value(values, self.reference)
        if k is None:
            raise LabelRefusal(
                f"--reference {self.reference!r} is not a value of the "
                f"{self.where}; values: {describe_values(values, None)}"
                f"{_form_hint(self.reference, values)}"
            )
        return values[[k, *(i for i in range(len(values)) if i != k)]]


def reference_rule(
    column: str, path: str, reference: str, positive: str | None = None
) -> Callable[[np.ndarray], Any]:
    """``--reference`` as a backend's ``positive=`` argument, for a streamed
    fit: with K > 2 labels the scan encodes them in :func:`fit_class_labels`'
    order, the reference level first (its ``levels_order``, which
    :func:`logistic._labels.resolve_classes` calls), so that the fit is the
    in-memory one, in one scan; two labels are refused as in memory (use
    ``--positive``), as is ``positive`` among more than two. The values
    without their rows (a scan finds labels, not counts): its refusals are
    :class:`~logistic._label_refusals.LabelRefusal`, which the command line
    restates with each value's rows (:mod:`logistic.cli._target_refusals`)."""
    return _ReferenceRule(f"target column {column!r} in {path}", reference, positive)


def _spaces_hint(values: np.ndarray) -> str:
    """Where labels are a recognised pair but for spaces around them
    (``"yes "``, ``" no"``), a note saying so: such labels are not taken as
    the pair, and the data may better be cleaned."""
    labels = values.tolist()
    stripped = [v.strip() if isinstance(v, str) else v for v in labels]
    if stripped == labels or recognised_positive(stripped) is None:
        return ""
    spaced = [v for v, s in zip(labels, stripped, strict=True) if v != s]
    return (
        f" (spaces around {', '.join(repr(v) for v in spaced)}: without them the "
        "labels would be read as a known pair)"
    )


def positive_rule(
    column: str, path: str, positive: str | None = None, counts: Counts = None
) -> Callable[[np.ndarray], Any]:
    """The positive-class choice of :func:`fit_labels` as a backend's
    ``positive=`` argument: called with the two sorted labels found. Its
    messages give each label's row count where ``counts`` (:data:`Counts`)
    gives them, else the labels alone (a backend's scan finds the labels,
    not their counts; its refusals are
    :class:`~logistic._label_refusals.LabelRefusal`, which the command line
    restates with each label's rows)."""
    return _rule(counts, f"target column {column!r} in {path}", positive)


def label_mapping(classes: Any, column: str) -> dict[str, Any]:
    """The stored mapping of a backend's ``classes_ = [negative, positive]``."""
    return {
        "column": column,
        "negative": _scalar(classes[0]),
        "positive": _scalar(classes[1]),
    }


def apply_labels(y: np.ndarray, mapping: dict[str, Any], path: str) -> np.ndarray:
    """Class codes (floats: 0/1, or 0 … K-1 for a mapping with ``levels``)
    for raw targets; values outside the mapping are an error."""
    classes = mapping_levels(mapping)

    def unseen(bad: np.ndarray) -> Exception:
        values, counts = _counted(bad)
        if "levels" in mapping:
            known = ", ".join(repr(v) for v in classes[:20])
            more = f", ... ({len(classes) - 20} more)" if len(classes) > 20 else ""
            expected = f"one of the {len(classes)} levels {known}{more}"
        else:
            pair = (label_shown(mapping[k]) for k in ("negative", "positive"))
            expected = " or ".join(pair)
        return DataValidationError(
            f"target column {mapping.get('column')!r} in {path} has values the model "
            f"was not trained on: {describe_values(values, counts)} (expected "
            f"{expected})"
        )

    if "levels" not in mapping:
        y = _as_the_pair(y, classes)
    return np.asarray(encode(y, classes, by_text=True, unseen=unseen))


def _counted(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``values`` as they were read (a boolean a
    boolean, a number a number, text text: a message shows each as
    :func:`describe_values` writes it, never as the text it compares as)
    and their counts; values of kinds that do not compare with each other
    (a number beside text) are sorted by that text."""
    try:
        return np.unique(values, return_counts=True)
    except TypeError:
        by_text: dict[str, list[Any]] = {}
        for v in values.tolist():
            by_text.setdefault(label_text(_scalar(v)), []).append(v)
        groups = [by_text[t] for t in sorted(by_text)]
        distinct = np.empty(len(groups), dtype=object)
        distinct[:] = [g[0] for g in groups]
        return distinct, np.array([len(g) for g in groups])


#: A boolean target written as a number, and the reverse: one label pair.
#: A boolean model also takes its labels' text in any letter case (``TRUE``,
#: ``True``: text where another value of the column kept pyarrow from reading
#: booleans), as :func:`~logistic._labels.match_label` does.
_BOOL_TEXT = {"0": "false", "1": "true", "false": "false", "true": "true"}
_NUMBER_TEXT = {"false": "0", "true": "1"}


def _as_the_pair(y: np.ndarray, classes: list[Any]) -> np.ndarray:
    """Targets as the model's labels where the model's two classes are
    ``false``/``true`` and the data write them ``0``/``1`` (or the reverse):
    one pair, as bool features read 0/1 alike (a model fitted on a Parquet
    bool target, evaluated on a CSV of 0/1). Other targets are returned as
    they are (unknown values are the caller's error, named as read)."""
    texts = sorted(label_text(_scalar(c)) for c in classes)
    if texts == ["false", "true"]:
        table = _BOOL_TEXT
    elif texts == ["0", "1"]:
        table = _NUMBER_TEXT
    else:
        return y
    values = np.asarray(y)
    if values.size == 0:
        return values
    try:  # the distinct labels first: most targets need no mapping
        distinct, codes = np.unique(values, return_inverse=True)
    except TypeError:  # labels of mixed types: no ordering; encode names them
        return values
    written = [label_text(_scalar(v)) for v in distinct.tolist()]
    if not any(t.lower() in table for t in written):
        return values
    mapped = np.empty(len(written), dtype=object)
    pairs = zip(written, distinct.tolist(), strict=True)
    mapped[:] = [table.get(t.lower(), v) for t, v in pairs]
    return mapped[codes.reshape(values.shape)]


def mapping_levels(mapping: dict[str, Any]) -> list[Any]:
    """The raw target values in code order: ``[negative, positive]``, or the
    ``levels`` of a K-class mapping (the reference first)."""
    if "levels" in mapping:
        return list(mapping["levels"])
    return [mapping["negative"], mapping["positive"]]


def class_mapping(levels: Any, column: str) -> dict[str, Any]:
    """The stored mapping of a K-class target: ``levels`` in code order."""
    return {"column": column, "levels": [_scalar(v) for v in levels]}


def fit_class_labels(
    y: np.ndarray, column: str, path: str, reference: str | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """``(codes, mapping)`` for a target of K > 2 values without missing ones:
    codes ``0 … K-1`` (floats) in the order of the mapping's ``levels``, the
    ``reference`` level first (default: the first sorted level)."""
    values, counts = _unique(np.asarray(y))
    where = f"target column {column!r} in {path}"
    mapping = class_mapping(_levels(values, counts, where, reference), column)
    return apply_labels(y, mapping, path), mapping


def _levels(
    values: np.ndarray, counts: np.ndarray, where: str, reference: str | None
) -> list[Any]:
    """The levels of a target of K > 2 distinct ``values`` (sorted) with
    ``counts`` rows in code order, the ``reference`` level first, or its
    refusal (fewer than 3, not classes, a reference that is not a value)."""
    if len(values) < 3:
        raise DataValidationError(
            f"{where} has {len(values)} distinct values "
            f"({describe_values(values, counts)}); a multi-class target needs 3 or more"
        )
    _check_many(values, counts, where)
    k = 0
    if reference is not None:
        found = match_value(values, reference)
        if found is None:
            raise DataValidationError(
                f"--reference {reference!r} is not a value of the {where}; values: "
                f"{describe_values(values, counts)}{_form_hint(reference, values)}"
            )
        k = found
    return [values[k], *np.delete(values, k)]


def match_value(values: Any, text: str) -> int | None:
    """Index of the value of a target that ``--positive`` / ``--reference``
    ``text`` names: as :func:`~logistic._labels.match_label` matches it, else
    as a number (``3.0`` names the value 3, as ``3`` names 3.0); None if
    none."""
    k = match_label(list(values), text)
    return _match_number(values, text) if k is None else k


def _match_number(values: Any, label: str) -> int | None:
    """Index of the numeric value equal to ``label`` read as a number."""
    try:
        number = float(label)
    except (TypeError, ValueError):
        return None
    for i, v in enumerate(values):
        if isinstance(v, int | float | np.integer | np.floating) and not isinstance(
            v, bool | np.bool_
        ):
            if float(v) == number:
                return i
    return None


def _check_many(values: np.ndarray, counts: np.ndarray, where: str) -> None:
    """Refuse a target of K > 2 values that does not look like classes
    (non-integral numbers first: a continuous target, however many values)."""
    _refuse_continuous(values, counts, where)
    if len(values) > MAX_CLASSES:
        raise DataValidationError(
            f"{where} has {len(values)} distinct values, more than the "
            f"{MAX_CLASSES} classes a multinomial model takes: "
            f"{describe_values(values, counts)}{_counts_hint(values)}"
        )
    texts = {label_text(_scalar(v)) for v in values}
    if len(texts) != len(values):
        raise DataValidationError(
            f"{where} holds values that are one label as text "
            f"({describe_values(values, counts)})"
        )


def _refuse_continuous(values: np.ndarray, counts: np.ndarray, where: str) -> None:
    """Refuse a target of K > 2 values holding a non-integral number: a
    continuous target, however many values (and whichever options)."""
    if values.dtype.kind == "f" and not np.all(values == np.round(values)):
        shares = bool(np.all((values >= 0) & (values <= 1)))  # proportions?
        shown = describe_values(values, counts)
        raise continuous_target(where, shown, shares)


def fit_target_labels(
    y: np.ndarray,
    column: str,
    path: str,
    positive: str | None = None,
    reference: str | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """:func:`fit_labels` for a target of two values, :func:`fit_class_labels`
    for more; ``positive`` applies to two values only, ``reference`` to more."""
    values, counts = _unique(np.asarray(y))
    order = target_order(values, counts, column, path, positive, reference)
    if len(values) <= 2:
        mapping = label_mapping(order, column)
    else:
        mapping = class_mapping(order, column)
    return apply_labels(y, mapping, path), mapping


def target_order(
    values: np.ndarray,
    counts: np.ndarray,
    column: str,
    path: str,
    positive: str | None = None,
    reference: str | None = None,
) -> Any:
    """The classes of :func:`fit_target_labels` in code order from the
    target's distinct ``values`` (sorted, as read) and their ``counts`` of
    rows alone, or its refusal, in its words: so that a reader that counted
    the values without holding the column (a streamed or Dask fit's second
    read of the target, :mod:`logistic.cli._target_refusals`) refuses a
    target as a fit in memory does."""
    where = f"target column {column!r} in {path}"
    if len(values) <= 2:
        if reference is not None:
            raise DataValidationError(
                f"--reference applies to a target of more than two classes; the "
                f"{where} has {describe_values(values, counts)}: use --positive"
            )
        return _two_classes(values, counts, where, positive)
    if positive is not None:
        # 0, 0.5, 1 with --positive: a continuous target first, as the
        # streamed and Dask scans find it before any positive class
        _refuse_continuous(values, counts, where)
        shown = describe_values(values, counts)
        raise positive_among_many(where, len(values), shown)
    return _levels(values, counts, where, reference)
