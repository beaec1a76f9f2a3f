"""The prediction side of :class:`~logistic.estimator.LogisticRegression`.

Functions of a fitted model (``coef_``, ``intercept_``, ``classes_``,
``n_features_in_`` and, when fitted on a DataFrame, ``feature_names_in_`` and
``encoding_``) that its public methods call: the logits of new data for each
kind of input, the probabilities and labels derived from them, and the
accuracy score. The methods stay on the class (scikit-learn's rules); this
module holds their logic so that ``estimator.py`` is the fit path.

Logits go through one owner per kind of X: Dask collections
(:mod:`logistic.backends.dask`, lazy), array-API device arrays such as torch
or CuPy (:mod:`logistic.backends.array_api`, results on X's device), and
everything else validated as ``fit`` validates it and summed by
:func:`logistic._logits.decision_logits`. The backends are imported only
when such an input arrives.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from . import _logits, _math
from ._exceptions import DataValidationError, InvalidParameterError
from ._file_marks import refuse_formula_inputs
from ._frame_encoding import apply_encoding
from ._grouped import fitted_on_counts
from ._kernels_xp import is_device_array
from ._missing_values import refuse_sparse
from ._offset_use import prediction_offset
from ._row_alignment import check_rows_aligned
from ._typing import Backend, is_dask_collection
from ._validation import check_feature_names, check_vector, check_X


def decision_function(model: Any, X: Any, offset: Any = None) -> Any:
    """Logits ``z = X w + b (+ offset)`` of a fitted ``model`` (see
    :meth:`LogisticRegression.decision_function`)."""
    name = type(model).__name__
    offset = prediction_offset(model, offset)  # warns where fit had one
    coef, b = model.coef_.ravel(), model.intercept_[0]
    if is_dask_collection(X):
        from .backends.dask import decision_function as on_dask

        check_dask_X(model, X)
        return on_dask(X, coef, b, offset)
    if is_device_array(X):  # torch, CuPy, ...: float64 logits on X's device
        from .backends.array_api import decision_function as on_device

        check_feature_names(getattr(model, "feature_names_in_", None), X, name)
        p = model.n_features_in_
        return on_device(X, coef, b, offset, n_features=p, estimator=name)
    check_rows_aligned(X, offset=offset)  # as fit pairs them: by position
    X = checked_X(model, X)
    off = None if offset is None else check_vector(offset, X.shape[0], "offset")
    return _logits.decision_logits(X, coef, b, off)


def check_dask_X(model: Any, X: Any) -> None:
    """Check a Dask DataFrame's columns against ``fit`` as :func:`checked_X`
    checks a frame in memory (names and order; a model whose text columns
    ``fit`` one-hot encoded is refused, naming them: the encoding needs the
    rows in memory). Dask arrays have no names to check."""
    if not hasattr(X, "columns"):
        return
    name = type(model).__name__
    encoding = getattr(model, "encoding_", None) or {"columns": []}
    text = [s["name"] for s in encoding["columns"] if s.get("kind") == "categorical"]
    if text:
        raise DataValidationError(
            f"{name} was fitted on a DataFrame whose text column(s) {text} it "
            "one-hot encoded; a Dask DataFrame X is not encoded: predict on its "
            "rows in memory, all at once (X.compute()) or a partition at a time "
            "(X.partitions[i].compute())"
        )
    check_feature_names(getattr(model, "feature_names_in_", None), X, name)


def checked_X(model: Any, X: Any) -> Any:
    """New rows for a fitted ``model`` in memory, validated as ``fit`` validated
    its X (a DataFrame's text columns encoded as in fit, names and width
    checked): a 2-D ndarray or scipy sparse matrix."""
    name = type(model).__name__
    if isinstance(X, (str, os.PathLike)):
        raise InvalidParameterError(
            f"{name} predicts rows in memory (arrays, DataFrames, Dask), not a "
            f"file path ({str(X)!r:.200}): fit streams a file, prediction does "
            "not; read it first (pandas.read_csv, pyarrow.parquet.read_table), or "
            "score a file with the command line's 'logistic predict MODEL DATA'"
        )
    if isinstance(X, Backend):
        how = (
            "pass the Dask collection itself (model.predict_proba(X_dask) is a "
            "lazy Dask array)"
            if not (X.capabilities.blocks or X.capabilities.rows_in_memory)
            else "model.predict_interval(backend) streams its rows block by "
            "block (column 'mean' is the probability)"
        )
        raise InvalidParameterError(
            f"{name} predicts rows in memory (arrays, DataFrames, Dask), not a "
            f"{type(X).__name__} backend: {how}"
        )
    encoding = getattr(model, "encoding_", None)
    if encoding is not None:
        X = apply_encoding(encoding, X)  # text columns, as in fit
    refuse_formula_inputs(model, X)  # a formula file's raw columns
    check_feature_names(getattr(model, "feature_names_in_", None), X, name)
    X = check_X(X, estimator=name, for_prediction=True)
    if X.shape[1] != model.n_features_in_:
        raise DataValidationError(
            f"X has {X.shape[1]} features, but {name} is expecting "
            f"{model.n_features_in_} features as input."
        )
    return X


def dask_proba(model: Any, X: Any, offset: Any) -> Any:
    """``predict_proba`` of a Dask collection, lazily (fitted ``model``)."""
    from .backends.dask import predict_proba

    check_dask_X(model, X)
    offset = prediction_offset(model, offset)
    return predict_proba(X, model.coef_.ravel(), model.intercept_[0], offset)


def proba(z: Any) -> Any:
    """Columns ``[σ(-z), σ(z)]``, on z's device for an array-API z."""
    if is_device_array(z):
        from .backends.array_api import predict_proba as proba_on_device

        return proba_on_device(z)
    return np.column_stack([_math.sigmoid(-z), _math.sigmoid(z)])


