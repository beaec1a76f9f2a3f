"""The display order of coefficients: the one owner of "intercept first".

The objective stores its parameters features first and the intercept last
(``theta = [w_1, ..., w_p, b]``); tables, ``params``, ``cov_params`` and the
CLI show the intercept first. :func:`display_order` is the permutation from
the one order to the other, :func:`intercept_first` applies it to a vector or
to a square matrix (a covariance).
"""

from __future__ import annotations

import numpy as np


def display_order(n_features: int, fit_intercept: bool) -> np.ndarray:
    """Indices taking objective order (features, then the intercept) to display
    order (intercept first); the identity without an intercept."""
    if fit_intercept:
        return np.r_[n_features, 0:n_features]
    return np.arange(n_features)


def intercept_first(values: np.ndarray, fit_intercept: bool = True) -> np.ndarray:
    """``values`` (a vector, or a square matrix such as a covariance) stored in
    objective order, reordered intercept-first (a new array)."""
    a = np.asarray(values)
    n = a.shape[0] - int(fit_intercept)
    perm = display_order(n, fit_intercept)
    if a.ndim == 2:
        return a[np.ix_(perm, perm)]
    return a[perm]
