"""The steps of ``LogisticRegression.fit`` for K > 2 classes (multinomial).

Convention (owned here): ``fit`` fits the multinomial model exactly when the
data hold more than two classes (scikit-learn ≥ 1.5 does the same); two
classes stay on the binary path unchanged. This module holds what differs:

* the objective, :class:`logistic._multinomial.MultinomialObjective`, in the
  **symmetric** parametrization for penalized fits (scikit-learn's: rows of
  ``coef_`` sum to zero, intercepts centred) and the **reference** one for
  unpenalized fits (statsmodels ``MNLogit``, R ``nnet::multinom``: the first
  class's row of ``coef_`` and ``intercept_`` is 0, the others are log-odds
  against it); see docs/multinomial.md for the map between them;
* which solvers take it (:data:`MULTINOMIAL_SOLVERS`: those that reach the
  objective only through its value, gradient, Hessian and Hessian-vector
  product) and which ``solver="auto"`` picks (:func:`choose_solver`);
* the refusals, one message each (:func:`logistic._multiclass.not_supported`),
  for what is binary-only so far: L1 and elastic-net penalties, Firth, grouped
  ``trials``, checkpoints, and (outside this module) inference, model files,
  ONNX export and the command line.

The fitted state is written by ``LogisticRegression._store`` as for a binary
fit: ``coef_`` of shape (K, n_features), ``intercept_`` of shape (K,).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._multiclass import not_supported
from ._multinomial import MultinomialObjective, ScaledMultinomial
from ._multinomial_separation import check_multinomial_separation
from ._typing import Backend
from .solvers import SolverResult, solve
from .solvers._auto import MAX_NEWTON_PASSES, newton_cost_in_passes

__all__ = ["MULTINOMIAL_SOLVERS", "choose_solver", "fit_multinomial", "initial_theta"]

#: Registered solvers that fit the multinomial objective: they use only the
#: Objective protocol (value, gradient, Hessian, Hessian-vector product, the
#: gradient-descent majorizer) and the standardized view's maps.
MULTINOMIAL_SOLVERS = ("lbfgs", "newton", "newton-cg", "gd")


#: Up to this many parameters ``auto`` takes Newton whatever the cost model
#: says: a dense Hessian of ≤ 1000² is cheap to factor, and L-BFGS needs
#: thousands of iterations on ill-conditioned multinomial problems (digits,
#: K·q = 650: Newton 11 iterations in 3 s, L-BFGS 3 758 in 17 s).
NEWTON_MAX_PARAMS = 1000


def choose_solver(backend: Backend, n_params: int) -> str:
    """``solver="auto"`` for a multinomial fit: Newton for at most
    ``NEWTON_MAX_PARAMS`` parameters, or while one iteration costs at most
    ``MAX_NEWTON_PASSES`` passes, counting the (K·q)² Hessian like a binary
    Hessian of K·q columns (:func:`newton_cost_in_passes`: the same
    ``n (K q)²/2`` multiply-adds); else L-BFGS."""
    if n_params <= NEWTON_MAX_PARAMS:
        return "newton"
    cost = newton_cost_in_passes(int(backend.n_samples), n_params, None)
    return "newton" if cost <= MAX_NEWTON_PASSES else "lbfgs"


def _solver(model: Any, backend: Backend, objective: MultinomialObjective) -> str:
    if model.solver == "auto":
        return choose_solver(backend, objective.n_params)
    if model.solver not in MULTINOMIAL_SOLVERS:
        raise not_supported(
            f"solver={model.solver!r}",
            f"use one of {list(MULTINOMIAL_SOLVERS)} or solver='auto'",
        )
    return str(model.solver)


def _refuse(model: Any, backend: Backend, l1: float, **given: Any) -> None:
    """Raise for settings that are binary-only so far."""
    if model.penalty == "firth":
        raise not_supported(
            "penalty='firth' (Firth's bias reduction is binary-only)",
            "use penalty='l2', or penalty=None",
        )
    if l1 > 0:
        raise not_supported(
            f"penalty={model.penalty!r} (an L1 term)",
            f"use penalty='l2' or None with one of {list(MULTINOMIAL_SOLVERS)}",
        )
    for name, value in given.items():
        if value is not None:
            raise not_supported(f"fit({name}=...)")


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


def fit_multinomial(
    model: Any,
    backend: Backend,
    *,
    alpha: float,
    C: float | None,
    offset_given: bool,
    trials: Any,
    checkpoint: Any,
    callback: Callable[[dict[str, Any]], None] | None,
    encoding: Any,
) -> None:
    """Fit ``model`` (a ``LogisticRegression``) to ``backend``'s K > 2 classes
    and store the result with ``model._store``."""
    objective, l1 = MultinomialObjective.for_penalty(
        backend,
        penalty=model.penalty,
        alpha=alpha,
        l1_ratio=model.l1_ratio,
        C=C,
        fit_intercept=bool(model.fit_intercept),
    )
    _refuse(model, backend, l1, trials=trials, checkpoint=checkpoint)
    if offset_given and not backend.capabilities.rows_in_memory:
        raise not_supported(
            "offsets of out-of-core or Dask data",
            "pass the offsets of in-memory data as an (n_samples, n_classes) matrix",
        )
    name = _solver(model, backend, objective)
    tol = model._tol(backend.dtype, name)
    view = ScaledMultinomial(objective)
    result: SolverResult = solve(
        name,
        objective,
        initial_theta(model, objective),
        tol=tol,
        max_iter=model.max_iter,
        verbose=model.verbose,
        random_state=model.random_state,
        callback=callback,
        view=view,
    )
    separation = None
    if objective.reference:  # unpenalized
        separation = check_multinomial_separation(objective, result)
    model._store(result, objective, name, l1, tol, separation, None, encoding)
