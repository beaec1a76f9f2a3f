"""Numeric constants of the fit: tolerances, rounding noise, line search, separation.

Convention (owned here): every number that decides when an iteration stops,
when a step is accepted or when a fit looks separated is defined once, in this
module, and imported by the code that uses it. The objective layer and
everything above (solvers, separation check, inference) read these names.

Tolerances
    The stopping rule of every solver is ``max |Tᵀ∇J| ≤ tol`` in standardized
    coordinates (:mod:`logistic._scaling`). The default is what the data's
    floating-point type can resolve (:func:`default_tol`): ``1e-10`` for
    float64, ``1e-6`` for float32, ``1e-3`` for stochastic (mini-batch)
    solvers, whose averaged iterates reach the optimum only to within their
    noise (about 1-3 % on the coefficients of a well-conditioned problem).

Rounding noise
    An objective value ``J`` is resolved to ``ROUNDING_ULPS`` units in the
    last place of ``max(1, |J|)`` (:func:`rounding_noise`); two values closer
    than that are equal as far as comparisons go, so tests of sufficient
    decrease are noise there and solvers switch to gradient-based acceptance.
    A stall counts as the floating-point floor only while the gradient norm is
    within ``FLOOR_FACTOR`` of its measured rounding noise, after
    ``STALL_PATIENCE`` iterations without progress.

Line search (:mod:`logistic.solvers._linesearch`)
    Armijo's sufficient decrease ``J(θ + t d) ≤ J(θ) + ARMIJO_C t ∇Jᵀd``; the
    step is multiplied by ``BACKTRACK_FACTOR`` after each rejection, at most
    ``MAX_BACKTRACKS`` times (``2^-50 ≈ 1e-15``: beyond that a step changes
    nothing in float64).

Newton's subsampled Hessian
    For data much taller than wide, Newton's Hessian is estimated from
    :func:`hessian_subsample_rows` rows (every k-th row).

Newton's subsample start
    A tall fit from zero starts at the optimum of the same objective on
    :func:`start_subsample_rows` rows (every k-th row), found by at most
    ``START_MAX_ITER`` Newton iterations (Hessian from
    :func:`start_hessian_rows` of those rows) to ``START_TOL`` (or the fit's
    tol if looser), when the data have at least ``START_MIN_RATIO`` times as many
    rows (:mod:`logistic.solvers.newton`).

Separation (:mod:`logistic._separation`, inference)
    Thresholds on fitted logits ``z`` on their correct side (a logit ``m``
    means a fitted probability within ``e^-m`` of the label).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "coef_dtype",
    "ARMIJO_C",
    "FAR_FROM_CENTRE",
    "mean_over_spread",
    "BACKTRACK_FACTOR",
    "DEFAULT_TOL",
    "DEFAULT_TOL_FLOAT32",
    "DEFAULT_TOL_STOCHASTIC",
    "EPS",
    "FLOOR_FACTOR",
    "HESSIAN_MIN_ROWS",
    "HESSIAN_ROWS_PER_PARAM",
    "START_HESSIAN_ROWS",
    "START_MAX_ITER",
    "START_MIN_RATIO",
    "START_MIN_ROWS",
    "START_ROWS_PER_PARAM",
    "START_TOL",
    "MAX_BACKTRACKS",
    "ROUNDING_ULPS",
    "CERTAIN_CURVATURE",
    "SEPARATION_ALL_LOGIT",
    "SEPARATION_COEF",
    "SEPARATION_SUSPECT_LOGIT",
    "SEPARATION_TRIGGER_LOGIT",
    "STALL_PATIENCE",
    "default_tol",
    "hessian_subsample_rows",
    "rounding_noise",
    "value_eps",
    "start_hessian_rows",
    "start_subsample_rows",
]

#: Machine epsilon of float64 (solver state and sums are float64).
EPS = float(np.finfo(np.float64).eps)

#: A column whose mean is over this many times its spread is far from centred:
#: it loses that ratio squared of the information's precision to its
#: cancellation with the intercept (the fit's signal warning and inference's
#: near-collinearity note name it).
FAR_FROM_CENTRE = 1e3

# -- tolerances -------------------------------------------------------------------
#: Default stopping tolerance for float64 data.
DEFAULT_TOL = 1e-10
#: Default stopping tolerance for float32 data (``X w`` runs in float32).
DEFAULT_TOL_FLOAT32 = 1e-6
#: Default stopping tolerance of stochastic (mini-batch) solvers.
DEFAULT_TOL_STOCHASTIC = 1e-3


def mean_over_spread(mean: Any, std: Any) -> Any:
    """``|mean| / std`` of each column, 0 where it does not vary (``std`` 0):
    how far from centred a column's values lie (:data:`FAR_FROM_CENTRE`)."""
    mean, std = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
    varies = std > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(varies, np.abs(mean) / np.where(varies, std, 1.0), 0.0)


def default_tol(dtype: Any, *, stochastic: bool = False) -> float:
    """Default stopping tolerance for data of ``dtype``.

    Parameters
    ----------
    dtype : dtype-like
        Floating type of X.
    stochastic : bool
        Whether the solver takes mini-batch steps.

    Returns
    -------
    float
    """
    if stochastic:
        return DEFAULT_TOL_STOCHASTIC
    return DEFAULT_TOL_FLOAT32 if np.dtype(dtype) == np.float32 else DEFAULT_TOL


