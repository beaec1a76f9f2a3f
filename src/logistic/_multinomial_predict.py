"""Predictions of a fitted multinomial model (K > 2 classes).

Convention: ``decision_function`` returns the (n_samples, K) logits
``Z = X coef_ᵀ + intercept_ (+ offset)``, one column per class in the order
of ``classes_`` (scikit-learn's shape for multi-class models); each column
is summed by the binary owner of logits, :func:`logistic._logits.decision_logits`
(finite for every finite row whose logit is, float32 X never copied).
``predict_proba`` is ``softmax(Z)`` and ``predict_log_proba`` ``log_softmax(Z)``
(:mod:`logistic._softmax`: finite for every finite Z); ``predict`` is the
class of the largest logit (the first on ties, as ``numpy.argmax``). Both
parametrizations give the same predictions.

Where X lives decides where the results live, as for two classes:

* numpy / scipy sparse / DataFrames: numpy arrays;
* Dask arrays and DataFrames: lazy Dask arrays, one ``map_blocks`` task per
  row block (the block's logits by the in-memory code above, then softmax
  row by row); ``offset`` a Dask array of shape (n, K) chunked like X's rows;
* array-API arrays (torch, CuPy, ...): arrays on X's device, the logits by
  :func:`logistic._kernels_xp.decision_logits` and the softmax written with
  the array's namespace in the same stable form as :mod:`logistic._softmax`;
  ``predict`` returns labels on the device for numeric ``classes_``, a numpy
  array for other labels (strings).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from . import _softmax
from ._exceptions import DataValidationError
from ._kernels_xp import is_device_array
from ._logits import decision_logits
from ._offset_use import prediction_offset
from ._prediction import check_dask_X, checked_X
from ._row_alignment import check_rows_aligned
from ._typing import is_dask_collection
from ._validation import check_feature_names, check_offset_matrix

__all__ = ["decision_matrix", "labels", "log_proba", "proba"]


def _logits(X: Any, coef: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``X coefᵀ + b`` of in-memory rows, column by column (float64)."""
    Z = np.empty((X.shape[0], coef.shape[0]))
    for k in range(coef.shape[0]):
        Z[:, k] = decision_logits(X, coef[k], float(b[k]))
    return Z


def decision_matrix(model: Any, X: Any, offset: Any = None) -> Any:
    """Logits of shape (n_samples, K) of a fitted multinomial ``model``."""
    offset = prediction_offset(model, offset)  # warns where fit had one
    coef = np.asarray(model.coef_)
    b = np.asarray(model.intercept_, dtype=np.float64)
    if is_dask_collection(X):
        check_dask_X(model, X)
        return _dask_logits(X, coef, b, offset)
    if is_device_array(X):
        return _device_logits(model, X, coef, b, offset)
    check_rows_aligned(X, offset=offset)  # as fit pairs them: by position
    X = checked_X(model, X)
    Z = _logits(X, coef, b)
    if offset is not None:
        Z += check_offset_matrix(offset, X.shape[0], coef.shape[0])
    return Z


def _dask_logits(X: Any, coef: np.ndarray, b: np.ndarray, offset: Any) -> Any:
    """Lazy (n, K) logits of a Dask array or DataFrame, one task per row block."""
    from .backends._dask_predict import add_offset

    if hasattr(X, "to_dask_array"):
        X = X.to_dask_array()
    K, p = coef.shape
    if X.ndim != 2 or (not np.isnan(X.shape[1]) and X.shape[1] != p):
        raise DataValidationError(f"X has shape {X.shape}; expected (n_samples, {p})")
    X = X.rechunk({1: -1})
    Z = X.map_blocks(
        partial(_logits, coef=coef, b=b), chunks=(X.chunks[0], (K,)), dtype=np.float64
    )
    # one chunk across the K columns: softmax and argmax act on whole rows,
    # whatever the offset's column chunks
    return add_offset(Z, offset).rechunk({1: -1})


def _device_logits(
    model: Any, X: Any, coef: np.ndarray, b: np.ndarray, offset: Any
) -> Any:
    """(n, K) float64 logits on X's device (torch, CuPy, ...)."""
    from . import _kernels_xp as kx
    from .backends.array_api import check_device_X, host_array

    name = type(model).__name__
    check_feature_names(getattr(model, "feature_names_in_", None), X, name)
    X = check_device_X(X, name)
    if X.shape[1] != model.n_features_in_:
        raise DataValidationError(
            f"X has {X.shape[1]} features, but {name} is expecting "
            f"{model.n_features_in_} features as input."
        )
    xp, dev = kx.namespace(X), kx.device_of(X)
    off = None
    if offset is not None:
        host = check_offset_matrix(host_array(offset), int(X.shape[0]), coef.shape[0])
        off = kx.to_device(host, xp, dev, kx.accumulation_dtype(xp, dev, X.dtype))
    columns = [
        kx.decision_logits(
            X,
            np.asarray(coef[k], dtype=np.float64),
            float(b[k]),
            None if off is None else off[:, k],
        )
        for k in range(coef.shape[0])
    ]
    return xp.stack(columns, axis=1)


def _device_log_softmax(Z: Any) -> Any:
    """``log softmax`` of device logits: ``z - m - log1p(Σ_{k≠argmax} e^{z_k-m})``
    (:mod:`logistic._softmax`'s form, in Z's namespace)."""
    from . import _kernels_xp as kx

    xp = kx.namespace(Z)
    m = xp.max(Z, axis=1, keepdims=True)
    S = Z - m
    top = xp.argmax(Z, axis=1)
    K = Z.shape[1]
    cols = xp.arange(K, device=kx.device_of(Z))
    is_top = xp.reshape(cols, (1, K)) == xp.reshape(top, (-1, 1))
    E = xp.where(is_top, xp.zeros_like(S), xp.exp(S))
    return S - xp.log1p(xp.sum(E, axis=1, keepdims=True))


def proba(Z: Any) -> Any:
    """``softmax(Z)``: one column per class, rows summing to 1."""
    if is_dask_collection(Z):
        return Z.map_blocks(_softmax.softmax, dtype=np.float64)
    if is_device_array(Z):
        from . import _kernels_xp as kx

        return kx.namespace(Z).exp(_device_log_softmax(Z))
    return _softmax.softmax(Z)


def log_proba(Z: Any) -> Any:
    """``log_softmax(Z)``, finite for every finite Z."""
    if is_dask_collection(Z):
        return Z.map_blocks(_softmax.log_softmax, dtype=np.float64)
    if is_device_array(Z):
        return _device_log_softmax(Z)
    return _softmax.log_softmax(Z)


def _block_labels(Z: np.ndarray, classes: np.ndarray) -> np.ndarray:
    return classes[np.argmax(Z, axis=1)]


def labels(Z: Any, classes: np.ndarray) -> Any:
    """The class of the largest logit of each row."""
    classes = np.asarray(classes)
    if is_dask_collection(Z):
        return Z.map_blocks(
            partial(_block_labels, classes=classes), drop_axis=1, dtype=classes.dtype
        )
    if is_device_array(Z):
        from . import _kernels_xp as kx
        from .backends.array_api import label_dtype

        xp = kx.namespace(Z)
        top = xp.argmax(Z, axis=1)
        if classes.dtype.kind not in "biuf":
            return classes[kx.to_numpy(top)]
        dt = label_dtype(xp, classes.dtype)
        return xp.take(kx.to_device(classes, xp, kx.device_of(Z), dt), top)
    return _block_labels(Z, classes)
