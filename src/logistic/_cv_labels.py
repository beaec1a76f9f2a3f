"""The labels of :class:`~logistic.model_selection.LogisticRegressionCV` as its
scorers and its refusals see them.

* Scored labels. ``fit`` keeps the labels of an object-dtype ``y`` as given
  (``classes_`` of dtype object, as ``LogisticRegression``'s), but
  scikit-learn's metrics call an object array of numbers or booleans a target
  of "unknown" type and refuse it. The folds' scorers (and ``score`` with a
  ``scoring``) therefore get such labels, and the models' predictions, as a
  numeric or boolean array (:func:`scored_labels`); text labels stay as they
  are, which the metrics read.

(A continuous ``y`` is refused in ``LogisticRegressionCV``'s terms by the
data check itself: ``check_fit_data(binary_only=...)``.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _prediction
from ._cv_folds import point_model

__all__ = ["score_as_numbers", "scored_labels"]


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


def score_as_numbers(
    estimator: Any, scorer: Any, scored: np.ndarray, X: Any, y: Any,
    weights: dict[str, Any],
) -> float:  # fmt: skip
    """``scorer``'s score of a fitted ``LogisticRegressionCV`` whose classes
    are object-dtype numbers: X checked as the estimator checks it (its name
    in the messages), then the chosen model predicting ``scored`` (the
    classes as numbers) scored against ``y`` as numbers."""
    X = _prediction.checked_X(estimator, X)
    b = float(estimator.intercept_[0])
    model = point_model(scored, estimator.coef_, b, None)
    return float(scorer(model, X, scored_labels(np.asarray(y)), **weights))
