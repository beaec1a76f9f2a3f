"""Two checks every section of a model file uses: the error naming the file
and field, and a list of finite numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import ModelFormatError

__all__ = ["_bad", "_finite_list"]


def _bad(path: str, what: str) -> ModelFormatError:
    return ModelFormatError(f"model file {path}: {what}")


def _finite_list(value: Any, n: int, path: str, where: str) -> np.ndarray:
    if not isinstance(value, list) or len(value) != n:
        got = len(value) if isinstance(value, list) else type(value).__name__
        raise _bad(path, f"field '{where}' must be a list of {n} numbers, got {got}")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        raise _bad(path, f"field '{where}' must hold numbers only")
    try:
        arr = np.array(value, dtype=np.float64)
    except OverflowError:
        arr = np.array([np.inf])
    if not np.all(np.isfinite(arr)):
        raise _bad(path, f"field '{where}' holds non-finite values")
    return arr
