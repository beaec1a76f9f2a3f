"""Steps of ``LogisticRegression.fit`` around the solve (the fit path's helpers).

Convention: each function does one step of the one fit path
(:mod:`logistic.estimator`) and reads only what it is given:

* :func:`check_fit_columns` — the data's column names
  (:func:`~logistic._feature_names.check_fit_names`) and their number against
  the memory a fit of that many columns holds (:data:`MIN_BYTES_PER_FEATURE`);
* :func:`checked_solver` — the solver of a fit
  (:func:`~logistic.solvers._auto.resolve_solver`), checked against its
  declared capabilities and what the data offer;
* :func:`checkpointer` — the checkpoint of a fit (:mod:`logistic._checkpoint`),
  keyed by the data's fingerprint and the problem's settings, which
  :func:`describe_problem` words as the estimator's parameters (``penalty``,
  ``alpha``, ``l1_ratio``) for the refusal of another problem's checkpoint;
  the feature names, when the data have them, are recorded too (``features``,
  never compared) so that a refusal of other columns names them;
* :func:`separation_stop` — the stopping rule of an unpenalized fit under
  separation (:mod:`logistic._separation_stop`), rows in memory only;
* :func:`check_fit_separation` — the separation check of an unpenalized fit
  whose rows are in memory ("unchecked" otherwise); grouped data are checked
  as one row per outcome of each group;
* :func:`fit_statistics` — what inference needs without the data
  (:mod:`logistic.inference._stored`), for unpenalized and Firth fits;
* :func:`validate_once` — the estimator's parameter check, once per
  constraints and values;
* :func:`logistic._fit_aliased.aliased_at_zero` (its own module) — the
  coefficients of an unpenalized fit with aliased columns as R reports them;
* :func:`design_aliasing` — the aliased columns the information misses under
  separation, found in the design (one pass, only then).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from . import _memory
from ._checkpoint import Checkpointer
from ._checkpoint_columns import feature_names, layout_of, names_shown, reading_of
from ._constraints import validate_params
from ._exceptions import DataValidationError, InvalidParameterError
from ._feature_names import check_fit_names
from ._firth_centred import centres
from ._grouped import GroupedData
from ._objective import LogisticObjective
from ._scaling import ScaledObjective
from ._separation import check_separation, curvature_certificate
from ._separation_stop import SeparationStop
from ._typing import Backend
from .solvers import SolverResult, get_solver
from .solvers._auto import describe, resolve_solver

__all__ = [
    "MIN_BYTES_PER_FEATURE",
    "check_fit_columns",
    "design_aliasing",
    "check_fit_separation",
    "checked_solver",
    "separation_stop",
    "checkpointer",
    "describe_problem",
    "fit_statistics",
    "validate_once",
]


#: The least memory a fit holds for each column of X: the column statistics'
#: 8 accumulators, the coefficients, their gradient and the solver's vectors.
MIN_BYTES_PER_FEATURE = 128


def check_fit_columns(backend: Backend, fit_intercept: bool, owner: str) -> None:
    """Refuse column names a fit cannot use (:func:`check_fit_names`) and more
    columns than a fit can hold in the memory this process may use: a sparse
    X of shape (4, 2**31 - 1) asked numpy for 128 GiB of column statistics
    and ended in its ``MemoryError`` naming an array of shape (2147483647, 8)."""
    check_fit_names(backend.feature_names, fit_intercept)
    p = int(backend.n_features)
    size = MIN_BYTES_PER_FEATURE * p
    if _memory.fits_memory(size):
        return
    memory = _memory.format_bytes(_memory.process_memory() or 0)
    raise DataValidationError(
        f"X has {p:,} columns: a fit of {owner} holds at least "
        f"{MIN_BYTES_PER_FEATURE} bytes for each (column statistics, coefficients, "
        f"gradient), about {_memory.format_bytes(size)}, more than the memory this "
        f"process may use ({memory}); give X fewer columns (a "
        "sparse matrix counts every column of its shape, stored or not)"
    )


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
    if name == "firth" and centres(objective):
        # the state is the centred problem's (logistic._firth_centred): a
        # checkpoint of the columns' own coordinates (no key) is another problem
        config["coordinates"] = "centred"
    features = _features_text(getattr(backend, "feature_names", None))
    if features is not None:  # explanatory: never compared (EXPLANATORY)
        config["features"] = features
    reading = reading_of(backend)
    if reading is not None:  # explanatory too
        config["reading"] = reading
    layout = layout_of(backend)
    if layout is not None:  # explanatory too
        config["layout"] = layout
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
    described = {}
    if solver == "firth":
        described["coordinates"] = (
            "Firth's state on centred columns"
            if config.get("coordinates") == "centred"
            else "Firth's state on the columns as given"
        )
    return described | {
        "penalty": penalty,
        "solver": f"solver={solver!r}",
        "tol": f"tol={config.get('tol')!r}",
        "n_params": _parameters(config),
        "fit_intercept": intercept,
        "dtype": f"dtype {config.get('dtype')}",
    }


def _separation_rows(
    backend: Backend, grouped: GroupedData | None
) -> tuple[Any, np.ndarray, np.ndarray | None, Any]:
    """``(X, y01, sample_weight, offset)``: the rows the separation check
    reads (grouped data as one row per outcome of each group)."""
    if grouped is not None:
        X, y01, sw, off = grouped.separation_rows()
        return X, y01, sw, off
    rows = backend.rows()
    return rows.X, np.asarray(rows.y, dtype=np.float64), rows.sample_weight, rows.offset


def separation_stop(
    objective: LogisticObjective, grouped: GroupedData | None, checked: bool
) -> SeparationStop | None:
    """The separation stopping rule (:mod:`logistic._separation_stop`) of a
    fit whose separation is ``checked`` (unpenalized, not Firth's) and whose
    rows are in memory; None for any other fit."""
    if not checked or not objective.data.capabilities.rows_in_memory:
        return None
    return SeparationStop(
        objective,
        lambda: _separation_rows(objective.data, grouped),
        certified=curvature_certificate,
    )


def check_fit_separation(
    objective: LogisticObjective,
    result: SolverResult,
    view: ScaledObjective,
    grouped: GroupedData | None = None,
    stop: SeparationStop | None = None,
) -> str | None:
    """The kind of separation of an unpenalized fit (None when there is none),
    or "unchecked" when its rows are not in memory. The verdict of the
    fit's separation stopping rule ``stop``, where its program ran, is
    reused (the program is not run twice)."""
    backend = objective.data
    if not backend.capabilities.rows_in_memory:
        return "unchecked"
    X, y01, sw, off = _separation_rows(backend, grouped)
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
        known=None if stop is None else stop.verdict,
    )


def fit_statistics(
    objective: LogisticObjective,
    result: SolverResult,
    grouped: GroupedData | None,
    unpenalized: bool,
    est: Any = None,
) -> Any:
    """The :class:`~logistic.inference._stored.FitStatistics` of an unpenalized
    (or Firth) fit of at most ``MAX_STORED_PARAMS`` parameters, else None:
    a pass at the optimum (none after Newton: its last step's is kept), one
    label-sums pass, and without an intercept a pass of curvature sums that
    finds whether the columns span the constant (the null model's; see
    :func:`logistic.inference._stored.collect`). A FLIC or FLAC fit of
    ``est`` keeps them at any size: its inference reads them only (FLAC's
    covariance is its augmented fit's), and Firth's fit formed the p x p
    information at every iteration already."""
    from ._firth_correction import corrected_kind
    from .inference._stored import MAX_STORED_PARAMS, collect

    if not unpenalized:
        return None
    if objective.n_params > MAX_STORED_PARAMS and corrected_kind(est) is None:
        return None
    summary = None if grouped is None else grouped.summary
    return collect(objective, result.coef, with_null=True, grouped=summary)


def design_aliasing(stats: Any, backend: Any, separation: Any) -> Any:
    """``stats`` of a separated fit with the aliased columns of the design
    itself where the information alone misses some (its near-weightless rows:
    :func:`logistic.inference._aliased.structural_aliasing`, one pass then);
    any other fit's unchanged, None stays None."""
    if stats is None or separation is None:
        return stats
    from .inference._aliased import structural_aliasing

    return structural_aliasing(stats, backend, separation)


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
