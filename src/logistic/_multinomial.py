"""The penalised, weighted average multinomial (softmax) loss of a linear model.

This module owns the conventions of the K-class objective, the K > 2
counterpart of :class:`logistic._objective.LogisticObjective` (whose
services it inherits: Σs, column moments, the evaluation counter). With
``K`` classes, ``p`` features and ``q = p + fit_intercept``, the full
coefficient matrix is ``Θ = [W, b]`` of shape (K, q) (class ``k``'s row
``[w_k, b_k]``, intercept last, as in the binary case), logits
``z_ik = x_iᵀ w_k + b_k + o_ik`` (``O`` an optional (n, K) offset matrix),
``P = softmax(Z)`` row-wise, ``Y`` the one-hot labels and ``s`` the sample
weights (:mod:`logistic._softmax` has the stable per-row formulas)::

    J(Θ)      = (1/Σs) Σ_i s_i [lse(z_i) - z_{i,y_i}] + (λ/2) ‖W‖²  (+ gauge)
    ∇_W J     = (1/Σs) (P - Y)ᵀ S X + λ W                (K × p)
    ∇_b J     = (1/Σs) (P - Y)ᵀ s
    ∇²J       = (1/Σs) Σ_i s_i (diag(p_i) - p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ + λ I_W

with ``x̃ = [x, 1]``: a (K·q) × (K·q) matrix of K² blocks of size q × q.
For ``K = 2`` and ``Θ = [0; θ]`` these are the binary objective's formulas.

Parametrizations (``theta`` is always flat, row after row of Θ):

* **symmetric** (``reference=False``, scikit-learn's, for penalized fits):
  all K rows are free, ``n_params = K·q``. An L2 term makes W identifiable
  (its optimum has ``Σ_k w_k = 0``); the unpenalized intercepts are fixed by
  the *gauge* term ``(γ/2)(Σ_k b_k)²`` with ``γ = 1/(4K)``, which is zero at
  the reported optimum (shifting every intercept by the same amount changes
  no probability) and makes the Hessian positive definite along that shift,
  so Newton needs no damping: the optimum has centred intercepts
  (``Σ_k b_k = 0``), as scikit-learn reports them.
* **reference** (``reference=True``, statsmodels ``MNLogit``'s and R
  ``nnet::multinom``'s, for unpenalized fits): the first class's row is fixed
  at 0, ``n_params = (K-1)·q``; the remaining rows are the log-odds of each
  class against the first.

The map between them is a shift of every row by a common row: reference
``Θ_ref = Θ_sym - Θ_sym[0]``; symmetric ``Θ_sym = Θ_ref - mean_k Θ_ref[k]``
(:func:`to_reference`, :func:`to_symmetric`). Both give the same
probabilities; only the symmetric one is the optimum of a penalized fit.

As in the binary objective every quantity is a sum over row blocks
(``backend.map_reduce``): a block returns partial sums in float64, the
backend adds them in block order and the objective divides by Σs once, so
in-memory, out-of-core and Dask data give the same numbers. Blocks carry
``y`` as class indices ``0 … K-1`` (:func:`logistic._labels.encode`).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import dsyrk as syrk

from ._exceptions import DataValidationError
from ._logits import coef_for
from ._objective import LogisticObjective
from ._penalty import penalty_strengths
from ._row_terms import quiet_overflow, scaled_cast, weight_total
from ._softmax import cross_entropy_and_proba
from ._typing import Backend, Block, FloatArray

__all__ = [
    "MultinomialObjective",
    "block_logits",
    "block_value_grad",
    "block_hessian",
    "block_hessp",
    "block_majorizer",
    "to_reference",
    "to_symmetric",
]

F64 = np.float64


# -- per-block partial sums ----------------------------------------------------------
def _xt(X: Any, R: FloatArray) -> FloatArray:
    """``Rᵀ X`` of shape (K, p) in float64 (R cast to X's dtype, as the binary
    ``Xᵀ r``: float32 X is never upcast; divided first by :func:`scaled_cast`'s
    ``c`` where its values, which carry the sample weights, are beyond
    float32's range, the product multiplied back; taken again in float64
    where a sum, in X's dtype, is beyond float32's range)."""
    Rc, c = scaled_cast(R, X.dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # detected just below
        G = np.asarray(X.T @ Rc, dtype=F64)
    if X.dtype != F64 and not np.all(np.isfinite(G)):
        G, c = np.asarray(X.T @ np.asarray(R, dtype=F64), dtype=F64), 1.0
    return c * G.T


@quiet_overflow
def block_logits(block: Block, W: FloatArray, b: FloatArray) -> FloatArray:
    """``Z = X Wᵀ + b + O`` of one block, (n_rows, K) float64 (``X Wᵀ`` in
    X's dtype; in float64 where W is beyond its range, :func:`coef_for`)."""
    X = block.X
    Z = np.asarray(X @ coef_for(X, W.T), dtype=F64).reshape(X.shape[0], -1)
    Z = Z + b
    if block.offset is not None:
        off = np.asarray(block.offset, dtype=F64)
        if off.shape != Z.shape:
            raise DataValidationError(
                f"offset must have one column per class, shape (n_samples, "
                f"{Z.shape[1]}), for a model of {Z.shape[1]} classes; a block has "
                f"offsets of shape {off.shape}"
            )
        Z += off
    return Z


def _empty(K: int, p: int) -> tuple[float, FloatArray, FloatArray, float]:
    return 0.0, np.zeros((K, p)), np.zeros(K), 0.0


def _residual(
    block: Block, W: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-row loss, ``P`` and ``S (P - Y)`` of one block."""
    loss, P = cross_entropy_and_proba(block.y, block_logits(block, W, b))
    R = P.copy()
    R[np.arange(R.shape[0]), np.asarray(block.y).astype(np.intp)] -= 1.0
    if block.sample_weight is not None:
        s = np.asarray(block.sample_weight, dtype=F64)
        R *= s[:, None]
        loss = loss * s
    return loss, P, R


def block_value_grad(
    block: Block, W: FloatArray, b: FloatArray, with_grad: bool = True
) -> tuple[float, FloatArray, FloatArray, float]:
    """Partial sums ``(Σ s L, (S(P - Y))ᵀ X, Σ s (P - Y), Σ s)`` of one block."""
    K, p = W.shape
    if block.n_rows == 0:
        return _empty(K, p)
    loss, _, R = _residual(block, W, b)
    total = weight_total(block.n_rows, block.sample_weight)
    if not with_grad:
        return float(loss.sum()), np.zeros((K, p)), np.zeros(K), total
    return float(loss.sum()), _xt(block.X, R), R.sum(axis=0), total


def _with_ones(X: Any, intercept: bool) -> Any:
    """``X̃ = [X, 1]`` in float64 (sparse stays sparse)."""
    if sp.issparse(X):
        X = sp.csr_matrix(X, dtype=F64)
        if intercept:
            X = sp.hstack([X, np.ones((X.shape[0], 1))], format="csr")
        return X
    X = np.asarray(X, dtype=F64)
    return np.hstack([X, np.ones((X.shape[0], 1))]) if intercept else X


def _gram(Xt: Any, d: FloatArray) -> FloatArray:
    """``X̃ᵀ diag(d) X̃`` as a dense float64 array."""
    if sp.issparse(Xt):
        return np.asarray((Xt.T @ Xt.multiply(d[:, None]).tocsr()).toarray())
    return np.asarray((Xt * d[:, None]).T @ Xt)


def _self_gram(B: Any) -> FloatArray:
    """``BᵀB`` as a dense array: one BLAS ``syrk`` (half the flops of a
    product) for dense B."""
    if sp.issparse(B):
        return np.asarray((B.T @ B).toarray())
    upper = syrk(1.0, B.T, trans=0, lower=0)  # B.T is an F-ordered view: no copy
    return np.triu(upper) + np.triu(upper, 1).T


def _stacked(Xt: Any, C: FloatArray) -> Any:
    """``[X̃ ⊙ c_1, …, X̃ ⊙ c_K]`` of shape (n, K·q)."""
    if sp.issparse(Xt):
        return sp.hstack([Xt.multiply(C[:, [k]]) for k in range(C.shape[1])], "csr")
    n, q = Xt.shape
    return (C[:, :, None] * Xt[:, None, :]).reshape(n, C.shape[1] * q)


@quiet_overflow
def block_hessian(
    block: Block, W: FloatArray, b: FloatArray, intercept: bool, stride: int = 1
) -> FloatArray:
    """Partial sum of ``Σ s (diag(p) - p pᵀ) ⊗ x̃ x̃ᵀ`` over one block, as a
    (K·q, K·q) array: K grams ``X̃ᵀ diag(s p_k) X̃`` on the diagonal blocks
    minus one gram ``BᵀB`` of ``B = [X̃ ⊙ √s p_1, …, X̃ ⊙ √s p_K]``.

    ``stride = k > 1`` sums every k-th row only, scaled by
    ``n_rows / rows sampled`` (Newton's subsampled Hessian on tall data).
    """
    K, p = W.shape
    q = p + int(intercept)
    if stride > 1:
        rows = np.arange(0, block.n_rows, stride)
        scale = block.n_rows / max(1, rows.size)
        block = _take_rows(block, rows)
    else:
        scale = 1.0
    H = np.zeros((K * q, K * q))
    if block.n_rows == 0:
        return H
    _, P, _ = _residual(block, W, b)
    s = (
        np.ones(block.n_rows)
        if block.sample_weight is None
        else np.asarray(block.sample_weight, dtype=F64)
    )
    Xt = _with_ones(block.X, intercept)
    B = _stacked(Xt, P * np.sqrt(s)[:, None])
    H -= _self_gram(B)
    for k in range(K):
        H[k * q : (k + 1) * q, k * q : (k + 1) * q] += _gram(Xt, s * P[:, k])
    return H * scale if scale != 1.0 else H


def block_value_grad_hessian(
    block: Block, W: FloatArray, b: FloatArray, intercept: bool, stride: int = 1
) -> tuple[Any, ...]:
    """:func:`block_value_grad`'s four sums and :func:`block_hessian`'s, from
    one visit of the block (module level, so a process cluster can pickle it
    with its arguments as a :func:`functools.partial`)."""
    return (
        *block_value_grad(block, W, b),
        block_hessian(block, W, b, intercept, stride),
    )


def _take_rows(block: Block, rows: np.ndarray) -> Block:
    def take(v: Any) -> Any:
        return None if v is None else v[rows]

    return Block(
        block.X[rows], block.y[rows], take(block.sample_weight), take(block.offset)
    )


@quiet_overflow
def block_hessp(
    block: Block, W: FloatArray, b: FloatArray, V_w: FloatArray, v_b: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Partial sums of ``∇²(Σ s L) v``: with ``U = X V_wᵀ + v_b``,
    ``R = S P ⊙ (U - rowsum(P ⊙ U))``, the sums ``(Rᵀ X, Σ R)``."""
    K, p = W.shape
    if block.n_rows == 0:
        return np.zeros((K, p)), np.zeros(K)
    _, P, _ = _residual(block, W, b)
    U = block_logits(Block(block.X, block.y), V_w, v_b)
    R = P * (U - (P * U).sum(axis=1, keepdims=True))
    if block.sample_weight is not None:
        R *= np.asarray(block.sample_weight, dtype=F64)[:, None]
    return _xt(block.X, R), R.sum(axis=0)


def block_majorizer(
    block: Block, V_w: FloatArray, v_b: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Partial sums of Böhning's bound ``½ (I - 11ᵀ/K) ⊗ X̃ᵀ S X̃`` times v."""
    K, p = V_w.shape
    if block.n_rows == 0:
        return np.zeros((K, p)), np.zeros(K)
    U = block_logits(Block(block.X, block.y), V_w, v_b)
    R = 0.5 * (U - U.mean(axis=1, keepdims=True))
    if block.sample_weight is not None:
        R *= np.asarray(block.sample_weight, dtype=F64)[:, None]
    return _xt(block.X, R), R.sum(axis=0)


# -- the two parametrizations --------------------------------------------------------
def to_reference(
    coef: FloatArray, intercept: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``(W - w_0, b - b_0)``: the first class becomes the reference (row 0 is 0)."""
    coef, intercept = np.asarray(coef, dtype=F64), np.asarray(intercept, dtype=F64)
    return coef - coef[0], intercept - intercept[0]


def to_symmetric(
    coef: FloatArray, intercept: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``(W - mean_k w_k, b - mean_k b_k)``: rows summing to zero."""
    coef, intercept = np.asarray(coef, dtype=F64), np.asarray(intercept, dtype=F64)
    return coef - coef.mean(axis=0), intercept - intercept.mean()


class MultinomialObjective(LogisticObjective):
    """Penalised weighted mean multinomial loss (formulas: module docstring).

    Parameters
    ----------
    data : Backend
        Rows with ``y`` as class indices ``0 … K-1``.
    n_classes : int or None
        K (≥ 2); None reads ``len(data.classes_)``.
    l2 : float, default=0
        Strength λ of ``(λ/2)‖W‖²`` on the mean-loss scale.
    fit_intercept : bool, default=True
    reference : bool, default=False
        The reference parametrization (first class fixed at 0) instead of the
        symmetric one.

    Attributes
    ----------
    n_classes : int
    n_equations : int
        Free rows of Θ: ``K - 1`` (reference) or ``K`` (symmetric).
    n_coef : int
        ``q = n_features + fit_intercept``, the length of one row.
    n_params : int
        ``n_equations · n_coef``.
    gauge : float
        γ of the gauge term (0 unless symmetric with an intercept).
    """

    def __init__(
        self,
        data: Backend,
        n_classes: int | None = None,
        *,
        l2: float = 0.0,
        fit_intercept: bool = True,
        reference: bool = False,
    ) -> None:
        super().__init__(data, l2=l2, fit_intercept=fit_intercept)
        K = len(data.classes_) if n_classes is None else int(n_classes)
        if K < 2:
            raise ValueError(f"n_classes must be at least 2; got {K}")
        self.n_classes = K
        self.reference = bool(reference)
        self.n_coef = self.n_features + int(self.fit_intercept)
        self.n_equations = K - 1 if self.reference else K
        self.n_params = self.n_equations * self.n_coef
        self.gauge = 0.25 / K if (self.fit_intercept and not self.reference) else 0.0

    @classmethod
    def for_penalty(
        cls,
        data: Backend,
        *,
        penalty: str | None,
        alpha: float,
        l1_ratio: float | None,
        C: float | None,
        fit_intercept: bool = True,
    ) -> tuple[MultinomialObjective, float]:
        """The objective of an estimator's penalty settings, and its L1 strength.

        Strengths as :func:`logistic._objective.penalty_strengths`; the
        reference parametrization exactly when there is no penalty.
        """
        objective = cls(data, fit_intercept=fit_intercept, reference=penalty is None)
        l1, objective.l2 = penalty_strengths(
            penalty, alpha, l1_ratio, C, lambda: objective.weight_sum
        )
        return objective, l1

    # -- parameter layout ---------------------------------------------------
    def start_value_and_gradient(
        self, theta: FloatArray
    ) -> tuple[float, FloatArray] | None:
        """None: the statistics pass sums the binary loss's gradient at logit 0
        (``J(0)`` is ``log K`` here, and the labels are class indices)."""
        return None

    def logit_reach(self, direction: FloatArray) -> float | None:
        """None: a K-class step moves K logits a row (not bounded here)."""
        return None

    def coef_matrix(self, theta: FloatArray) -> FloatArray:
        """Θ of shape (K, q) from ``theta`` (a zero first row when reference)."""
        theta = np.asarray(theta, dtype=F64)
        if theta.shape != (self.n_params,):
            raise ValueError(
                f"theta has shape {theta.shape}; expected ({self.n_params},) = "
                f"{self.n_equations} equations × (n_features {self.n_features} + "
                f"intercept {int(self.fit_intercept)})"
            )
        rows = theta.reshape(self.n_equations, self.n_coef)
        if self.reference:
            rows = np.vstack([np.zeros((1, self.n_coef)), rows])
        return rows

    def split(self, theta: FloatArray) -> tuple[FloatArray, FloatArray]:  # type: ignore[override]
        """``(W, b)`` of shapes (K, p) and (K,) (``b = 0`` without intercept)."""
        M = self.coef_matrix(theta)
        p = self.n_features
        b = M[:, p].copy() if self.fit_intercept else np.zeros(self.n_classes)
        return M[:, :p], b

    def _flat(self, G_w: FloatArray, g_b: FloatArray) -> FloatArray:
        """The free part of a (K, q) array ``[G_w, g_b]``, flattened."""
        M = np.column_stack([G_w, g_b]) if self.fit_intercept else np.asarray(G_w)
        return (M[1:] if self.reference else M).ravel()

    def _penalty(self, W: FloatArray) -> float:
        return super()._penalty(np.ravel(W))

    def _gauge(self, b: FloatArray) -> float:
        return 0.5 * self.gauge * float(np.sum(b)) ** 2 if self.gauge else 0.0

    # -- value and gradient -------------------------------------------------
    def value(self, theta: FloatArray) -> float:
        W, b = self.split(theta)
        loss, _, _, total = self._reduce(
            partial(block_value_grad, W=W, b=b, with_grad=False)
        )
        return loss / self._total(total) + self._penalty(W) + self._gauge(b)

    def value_and_gradient(self, theta: FloatArray) -> tuple[float, FloatArray]:
        W, b = self.split(theta)
        loss, G_w, g_b, total = self._reduce(partial(block_value_grad, W=W, b=b))
        total = self._total(total)
        value = loss / total + self._penalty(W) + self._gauge(b)
        return value, self._gradient(W, b, G_w, g_b, total)

    def _gradient(
        self,
        W: FloatArray,
        b: FloatArray,
        G_w: FloatArray,
        g_b: FloatArray,
        total: float,
    ) -> FloatArray:
        g_b = g_b / total + self.gauge * float(np.sum(b))
        return self._flat(G_w / total + self.l2 * W, g_b)

    def batch_gradient(
        self, theta: FloatArray, block: Block, total: float | None = None
    ) -> FloatArray:
        """Gradient over the rows of ``block`` alone (their weighted mean loss,
        the penalty and the gauge term): SGD's and ``partial_fit``'s step;
        ``total`` as for the binary objective."""
        W, b = self.split(theta)
        _, G_w, g_b, own = block_value_grad(block, W, b)
        total = own if total is None else total
        return self._gradient(W, b, G_w, g_b, max(total, np.finfo(float).tiny))

    # -- second order -------------------------------------------------------
    def hessian(self, theta: FloatArray) -> FloatArray:
        """``∇²J(θ)``, dense (n_params, n_params) float64."""
        W, b = self.split(theta)
        H = self._reduce(partial(block_hessian, W=W, b=b, intercept=self.fit_intercept))
        return self._assemble(H, self.weight_sum)

    def value_gradient_hessian(
        self, theta: FloatArray, hessian_stride: int = 1
    ) -> tuple[float, FloatArray, FloatArray]:
        """``(J, ∇J, ∇²J)`` from one pass; ``hessian_stride = k > 1`` estimates
        the Hessian from every k-th row of each block."""
        W, b = self.split(theta)
        k = max(1, int(hessian_stride))
        loss, G_w, g_b, total, H = self._reduce(
            partial(
                block_value_grad_hessian,
                W=W,
                b=b,
                intercept=self.fit_intercept,
                stride=k,
            )
        )
        total = self._total(total)
        value = loss / total + self._penalty(W) + self._gauge(b)
        grad = self._gradient(W, b, G_w, g_b, total)
        return value, grad, self._assemble(H, total)

    def _assemble(self, H_full: FloatArray, total: float) -> FloatArray:
        """The free block of the full (K·q)² sum, scaled, with L2 and gauge."""
        q, p, K = self.n_coef, self.n_features, self.n_classes
        H = np.asarray(H_full, dtype=F64) / total
        if self.reference:
            H = H[q:, q:]
        H = np.ascontiguousarray(H)
        m = self.n_equations
        w_idx = (np.arange(m)[:, None] * q + np.arange(p)[None, :]).ravel()
        H[w_idx, w_idx] += self.l2
        if self.gauge:
            b_idx = np.arange(K) * q + p
            H[np.ix_(b_idx, b_idx)] += self.gauge
        return H

    def _hessp(
        self, theta: FloatArray, v: FloatArray, unit: bool, gauge: bool = True
    ) -> FloatArray:
        V = self.coef_matrix(v)
        p = self.n_features
        V_w = V[:, :p]
        v_b = V[:, p] if self.fit_intercept else np.zeros(self.n_classes)
        if unit:
            H_w, h_b = self._reduce(partial(block_majorizer, V_w=V_w, v_b=v_b))
        else:
            W, b = self.split(theta)
            H_w, h_b = self._reduce(partial(block_hessp, W=W, b=b, V_w=V_w, v_b=v_b))
        total = self.weight_sum
        if gauge:
            h_b = h_b / total + self.gauge * float(np.sum(v_b))
        else:
            h_b = h_b / total
        return self._flat(H_w / total + self.l2 * V_w, h_b)

    def hessian_vector(self, theta: FloatArray, v: FloatArray) -> FloatArray:
        """``∇²J(θ) v`` without forming the Hessian (one pass)."""
        return self._hessp(theta, v, unit=False)

    def majorizer_vector(self, v: FloatArray, *, gauge: bool = True) -> FloatArray:
        """``M v`` with Böhning's bound ``M = ½(I - 11ᵀ/K) ⊗ X̃ᵀSX̃/Σs + λ I_W
        (+ gauge)`` ⪰ ∇²J everywhere (the gradient-descent step bound);
        ``gauge=False`` leaves the gauge term out (the bound of the loss and
        penalty alone, which do not change along a common intercept shift)."""
        return self._hessp(np.zeros(self.n_params), v, unit=True, gauge=gauge)
