"""FISTA: accelerated proximal gradient for L1 / elastic net without a Hessian.

Same problem, coordinates and stopping rule as :mod:`.coordinate_descent`:
``F(θ) = J(θ) + l1 ‖w‖₁`` in standardized coordinates ``θ'``, where the L1
term is ``Σ_j λ_j |θ'_j|`` with ``λ_j = l1/σ_j`` (0 for the intercept), and
the solver stops when the max-norm of ``θ' − prox_h(θ' − ∇J')`` is ≤ tol.

Iteration (Beck & Teboulle 2009) from the extrapolated point ``v``:
``θ⁺ = S(v − ∇J'(v)/L, λ/L)`` with ``L`` found by backtracking on the
quadratic upper bound (starting from the power-iteration estimate of the
Lipschitz constant, :func:`.gradient_descent.lipschitz_constant`; ``L``
is halved for the next step only where the curvature measured along the
step is at most ``L/4`` and resolved above the value's rounding noise
(:func:`_relaxed`): never at the precision floor, which keeps the iteration
from cycling there), momentum ``t_{k+1} = (1 + √(1 + 4t_k²))/2``, and
O'Donoghue & Candès's restarts (momentum reset when
``(v − θ⁺)ᵀ(θ⁺ − θ) > 0`` or when ``F`` increases beyond its rounding noise),
which give linear convergence on strongly convex problems. Once the bound's
slack is below the floating-point resolution of ``J`` the test is noise and
the step is taken (as in :mod:`.gradient_descent`). In that regime ``F`` can
no longer tell an overshoot, so the momentum is also reset when the KKT
residual grows: without it the momentum oscillates along the flattest
direction and the residual stalls far above its floor.

K classes (symmetric parametrization, :mod:`logistic._multinomial`): ``J``
and ``∇J`` are taken at the iterate's gauge-free point (:meth:`~logistic.
_multinomial_scaled.ScaledMultinomial.gauge_free`, the common intercept shift
``c·u`` where the gauge term ``(γ/2)(Σ_k b_k)²`` is 0; no logit and no L1
term changes along ``u``), and the fit returns that point. FISTA then
minimises the loss and penalty alone, and ``L`` need not cover the gauge's
curvature ``Kγ`` = 1/4: where the loss's curvature is far smaller (class
weights 1000 : 1e-4 : 1e-4, ~1e-6) a halved ``L`` below it amplified the
rounding-level ``Σ_k b_k`` by ``Kγ/L`` a step until the backtracking raised
``L`` 256-fold, and steps of ``1/L ≥ 4`` then crawled to ``max_iter``.
The iterates themselves stay unshifted: there ``∇J`` has no component along
``u`` (``Σ_k ∂J/∂b_k = 0``), so every step, extrapolation and restart test
sees the loss's own geometry. The shift of a step is ``Σ_j μ_j Δw'_kj/σ_j``
and on columns far from 0 dwarfs the step (iris + 100: |μ/σ| ≈ 125); taken
into the step ``d``, its flat length inflated the backtracking bound's
``L‖d‖²/2`` and faked a low curvature for :func:`_relaxed`, and the fit
diverged (objective 1.1 → 5e7).

Why it exists beside ``newton-cd``: it needs only value/gradient passes
(memory O(n_features), any backend, streaming) where ``newton-cd`` forms a
dense (p+1)² Hessian; it is the choice for very wide data (p in the tens of
thousands). On narrow data ``newton-cd`` is far faster (tests/test_l1.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._numerics import rounding_noise
from .._typing import FloatArray
from ._base import Capabilities, Fit, register, soft_threshold
from ._iterative import IterativeSolver
from ._linesearch import backtrack, below_upper_bound, unresolved
from ._options import LineSearchOptions
from ._start import start_value_and_gradient
from .gradient_descent import lipschitz_constant

__all__ = ["FISTA"]


@dataclass
class _FistaState:
    theta: FloatArray
    value: float
    grad: FloatArray
    grad_max_norm: float
    v: FloatArray
    t: float
    L: float
    step: float = 0.0
    stop: str = ""
    restarted: bool = False  # v is theta: J and ∇J at v are known


@register
class FISTA(IterativeSolver):
    """Accelerated proximal gradient with restart (see module docstring).

    Options: ``max_backtracks``, ``patience`` (:class:`LineSearchOptions`).
    """

    name = "fista"
    capabilities = Capabilities(supports_l1=True)
    Options = LineSearchOptions
    State = _FistaState

    def init_state(self, fit: Fit, theta: FloatArray) -> _FistaState:
        self._gauge_free = fit.view.gauge_free
        theta = fit.view.gauge_free(theta)
        f, g = start_value_and_gradient(fit.view, theta)
        # the bound with the gauge term ((1 + Σ μ²/σ²)/4 for K classes), which
        # _relaxed halves within a few steps; starting from the gauge-free
        # bound measured no better (evaluations to tol 1e-6: digits L1 fewer,
        # digits + 100 elastic net 41 % more, iris and wine alike)
        L = lipschitz_constant(fit.view)
        return _FistaState(
            theta,
            f + fit.l1_penalty(theta),
            g,
            fit.residual(theta, g),
            theta.copy(),
            1.0,
            L,
        )

    def iterate(self, state: _FistaState) -> FloatArray:
        """The gauge-free point of the iterate (module docstring): what the
        fit returns, and where ``state.value`` and ``state.grad`` were taken."""
        return self._gauge_free(np.asarray(state.theta))

    #: the running fit's ``view.gauge_free`` (set where a fit starts or
    #: resumes: :meth:`init_state`, :meth:`load_state`); the state's fields
    #: are what a checkpoint holds, so the map is kept here
    _gauge_free: Any = staticmethod(lambda theta: theta)

    def load_state(self, fit: Fit, values: dict[str, Any]) -> _FistaState:
        self._gauge_free = fit.view.gauge_free
        state: _FistaState = super().load_state(fit, values)
        return state

    def _prox_step(
        self, fit: Fit, v: FloatArray, fv: float, gv: FloatArray, L: float
    ) -> tuple[FloatArray, float, FloatArray, float]:
        """Backtracking on the quadratic upper bound; returns (θ⁺, J(θ⁺), ∇J(θ⁺), L)."""
        lam = fit.weights
        noise = rounding_noise(fv, fit.value_eps)

        def trial(L: float) -> tuple[bool, tuple[Any, ...]]:
            with np.errstate(over="ignore"):  # a weight near the largest float:
                threshold = lam / L  # inf, which keeps the coordinate at 0
            theta = soft_threshold(v - gv / L, threshold)
            f, g = _loss_and_gradient(fit, theta)
            d = theta - v
            bound = fv + float(gv @ d) + 0.5 * L * float(d @ d)
            return below_upper_bound(f, bound + noise), (theta, f, g, L)

        # L doubles on rejection: the step 1/L halves
        accepted, out = backtrack(
            trial, L, max_backtracks=self.options.max_backtracks, factor=2.0
        )
        if out is None:  # no trial ran
            return v, fv, gv, L
        theta, f, g, L_used = out
        return theta, f, g, L_used if accepted else 2.0 * L_used

    def step(self, fit: Fit, state: _FistaState) -> _FistaState:
        v = state.v
        if state.restarted:
            fv, gv = state.value - fit.l1_penalty(v), state.grad
        else:
            fv, gv = _loss_and_gradient(fit, v)
        theta, f, g, L = self._prox_step(fit, v, fv, gv, state.L)
        L_next = _relaxed(L, theta - v, f - fv - float(gv @ (theta - v)), fv, fit)
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * state.t**2))
        value = f + fit.l1_penalty(theta)
        kkt = fit.residual(theta, g)
        flat = unresolved(value, state.value, fit.value_eps)  # J cannot resolve it
        restart = (
            float((v - theta) @ (theta - state.theta)) > 0
            or value > state.value + rounding_noise(state.value, fit.value_eps)
            or (flat and kkt > state.grad_max_norm)
        )
        if restart:
            v_next, t_next = theta, 1.0  # restart the momentum
        else:
            v_next = theta + ((state.t - 1.0) / t_next) * (theta - state.theta)
        return _FistaState(
            theta,
            value,
            g,
            kkt,
            v_next,
            t_next,
            L_next,
            step=1.0 / L,
            restarted=restart,
        )


def _loss_and_gradient(fit: Fit, theta: FloatArray) -> tuple[float, FloatArray]:
    """``J`` and ``∇J`` at ``theta``'s gauge-free point (``theta`` itself
    without a gauge term): the loss and penalty at ``theta``, their gradient
    there with no component along the intercept shift."""
    return fit.view.value_and_gradient(fit.view.gauge_free(theta))  # type: ignore[no-any-return]


#: The step's quadratic term ``L‖d‖²/2`` must exceed this many times the
#: value's rounding noise for the curvature along it to lower ``L``.
RESOLVED_CURVATURE = 64.0


def _relaxed(L: float, d: FloatArray, excess: float, fv: float, fit: Fit) -> float:
    """The next step's ``L``: half of ``L`` where the curvature along the step
    just taken, ``2 (J(θ⁺) - J(v) - ∇J(v)ᵀd) / ‖d‖²`` (``excess`` the
    numerator's half), is at most ``L/4`` and the step's quadratic term is
    well above the value's rounding noise (below it, the measured curvature
    is noise and ``L`` stays, so that the iteration does not cycle at the
    precision floor); ``L`` otherwise. The power-iteration ``L`` bounds the
    curvature everywhere; near an optimum where every probability is close
    to its label (an intercept of -16 under class weights 1000 : 0.0001) the
    curvature is ~1e7 times smaller, and steps of ``1/L`` crawl there for
    thousands of iterations."""
    dd = float(d @ d)
    quad = 0.5 * L * dd
    if not quad > RESOLVED_CURVATURE * rounding_noise(fv, fit.value_eps):
        return L
    return 0.5 * L if excess <= 0.25 * quad else L
