"""Firth's bias-reduced logistic regression (Jeffreys-prior penalized likelihood).

Convention (owned here): with the log-likelihood ``ℓ(θ) = -Σ_i s_i L(y_i, z_i)``
(sample weights ``s`` are frequency weights) and the Fisher information

    I(θ) = X̃ᵀ W X̃,   W = diag(s_i σ(z_i) σ(-z_i)),   X̃ = [X, 1]

Firth's estimate maximizes ``ℓ*(θ) = ℓ(θ) + ½ log det I(θ)``. The intercept
is part of ``I`` (it is not "unpenalized" in any other sense), exactly as in
R's ``logistf`` (Heinze & Schemper 2002). On the mean-loss scale of
:class:`~logistic._objective.LogisticObjective` the solver minimizes

    F(θ) = J(θ) - log det I(θ) / (2 Σs) = -ℓ*(θ) / Σs

whose gradient is ``-U*(θ)/Σs`` with the *modified score*

    U*(θ) = X̃ᵀ (s ⊙ (y - σ(z)) + h ⊙ (½ - σ(z))),
    h_i   = s_i σ(z_i) σ(-z_i) x̃_iᵀ I(θ)⁻¹ x̃_i        (the hat-matrix diagonal),

since ``∂/∂θ_j ½ log det I = ½ tr(I⁻¹ ∂I/∂θ_j) = Σ_i h_i (½ - σ(z_i)) x̃_ij``.
The iteration is Heinze & Schemper's modified Fisher scoring
``θ ← θ + t I(θ)⁻¹ U*(θ)`` with the step ``t`` halved until ``F`` decreases
(Armijo; once ``F`` changes only by rounding, 64 ulp, a step is accepted
when it lowers the gradient norm instead), and each step's largest
standardized component capped at
``max_step`` (default 5, logistf's ``maxstep``). It stops when the gradient
max-norm of ``F`` in standardized coordinates is ≤ tol, like every solver.
Estimates are finite even under complete separation (``log det I → -∞`` as
``‖θ‖ → ∞``). Only the unpenalized objective (``l2 = 0``) is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.linalg import LinAlgError, cho_factor, cho_solve

from .. import _math
from .._exceptions import InvalidParameterError
from .._objective import block_logits
from .._scaling import ScaledObjective
from .._typing import Block, FloatArray
from ._base import Capabilities, IterativeSolver, register

__all__ = ["Firth", "FirthObjective"]

F64 = np.float64
EPS = float(np.finfo(np.float64).eps)


def block_firth_correction(
    block: Block, w: FloatArray, b: float, A: FloatArray, fit_intercept: bool
) -> tuple[FloatArray, float]:
    """Partial sums of ``X̃ᵀ (h ⊙ (½ - σ(z)))`` over one block.

    ``A`` is ``I(θ)⁻¹`` in the objective's parameter order (intercept last);
    ``h_i = s_i σ(z_i)σ(-z_i) x̃_iᵀ A x̃_i``.
    """
    p = w.shape[0]
    if block.n_rows == 0:
        return np.zeros(p), 0.0
    X = block.X
    z = block_logits(block, w, b).astype(F64, copy=False)
    d = _math.hessian_weight(z)
    if block.sample_weight is not None:
        d = d * block.sample_weight.astype(F64, copy=False)
    A_ww = A[:p, :p]
    XA = np.asarray(X @ A_ww, dtype=F64)
    if sp.issparse(X):
        q = np.asarray(X.multiply(XA).sum(axis=1), dtype=F64).ravel()
    else:
        q = np.einsum("ij,ij->i", XA, X, dtype=F64)
    if fit_intercept:
        q += 2.0 * np.asarray(X @ A[:p, p], dtype=F64) + A[p, p]
    t = d * q * (0.5 - _math.sigmoid(z))
    return np.asarray(X.T @ t, dtype=F64).ravel(), float(t.sum())


@dataclass
class FirthPoint:
    """Firth's penalized objective and its pieces at one ``θ``."""

    theta: FloatArray
    value: float  # F(θ) = -ℓ*(θ)/Σs (inf if I(θ) is singular)
    loss: float  # J(θ) = -ℓ(θ)/Σs
    logdet: float  # log det I(θ)
    factor: Any  # Cholesky factor of I(θ), or None if singular
    grad: FloatArray | None = None  # ∇F(θ) = -U*(θ)/Σs


