"""Steps of ``LogisticRegression.fit`` around the solve (the fit path's helpers).

Convention: each function does one step of the one fit path
(:mod:`logistic.estimator`) and reads only what it is given:

* :func:`checked_solver` — the solver of a fit
  (:func:`~logistic.solvers._auto.resolve_solver`), checked against its
  declared capabilities and what the data offer;
* :func:`checkpointer` — the checkpoint of a fit (:mod:`logistic._checkpoint`),
  keyed by the data's fingerprint and the problem's settings, which
  :func:`describe_problem` words as the estimator's parameters (``penalty``,
  ``alpha``, ``l1_ratio``) for the refusal of another problem's checkpoint;
  the feature names, when the data have them, are recorded too (``features``,
  never compared) so that a refusal of other columns names them;
* :func:`check_fit_separation` — the separation check of an unpenalized fit
  whose rows are in memory ("unchecked" otherwise); grouped data are checked
  as one row per outcome of each group;
* :func:`fit_statistics` — what inference needs without the data
  (:mod:`logistic.inference._stored`), for unpenalized and Firth fits;
* :func:`validate_once` — the estimator's parameter check, once per
  constraints and values;
* :func:`aliased_at_zero` — the coefficients of an unpenalized fit with
  aliased columns as R reports them (0 there, the reduced model's elsewhere);
* :func:`design_aliasing` — the aliased columns the information misses under
  separation, found in the design (one pass, only then).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np

from ._checkpoint import Checkpointer
from ._checkpoint_columns import feature_names, names_shown, reading_of
from ._constraints import validate_params
from ._exceptions import InvalidParameterError
from ._feature_names import INTERCEPT_NAME, positional_name
from ._grouped import GroupedData
from ._numerics import FAR_FROM_CENTRE, mean_over_spread, rounding_noise
from ._objective import LogisticObjective
from ._scaling import ScaledObjective
from ._separation import check_separation
from ._typing import Backend, FloatArray
from .solvers import SolverResult, get_solver
from .solvers._auto import describe, resolve_solver

__all__ = [
    "aliased_at_zero",
    "design_aliasing",
    "check_fit_separation",
    "checked_solver",
    "checkpointer",
    "describe_problem",
    "fit_statistics",
    "validate_once",
]


def checked_solver(
    solver: str, penalty: str | None, backend: Backend, l1: float, owner: str
) -> str:
    """The solver for ``solver`` (a name or "auto"), checked against its
    declared capabilities and the data's; the messages name ``owner``'s
    choice."""
    name = resolve_solver(
        solver,
        describe(backend, solver=solver, l1=l1),
        penalty=penalty,
        l1=l1,
        owner=owner,
        rows_in_memory=backend.capabilities.rows_in_memory,
    )
    caps, data = get_solver(name).capabilities, backend.capabilities
    if not data.rows_in_memory and not caps.streaming:
        raise InvalidParameterError(
            f"solver {name!r} needs random access to rows and cannot stream "
            f"out-of-core or Dask data; use {_streaming_solvers(l1 > 0)}"
        )
    if caps.stochastic and not (data.rows_in_memory or data.blocks):
        raise InvalidParameterError(
            f"solver {name!r} needs data it can read block by block (in memory "
            f"or out of core); {type(backend).__name__} offers only reductions: "
            f"use 'lbfgs' or 'newton'"
        )
    return name


def _streaming_solvers(l1: bool) -> str:
    """``solver='auto' or one of [...]``: the registered solvers that stream
    data and (with ``l1``) take an L1 term, for a message (Firth's and the
    stochastic ones left out: they fit other problems or approximately)."""
    from .solvers import SOLVERS

    names = [
        name
        for name in SOLVERS
        if (caps := get_solver(name).capabilities).streaming
        and not (caps.firth or caps.stochastic)
        and (caps.supports_l1 or not l1)
    ]
    return f"solver='auto' (it picks one) or one of {names}"


def checkpointer(
    path: Any, objective: LogisticObjective, fit_intercept: bool, *args: Any
) -> Checkpointer | None:
    """The checkpoint of this fit, or None without a path; ``args`` are the
    solver name, ``l1``, ``tol``, ``resume`` and ``force``."""
    if path is None:
        return None
    name, l1, tol, resume, force = args
    backend = objective.data
    config = {
        "solver": name,
        "l1": l1,
        "l2": objective.l2,
        "tol": tol,
        "n_params": objective.n_params,
        "fit_intercept": fit_intercept,
        "dtype": str(backend.dtype),
    }
    features = _features_text(getattr(backend, "feature_names", None))
    if features is not None:  # explanatory: never compared (EXPLANATORY)
        config["features"] = features
    reading = reading_of(backend)
    if reading is not None:  # explanatory too
        config["reading"] = reading
    fingerprint = backend.fingerprint
    return Checkpointer(
        path,
        fingerprint=fingerprint,
        config=config,
        resume=resume,
        force=force,
        describe=describe_problem,
        earlier=getattr(backend, "earlier_fingerprints", None),
        swapped=getattr(backend, "swapped_fingerprint", None),
    )


#: Longest ``features`` text a checkpoint records (longer: none recorded).
FEATURES_MAX_CHARS = 1 << 16


def _features_text(names: Any) -> str | None:
    """The feature names as JSON text for a checkpoint's ``features`` (its
    refusal of other columns names them), or None without names or when
    the text would pass :data:`FEATURES_MAX_CHARS`."""
    if names is None:
        return None
    text = json.dumps([str(n) for n in names])
    return text if len(text) <= FEATURES_MAX_CHARS else None


def _parameters(config: dict[str, Any]) -> str:
    """``5 parameters ('x1', 'x2', 'x3', 'x4', intercept)``: the number, and
    the names where the configuration records them (``features``) and they
    add up to it."""
    n = config.get("n_params")
    names = feature_names(config.get("features"))
    shown = f"{n} parameters"
    if names is None:
        return shown
    intercept = bool(config.get("fit_intercept"))
    if len(names) + intercept != n:
        return shown
    return f"{shown} ({names_shown(names)}{', intercept' if intercept else ''})"


def describe_problem(config: dict[str, Any]) -> dict[str, str]:
    """The settings of a checkpoint's ``config`` (:func:`checkpointer`'s keys)
    as the estimator's parameters: the penalty from the L1 and L2 strengths
    (``alpha = l1 + l2``, ``l1_ratio = l1 / alpha``; a fit given ``C`` shows its
    ``alpha = 1/(C·Σs)``), the solver, tol, intercept, size and dtype.

    >>> describe_problem({"l1": 0.0, "l2": 0.5, "solver": "newton"})["penalty"]
    "penalty='l2' with alpha=0.5"
    """
    l1, l2 = float(config.get("l1") or 0.0), float(config.get("l2") or 0.0)
    solver = config.get("solver")
    if solver == "firth":
        penalty = "penalty='firth'"
    elif l1 == 0.0 and l2 == 0.0:
        penalty = "penalty=None"
    elif l1 == 0.0 or l2 == 0.0:
        name = "l2" if l1 == 0.0 else "l1"
        penalty = f"penalty='{name}' with alpha={l1 + l2:.6g}"
    else:
        penalty = (
            f"penalty='elasticnet' with alpha={l1 + l2:.6g} and "
            f"l1_ratio={l1 / (l1 + l2):.6g}"
        )
    intercept = "an intercept" if config.get("fit_intercept") else "no intercept"
    return {
        "penalty": penalty,
        "solver": f"solver={solver!r}",
        "tol": f"tol={config.get('tol')!r}",
        "n_params": _parameters(config),
        "fit_intercept": intercept,
        "dtype": f"dtype {config.get('dtype')}",
    }


def check_fit_separation(
    objective: LogisticObjective,
    result: SolverResult,
    view: ScaledObjective,
    grouped: GroupedData | None = None,
) -> str | None:
    """The kind of separation of an unpenalized fit (None when there is none),
    or "unchecked" when its rows are not in memory."""
    backend = objective.data
    if not backend.capabilities.rows_in_memory:
        return "unchecked"
    sw: np.ndarray | None
    if grouped is not None:
        X, y01, sw, off = grouped.separation_rows()
    else:
        rows = backend.rows()
        X, sw, off = rows.X, rows.sample_weight, rows.offset
        y01 = np.asarray(rows.y, dtype=np.float64)
    names = backend.feature_names
    return check_separation(
        objective,
        result,
        X,
        y01,
        sw,
        off,
        None if names is None else np.asarray(names, dtype=object),
        view=view,
    )


def fit_statistics(
    objective: LogisticObjective,
    result: SolverResult,
    tol: float,
    grouped: GroupedData | None,
    unpenalized: bool,
) -> Any:
    """The :class:`~logistic.inference._stored.FitStatistics` of an unpenalized
    (or Firth) fit of at most ``MAX_STORED_PARAMS`` parameters, else None:
    a pass at the optimum (none after Newton: its last step's is kept) and
    one label-sums pass
    (:func:`logistic.inference._stored.collect`)."""
    from .inference._stored import MAX_STORED_PARAMS, collect

    if not unpenalized or objective.n_params > MAX_STORED_PARAMS:
        return None
    summary = None if grouped is None else grouped.summary
    return collect(objective, result.coef, with_null=True, tol=tol, grouped=summary)


def design_aliasing(stats: Any, backend: Any, separation: Any) -> Any:
    """``stats`` of a separated fit with the aliased columns of the design
    itself where the information alone misses some (its near-weightless rows:
    :func:`logistic.inference._aliased.structural_aliasing`, one pass then);
    any other fit's unchanged, None stays None."""
    if stats is None or separation is None:
        return stats
    from .inference._aliased import structural_aliasing

    return structural_aliasing(stats, backend, separation)


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
    (:func:`fit_statistics`, with ``tol`` and ``grouped``): a column aliased
    by the rank rule but not exactly (a sum written with six decimals) lets
    the full fit drift along the rounding, far from the reduced optimum,
    where one step does not reach it (0.2 % off in the coefficients, the
    log-likelihood the drifted fit's). A column of
    zeros is aliased too (0). Any other fit (no statistics, separated data,
    no aliased column, information beyond float64's range, which inference
    names as an error) is unchanged."""
    if stats is None or separation is not None:
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
            _warn_signal_left_out(objective, stats, mask, scores=False)
        else:  # moved: the statistics of the reduced optimum
            result = dataclasses.replace(result, coef=polished)
            stats = _aliased_recorded(
                fit_statistics(objective, result, tol, grouped, True), mask
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
            _warn_signal_left_out(objective, stats, mask)
    return result, stats


#: An aliased column warns when its score at the reduced optimum is more than
#: this many standard errors from 0 under the largest residual variance its
#: aliasing allows (:func:`_warn_signal_left_out`): a dependency of a
#: rounding's size scores ~N(0, 1) at most.
SIGNAL_Z = 4.0


def _warn_signal_left_out(
    objective: LogisticObjective, stats: Any, mask: Any, scores: bool = True
) -> None:
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
    below the limit)."""
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
    lost = np.flatnonzero((np.asarray(mask) & (z > SIGNAL_Z)) | far_mask)
    if not lost.size:
        return
    given = objective.data.feature_names
    names = [
        INTERCEPT_NAME
        if j == p
        else (str(given[j]) if given is not None else positional_name(int(j)))
        for j in lost
    ]
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
    it already does: an exact dependency), the decrement reaches the
    objective's rounding, or ``REDUCED_NEWTON_STEPS``: the reduced model's
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
        if not (np.isfinite(decrease) and decrease > 16 * eps * max(1.0, abs(f))):
            break
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


#: Parameter values :func:`validate_params` accepted, by constraints mapping
#: (its id, and the mapping itself, kept alive): a fit of the same settings
#: (a new estimator each fit, a path, a grid search's refits) does not check
#: them again (~20 µs). At most ``VALIDATED_MAX`` sets of values are kept.
_VALIDATED: dict[int, tuple[Any, set[tuple[Any, ...]]]] = {}
VALIDATED_MAX = 256


def validate_once(
    owner: str, params: dict[str, Any], constraints: dict[str, list[Any]]
) -> None:
    """:func:`validate_params`, skipped for values it accepted before under
    the same ``constraints``: values of the same types, equal and hashable
    (an unhashable value, e.g. a ``class_weight`` dict, is checked every
    time). The checks are functions of the values and their types only."""
    try:
        key = tuple((type(v), v) for v in params.values())
        hash(key)
    except TypeError:
        validate_params(owner, params, constraints)
        return
    kept = _VALIDATED.get(id(constraints))
    if kept is not None and kept[0] is constraints and key in kept[1]:
        return
    validate_params(owner, params, constraints)
    if kept is None or kept[0] is not constraints:
        kept = _VALIDATED[id(constraints)] = (constraints, set())
    if len(kept[1]) >= VALIDATED_MAX:
        kept[1].clear()
    kept[1].add(key)


#: float32's unit roundoff (2^-24).
FLOAT32_ROUNDOFF = 2.0**-24
#: A float32 fit warns where the rounding of its logits' terms reaches this.
FLOAT32_LOGIT_LIMIT = 1e-3


def warn_float32_logits(objective: LogisticObjective, theta: Any) -> None:
    """Warn when float32 data give a model whose logits float32 cannot resolve:
    the typical size of the logits' terms, ``Σ|w_j|(|μ_j| + σ_j) + |b|``,
    times float32's roundoff at least :data:`FLOAT32_LOGIT_LIMIT`. Columns far
    from centred (a reading of 1e7 ± 1) make terms of 1e7 that cancel to a
    logit of order 1; float32 holds them to ±0.5, so float32 ``coef_`` and
    ``intercept_`` and predictions computed in float32 miss the optimum the
    fit reached by that much (its sums are float64)."""
    if np.dtype(objective.data.dtype) != np.float32:
        return
    import warnings

    from ._exceptions import NumericalStabilityWarning, user_stacklevel

    w, b = objective.split(np.asarray(theta, dtype=np.float64))
    mean, std = objective.column_moments()
    with np.errstate(all="ignore"):
        size = float(np.sum(np.abs(w) * (np.abs(mean) + std)) + abs(float(b)))
    error = FLOAT32_ROUNDOFF * size
    if not error >= FLOAT32_LOGIT_LIMIT:
        return
    warnings.warn(
        f"float32 X: the terms of the fitted logits z = Xw + b reach {size:.3g} in "
        f"size before they cancel, which float32 resolves to about {error:.2g}: "
        "coef_, intercept_ (float32, as X) and predictions on float32 X miss the "
        "fitted optimum by that much in z. Fit and predict in float64 "
        "(X.astype(np.float64)), or subtract a value near each large column's mean.",
        NumericalStabilityWarning,
        stacklevel=user_stacklevel(),
    )

