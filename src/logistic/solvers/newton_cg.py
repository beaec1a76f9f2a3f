"""Truncated Newton (Newton–CG): Newton steps from Hessian-vector products only.

For wide or sparse problems, where the p × p Hessian of :mod:`.newton` is too
large to form or factor. Each iteration solves ``H d = -g`` approximately by
conjugate gradients on :meth:`hessian_vector` (one pass over the data per CG
iteration, never a p × p matrix), to the relative residual
``η = min(0.5, sqrt(‖g‖))`` (Eisenstat–Walker forcing: loose far from the
optimum, tight near it, so convergence is superlinear), then takes an Armijo
backtracking step. It iterates in standardized coordinates
(:mod:`logistic._scaling`), which also preconditions CG. Near the optimum,
once objective differences are rounding noise, a step that lowers the
gradient is accepted (as in :mod:`.newton`; both through :mod:`._linesearch`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray
from ._base import Capabilities, Fit, register
from ._iterative import IterativeSolver
from ._linesearch import armijo_or_flat, backtrack
from ._options import LineSearchOptions

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
    """max_cg : CG iterations per Newton step (None: ``min(200, n_params)``)."""

    max_cg: int | None = field(default=None, metadata={"min": 1})


@register
class NewtonCG(IterativeSolver):
    """Truncated Newton with CG inner solves (options: :class:`NewtonCGOptions`)."""

    name = "newton-cg"
    capabilities = Capabilities()
    Options = NewtonCGOptions
    State = _State

    def init_state(self, fit: Fit, theta: FloatArray) -> _State:
        f, g = fit.view.value_and_gradient(theta)
        return _State(theta, f, g, fit.residual(theta, g))

    def _direction(self, fit: Fit, state: _State) -> tuple[FloatArray, int]:
        from scipy.sparse.linalg import LinearOperator, cg  # lazy (start-up time)

        g = state.grad
        n = g.size
        H = LinearOperator(
            (n, n), matvec=lambda v: fit.view.hessian_vector(state.theta, v)
        )
        gnorm = float(np.linalg.norm(g))
        rtol = min(0.5, np.sqrt(gnorm))
        count = [0]

        def tick(_: Any) -> None:
            count[0] += 1

        maxiter = self.options.max_cg
        if maxiter is None:
            maxiter = min(200, n)
        d, _info = cg(H, -g, rtol=rtol, maxiter=maxiter, callback=tick)
        if not np.all(np.isfinite(d)) or not float(g @ d) < 0:
            return -g, count[0]  # not a descent direction: steepest descent
        return d, count[0]

    def step(self, fit: Fit, state: _State) -> _State:
        d, n_cg = self._direction(fit, state)
        slope = float(state.grad @ d)
        g_l1 = float(np.sum(np.abs(state.grad)))

        def trial(t: float) -> tuple[bool, tuple[Any, ...]]:
            theta = state.theta + t * d
            f, g = fit.view.value_and_gradient(theta)
            ok = armijo_or_flat(
                f, state.value, t, slope, lambda: float(np.sum(np.abs(g))) < g_l1
            )
            return ok, (t, theta, f, g)

        accepted, out = backtrack(
            trial, 1.0, max_backtracks=self.options.max_backtracks
        )
        if accepted and out is not None:
            t, theta, f, g = out
            gmax = fit.residual(theta, g)
            return _State(theta, f, g, gmax, step=t, cg_iter=n_cg)
        state.stop = "line search could not decrease the objective (precision limit)"
        return state
