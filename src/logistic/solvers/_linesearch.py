"""The line search every backtracking solver uses: one loop, one set of constants.

Convention (owned here; constants in :mod:`logistic._numerics`):

* :func:`backtrack` tries the steps ``t0, t0·f, t0·f², …`` (``f`` =
  ``BACKTRACK_FACTOR`` = 1/2, or its inverse for solvers that search over a
  Lipschitz estimate ``L = 1/t``), at most ``max_backtracks`` of them, and
  returns the first trial the caller's acceptance test accepts.
* Acceptance tests, all on finite values only:

  - :func:`armijo`: ``J(θ + t d) ≤ J(θ) + ARMIJO_C · t · s`` with ``s`` the
    predicted decrease of a unit step (``∇Jᵀd``, or ``∇Jᵀd + h(θ+d) − h(θ)``
    for a non-smooth term ``h``);
  - :func:`below_upper_bound`: the value lies below the quadratic upper bound
    of a gradient step (``J(θ) + ∇Jᵀd + ‖d‖²/(2t)``), the test of gradient
    and proximal-gradient steps of length ``t = 1/L``;
  - precision regime, where objective comparisons are rounding noise
    (:func:`logistic._numerics.rounding_noise`): :func:`unresolved` (the
    change of ``J`` is within its noise) and :func:`negligible` (the
    predicted decrease is within the noise). Coordinate solvers take a
    negligible step untested; :func:`armijo_or_flat` (Newton-type steps)
    lets a smaller gradient decide in either case (the second only where the
    value rose by at most ``FLOOR_FACTOR`` times its rounding noise).
  - a step that leaves the value unchanged where Armijo's required decrease
    rounds away is rejected (:func:`armijo`): it is no progress.
* The first step ``t0`` of a Newton-type search is 1, or less where the step
  would move some row's logit by more than :data:`MAX_LOGIT_REACH`
  (:func:`first_trial`, bounded from the columns' ranges without a pass; the
  column solver, which holds the step's logits, takes their exact reach):
  where the curvature vanishes (every probability within ~1e-9 of its label,
  e.g. under a large offset) a Newton step can move the logits by 1e8 or
  more, beyond what the halvings of ``t = 1`` bring back; ordinary steps reach
  far less and keep ``t0 = 1``. Where the bound exceeds the limit, the step's
  reach over the rows decides (one product with X; not an evaluation of the
  objective, so not in ``n_passes_``, as the column statistics are not): exact,
  ``max_i |x_i·d|``, for rows in memory; for streamed or Dask rows the power
  mean ``(Σ_i (|x_i·d|/c)^32)^(1/32)·c`` (``c`` the bound: no overflow), at
  most ``n^(1/32)`` times the largest (2.1 at 1e10 rows) and a sum over
  blocks as every pass is. The bound adds the columns' terms, which cancel
  along a near dependency (a column that is the sum of two others rounded to 6
  decimals:
  Newton's step of ~1e6 along it moves no logit by more than a few units, and
  a first trial capped by the bound at ~1e-3 of it crawled for 1 000
  iterations).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import numpy as np

from .._numerics import ARMIJO_C, BACKTRACK_FACTOR, EPS, FLOOR_FACTOR, rounding_noise

__all__ = [
    "armijo",
    "armijo_or_flat",
    "backtrack",
    "below_upper_bound",
    "first_trial",
    "negligible",
    "unresolved",
]

T = TypeVar("T")

#: Farthest a Newton-type search's first trial moves any logit (see above).
MAX_LOGIT_REACH = 1e4


def first_trial(objective: Any, direction: Any) -> float:
    """The first step of a Newton-type line search along ``direction``
    (original coordinates of a binary ``objective``; 1 for any other)."""
    reach_of = getattr(objective, "logit_reach", None)
    reach = None if reach_of is None else reach_of(direction)
    if reach is None or not reach > MAX_LOGIT_REACH:
        return 1.0
    exact = _rows_reach(objective, direction, reach)
    if exact is not None:
        reach = exact
        if not reach > MAX_LOGIT_REACH:
            return 1.0
    return MAX_LOGIT_REACH / reach


#: The power of the mean that bounds a streamed step's reach (see above).
REACH_POWER = 32


def _rows_reach(objective: Any, direction: Any, bound: float) -> float | None:
    """The reach of ``direction`` over the rows of a binary objective (see
    the module docstring; ``bound`` the columns' bound on it), or None
    where it cannot be taken (another objective, a reach beyond float64)."""
    data = getattr(objective, "data", None)
    capabilities = getattr(data, "capabilities", None)
    if data is None or capabilities is None:
        return None
    w, b = objective.split(np.asarray(direction, dtype=np.float64))
    if np.ndim(w) != 1:
        return None
    with np.errstate(all="ignore"):
        if capabilities.rows_in_memory:
            reach = float(np.max(_moves(data.rows(), w, float(b)), initial=0.0))
        else:
            total = data.map_reduce(partial(_power_sum, w=w, b=float(b), c=bound))
            reach = float(total) ** (1.0 / REACH_POWER) * bound
    return reach if np.isfinite(reach) else None


def _moves(block: Any, w: Any, b: float) -> np.ndarray:
    """``|x_i·w + b|`` of a block's rows (no offset: the step's move)."""
    from .._block_sums import host_logits

    return np.abs(host_logits(block, w, b))


def _power_sum(block: Any, w: Any, b: float, c: float) -> float:
    """``Σ (|x_i·d| / c)^REACH_POWER`` over a block's rows."""
    with np.errstate(all="ignore"):
        return float(np.sum((_moves(block, w, b) / c) ** REACH_POWER))


