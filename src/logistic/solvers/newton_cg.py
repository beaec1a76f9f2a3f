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
gradient is accepted (as in :mod:`.newton`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse.linalg import LinearOperator, cg

from .._scaling import ScaledObjective
from .._typing import FloatArray
from ._base import Capabilities, IterativeSolver, register

__all__ = ["NewtonCG"]


@dataclass
class _State:
    theta: FloatArray
    value: float
    grad: FloatArray
    grad_max_norm: float
    step: float = 0.0
    cg_iter: int = 0
    stop: str = ""


@register
class NewtonCG(IterativeSolver):
    """Truncated Newton with CG inner solves (options: ``max_cg``, default
    ``min(200, n_params)``; ``max_backtracks``, default 50)."""

    name = "newton-cg"
    capabilities = Capabilities()

    def init_state(self, objective: Any, theta0: FloatArray) -> _State:
        self._obj = ScaledObjective(objective)
        theta = self._obj.from_original(theta0)
        f, g = self._obj.value_and_gradient(theta)
        return _State(theta, f, g, float(np.max(np.abs(g), initial=0.0)))

    def original(self, state: _State) -> FloatArray:
        return self._obj.to_original(state.theta)

    def _direction(self, state: _State) -> tuple[FloatArray, int]:
        g = state.grad
        n = g.size
        H = LinearOperator(
            (n, n), matvec=lambda v: self._obj.hessian_vector(state.theta, v)
        )
        gnorm = float(np.linalg.norm(g))
        rtol = min(0.5, np.sqrt(gnorm))
        count = [0]

        def tick(_: Any) -> None:
            count[0] += 1

        maxiter = int(self.options.get("max_cg", min(200, n)))
        d, _info = cg(H, -g, rtol=rtol, maxiter=maxiter, callback=tick)
        if not np.all(np.isfinite(d)) or not float(g @ d) < 0:
            return -g, count[0]  # not a descent direction: steepest descent
        return d, count[0]

    def step(self, objective: Any, state: _State) -> _State:
        d, n_cg = self._direction(state)
        slope = float(state.grad @ d)
        g_l1 = float(np.sum(np.abs(state.grad)))
        noise = 64 * np.finfo(float).eps * max(abs(state.value), 1e-300)
        t = 1.0
        for _ in range(int(self.options.get("max_backtracks", 50))):
            theta = state.theta + t * d
            f, g = self._obj.value_and_gradient(theta)
            armijo = f <= state.value + 1e-4 * t * slope
            flat = abs(f - state.value) <= noise and float(np.sum(np.abs(g))) < g_l1
            if np.isfinite(f) and (armijo or flat):
                gmax = float(np.max(np.abs(g), initial=0.0))
                return _State(theta, f, g, gmax, step=t, cg_iter=n_cg)
            t *= 0.5
        state.stop = "line search could not decrease the objective (precision limit)"
        return state
