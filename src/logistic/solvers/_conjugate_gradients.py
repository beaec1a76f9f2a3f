"""Conjugate gradients for a Newton direction, stopped at vanishing curvature.

Truncated Newton (:mod:`.newton_cg`) and L-BFGS's polishing steps
(:mod:`.lbfgs`) solve ``H d = -g`` from Hessian-vector products. scipy's
``cg`` is the same iteration without the test those solves need: along a
direction of exact dependency among columns the computed curvature is
rounding noise, and a step ``rᵀz / pᵀHp`` by it leaves the logits to rounding.
Its ``LinearOperator`` without a dtype also multiplies a zero vector to find
one: a whole pass over the data per solve.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._typing import FloatArray

__all__ = ["CURVATURE_FLOOR", "conjugate_gradients"]

#: curvature ``pᵀHp`` below this times ``pᵀ diag(H) p`` ends a solve. An exact
#: dependency among columns far from centred has a computed curvature of
#: rounding, ``~(ε·mean/spread)²`` of the diagonal's and more on few rows
#: (epoch seconds beside the same instants in ms: stopped here on 20 000 and
#: 200 000 rows, ``benchmarks.cg_dependency``); columns equal to within δ
#: give ``δ²``, which the steps need (a floor at 4ε stopped δ = 3e-8
#: unconverged 18 times in 20 where no floor failed 5). At 1e-16, δ down to
#: ~1.5e-8 is solved as without a floor; below that the solves fail about
#: as often either way (δ = 1e-8: 13 and 12 in 20).
CURVATURE_FLOOR = 1e-16


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
    exceed :data:`CURVATURE_FLOOR` times ``pᵀ diag(H) p`` (without a
    diagonal, where nothing says what is small in the coordinates, which
    need not be standardized, it must be positive). Along a direction of
    exact dependency among columns the curvature is rounding noise, and a
    step ``rᵀz / pᵀHp`` along it leaves the logits to rounding; at such a
    direction the iteration stops and returns what it has, or the
    preconditioned gradient ``-diag(H)⁻¹ g`` if it is the first (Nocedal &
    Wright, *Numerical Optimization*, 2nd ed., Algorithm 7.1).
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
        reference = 0.0 if diagonal is None else float(p @ (diagonal * p))
        if not curvature > CURVATURE_FLOOR * reference:
            return (p if iteration == 0 else x), count
        alpha = rho / curvature
        x += alpha * p
        r -= alpha * q
        rho_prev = rho
    return x, count
