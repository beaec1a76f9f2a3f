"""The strength sequence of a path and the screening rules that keep it cheap.

Convention (owned here): strengths are on the mean-loss scale of
:mod:`logistic._objective`,

    J(θ) + alpha·(l1_ratio·‖w‖₁ + (1 - l1_ratio)/2·‖w‖²),

and ``g = ∇_w`` of the mean loss (no penalty term). A coefficient that is zero
is optimal (KKT) exactly when ``|g_j| ≤ alpha·l1_ratio``; at ``w = 0`` the L2
part contributes nothing to the gradient. Hence

* ``alpha_max = max_j |g_j(θ₀)| / l1_ratio`` with ``θ₀`` the null model (the
  intercept, and the offset, fitted alone): the smallest strength at which
  every coefficient is zero. For a pure L2 path (``l1_ratio = 0``) no
  strength zeroes the coefficients; the sequence then starts where an elastic
  net with ``l1_ratio = 1e-3`` would (glmnet's convention), and so it does
  for any ``l1_ratio`` below 1e-3, where that start is below
  ``max_j |g_j| / l1_ratio`` and its first points are not all zero.
* The sequential strong rule (Tibshirani et al. 2012, JRSS-B 74(2), eq. 8):
  moving from ``alpha_prev`` to ``alpha``, discard feature j when
  ``|g_j(θ_prev)| < l1_ratio·(2·alpha − alpha_prev)``. The rule can be wrong,
  so a discarded feature is checked against the KKT condition at the new
  solution and added back when it violates it (:func:`kkt_violations`).
"""

from __future__ import annotations

import numpy as np

from ._memory import fits_memory, format_bytes, process_memory
from ._messages import integer_text
from ._typing import FloatArray

__all__ = [
    "MIN_L1_RATIO",
    "alpha_max",
    "check_grid_points",
    "default_alphas",
    "default_eps",
    "strong_set",
    "kkt_violations",
]

#: The smallest ``l1_ratio`` the start of a sequence is taken at (glmnet's
#: 1e-3): a pure L2 sequence's, and one of a smaller share of L1.
MIN_L1_RATIO = 1e-3


def alpha_max(grad: FloatArray, l1_ratio: float) -> float:
    """Smallest alpha at which every coefficient is zero (see module docstring)."""
    top = float(np.max(np.abs(grad), initial=0.0))
    return top / max(float(l1_ratio), MIN_L1_RATIO)


def default_eps(n_samples: int, n_features: int) -> float:
    """glmnet's ``lambda.min.ratio``, ``ifelse(nobs < nvars, 1e-2, 1e-4)``:
    1e-2 when there are more features than rows, else 1e-4 (n = p included)."""
    return 1e-2 if n_samples < n_features else 1e-4


def check_grid_points(owner: str, name: str, count: int, n_features: int) -> None:
    """Refuse a grid of ``count`` strengths (``owner``'s parameter ``name``,
    an int) whose path would not fit the memory this process may use: a
    path keeps about ``n_features + 8`` float64 numbers of every point (its
    coefficients, intercept, strength, loss, counts, score), so a count like
    ``10**30`` is refused here rather than by numpy's allocation or the
    out-of-memory killer."""
    per_point = n_features + 8
    size = 8 * count * per_point
    if fits_memory(size):
        return
    from ._exceptions import InvalidParameterError

    memory = process_memory() or 0
    most = memory // (8 * per_point)
    shown = integer_text(count, 40)
    raise InvalidParameterError(
        f"The {name!r} parameter of {owner} is {shown}: a grid of that many "
        f"strengths, whose path keeps about {per_point} numbers of each ("
        f"{format_bytes(size)} in all), more than the memory this process may use "
        f"({format_bytes(memory)}). Give an int from 1 to {most} (each point is "
        "a fit: tens are usual)."
    )


def default_alphas(top: float, n_alphas: int, eps: float) -> FloatArray:
    """``n_alphas`` strengths from ``top`` down to ``top·eps``, log-spaced.

    A ``top`` of 0 (no feature correlates with the residual of the null model)
    gives a sequence from 1 down to ``eps``: every point is then the null model.
    """
    top = top if top > 0 else 1.0
    if n_alphas == 1:
        return np.array([top])
    return np.geomspace(top, top * eps, n_alphas)


def strong_set(
    grad: FloatArray, l1_ratio: float, alpha: float, alpha_prev: float
) -> np.ndarray:
    """Features the sequential strong rule keeps at ``alpha`` (boolean mask)."""
    return np.abs(grad) >= l1_ratio * (2.0 * alpha - alpha_prev)


def kkt_violations(grad: FloatArray, l1: float, discarded: np.ndarray) -> np.ndarray:
    """Indices of discarded features whose zero violates the KKT condition
    ``|g_j| ≤ l1`` (``discarded`` a boolean mask)."""
    return np.flatnonzero(discarded & (np.abs(grad) > l1))
