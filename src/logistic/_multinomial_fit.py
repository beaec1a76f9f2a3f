"""The steps of ``LogisticRegression.fit`` for K > 2 classes (multinomial).

Convention (owned here): ``fit`` fits the multinomial model exactly when the
data hold more than two classes (scikit-learn ≥ 1.5 does the same); two
classes stay on the binary path unchanged. This module holds what differs:

* the objective, :class:`logistic._multinomial.MultinomialObjective`, in the
  **symmetric** parametrization for penalized fits (scikit-learn's: rows of
  ``coef_`` sum to zero, intercepts centred) and the **reference** one for
  unpenalized fits, however spelled (``penalty=None``, or a norm penalty
  whose strength is 0, e.g. ``C=inf``: :func:`_objective`; statsmodels
  ``MNLogit``, R ``nnet::multinom``: the first class's row of ``coef_`` and
  ``intercept_`` is 0, the others are log-odds against it); see
  docs/multinomial.md for the map between them;
* which solvers take it (:data:`MULTINOMIAL_SOLVERS`: those that reach the
  objective only through its value, gradient, Hessian and Hessian-vector
  product) and which ``solver="auto"`` picks (:func:`choose_solver`);
* the refusals, one message each (:func:`logistic._multiclass.not_supported`),
  for what is binary-only so far: Firth, grouped ``trials``, checkpoints,
  and (outside this module) what docs/multinomial.md
  lists under "Not yet multi-class".

The fitted state is written by ``LogisticRegression._store`` as for a binary
fit: ``coef_`` of shape (K, n_features), ``intercept_`` of shape (K,).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from ._exceptions import InvalidParameterError
from ._multiclass import not_supported
from ._multinomial import MultinomialObjective
from ._multinomial_scaled import ScaledMultinomial
from ._multinomial_separation import check_multinomial_separation
from ._typing import Backend
from .solvers import Fit, Solver, SolverResult, get_solver
from .solvers._auto import (
    MAX_NEWTON_PASSES,
    check_hessian_memory,
    hessian_fits_memory,
    newton_cost_in_passes,
)
from .solvers._base import l1_weights

__all__ = ["MULTINOMIAL_SOLVERS", "choose_solver", "fit_multinomial", "initial_theta"]

#: Registered solvers that fit the multinomial objective: they use only the
#: Objective protocol (value, gradient, Hessian, Hessian-vector product, the
#: gradient-descent majorizer, ``sgd``'s mini-batch ``batch_gradient``), the
#: standardized view's maps and (the L1
#: solvers ``newton-cd`` and ``fista``) the fit's L1 weights, which
#: :func:`_with_row_weights` lays out per row of Θ.
MULTINOMIAL_SOLVERS = (
    "lbfgs",
    "newton",
    "newton-cg",
    "gd",
    "newton-cd",
    "fista",
    "sgd",
)


#: Up to this many parameters ``auto`` takes Newton whatever the cost model
#: says: a dense Hessian of ≤ 1000² is cheap to factor, and L-BFGS needs
#: thousands of iterations on ill-conditioned multinomial problems (digits,
#: K·q = 650: Newton 11 iterations in 3 s, L-BFGS 3 758 in 17 s).
NEWTON_MAX_PARAMS = 1000


def choose_solver(backend: Backend, n_params: int, l1: float = 0.0) -> str:
    """``solver="auto"`` for a multinomial fit: Newton for at most
    ``NEWTON_MAX_PARAMS`` parameters, or while one iteration costs at most
    ``MAX_NEWTON_PASSES`` passes, counting the (K·q)² Hessian like a binary
    Hessian of K·q columns (:func:`newton_cost_in_passes`: the same
    ``n (K q)²/2`` multiply-adds); else L-BFGS. With an L1 term the same
    rule chooses between ``newton-cd`` (proximal Newton) and ``fista``.
    Never a Hessian beyond the memory (:func:`hessian_fits_memory`)."""
    newton = (
        n_params <= NEWTON_MAX_PARAMS
        or newton_cost_in_passes(int(backend.n_samples), n_params, None)
        <= MAX_NEWTON_PASSES
    ) and hessian_fits_memory(n_params)
    if l1 > 0:
        return "newton-cd" if newton else "fista"
    return "newton" if newton else "lbfgs"


def _solver(
    model: Any, backend: Backend, objective: MultinomialObjective, l1: float
) -> str:
    if model.solver == "auto":
        return choose_solver(backend, objective.n_params, l1)
    if model.solver not in MULTINOMIAL_SOLVERS:
        raise not_supported(
            f"solver={model.solver!r}",
            f"use one of {list(MULTINOMIAL_SOLVERS)} or solver='auto'",
        )
    if l1 > 0 and not get_solver(model.solver).capabilities.supports_l1:
        l1_solvers = [
            n for n in MULTINOMIAL_SOLVERS if get_solver(n).capabilities.supports_l1
        ]
        raise InvalidParameterError(
            f"solver={model.solver!r} does not support penalty={model.penalty!r} "
            f"(an L1 term); use one of {l1_solvers} or solver='auto'"
        )
    check_hessian_memory(
        model.solver,
        objective.n_params,
        alternatives="'lbfgs', 'newton-cg'; with an L1 term 'fista'",
    )
    return str(model.solver)


_ROW_WEIGHTED: dict[str, type[Solver]] = {}


def _with_row_weights(name: str) -> type[Solver]:
    """The registered solver ``name``, its fit's L1 weights laid out per row
    of Θ: ``l1/σ_j`` for every class's coefficient of column j, 0 for the
    intercepts (the binary layout, ``lam[:p]``, would cover one row only)."""
    if name not in _ROW_WEIGHTED:
        base = get_solver(name)

        def begin(
            self: Any, objective: Any, view: Any = None, on_iteration: Any = None
        ) -> Fit:
            fit: Fit = base.begin(self, objective, view, on_iteration)
            if fit.lam is not None:
                row = np.zeros(objective.n_coef)
                row[: objective.n_features] = l1_weights(self.l1, fit.view.scale)
                fit.lam = np.tile(row, objective.n_equations)
            return fit

        _ROW_WEIGHTED[name] = type(base.__name__, (base,), {"begin": begin})
    return _ROW_WEIGHTED[name]


def _refuse(model: Any, **given: Any) -> None:
    """Raise for settings that are binary-only so far."""
    if model.penalty == "firth":
        raise not_supported(
            "penalty='firth' (Firth's bias reduction is binary-only)",
            "use penalty='l2', or penalty=None",
        )
    for name, value in given.items():
        if value is not None:
            raise not_supported(f"fit({name}=...)", _WORKS.get(name, ""))


#: What works instead of a binary-only fit argument.
_WORKS = {
    "checkpoint": "a two-class target can be checkpointed, or fit this one "
    "without checkpoint=",
}


def initial_theta(model: Any, objective: MultinomialObjective) -> np.ndarray:
    """Zeros, or with ``warm_start`` the previous fit's coefficients when its
    classes and shapes match (moved to this fit's parametrization)."""
    theta0 = np.zeros(objective.n_params)
    K, p = objective.n_classes, objective.n_features
    coef = getattr(model, "coef_", None)
    if not (model.warm_start and coef is not None and coef.shape == (K, p)):
        return theta0
    rows = (
        np.column_stack([coef, model.intercept_]) if objective.fit_intercept else coef
    )
    rows = np.asarray(rows, dtype=np.float64)
    rows = rows - (rows[0] if objective.reference else rows.mean(axis=0))
    return (rows[1:] if objective.reference else rows).ravel()


def _objective(
    model: Any, backend: Backend, alpha: float, C: float | None
) -> tuple[MultinomialObjective, float]:
    """The objective of ``model``'s penalty settings and its L1 strength.

    A fit is unpenalized when both strengths are 0, however the settings
    spell it: ``penalty=None``, or a norm penalty whose ``alpha = 1/(C·Σs)``
    is 0 (``C=inf``, or ``C·Σs`` beyond the largest float). Every unpenalized
    fit takes the reference parametrization, and with it the separation
    check and the statistics for inference; the symmetric one is for
    penalized fits only (without a penalty its ``W`` is not identified)."""
    objective, l1 = MultinomialObjective.for_penalty(
        backend,
        penalty=model.penalty,
        alpha=alpha,
        l1_ratio=model.l1_ratio,
        C=C,
        fit_intercept=bool(model.fit_intercept),
    )
    if l1 == 0 and objective.l2 == 0 and not objective.reference:
        objective = MultinomialObjective(
            backend, fit_intercept=bool(model.fit_intercept), reference=True
        )
    return objective, l1


def fit_multinomial(
    model: Any,
    backend: Backend,
    *,
    alpha: float,
    C: float | None,
    trials: Any,
    checkpoint: Any,
    callback: Callable[[dict[str, Any]], None] | None,
    encoding: Any,
) -> None:
    """Fit ``model`` (a ``LogisticRegression``) to ``backend``'s K > 2 classes
    and store the result with ``model._store``."""
    objective, l1 = _objective(model, backend, alpha, C)
    _refuse(model, trials=trials, checkpoint=checkpoint)
    name = _solver(model, backend, objective, l1)
    tol = model._tol(backend.dtype, name)
    stochastic = get_solver(name).capabilities.stochastic
    view = ScaledMultinomial(objective, stochastic=stochastic)
    objective.check_weights()  # out-of-core data arrive unchecked
    solver = _with_row_weights(name)(
        tol=tol,
        max_iter=model.max_iter,
        l1=l1,
        verbose=model.verbose,
        random_state=model.random_state,
        callback=callback,
    )
    result: SolverResult = solver.solve(
        objective, initial_theta(model, objective), view=view
    )
    separation, stats = None, None
    if objective.reference:  # unpenalized (see _objective)
        from .inference._multinomial import collect_multinomial

        # one pass at the optimum: the statistics for inference, and the
        # gradient and Hessian there, which the separation check's
        # certificate reads instead of a pass of its own
        collected = collect_multinomial(objective, result.coef)
        stats, derivatives = (None, None) if collected is None else collected
        separation = check_multinomial_separation(objective, result, derivatives)
    result = _centred(objective, result, l1)
    model._store(result, objective, name, l1, tol, separation, stats, encoding)


def _centred(
    objective: MultinomialObjective, result: SolverResult, l1: float
) -> SolverResult:
    """``result`` with its intercepts centred (``Σ_k b_k = 0``) where the
    symmetric parametrization's gauge term holds them (a fit stopped before
    the optimum), and its objective less that term: no probability changes
    (the logits of every row move by one constant) and the objective is
    then the documented one, mean loss plus penalty (docs/multinomial.md),
    as is the last history entry's (earlier entries keep the solver's
    values, gauge term included).

    Under a pure L2 penalty each column's coefficients are centred too
    (``Σ_k W_kj = 0``, the optimum's own condition): the likelihood does not
    see a shift common to the classes, the penalty only grows with it, and a
    fit stopped within its tolerance may hold one where the standardized
    coordinates make it nearly free (a column of large spread, float32 X).
    ``l1`` is the fit's L1 strength: with one, the optimum's condition is
    another, and the columns are left as fitted."""
    if objective.reference:
        return result
    rows = objective.coef_matrix(result.coef)
    p = objective.n_features
    shift = float(np.mean(rows[:, p])) if objective.gauge else 0.0
    pure_l2 = l1 == 0 and objective.l2 > 0
    column_shift = np.mean(rows[:, :p], axis=0) if pure_l2 else np.zeros(p)
    if shift == 0.0 and not np.any(column_shift):
        return result
    if objective.gauge:
        rows[:, p] -= shift
    W = rows[:, :p]
    before = float(np.sum(W * W))
    W -= column_shift
    gauge = 0.5 * objective.gauge * (objective.n_classes * shift) ** 2
    penalty = 0.5 * objective.l2 * (before - float(np.sum(W * W)))
    value = float(result.objective) - gauge - penalty
    history = list(result.history)
    if history:  # the last entry describes the returned point, as objective_
        history[-1] = {**history[-1], "objective": value}
    return dataclasses.replace(
        result, coef=rows.ravel(), objective=value, history=history
    )
