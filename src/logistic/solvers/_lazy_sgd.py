"""SGD over sparse mini-batches in time proportional to their non-zeros.

:func:`~logistic.solvers._sgd_steps.sgd_pass` (averaged, as
``partial_fit`` runs it) touches every coordinate at every step: in the
standardized coordinates of :mod:`logistic._scaling` a step on a batch of CSR
rows is, for every coefficient ``j`` (``a_j = μ_j/σ_j``, ``c_j = λ/σ_j²``,
``G_b`` the batch's intercept gradient, ``T`` its loss's divisor),

    w'_j ← (1 - η c_j) w'_j + η G_b a_j - η (Xᵀr)_j / (σ_j T)

and the averaged iterate moves toward it with the weight ω_k of
:data:`~logistic.solvers._sgd_steps.AVG_DECAY`. Only the last term is
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
scalar falls below :data:`_SETTLE_BELOW` (the average's precision).

K classes (:class:`~logistic._multinomial_scaled.ScaledMultinomial`) hold K rows
of coefficients, each mapped by the same ``T``: a column's decay is one for
every class, so ``S``, ``A`` and ``P`` are shared and ``F``, ``B`` (the
intercepts' terms), ``u`` and ``v`` are each row's; the intercept gradient
of class ``k`` adds the gauge term's ``γ Σ_k b_k``. A step costs O(its
non-zeros · K + groups · K). ``fit(solver="sgd")`` runs the same pass an
epoch (:func:`sparse_rows`), unaveraged in its first.

A configuration with more groups than :data:`MAX_GROUPS` (an L2 term on
real-valued columns: a scale each) takes the dense steps: a column's decay
since it was last read is ``Π_k (1 - η_k c_j)``, which no running scalar
gives for every ``c_j``, so each distinct ``c_j`` keeps its own, updated
every step. The results are the dense steps' to rounding: the same products
and sums, in another order (tests/test_partial_fit_sparse.py,
tests/test_sgd_sparse_lazy.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .._block_sums import block_value_grad
from .._typing import Block, FloatArray

__all__ = [
    "MAX_GROUPS", "LazyColumns", "lazy_columns", "lazy_sgd_pass", "sparse_rows"
]

#: Most groups of one decay (distinct ``λ/σ_j²``) the lazy steps keep scalars
#: for; beyond, each step's O(groups) work nears the dense step's O(p).
MAX_GROUPS = 1024

#: A group scalar (``S``, ``P``) below this is folded into the columns
#: (:meth:`_Lazy.settle`). Not a guard against underflow alone: a column
#: touched when its group's decay product is ``S`` holds ``u``, ``v`` of size
#: ``1/S`` whose terms in ``avg_j`` cancel (``P v_j`` against ``A_g u_j``), so
#: the average loses ``log2(1/S)`` bits; 2^-16 (checked before a step, for
#: the ``S`` it will reach, and after) bounds the loss by ``2^16 ε`` ≈ 1.5e-11
#: relative (2e-13 measured). Strong L2 (``η λ/σ²`` near 1) settles every few
#: steps (the dense steps' cost); with 2^-200, 80 steps of such a chunk gave
#: coefficients 1e29 times too large. On hashed chunks at alpha = 1e-2 (the
#: never-seen columns' group decays fastest) 2^-16 settles 17 times in 4
#: chunks of 2^20 columns (5 before), 2^-10 27 times (0.3 s a chunk, not 0.2).
_SETTLE_BELOW = 2.0**-16

#: A step's decay ``1 - η c`` within this of 0 is taken densely: the lazy
#: form divides by the product of the decays.
_MIN_DECAY = 2.0**-20


class LazyColumns:
    """What the lazy steps know of a view's columns, fixed for a stream:
    the distinct decays ``c`` (``λ/σ_j²``), each column's ``group`` among
    them, ``a_j = μ_j/σ_j`` (0 without an intercept), ``inv`` (``1/σ_j``)
    and the groups' ``Σ a_j²``; ``rows`` the coefficient vectors the view's
    ``theta`` holds one after the other (1 binary, K multinomial: one map
    ``T`` and one decay a column for every class)."""

    def __init__(self, view: Any, c: FloatArray, group: np.ndarray, rows: int):
        self.c, self.group, self.rows = c, group, rows
        self.p, self.intercept = int(view.n_features), bool(view.fit_intercept)
        self.inv = view.inv_scale
        self.a = view.mean * view.inv_scale if self.intercept else np.zeros(self.p)
        self.a2 = np.bincount(group, self.a * self.a, minlength=c.size)


def lazy_columns(view: Any) -> LazyColumns | None:
    """:class:`LazyColumns` of ``view`` (a binary ``ScaledObjective`` or a
    symmetric ``ScaledMultinomial``); None where its columns have more than
    :data:`MAX_GROUPS` distinct decays (the dense steps are then as fast),
    and for subclasses of those objectives, whose gradients may hold terms
    these steps do not make. The multinomial reference parametrization
    (``fit`` without a penalty) holds K - 1 rows: the first class's, fixed
    at 0, is none of ``theta``'s (:func:`_batch_sums`)."""
    from .._multinomial import MultinomialObjective
    from .._multinomial_scaled import ScaledMultinomial
    from .._objective import LogisticObjective
    from .._scaling import ScaledObjective

    kinds = {
        ScaledObjective: LogisticObjective,
        ScaledMultinomial: MultinomialObjective,
    }
    if kinds.get(type(view)) is not type(view.base):
        return None
    rows = int(getattr(view, "_shape", (1,))[0])  # ScaledMultinomial: (K, q)
    c = view.l2 * view.inv_scale * view.inv_scale
    if view.l2 == 0:
        return LazyColumns(view, np.zeros(1), np.zeros(c.size, dtype=np.intp), rows)
    values, group = np.unique(c, return_inverse=True)
    if values.size > MAX_GROUPS:
        return None
    return LazyColumns(view, values, group.astype(np.intp, copy=False), rows)


