"""Truncated Newton (Newton–CG): Newton steps from Hessian-vector products only.

For wide or sparse problems, where the p × p Hessian of :mod:`.newton` is too
large to form or factor. Each iteration solves ``H d = -g`` approximately by
conjugate gradients on :meth:`hessian_vector` (one pass over the data per CG
iteration, never a p × p matrix), to the relative residual
``η = min(0.5, sqrt(‖g‖))`` (Eisenstat–Walker forcing: loose far from the
optimum, tight near it, so convergence is superlinear), then takes an Armijo
backtracking step. CG stops early at a direction of (near-)zero or negative
curvature (:func:`conjugate_gradients`): along an exact dependency among
columns far from centred the computed curvature is rounding noise, and a step
by it would send the fit off to diverge (epoch seconds beside the same
instants in milliseconds). It iterates in standardized coordinates
(:mod:`logistic._scaling`), and CG is preconditioned by the diagonal of the
Hessian there (Jacobi; option ``precondition``, binary objective only): one
read of the data per Newton step, whose curvature ``d`` the products that
follow reuse (:meth:`LogisticObjective.hessian_diagonal`). Measured in passes
to the same optimum (``benchmarks.fit_fingerprint``, and reuters): reuters
68 → 55, spambase L2 310 → 189 and unpenalized 2 260 → 349, credit-default
163 → 145; where standardization alone already equalizes the curvature the
diagonal's pass is not paid back (a9a L2 132 → 138, ijcnn1 55 → 65, the
400-row UCLA 27 → 32). Near the optimum,
once objective differences are rounding noise, a step that lowers the
gradient is accepted (as in :mod:`.newton`; both through :mod:`._linesearch`).
The line search starts at Newton's first trial (:func:`._linesearch.first_trial`:
1, or less where the step would move a logit by more than 1e4): under a large
offset the curvature vanishes and the CG direction can move the logits by
1e40, beyond what the halvings of t = 1 bring back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._objective import LogisticObjective
from .._typing import FloatArray
from ._base import Capabilities, Fit, register
from ._conjugate_gradients import conjugate_gradients
from ._iterative import LINE_SEARCH_STOP, IterativeSolver
from ._linesearch import armijo_or_flat, backtrack, first_trial
from ._options import LineSearchOptions
from ._start import start_value_and_gradient

__all__ = ["NewtonCG", "NewtonCGOptions"]


@dataclass
class _State:
    theta: FloatArray
    value: float
    grad: FloatArray
    grad_max_norm: float
    step: float = 0.0
    cg_iter: int = 0
    stop: str = ""


@dataclass(frozen=True)
class NewtonCGOptions(LineSearchOptions):
    """max_cg : CG iterations per Newton step (None: ``min(200, n_params)``).
    precondition : whether CG is preconditioned by the Hessian's diagonal."""

    max_cg: int | None = field(default=None, metadata={"min": 1})
    precondition: bool = True


@register
class NewtonCG(IterativeSolver):
    """Truncated Newton with CG inner solves (options: :class:`NewtonCGOptions`)."""

    name = "newton-cg"
    capabilities = Capabilities()
    Options = NewtonCGOptions
    State = _State
    stop_statuses = (LINE_SEARCH_STOP,)

    def init_state(self, fit: Fit, theta: FloatArray) -> _State:
        f, g = start_value_and_gradient(fit.view, theta)
        return _State(theta, f, g, fit.residual(theta, g))

    def _direction(self, fit: Fit, state: _State) -> tuple[FloatArray, int]:
        g = state.grad
        maxiter = self.options.max_cg
        if maxiter is None:
            maxiter = min(200, g.size)
        diagonal = self._diagonal(fit, state) if self.options.precondition else None
        d, count = conjugate_gradients(
            lambda v: fit.view.hessian_vector(state.theta, v),
            g,
            rtol=min(0.5, float(np.sqrt(np.linalg.norm(g)))),
            maxiter=maxiter,
            diagonal=diagonal,
        )
        if not np.all(np.isfinite(d)) or not float(g @ d) < 0:
            return -g, count  # not a descent direction: steepest descent
        return d, count

    @staticmethod
    def _diagonal(fit: Fit, state: _State) -> FloatArray | None:
        """The Hessian's diagonal for the Jacobi preconditioner (one read of
        the data, whose curvature the products that follow reuse), or None
        when the view has no diagonal, the objective is not the binary one,
        or the diagonal is not finite and positive."""
        diagonal = getattr(fit.view, "hessian_diagonal", None)
        if diagonal is None or type(fit.objective) is not LogisticObjective:
            return None  # e.g. K classes: no diagonal written for them
        h = diagonal(state.theta)
        if not (np.all(np.isfinite(h)) and np.all(h > 0)):
            return None
        return np.asarray(h, dtype=np.float64)

    def step(self, fit: Fit, state: _State) -> _State:
        d, n_cg = self._direction(fit, state)
        slope = float(state.grad @ d)
        g_l1 = float(np.sum(np.abs(state.grad)))

        def trial(t: float) -> tuple[bool, tuple[Any, ...]]:
            theta = state.theta + t * d
            f, g = fit.view.value_and_gradient(theta)
            ok = armijo_or_flat(
                f,
                state.value,
                t,
                slope,
                lambda: float(np.sum(np.abs(g))) < g_l1,
                eps=fit.value_eps,
            )
            return ok, (t, theta, f, g)

        step = fit.to_original(state.theta + d) - fit.to_original(state.theta)
        accepted, out = backtrack(
            trial,
            first_trial(fit.objective, step),
            max_backtracks=self.options.max_backtracks,
        )
        if accepted and out is not None:
            t, theta, f, g = out
            gmax = fit.residual(theta, g)
            return _State(theta, f, g, gmax, step=t, cg_iter=n_cg)
        state.stop = LINE_SEARCH_STOP
        return state
