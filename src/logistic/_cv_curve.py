"""The record of one cross-validation curve of
:class:`~logistic.model_selection.LogisticRegressionCV` (``cv_curve_``, and
one a mixing in ``cv_curves_``), public as ``logistic.model_selection.CVCurve``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CVCurve"]


@dataclass(frozen=True)
class CVCurve:
    """The cross-validation curve (one entry per strength, decreasing alpha).

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        Strengths on the full data's mean-loss scale.
    Cs : ndarray of shape (n_alphas,)
        ``1/(alpha·Σs)`` with the full data's Σs.
    mean, std_err : ndarray of shape (n_alphas,)
        Mean fold score and its standard error.
    n_nonzero : ndarray of shape (n_alphas,)
        Mean number of non-zero coefficients over the folds.
    best_index, index_1se : int
        The best mean score; the largest strength within one standard error
        of it.
    l1_ratio : float
        The L1 share of the penalty these scores are of (one curve a mixing
        of ``l1_ratios``: ``LogisticRegressionCV.cv_curves_``).
    """

    alphas: np.ndarray
    Cs: np.ndarray
    mean: np.ndarray
    std_err: np.ndarray
    n_nonzero: np.ndarray
    best_index: int
    index_1se: int
    l1_ratio: float = 0.0
