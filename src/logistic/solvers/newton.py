"""Newton's method: Cholesky solve of ``H d = -g`` and an Armijo line search.

Fallback (warned once per fit with :class:`NumericalStabilityWarning`): when
the Hessian is not numerically positive definite, Levenberg damping
``H + μ I`` with μ increased until Cholesky succeeds; when the step is not a
descent direction, the steepest-descent direction. Newton is affine
invariant, so it runs on the original coordinates. It stops when the gradient
max-norm in standardized coordinates is ≤ tol (as every solver); the Newton decrement ``gᵀH⁻¹g`` is recorded per iteration.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve

from .._exceptions import NumericalStabilityWarning
from .._scaling import ScaledObjective
from .._typing import FloatArray
from ._base import Capabilities, IterativeSolver, register

__all__ = ["Newton"]


@dataclass
class _NewtonState:
    theta: FloatArray
    value: float
    grad: FloatArray
    grad_max_norm: float
    step: float = 0.0
    decrement: float = float("nan")
    stop: str = ""


@register
class Newton(IterativeSolver):
    """Newton–Cholesky with backtracking line search (options: ``max_backtracks``)."""

    name = "newton"
    capabilities = Capabilities(needs_hessian=True)

    def init_state(self, objective: Any, theta0: FloatArray) -> _NewtonState:
        self._warned = False
        self._criterion = ScaledObjective(objective)
        f, g = objective.value_and_gradient(theta0)
        return _NewtonState(theta0, f, g, self._gnorm(g))

    def _gnorm(self, g: FloatArray) -> float:
        return float(np.max(np.abs(self._criterion.scaled_gradient(g)), initial=0.0))

    def _warn(self, message: str) -> None:
        if not self._warned:
            warnings.warn(message, NumericalStabilityWarning, stacklevel=6)
            self._warned = True

    def direction(self, H: FloatArray, g: FloatArray) -> FloatArray:
        """Newton direction, damped if H is not positive definite."""
        scale = max(float(np.max(np.abs(np.diag(H)), initial=0.0)), 1e-300)
        mu = 0.0
        for _ in range(40):
            try:
                factor = cho_factor(H + mu * np.eye(H.shape[0]), lower=True, check_finite=False)
                d = -cho_solve(factor, g, check_finite=False)
                if np.all(np.isfinite(d)):
                    if mu > 0:
                        self._warn(
                            "Newton: the Hessian is singular or not positive definite "
                            f"(collinear columns or separation?); damped with mu={mu:.3g}."
                        )
                    return d
            except LinAlgError:
                pass
            mu = max(1e-10 * scale, 10.0 * mu)
        self._warn("Newton: Cholesky failed even with damping; using steepest descent.")
        return -g

    def step(self, objective: Any, state: _NewtonState) -> _NewtonState:
        g = state.grad
        d = self.direction(objective.hessian(state.theta), g)
        slope = float(g @ d)
        if not slope < 0:
            self._warn("Newton: the step is not a descent direction; using -gradient.")
            d, slope = -g, -float(g @ g)
        t = 1.0
        for _ in range(int(self.options.get("max_backtracks", 50))):
            theta = state.theta + t * d
            f, g_new = objective.value_and_gradient(theta)
            if np.isfinite(f) and f <= state.value + 1e-4 * t * slope:
                return _NewtonState(
                    theta, f, g_new, self._gnorm(g_new),
                    step=t, decrement=-slope,
                )
            t *= 0.5
        state.stop = "line search could not decrease the objective (precision limit)"
        state.decrement = -slope
        return state
