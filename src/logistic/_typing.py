"""Array aliases and the Protocols of the pluggable parts (data backends, solvers).

A *block* is a set of rows: ``X`` (dense ndarray or scipy sparse matrix),
``y`` in {0, 1}, and optional ``sample_weight`` and ``offset`` of the same
length. A *backend* owns the data and reduces a block function over all blocks
in a fixed, documented order; the objective never sees more than one block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, TypeVar, runtime_checkable

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
        (class indices ``0 … K-1`` for K > 2 classes, :mod:`logistic._labels`)
    sample_weight : ndarray of shape (n_rows,) or None (all ones)
    offset : ndarray of shape (n_rows,) or None (all zeros); (n_rows, K) for
        K > 2 classes
    """

    X: Any
    y: FloatArray
    sample_weight: FloatArray | None = None
    offset: FloatArray | None = None

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])


class BackendCapabilities(NamedTuple):
    """What a backend offers beyond ``map_reduce``; the fit path reads these flags.

    Attributes
    ----------
    rows_in_memory : ``rows()`` returns every row as one :class:`Block`
        (random row access: the separation check, SGD's global shuffle).
    blocks : ``blocks()`` yields the row blocks in reduction order (SGD's
        mini-batches on streamed data).
    block_grid : ``map_reduce_indexed(fn)`` passes each block's place ``i`` on
        a fixed block grid (block ``i`` holds the same rows on every pass), so
        a Hessian can be estimated from every k-th block whole. The blocks may
        be read afresh each pass (out of core): nothing is kept per block.
    block_index : ``block_grid``, and the blocks are the same objects on every
        pass, so per-block state may be kept by block identity between passes
        (the curvature store of Hessian-vector products: in memory only).
    settles_finite : the backend may owe X's NaN/±inf check, and a caller
        that sums every value of X may settle it (:class:`SettlesFinite`:
        ``rows_unchecked()`` hands the rows out with the check still owed,
        ``settle_finite(verdict)`` settles it: the column solver's copy).
    device_blocks : the blocks hold array-API arrays on their device (the
        array-API backend), not numpy/scipy arrays on the host: code written
        for numpy blocks only refuses them (Firth's solver).
    """

    rows_in_memory: bool = False
    blocks: bool = False
    block_index: bool = False
    block_grid: bool = False
    settles_finite: bool = False
    device_blocks: bool = False


class DataDescription(NamedTuple):
    """The facts about a backend's data that choose a solver.

    Attributes
    ----------
    n_samples, n_features : int
    dtype : numpy dtype of the blocks' X
    nnz : int or None
        Stored values of a sparse X; None for dense data.
    nonzero_share : float or None
        Dense X in memory: the share of non-zero entries estimated from a
        sample of rows, where the caller measured it; None otherwise.
    """

    n_samples: int
    n_features: int
    dtype: np.dtype[Any]
    nnz: int | None = None
    nonzero_share: float | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_samples, self.n_features)

    @property
    def sparse(self) -> bool:
        return self.nnz is not None

    @classmethod
    def of(cls, backend: Backend) -> DataDescription:
        return cls(
            int(backend.n_samples),
            int(backend.n_features),
            np.dtype(backend.dtype),
            backend.nnz,
        )


@runtime_checkable
class Backend(Protocol):
    """Data that can be reduced block by block: everything a fit reads.

    ``map_reduce(fn)`` applies ``fn(block)`` to every block and returns the sum
    of the results (tuples of floats/arrays are summed elementwise). The
    summation order is fixed (block order), so a result does not depend on
    scheduling. Blocks carry labels already encoded in {0, 1} with
    ``classes_[1]`` as 1.

    The methods ``rows``, ``blocks`` and ``map_reduce_indexed`` are called
    only when ``capabilities`` declares them; a backend without the
    capability raises :class:`NotImplementedError` there.

    Attributes
    ----------
    n_samples, n_features : int
    dtype : numpy dtype of the blocks' X (float32 or float64)
    nnz : int or None
        Stored values of a sparse X; None for dense data.
    classes_ : ndarray of shape (2,)
        The labels as ``[negative, positive]`` (:mod:`logistic._labels`).
    feature_names : list of str or None
    fingerprint : str
        Content hash of the rows as the fit sees them (checkpoints compare it).
    capabilities : BackendCapabilities
    """

    n_samples: int
    n_features: int
    dtype: np.dtype[Any]
    nnz: int | None
    classes_: np.ndarray
    feature_names: list[str] | None
    capabilities: BackendCapabilities

    @property
    def fingerprint(self) -> str: ...

    def map_reduce(self, fn: Callable[[Block], T]) -> T: ...

    def map_reduce_indexed(self, fn: Callable[[Block, int], T]) -> T: ...

    def blocks(self) -> Iterator[Block]: ...

    def rows(self) -> Block: ...


class SettlesFinite(Protocol):
    """The methods of a backend whose ``capabilities`` declare
    ``settles_finite`` (:class:`logistic.backends.InMemory`'s)."""

    def rows_unchecked(self) -> Block: ...

    def settle_finite(self, shown: bool | None) -> None: ...


class Objective(Protocol):
    """What a solver may ask of an objective (see ``LogisticObjective``)."""

    n_params: int

    def value(self, theta: FloatArray) -> float: ...

    def gradient(self, theta: FloatArray) -> FloatArray: ...

    def value_and_gradient(self, theta: FloatArray) -> tuple[float, FloatArray]: ...

    def hessian(self, theta: FloatArray) -> FloatArray: ...

    def hessian_vector(self, theta: FloatArray, v: FloatArray) -> FloatArray: ...


def is_dask_collection(x: Any) -> bool:
    """Whether ``x`` is a Dask array/DataFrame/Series (without importing dask)."""
    return type(x).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(
        x, "__dask_graph__"
    )
