"""The prediction methods of a fitted :class:`~logistic.LogisticRegression`:
logits, probabilities, labels and accuracy, each with the rows' ``offset``
(one value a row, as in ``fit``). Thin entries to :mod:`logistic._prediction`
(two classes) and :mod:`logistic._multinomial_predict` (K > 2), in this mixin
so that ``estimator.py`` holds the fit and its stored state.

Their annotations (overloads) say what a numpy X gives, a numpy array
(float64 but for ``predict``'s labels), and ``Any`` for any other X: a Dask
collection gives a lazy Dask array, a torch or CuPy array one on its device.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import numpy as np

from . import _prediction
from ._multiclass import is_multiclass
from ._typing import is_dask_collection

if TYPE_CHECKING:
    from numpy.typing import NDArray

    #: what decision_function, predict_proba and predict_log_proba return for
    #: a numpy X (the overloads below; Dask and device arrays: their own kind)
    Float64s = NDArray[np.float64]

__all__ = ["BinaryPredictions", "PredictionMethods"]


class BinaryPredictions:
    """Predictions of a fitted two-class logistic regression (mixin; also
    :class:`~logistic.model_selection.LogisticRegressionCV`'s, whose messages
    then name it)."""

    if TYPE_CHECKING:
        classes_: np.ndarray

        def _check_fitted(self) -> None: ...

    @overload
    def decision_function(self, X: np.ndarray, offset: Any = None) -> Float64s: ...
    @overload
    def decision_function(self, X: Any, offset: Any = None) -> Any: ...
    def decision_function(self, X: Any, offset: Any = None) -> Any:
        """Logits ``z = X w + b (+ offset)`` of shape (n_samples,), float64.

        ``X w`` is computed in X's dtype (float32 X is not copied); the
        intercept and ``offset`` (one value a row, as in ``fit``) are added
        and the result returned in float64. Rows whose product overflows are
        recomputed with exact rescaling, so every finite row gives a finite
        logit, or a :class:`NumericalError` naming the row when the logit
        itself exceeds the float64 range
        (:func:`logistic._logits.decision_logits`). A Dask X gives a lazy
        Dask array (``offset`` then a Dask array, Series or DataFrame paired
        with X's rows by position, an array in memory, a scalar, or None).
        A model fitted on a DataFrame with text columns encodes X's columns
        with the levels seen in ``fit`` (:mod:`logistic._frame_encoding`).

        Without ``offset`` the logits are at offset 0 (statsmodels' GLM
        ``predict`` does the same); a model fitted with an offset (``fit(...,
        offset=)``, or a command-line model's ``--offset`` column) then warns
        once a call with a :class:`~logistic.MissingOffsetWarning` naming it.
        ``offset=0`` asks for offset 0 and warns nothing. So do
        ``predict_proba``, ``predict_log_proba``, ``predict`` and ``score``
        (:mod:`logistic._offset_use`).
        """
        self._check_fitted()
        return _prediction.decision_function(self, X, offset)

    @overload
    def predict_proba(self, X: np.ndarray, offset: Any = None) -> Float64s: ...
    @overload
    def predict_proba(self, X: Any, offset: Any = None) -> Any: ...
    def predict_proba(self, X: Any, offset: Any = None) -> Any:
        """Columns ``[P(classes_[0]), P(classes_[1])]``; rows sum to 1."""
        if is_dask_collection(X):
            self._check_fitted()
            return _prediction.dask_proba(self, X, offset)
        return _prediction.proba(self.decision_function(X, offset))

    @overload
    def predict_log_proba(self, X: np.ndarray, offset: Any = None) -> Float64s: ...
    @overload
    def predict_log_proba(self, X: Any, offset: Any = None) -> Any: ...
    def predict_log_proba(self, X: Any, offset: Any = None) -> Any:
        """``log predict_proba``, computed stably as ``log σ(∓z)``.

        Finite for every finite z (e.g. -800 at z = -800), unlike
        ``log(predict_proba)``.
        """
        return _prediction.log_proba(self.decision_function(X, offset))

    @overload
    def predict(self, X: np.ndarray, offset: Any = None) -> np.ndarray: ...
    @overload
    def predict(self, X: Any, offset: Any = None) -> Any: ...
    def predict(self, X: Any, offset: Any = None) -> Any:
        """``classes_[1]`` where ``z > 0``, else ``classes_[0]``."""
        return _prediction.labels(self.decision_function(X, offset), self.classes_)


class PredictionMethods(BinaryPredictions):
    """Predictions of a fitted logistic regression (mixin): two classes as
    :class:`BinaryPredictions`, K > 2 by :mod:`logistic._multinomial_predict`."""

    @overload
    def decision_function(self, X: np.ndarray, offset: Any = None) -> Float64s: ...
    @overload
    def decision_function(self, X: Any, offset: Any = None) -> Any: ...
    def decision_function(self, X: Any, offset: Any = None) -> Any:
        """:meth:`BinaryPredictions.decision_function`; for K > 2 classes the
        (n_samples, K) logits."""
        if is_multiclass(self):
            self._check_fitted()
            from . import _multinomial_predict  # K > 2 classes only

            return _multinomial_predict.decision_matrix(self, X, offset)
        return super().decision_function(X, offset)

    @overload
    def predict_proba(self, X: np.ndarray, offset: Any = None) -> Float64s: ...
    @overload
    def predict_proba(self, X: Any, offset: Any = None) -> Any: ...
    def predict_proba(self, X: Any, offset: Any = None) -> Any:
        """Columns ``[P(classes_[0]), P(classes_[1])]``; rows sum to 1 (one
        column per class, the softmax of the logits, for K > 2 classes)."""
        if is_multiclass(self):
            from . import _multinomial_predict

            return _multinomial_predict.proba(self.decision_function(X, offset))
        return super().predict_proba(X, offset)

    @overload
    def predict_log_proba(self, X: np.ndarray, offset: Any = None) -> Float64s: ...
    @overload
    def predict_log_proba(self, X: Any, offset: Any = None) -> Any: ...
    def predict_log_proba(self, X: Any, offset: Any = None) -> Any:
        """``log predict_proba``, computed stably as ``log σ(∓z)`` (the log
        softmax for K > 2 classes)."""
        if is_multiclass(self):
            from . import _multinomial_predict

            return _multinomial_predict.log_proba(self.decision_function(X, offset))
        return super().predict_log_proba(X, offset)

    @overload
    def predict(self, X: np.ndarray, offset: Any = None) -> np.ndarray: ...
    @overload
    def predict(self, X: Any, offset: Any = None) -> Any: ...
    def predict(self, X: Any, offset: Any = None) -> Any:
        """``classes_[1]`` where ``z > 0``, else ``classes_[0]`` (the class of
        the largest logit for K > 2 classes)."""
        if is_multiclass(self):
            from . import _multinomial_predict

            z = self.decision_function(X, offset)
            return _multinomial_predict.labels(z, self.classes_)
        return super().predict(X, offset)

    def score(
        self, X: Any, y: Any, sample_weight: Any = None, offset: Any = None
    ) -> float:
        """Mean accuracy (weighted by ``sample_weight``) of 0/1 labels, of the
        predictions with ``offset`` (one value a row, as in ``fit``); a model
        fitted on grouped counts (``trials=``, or ``logistic fit --trials``)
        has no such score and is refused. With scikit-learn's metadata
        routing, ``set_score_request(offset=True)`` hands a search's or a
        cross-validation's offset to the held-out rows' score, as
        ``set_fit_request(offset=True)`` hands it to ``fit``."""
        from ._row_alignment import check_rows_aligned

        check_rows_aligned(X, y=y, sample_weight=sample_weight, offset=offset)
        return _prediction.accuracy(self, X, y, sample_weight, offset)
