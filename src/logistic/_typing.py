"""Array aliases and the Protocols of the pluggable parts (data backends, solvers).

A *block* is a set of rows: ``X`` (dense ndarray or scipy sparse matrix),
``y`` in {0, 1}, and optional ``sample_weight`` and ``offset`` of the same
length. A *backend* owns the data and reduces a block function over all blocks
in a fixed, documented order; the objective never sees more than one block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.floating[Any]]
T = TypeVar("T")


@dataclass(frozen=True)
class Block:
    """Rows of a design matrix with their labels, weights and offsets.

    Attributes
    ----------
    X : ndarray or scipy.sparse matrix of shape (n_rows, n_features)
    y : ndarray of shape (n_rows,), values in {0, 1}, dtype of X's floats
    sample_weight : ndarray of shape (n_rows,) or None (all ones)
    offset : ndarray of shape (n_rows,) or None (all zeros)
    """

    X: Any
    y: FloatArray
    sample_weight: FloatArray | None = None
    offset: FloatArray | None = None

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])


@runtime_checkable
class Backend(Protocol):
    """Data that can be reduced block by block.

    ``map_reduce(fn)`` applies ``fn(block)`` to every block and returns the sum
    of the results (tuples of floats/arrays are summed elementwise). The
    summation order is fixed (block order), so a result does not depend on
    scheduling.
    """

    n_samples: int
    n_features: int
    dtype: np.dtype[Any]

    def map_reduce(self, fn: Callable[[Block], T]) -> T: ...


class Objective(Protocol):
    """What a solver may ask of an objective (see ``LogisticObjective``)."""

    n_params: int

    def value(self, theta: FloatArray) -> float: ...

    def gradient(self, theta: FloatArray) -> FloatArray: ...

    def value_and_gradient(self, theta: FloatArray) -> tuple[float, FloatArray]: ...

    def hessian(self, theta: FloatArray) -> FloatArray: ...

    def hessian_vector(self, theta: FloatArray, v: FloatArray) -> FloatArray: ...
