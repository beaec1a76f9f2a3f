"""The coefficients of an unpenalized fit with aliased columns, as R's ``glm``
reports them: 0 at the aliased columns, the reduced model's maximum
likelihood at the others (a step of ``LogisticRegression.fit``, after
:func:`logistic._fit_steps.fit_statistics`).

Convention (owned here): the fitted attributes describe the returned
coefficients. Newton's steps on the kept columns polish the one-step reduced
estimate (:func:`_reduced_newton`); where none moves it,
:func:`_estimate_off_optimum` says which point the fit reports, and the
statistics, ``objective_`` and ``grad_max_norm_`` are taken there. An aliased
column that may carry signal the reduced fit leaves out is named
(:func:`_warn_signal_left_out`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ._feature_names import INTERCEPT_NAME, positional_name
from ._fit_steps import fit_statistics
from ._grouped import GroupedData
from ._numerics import FAR_FROM_CENTRE, mean_over_spread, rounding_noise
from ._objective import LogisticObjective
from ._scaling import ScaledObjective
from ._separation_kinds import UNCHECKED
from ._typing import FloatArray
from .solvers import SolverResult

__all__ = [
    "ALIASED_LEFT_OUT",
    "REDUCED_NEWTON_STEPS",
    "SIGNAL_Z",
    "aliased_at_zero",
]


#: Newton steps of the reduced model at most (:func:`aliased_at_zero`).
REDUCED_NEWTON_STEPS = 30


def aliased_at_zero(
    result: SolverResult,
    stats: Any,
    separation: Any,
    objective: LogisticObjective | None = None,
    tol: float = 0.0,
    grouped: GroupedData | None = None,
) -> tuple[SolverResult, Any]:
    """``(result, stats)`` with the coefficients R's ``glm`` reports where
    columns are aliased (:mod:`logistic.inference._aliased`): 0 at the aliased
    ones, the reduced model's estimate at the others, so that ``coef_``,
    ``summary()`` and predictions on new rows (which need not satisfy the
    dependency) agree. With ``objective``, the reduced model's maximum
    likelihood to rounding (Newton steps on the kept columns from that
    estimate: :func:`_reduced_newton`; where no step moves the estimate,
    :func:`_estimate_off_optimum` says which point to report), and ``stats``
    taken again there
    (:func:`fit_statistics`, with ``grouped``): a column aliased
    by the rank rule but not exactly (a sum written with six decimals) lets
    the full fit drift along the rounding, far from the reduced optimum,
    where one step does not reach it (0.2 % off in the coefficients, the
    log-likelihood the drifted fit's). A column of
    zeros is aliased too (0). A fit whose separation was not checked
    (:data:`~logistic._separation_kinds.UNCHECKED`: streamed or Dask rows)
    is treated as one without separation, as its summary's table treats it,
    so that its model file predicts as the table reads. Any other fit (no
    statistics, separated data, no aliased column, information beyond
    float64's range, which inference names as an error) is unchanged."""
    if stats is None or separation not in (None, UNCHECKED):
        return result, stats
    if not np.all(np.isfinite(stats.hessian)):  # beyond float64's range
        return result, stats
    from .inference._aliased import reduced_estimate

    try:
        with np.errstate(all="ignore"):  # information beyond float64: unchanged
            reduced = reduced_estimate(stats)
    except np.linalg.LinAlgError:  # the kept columns' information singular
        return result, stats
    if reduced is None:
        return result, stats
    mask = np.isnan(reduced)
    coef = np.nan_to_num(reduced, nan=0.0)
    if not np.all(np.isfinite(coef)):
        return result, stats
    fitted_value = result.objective
    result = dataclasses.replace(result, coef=coef)
    if objective is not None:
        polished = _reduced_newton(objective, coef, mask, tol)
        if polished is None:
            polished = _estimate_off_optimum(objective, coef, mask, tol, fitted_value)
        if polished is None:  # no scores at the reduced fit: columns far from 0
            named = _warn_signal_left_out(objective, stats, mask, scores=False)
        else:  # moved: the statistics of the reduced optimum
            result = dataclasses.replace(result, coef=polished)
            stats = _aliased_recorded(
                fit_statistics(objective, result, grouped, True), mask
            )
            with np.errstate(all="ignore"):
                scaled = np.abs(
                    ScaledObjective(objective).scaled_gradient(stats.gradient)
                )
            result = dataclasses.replace(
                result,
                objective=float(stats.value),
                grad_max_norm=float(np.max(scaled[~mask], initial=0.0)),
            )
            named = _warn_signal_left_out(objective, stats, mask)
        _warn_left_out(objective, np.flatnonzero(mask & ~named), result.warning)
    return result, stats


#: How the note naming aliased parameters begins (:func:`_warn_left_out`):
#: the command line leaves it out, as its coefficient table names them.
ALIASED_LEFT_OUT = "left out as aliased"


def _parameter_names(objective: LogisticObjective, indices: Any) -> list[str]:
    """The names of the parameters at ``indices`` (the intercept's at
    ``n_features``; positional names where the data have none)."""
    p = objective.n_features
    given = objective.data.feature_names
    return [
        INTERCEPT_NAME
        if j == p
        else (str(given[j]) if given is not None else positional_name(int(j)))
        for j in indices
    ]


def _warn_left_out(objective: LogisticObjective, indices: Any, given: str) -> None:
    """Name the aliased parameters at ``indices`` that no warning of
    :func:`_warn_signal_left_out` named, after the solver's warning of a
    singular Hessian or of a fallback to steepest descent
    (:data:`~logistic.solvers.newton.ALIASING_SYMPTOMS`), which could only
    guess at its cause (collinear columns or separation), while the fit
    knows which columns it left out and what it reports. A fit whose solver
    did not warn stays silent, as R's ``glm`` is: its summary names them
    (``given``: the solver's warning, or "")."""
    from .solvers.newton import ALIASING_SYMPTOMS

    if not (len(indices) and given.startswith(ALIASING_SYMPTOMS)):
        return
    import warnings

    from ._exceptions import NumericalStabilityWarning, user_stacklevel
    from ._messages import name_list

    names = _parameter_names(objective, indices)
    it = "it" if len(names) == 1 else "them"
    warnings.warn(
        f"{ALIASED_LEFT_OUT}: the {name_list(names)} (coefficient 0, R's NA): "
        f"the information matrix cannot tell {it} from a combination of the "
        f"earlier columns (collinear columns, a constant or empty column); the "
        f"other coefficients and their standard errors are the fit without "
        f"{it}, as R's glm reports them.",
        NumericalStabilityWarning,
        stacklevel=user_stacklevel(),
    )


#: An aliased column warns when its score at the reduced optimum is more than
#: this many standard errors from 0 under the largest residual variance its
#: aliasing allows (:func:`_warn_signal_left_out`): a dependency of a
#: rounding's size scores ~N(0, 1) at most.
SIGNAL_Z = 4.0


def _warn_signal_left_out(
    objective: LogisticObjective, stats: Any, mask: Any, scores: bool = True
) -> Any:
    """Warn where an aliased column carries signal the reduced fit leaves out,
    or may (a column far from 0, whatever its score: ``scores`` False where
    ``stats`` are not those of the reduced fit).

    The efficient score of column j at the reduced fit, ``U_j - I_jk I_kk⁻¹
    U_k`` (``U = Σ s (y - p) x``; the kept columns' part, 0 at their optimum,
    taken out where the fit stopped short of it), is the score along its
    residual on the kept columns, whose variance is its Schur complement in
    the information, ``S_j``.
    Aliasing says ``S_j`` is at most the column's pivot limit times ``I_jj``
    (:func:`logistic._aliasing.alias_limits`); a score beyond
    :data:`SIGNAL_Z` standard errors of that most variance is evidence the
    rows tell the column apart (a column far from centred, or a near
    dependency at the rule's limit, which the information's rounding cannot
    resolve), whatever the parametrisation (an intercept or a constant
    column). A varying column whose mean is over
    :data:`~logistic._numerics.FAR_FROM_CENTRE` times its spread is named
    whatever its score: the information summed about 0 keeps only
    ``ε·(mean/spread)²`` of its precision, so near a ratio of 1e7 it cannot
    tell the column from the intercept at all, and no score at that
    information is evidence either way (a 0/1 column plus 2e7 with a
    log-odds ratio of 1.1, 8 standard errors on the centred rows, scored
    below the limit). Returns the mask of the parameters it named."""
    import warnings

    from ._exceptions import NumericalStabilityWarning, user_stacklevel
    from ._messages import name_list

    p = objective.n_features
    far_mask = np.zeros(len(mask), dtype=bool)
    far_mask[:p] = mean_over_spread(stats.mean, stats.std) > FAR_FROM_CENTRE
    far_mask &= np.asarray(mask, dtype=bool)
    info = stats.weight_sum * np.asarray(stats.hessian, dtype=np.float64)
    kept = ~np.asarray(mask, dtype=bool)
    z: FloatArray = np.zeros(len(mask))
    if scores:
        z = _efficient_z(stats, info, kept)
    named = (np.asarray(mask) & (z > SIGNAL_Z)) | far_mask
    lost = np.flatnonzero(named)
    if not lost.size:
        return named
    names = _parameter_names(objective, lost)
    far = [names[i] for i, j in enumerate(lost) if far_mask[j]]
    one = len(names) == 1
    it, was = ("it", "was") if one else ("them", "were")
    hint = (
        f" The {name_list(far)} {'has a mean' if len(far) == 1 else 'have means'} "
        f"over {FAR_FROM_CENTRE:.0e} times {'its' if len(far) == 1 else 'their'} "
        "spread: subtract a value near the mean (beside an intercept or a constant "
        "column the model is the same) and refit."
        if far
        else " Rescale or drop the near-dependent columns, or fit with a penalty."
    )
    signal = (
        f"yet the rows give {it} a score {float(np.max(z[lost])):.3g} standard "
        f"errors from 0 at the fit without {it}: the data give {it} signal this "
        "fit leaves out."
        if float(np.max(z[lost])) > SIGNAL_Z
        else "and the information, summed about 0, keeps too little of "
        f"{'its' if one else 'their'} variation to say whether the data give "
        f"{it} signal."
    )
    warnings.warn(
        f"the {name_list(names)} {was} left out as aliased (coefficient 0, R's NA): "
        f"the information matrix cannot tell {it} from a combination of the "
        f"earlier columns within its rounding, {signal}" + hint,
        NumericalStabilityWarning,
        stacklevel=user_stacklevel(),
    )
    return named


def _efficient_z(stats: Any, info: FloatArray, kept: Any) -> FloatArray:
    """Each parameter's efficient score at ``stats`` over the square root of
    the most variance its aliasing limit allows (0 where not computable)."""
    from ._aliasing import alias_limits
    from .inference._aliased import summed_rows, zero_columns
    from .inference._order import display_order

    with np.errstate(all="ignore"):
        order = display_order(stats.n_features, stats.fit_intercept)
        limits = alias_limits(info, order, zero_columns(stats), summed_rows(stats))[1]
        score = stats.weight_sum * np.asarray(stats.gradient, dtype=np.float64)
        try:  # the efficient score: what the kept columns' scores do not explain
            left = np.linalg.solve(info[np.ix_(kept, kept)], score[kept])
        except np.linalg.LinAlgError:
            return np.zeros(len(kept))
        efficient = np.abs(score - info[:, kept] @ left)
        z = efficient / np.sqrt(limits * np.diag(info))
    return np.where(np.isfinite(z), z, 0.0)


def _aliased_recorded(stats: Any, mask: Any) -> Any:
    """``stats`` of the reduced optimum with the aliased parameters ``mask``
    recorded (``reduced_theta``, NaN there, and the null vectors of
    :func:`logistic.inference._estimable.null_basis`), so that inference, the
    model file and the fit read the fit's own decision: the rank rule on the
    information at the reduced optimum may fall on the other side of its
    tolerance for a dependency at its limit (the coefficient reported 0,
    then estimated by ``summary()``)."""
    from .inference._estimable import null_basis

    theta = np.array(stats.theta, dtype=np.float64)
    theta[mask] = np.nan
    with np.errstate(all="ignore"):
        basis = null_basis(
            stats.weight_sum * stats.hessian, mask, stats.mean, stats.std,
            stats.fit_intercept,
        )  # fmt: skip
    if basis is None:
        return stats._replace(reduced_theta=theta)
    return stats._replace(
        reduced_theta=theta, null_basis=basis[0], null_spread=basis[1]
    )


def _estimate_off_optimum(
    objective: LogisticObjective,
    estimate: FloatArray,
    aliased: Any,
    tol: float,
    fitted_value: float,
) -> FloatArray | None:
    """Where Newton's polish could not move the reduced model's one-step
    ``estimate``, the point whose statistics the fit reports: None where the
    estimate's objective is the solver's to float64's rounding (the same
    logits: an exact dependency at a converged fit, whose statistics stay);
    the estimate where it lies below the solver's (a solver that stopped
    short: SGD's averaged iterate beside constant columns) or meets ``tol``
    (the reduced optimum, above a full fit that a near dependency let go
    lower); else the reduced model's optimum from the standardized
    coordinates' zero (:func:`_reduced_newton`), or the estimate where that
    does no better; None where neither is finite.

    The comparison is at float64's rounding whatever X's type: the two
    points' objectives come from the same sums, and float32 data's
    resolution (~1e-7) hid a 5e-6 move of SGD's estimate.

    A full fit that separated the rows through an aliased column's last
    digits (an objective of ~1e-11) puts the one-step estimate where the
    logits are ~1e4: no curvature, so Newton cannot step from it.
    """
    kept = ~np.asarray(aliased, dtype=bool)
    view = ScaledObjective(objective)
    with np.errstate(all="ignore"):
        value, grad = view.value_and_gradient(view.from_original(estimate))
    value = float(value)
    if abs(value - fitted_value) <= rounding_noise(fitted_value):
        return None
    if value < fitted_value or float(np.max(np.abs(grad[kept]), initial=0.0)) <= tol:
        return estimate
    start = view.to_original(np.zeros(objective.n_params))
    restarted = _reduced_newton(objective, start, aliased, tol)
    if restarted is not None:
        with np.errstate(all="ignore"):
            again = float(objective.value_and_gradient(restarted)[0])
        if not value <= again:  # lower, or the estimate's is not finite
            return restarted
    return estimate if np.isfinite(value) else None


def _reduced_newton(
    objective: LogisticObjective, theta: Any, aliased: Any, tol: float
) -> Any:
    """``theta`` (0 at ``aliased``) moved by Newton steps with backtracking on
    the other parameters, in the solvers' standardized coordinates, until
    their gradient meets ``tol`` there (the solvers' stopping rule; none where
    it already does: an exact dependency), a step whose decrement is within
    the objective's rounding no longer shrinks the gradient, or
    ``REDUCED_NEWTON_STEPS``: the reduced model's
    optimum; None when no step was taken (the estimate is it already, and the
    fit's statistics stay those of the solver's point)."""
    kept = ~aliased
    eps = float(np.finfo(np.float64).eps)
    view = ScaledObjective(objective)
    point = view.from_original(theta)
    f, g = view.value_and_gradient(point)
    steps = 0
    for _ in range(REDUCED_NEWTON_STEPS):
        gk = g[kept]
        if not float(np.max(np.abs(gk), initial=0.0)) > tol:
            break
        try:
            step = np.linalg.solve(view.hessian(point)[np.ix_(kept, kept)], gk)
        except np.linalg.LinAlgError:
            break
        decrease = float(gk @ step)
        if not (np.isfinite(decrease) and decrease > 0):
            break
        if decrease <= 16 * eps * max(1.0, abs(f)):
            # the objective cannot see the step, its gradient can: the full
            # step is taken where it shrinks the gradient without raising
            # the value past its rounding (a gradient of 1e-8 > tol whose
            # decrement 3e-15 is the value's rounding stopped the polish
            # 1e-7 short of the optimum, the fit claiming convergence)
            trial = point.copy()
            trial[kept] -= step
            ft, gt = view.value_and_gradient(trial)
            shrunk = float(np.max(np.abs(gt[kept]), initial=0.0)) < float(
                np.max(np.abs(gk), initial=0.0)
            )
            if not (shrunk and ft <= f + rounding_noise(f)):
                break
            point, f, g = trial, ft, gt
            steps += 1
            continue
        t, moved = 1.0, False
        for _ in range(30):
            trial = point.copy()
            trial[kept] -= t * step
            ft, gt = view.value_and_gradient(trial)
            if ft <= f - 1e-4 * t * decrease:
                point, f, g, moved = trial, ft, gt, True
                break
            t *= 0.5
        if not moved:
            break
        steps += 1
    if steps == 0:
        return None
    out = view.to_original(point)
    out[aliased] = 0.0  # exactly, as R reports them
    return out
