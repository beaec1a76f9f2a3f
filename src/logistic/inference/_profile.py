"""Profile-likelihood confidence intervals (R's ``confint.glm`` and logistf).

Convention (owned here): with ``ℓ*`` the log-likelihood ``ℓ`` of a maximum
likelihood fit, or Firth's ``ℓ(β) + ½ log det I(β)`` (the full model's
information, as logistf) for a Firth fit, the ``1-α`` interval of ``β_j`` is

    { c : 2 [ℓ*(β̂) - max_{β: β_j = c} ℓ*(β)] ≤ χ²_{1, 1-α} }

The endpoints are solved to ~1e-12 here; R's MASS ``confint.glm`` interpolates
a spline through a grid of profile points instead, so its printed digits agree
only to about 1e-5 relative.

Each endpoint is a root of that profile deviance minus the quantile, found by
``scipy.optimize.brentq`` after bracketing outward from ``β̂_j`` in steps of
the Wald standard error (doubling). The constrained maximum is computed by
modified Fisher scoring on the free coordinates (``I_ff⁻¹ U*_f``) with an
Armijo line search, stopped when the Newton decrement in log-likelihood
units is below 1e-12. Unbounded sides (the profile never reaches the
quantile) give ±inf.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize
from scipy.linalg import LinAlgError, cho_factor, cho_solve

from .._firth import FirthPoint
from .._numerics import MAX_BACKTRACKS
from .._typing import FloatArray
from ..solvers._linesearch import armijo, backtrack

__all__ = ["LikelihoodPoints", "profile_conf_int"]


class LikelihoodPoints:
    """The plain (unpenalized) objective seen through :class:`FirthObjective`'s API."""

    def __init__(self, objective: Any) -> None:
        self.objective = objective
        self.n_params = objective.n_params

    def information(self, theta: FloatArray) -> FloatArray:
        return self.objective.weight_sum * self.objective.hessian(theta)

    def point(self, theta: FloatArray) -> FirthPoint:
        value, grad = self.objective.value_and_gradient(theta)
        try:
            factor = cho_factor(self.information(theta), lower=True)
        except LinAlgError:
            return FirthPoint(theta, np.inf, value, 0.0, None)
        return FirthPoint(theta, value, value, 0.0, factor, grad)


def _constrained_max(
    fo: Any, start: FloatArray, j: int, c: float, max_iter: int = 200
) -> FirthPoint:
    """Minimize ``F`` over all coordinates but ``j`` (held at ``c``)."""
    total = fo.objective.weight_sum
    theta = np.array(start, dtype=np.float64)
    theta[j] = c
    free = np.arange(theta.size) != j
    pt = fo.point(theta)
    if pt.grad is None:
        raise FloatingPointError("singular Fisher information on the profile path")
    for _ in range(max_iter):
        info = fo.information(pt.theta)[np.ix_(free, free)]
        g = pt.grad[free]
        d = -total * cho_solve(cho_factor(info, lower=True), g)
        decrement = -total * float(g @ d)  # log-likelihood units
        if decrement < 1e-12:
            break
        slope = float(g @ d)

        def trial(
            t: float, base: FirthPoint = pt, d: FloatArray = d, slope: float = slope
        ) -> tuple[bool, FirthPoint]:
            theta_t = base.theta.copy()
            theta_t[free] += t * d
            point = fo.point(theta_t)
            ok = point.grad is not None and armijo(point.value, base.value, t, slope)
            return ok, point

        accepted, new = backtrack(trial, 1.0, max_backtracks=MAX_BACKTRACKS)
        if not accepted or new is None:
            break
        pt = new
    return pt


def profile_conf_int(fo: Any, theta_hat: FloatArray, alpha: float) -> FloatArray:
    """Profile penalized-likelihood intervals, shape (k, 2), objective order."""
    total = fo.objective.weight_sum
    hat = fo.point(theta_hat)
    if hat.factor is None:
        raise FloatingPointError("singular Fisher information at the estimate")
    se = np.sqrt(np.diag(cho_solve(hat.factor, np.eye(theta_hat.size))))
    from scipy import stats

    quantile = float(stats.chi2.isf(alpha, 1))
    out = np.empty((theta_hat.size, 2))
    for j in range(theta_hat.size):
        warm = {"theta": hat.theta}

        def excess(c: float, j: int = j, warm: dict = warm) -> float:
            pt = _constrained_max(fo, warm["theta"], j, c)
            warm["theta"] = pt.theta
            return 2.0 * total * (pt.value - hat.value) - quantile

        for side, sign in ((0, -1.0), (1, 1.0)):
            warm["theta"] = hat.theta
            inner, step = float(theta_hat[j]), 2.0 * se[j]
            outer = inner + sign * step
            for _ in range(40):
                if excess(outer) > 0:
                    break
                inner, step = outer, 2.0 * step
                outer = inner + sign * step
            else:
                out[j, side] = sign * np.inf
                continue
            warm["theta"] = hat.theta
            out[j, side] = optimize.brentq(
                excess, min(inner, outer), max(inner, outer), xtol=1e-12, rtol=1e-12
            )
    return out


def profile_lr_statistics(fo: Any, theta_hat: FloatArray) -> FloatArray:
    """``2 [ℓ*(β̂) - max_{β_j = 0} ℓ*(β)]`` for every j (objective order).

    The per-coefficient likelihood-ratio statistics (logistf's default tests
    for Firth fits, with the full model's penalty); each is ``χ²(1)`` under
    ``β_j = 0``.
    """
    total = fo.objective.weight_sum
    hat = fo.point(theta_hat)
    out = np.empty(theta_hat.size)
    for j in range(theta_hat.size):
        pt = _constrained_max(fo, hat.theta, j, 0.0)
        out[j] = max(2.0 * total * (pt.value - hat.value), 0.0)
    return out
