"""A formula's variable effects on every class probability of a multinomial fit.

Convention (owned here; the variable rules are :mod:`._margins_terms`'s, the
layout :mod:`._multinomial_margins`'s): with ``B`` the (K, p) coefficients
(row 0, the reference class, 0), ``c`` the intercepts, ``P = softmax(X Bᵀ + c
+ O)`` and ``D = ∂X/∂v`` the re-encoded design's derivative in a continuous
variable ``v`` (central difference, as the binary effects), ``a_j = D B_j``
and ``d_j = a_j - Σ_m P_m a_m``. The per-row effect on class ``j`` is
``P_j d_j`` (``dydx``) or ``d_j`` (``eydx``), times ``v`` for the ``ex``
kinds. Its derivative in ``θ_{m,k}`` (equation ``m`` ≥ 1, term ``k``,
``x̃ = [x, 1]``, ``D̃ = [D, 0]``) is ``G_jm x̃_k + H_jm D̃_k`` with

* ``dy``: ``H_jm = P_j (δ_jm - P_m)``, ``G_jm = H_jm d_j - P_j P_m d_m``;
* ``ey``: ``H_jm = δ_jm - P_m``,       ``G_jm = -P_m d_m``.

A discrete change (a level against the reference, a 0/1 variable from 0 to
1) is ``F(X¹) - F(X⁰)`` with ``F`` the probabilities or their logarithms;
its derivative ``H¹ x̃¹ - H⁰ x̃⁰``. Sums are weighted by the frequency
weights and divided by ``Σ s`` once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._softmax import log_softmax, softmax
from .._typing import FloatArray
from ._coef_table import covariance_label
from ._margins import _count
from ._margins_terms import Variable, _Effect, _with, design_slope, encode, prepare

__all__ = ["MultinomialBlock", "multinomial_variable_effects"]

F64 = np.float64


def _gamma(P: FloatArray, ey: bool) -> FloatArray:
    """``H`` of the module docstring, shape (n, K, K-1)."""
    H = np.eye(P.shape[1])[None, :, 1:] - P[:, None, 1:]
    return H if ey else P[:, :, None] * H


class MultinomialBlock:
    """One block of rows of a multinomial fit: design, probabilities, weights."""

    def __init__(
        self,
        frame: Any,
        design: Callable[[Any], FloatArray],
        coef: tuple[FloatArray, FloatArray, bool],
        s: FloatArray,
        off: FloatArray | None,
    ) -> None:
        self.frame, self.design = frame, design
        self.B, self.c, self.intercept = coef
        self.s = s
        self.off = None if off is None else (off if off.ndim == 2 else off[:, None])
        self.X = self.encode(frame)
        self.P = softmax(self.logits(self.X))

    @classmethod
    def maker(
        cls, results: Any, design: Callable[[Any], FloatArray]
    ) -> Callable[..., MultinomialBlock]:
        """``make(frame, s, off)`` for ``results`` (a MultinomialInference)."""
        intercept = bool(results.fit_intercept)
        params = np.asarray(results.params, dtype=F64)
        q = params.shape[1]
        p = q - int(intercept)
        rows = np.vstack([np.zeros(q), params])
        coef = (rows[:, :p].copy(), rows[:, p] if intercept else np.zeros(len(rows)))
        return lambda frame, s, off: cls(frame, design, (*coef, intercept), s, off)

    def encode(self, frame: Any) -> FloatArray:
        return encode(self.design, frame, self.B.shape[1])

    def logits(self, X: FloatArray) -> FloatArray:
        Z = X @ self.B.T + self.c
        return Z if self.off is None else Z + self.off

    def tilde(self, X: FloatArray, one: float) -> FloatArray:
        if not self.intercept:
            return X
        return np.hstack([X, np.full((X.shape[0], 1), one)])

    def _sum(self, weights: FloatArray, Xt: FloatArray) -> FloatArray:
        """``Σ_n weights[n, j, m] Xt[n, k]`` as (K, (K-1) q)."""
        out = np.einsum("njm,nk->jmk", weights, Xt)
        return out.reshape(out.shape[0], -1)

    def change(self, effect: _Effect, log: bool) -> tuple[FloatArray, FloatArray]:
        assert effect.values is not None
        col = effect.variable.column
        X0 = self.encode(_with(self.frame, col, effect.values[0]))
        X1 = self.encode(_with(self.frame, col, effect.values[1]))
        Z0, Z1 = self.logits(X0), self.logits(X1)
        F = log_softmax if log else softmax
        value = self.s @ (F(Z1) - F(Z0))
        sw = self.s[:, None, None]
        H1, H0 = _gamma(softmax(Z1), log), _gamma(softmax(Z0), log)
        grad = self._sum(sw * H1, self.tilde(X1, 1.0)) - self._sum(
            sw * H0, self.tilde(X0, 1.0)
        )
        return value, grad

    def slope(
        self, effect: _Effect, method: str, size: float
    ) -> tuple[FloatArray, FloatArray]:
        v, D = design_slope(self.encode, self.frame, effect.variable.column, size)
        P = self.P
        A = D @ self.B.T  # (n, K)
        d = A - np.sum(P * A, axis=1, keepdims=True)
        ey = method.startswith("ey")
        H = _gamma(P, ey)
        Pm_dm = (P[:, 1:] * d[:, 1:])[:, None, :]  # (n, 1, K-1)
        if ey:
            e = d
            G = np.broadcast_to(-Pm_dm, H.shape)
        else:
            e = P * d
            G = H * d[:, :, None] - P[:, :, None] * Pm_dm
        w = self.s * (v if method.endswith("ex") else 1.0)
        sw = w[:, None, None]
        grad = self._sum(sw * G, self.tilde(self.X, 1.0)) + self._sum(
            sw * H, self.tilde(D, 0.0)
        )
        return w @ e, grad


def multinomial_variable_effects(
    results: Any,
    frame: Any,
    variables: list[Variable],
    design: Callable[[Any], FloatArray],
    **options: Any,
) -> Any:
    """:func:`._margins_terms.variable_effects` of a ``MultinomialInference``:
    a :class:`MultinomialMarginalEffects`, effects (K, m) class by class and
    the Jacobian ``(K m, (K-1) q)`` in ``param_names`` order."""
    from ._multinomial_margins import MultinomialMarginalEffects

    prep = prepare(frame, variables, **options)
    totals, grads = prep.accumulate(MultinomialBlock.maker(results, design))
    effects = np.stack(totals, axis=1) / prep.weight  # (K, m)
    K, m = effects.shape
    jac = (np.stack(grads, axis=1) / prep.weight).reshape(K * m, -1)
    cov = jac @ results.cov_params() @ jac.T
    return MultinomialMarginalEffects(
        effects,
        0.5 * (cov + cov.T),
        jac,
        names=prep.names,
        classes=[str(c) for c in results.classes],
        target_name=getattr(results, "target_name", None),
        discrete=prep.discrete,
        levels=False,
        options=prep.options,
        cov_type=results.cov_type,
        nobs=_count(results.nobs),  # typed as two classes'
        covariance=covariance_label(results),
    )