def backtrack(
    trial: Callable[[float], tuple[bool, T]],
    t0: float,
    *,
    max_backtracks: int,
    factor: float = BACKTRACK_FACTOR,
) -> tuple[bool, T | None]:
    """Try ``trial(t)`` for ``t = t0, t0·factor, …`` until it accepts.

    Parameters
    ----------
    trial : callable
        ``trial(t) -> (accepted, outcome)``.
    t0 : float
        First step.
    max_backtracks : int
        Most trials.
    factor : float
        Multiplier of the step after a rejection.

    Returns
    -------
    (accepted, outcome)
        The accepted trial's outcome, or ``(False, outcome of the last trial)``
        (``None`` when no trial ran).
    """
    t = t0
    outcome: T | None = None
    for _ in range(max_backtracks):
        accepted, outcome = trial(t)
        if accepted:
            return True, outcome
        t *= factor
    return False, outcome


def armijo(value: float, value0: float, t: float, slope: float) -> bool:
    """Armijo's sufficient decrease ``value ≤ value0 + ARMIJO_C · t · slope``.

    Where the required decrease rounds away (``value0 + ARMIJO_C·t·slope ==
    value0``), only a value strictly below ``value0`` passes: a step too short
    to change the iterate leaves ``value == value0`` and is no progress (it
    would otherwise be accepted at the end of every backtracking, one
    iteration after another, until ``max_iter``).
    """
    bound = value0 + ARMIJO_C * t * slope
    return (
        bool(np.isfinite(value))
        and value <= bound
        and (bound < value0 or value < value0)
    )


def below_upper_bound(value: float, bound: float) -> bool:
    """``value ≤ bound`` for a finite ``value`` (a step's quadratic upper bound)."""
    return bool(np.isfinite(value)) and value <= bound


def unresolved(value: float, value0: float, eps: float = EPS) -> bool:
    """Whether ``value`` and ``value0`` differ by no more than ``value0``'s
    rounding noise (a comparison of the two decides nothing; ``eps`` the
    resolution of the data's type, :attr:`~logistic.solvers._base.Fit.value_eps`)."""
    return abs(value - value0) <= rounding_noise(value0, eps)


def armijo_or_flat(
    value: float,
    value0: float,
    t: float,
    slope: float,
    smaller_gradient: Callable[[], bool],
    eps: float = EPS,
) -> bool:
    """Armijo's test, or, in the precision regime of Newton-type steps,
    ``smaller_gradient()``: where ``value`` and ``value0`` are within rounding
    noise (``eps`` as in :func:`unresolved`), or where the step's predicted
    decrease ``-t·slope`` is (:func:`negligible`) and the value rose by at
    most ``FLOOR_FACTOR`` times that noise. In the second case the values
    cannot show the step's effect: their difference is the objective's
    evaluation error, which exceeds the rounding noise of ``value0`` where
    the logits cancel (columns with a mean far from zero: Firth's fit in
    original coordinates of features near 100 changes ``F`` by ±2e-13 on
    steps predicted to change it by 1e-20)."""
    if armijo(value, value0, t, slope):
        return True
    if not bool(np.isfinite(value)):
        return False
    noise = (
        negligible(-t * slope, value0, eps)
        and value - value0 <= FLOOR_FACTOR * rounding_noise(value0, eps)
    )  # a rise beyond FLOOR_FACTOR times the noise is no evaluation error
    return (unresolved(value, value0, eps) or noise) and smaller_gradient()


def negligible(decrease: float, value0: float, eps: float = EPS) -> bool:
    """Whether a predicted ``decrease`` is below ``value0``'s rounding noise
    (``eps`` as in :func:`unresolved`)."""
    return decrease < rounding_noise(value0, eps)