# -- rounding noise and stalls -------------------------------------------------------
#: Units in the last place within which two objective values are equal.
ROUNDING_ULPS = 64
#: A stall is the floating-point floor only within this factor of the gradient's
#: measured rounding noise.
FLOOR_FACTOR = 1000.0
#: Iterations without a new best gradient norm or objective before a stall test.
STALL_PATIENCE = 25


def rounding_noise(value: float, eps: float = EPS) -> float:
    """``ROUNDING_ULPS · eps · max(1, |value|)``: an objective value's resolution
    (``eps`` that of the data's type, :func:`value_eps`)."""
    return ROUNDING_ULPS * eps * max(1.0, abs(value))


def value_eps(dtype: Any) -> float:
    """The machine epsilon that resolves an objective computed from X of
    ``dtype``: ``X w`` runs in X's type, so float32 data resolve ``J`` to
    float32's epsilon although the sums are float64 (float64's otherwise)."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        return EPS
    if dt.kind != "f":
        return EPS
    return max(EPS, float(np.finfo(dt).eps))


# -- line search ----------------------------------------------------------------------
#: Armijo's sufficient-decrease constant.
ARMIJO_C = 1e-4
#: Factor applied to a rejected step.
BACKTRACK_FACTOR = 0.5
#: Rejections before a line search gives up.
MAX_BACKTRACKS = 50

# -- Newton's subsampled Hessian ------------------------------------------------------
#: Fewest rows of the Hessian estimate. Each Hessian row costs about as much as
#: 10 rows of the value+gradient pass (dense1m: ~10 ms a 10 485-row block
#: against ~0.75 ms), so the estimate is a large share of a Newton pass on tall
#: data; 40 000 rows (4 of dense1m's 96 blocks instead of 5 with 50 000) keep
#: its linear rate (~√(p/rows)) and the 4 full passes of dense1m and
#: illcond1m from the subsample start at tol 1e-5 (docs/benchmarks.md).
HESSIAN_MIN_ROWS = 40_000
#: Rows of the Hessian estimate per parameter.
HESSIAN_ROWS_PER_PARAM = 50


def hessian_subsample_rows(n_params: int) -> int:
    """Rows of Newton's Hessian estimate: ``max(40 000, 50 · n_params)``."""
    return max(HESSIAN_MIN_ROWS, HESSIAN_ROWS_PER_PARAM * int(n_params))


# -- Newton's subsample start --------------------------------------------------------
#: Fewest rows of the subsample fit that starts a tall Newton fit.
START_MIN_ROWS = 20_000
#: Rows of that subsample per parameter.
START_ROWS_PER_PARAM = 20
#: The subsample start runs only on data with at least this many times its rows.
START_MIN_RATIO = 10
#: Newton iterations of the subsample fit at most (it is refused when it has not
#: converged by then: a separable subsample, or an ill-posed one).
START_MAX_ITER = 10
#: Stopping tolerance of the subsample fit (the fit's own when looser): its
#: optimum differs from the full one by sampling error of order 1/√rows, so a
#: tighter solve buys nothing. (1e-3 saved 1-2 subsample iterations, ~1 % of a
#: dense1m fit, but accepts the start of a separable subsample that 1e-4 leaves
#: unconverged, changing which unpenalized fits start there.)
START_TOL = 1e-4


#: Fewest rows of the subsample fit's own Hessian estimate (every k-th row of
#: the subsample): on dense1m the exact Hessian of 20 000 rows made the
#: subsample fit cost 0.87 of a full pass, 6 667 rows 0.5, for the same start.
START_HESSIAN_ROWS = 5_000


def start_subsample_rows(n_params: int) -> int:
    """Rows of Newton's subsample start: ``max(20 000, 20 · n_params)``."""
    return max(START_MIN_ROWS, START_ROWS_PER_PARAM * int(n_params))


def start_hessian_rows(n_params: int) -> int:
    """Rows of the subsample fit's Hessian estimate: ``max(5 000, 50 · n_params)``."""
    return max(START_HESSIAN_ROWS, HESSIAN_ROWS_PER_PARAM * int(n_params))


# -- separation -----------------------------------------------------------------------
#: A fitted logit beyond this on its correct side (probability within ~2e-9 of
#: the label) makes the separation check run its linear program.
SEPARATION_TRIGGER_LOGIT = 20.0
#: Without the linear program (too large): every fitted logit beyond this
#: (probability within 1e-8 of the label) means complete separation.
SEPARATION_ALL_LOGIT = float(np.log(1e8))
#: Fits that were never checked: a fitted logit beyond this on its correct
#: side makes separation "suspected".
SEPARATION_SUSPECT_LOGIT = 30.0
#: Smallest standardized Hessian eigenvalue that certifies "not separated" for
#: a converged fit: a separating direction has curvature about
#: ``e^{-SEPARATION_TRIGGER_LOGIT}`` ≈ 2e-9.
CERTAIN_CURVATURE = 1e-6
#: A standardized coefficient beyond this (one standard deviation of a feature
#: moves the logit by more than 10) suggests separation in a convergence warning.
SEPARATION_COEF = 10.0


def coef_dtype(data_dtype: Any, theta: np.ndarray) -> Any:
    """float32 coefficients for float32 data (scikit-learn's convention) when
    they fit in float32; float64 otherwise (the solver works in float64)."""
    if np.dtype(data_dtype) == np.float32:
        if np.all(np.abs(theta) <= np.finfo(np.float32).max):
            return np.float32
    return np.float64
