"""The checks of a model file's ``training.fit_statistics`` fields that its
two-class (:mod:`._statistics`) and K-class (:mod:`._multinomial_statistics`)
readers share: a finite number, a vector of a given length, the error naming
the field."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._fields import _bad, is_finite_number

__all__ = ["F64", "KEY", "_floats", "_number", "_vector", "_wrong"]

F64 = np.float64
#: The section's key under ``training``.
KEY = "fit_statistics"


def _wrong(path: str, name: str, what: str) -> Exception:
    return _bad(path, f"field '{name}' {what}")


def _floats(values: Any) -> list[float]:
    return [float(v) for v in np.asarray(values, dtype=F64).ravel()]


def _vector(doc: dict[str, Any], key: str, size: int, path: str) -> np.ndarray:
    value = doc.get(key)
    if not isinstance(value, list) or len(value) != size:
        raise _wrong(path, f"training.{KEY}.{key}", f"must be a list of {size} numbers")
    return np.asarray([_number(doc, key, v, path) for v in value], dtype=F64)


def _number(doc: dict[str, Any], key: str, value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong(
            path, f"training.{KEY}.{key}", f"must hold numbers, got {value!r:.40}"
        )
    if not is_finite_number(value):  # NaN, or an integer beyond float range
        raise _wrong(path, f"training.{KEY}.{key}", "must hold finite numbers")
    return float(value)
