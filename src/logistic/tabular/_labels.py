"""Map a target column's two raw values to {0, 1}.

Convention (owned here): the positive class follows the command line's rule
of :mod:`logistic._labels` (recognised pairs 0/1, -1/+1, false/true, no/yes;
any other two values need ``positive=VALUE``, compared as text, so
``--positive 2`` matches the number 2). One value, or three or more, is an
error listing every value found with its count. The mapping is stored as
``{"negative": raw, "positive": raw, "column": name}`` with raw values as JSON
scalars, and re-applied to targets at evaluation. :func:`positive_rule` gives
the same choice to a streaming backend (its ``positive=`` argument).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from .._labels import label_text as _text
from .._labels import recognised_positive

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
            f"distinct values: {describe_values(values, counts)}"
        )
    pos = _positive_index(values, counts, where, positive)
    mapping = {
        "column": column,
        "negative": _scalar(values[1 - pos]),
        "positive": _scalar(values[pos]),
    }
    return apply_labels(y, mapping, path), mapping


def _positive_index(
    values: np.ndarray, counts: np.ndarray, where: str, positive: str | None
) -> int:
    """Which of the two sorted ``values`` is the positive class."""
    texts = [_text(v) for v in values]
    if positive is not None:
        if positive not in texts:
            raise DataValidationError(
                f"--positive {positive!r} is not a value of the {where}; "
                f"values: {describe_values(values, counts)}"
            )
        return texts.index(positive)
    pos = recognised_positive(list(values))
    if pos is None:
        raise DataValidationError(
            f"{where} has values {describe_values(values, counts)}; which is the "
            "positive class? pass --positive VALUE"
        )
    return pos


def positive_rule(
    column: str, path: str, positive: str | None = None
) -> Callable[[np.ndarray], Any]:
    """The positive-class choice of :func:`fit_labels` as a backend's
    ``positive=`` argument: called with the two sorted labels found."""

    def rule(labels: np.ndarray) -> Any:
        values = np.asarray(labels)
        where = f"target column {column!r} in {path}"
        return values[_positive_index(values, np.ones(len(values)), where, positive)]

    return rule


def label_mapping(classes: Any, column: str) -> dict[str, Any]:
    """The stored mapping of a backend's ``classes_ = [negative, positive]``."""
    return {
        "column": column,
        "negative": _scalar(classes[0]),
        "positive": _scalar(classes[1]),
    }


def apply_labels(y: np.ndarray, mapping: dict[str, Any], path: str) -> np.ndarray:
    """0/1 floats for raw targets; values outside the mapping are an error."""
    y = np.asarray(y)
    texts = np.array([_text(v) for v in y.tolist()], dtype=object) if y.size else y
    pos, neg = _text(mapping["positive"]), _text(mapping["negative"])
    is_pos = texts == pos
    bad = ~(is_pos | (texts == neg))
    if np.any(bad):
        values, counts = _unique(np.asarray(texts[bad], dtype=str))
        raise DataValidationError(
            f"target column {mapping.get('column')!r} in {path} has values the model "
            f"was not trained on: {describe_values(values, counts)} (expected "
            f"{mapping['negative']!r} or {mapping['positive']!r})"
        )
    return is_pos.astype(np.float64)
