"""Rows for the out-of-core backend from ``(X, y[, sample_weight[, offset]])``
block tuples (a callable or a re-iterable), in the order it yields them.

Convention (owned here): a block's arrays are read as the in-memory checks
read them, naming the block: X a dense 2-D array of numbers, converted to
the backend's dtype (C order); a scipy sparse matrix (the passes read dense
blocks), complex values (whose imaginary part the cast would drop, with only
numpy's ``ComplexWarning``) and values that are not numbers are a
:class:`~logistic.DataValidationError` naming the block and the input, not a
raw numpy error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from .._sparse import issparse
from ._sources import RawChunk

__all__ = ["BlockSource"]


def _numbers(value: Any, where: str, name: str, dtype: Any) -> np.ndarray:
    """``value`` as a C-ordered array of ``dtype``; a sparse matrix, complex
    values or values that are not numbers refused, naming ``where`` and ``name``."""
    if issparse(value):
        raise DataValidationError(
            f"{where}: {name} is a scipy sparse {type(value).__name__}, but blocks "
            f"are read as dense arrays: yield {name}.toarray(), or fit the whole "
            "sparse matrix in memory"
        )
    try:
        array = np.asarray(value)
        if array.dtype.kind == "c":
            raise DataValidationError(
                f"{where}: complex data not supported: {name} has dtype {array.dtype}"
            )
        return np.require(array, dtype=dtype, requirements=["C", "A"])
    except (TypeError, ValueError) as exc:
        if isinstance(exc, DataValidationError):
            raise
        raise DataValidationError(
            f"{where}: {name} must hold numbers only: {exc}"
        ) from None


class BlockSource:
    """``(X, y[, sample_weight[, offset]])`` tuples from a callable or re-iterable."""

    def __init__(self, blocks: Callable[[], Iterable[Any]] | Iterable[Any]) -> None:
        if isinstance(blocks, Iterator):
            raise DataValidationError(
                "an iterator or generator of blocks can be read only once, but a fit "
                "makes one pass per objective evaluation; pass a callable that "
                "returns a fresh iterator (e.g. `lambda: read_blocks(path)`) or a list"
            )
        self.factory = blocks if callable(blocks) else (lambda: iter(blocks))
        self.name = getattr(blocks, "__name__", type(blocks).__name__)

    def chunks(self, dtype: Any) -> Iterator[RawChunk]:
        for k, item in enumerate(self.factory()):
            where = f"block {k}"
            if not isinstance(item, tuple) or not 2 <= len(item) <= 4:
                raise DataValidationError(
                    f"{where}: expected a tuple (X, y[, sample_weight[, offset]]), "
                    f"got {type(item).__name__}"
                )
            X = _numbers(item[0], where, "X", dtype)
            y = np.asarray(item[1])
            if X.ndim != 2 or y.ndim != 1 or y.shape[0] != X.shape[0]:
                raise DataValidationError(
                    f"{where}: X must be 2-D and y 1-D of the same length; got shapes "
                    f"{X.shape} and {y.shape}"
                )
            names = ("sample_weight", "offset")
            extra = [
                None if v is None else _numbers(v, where, name, dtype).reshape(-1)
                for name, v in zip(names, (*item[2:], None, None)[:2], strict=True)
            ]
            for name, v in zip(names, extra, strict=True):
                if v is not None and v.shape[0] != X.shape[0]:
                    raise DataValidationError(
                        f"{where}: {name} has {v.shape[0]} values for {X.shape[0]} rows"
                    )
            yield where, X, y, extra[0], extra[1]
