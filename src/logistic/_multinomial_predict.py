"""Predictions of a fitted multinomial model (K > 2 classes).

Convention: ``decision_function`` returns the (n_samples, K) logits
``Z = X coef_ᵀ + intercept_ (+ offset)``, one column per class in the order
of ``classes_`` (scikit-learn's shape for multi-class models); each column
is summed by the binary owner of logits, :func:`logistic._kernels.decision_logits`
(finite for every finite row whose logit is, float32 X never copied).
``predict_proba`` is ``softmax(Z)`` and ``predict_log_proba`` ``log_softmax(Z)``
(:mod:`logistic._softmax`: finite for every finite Z); ``predict`` is the
class of the largest logit (the first on ties, as ``numpy.argmax``). Both
parametrizations give the same predictions. In-memory X only; Dask and
array-API (GPU) inputs are refused with one message each.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _kernels, _softmax
from ._kernels_xp import is_device_array
from ._multiclass import not_supported
from ._prediction import checked_X
from ._typing import is_dask_collection
from ._validation import check_offset_matrix

__all__ = ["decision_matrix", "labels", "log_proba", "proba"]


def decision_matrix(model: Any, X: Any, offset: Any = None) -> np.ndarray:
    """Logits of shape (n_samples, K) of a fitted multinomial ``model``."""
    if is_dask_collection(X):
        raise not_supported("predictions of Dask collections", "compute X first")
    if is_device_array(X):
        raise not_supported(
            "predictions of array-API (GPU) arrays", "move X to numpy first"
        )
    X = checked_X(model, X)
    coef = np.asarray(model.coef_)
    b = np.asarray(model.intercept_, dtype=np.float64)
    K = coef.shape[0]
    Z = np.empty((X.shape[0], K))
    for k in range(K):
        Z[:, k] = _kernels.decision_logits(X, coef[k], float(b[k]))
    if offset is not None:
        Z += check_offset_matrix(offset, X.shape[0], K)
    return Z


def proba(Z: np.ndarray) -> np.ndarray:
    """``softmax(Z)``: one column per class, rows summing to 1."""
    return _softmax.softmax(Z)


def log_proba(Z: np.ndarray) -> np.ndarray:
    """``log_softmax(Z)``, finite for every finite Z."""
    return _softmax.log_softmax(Z)


def labels(Z: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The class of the largest logit of each row."""
    return np.asarray(classes)[np.argmax(Z, axis=1)]
