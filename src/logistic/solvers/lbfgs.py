"""L-BFGS: scipy's L-BFGS-B on the fused value+gradient, in standardized coordinates.

scipy's own stopping tests are switched off (``gtol=0``, ``ftol=0``); a callback
stops the run when the gradient max-norm in standardized coordinates is ≤ tol, so the
stopping rule is the same as every other solver's. scipy's result is
translated into :class:`SolverResult` in one place (``_translate``).

Precision polish: L-BFGS-B's line search compares objective values, so it
stalls once the decrease per step falls below the floating-point resolution
of ``J`` (≈ 1e-16 relative), typically with a gradient max-norm near 1e-9.
When scipy stops there with the gradient still above ``tol``, at most
``polish_steps`` (default 5) Newton–CG steps follow (conjugate gradients on
Hessian-vector products, one pass each; accepted only when they reduce the
gradient norm). They need no objective comparisons and converge
quadratically this close to the optimum. Each is recorded in ``history``
with ``polish=1``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from scipy.optimize import minimize

from .._scaling import ScaledObjective
from .._typing import FloatArray
from ._base import Capabilities, Solver, SolverResult, register

__all__ = ["LBFGS"]


@register
class LBFGS(Solver):
    """scipy's L-BFGS-B. Options: ``memory`` (history size, default 20),
    ``standardize`` (default True)."""

    name = "lbfgs"
    capabilities = Capabilities()

    def solve(self, objective: Any, theta0: FloatArray) -> SolverResult:
        t0 = time.perf_counter()
        passes0 = objective.n_evaluations
        scaled = ScaledObjective(objective)
        obj = scaled if self.options.get("standardize", True) else None
        fun = obj if obj is not None else objective
        to_orig = obj.to_original if obj is not None else (lambda t: t)
        criterion = (lambda g: g) if obj is not None else scaled.scaled_gradient
        x0 = obj.from_original(theta0) if obj is not None else np.asarray(theta0, float)
        last: dict[str, Any] = {}
        history: list[dict[str, float]] = []

        def fg(x: FloatArray) -> tuple[float, FloatArray]:
            f, g = fun.value_and_gradient(x)
            self._check_finite(len(history), to_orig(last.get("x", x0)), f, g)
            last.update(x=np.array(x), f=f, g=g)
            return f, g

        def gnorm_at(x: FloatArray) -> float:
            if "x" not in last or not np.array_equal(last["x"], x):
                fg(x)
            return float(np.max(np.abs(criterion(last["g"])), initial=0.0))

        g0 = gnorm_at(x0)
        self._record(
            history, t0, iter=0, objective=last["f"], grad_max_norm=g0, step=0.0
        )
        if g0 <= self.tol:
            return self._translate(None, to_orig(x0), history, objective, passes0)

        def callback(intermediate_result: Any) -> None:
            x = intermediate_result.x
            gn = gnorm_at(x)
            self._record(
                history,
                t0,
                iter=len(history),
                objective=float(intermediate_result.fun),
                grad_max_norm=gn,
                step=float("nan"),
            )
            if gn <= self.tol:
                raise StopIteration

        res = minimize(
            fg,
            x0,
            jac=True,
            method="L-BFGS-B",
            callback=callback,
            options={
                "maxiter": self.max_iter,
                "maxfun": max(15000, 20 * self.max_iter),
                "gtol": 0.0,
                "ftol": 0.0,
                "maxcor": int(self.options.get("memory", 20)),
            },
        )
        x = res.x
        if history[-1]["grad_max_norm"] > self.tol and res.nit < self.max_iter:
            x = self._polish(fun, x, gnorm_at, history, t0)
        return self._translate(res, to_orig(x), history, objective, passes0)

    def _polish(
        self,
        fun: Any,
        x: FloatArray,
        gnorm_at: Any,
        history: list[dict[str, float]],
        t0: float,
    ) -> FloatArray:
        """Newton–CG steps without objective comparisons (see module docstring)."""
        from scipy.sparse.linalg import LinearOperator, cg

        gn = gnorm_at(x)
        for _ in range(int(self.options.get("polish_steps", 5))):
            _, g = fun.value_and_gradient(x)
            H = LinearOperator(
                (x.size, x.size), matvec=lambda v, x=x: fun.hessian_vector(x, v)
            )
            d, _info = cg(
                H, -g, rtol=1e-4, maxiter=max(20, 2 * x.size) if x.size < 200 else 200
            )
            x_new = x + d
            gn_new = gnorm_at(x_new)
            if not gn_new < gn:
                break
            x, gn = x_new, gn_new
            self._record(
                history,
                t0,
                iter=len(history),
                objective=float(fun.value(x)),
                grad_max_norm=gn,
                step=1.0,
                polish=1,
            )
            if gn <= self.tol:
                break
        return x

    def _translate(
        self,
        res: Any,
        coef: FloatArray,
        history: list[dict[str, float]],
        objective: Any,
        passes0: int,
    ) -> SolverResult:
        last = history[-1]
        if res is None:
            status = "gradient max-norm below tol at the start"
        elif last["grad_max_norm"] <= self.tol:
            status = "gradient max-norm below tol"
        else:
            status = f"scipy L-BFGS-B stopped: {res.message}"
        return self._finish(
            coef=coef,
            n_iter=len(history) - 1,
            objective_value=last["objective"],
            grad_max_norm=last["grad_max_norm"],
            history=history,
            status=status,
            n_passes=objective.n_evaluations - passes0,
            objective=objective,
        )
