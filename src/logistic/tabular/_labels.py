"""Map a target column's two raw values to {0, 1}.

Convention (owned here): the positive class follows the command line's rule
of :mod:`logistic._labels` (recognised pairs 0/1, -1/+1, false/true, no/yes;
any other two values need ``positive=VALUE``, compared as text, so
``--positive 2`` matches the number 2). One value, or three or more, is an
error listing every value found with its count. The mapping is stored as
``{"negative": raw, "positive": raw, "column": name}`` with raw values as JSON
scalars, and re-applied to targets at evaluation. :func:`positive_rule` gives
the same choice to a streaming backend (its ``positive=`` argument).

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
from .._labels import class_order, encode, match_label, recognised_positive

__all__ = [
    "fit_labels",
    "apply_labels",
    "describe_values",
    "label_mapping",
    "positive_rule",
]


def _scalar(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def describe_values(values: np.ndarray, counts: np.ndarray, limit: int = 10) -> str:
    """``'a' (n=3), 'b' (n=5)``, at most ``limit`` values."""
    parts = [
        f"{_scalar(v)!r} (n={int(c)})"
        for v, c in zip(values[:limit], counts[:limit], strict=False)
    ]
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
    classes = class_order(values, _rule(counts, where, positive))
    mapping = label_mapping(classes, column)
    return apply_labels(y, mapping, path), mapping


def _rule(
    counts: np.ndarray | None, where: str, positive: str | None
) -> Callable[[np.ndarray], Any]:
    """The command line's positive class as a :func:`logistic._labels.class_order`
    rule: ``positive`` matched by :func:`~logistic._labels.match_label`, else a
    recognised pair; the two sorted labels' ``counts`` go into the messages."""

    def rule(labels: np.ndarray) -> Any:
        values = np.asarray(labels)
        n = np.ones(len(values)) if counts is None else counts
        if positive is not None:
            k = match_label(list(values), positive)
            if k is None:
                raise DataValidationError(
                    f"--positive {positive!r} is not a value of the {where}; "
                    f"values: {describe_values(values, n)}"
                )
            return values[k]
        k = recognised_positive(list(values))
        if k is None:
            raise DataValidationError(
                f"{where} has values {describe_values(values, n)}; which is the "
                "positive class? pass --positive VALUE"
            )
        return values[k]

    return rule


def positive_rule(
    column: str, path: str, positive: str | None = None
) -> Callable[[np.ndarray], Any]:
    """The positive-class choice of :func:`fit_labels` as a backend's
    ``positive=`` argument: called with the two sorted labels found."""
    return _rule(None, f"target column {column!r} in {path}", positive)


def label_mapping(classes: Any, column: str) -> dict[str, Any]:
    """The stored mapping of a backend's ``classes_ = [negative, positive]``."""
    return {
        "column": column,
        "negative": _scalar(classes[0]),
        "positive": _scalar(classes[1]),
    }


def apply_labels(y: np.ndarray, mapping: dict[str, Any], path: str) -> np.ndarray:
    """0/1 floats for raw targets; values outside the mapping are an error."""

    def unseen(bad: np.ndarray) -> Exception:
        values, counts = _unique(np.asarray(bad, dtype=str))
        return DataValidationError(
            f"target column {mapping.get('column')!r} in {path} has values the model "
            f"was not trained on: {describe_values(values, counts)} (expected "
            f"{mapping['negative']!r} or {mapping['positive']!r})"
        )

    classes = [mapping["negative"], mapping["positive"]]
    return np.asarray(encode(y, classes, by_text=True, unseen=unseen))
