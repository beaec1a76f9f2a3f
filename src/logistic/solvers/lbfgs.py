"""L-BFGS on the fused value+gradient, in standardized coordinates.

The iteration (``engine="native"``, the default) is the textbook one
(Nocedal & Wright, Algorithm 7.4 and 7.5): the direction from the two-loop
recursion over the last ``memory`` pairs ``(s, y)`` with the initial scaling
``sᵀy / yᵀy``, and a line search on Armijo's decrease and the weak Wolfe
curvature condition (``c2 = 0.9``) whose every trial is one fused
value+gradient pass, so the accepted trial's gradient *is* the next
iteration's gradient (no second pass). The first step is ``min(1, 1/‖d‖₂)``
(as L-BFGS-B's). Rejected trials shrink the step by safeguarded quadratic
interpolation; a too-short step doubles until the curvature condition holds.
Outside the data passes an iteration costs O(memory · n_params) numpy work:
scipy's L-BFGS-B (``engine="scipy"``), with its bound-constrained machinery
(generalized Cauchy point, subspace minimization), measured 40 % of an
L-BFGS fit's time on reuters (8 316 parameters) and grows with the number of
parameters. In the precision regime (objective differences within rounding
noise) a trial that lowers the gradient is accepted, as in Newton's
line search (:mod:`._linesearch`).

With ``engine="scipy"``, scipy's own stopping tests are switched off
(``gtol=0``, ``ftol=0``) and a callback stops the run when the gradient
max-norm in standardized coordinates is ≤ tol; its result is translated in
one place (``_translate``). Either way the stopping rule is every solver's.

Precision polish: a line search that compares objective values
stalls once the decrease per step falls below the floating-point resolution
of ``J`` (≈ 1e-16 relative), typically with a gradient max-norm near 1e-9.
When the iteration stops there with the gradient still above ``tol``, at most
``polish_steps`` (default 5) Newton–CG steps follow (conjugate gradients on
Hessian-vector products, one pass each; accepted only when they reduce the
gradient norm). They need no objective comparisons and converge
quadratically this close to the optimum. Each is recorded in ``history``
with ``polish=1``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._numerics import FLOOR_FACTOR, STALL_PATIENCE
from .._typing import FloatArray
from ._base import Capabilities, Fit, Solver, SolverResult, register
from ._iterative import _Progress, gradient_noise
from ._linesearch import armijo_or_flat, unresolved

__all__ = ["LBFGS", "LBFGSOptions"]


@dataclass(frozen=True)
class LBFGSOptions:
    """memory : curvature pairs kept; standardize : iterate in standardized
    coordinates; polish_steps : Newton–CG steps after a stall; engine :
    ``"native"`` (two-loop recursion, fused line search) or ``"scipy"``
    (scipy's L-BFGS-B)."""

    memory: int = field(default=20, metadata={"min": 1})
    standardize: bool = True
    polish_steps: int = field(default=5, metadata={"min": 0})
    engine: str = field(default="native", metadata={"choices": ("native", "scipy")})


class _Evaluations:
    """The fused value and gradient at the last point scipy asked for."""

    def __init__(self, solver: LBFGS, fit: Fit, x0: FloatArray) -> None:
        self.solver, self.fit, self.x0 = solver, fit, x0
        self.x: FloatArray | None = None
        self.f = 0.0
        self.g = x0

    def __call__(self, x: FloatArray) -> tuple[float, FloatArray]:
        f, g = self.fit.coords.value_and_gradient(x)
        last = self.x0 if self.x is None else self.x
        self.solver._check_finite(
            len(self.fit.history), self.fit.to_original(last), f, g
        )
        self.x, self.f, self.g = np.array(x), f, g
        return f, g

    def residual(self, x: FloatArray) -> float:
        """The stopping norm at ``x`` (evaluating there unless just done)."""
        if self.x is None or not np.array_equal(self.x, x):
            self(x)
        return self.fit.residual(x, self.g)


@register
class LBFGS(Solver):
    """L-BFGS (options: :class:`LBFGSOptions`).

    A checkpoint holds the current point only (``theta_original``), so a
    resumed fit restarts L-BFGS (an empty memory) from it.
    """

    name = "lbfgs"
    capabilities = Capabilities()
    Options = LBFGSOptions

    def iterates_standardized(self) -> bool:
        return bool(self.options.standardize)

    def _iteration(
        self, fit: Fit, x: FloatArray, f: float, gn: float, **extra: Any
    ) -> None:
        n_iter = len(fit.history)
        self._record(
            fit,
            iter=n_iter,
            objective=f,
            grad_max_norm=gn,
            step=extra.pop("step"),
            **extra,
        )
        if fit.on_iteration is not None:
            state = {"theta_original": fit.to_original(x)}
            fit.on_iteration(n_iter, state, fit.history)

    def _run(
        self, fit: Fit, theta0: FloatArray, start: dict[str, Any] | None
    ) -> SolverResult:
        k0 = 0
        if start is not None:
            k0 = int(start["n_iter"])
            theta0 = np.asarray(start["state"]["theta_original"], dtype=np.float64)
        x0 = fit.from_original(theta0)
        ev = _Evaluations(self, fit, x0)
        g0 = ev.residual(x0)
        if start is None:
            self._record(fit, iter=0, objective=ev.f, grad_max_norm=g0, step=0.0)
        if g0 <= fit.tol:
            return self._translate(fit, None, fit.to_original(x0))
        if self.options.engine == "native":
            return self._run_native(fit, x0, ev, max(0, self.max_iter - k0))

        def callback(intermediate_result: Any) -> None:
            x = intermediate_result.x
            gn = ev.residual(x)
            self._iteration(
                fit, x, float(intermediate_result.fun), gn, step=float("nan")
            )
            if gn <= fit.tol:
                raise StopIteration

        # lazy: scipy.optimize alone costs ~0.3 s to import
        from scipy.optimize import minimize

        remaining = max(0, self.max_iter - k0)
        res = minimize(
            ev,
            x0,
            jac=True,
            method="L-BFGS-B",
            callback=callback,
            options={
                "maxiter": remaining,
                "maxfun": max(15000, 20 * self.max_iter),
                "gtol": 0.0,
                "ftol": 0.0,
                "maxcor": self.options.memory,
            },
        )
        x = res.x
        if fit.history[-1]["grad_max_norm"] > fit.tol and res.nit < remaining:
            x = self._polish(fit, x, ev)
        return self._translate(fit, res, fit.to_original(x))

    def _run_native(
        self, fit: Fit, x: FloatArray, ev: _Evaluations, remaining: int
    ) -> SolverResult:
        """The native iteration (module docstring); ``ev`` holds f, g at ``x``."""
        x = np.array(x, dtype=np.float64)
        f, g = ev.f, ev.g
        pairs: deque[tuple[FloatArray, FloatArray, float]] = deque(
            maxlen=self.options.memory
        )
        status = "iteration limit reached"
        progress = _Progress(fit.history[-1]["grad_max_norm"], 0, f)
        n_iter = 0
        for n_iter in range(1, remaining + 1):  # noqa: B007 - read after the loop
            d = _two_loop(g, pairs)
            slope = float(g @ d)
            if not slope < 0:  # lost descent (rounding): restart from -g
                pairs.clear()
                d, slope = -g, -float(g @ g)
            t0 = min(1.0, 1.0 / float(np.linalg.norm(d))) if not pairs else 1.0
            found = _wolfe_search(ev, x, f, g, d, slope, t0)
            if found is None:
                status = "line search found no decrease (precision limit)"
                n_iter -= 1
                break
            t, x_new, f_new, g_new = found
            s_k, y_k = x_new - x, g_new - g
            sy = float(s_k @ y_k)
            if sy > 1e-10 * float(y_k @ y_k) and sy > 0:
                pairs.append((s_k, y_k, 1.0 / sy))
            x, f, g = x_new, f_new, g_new
            gn = fit.residual(x, g)
            self._iteration(fit, x, f, gn, step=t)
            if gn <= fit.tol:
                status = "gradient max-norm below tol"
                break
            stalled = self._at_floor(fit, x, gn, f, progress)
            if stalled:
                status = stalled
                break
        last = fit.history[-1]
        if last["grad_max_norm"] > fit.tol and n_iter < remaining:
            x = self._polish(fit, x, ev)
        last = fit.history[-1]
        if last["grad_max_norm"] <= fit.tol:
            status = "gradient max-norm below tol"
        return self._finish(
            fit,
            coef=fit.to_original(x),
            n_iter=len(fit.history) - 1,
            objective_value=last["objective"],
            grad_max_norm=last["grad_max_norm"],
            status=status,
        )

    @staticmethod
    def _at_floor(
        fit: Fit, x: FloatArray, gn: float, f: float, progress: _Progress
    ) -> str:
        """The iterative solvers' stall test (:mod:`._iterative`): no new best
        gradient norm nor a decrease beyond rounding noise for
        ``STALL_PATIENCE`` iterations, with the gradient within
        ``FLOOR_FACTOR`` of its rounding noise; a status, or ""."""
        progress.update(f, gn)
        if progress.since_best < STALL_PATIENCE:
            return ""
        noise = gradient_noise(fit.objective, fit.view, fit.to_original(x))
        if gn > FLOOR_FACTOR * noise:
            progress.since_best = 0  # slow, not stuck
            return ""
        return (
            f"no decrease of the gradient norm in {STALL_PATIENCE} iterations "
            f"and it is within {FLOOR_FACTOR:g}× its rounding noise "
            f"({noise:.2g}): floating-point precision reached"
        )

    def _polish(self, fit: Fit, x: FloatArray, ev: _Evaluations) -> FloatArray:
        """Newton–CG steps without objective comparisons (see module docstring)."""
        from scipy.sparse.linalg import LinearOperator, cg  # lazy (start-up time)

        fun = fit.coords
        gn = ev.residual(x)
        for _ in range(self.options.polish_steps):
            _, g = fun.value_and_gradient(x)
            H = LinearOperator(
                (x.size, x.size), matvec=lambda v, x=x: fun.hessian_vector(x, v)
            )
            d, _info = cg(
                H, -g, rtol=1e-4, maxiter=max(20, 2 * x.size) if x.size < 200 else 200
            )
            x_new = x + d
            gn_new = ev.residual(x_new)
            if not gn_new < gn:
                break
            x, gn = x_new, gn_new
            self._iteration(fit, x, float(fun.value(x)), gn, step=1.0, polish=1)
            if gn <= fit.tol:
                break
        return x

    def _translate(self, fit: Fit, res: Any, coef: FloatArray) -> SolverResult:
        """scipy's result as a :class:`SolverResult`."""
        last = fit.history[-1]
        if res is None:
            status = "gradient max-norm below tol at the start"
        elif last["grad_max_norm"] <= fit.tol:
            status = "gradient max-norm below tol"
        else:
            status = f"scipy L-BFGS-B stopped: {res.message}"
        return self._finish(
            fit,
            coef=coef,
            n_iter=len(fit.history) - 1,
            objective_value=last["objective"],
            grad_max_norm=last["grad_max_norm"],
            status=status,
        )


#: Weak Wolfe curvature constant (Nocedal & Wright's choice for quasi-Newton).
WOLFE_C2 = 0.9
#: Most trials of one line search (each one data pass).
MAX_TRIALS = 30


def _two_loop(
    g: FloatArray, pairs: deque[tuple[FloatArray, FloatArray, float]]
) -> FloatArray:
    """``-H g`` by the two-loop recursion, ``H₀ = (sᵀy / yᵀy) I``."""
    q = np.array(g, dtype=np.float64)
    alphas = []
    for s_k, y_k, rho in reversed(pairs):
        a = rho * float(s_k @ q)
        q -= a * y_k
        alphas.append(a)
    if pairs:
        s_k, y_k, rho = pairs[-1]
        q *= 1.0 / (rho * float(y_k @ y_k))
    for (s_k, y_k, rho), a in zip(pairs, reversed(alphas), strict=True):
        b = rho * float(y_k @ q)
        q += (a - b) * s_k
    return -q


def _wolfe_search(
    ev: _Evaluations,
    x: FloatArray,
    f: float,
    g: FloatArray,
    d: FloatArray,
    slope: float,
    t: float,
) -> tuple[float, FloatArray, float, FloatArray] | None:
    """A step satisfying Armijo's and the weak Wolfe conditions (or, in the
    precision regime, lowering the gradient), each trial one fused pass.

    Returns ``(t, x + t d, f, g)`` there, or None when no trial succeeds.
    """
    lo, hi = 0.0, np.inf
    g_l1 = float(np.sum(np.abs(g)))
    best = None
    for _ in range(MAX_TRIALS):
        x_t = x + t * d
        f_t, g_t = ev(x_t)
        def smaller_gradient(g_t: FloatArray = g_t) -> bool:
            return float(np.sum(np.abs(g_t))) < g_l1

        if not armijo_or_flat(f_t, f, t, slope, smaller_gradient):
            hi = t
            if np.isfinite(f_t):  # minimizer of the quadratic through f, slope, f_t
                denom = 2.0 * (f_t - f - slope * t)
                t_q = -slope * t * t / denom if denom > 0 else 0.5 * t
            else:
                t_q = 0.1 * t
            t = float(min(max(t_q, lo + 0.1 * (hi - lo)), lo + 0.5 * (hi - lo)))
            continue
        best = (t, x_t, f_t, g_t)
        if float(g_t @ d) >= WOLFE_C2 * slope or unresolved(f_t, f):
            return best
        lo = t  # too short: the slope is still steep
        t = 2.0 * t if not np.isfinite(hi) else 0.5 * (lo + hi)
    return best