def _by_group(group: np.ndarray, values: FloatArray, n_groups: int) -> Any:
    """``values`` (rows × columns) summed by the columns' ``group``: (rows,
    n_groups)."""
    rows = values.shape[0]
    if rows == 1:
        return np.bincount(group, values[0], minlength=n_groups)[None, :]
    at = (np.arange(rows)[:, None] * n_groups + group).ravel()
    return np.bincount(at, values.ravel(), minlength=rows * n_groups).reshape(
        rows, n_groups
    )


def _take(M: FloatArray, cols: np.ndarray) -> FloatArray:
    """``M[:, cols]`` row by row: numpy's two-axis fancy index read 3 rows of
    2^20 at 7 500 columns in 0.4 ms, 10 times the rows one by one."""
    if M.shape[0] == 1:
        return M[0][cols][None, :]
    return np.stack([row[cols] for row in M])


def _put(M: FloatArray, cols: np.ndarray, values: FloatArray) -> None:
    """``M[:, cols] = values`` row by row (:func:`_take`)."""
    for row, x in zip(M, values, strict=True):
        row[cols] = x


class _Lazy:
    """The iterate and the average of one pass in the factored form of the
    module docstring, held in the arrays ``theta`` and ``avg`` themselves
    (the standardized vectors of an ``SGDState``, changed in place): seen as
    (rows, q) matrices, their first ``p`` columns are ``u`` and ``v`` between
    :meth:`settle` calls. ``S``, ``A`` and ``P`` (the decay and the
    average's weights) are shared by the rows; ``F``, ``B``, ``U`` and the
    intercepts are each row's."""

    def __init__(self, columns: LazyColumns, theta: FloatArray, avg: FloatArray):
        self.cols, self.c = columns, columns.c
        self.p, self.intercept = columns.p, columns.intercept
        shape = (columns.rows, theta.size // columns.rows)
        self.theta, self.avg = theta.reshape(shape), avg.reshape(shape)  # views
        self.u, self.v = self.theta[:, : self.p], self.avg[:, : self.p]
        zeros = np.zeros(columns.rows)
        self.b: FloatArray
        self.avg_b: FloatArray
        self.b, self.avg_b = (
            (self.theta[:, -1].copy(), self.avg[:, -1].copy())
            if self.intercept
            else (zeros, zeros.copy())
        )
        # U_g = Σ_{j in g} a_j u_j: the intercept's shift a·w' without a pass
        self.U: Any = _by_group(columns.group, columns.a * self.u, self.c.size)
        self._identity()

    def _identity(self) -> None:
        n_groups, rows = self.c.size, self.cols.rows
        self.S, self.A = np.ones(n_groups), np.zeros(n_groups)
        self.F, self.B = np.zeros((rows, n_groups)), np.zeros((rows, n_groups))
        self.P = 1.0

    def settle(self) -> None:
        """Write ``theta`` and ``avg`` out in place, O(p · rows); the scalars
        start again."""
        a, u, v = self.cols.a, self.u, self.v
        S: Any
        F: Any
        A: Any
        B: Any
        if self.c.size == 1:  # one group: scalars, no gathers
            S, A = float(self.S[0]), float(self.A[0])
            F, B = self.F, self.B  # (rows, 1): broadcast along the columns
        else:
            g = self.cols.group
            S, A = self.S[g], self.A[g]
            F, B = self.F.take(g, axis=1), self.B.take(g, axis=1)
        v *= self.P  # the average first: it reads the old u
        v += A * u
        v += B * a
        u += F * a
        u *= S
        self.U = self.S * (self.U + self.F * self.cols.a2)  # a·u of the new u
        if self.intercept:
            self.theta[:, -1], self.avg[:, -1] = self.b, self.avg_b
        self._identity()

    def needs_settling(self, decay: Any = 1.0) -> bool:
        """Whether a scalar is, or after a step of ``decay`` would be, below
        :data:`_SETTLE_BELOW`."""
        S = np.min(np.abs(self.S * decay))
        return bool(S < _SETTLE_BELOW or self.P < _SETTLE_BELOW)

    def gather(self, cols: np.ndarray) -> tuple[FloatArray, tuple[Any, ...]]:
        """``w = w'/σ`` (original, rows × columns) at the columns ``cols``
        (distinct), and what :meth:`step` reads of them: ``(cols, u, group,
        1/σ, a)`` there (each a random read of a p-long array: read once)."""
        g = self.cols.group[cols]
        inv = self.cols.inv[cols]
        a = self.cols.a[cols] if self.intercept else None
        u = _take(self.u, cols)
        w_s = self.S[g] * (u if a is None else u + self.F.take(g, axis=1) * a)
        return w_s * inv, (cols, u, g, inv, a)

    def intercepts(self) -> FloatArray:
        """``b = b' - a·w'`` of each row (:meth:`ScaledObjective.to_original`)."""
        return self.b - np.sum(self.S * (self.U + self.F * self.cols.a2), axis=1)

    def step(
        self, eta: float, decay: FloatArray, at: tuple[Any, ...],
        g_cols: FloatArray, g_b: FloatArray, omega: float | None,
    ) -> None:  # fmt: skip
        """One step: decay, the intercepts' dense term, the sparse gradient
        ``g_cols`` (rows × columns, already ``(Xᵀr)_j/T``) at the columns
        ``at`` (from :meth:`gather`), then the average (of weight ``omega``;
        None: the average is left as it is, as ``sgd_pass`` leaves it in
        ``fit``'s first epoch)."""
        cols, u, g, inv, a = at
        self.S = self.S * decay
        self.F = self.F + (eta * g_b)[:, None] / self.S
        du = (-eta * inv * g_cols) / self.S[g]
        _put(self.u, cols, u + du)
        if a is not None:  # without an intercept a = 0: U stays 0
            self.U += _by_group(g, a * du, self.c.size)
        if self.P > 0:
            _put(self.v, cols, _take(self.v, cols) - (self.A[g] / self.P) * du)
        if self.intercept:
            self.b = self.b - eta * g_b
        if omega is None:
            return
        if self.intercept:
            self.avg_b = self.avg_b + (self.b - self.avg_b) * omega
        keep = 1.0 - omega
        self.P *= keep
        self.A = keep * self.A + omega * self.S
        self.B = keep * self.B + omega * self.S * self.F


def sparse_rows(view: Any) -> bool:
    """Whether ``view``'s rows are in memory as a scipy sparse matrix: the
    data :func:`lazy_sgd_pass` takes (streamed blocks may mix formats)."""
    from .._sparse import issparse

    data = view.data
    return bool(data.capabilities.rows_in_memory) and issparse(data.rows().X)


def _compact(block: Block) -> tuple[Block, np.ndarray]:
    """The block on its columns with non-zeros alone, and those columns.
    ``partial_fit`` gives CSR chunks (:func:`logistic._partial.check_chunk_X`
    makes a CSC chunk CSR once); a CSC batch of another caller is made CSR
    here: its ``indices`` are rows."""
    import scipy.sparse as sp

    X = block.X if block.X.format == "csr" else block.X.tocsr()
    cols, local = np.unique(X.indices, return_inverse=True)
    Xc = sp.csr_matrix(
        (X.data, local.astype(X.indices.dtype), X.indptr), shape=(X.shape[0], cols.size)
    )
    return Block(Xc, block.y, block.sample_weight, block.offset), cols


def _batch_sums(
    view: Any, rows: int, block: Block, W: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray, float]:
    """``(Xᵀr, Σ s r, Σ s)`` of a compact ``block`` at the original ``W``
    (rows × its columns) and intercepts ``b``: the binary objective's block
    sums (:func:`logistic._block_sums.block_value_grad`) or the multinomial
    one's (:func:`logistic._multinomial.block_value_grad`), as each
    objective's ``batch_gradient`` reads them. In the multinomial reference
    parametrization the first class's row is 0 and not a parameter: added
    for the sums, its sums left out."""
    if rows == 1 and not getattr(view.base, "reference", False):
        _, g_w, g_1, own = block_value_grad(block, W[0], float(b[0]))
        return g_w[None, :], np.array([g_1]), own
    from .._multinomial import block_value_grad as softmax_sums

    if view.base.reference:
        W0 = np.vstack([np.zeros((1, W.shape[1])), W])
        _, G_w, g_b, own = softmax_sums(block, W0, np.append(0.0, b))
        return G_w[1:], g_b[1:], own
    _, G_w, g_b, own = softmax_sums(block, W, b)
    return G_w, g_b, own


def lazy_sgd_pass(
    view: Any,
    columns: LazyColumns,
    batches: Iterable[Block],
    state: Any,
    eta0: float,
    n_batches: int,
    mean_weight: float | None,
    average: bool = True,
) -> Any:
    """:func:`~logistic.solvers._sgd_steps.sgd_pass` over CSR
    ``batches`` of the standardized ``view`` (binary, or K classes in the
    symmetric parametrization with its gauge term on the intercepts, or the
    reference one), each step
    in O(its non-zeros · rows + groups · rows) (module docstring);
    ``columns`` from :func:`lazy_columns`. Updates ``state`` (an
    ``SGDState``) in place."""
    from ._sgd_steps import AVG_DECAY, sgd_pass

    state.theta = np.array(state.theta, dtype=np.float64)  # changed in place
    state.avg = np.array(state.avg, dtype=np.float64)
    lazy = _Lazy(columns, state.theta, state.avg)
    rows, tiny = columns.rows, np.finfo(float).tiny
    # the multinomial gauge (γ/2)(Σ_k b_k)²: its gradient γ Σ_k b_k on each b_k
    gauge = float(getattr(view.base, "gauge", 0.0))
    for block in batches:
        eta = float(eta0 / np.sqrt(1.0 + state.k / n_batches))
        decay = 1.0 - eta * lazy.c
        if np.min(np.abs(decay)) < _MIN_DECAY:  # the dense step (see _MIN_DECAY)
            lazy.settle()
            sgd_pass(view, [block], state, eta0, n_batches, average, mean_weight)
            lazy = _Lazy(columns, state.theta, state.avg)
            continue
        if lazy.needs_settling(decay):  # this step's 1/S: within 2^16 of A's
            lazy.settle()
        compact, cols = _compact(block)
        W, at = lazy.gather(cols)
        b = lazy.intercepts() if lazy.intercept else np.zeros(rows)
        g_w, g_b, own = _batch_sums(view, rows, compact, W, b)
        total = max(own if mean_weight is None else block.n_rows * mean_weight, tiny)
        g_b = g_b / total
        if gauge:
            g_b = g_b + gauge * float(np.sum(b))
        state.eta = eta
        state.k += 1
        omega = None
        if average:
            state.n_avg += 1
            omega = (1.0 + AVG_DECAY) / (state.n_avg + AVG_DECAY)
        lazy.step(eta, decay, at, g_w / total, g_b, omega)
        if lazy.P == 0 or lazy.needs_settling():  # ω = 1: the stream's first step
            lazy.settle()
    lazy.settle()
    return state
