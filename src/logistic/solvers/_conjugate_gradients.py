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

#: curvature ``pᵀHp`` below this times ``pᵀ diag(H) p`` ends a solve: a few
#: units of float64's rounding, the relative error with which the products
#: give the curvature of any direction, so that below it the computed
#: curvature may be rounding alone (an exact dependency's is ~1e-20), while
#: a near dependency the rows resolve (columns equal to 3e-7, a curvature
#: ~1e-13) is solved for
CURVATURE_FLOOR = 4.0 * float(np.finfo(np.float64).eps)


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
    exceed ``CURVATURE_FLOOR`` times ``pᵀ diag(H) p`` (without a diagonal,
    ``pᵀ p`` times the curvature per unit length along the first direction,
    the gradient's: a floor in the units of the coordinates, which need not
    be standardized). Along a direction of exact dependency among columns the
    curvature is rounding noise (~1e-20 of that for columns far from
    centred), and a step ``rᵀz / pᵀHp`` along it leaves the logits to
    rounding; at such a direction the iteration stops and returns what it
    has, or the preconditioned gradient ``-diag(H)⁻¹ g`` if it is the first
    (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithm 7.1).
    The floor is :data:`CURVATURE_FLOOR`.
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
    unit = 0.0  # without a diagonal: the first direction's pᵀHp / pᵀp
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
        if diagonal is None:
            length = float(p @ p)
            if iteration == 0:
                unit = curvature / length if length > 0 else 0.0
            reference = length * unit
        else:
            reference = float(p @ (diagonal * p))
        if not curvature > CURVATURE_FLOOR * reference:
            return (p if iteration == 0 else x), count
        alpha = rho / curvature
        x += alpha * p
        r -= alpha * q
        rho_prev = rho
    return x, count
