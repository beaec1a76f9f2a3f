"""Predictions on Dask input: lazy logits and probabilities, block by block.

Re-exported by :mod:`logistic.backends.dask` (its public names); Dask is
imported only by the caller's collections.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from .._logits import decision_logits
from ._dask_tasks import proba_block

__all__ = ["add_offset", "decision_function", "predict_proba"]


def decision_function(
    X: Any, coef: np.ndarray, intercept: float, offset: Any = None
) -> Any:
    """Lazy logits ``X w + b (+ offset)`` of a Dask array or DataFrame (a 1-D
    float64 Dask array), computed block by block by
    :func:`logistic._logits.decision_logits` (finite for every row whose
    logit is within the float64 range). ``offset``: a Dask array partitioned
    like X's rows, or None."""
    if hasattr(X, "to_dask_array"):
        X = X.to_dask_array()
    if X.ndim != 2 or (not np.isnan(X.shape[1]) and X.shape[1] != coef.shape[0]):
        raise DataValidationError(
            f"X has shape {X.shape}; expected (n_samples, {coef.shape[0]})"
        )
    X = X.rechunk({1: -1})
    w = np.asarray(coef, dtype=np.float64)
    logits = partial(decision_logits, w=w, b=float(intercept))
    z = X.map_blocks(logits, drop_axis=1, dtype=np.float64)
    return add_offset(z, offset)


def add_offset(z: Any, offset: Any) -> Any:
    """``z + offset`` for lazy logits ``z`` (n,) or (n, K), the offset's rows
    paired with X's by position: a scalar, an array of z's shape, or a Dask
    array, DataFrame or Series. Where X's partition lengths or the offset's
    are unknown, the offset's partitions are paired with X's one by one
    (each pair checked to hold as many rows). Errors name ``offset``, what it
    holds and what X needs."""
    if offset is None:
        return z
    if not hasattr(offset, "dask") and np.ndim(offset) == 0:
        return z + float(offset)
    if hasattr(offset, "to_dask_array"):  # a Dask Series or DataFrame
        offset = offset.to_dask_array()
    elif not hasattr(offset, "dask"):
        offset = np.asarray(offset, dtype=np.float64)
    want = "(n_samples,)" if z.ndim == 1 else f"(n_samples, {z.shape[1]})"
    if offset.ndim != z.ndim or (z.ndim == 2 and offset.shape[1] != z.shape[1]):
        raise DataValidationError(
            f"offset has shape {offset.shape}; expected {want}, one value per "
            "row of X" + ("" if z.ndim == 1 else " and class")
        )
    n, m = z.shape[0], offset.shape[0]
    if not (np.isnan(n) or np.isnan(m)):
        if n != m:
            raise DataValidationError(
                f"offset has {m} rows but X has {n}; expected shape {want}"
            )
        return z + offset
    if not hasattr(offset, "dask"):
        raise DataValidationError(
            "X's partition lengths are unknown, so an offset in memory cannot be "
            "paired with its rows: pass offset as a Dask collection partitioned "
            "like X (e.g. df['offset'] of the DataFrame X comes from)"
        )
    if offset.numblocks[0] != z.numblocks[0]:
        raise DataValidationError(
            f"X has {z.numblocks[0]} partitions but offset has "
            f"{offset.numblocks[0]}; offset must hold the same rows as X, partition "
            "by partition (take it from the DataFrame X comes from)"
        )
    if z.ndim == 2:
        offset = offset.rechunk({1: -1})
    from dask.array import blockwise

    idx = "i" if z.ndim == 1 else "ij"
    return blockwise(
        _add_block, idx, z, idx, offset, idx, dtype=z.dtype, align_arrays=False
    )


def _add_block(z: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """One partition's ``z + offset``, refusing partitions of other lengths."""
    if len(z) != len(offset):
        raise DataValidationError(
            f"a partition of X has {len(z)} rows but the offset's partition "
            f"paired with it has {len(offset)}; offset must hold the same rows "
            "as X, partition by partition (take it from the DataFrame X comes from)"
        )
    return z + np.asarray(offset, dtype=np.float64)


def predict_proba(
    X: Any, coef: np.ndarray, intercept: float, offset: Any = None
) -> Any:
    """Lazy ``[P(classes_[0]), P(classes_[1])]`` of shape (n_samples, 2)."""
    z = decision_function(X, coef, intercept, offset)
    return z.map_blocks(
        proba_block, new_axis=1, chunks=(z.chunks[0], (2,)), dtype=z.dtype
    )
