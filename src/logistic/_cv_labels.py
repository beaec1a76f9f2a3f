"""The labels of :class:`~logistic.model_selection.LogisticRegressionCV` as its
refusals see them: ``LogisticRegressionCV`` fits binary models only and takes
no ``trials``, so its refusal of a continuous ``y`` says what it takes
(:func:`binary_labels_only`) in place of ``LogisticRegression``'s wording,
which offers K classes and grouped counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._exceptions import DataValidationError

__all__ = ["binary_labels_only"]


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
