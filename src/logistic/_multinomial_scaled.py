"""The standardized view of the K-class objective, and the gauge-free point.

:class:`ScaledMultinomial` applies the binary view's map ``T``
(:mod:`logistic._scaling`) to every row of Θ of a
:class:`~logistic._multinomial.MultinomialObjective` (whose module owns the
objective's formulas, parametrizations and gauge term). This module owns
what the solvers that iterate in these coordinates need of the gauge term
beyond ``J`` itself:

* the gauge strength of the stochastic solvers (``stochastic=True``: the
  gauge's curvature 1/4 in these coordinates, the scale of every other
  direction);
* an iterate's gauge-free point (:meth:`ScaledMultinomial.gauge_free`): the
  common intercept shift where the gauge term is 0, so that a step bound
  need not cover that term's curvature (``gd`` steps there; ``fista`` and
  ``lbfgs`` take ``J`` and ``∇J`` there, fista measuring its steps on the
  unshifted iterate, lbfgs minimizing the loss and penalty alone),
  and the majorizer of the loss and penalty alone that bounds such steps
  (:meth:`ScaledMultinomial.gauge_free_majorizer_vector`);
* the Hessian ``newton-cd`` models at that point
  (:meth:`ScaledMultinomial.gauge_free_hessian`): the gauge's curvature on
  these coordinates' intercepts, not tying every slope to its intercept.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._multinomial import MultinomialObjective
from ._scaling import ScaledObjective
from ._typing import FloatArray

__all__ = ["ScaledMultinomial"]

F64 = np.float64


class ScaledMultinomial(ScaledObjective):
    """A :class:`MultinomialObjective` in standardized coordinates: the binary
    view's map ``T`` (:mod:`logistic._scaling`) applied to every row of Θ,
    i.e. ``I ⊗ T``; the same column means and scales serve every class
    (``moments`` fixes them from elsewhere, as for the binary view).

    ``stochastic=True`` (``sgd``, ``partial_fit``) also sets the objective's
    gauge strength γ so that the gauge term's curvature in these coordinates
    is 1/4, the scale of every other direction: ``Σ_k b_k`` reads
    ``Σ_k (b'_k - Σ_j μ_j w'_kj / σ_j)`` here, so
    ``γ = 1/(4K(1 + Σ_j μ_j²/σ_j²))``. Any γ > 0 has the same optimum (the
    loss does not change along ``b + c·1``, the gauge term is 0 at its
    minimum); the default ``1/(4K)`` gives columns with large ``|μ/σ|`` a
    gauge curvature of ``(1 + Σ μ²/σ²)/4`` (≈ 27 on iris), and that sets
    SGD's step ``1/L`` far too small. Deterministic solvers keep the default,
    which centres the intercepts more tightly at a given gradient tolerance.
    """

    #: a centred constant column keeps the scale ``|c|`` (with an L2 term
    #: ``sqrt(c² + 4λ)``): with ``2√λ`` it would add ``(c/2√λ)²`` to the
    #: gauge's ``Σ μ²/σ²`` (iris with a column of 1e5: L-BFGS 52 → 242), with
    #: ``|c|`` at most 1
    constant_keeps_scale = True

    def centres_constant(self, objective: Any) -> bool:
        """A constant column beside the intercepts is centred in every
        penalized fit (the symmetric parametrization): its coordinate then
        moves no logit, the penalty keeps it at its optimum 0, and it is an
        all-zero column to the solvers. About 0 its standardized column is
        the intercept's own (``c/|c| = ±1``): the loss cannot tell the two
        apart, the slope takes a share of the intercept that only its L1 or
        L2 term ``λ/c²`` pulls back, and the step bound covers both (digits
        + 100, whose three all-zero columns become 100, C=1: L1 ``fista``
        649 iterations against 315 unshifted, ``newton-cd`` 16 against 9;
        L2 ``fista``, ``gd``, ``lbfgs`` stopped with those columns'
        coefficients at 0.013, their optimum 0). Unpenalized fits
        (the reference parametrization) keep such a column about 0: it is
        aliased with the intercept there (:mod:`logistic._fit_aliased`)."""
        return not getattr(objective, "reference", True)

    def __init__(
        self,
        objective: MultinomialObjective,
        moments: tuple[FloatArray, FloatArray] | None = None,
        *,
        stochastic: bool = False,
    ) -> None:
        super().__init__(objective, moments=moments)
        self._shape = (objective.n_equations, objective.n_coef)
        #: the gauge strength set on the objective (``stochastic``), else None
        self._gauge: float | None = None
        if stochastic and objective.gauge:
            spread = 1.0 + float(np.sum((self.mean / self.scale) ** 2))
            objective.gauge = self._gauge = 0.25 / (objective.n_classes * spread)

    def with_base(self, objective: Any) -> ScaledMultinomial:
        """:meth:`ScaledObjective.with_base`, the stochastic gauge strength
        set on ``objective`` as the constructor sets it (a ``partial_fit``
        stream's view, kept between chunks)."""
        view = super().with_base(objective)
        if objective is not None and self._gauge is not None and objective.gauge:
            objective.gauge = self._gauge
        assert isinstance(view, ScaledMultinomial)
        return view

    def _rows(self, fn: Any, theta: FloatArray) -> FloatArray:
        rows = np.asarray(theta, dtype=F64).reshape(self._shape)
        return np.concatenate([fn(r) for r in rows])

    def to_original(self, theta_s: FloatArray) -> FloatArray:
        return self._rows(super().to_original, theta_s)

    def from_original(self, theta: FloatArray) -> FloatArray:
        return self._rows(super().from_original, theta)

    def scaled_gradient(self, g: FloatArray) -> FloatArray:
        return self._rows(super().scaled_gradient, g)

    def gauge_free(self, theta_s: FloatArray) -> FloatArray:
        """The point of ``θ' + c·u`` (``u``: 1 at each ``b'_k``) where the gauge
        term is 0: no logit or L1 term changes along ``u``, so ``J`` there is
        ``J(θ')`` less that term, and its gradient has no component along
        ``u`` (gd steps there, fista takes ``J`` and ``∇J`` there: the
        gauge's curvature ``Kγ`` would bound their steps; newton-cd keeps
        its iterates there, :meth:`gauge_free_hessian`; lbfgs takes ``J``
        and ``∇J`` there, whose gauge curvature ``(1 + Σ μ²/σ²)/4`` in
        these coordinates it crept along)."""
        if not (isinstance(self.base, MultinomialObjective) and self.base.gauge):
            return theta_s
        m, q = self._shape
        b = self.to_original(theta_s).reshape(m, q)[:, q - 1]
        out = np.array(theta_s, dtype=F64).reshape(m, q)
        out[:, q - 1] -= float(np.sum(b)) / m
        return out.ravel()

    def gauge_free_majorizer_vector(self, v: FloatArray) -> FloatArray:
        """``M v`` of the loss and penalty alone, in these coordinates (the
        base's :meth:`~logistic._multinomial.MultinomialObjective.
        majorizer_vector` without the gauge term): at a gauge-free point
        ``J`` of a step's gauge-free point is that of the loss and penalty at
        the step, so this bounds the curvature a solver that steps there
        meets (``gd``'s guaranteed step ``1/L``: on iris ``L`` is 1.49, and
        26.1 with the gauge term, which grows with the columns' ``μ/σ``)."""
        if not isinstance(self.base, MultinomialObjective):
            return self.majorizer_vector(v)
        g = self.base.majorizer_vector(self.to_original(v), gauge=False)
        return self.scaled_gradient(g)

    def original_gradient(self, g_s: FloatArray) -> FloatArray:
        return self._rows(super().original_gradient, g_s)

    def scaled_hessian(self, H: FloatArray) -> FloatArray:
        """``(I ⊗ T)ᵀ H (I ⊗ T)`` of an original-coordinate Hessian, block by
        block: each (q × q) block ``Σ c x̃ x̃ᵀ`` (plus L2 and gauge terms) is
        symmetric, so the binary view's ``Tᵀ B T`` maps it."""
        m, q = self._shape
        out = np.empty((m * q, m * q))
        for k in range(m):
            for j in range(k, m):
                B = np.array(H[k * q : (k + 1) * q, j * q : (j + 1) * q])
                S = super().scaled_hessian(B)
                out[k * q : (k + 1) * q, j * q : (j + 1) * q] = S
                out[j * q : (j + 1) * q, k * q : (k + 1) * q] = S.T
        return out

    def hessian(self, theta_s: FloatArray) -> FloatArray:
        """``(I ⊗ T)ᵀ H (I ⊗ T)``."""
        return self._scaled_full(self.base.hessian(self.to_original(theta_s)))

    def gauge_free_hessian(self, theta_s: FloatArray) -> FloatArray:
        """The Hessian of the loss and penalty in these coordinates plus the
        gauge term's curvature measured on these coordinates' intercepts:
        ``(I ⊗ T)ᵀ (H - γ 1_b 1_bᵀ) (I ⊗ T) + γ 1_b' 1_b'ᵀ`` (``1_b``: 1 at
        each intercept). The gauge term itself, ``γ a aᵀ`` here with
        ``a = (I ⊗ T)ᵀ 1_b``, ties every ``w'_kj`` to ``b'_k`` by
        ``μ_j/σ_j``: its eigenvalue ``(1 + Σ_j μ_j²/σ_j²)/4`` (≈ 27 on iris,
        ≈ 2·10⁶ on iris + 1000) dwarfs the loss's, and coordinate descent on
        such a model moves each coordinate a sliver (``newton-cd`` on
        iris + 100: 328 iterations against 10; + 1000: no convergence in
        2 000). No logit and no L1 term changes along ``1_b'`` (the common
        intercept shift), so at a gauge-free point (:meth:`gauge_free`) a
        model with this Hessian has the loss and penalty's minimiser, and
        its curvature ``Kγ = 1/4`` along the shift keeps the model's
        minimiser unique there (Cholesky for smooth models)."""
        base = self.base
        if not (isinstance(base, MultinomialObjective) and base.gauge):
            return self.hessian(theta_s)
        H = np.array(base.hessian(self.to_original(theta_s)), dtype=F64)
        m, q = self._shape
        b_idx = np.arange(m) * q + (q - 1)
        H[np.ix_(b_idx, b_idx)] -= base.gauge
        out = self._scaled_full(H)
        out[np.ix_(b_idx, b_idx)] += base.gauge
        return out

    def _scaled_full(self, H: FloatArray) -> FloatArray:
        """``(I ⊗ T)ᵀ H (I ⊗ T)`` of an original-coordinate Hessian ``H``."""
        m, q = self._shape
        T = np.column_stack([ScaledObjective.to_original(self, e) for e in np.eye(q)])
        H4 = H.reshape(m, q, m, q)
        out = np.einsum("ia,kilj,jb->kalb", T, H4, T, optimize=True)
        return np.ascontiguousarray(out.reshape(m * q, m * q))