class FirthObjective:
    """``F(θ) = J(θ) - log det I(θ) / (2Σs)`` over a :class:`LogisticObjective`.

    Reuses the objective's value, gradient and Hessian (``I = Σs ∇²J``); adds
    only the hat-value correction of the modified score.
    """

    def __init__(self, objective: Any) -> None:
        if getattr(objective, "l2", 0.0) != 0.0:
            raise InvalidParameterError(
                "Firth's penalty replaces the L2 penalty: the objective must have l2=0 "
                f"(got l2={objective.l2!r}); use penalty='firth' without alpha/C."
            )
        self.objective = objective
        self.n_params = objective.n_params

    def information(self, theta: FloatArray) -> FloatArray:
        """Fisher information ``I(θ) = X̃ᵀ W X̃`` (sum scale)."""
        return self.objective.weight_sum * self.objective.hessian(theta)

    def point(self, theta: FloatArray, *, with_grad: bool = True) -> FirthPoint:
        """Evaluate ``F`` (and optionally ``∇F``) at ``theta``."""
        obj = self.objective
        theta = np.asarray(theta, dtype=F64)
        if with_grad:
            loss, g = obj.value_and_gradient(theta)
        else:
            loss, g = obj.value(theta), None
        total = obj.weight_sum
        info = self.information(theta)
        try:
            factor = cho_factor(info, lower=True, check_finite=True)
            diag = np.diag(factor[0])
            if not np.all(diag > 0):
                raise LinAlgError("not positive definite")
        except (LinAlgError, ValueError):
            return FirthPoint(theta, np.inf, loss, -np.inf, None, None)
        logdet = 2.0 * float(np.sum(np.log(diag)))
        value = loss - 0.5 * logdet / total
        point = FirthPoint(theta, value, loss, logdet, factor)
        if with_grad:
            A = cho_solve(factor, np.eye(self.n_params), check_finite=False)
            w, b = obj.split(theta)
            fn = partial(
                block_firth_correction, w=w, b=b, A=A, fit_intercept=obj.fit_intercept
            )
            c_w, c_b = obj._reduce(fn)
            c = obj._join(c_w, c_b)
            point.grad = g - c / total
        return point

    def penalized_loglik(self, theta: FloatArray) -> float:
        """``ℓ*(θ) = ℓ(θ) + ½ log det I(θ)`` on the sum scale."""
        return -self.objective.weight_sum * self.point(theta, with_grad=False).value

    def modified_score(self, theta: FloatArray) -> FloatArray:
        """``U*(θ)`` on the sum scale (zero at Firth's estimate)."""
        grad = self.point(theta).grad
        if grad is None:
            raise FloatingPointError("the Fisher information is singular at theta")
        return -self.objective.weight_sum * grad


@dataclass
class _FirthState:
    theta: FloatArray
    value: float
    grad: FloatArray
    grad_max_norm: float
    factor: Any
    step: float = 0.0
    stop: str = ""


@register
class Firth(IterativeSolver):
    """Firth-penalized modified Fisher scoring.

    Options: ``max_step`` (default 5), ``max_backtracks`` (default 50).
    """

    name = "firth"
    capabilities = Capabilities(firth=True, needs_hessian=True)

    def init_state(self, objective: Any, theta0: FloatArray) -> _FirthState:
        self._firth = FirthObjective(objective)
        self._criterion = ScaledObjective(objective)
        pt = self._firth.point(theta0)
        if pt.factor is None or pt.grad is None:
            raise InvalidParameterError(
                "Firth: the Fisher information is singular at the starting point; "
                "the design has collinear or constant columns (or all-zero weights). "
                "Remove them before fitting."
            )
        return _FirthState(pt.theta, pt.value, pt.grad, self._gnorm(pt.grad), pt.factor)

    def _gnorm(self, g: FloatArray) -> float:
        return float(np.max(np.abs(self._criterion.scaled_gradient(g)), initial=0.0))

    def step(self, objective: Any, state: _FirthState) -> _FirthState:
        total = objective.weight_sum
        d = -total * cho_solve(state.factor, state.grad, check_finite=False)
        max_step = float(self.options.get("max_step", 5.0))
        size = float(np.max(np.abs(self._criterion.from_original(d)), initial=0.0))
        if size > max_step:
            d *= max_step / size
        slope = float(state.grad @ d)
        t = 1.0
        for _ in range(int(self.options.get("max_backtracks", 50))):
            theta = state.theta + t * d
            pt = self._firth.point(theta)
            if np.isfinite(pt.value) and pt.grad is not None:
                gnorm = self._gnorm(pt.grad)
                armijo = pt.value <= state.value + 1e-4 * t * slope
                # within rounding of F, a smaller gradient decides (the precision
                # limit of value comparisons is reached long before tol)
                flat = abs(pt.value - state.value) <= 64 * EPS * max(
                    1.0, abs(state.value)
                )
                if armijo or (flat and gnorm < state.grad_max_norm):
                    return _FirthState(
                        pt.theta, pt.value, pt.grad, gnorm, pt.factor, step=t
                    )
            t *= 0.5
        state.stop = (
            "line search could not decrease the penalized objective (precision limit)"
        )
        return state
