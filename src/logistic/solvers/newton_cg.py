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
instants in milliseconds). It iterates
in standardized coordinates
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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._aliasing import ALIAS_TOL
from .._objective import LogisticObjective
from .._typing import FloatArray
from ._base import Capabilities, Fit, register
from ._iterative import LINE_SEARCH_STOP, IterativeSolver
from ._linesearch import armijo_or_flat, backtrack
from ._options import LineSearchOptions
from ._start import start_value_and_gradient

__all__ = ["NewtonCG", "NewtonCGOptions", "conjugate_gradients"]

#: curvature ``pᵀHp`` below this times ``pᵀ diag(H) p`` ends a conjugate
#: gradients solve (:func:`conjugate_gradients`)
CURVATURE_FLOOR = ALIAS_TOL


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

        accepted, out = backtrack(
            trial, 1.0, max_backtracks=self.options.max_backtracks
        )
        if accepted and out is not None:
            t, theta, f, g = out
            gmax = fit.residual(theta, g)
            return _State(theta, f, g, gmax, step=t, cg_iter=n_cg)
        state.stop = LINE_SEARCH_STOP
        return state


def conjugate_gradients(
    hessp: Callable[[FloatArray], FloatArray],
    g: FloatArray,
    *,
    rtol: float,
    maxiter: int,
    diagonal: FloatArray | None = None,
) -> tuple[FloatArray, int]:
    """An approximate solution of ``H d = -g`` by (Jacobi-preconditioned)
    conjugate gradients, and the number of products ``H v`` it took.

    The iteration of scipy's ``cg`` (start at 0, stop when ``‖r‖ < rtol ‖g‖``
    or after ``maxiter`` products), with the test truncated Newton needs and
    ``cg`` does not make: the curvature ``pᵀ H p`` along each direction must
    exceed ``CURVATURE_FLOOR`` times ``pᵀ diag(H) p`` (``pᵀ p`` without a
    diagonal; the view's coordinates are standardized, so its diagonal is
    near 1/4). Along a direction of exact dependency among columns the
    curvature is rounding noise (~1e-20 of that for columns far from
    centred), and a step ``rᵀz / pᵀHp`` along it leaves the logits to
    rounding; at such a direction the iteration stops and returns what it
    has, or the preconditioned gradient ``-diag(H)⁻¹ g`` if it is the first
    (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithm 7.1).
    The floor is the rank rule's cap (:data:`logistic._aliasing.ALIAS_TOL`):
    a curvature below it is one the aliasing step treats as none.
    """
    b = -np.asarray(g, dtype=np.float64)
    x = np.zeros_like(b)
    bnorm = float(np.linalg.norm(b))
    if bnorm == 0.0:
        return x, 0
    atol = rtol * bnorm
    inv = None if diagonal is None else 1.0 / diagonal
    r = b.copy()
    p = np.zeros_like(b)
    rho_prev = 1.0
    count = 0
    for iteration in range(maxiter):
        if float(np.linalg.norm(r)) < atol:
            break
        z = r if inv is None else inv * r
        rho = float(r @ z)
        if iteration > 0:
            p *= rho / rho_prev
            p += z
        else:
            p = z.copy()
        q = np.asarray(hessp(p), dtype=np.float64)
        count += 1
        curvature = float(p @ q)
        reference = float(p @ p) if diagonal is None else float(p @ (diagonal * p))
        if not curvature > CURVATURE_FLOOR * reference:
            return (p if iteration == 0 else x), count
        alpha = rho / curvature
        x += alpha * p
        r -= alpha * q
        rho_prev = rho
    return x, count
