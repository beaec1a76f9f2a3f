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

__all__ = ["decision_function", "predict_proba"]


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
    return z if offset is None else z + offset


def predict_proba(
    X: Any, coef: np.ndarray, intercept: float, offset: Any = None
) -> Any:
    """Lazy ``[P(classes_[0]), P(classes_[1])]`` of shape (n_samples, 2)."""
    z = decision_function(X, coef, intercept, offset)
    return z.map_blocks(
        proba_block, new_axis=1, chunks=(z.chunks[0], (2,)), dtype=z.dtype
    )
