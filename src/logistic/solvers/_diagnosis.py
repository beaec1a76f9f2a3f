"""Why a fit stopped short of its tolerance: the likely cause and the remedies.

Convention (owned here): :func:`likely_cause` reads only what a solver already
has, the objective (its cached column moments; one pass over the data only
to tell separation from nearly collinear columns, below),
the final coefficients on the original scale, the stop status and the
gradient norm, and returns the two sentences that every
:class:`ConvergenceWarning` ends with: ``"Likely cause: …. Remedies: …."``.
Causes are checked in this order:

* **scale**: a column whose values sit far from zero compared with their
  spread (``|mean| > 1e8 · std``: the information is in the last digits, lost
  in ``X w``), or whose magnitude is beyond 1e±150 (products over- or
  underflow);
* **divergence** (a step too long for the problem, such as an SGD
  ``learning_rate`` far above the default 1/L): the objective ended above
  twice its value at the start and more than 1 above it, or the gradient's
  max-norm more than ``DIVERGED_GROWTH`` times its start's and more than 1
  above it (the loss's part of the standardized gradient is at most 1 in
  max-norm, ``|mean(r x̃_j)| ≤ mean|x̃_j| ≤ 1`` for a column of unit
  variance: a larger one is the penalty of run-away coefficients, while a
  warm start's tiny gradient may grow a thousandfold by SGD's noise alone);
  whatever else the coefficients show, they ran away;
* **separation** (unpenalised fits): a standardized coefficient beyond
  ``SEPARATION_COEF``, i.e. one standard deviation of a feature moves the
  logit by more than 10 (odds × 22 000): the estimates are running off to
  infinity; unless the fitted logits ``X w`` spread less than ``CANCELLING``
  times that coefficient, where large coefficients cancel in ``X w``: **nearly
  collinear columns** (the one cause told by a pass over the data, made only
  then: separation along a well-spread direction moves the logits with the
  coefficients, a near dependency does not; separation along the near
  dependency itself shows both, and the message names the separation check
  that then follows);
* stochastic fits: **steps too short** (the converse of divergence, an SGD
  ``learning_rate`` far below the default 1/L; only where one was given) when
  the gradient's max-norm ended between ``CRAWLED_SHARE`` of its start's and
  its start's and more than ``CRAWLED_ABOVE_TOL`` times tol, else
  **stochastic gradients** (the steps' noise); gd with a fixed
  ``learning_rate``: **steps too short** by the same rule after
  ``FEW_TO_TELL`` iterations or more, and its slow
  convergence or too few iterations name a larger ``learning_rate`` among
  the remedies;
* **conditioning**: a stall at the floating-point floor or a failed line
  search on an otherwise ordinary problem (nearly collinear columns);
* otherwise **too few iterations** when the gradient's max-norm fell over
  the last iterations and, at that rate, at most
  ``FEW_MORE`` times the iterations made would reach tol (the message says
  about how many after ``FEW_TO_TELL`` iterations or more); else **slow
  convergence** (max_iter reached while still improving, an ill-conditioned
  problem for the solver).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _kernels_xp
from .._block_sums import host_logits
from .._numerics import SEPARATION_COEF, mean_over_spread
from .._scaling import ScaledObjective
from .._typing import Block, FloatArray

__all__ = ["likely_cause"]

#: |mean| / std above which a column's information is in its last digits.
OFFSET_RATIO = 1e8
#: |mean| / std above which Newton's Hessian, summed about 0, has lost enough
#: precision to slow its steps (34 iterations at 1e5, 942 at 3e6: docs/benchmarks.md).
NEWTON_OFFSET_RATIO = 1e5
#: Magnitudes beyond 1e±150 make products of two values over/underflow.
EXTREME = 1e150
#: A gradient max-norm this many times its start's is a run-away fit.
DIVERGED_GROWTH = 1e3
#: A stopping norm (standardized gradient's max-norm) above which a line
#: search that found no decrease is the direction's fault, not rounding's:
#: fits stalled by rounding (collinear or badly scaled columns) stop near
#: 1e-8 or below, where the objective's last digits hide the decrease.
ROUNDING_CANNOT_EXPLAIN = 1e-4
#: The fitted logits' weighted standard deviation below this fraction of the
#: largest standardized coefficient: the coefficients cancel in ``X w``.
#: Separation moves the logits with the coefficients (a column of unit
#: variance times c spreads them by c, whatever the other terms that do not
#: cancel it); two columns equal to 1e-7 of their spread, fitted towards their
#: full-model optimum, reach standardized coefficients of ~2e6 with logits
#: spread by ~1.
CANCELLING = 1e-3
#: The Newton solvers that take an L1 term (the remedy of a slow L1 fit).
L1_NEWTON = ("newton-cd-columns", "newton-cd")


def _columns(idx: np.ndarray, top: int = 5) -> str:
    cols = ", ".join(str(int(j)) for j in idx[:top])
    return cols + (", ..." if idx.size > top else "")


def _scale_cause(mean: FloatArray, std: FloatArray, solver: str = "") -> str | None:
    ratio = mean_over_spread(mean, std)
    offset = np.flatnonzero(ratio > OFFSET_RATIO)
    if offset.size:
        return (
            f"scale: column(s) {_columns(offset)} of X (0-based) vary only in their "
            f"last digits (|mean|/std up to {float(ratio.max()):.2g}), so X w loses "
            f"the variation to rounding. Remedies: subtract a typical value from "
            f"those columns (centre them) or change their units before fitting"
        )
    far = np.flatnonzero(ratio > NEWTON_OFFSET_RATIO)
    if solver == "newton" and far.size:
        return (
            f"scale: column(s) {_columns(far)} of X (0-based) lie far from 0 "
            f"(|mean|/std up to {float(ratio.max()):.2g}): Newton's Hessian, summed "
            f"about 0, keeps only about 1e-16·(mean/std)² of its precision, so its "
            f"steps crawl. Remedies: subtract a typical value from those columns "
            f"(centre them), or use solver='newton-cg'"
        )
    size = np.maximum(np.abs(mean), std)
    extreme = np.flatnonzero((size > EXTREME) | ((size > 0) & (size < 1 / EXTREME)))
    if extreme.size:
        j = int(extreme[0])
        return (
            f"scale: column(s) {_columns(extreme)} of X (0-based) have values of "
            f"order {float(size[j]):.2g}, where products of two values over- or "
            f"underflow. Remedies: rescale those columns to ordinary magnitudes "
            f"(e.g. change their units)"
        )
    return None


def _divergence(
    now: dict[str, Any], start: dict[str, Any] | None, stochastic: bool
) -> str | None:
    """The divergence cause when, from ``start`` to ``now`` (history-entry
    keys ``objective``, ``grad_max_norm``), the objective more than doubled
    and rose by more than 1, or the gradient's max-norm grew more than
    ``DIVERGED_GROWTH`` times and by more than 1 (or either is no longer
    finite), else None."""
    if start is None:
        return None
    grew = []
    for key, factor, margin in (
        ("objective", 2.0, 1.0),  # and a nat a row more: never SGD's noise
        ("grad_max_norm", DIVERGED_GROWTH, 1.0),  # see the module docstring
    ):
        old, new = start.get(key), now.get(key)
        if old is None or new is None or not float(old) > 0:
            continue
        bound = max(factor * float(old), float(old) + margin)
        if not (np.isfinite(new) and float(new) <= bound):
            said = _SAID[key]
            grew.append(f"the {said} grew from {old:.3g} at the start to {new:.3g}")
    if not grew:
        return None
    remedy = (
        "lower learning_rate (or leave it unset: 1/L of the standardized "
        "problem), or use a full-batch solver ('lbfgs', 'newton')"
        if stochastic
        else "use solver='newton' or 'lbfgs', whose line searches keep each step "
        "a descent"
    )
    return (
        f"Likely cause: divergence: {' and '.join(grew)}, so the steps are too "
        f"long for this problem and the coefficients ran away. Remedies: {remedy}."
    )


#: A stochastic fit whose gradient's max-norm ends at this share of its
#: start's or more (and not above it) hardly moved: SGD's default step (1/L)
#: takes it below a quarter of its start's in one epoch (UCLA: ×0.25, a
#: 5000 × 20 problem: ×0.03).
CRAWLED_SHARE = 0.5
#: ... while still this many times tol: near tol it is the steps' noise.
CRAWLED_ABOVE_TOL = 10.0


def _crawled(
    now: dict[str, Any],
    start: dict[str, Any] | None,
    tol: float | None,
    stochastic: bool = True,
) -> str | None:
    """The cause of a fit with a given ``learning_rate`` that hardly moved
    from its start (steps too short: a ``learning_rate`` far below the
    default; ``stochastic`` False: gd's fixed step), else None."""
    if start is None or tol is None:
        return None
    old, new = start.get("grad_max_norm"), now.get("grad_max_norm")
    if old is None or new is None or not (np.isfinite(old) and np.isfinite(new)):
        return None
    old, new = float(old), float(new)
    if not (CRAWLED_SHARE * old <= new <= old and new > CRAWLED_ABOVE_TOL * tol):
        return None
    moved = (
        f"Likely cause: steps too short: the gradient's max-norm is still "
        f"{new:.3g}, {new / old:.0%} of its {old:.3g} at the start, so the "
        f"coefficients hardly moved"
    )
    if not stochastic:
        return f"{moved}. Remedies: {FIXED_STEP_REMEDY}."
    return (
        f"{moved} (the default step, 1/L, typically takes it "
        f"below half of that in one epoch). Remedies: raise learning_rate (or leave "
        f"it unset: 1/L of the standardized problem), or use a full-batch solver "
        f"('lbfgs', 'newton')."
    )


#: The remedies of gd's fixed ``learning_rate`` too small for its problem.
FIXED_STEP_REMEDY = (
    "a larger learning_rate (every step of at most 1/L decreases the objective, "
    "L the gradient's Lipschitz constant in the solver's coordinates: "
    "logistic.solvers.gradient_descent.lipschitz_constant), or no learning_rate "
    "(a line search chooses each step)"
)


#: How :func:`_divergence` names a history entry's keys.
_SAID = {"objective": "objective", "grad_max_norm": "gradient's max-norm"}


def likely_cause(
    objective: Any,
    coef: FloatArray,
    *,
    solver: str,
    status: str,
    grad_max_norm: float,
    l1: float,
    stochastic: bool,
    view: ScaledObjective | None = None,
    start: dict[str, Any] | None = None,
    objective_value: float | None = None,
    history: list[dict[str, Any]] | None = None,
    tol: float | None = None,
    step_given: bool = False,
) -> str:
    """``"Likely cause: …. Remedies: …."`` for a fit that did not converge
    (``view``: the fit's standardized view, built here when None; ``start``:
    the history entry of the fit's start, when known, with the final
    ``objective_value``; ``history`` and ``tol``: the fit's, from which a fit
    stopped by max_iter while its gradient fell steadily is told how many
    more iterations would reach tol, :func:`_iterations_left`;
    ``step_given``: a fit ran with a ``learning_rate`` of the caller's, SGD's
    instead of the default 1/L or gd's fixed step instead of the line search,
    so its steps may be too short)."""
    scaled = ScaledObjective(objective) if view is None else view
    mean, std = objective.column_moments()
    cause = _scale_cause(np.asarray(mean), np.asarray(std), solver)
    if cause is not None:
        return f"Likely cause: {cause}."
    now = {"objective": objective_value, "grad_max_norm": grad_max_norm}
    diverged = _divergence(now, start, stochastic)
    if diverged is not None:
        return diverged
    theta_s = scaled.from_original(np.asarray(coef, dtype=np.float64))
    big = np.abs(theta_s[: scaled.n_features])
    unpenalised = l1 == 0 and objective.l2 == 0
    if unpenalised and big.size and float(big.max()) > SEPARATION_COEF:
        j = int(np.argmax(big))
        spread = _logit_spread(objective, coef)
        if spread < CANCELLING * float(big[j]):
            return (
                f"Likely cause: nearly collinear columns: column {j} of X has a "
                f"standardized coefficient of {float(big[j]):.3g}, yet the fitted "
                f"logits spread by only {spread:.3g}, so large coefficients cancel "
                f"along a combination of columns the data barely determine (where "
                f"the classes are also separated along it, the fit's separation "
                f"check says so and the estimates diverge). Remedies: drop one of "
                f"the nearly collinear columns, or add a small penalty "
                f"(penalty='l2' with alpha > 0 or C)."
            )
        return (
            f"Likely cause: separation: the coefficients grow without bound (column "
            f"{j} of X has a standardized coefficient of {float(big[j]):.3g}: one "
            f"standard deviation moves the logit by that much), so the classes are "
            f"probably (quasi-)separated and the maximum-likelihood estimate does not "
            f"exist. Remedies: add a penalty (penalty='l2' with alpha > 0 or C) or "
            f"use penalty='firth'."
        )
    if stochastic:
        # with the default step (1/L) a gradient that hardly fell is the
        # steps' noise: a warm start near the optimum ends about where it began
        crawled = _crawled(now, start, tol) if step_given else None
        if crawled is not None:
            return crawled
        return (
            "Likely cause: stochastic gradients: mini-batch steps reach the optimum "
            "only to within their noise. Remedies: loosen tol, increase max_iter "
            "(epochs), or use a full-batch solver ('lbfgs', 'newton')."
        )
    if "learning_rate is too large" in status:  # gd's FIXED_STEP_DIVERGED
        return (
            "Likely cause: the fixed learning_rate: its steps overshoot the "
            "minimum. Remedies: a smaller learning_rate (every step of at most "
            "1/L decreases the objective, L the gradient's Lipschitz constant in "
            "the solver's coordinates: "
            "logistic.solvers.gradient_descent.lipschitz_constant), or no "
            "learning_rate (a line search chooses each step)."
        )
    made = sum(h.get("iter") is not None for h in history or []) - 1
    if step_given and made >= FEW_TO_TELL:  # gd's fixed learning_rate: after
        # a few steps only, a gradient above half its start's is max_iter's
        crawled = _crawled(now, start, tol, stochastic=False)
        if crawled is not None:
            return crawled
    stalled = "precision" in status or "line search" in status or "descent" in status
    if stalled and grad_max_norm > ROUNDING_CANNOT_EXPLAIN:
        others = ("fista", "newton-cd-columns") if l1 > 0 else ("newton", "lbfgs")
        names = " or ".join(f"'{n}'" for n in others if n != solver)
        remedy = (
            "remove nearly collinear columns (Firth's penalty needs a well-posed "
            "information matrix)"
            if solver == "firth"
            else f"another solver ({names})"
        )
        return (
            f"Likely cause: the solver's step: its line search found no decrease "
            f"while the gradient is still far from zero (max-norm "
            f"{grad_max_norm:.3g}, where rounding stalls a fit near 1e-8 or below): "
            f"the solver's model of the objective misled it. Remedy: {remedy}."
        )
    if stalled:
        looser = 10.0 ** np.ceil(np.log10(max(grad_max_norm, 1e-300)) + 1)
        return (
            f"Likely cause: conditioning: the gradient stopped decreasing at the "
            f"floating-point resolution of this problem (nearly collinear columns "
            f"make it ill-conditioned). Remedies: loosen tol to about {looser:.0e}, "
            f"add a small L2 penalty, or drop redundant columns."
        )
    if l1 > 0 and getattr(objective, "n_classes", 2) > 2:
        # K classes: the column solver fits two only, and 'newton-cd''s
        # (K·p)² Hessian is what 'auto' weighed against this solver
        other = ""
    elif l1 > 0:  # 'newton' refuses an L1 term: Newton steps by coordinate descent
        other = (
            ""
            if solver in L1_NEWTON
            else ", or use solver='newton-cd-columns' (few Newton steps by coordinate "
            "descent; 'newton-cd' for data not held in memory)"
        )
    else:
        other = (
            "" if solver == "newton" else ", or use solver='newton' (few, exact steps)"
        )
    if step_given:  # gd's fixed step: the step is the caller's to lengthen
        other = f", {FIXED_STEP_REMEDY}{other}"
    left = _iterations_left(history or [], grad_max_norm, tol)
    if left is not None:
        more, rate, made = left
        if made < FEW_TO_TELL:  # first steps are often the fastest
            estimate = (
                f"; {made} iterations are too few to tell how many more it needs"
            )
        else:
            reach = "iteration reaches" if more == 1 else "iterations reach"
            estimate = f"; if it keeps that rate, about {more} more {reach} tol"
        return (
            f"Likely cause: too few iterations: the gradient's max-norm was still "
            f"falling (×{_rate_text(rate)} an iteration lately){estimate}. Remedies: "
            f"increase max_iter, loosen tol{other}."
        )
    why = (
        f"at the fixed learning_rate: a step short for this problem, or an "
        f"ill-conditioned problem for solver {solver!r}"
        if step_given
        else f"an ill-conditioned problem for solver {solver!r}"
    )
    return (
        f"Likely cause: slow convergence ({why}). Remedies: increase max_iter, "
        f"loosen tol{other}."
    )


#: More iterations than this many times those made is slow convergence
#: (an ill-conditioned problem), not a max_iter set too low.
FEW_MORE = 20
#: Fewer iterations than this give no estimate of how many more a fit needs:
#: gradient descent's first steps fall faster than its later ones (a 3-class
#: fit fell ×0.31 an iteration over its first three, then needed 256 more).
FEW_TO_TELL = 10


def _rate_text(rate: float) -> str:
    """A falling rate (below 1) with the digits that show it below 1: two
    significant digits, more near 1 (0.99653 is "0.9965", where ``.2g``
    printed "1", "still falling (×1 an iteration)")."""
    digits = 2
    if 0.0 < rate < 1.0:
        digits = max(digits, int(np.ceil(-np.log10(1.0 - rate))) + 1)
    return f"{rate:.{digits}g}"


def _iterations_left(
    history: list[dict[str, Any]], grad_max_norm: float, tol: float | None
) -> tuple[int, float, int] | None:
    """``(iterations, rate, made)``: at the mean geometric rate at which the
    gradient's max-norm fell over the second half of the iterations (line
    searches may raise it on the way; a norm stalled on a plateau, as on
    separated or nearly collinear columns, has no rate), how many more reach
    ``tol``, when that is at most :data:`FEW_MORE` times the iterations made;
    else None. A rough guide: Newton's steps speed up near the optimum, and
    first-order ones may slow down."""
    given = [h.get("grad_max_norm") for h in history if h.get("iter") is not None]
    made = len(given) - 1
    if tol is None or not tol > 0 or made < 1 or not tol < grad_max_norm < np.inf:
        return None
    last = [g for g in given[made // 2 :] if isinstance(g, float)]
    if len(last) < 2 or not all(np.isfinite(g) and g > 0 for g in last):
        return None
    if not last[-1] < last[0]:
        return None  # not falling: no rate to extrapolate
    rate = (last[-1] / last[0]) ** (1.0 / (len(last) - 1))
    if not rate < 1.0:  # a fall of a few ulps over several iterations rounds to 1
        return None
    more = int(np.ceil(np.log(tol / grad_max_norm) / np.log(rate)))
    return (more, rate, made) if 0 < more <= FEW_MORE * made else None


def _logit_spread(objective: Any, coef: FloatArray) -> float:
    """The weighted standard deviation of the fitted logits ``X w`` (without
    intercept and offset): one pass, about the logit of the column means
    (the cached moments), so that columns far from 0 do not leave the spread
    to a difference of large sums. K classes (``W`` of shape (K, p)): the
    widest class's, a pass each (the matrix product of the column means
    with ``W`` raised ValueError in the warning of an unconverged K-class
    fit)."""
    w, _ = objective.split(np.asarray(coef, dtype=np.float64))
    if np.ndim(w) == 2:
        return max(_spread(objective, row) for row in np.asarray(w))
    return _spread(objective, w)


def _spread(objective: Any, w: FloatArray) -> float:
    """:func:`_logit_spread` of one vector of slopes ``w``."""
    with np.errstate(all="ignore"):
        centre = float(np.asarray(objective.column_moments()[0], dtype=np.float64) @ w)
    if not np.isfinite(centre):
        centre = 0.0

    def moments(block: Block) -> tuple[float, float, float]:
        z = host_logits(block, w, 0.0) - centre
        if _kernels_xp.is_device_array(block.X):  # its weights to the host too
            block = _kernels_xp.host_vectors(block)
        s = block.sample_weight
        if s is None:
            return float(z.size), float(z.sum()), float(z @ z)
        s = np.asarray(s, dtype=np.float64)
        return float(s.sum()), float(s @ z), float(s @ (z * z))

    with np.errstate(all="ignore"):
        total, first, second = objective.data.map_reduce(moments)
        if not total > 0:
            return float("inf")
        mean = first / total
        variance = max(second / total - mean * mean, 0.0)
    spread = float(np.sqrt(variance))
    return spread if np.isfinite(spread) else float("inf")
