"""Firth's bias-reduced logistic regression (Jeffreys-prior penalized likelihood).

Convention (owned here): with the log-likelihood ``ℓ(θ) = -Σ_i s_i L(y_i, z_i)``
(sample weights ``s`` are frequency weights) and the Fisher information

    I(θ) = X̃ᵀ W X̃,   W = diag(s_i σ(z_i) σ(-z_i)),   X̃ = [X, 1]

Firth's estimate maximizes ``ℓ*(θ) = ℓ(θ) + ½ log det I(θ)``. The intercept
is part of ``I`` (it is not "unpenalized" in any other sense), exactly as in
R's ``logistf`` (Heinze & Schemper 2002). On the mean-loss scale of
:class:`~logistic._objective.LogisticObjective` the objective is

    F(θ) = J(θ) - log det I(θ) / (2 Σs) = -ℓ*(θ) / Σs

whose gradient is ``-U*(θ)/Σs`` with the *modified score*

    U*(θ) = X̃ᵀ (s ⊙ (y - σ(z)) + h ⊙ (½ - σ(z))),
    h_i   = s_i σ(z_i) σ(-z_i) x̃_iᵀ I(θ)⁻¹ x̃_i        (the hat-matrix diagonal),

since ``∂/∂θ_j ½ log det I = ½ tr(I⁻¹ ∂I/∂θ_j) = Σ_i h_i (½ - σ(z_i)) x̃_ij``.
An L2 term of the objective (``l2 = λ > 0``; the estimator never sets one with
``penalty="firth"``) is simply added: ``F + (λ/2)‖w‖²``, with ``I`` still the
Fisher information without it. The solver is
:class:`logistic.solvers.firth.Firth`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from . import _math
from ._objective import LogisticObjective, block_logits
from ._sparse import issparse
from ._typing import Block, FloatArray

__all__ = ["FirthObjective", "FirthPoint", "block_firth_correction", "hat_diagonal"]

F64 = np.float64
CHUNK_BYTES = 2**20


def _quadratic_forms(X: Any, A: FloatArray, fit_intercept: bool) -> FloatArray:
    """``q_i = x̃_iᵀ A x̃_i`` row chunk by row chunk (temporaries ≤ ~CHUNK_BYTES).

    X is never copied or densified as a whole: dense float32 rows are promoted
    one chunk at a time, sparse rows give a dense ``(chunk, k)`` product only.
    ``A`` (symmetric) is used through its leading rows ``A[:p]``, a contiguous
    view, so it is never copied either.
    """
    n, p = X.shape
    if A.flags.f_contiguous and not A.flags.c_contiguous:
        A = A.T  # symmetric: the C-ordered view of the same matrix
    top = A[:p]  # (p, k): [A_ww, a_wb]
    rows = max(1, CHUNK_BYTES // (8 * max(p, 1)))
    q = np.empty(n)
    for start in range(0, n, rows):
        Xc = X[start : start + rows]
        if issparse(Xc):
            XA = np.asarray(Xc @ top, dtype=F64)
            qc = np.asarray(Xc.multiply(XA[:, :p]).sum(axis=1), dtype=F64).ravel()
        else:
            Xc = np.asarray(Xc, dtype=F64)
            XA = Xc @ top
            qc = np.einsum("ij,ij->i", XA[:, :p], Xc)
        if fit_intercept:
            qc += 2.0 * XA[:, p] + A[p, p]
        q[start : start + rows] = qc
    return q


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
    t = d * _quadratic_forms(X, A, fit_intercept) * (0.5 - _math.sigmoid(z))
    xt = np.asarray(X.T @ t.astype(X.dtype, copy=False), dtype=F64).ravel()
    return xt, float(t.sum())


def hat_diagonal(objective: LogisticObjective, theta: FloatArray) -> FloatArray:
    """``h_i = s_i σ(z_i)σ(-z_i) x̃_iᵀ I(θ)⁻¹ x̃_i`` of every row, in the rows'
    order (rows in memory: :meth:`Backend.rows`); ``Σ h`` is the number of
    parameters. At Firth's estimate these weigh the pseudo-rows of Firth's
    augmented data (:mod:`logistic._firth_correction`).

    Raises
    ------
    FloatingPointError
        ``I(θ)`` is singular.
    """
    from scipy.linalg import LinAlgError, cho_factor, cho_solve

    theta = np.asarray(theta, dtype=F64)
    info = FirthObjective(objective).information(theta)
    try:
        factor = cho_factor(info, lower=True, check_finite=True)
    except (LinAlgError, ValueError):
        message = "the Fisher information is singular at theta"
        raise FloatingPointError(message) from None
    A = cho_solve(factor, np.eye(objective.n_params), check_finite=False)
    rows = objective.data.rows()
    w, b = objective.split(theta)
    z = block_logits(rows, w, b).astype(F64, copy=False)
    d = _math.hessian_weight(z)
    if rows.sample_weight is not None:
        d = d * rows.sample_weight.astype(F64, copy=False)
    return d * _quadratic_forms(rows.X, A, objective.fit_intercept)


@dataclass
class FirthPoint:
    """Firth's penalized objective and its pieces at one ``θ``."""

    theta: FloatArray
    value: float  # F(θ) = -ℓ*(θ)/Σs (inf if I(θ) is singular)
    loss: float  # J(θ) = -ℓ(θ)/Σs
    logdet: float  # log det I(θ)
    factor: Any  # Cholesky factor of I(θ), or None if singular
    grad: FloatArray | None = None  # ∇F(θ) = -U*(θ)/Σs
    newton: Any = None  # factor of I + Σs λ D when the objective has l2 = λ > 0


