"""SGD over sparse mini-batches in time proportional to their non-zeros.

:func:`~logistic.solvers.gradient_descent.sgd_pass` (averaged, as
``partial_fit`` runs it) touches every coordinate at every step: in the
standardized coordinates of :mod:`logistic._scaling` a step on a batch of CSR
rows is, for every coefficient ``j`` (``a_j = μ_j/σ_j``, ``c_j = λ/σ_j²``,
``G_b`` the batch's intercept gradient, ``T`` its loss's divisor),

    w'_j ← (1 - η c_j) w'_j + η G_b a_j - η (Xᵀr)_j / (σ_j T)

and the averaged iterate moves toward it with the weight ω_k of
:data:`~logistic.solvers.gradient_descent.AVG_DECAY`. Only the last term is
sparse. On hashed data of 2^20 columns that was ~20 O(p) vector operations a
batch of 256 rows of a few thousand non-zeros.

:func:`lazy_sgd_pass` makes the same steps with the dense parts held as
scalars, as scikit-learn's SGD holds L2 decay in one ``wscale`` and
averaged SGD (Xu 2011; Bottou 2012, "Stochastic gradient descent tricks")
holds the average in two. Here the decay ``1 - η c_j`` differs by column
(``σ_j``), so the scalars are kept per *group* of columns of one ``c_j``
(one group without an L2 term; on binary hashed features one per distinct
column count of the first chunk):

    w'_j  = S_g (u_j + F_g a_j)
    avg_j = P v_j + A_g u_j + B_g a_j

with per-column ``u``, ``v`` changed only where a batch has non-zeros. Each
step costs O(its non-zeros + groups); the columns are written out
(:meth:`_Lazy.settle`) once at the end of the pass, and earlier where a
scalar nears underflow. A configuration with more groups than
:data:`MAX_GROUPS` (an L2 term on real-valued columns: a scale each) takes
the dense steps. The results are the dense steps' to rounding: the same
products and sums, in another order (tests/test_partial_fit_sparse.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .._block_sums import block_value_grad
from .._typing import Block, FloatArray

__all__ = ["MAX_GROUPS", "lazy_groups", "lazy_sgd_pass"]

#: Most groups of one decay (distinct ``λ/σ_j²``) the lazy steps keep scalars
#: for; beyond, each step's O(groups) work nears the dense step's O(p).
MAX_GROUPS = 1024

#: A group scalar (``S``, ``P``) below this is folded into the columns
#: (:meth:`_Lazy.settle`) before it loses range.
_SETTLE_BELOW = 2.0**-200

#: A step's decay ``1 - η c`` within this of 0 is taken densely: the lazy
#: form divides by the product of the decays.
_MIN_DECAY = 2.0**-20


def lazy_groups(view: Any) -> tuple[FloatArray, np.ndarray] | None:
    """``(c, group)``: the distinct decay constants ``λ/σ_j²`` of ``view``'s
    columns and each column's index into them; None where there are more
    than :data:`MAX_GROUPS` (the dense steps are as fast)."""
    c = view.l2 * view.inv_scale * view.inv_scale
    if view.l2 == 0:
        return np.zeros(1), np.zeros(c.size, dtype=np.intp)
    values, group = np.unique(c, return_inverse=True)
    if values.size > MAX_GROUPS:
        return None
    return values, group.astype(np.intp, copy=False)


class _Lazy:
    """The iterate and the average of one pass in the factored form of the
    module docstring (``theta``/``avg`` are the standardized vectors of
    :class:`~logistic.solvers.gradient_descent.SGDState`)."""

    def __init__(self, view: Any, groups: tuple[FloatArray, np.ndarray]):
        self.c, self.group = groups
        p = view.n_features
        self.p, self.intercept = p, bool(view.fit_intercept)
        self.inv = view.inv_scale
        # a_j = μ_j/σ_j: T's intercept row (0 without an intercept)
        self.a = view.mean * view.inv_scale if self.intercept else np.zeros(p)
        n_groups = self.c.size
        self.a2 = np.bincount(self.group, self.a * self.a, minlength=n_groups)

    def start(self, theta: FloatArray, avg: FloatArray) -> None:
        """Begin from the materialized ``theta`` and ``avg`` (identity scalars)."""
        n_groups = self.c.size
        p = self.p
        self.u, self.v = theta[:p].copy(), avg[:p].copy()
        self.b, self.avg_b = (float(theta[p]), float(avg[p])) if self.intercept else (0.0, 0.0)
        self.S, self.F = np.ones(n_groups), np.zeros(n_groups)
        self.A, self.B = np.zeros(n_groups), np.zeros(n_groups)
        self.P = 1.0
        # U_g = Σ_{j in g} a_j u_j: the intercept's shift a·w' without a pass
        self.U = np.bincount(self.group, self.a * self.u, minlength=n_groups)

    def settle(self) -> tuple[FloatArray, FloatArray]:
        """``(theta, avg)`` written out, O(p); the scalars start again."""
        g, a = self.group, self.a
        theta = np.empty(self.p + self.intercept)
        avg = np.empty_like(theta)
        theta[: self.p] = self.S[g] * (self.u + self.F[g] * a)
        avg[: self.p] = self.P * self.v + self.A[g] * self.u + self.B[g] * a
        if self.intercept:
            theta[self.p], avg[self.p] = self.b, self.avg_b
        self.start(theta, avg)
        return theta, avg

    def needs_settling(self) -> bool:
        return bool(np.min(np.abs(self.S)) < _SETTLE_BELOW or self.P < _SETTLE_BELOW)

    def weights(self, cols: np.ndarray) -> FloatArray:
        """``w'`` at the columns ``cols``."""
        g = self.group[cols]
        return self.S[g] * (self.u[cols] + self.F[g] * self.a[cols])

    def shift(self) -> float:
        """``a·w'`` (``b = b' - a·w'``, :meth:`ScaledObjective.to_original`)."""
        return float(np.sum(self.S * (self.U + self.F * self.a2)))

    def step(
        self, eta: float, decay: FloatArray, cols: np.ndarray, g_cols: FloatArray,
        g_b: float, omega: float,
    ) -> None:  # fmt: skip
        """One step: decay, the intercept's dense term, the sparse gradient
        ``g_cols`` (already ``(Xᵀr)_j/T``) at ``cols``, then the average."""
        self.S = self.S * decay
        self.F = self.F + eta * g_b / self.S
        g = self.group[cols]
        du = (-eta * self.inv[cols] * g_cols) / self.S[g]
        self.u[cols] += du
        self.U += np.bincount(g, self.a[cols] * du, minlength=self.c.size)
        if self.P > 0:
            self.v[cols] -= (self.A[g] / self.P) * du
        if self.intercept:
            self.b -= eta * g_b
            self.avg_b += (self.b - self.avg_b) * omega
        keep = 1.0 - omega
        self.P *= keep
        self.A = keep * self.A + omega * self.S
        self.B = keep * self.B + omega * self.S * self.F