def log_proba(z: Any) -> Any:
    """Columns ``[log σ(-z), log σ(z)]``, finite for every finite z (lazy
    for a Dask z, as ``predict_proba`` is)."""
    if is_device_array(z):
        from .backends.array_api import predict_log_proba

        return predict_log_proba(z)
    if is_dask_collection(z):
        return z.map_blocks(log_proba, new_axis=1, chunks=(z.chunks[0], (2,)),
                            dtype=np.float64)  # fmt: skip
    return np.column_stack([_math.log_sigmoid(-z), _math.log_sigmoid(z)])


def labels(z: Any, classes: np.ndarray) -> Any:
    """``classes[1]`` where ``z > 0``, else ``classes[0]`` (lazy for a Dask z)."""
    if is_device_array(z):
        from .backends.array_api import predict

        return predict(z, classes)
    if is_dask_collection(z):
        return z.map_blocks(labels, classes, dtype=np.asarray(classes).dtype)
    return classes[(z > 0).astype(np.intp)]


def accuracy(
    model: Any, X: Any, y: Any, sample_weight: Any = None, offset: Any = None
) -> float:
    """Mean accuracy (weighted by ``sample_weight``) of ``model.predict(X,
    offset)`` against 0/1 labels ``y``; refused for a model fitted on grouped
    counts."""
    from .backends.array_api import host_array

    if fitted_on_counts(model):
        raise InvalidParameterError(
            "score() is the accuracy of 0/1 labels, but this model was fitted "
            "on grouped counts (successes out of trials): compare "
            "predict_proba(X)[:, 1] with successes / trials, or use "
            "`logistic evaluate`"
        )

    refuse_sparse(y, "y")
    y = np.asarray(host_array(y))
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    predicted = np.asarray(host_array(model.predict(X, offset)))
    _check_score_labels(y, predicted, np.asarray(model.classes_))
    correct = (predicted == y).astype(float)
    if sample_weight is None:
        return float(np.mean(correct))
    return float(np.average(correct, weights=_score_weights(sample_weight, len(y))))


def _score_weights(sample_weight: Any, n: int) -> np.ndarray:
    """``score()``'s ``sample_weight`` checked as ``fit`` checks it (one finite
    value ≥ 0 a row, or a scalar; :func:`~logistic._validation.check_vector`)
    with a positive total: a NaN or infinite weight, a length other than the
    rows' or weights summing to 0 are refused naming the parameter, as
    scikit-learn's ``accuracy_score`` refuses them, rather than giving a NaN
    score or numpy's error."""
    from .backends.array_api import host_array

    sw = check_vector(host_array(sample_weight), n, "sample_weight", nonnegative=True)
    if not sw.sum() > 0:
        raise DataValidationError(
            "sample_weight sums to 0: score() is the weighted share of rows "
            "predicted right, which needs a row of positive weight"
        )
    return sw


def _is_text_labels(values: np.ndarray) -> bool:
    if values.dtype.kind in "US":
        return True
    if values.dtype.kind == "O":
        present = [v for v in values.tolist() if v is not None]
        return bool(present) and all(isinstance(v, str | bytes) for v in present)
    return False


def _check_score_labels(
    y: np.ndarray, predicted: np.ndarray, classes: np.ndarray
) -> None:
    """Refuse labels ``score()`` cannot compare, as scikit-learn's
    ``accuracy_score`` refuses them: another number of rows than X, a
    missing label (it counted as a wrong prediction), or labels of another
    kind than the model's classes (text against numbers: every row counted
    wrong, an accuracy of 0)."""
    from ._exceptions import DataValidationError
    from ._missing_values import missing_mask

    if y.ndim != 1 or len(y) != len(predicted):
        raise DataValidationError(
            f"y has shape {y.shape} but X has {len(predicted)} rows: score() "
            "needs one label per row"
        )
    missing = np.flatnonzero(missing_mask(y))
    if missing.size:
        raise DataValidationError(
            f"y has a missing label at row {int(missing[0])} (0-based; "
            f"{missing.size} row(s)): score() compares each row's label with its "
            "prediction; drop those rows first"
        )
    text = _is_text_labels(y)
    if len(y) and text != _is_text_labels(classes):
        kind, other = ("text", "numbers") if text else ("numbers", "text")
        raise DataValidationError(
            f"y's labels are {kind} ({y[:3].tolist()}), the model's classes are "
            f"{other} (classes_ = {classes.tolist()[:10]}): no row could match its "
            "prediction; pass labels of the classes' kind"
        )
