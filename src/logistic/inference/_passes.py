"""Passes over a backend that inference needs beyond the objective's own.

Convention (owned here): every quantity is a sum over row blocks, computed by
one ``backend.map_reduce`` of a module-level block function (picklable, so a
Dask worker can run it), exactly as the objective computes its value,
gradient and Hessian. Inference therefore runs on any backend: arrays in
memory, files streamed out of core, Dask partitions.

* :func:`label_sums` (one pass at the fitted coefficients): ``Σ s y``,
  ``Σ s``, the saturated log-likelihood ``Σ s [y log y + (1-y) log(1-y)]``,
  Pearson's ``χ² = Σ s (y - p)² / (p (1 - p))`` (``p = σ(z)``; with grouped
  data, ``y`` the proportion and ``s`` the trials, this is the grouped
  Pearson statistic ``Σ (k - n p)² / (n p (1 - p))``), the number of rows of
  positive weight whose fitted logit lies beyond ±``threshold`` on the side
  of their label (suspected separation), whether the rows carry an
  offset, the number of rows of positive weight and how many of them have a
  non-integer weight (sampling weights count rows, frequency weights are
  counts).
* :class:`FeatureFree`: the same rows with no feature column, for the null
  model (intercept and offset only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np

from .. import _kernels_xp, _math
from .._objective import block_logits
from .._row_terms import weight_total
from .._typing import Backend, BackendCapabilities, Block, FloatArray

__all__ = ["FeatureFree", "LabelSums", "label_sums"]

F64 = np.float64
T = TypeVar("T")


def _xlogx(v: FloatArray) -> FloatArray:
    """``v log v`` (0 where ``v = 0``), without gathering the positive entries."""
    out = np.zeros_like(v)
    np.log(v, out=out, where=v > 0)
    out *= v
    return out


class LabelSums(NamedTuple):
    """What one pass over the labels at the fitted coefficients gives.

    Attributes
    ----------
    positive : float
        ``Σ s_i y_i``.
    weight : float
        ``Σ s_i``.
    saturated : float
        ``Σ s_i [y_i log y_i + (1-y_i) log(1-y_i)]`` (0 for 0/1 labels).
    extreme : int
        Rows of positive weight with ``|z_i| > threshold`` on their label's side.
    has_offset : bool
        Whether any block carries an offset.
    pearson : float
        ``Σ s_i (y_i - p_i)² / (p_i (1 - p_i))`` at the fitted coefficients.
    rows : float
        Rows of positive weight (NaN when unknown: a model file without it).
    fractional : float
        Rows of positive, non-integer weight.
    """

    positive: float
    weight: float
    saturated: float
    extreme: int
    has_offset: bool
    pearson: float = float("nan")
    rows: float = float("nan")
    fractional: float = 0.0

    @property
    def mean(self) -> float:
        """The weighted mean label ``Σ s y / Σ s``."""
        return self.positive / self.weight


def _pearson_terms(y: FloatArray, z: FloatArray) -> FloatArray:
    """``(y - p)² / (p (1 - p))`` with ``p = σ(z)``, stably: ``r² / (σ(z) σ(-z))``
    (0 where both vanish, i.e. a label fitted exactly at an extreme logit; inf
    where it is beyond float64's range, e^{|z|} of a label against |z| > 709.8)."""
    r, d = _math.residual_and_hessian_weight(y, z)
    num = r * r
    out = np.zeros_like(num)
    with np.errstate(over="ignore"):  # beyond float64: inf, its value
        np.divide(num, d, out=out, where=d > 0)
    out[(d <= 0) & (num > 0)] = np.inf
    return out


def _block_label_sums(
    block: Block, w: FloatArray, b: float, threshold: float
) -> tuple[float, ...]:
    z = block_logits(block, w, b)
    if _kernels_xp.is_device_array(z):  # array-API rows: n-vectors to the host
        block, z = _kernels_xp.host_vectors(block), _kernels_xp.to_numpy(z)
    y = np.asarray(block.y, dtype=F64)
    s = block.sample_weight
    z = np.asarray(z, dtype=F64)
    extreme = ((z > 0) == (y > 0.5)) & (np.abs(z) > threshold)
    soft = (y > 0) & (y < 1)  # only labels strictly inside (0, 1) add to it
    sat = _xlogx(y) + _xlogx(1.0 - y) if soft.any() else np.zeros_like(y)
    pearson = _pearson_terms(y, z)
    weight = weight_total(block.n_rows, s)
    if s is None:
        with np.errstate(over="ignore"):  # Pearson terms of 1e308: inf, its value
            sums = (float(y.sum()), weight, float(sat.sum()), float(pearson.sum()))
        rows, fractional = float(block.n_rows), 0.0
    else:
        s = np.asarray(s, dtype=F64)
        positive = s > 0
        extreme &= positive
        pearson[~positive] = 0.0
        with np.errstate(over="ignore"):  # weights of 1e300 times terms of 1e10
            sums = (float(s @ y), weight, float(s @ sat), float(s @ pearson))
        rows = float(np.count_nonzero(positive))
        fractional = float(np.count_nonzero(np.floor(s) != s))
    offsets = float(block.offset is not None)
    return (*sums, float(np.count_nonzero(extreme)), offsets, rows, fractional)


def label_sums(backend: Any, w: FloatArray, b: float, threshold: float) -> LabelSums:
    """:class:`LabelSums` of ``backend`` at coefficients ``(w, b)`` (one pass)."""
    positive, weight, saturated, pearson, extreme, offsets, rows, fractional = (
        backend.map_reduce(partial(_block_label_sums, w=w, b=b, threshold=threshold))
    )
    return LabelSums(
        positive,
        weight,
        saturated,
        int(extreme),
        offsets > 0,
        float(pearson),
        float(rows),
        float(fractional),
    )


class _WithoutFeatures(Generic[T]):
    """``fn`` applied to a block whose X has no columns (picklable)."""

    def __init__(self, fn: Callable[[Block], T]) -> None:
        self.fn = fn

    def __call__(self, block: Block) -> T:
        if _kernels_xp.is_device_array(block.X):  # stays on the block's device
            X = _kernels_xp.no_columns(block.X)
        else:
            X = np.zeros((block.n_rows, 0), dtype=block.X.dtype)
        return self.fn(Block(X, block.y, block.sample_weight, block.offset))


class FeatureFree:
    """The rows of a backend with no feature column (labels, weights, offset).

    A backend of its own (:class:`logistic._typing.Backend`, no optional
    capability), so that a :class:`~logistic.LogisticObjective` over it is
    the null model of the same data, read in the same passes.
    """

    n_features = 0
    nnz: int | None = None
    feature_names: list[str] | None = []
    capabilities = BackendCapabilities()

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.n_samples = int(backend.n_samples)
        self.dtype = np.dtype(backend.dtype)
        self.classes_ = np.asarray(backend.classes_)

    @property
    def fingerprint(self) -> str:
        return f"{self.backend.fingerprint}:no-features"

    def map_reduce(self, fn: Callable[[Block], T]) -> T:
        return self.backend.map_reduce(_WithoutFeatures(fn))

    def map_reduce_indexed(self, fn: Callable[[Block, int], T]) -> T:
        raise NotImplementedError("FeatureFree does not declare block_index")

    def blocks(self) -> Iterator[Block]:
        raise NotImplementedError("FeatureFree does not declare blocks")

    def rows(self) -> Block:
        raise NotImplementedError("FeatureFree does not declare rows_in_memory")
