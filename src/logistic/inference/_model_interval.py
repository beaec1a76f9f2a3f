"""``LogisticRegression.predict_interval``: intervals without the training data.

Convention (owned here): the covariance a fitted model carries by itself is,
in this order,

1. the model-based covariance ``I⁻¹`` from the statistics ``fit`` kept
   (``fit_statistics_``: unpenalized and Firth fits of at most
   :data:`~logistic.inference._stored.MAX_STORED_PARAMS` parameters, also
   restored by :func:`logistic.load` from a file :func:`logistic.save`
   wrote), as ``model.inference()`` computes it (rank checks included);
2. the covariance stored in the model file it was loaded from
   (:func:`logistic.load` keeps it beside the model; ``logistic fit`` stores
   ``cov_params()`` of unpenalized and Firth fits up to
   ``io._schema.MAX_COVARIANCE_PARAMS`` parameters). :func:`stored_covariance`
   is the one reader of its order: intercept first when its names start with
   ``"Intercept"`` or have no names (``cov_params()`` order), else
   objective order (intercept last).

Otherwise (penalized fits, models fitted with more parameters or by
``partial_fit``, files without a covariance) it refuses with one line saying
why and what works instead (``model.inference(X, y, ...).get_prediction``,
which also gives robust covariances). ``X`` may be a backend (a streamed
file): its rows are predicted block by block with its offsets.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._fitted_params import fitted_param
from .._typing import Backend, FloatArray
from ._checks import penalty_of
from ._fit import _theta, fit_inference, require_fitted
from ._order import display_order
from ._prediction_interval import (
    PredictionResults,
    predict_rows,
    predict_training_rows,
)
from ._stored import MAX_STORED_PARAMS, STORED_COVARIANCE_ATTR

__all__ = [
    "STORED_COVARIANCE_ATTR",
    "predict_interval",
    "stored_covariance",
    "stored_prediction",
]

F64 = np.float64


def stored_covariance(
    matrix: Any, names: list[str] | None, fit_intercept: bool
) -> FloatArray:
    """A model file's covariance in objective order (intercept last)."""
    cov = np.asarray(matrix, dtype=F64)
    if not fit_intercept or (names and names[0] != "Intercept"):
        return cov  # no intercept, or written intercept-last
    perm = display_order(cov.shape[0] - 1, True)
    inverse = np.argsort(perm)
    return cov[np.ix_(inverse, inverse)]


def _refuse_unset(matrix: Any, names: list[str] | None) -> None:
    """Refuses a model file's covariance ``matrix`` (in the file's order, that
    of ``names``) with unset (null) rows: the reduced model's
    covariance of a fit with aliased columns gives standard errors only
    together with the reduced estimates (``fit_statistics_``), not with the
    stored coefficients."""
    unset = np.isnan(np.diag(np.asarray(matrix, dtype=F64)))
    if unset.any():
        which = (
            ", ".join(repr(names[i]) for i in np.flatnonzero(unset))
            if names and len(names) == len(unset)
            else f"{int(unset.sum())} terms"
        )
        raise InvalidParameterError(
            "predict_interval needs the covariance of every estimate, and this "
            f"model's has none for the aliased terms {which} (exactly collinear "
            "columns): refit without them, or use model.inference(X, y, ...)"
            ".get_prediction(X_new) with the training data"
        )


def _refuse_penalized(model: Any) -> None:
    l1, l2 = penalty_of(model)
    if l1 != 0 or l2 != 0:
        raise InvalidParameterError(
            f"predict_interval needs the covariance of the estimates; a penalized "
            f"fit (penalty={fitted_param(model, 'penalty')!r}) has none that "
            "belongs to its coefficients: refit with penalty=None or "
            "penalty='firth'"
        )


def predict_interval(
    model: Any, X: Any, alpha: float = 0.05, offset: Any = None
) -> Any:
    """See :meth:`logistic.LogisticRegression.predict_interval`."""
    require_fitted(model)
    _refuse_penalized(model)
    if isinstance(X, Backend):
        return _on_backend(model, X, offset).summary_frame(alpha)
    if getattr(model, "fit_statistics_", None) is not None:
        prediction = fit_inference(model).get_prediction(X, offset=offset)
        return prediction.summary_frame(alpha)
    matrix, names = _stored_or_refuse(model)
    return stored_prediction(model, matrix, names, X, offset).summary_frame(alpha)


def _on_backend(model: Any, data: Any, offset: Any) -> PredictionResults:
    """Predictions of the rows of a backend (e.g. a file streamed by
    :class:`logistic.backends.Chunked`), block by block, with its offsets."""
    if offset is not None:
        raise InvalidParameterError(
            "offset must be None when X is a backend: its blocks carry the offsets"
        )
    caps = data.capabilities
    if not (caps.blocks or caps.rows_in_memory):  # Dask: sums only
        raise InvalidParameterError(
            f"predict_interval reads a backend's rows block by block, and X "
            f"({type(data).__name__}) only sums over its blocks: pass its rows in "
            "memory (e.g. model.predict_interval(X_dask.compute())), a partition "
            "at a time, or a logistic.backends.Chunked source"
        )
    if data.n_features != model.n_features_in_:
        raise InvalidParameterError(
            f"X ({type(data).__name__}) has {data.n_features} features, but the "
            f"model was fitted on {model.n_features_in_}"
        )
    if getattr(model, "fit_statistics_", None) is not None:
        res = fit_inference(model)  # the reduced model's when columns are aliased
        cov, theta, centred = res._cov, res._theta, res._centred_covariance
    else:
        matrix, names = _stored_or_refuse(model)
        _refuse_unset(matrix, names)
        intercept = bool(fitted_param(model, "fit_intercept"))
        cov = stored_covariance(matrix, names, intercept)
        theta, centred = _theta(model), None
    fit_intercept = bool(fitted_param(model, "fit_intercept"))
    return predict_training_rows(data, theta, cov, fit_intercept, None, centred)


def _stored_or_refuse(model: Any) -> tuple[Any, list[str] | None]:
    """The covariance stored beside a loaded model, or a refusal saying why
    there is none."""
    stored = getattr(model, STORED_COVARIANCE_ATTR, None)
    if stored is None:
        raise InvalidParameterError(
            "predict_interval needs the covariance of the estimates, and this "
            f"model carries none ({_why_no_covariance(model)}): use "
            "model.inference(X, y, ...).get_prediction(X_new) with the training data"
        )
    return stored  # type: ignore[no-any-return]


def _why_no_covariance(model: Any) -> str:
    """Why an unpenalized fitted model has neither statistics nor a stored
    covariance (the cause named in predict_interval's refusal)."""
    intercept = bool(fitted_param(model, "fit_intercept"))
    n_params = int(model.n_features_in_) + int(intercept)
    if n_params > MAX_STORED_PARAMS:
        return (
            f"{n_params} parameters; fit keeps the statistics for at most "
            f"{MAX_STORED_PARAMS}, and no model file it came from stored one"
        )
    return (
        "fitted by partial_fit, or loaded from a model file without a covariance: "
        "its information matrix was singular beyond aliased columns (under "
        "separation), or the file was written before logistic.save stored it"
    )


def stored_prediction(
    model: Any, matrix: Any, names: list[str] | None, X: Any, offset: Any = None
) -> PredictionResults:
    """Predictions of ``X`` with standard errors from a model file's covariance
    ``matrix`` (with its ``names``; order per :func:`stored_covariance`)."""
    _refuse_unset(matrix, names)
    cov = stored_covariance(matrix, names, bool(fitted_param(model, "fit_intercept")))
    return predict_rows(model, X, _theta(model), cov, offset)
