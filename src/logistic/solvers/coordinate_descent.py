"""Proximal Newton with a coordinate-descent inner solver (L1 / elastic net).

The problem is ``F(θ) = J(θ) + l1 ‖w‖₁`` with ``J`` the smooth objective of
:mod:`logistic._objective` (its L2 part included). The solver iterates in
standardized coordinates ``θ' = T⁻¹θ`` (:mod:`logistic._scaling`), where the
L1 term becomes a weighted one, ``Σ_j (l1/σ_j) |w'_j|`` (constant columns have
σ = 1; the intercept has weight 0 and is never penalised).

Each outer iteration (glmnet / newGLMNET, Yuan, Ho & Lin 2012; Lee, Sun &
Saunders 2014):

1. forms the gradient ``g`` and Hessian ``H`` of ``J`` at ``θ'`` (one pass
   each, through the objective's block reduction, so any backend works).
   For K classes the iterate stays at its gauge-free point (every trial
   step is moved there, :meth:`~logistic._multinomial_scaled.
   ScaledMultinomial.gauge_free`, where ``J`` is the loss and penalty and
   ``g`` has no part along the common intercept shift) and ``H`` is
   :meth:`~logistic._multinomial_scaled.ScaledMultinomial.
   gauge_free_hessian`: the gauge term's curvature measured on the
   standardized intercepts, not the one that ties every ``w'_kj`` to
   ``b'_k`` by ``μ_j/σ_j``, which the sweeps crept along (iris + 1000: not
   converged in 2 000 iterations, now 10; digits L1 ``C=1``: 21 → 10);
2. minimises the local model ``gᵀd + ½ dᵀHd + Σ_j λ_j |θ'_j + d_j|`` by cyclic
   coordinate descent (soft-thresholding; compiled, :func:`.column_cd.gram_cd`),
   sweeping the active set until it is stable and then all coordinates, at
   most :func:`sweep_cap` sweeps; the inner tolerance shrinks with the
   outer KKT residual, which keeps the outer convergence superlinear. The
   sweeps' solution is then refined by the exact minimiser of the model on
   its orthant, where that is lower (a valley the loss leaves flat, which
   sweeps cross slowly: :func:`._newton_linalg.orthant_model_step`). Without
   an L1 term the model is minimised exactly by a Cholesky solve (and by
   coordinate descent where that step is no descent direction or fails its
   line search: a model singular to rounding,
   :func:`._newton_linalg.smooth_model_step`);
3. takes the step ``t d`` with Tseng & Yun's Armijo rule
   ``F(θ' + t d) ≤ F(θ') + 10⁻⁴ t (gᵀd + h(θ' + d) − h(θ'))``. Once the
   predicted decrease is below the floating-point resolution of ``F`` the
   comparison is noise and the full step is taken untested (as
   :mod:`.gradient_descent` does), so the KKT residual keeps shrinking
   (both tests from :mod:`._linesearch`).

Stopping rule (the contract of :mod:`._base`): the max-norm of the
proximal-gradient residual ``r = θ' − prox_h(θ' − g)`` (componentwise
``θ'_j − S(θ'_j − g_j, λ_j)``, ``S`` the soft threshold) is ≤ tol. It is 0
exactly at a KKT point and equals the gradient max-norm when ``l1 = 0``.

Why this solver (measured against :mod:`.proximal`'s FISTA, default
``tol=1e-10``, L1 ``alpha`` 1e-3 / 1e-4, full data, one core):

=========================  =====================  ========================
data                       newton-cd              fista
=========================  =====================  ========================
spambase 4601 x 57         1.3 s / 4.5 s (12/25)  31 s / 36 s (19k/21k it)
a9a 32561 x 123 sparse     1.3 s / 2.0 s (9/10)   4.8 s / 12.7 s (542/1311)
credit-default 29998 x 23  0.13 s / 0.18 s (9/9)  stalls at KKT 2e-9
=========================  =====================  ========================

Same objective to 15 digits and the same support where both converge.
It forms a dense (p+1)² Hessian, so it suits p up to a few thousand; FISTA
(O(p) memory) is the solver for wider data.

:func:`logistic.solvers.column_cd.newton_cd_columns` is the same method
working on an in-memory X's columns directly, for regularization paths
(:mod:`logistic._path`): the inner coordinate descent either updates the
working vector ``X_S d`` (glmnet's "naive" updates, O(nnz of a column) per
coordinate, no Hessian) or sweeps a Gram matrix ``X_Sᵀ V X_S`` kept across
Newton steps and path points; a cost model picks the form at every step
(``column_cd.use_gram``). Compiled in
:mod:`logistic._cd` (GIL released); ``LOGISTIC_KERNEL=numpy`` selects the
numpy reference of every compiled routine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray
from ._base import Capabilities, Fit, kkt_residual, register, soft_threshold
from ._iterative import LINE_SEARCH_STOP, IterativeSolver
from ._linesearch import armijo, backtrack, first_trial, negligible
from ._newton_linalg import orthant_model_step, smooth_model_step
from ._options import LineSearchOptions
from ._start import start_value_and_gradient
from .column_cd import gram_cd

__all__ = ["NewtonCD", "NewtonCDOptions", "soft_threshold", "kkt_residual"]

#: The status of a step whose direction does not descend.
NO_DESCENT_STOP = "no descent direction (KKT residual at its precision floor)"


@dataclass
class _CDState:
    theta: FloatArray
    value: float
    smooth: float
    grad: FloatArray
    grad_max_norm: float
    step: float = 0.0
    sweeps: int = 0
    stop: str = ""


#: The fewest inner sweeps an outer iteration may take (see :func:`sweep_cap`).
MIN_SWEEPS = 500


@dataclass(frozen=True)
class NewtonCDOptions(LineSearchOptions):
    """max_sweeps : inner coordinate-descent sweeps per outer iteration; None
    (default): :func:`sweep_cap`."""

    max_sweeps: int | None = field(default=None, metadata={"min": 1})


def sweep_cap(n_samples: int) -> int:
    """Inner sweeps an outer iteration may take: ``max(MIN_SWEEPS, n_samples)``.

    A sweep costs at most ``p²`` multiply-adds (each changed coordinate
    updates ``H d``), the outer iteration's Hessian pass ``n p²/2``, so the
    inner solve stays within about two Hessian passes of multiply-adds; in
    time, the sweeps being scalar code (``column_cd.BLAS_SPEEDUP``, about 8×
    slower a multiply-add than the Hessian's BLAS), up to about 16 when the
    inner solve never meets its tolerance (a reviewer's near-duplicate
    columns at C = 1e4: 300 iterations in 34.8 s against 5.7 s with 500
    sweeps, neither converged). The compiled loop takes the GIL every 1 024
    sweeps, so Ctrl-C stops a long solve. Fewer sweeps starve
    the sweeps where the model is flat: exactly collinear columns (e.g.
    scikit-learn's ``make_classification`` redundant features) leave ``H``
    singular along a valley that only the L1 term closes, and coordinate
    descent crosses it in thousands of cheap sweeps; cut at 500, each outer
    iteration crept along it (10 000 × 50, 5 classes, L1: 97 iterations,
    and 12 under this cap; two classes: 28 and 8)."""
    return max(MIN_SWEEPS, int(n_samples))


@register
class NewtonCD(IterativeSolver):
    """Proximal Newton, coordinate-descent inner solver (see module docstring).

    Options (:class:`NewtonCDOptions`): ``max_sweeps`` (inner sweeps per outer
    iteration, default :func:`sweep_cap`), ``max_backtracks``, ``patience``.
    """

    name = "newton-cd"
    capabilities = Capabilities(supports_l1=True, needs_hessian=True)
    Options = NewtonCDOptions
    State = _CDState
    stop_statuses = (LINE_SEARCH_STOP, NO_DESCENT_STOP)

    def init_state(self, fit: Fit, theta: FloatArray) -> _CDState:
        theta = fit.view.gauge_free(theta)
        return self._state(fit, theta, *start_value_and_gradient(fit.view, theta))

    @staticmethod
    def _state(
        fit: Fit, theta: FloatArray, f: float, g: FloatArray, **extra: Any
    ) -> _CDState:
        value = f + fit.l1_penalty(theta)
        return _CDState(theta, value, f, g, fit.residual(theta, g), **extra)

    def direction(
        self, fit: Fit, H: FloatArray, state: _CDState, exact: bool = True
    ) -> tuple[FloatArray, int, bool]:
        """Minimiser (approximate) of the local model, the sweeps used and
        whether it is an exact step (``exact`` allows one): of a smooth model
        by Cholesky, of an L1 model on coordinate descent's orthant
        (:func:`._newton_linalg.orthant_model_step`) where that is lower."""
        g, theta, lam = state.grad, state.theta, fit.weights
        if exact and not np.any(lam > 0):
            d = smooth_model_step(H, g)
            if d is not None:  # else not positive definite: CD needs only H_jj > 0
                return d, 0, True
        inner_tol = max(0.05 * state.grad_max_norm, 0.01 * fit.tol)
        cap = self.options.max_sweeps
        if cap is None:
            cap = sweep_cap(int(fit.objective.data.n_samples))
        d = np.zeros(theta.size)
        sweeps = gram_cd(H, g, theta, lam, d, inner_tol, cap)
        n = int(fit.objective.data.n_samples)
        refined = orthant_model_step(H, g, theta, lam, d, n) if exact else None
        if refined is not None:
            return refined, sweeps, True
        return d, sweeps, False

    def step(self, fit: Fit, state: _CDState) -> _CDState:
        # the K-class model without the gauge's coupling of w' to b' (module
        # docstring); the binary view's Hessian itself
        H = fit.view.gauge_free_hessian(state.theta)
        d, sweeps, exact = self.direction(fit, H, state)
        new = self._search(fit, state, d, sweeps)
        if new is None and exact:
            # the exact step of a model singular to rounding (a pivot of
            # ~1e-16) ran off along its flat direction: coordinate descent's
            # alone
            d, sweeps, _ = self.direction(fit, H, state, exact=False)
            new = self._search(fit, state, d, sweeps)
        return state if new is None else new

    def _search(
        self, fit: Fit, state: _CDState, d: FloatArray, sweeps: int
    ) -> _CDState | None:
        """The state the line search along ``d`` accepts, or None with
        ``state.stop`` set (no descent direction, or no decrease found)."""
        theta, F = state.theta, state.value
        # Σ λ_j (|θ_j + d_j| − |θ_j|) elementwise: the difference of the two sums
        # would lose tiny steps to rounding near the optimum.
        change = float(fit.weights @ (np.abs(theta + d) - np.abs(theta)))
        decrease = float(state.grad @ d) + change
        if not decrease < 0:
            state.stop = NO_DESCENT_STOP
            return None

        def trial(t: float) -> tuple[bool, _CDState]:
            at = fit.view.gauge_free(theta + t * d)
            f, g = fit.view.value_and_gradient(at)
            new = self._state(fit, at, f, g, step=t, sweeps=sweeps)
            # precision regime (see the module docstring): the step untested
            untested = negligible(-decrease * t, F, fit.value_eps) and bool(
                np.isfinite(new.value)
            )
            return untested or armijo(new.value, F, t, decrease), new

        step = fit.to_original(theta + d) - fit.to_original(theta)
        accepted, new = backtrack(
            trial,
            first_trial(fit.objective, step),
            max_backtracks=self.options.max_backtracks,
        )
        if accepted and new is not None:
            return new
        state.stop = LINE_SEARCH_STOP
        return None
