"""The labels of :class:`~logistic.model_selection.LogisticRegressionCV` as its
scorers and its refusals see them.

* Scored labels. ``fit`` keeps the labels of an object-dtype ``y`` as given
  (``classes_`` of dtype object, as ``LogisticRegression``'s), but
  scikit-learn's metrics call an object array of numbers or booleans a target
  of "unknown" type and refuse it. The folds' scorers (and ``score`` with a
  ``scoring``) therefore get such labels, and the models' predictions, as a
  numeric or boolean array (:func:`scored_labels`); text labels stay as they
  are, which the metrics read.
* ``score``'s offset. A scorer calls the prediction methods without one, so
  ``score(X, y, offset=o)`` with a ``scoring`` scores the chosen model holding
  the rows' offset, as the folds score a test fold (:func:`cv_score`).

(A continuous ``y`` is refused in ``LogisticRegressionCV``'s terms by the
data check itself: ``check_fit_data(binary_only=...)``.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _prediction
from ._cv_folds import point_model
from ._offset_use import prediction_offset
from ._validation import check_vector

__all__ = ["cv_score", "scored_labels"]


def scored_labels(values: np.ndarray) -> np.ndarray:
    """``values`` as scikit-learn's metrics read them: an object array whose
    items are all numbers or booleans as the numeric or boolean array numpy
    makes of them; any other array unchanged."""
    if values.dtype != object or values.ndim != 1:
        return values
    items = values.tolist()
    if any(isinstance(v, (str, bytes)) for v in items):
        return values
    try:
        plain = np.asarray(items)
    except (TypeError, ValueError):
        return values
    return plain if plain.dtype.kind in "biuf" else values


def cv_score(
    estimator: Any, scorer: Any, X: Any, y: Any, weights: dict[str, Any],
    offset: Any = None,
) -> float:  # fmt: skip
    """``scorer``'s score on ``(X, y)`` of a fitted ``LogisticRegressionCV``
    whose predictions add ``offset`` (one value a row; ``offset=0`` and None
    predict at offset 0, None with the warning of a model fitted with one:
    :func:`~logistic._offset_use.prediction_offset`). A scorer calls the
    prediction methods without an offset, so a model holding it is scored, as
    a test fold is (:func:`~logistic._cv_folds.point_model`): the chosen
    model predicting its classes as the metrics read them
    (:func:`scored_labels`), on X checked as the estimator checks it (its name
    in the messages). Without an offset, labels the metrics read score the
    estimator itself."""
    classes = np.asarray(estimator.classes_)
    scored = scored_labels(classes)
    if offset is None and scored is classes:
        return float(scorer(estimator, X, y, **weights))
    offset = prediction_offset(estimator, offset)
    X = _prediction.checked_X(estimator, X)
    if offset is not None:
        offset = check_vector(offset, X.shape[0], "offset")
    b = float(estimator.intercept_[0])
    model = point_model(scored, estimator.coef_, b, None, offset)
    return float(scorer(model, X, scored_labels(np.asarray(y)), **weights))
