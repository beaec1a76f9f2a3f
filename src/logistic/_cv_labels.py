"""The labels of :class:`~logistic.model_selection.LogisticRegressionCV` as its
scorers and its refusals see them.

* Scored labels. ``fit`` keeps the labels of an object-dtype ``y`` as given
  (``classes_`` of dtype object, as ``LogisticRegression``'s), but
  scikit-learn's metrics call an object array of numbers or booleans a target
  of "unknown" type and refuse it. The folds' scorers (and ``score`` with a
  ``scoring``) therefore get such labels, and the models' predictions, as a
  numeric or boolean array (:func:`scored_labels`); text labels stay as they
  are, which the metrics read.
* A continuous ``y``. ``LogisticRegressionCV`` fits binary models only and
  takes no ``trials``, so its refusal of non-whole labels says what it takes
  (:func:`binary_labels_only`) in place of ``LogisticRegression``'s wording,
  which offers K classes and grouped counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _prediction
from ._cv_folds import point_model
from ._exceptions import DataValidationError

__all__ = ["binary_labels_only", "score_as_numbers", "scored_labels"]


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


def binary_labels_only(err: DataValidationError, y: Any) -> Exception:
    """The error to raise for ``err``, the data check's refusal of ``y``: for
    a float ``y`` with non-whole values, the refusal in
    ``LogisticRegressionCV``'s terms (scikit-learn's ``Unknown label type:
    continuous``, two labels, no ``trials``); else ``err`` itself."""
    if not str(err).startswith("Unknown label type"):
        return err
    try:
        arr = np.asarray(y, dtype=None)
    except (TypeError, ValueError):
        return err
    if arr.dtype.kind != "f" or arr.size == 0 or not np.all(np.isfinite(arr)):
        return err
    distinct = np.unique(arr.ravel())
    fractional = distinct[distinct != np.round(distinct)]
    if fractional.size == 0:
        return err
    shown = ", ".join(f"{v:.6g}" for v in fractional[:3])
    proportions = (
        " Proportions of grouped trials are fitted by "
        "LogisticRegression().fit(X, successes, trials=n), which "
        "LogisticRegressionCV does not take."
        if np.all((distinct >= 0) & (distinct <= 1))
        else ""
    )
    return DataValidationError(
        f"Unknown label type: continuous. y holds continuous values "
        f"({len(distinct):,} distinct, non-whole ones such as {shown}), but "
        "LogisticRegressionCV needs two class labels (0/1, -1/+1, True/False, "
        "two strings): it cross-validates binary models only. For a continuous "
        "outcome use a linear model, or make two classes first (e.g. y > "
        f"threshold).{proportions}"
    )
