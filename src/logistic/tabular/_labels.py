"""Map a target column's two raw values to {0, 1}.

Convention (owned here): recognised pairs are 0/1, -1/+1, false/true and
no/yes (any letter case, the same spelling throughout); the positive class
is the second of each pair. Any other two values need ``positive=VALUE``
(compared as text, so ``--positive 2`` matches the number 2). One value, or
three or more, is an error listing every value found with its count. The
mapping is stored as ``{"negative": raw, "positive": raw, "column": name}``
with raw values as JSON scalars, and re-applied to targets at evaluation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import DataValidationError

__all__ = ["fit_labels", "apply_labels", "describe_values"]

_PAIRS = ({"0", "1"}, {"-1", "1"}, {"-1", "+1"}, {"false", "true"}, {"no", "yes"})
_POSITIVE = {"1", "+1", "true", "yes"}


def _text(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


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
    texts = [_text(v) for v in values]
    if positive is not None:
        if positive not in texts:
            raise DataValidationError(
                f"--positive {positive!r} is not a value of the {where}; "
                f"values: {describe_values(values, counts)}"
            )
        pos = texts.index(positive)
    elif {t.lower() for t in texts} in _PAIRS and texts[0].islower() == texts[
        1
    ].islower():
        pos = 0 if texts[0].lower() in _POSITIVE else 1
    else:
        raise DataValidationError(
            f"{where} has values {describe_values(values, counts)}; which is the "
            "positive class? pass --positive VALUE"
        )
    mapping = {
        "column": column,
        "negative": _scalar(values[1 - pos]),
        "positive": _scalar(values[pos]),
    }
    return apply_labels(y, mapping, path), mapping


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