def _compact(block: Block) -> tuple[Block, np.ndarray]:
    """The block on its columns with non-zeros alone, and those columns."""
    import scipy.sparse as sp

    X = block.X
    cols, local = np.unique(X.indices, return_inverse=True)
    Xc = sp.csr_matrix(
        (X.data, local.astype(X.indices.dtype), X.indptr), shape=(X.shape[0], cols.size)
    )
    return Block(Xc, block.y, block.sample_weight, block.offset), cols


def lazy_sgd_pass(
    view: Any,
    groups: tuple[FloatArray, np.ndarray],
    batches: Iterable[Block],
    state: Any,
    eta0: float,
    n_batches: int,
    mean_weight: float | None,
) -> Any:
    """:func:`~logistic.solvers.gradient_descent.sgd_pass` with ``average=True``
    over CSR ``batches`` of the binary standardized ``view``, each step in
    O(its non-zeros + groups) (module docstring); ``groups`` from
    :func:`lazy_groups`. Updates ``state`` (an ``SGDState``) in place."""
    from .gradient_descent import AVG_DECAY, sgd_pass

    lazy = _Lazy(view, groups)
    lazy.start(state.theta, state.avg)
    tiny = np.finfo(float).tiny
    for block in batches:
        eta = float(eta0 / np.sqrt(1.0 + state.k / n_batches))
        decay = 1.0 - eta * lazy.c
        if np.min(np.abs(decay)) < _MIN_DECAY:  # the dense step (see _MIN_DECAY)
            state.theta, state.avg = lazy.settle()
            sgd_pass(view, [block], state, eta0, n_batches, True, mean_weight)
            lazy.start(state.theta, state.avg)
            continue
        compact, cols = _compact(block)
        w_s = lazy.weights(cols)
        b = lazy.b - lazy.shift() if lazy.intercept else 0.0
        _, g_w, g_b, own = block_value_grad(compact, w_s * lazy.inv[cols], b)
        total = max(own if mean_weight is None else block.n_rows * mean_weight, tiny)
        state.eta = eta
        state.k += 1
        state.n_avg += 1
        omega = (1.0 + AVG_DECAY) / (state.n_avg + AVG_DECAY)
        lazy.step(eta, decay, cols, g_w / total, g_b / total, omega)
        if lazy.P == 0 or lazy.needs_settling():  # ω = 1: the stream's first step
            lazy.settle()
    state.theta, state.avg = lazy.settle()
    return state