class FirthObjective:
    """``F(θ) = J(θ) - log det I(θ) / (2Σs)`` over a :class:`LogisticObjective`.

    Reuses the objective's value, gradient and Hessian (``I = Σs ∇²J``); adds
    only the hat-value correction of the modified score.
    """

    def __init__(self, objective: LogisticObjective) -> None:
        self.objective = objective
        self.n_params = objective.n_params
        self.l2 = float(objective.l2)
        # log |det T| / Σs of a centred copy's objective
        # (:class:`logistic._firth_centred.CentredObjective`), else 0: F is
        # then the user's, ``I`` the copy's
        shift = float(getattr(objective, "log_det_map", 0.0))
        self._shift = shift / objective.weight_sum if shift else 0.0
        self._ridge = np.ones(self.n_params)
        if objective.fit_intercept:
            self._ridge[-1] = 0.0

    def information(self, theta: FloatArray) -> FloatArray:
        """Fisher information ``I(θ) = X̃ᵀ W X̃`` (sum scale, without any L2 term)."""
        total = self.objective.weight_sum
        info = self.objective.hessian(theta)
        info *= total
        if self.l2:
            info[np.diag_indices(self.n_params)] -= total * self.l2 * self._ridge
        return info

    def newton_matrix(self, point: FirthPoint) -> Any:
        """Cholesky factor of ``I + Σs λ diag(1,…,1,0)`` (Σs × scoring matrix of F)."""
        return point.factor if point.newton is None else point.newton

    def point(self, theta: FloatArray, *, with_grad: bool = True) -> FirthPoint:
        """Evaluate ``F`` (and optionally ``∇F``) at ``theta``."""
        from scipy.linalg import LinAlgError, cho_factor, cho_solve  # ≈ 0.3 s

        obj = self.objective
        theta = np.asarray(theta, dtype=F64)
        if with_grad:
            loss, g = obj.value_and_gradient(theta)
        else:
            loss, g = obj.value(theta), None
        total = obj.weight_sum
        info = self.information(theta)
        newton = None
        try:
            if self.l2:
                shifted = info.copy(order="F")
                shifted[np.diag_indices(self.n_params)] += total * self.l2 * self._ridge
                newton = cho_factor(shifted, lower=True, overwrite_a=True)
            # I is not needed once factored: factor in place (p × p can be large);
            # I is symmetric, so its transpose is the Fortran-ordered same matrix
            factor = cho_factor(info.T, lower=True, overwrite_a=True, check_finite=True)
            diag = np.diag(factor[0])
            if not np.all(diag > 0):
                raise LinAlgError("not positive definite")
        except (LinAlgError, ValueError):
            return FirthPoint(theta, np.inf, loss, -np.inf, None)
        logdet = 2.0 * float(np.sum(np.log(diag)))
        value = loss - 0.5 * logdet / total + self._shift
        point = FirthPoint(theta, value, loss, logdet, factor, None, newton)
        if g is not None:  # with_grad
            eye = np.eye(self.n_params, order="F")
            A = cho_solve(factor, eye, overwrite_b=True, check_finite=False)
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
