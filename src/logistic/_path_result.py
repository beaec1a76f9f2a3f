"""What :func:`logistic.path` returns: the coefficients along a regularization
path, one row per strength, with the logits of new rows at every point."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._row_alignment import check_rows_aligned
from ._typing import FloatArray
from ._validation import check_feature_names, check_vector, check_X

__all__ = ["PathResult"]


@dataclass(frozen=True)
class PathResult:
    """Coefficients along a regularization path (one row per strength).

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        Strengths on the mean-loss scale, decreasing.
    coefs : ndarray of shape (n_alphas, n_features)
    intercepts : ndarray of shape (n_alphas,)
        0 without an intercept.
    deviance_ratio : ndarray of shape (n_alphas,)
        ``1 - deviance / null deviance`` (glmnet's ``dev.ratio``; the null
        model has the intercept and the offset only).
    n_nonzero : ndarray of int of shape (n_alphas,)
    n_iter : ndarray of int of shape (n_alphas,)
        Solver iterations at each point (summed over KKT rounds).
    n_kkt_rounds : ndarray of int of shape (n_alphas,)
        Restricted solves at each point (1 when the strong rule was right).
    converged : ndarray of bool of shape (n_alphas,)
    objective : ndarray of shape (n_alphas,)
        The penalised objective at each solution.
    alpha_max : float
        Smallest alpha at which every coefficient is zero (for ``l1_ratio``
        below 1e-3, 0 included, the start of the default sequence, where an
        ``l1_ratio`` of 1e-3 would start it; coefficients are not zero there).
    l1_ratio : float
    weight_sum : float
        Σs, the total training weight (``C = 1/(alpha·Σs)``).
    classes : ndarray of shape (2,)
        ``[negative, positive]``; coefficients predict ``classes[1]``.
    feature_names : ndarray of str or None
        X's column names when it had them (a pandas DataFrame), else None:
        :meth:`decision_function` refuses a DataFrame whose columns differ
        or come in another order, as ``LogisticRegression`` does.
    """

    alphas: FloatArray
    coefs: FloatArray
    intercepts: FloatArray
    deviance_ratio: FloatArray
    n_nonzero: np.ndarray
    n_iter: np.ndarray
    n_kkt_rounds: np.ndarray
    converged: np.ndarray
    objective: FloatArray
    alpha_max: float
    l1_ratio: float
    weight_sum: float
    classes: np.ndarray
    feature_names: np.ndarray | None = None

    @property
    def Cs(self) -> FloatArray:
        """scikit-learn's ``C = 1/(alpha·Σs)`` of each point (inf at alpha 0,
        and where it is beyond float64's range: an alpha of 1e-320)."""
        with np.errstate(divide="ignore", over="ignore"):
            return 1.0 / (self.alphas * self.weight_sum)

    def decision_function(self, X: Any, offset: Any = None) -> FloatArray:
        """Logits of every point: an array of shape (n_samples, n_alphas).
        A DataFrame's columns must be those of the path's X, in its order
        (:func:`~logistic._validation.check_feature_names`)."""
        check_rows_aligned(X, offset=offset)  # by position, as path() pairs them
        given = X
        X = check_X(X, estimator="PathResult", for_prediction=True)
        check_feature_names(self.feature_names, given, "PathResult")
        if X.shape[1] != self.coefs.shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} features; the path was fitted with "
                f"{self.coefs.shape[1]}"
            )
        z = np.asarray(X @ self.coefs.T, dtype=np.float64) + self.intercepts
        if offset is not None:
            z += check_vector(offset, X.shape[0], "offset")[:, None]
        return z
