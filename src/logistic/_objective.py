"""The penalised, weighted average logistic loss of a linear model.

This module owns every convention of the objective. With parameters
``theta = [w_1, ..., w_d, b]`` (intercept stored **last**; absent when
``fit_intercept=False``), logits ``z_i = x_iᵀ w + b + o_i`` (``o`` an optional
offset), sample weights ``s_i ≥ 0`` (all ones by default) and the per-example
loss ``L(y, z) = log(1 + e^z) - y z`` of :mod:`logistic._math`::

    J(θ)    = (1/Σs) Σ_i s_i L(y_i, z_i) + (λ/2) ‖w‖²
    ∇_w J   = (1/Σs) Xᵀ (s ⊙ (σ(z) - y)) + λ w
    ∂J/∂b   = (1/Σs) Σ_i s_i (σ(z_i) - y_i)
    ∇² J    = (1/Σs) X̃ᵀ diag(s ⊙ σ(z) σ(-z)) X̃ + λ diag(1, …, 1, 0)

with ``X̃ = [X, 1]``. With unit weights and λ = 0 the gradient is the
familiar ``(1/m) Σ (h(x_i) - y_i) x_ij``. The intercept is never penalised.
Weights are normalised here and only here (solvers never rescale anything).
The L1 part of an elastic-net penalty is not smooth and is handled by proximal
solvers; this class holds the smooth part (``l2``) only.

Every quantity is a sum over row blocks: a block function returns partial sums
(loss, gradient, Hessian, weight total) and the backend adds them in block
order; the objective divides by ``Σs`` once. The same code therefore serves
in-memory arrays, chunks read from disk and Dask partitions. Partial sums are
accumulated in float64 whatever the dtype of X (float32 X is never upcast).

Σs has one owner, :attr:`LogisticObjective.weight_sum`: the sum over blocks of
:func:`logistic._row_terms.weight_total`, taken from the first reduction that
makes it (the data-statistics pass of :meth:`LogisticObjective.column_moments`,
or an evaluation) and cached; every evaluation divides by it. The penalty
settings of an estimator map to strengths here too (:func:`penalty_strengths`):

    J(θ) + alpha·(l1_ratio·‖w‖₁ + (1 - l1_ratio)/2·‖w‖²),  alpha = 1/(C·Σs)

when scikit-learn's ``C`` is given, so ``penalty="l2", C=C`` minimises the
same function as scikit-learn's ``LogisticRegression(C=C)``.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from . import _kernels
from ._block_sample import block_sampling_fits, grid_rows
from ._block_sums import (
    block_curvature_diagonal,
    block_curvature_hessp,
    block_data_stats,
    block_hessian,
    block_hessp,
    block_logits,
    block_value_grad,
    block_value_grad_hessian,
)
from ._exceptions import NoWeightError
from ._labels import check_encoded_labels
from ._moments import ColumnStats
from ._penalty import penalty_strengths
from ._typing import Backend, Block, FloatArray
from .backends.in_memory import InMemory

#: Every row's loss at logit 0, whatever its label: the value at θ = 0.
LOG_2 = float(np.log(2.0))

__all__ = [
    "LogisticObjective",
    "penalty_strengths",
    "block_data_stats",
    "block_logits",
    "block_value_grad",
    "block_hessian",
    "block_hessp",
    "block_curvature_diagonal",
    "block_curvature_hessp",
    "block_value_grad_hessian",
]

F64 = np.float64


class LogisticObjective:
    """Penalised weighted mean logistic loss (see the module docstring for formulas).

    Parameters
    ----------
    data : Backend
        Where the rows live (e.g. :class:`logistic.backends.InMemory`).
    l2 : float, default=0
        Strength λ of ``(λ/2)‖w‖²`` on the mean-loss scale.
    fit_intercept : bool, default=True
        Whether ``theta`` ends with an (unpenalised) intercept.

    Attributes
    ----------
    n_features : int
    n_params : int
        ``n_features + fit_intercept``.
    n_evaluations : int
        Number of passes over the data made so far (a cost counter for solvers
        and benchmarks).
    """

    def __init__(self, data: Backend, *, l2: float = 0.0, fit_intercept: bool = True):
        self.data = data
        self.l2 = float(l2)
        self.fit_intercept = bool(fit_intercept)
        self.n_features = int(data.n_features)
        self.n_params = self.n_features + int(self.fit_intercept)
        self.n_evaluations = 0
        self._weight_sum: float | None = None
        self._column_stats: ColumnStats | None = None
        self._curvature_key: bytes | None = None
        self._curvature: dict[int, Any] = {}
        self._last_exact: tuple[tuple[bytes, float], Any] | None = None
        self._uneven_grid = False  # block-sampled Hessians fell short of rows
        #: The columns' largest absolute values, ``max_i |x_ij|``, of the
        #: statistics held (:meth:`logit_reach`).
        self._column_amax: tuple[ColumnStats, FloatArray] | None = None
        #: ``(statistics, (mean, std))`` of :meth:`column_moments`.
        self._moments: tuple[ColumnStats, tuple[FloatArray, FloatArray]] | None = None

    @classmethod
    def from_penalty(
        cls,
        data: Backend,
        *,
        penalty: str | None,
        alpha: float,
        l1_ratio: float | None,
        C: float | None,
        fit_intercept: bool = True,
    ) -> tuple[LogisticObjective, float]:
        """The objective of an estimator's penalty settings, and its L1 strength.

        ``l2`` comes from :func:`penalty_strengths`; with ``C`` it reads
        :attr:`weight_sum` (the data-statistics pass, which the standardized
        view needs anyway). ``l2`` is set before any evaluation.
        """
        objective = cls(data, fit_intercept=fit_intercept)
        l1, objective.l2 = penalty_strengths(
            penalty, alpha, l1_ratio, C, lambda: objective.weight_sum
        )
        return objective, l1

    @classmethod
    def from_arrays(
        cls,
        X: Any,
        y: FloatArray,
        sample_weight: FloatArray | None = None,
        offset: FloatArray | None = None,
        *,
        l2: float = 0.0,
        fit_intercept: bool = True,
    ) -> LogisticObjective:
        """Objective over in-memory arrays (validated by the caller, not copied;
        ``y`` must be 0/1 already: :func:`~logistic._labels.check_encoded_labels`)."""
        check_encoded_labels(y, int(X.shape[0]), 2, "LogisticObjective.from_arrays")
        return cls(
            InMemory(X, y, sample_weight, offset), l2=l2, fit_intercept=fit_intercept
        )

    # -- parameter layout ---------------------------------------------------
    def split(self, theta: FloatArray) -> tuple[FloatArray, float]:
        """``(w, b)`` from ``theta`` (``b = 0`` without intercept)."""
        theta = np.asarray(theta, dtype=F64)
        if theta.shape != (self.n_params,):
            raise ValueError(
                f"theta has shape {theta.shape}; expected ({self.n_params},) "
                f"= n_features {self.n_features} + intercept {int(self.fit_intercept)}"
            )
        if self.fit_intercept:
            return theta[:-1], float(theta[-1])
        return theta, 0.0

    def _join(self, g_w: FloatArray, g_b: float) -> FloatArray:
        if not self.fit_intercept:
            return np.asarray(g_w)
        if not isinstance(g_w, np.ndarray):  # another namespace's array
            return np.append(g_w, g_b)
        out = np.empty(g_w.size + 1)  # np.append's result, without its checks
        out[:-1] = g_w.ravel()
        out[-1] = g_b
        return out

    def _reduce(self, fn: Any) -> Any:
        self.n_evaluations += 1
        return self.data.map_reduce(fn)

    @property
    def weight_sum(self) -> float:
        """``Σs``, the total sample weight (the number of rows without weights).

        The sum over blocks of :func:`logistic._row_terms.weight_total`, from the
        first reduction that makes it: an evaluation, or else the
        data-statistics pass of :meth:`column_moments` (made then).
        """
        if self._weight_sum is None:
            self._data_stats()
        assert self._weight_sum is not None
        return self._weight_sum

    def _total(self, total: float) -> float:
        """Σs for an evaluation whose blocks summed their weights to ``total``."""
        if self._weight_sum is None:
            if not total > 0:
                raise NoWeightError(
                    "the sample weights sum to 0 (or there are no rows): the "
                    "objective is undefined; give at least one row a positive weight"
                )
            self._weight_sum = float(total)
        return self._weight_sum

    def _data_stats(self) -> ColumnStats:
        if self._column_stats is None:
            stats, total = self.data.map_reduce(block_data_stats)
            self._total(total)
            self._column_stats = stats
        return self._column_stats

    def check_weights(self) -> None:
        """Refuse a class without rows of positive weight and warn of weights
        float64 cannot resolve, once the statistics pass has run
        (:mod:`logistic._block_moments`): a fit calls it, the in-memory data
        checked before it, out-of-core and Dask data not; ``partial_fit``'s
        batches, which may hold one class, not."""
        from ._block_moments import refuse_weightless_class, warn_weight_range

        classes = getattr(self.data, "classes_", None)
        refuse_weightless_class(self._column_stats, classes)
        warn_weight_range(self._column_stats)

    def set_data_stats(self, stats: ColumnStats) -> None:
        """Take ``stats``, made by the caller from another copy of every row
        of the data (a column copy of X: a solver's own pass), as the
        data-statistics pass's result; ignored once that pass has been made.
        """
        if stats.mean.shape != (self.n_features,):
            raise ValueError(
                f"set_data_stats: statistics of {stats.mean.shape} columns, "
                f"expected ({self.n_features},)"
            )
        if self._column_stats is None:
            self._total(stats.weight)
            self._column_stats = stats

    @property
    def has_data_stats(self) -> bool:
        """Whether the data statistics are known (the pass has run, or
        :meth:`set_data_stats` gave them)."""
        return self._column_stats is not None

    def column_moments(self) -> tuple[FloatArray, FloatArray]:
        """Weighted column means and standard deviations of the data.

        One pass over the data the first time (not counted in
        ``n_evaluations``: it is a fact about the data, not an evaluation),
        cached afterwards (the same two read-only arrays at every call). A
        column has std exactly 0 when its values (on rows of positive weight)
        are all equal, and only then; see :mod:`logistic._moments`.
        """
        stats = self._data_stats()
        kept = self._moments
        if kept is None or kept[0] is not stats:
            mean, std = stats.moments()
            mean.flags.writeable = std.flags.writeable = False
            kept = self._moments = (stats, (mean, std))
        return kept[1]

    def _penalty(self, w: FloatArray) -> float:
        """``(λ/2)‖w‖²`` (0 without an L2 term, whatever w; inf when it overflows)."""
        if self.l2 == 0:
            return 0.0
        with np.errstate(over="ignore"):
            return 0.5 * self.l2 * float(w @ w)

    # -- value and gradient -------------------------------------------------
    def value(self, theta: FloatArray) -> float:
        """``J(θ)``."""
        w, b = self.split(theta)
        loss, _, _, total = self._reduce(
            partial(block_value_grad, w=w, b=b, with_grad=False)
        )
        total = self._total(total)
        return loss / total + self._penalty(w)

    def value_and_gradient(self, theta: FloatArray) -> tuple[float, FloatArray]:
        """``(J(θ), ∇J(θ))`` from a single pass over the data."""
        w, b = self.split(theta)
        loss, g_w, g_b, total = self._reduce(partial(block_value_grad, w=w, b=b))
        total = self._total(total)
        value = loss / total + self._penalty(w)
        return value, self._join(g_w / total + self.l2 * w, g_b / total)

    def start_value_and_gradient(
        self, theta: FloatArray
    ) -> tuple[float, FloatArray] | None:
        """``(J(θ), ∇J(θ))`` at ``θ = 0`` without a pass, or None.

        Where no offset moves the logits, every logit is 0 at ``θ = 0``, so
        ``J = log 2`` (``L(y, 0) = log 2`` for every y; the penalty is 0) and
        ``∇J`` holds the sums of ``r x`` and ``r``, ``r = s (1/2 - y)``, over
        ``Σs``: the data-statistics pass makes them
        (:attr:`logistic._moments.ColumnStats.grad0`). Returned when that
        pass has been made with them and ``θ`` is zero; None otherwise (a
        nonzero ``θ``, an offset, a backend whose kernels do not make the
        sums). Counts no evaluation: it reads no data. The formulas are the
        binary loss's: the K-class objective overrides it.
        """
        stats = self._column_stats
        if stats is None or stats.grad0 is None:
            return None
        w, b = self.split(theta)
        if b != 0.0 or np.any(w):
            return None
        total = self.weight_sum
        g0 = stats.grad0
        # the penalty of w = 0 is 0 for any finite l2 (no call to compute it)
        value = LOG_2 + (0.0 if math.isfinite(self.l2) else self._penalty(w))
        return value, self._join(g0[:-1] / total + self.l2 * w, g0[-1] / total)

    def logit_reach(self, direction: FloatArray) -> float | None:
        """An upper bound on how far a step ``direction`` moves any row's
        logit, ``max_i |x_i·d_w + d_b| ≤ Σ_j max_i |x_ij|·|d_j| + |d_b|``,
        from the columns' ranges of the data-statistics pass (no pass); None
        before that pass (the K-class objective overrides it)."""
        stats = self._column_stats
        if stats is None:
            return None
        w, b = self.split(direction)
        kept = self._column_amax
        if kept is None or kept[0] is not stats:  # once per statistics pass
            kept = self._column_amax = (
                stats,
                np.maximum(np.abs(stats.lo), np.abs(stats.hi)),
            )
        return float(kept[1] @ np.abs(w)) + abs(float(b))

    def gradient(self, theta: FloatArray) -> FloatArray:
        """``∇J(θ)``."""
        return self.value_and_gradient(theta)[1]

    def batch_gradient(
        self, theta: FloatArray, block: Block, total: float | None = None
    ) -> FloatArray:
        """Gradient of the objective over the rows of ``block`` alone (their
        weighted mean loss plus the penalty): the mini-batch gradient that
        SGD and ``partial_fit`` step along. ``total`` divides the loss's sum
        in place of the block's own weight (``partial_fit``: the block's rows
        times the stream's mean weight, so that blocks weigh as their weights)."""
        w, b = self.split(theta)
        _, g_w, g_b, own = block_value_grad(block, w, b)
        total = max(own if total is None else total, np.finfo(float).tiny)
        return self._join(g_w / total + self.l2 * w, g_b / total)

    # -- second order -------------------------------------------------------
    def hessian(self, theta: FloatArray) -> FloatArray:
        """``∇²J(θ)`` as a dense (n_params, n_params) float64 array (no pass
        when :meth:`value_gradient_hessian` was last evaluated exactly at θ)."""
        kept = self._kept(theta)
        if kept is not None:
            return kept[2]
        w, b = self.split(theta)
        hww, hwb, hbb = self._reduce(partial(block_hessian, w=w, b=b))
        return self.assemble_hessian(hww, hwb, hbb, self.weight_sum)

    def _exact_key(self, theta: FloatArray) -> tuple[bytes, float]:
        return np.asarray(theta, dtype=F64).tobytes(), self.l2

    def _kept(self, theta: FloatArray) -> tuple[float, FloatArray, FloatArray] | None:
        """Copies of the last exact :meth:`value_gradient_hessian` result when it
        was evaluated at ``theta`` (bitwise) with the current ``l2``, else None.

        Newton's last accepted step evaluates ``(J, ∇J, ∇²J)`` at the point it
        returns, and the inference of an unpenalized fit asks for the same
        three at that point: kept here, they cost no second pass. Only the
        latest exact evaluation is kept (its own arrays, ``p² + p`` floats)."""
        last = self._last_exact
        if last is None or last[0] != self._exact_key(theta):
            return None
        value, grad, H = last[1]
        return value, grad.copy(), H.copy()

    def value_gradient_hessian(
        self, theta: FloatArray, hessian_stride: int = 1
    ) -> tuple[float, FloatArray, FloatArray]:
        """``(J(θ), ∇J(θ), ∇²J(θ))`` from a single pass over the data.

        ``hessian_stride = k > 1`` estimates the Hessian from a 1/k sample of
        the rows (value and gradient stay exact): a subsampled Newton step for
        ``n_samples ≫ n_features``. Backends with a fixed block grid
        (``block_grid``: in memory, out of core) sample every k-th *block*
        whole (:meth:`_block_sampled_sums`), so the per-block cost of a
        Hessian (``syrk`` call, p × p partial sum) is paid in 1/k of the
        blocks and streamed blocks are not copied; other backends sample every
        k-th row of every block.

        The result of an exact evaluation (``k = 1``) is kept, so its gradient
        and Hessian are returned read-only: asked again at the same θ
        (bitwise, same ``l2``), this method and :meth:`hessian` return
        writable copies of it without a pass (and without counting one).
        """
        k = int(hessian_stride)
        if k == 1:
            kept = self._kept(theta)
            if kept is not None:
                return kept
        w, b = self.split(theta)
        caps = self.data.capabilities
        sums = None
        if k > 1 and (caps.block_grid or caps.block_index) and self._blocks_fit(k):
            sums = self._block_sampled_sums(w, b, k)
        if sums is None:
            sums = self._reduce(
                partial(block_value_grad_hessian, w=w, b=b, hessian_stride=k)
            )
        loss, g_w, g_b, total, hww, hwb, hbb = sums
        total = self._total(total)
        value = loss / total + self._penalty(w)
        grad = self._join(g_w / total + self.l2 * w, g_b / total)
        H = self.assemble_hessian(hww, hwb, hbb, total)
        if k == 1:  # kept, not copied (p² floats): read-only from now on
            grad.flags.writeable = H.flags.writeable = False
            self._last_exact = (self._exact_key(theta), (value, grad, H))
        return value, grad, H

    def _blocks_fit(self, k: int) -> bool:
        """Whether every k-th block of the grid may hold the Hessian's
        ``n // k`` rows: decided from the grid's row counts when the backend
        gives them (:func:`logistic._block_sample.grid_rows`: Dask's uneven
        partitions), so such a grid samples rows from the first pass on;
        else found by the first block-sampled pass (:meth:`_block_sampled_sums`)."""
        if self._uneven_grid:
            return False
        sizes = grid_rows(self.data)
        if sizes is not None and not block_sampling_fits(sizes, k):
            self._uneven_grid = True
        return not self._uneven_grid

    def _block_sampled_sums(self, w: FloatArray, b: float, k: int) -> Any:
        """One pass's partial sums with the Hessian's from every k-th block of
        the grid whole, scaled by ``rows / rows sampled``; None (and row
        sampling from then on) when those blocks hold fewer than ``n // k``
        rows.

        Rows are counted inside the pass. Every k-th row of every block gives
        at least ``n / k`` rows, and Newton takes ``k = n // rows wanted``;
        so do every k-th block of a grid of equal blocks but the last (in
        memory, out of core), whatever k: ``⌈B/k⌉`` blocks of ``m`` rows with
        ``B m ≥ n``. Only an uneven grid can fall short: a backend that gives
        its grid's row counts (Dask) is checked before the pass
        (:meth:`_blocks_fit`); for one that does not, the pass is repeated
        with row sampling (value and gradient are the same), as are later
        ones.
        """
        self.n_evaluations += 1

        @_kernels.row_loop_only
        def fn(block: Block, i: int) -> Any:
            hit = i % k == 0
            n = block.n_rows
            sums = block_value_grad_hessian(block, w, b, 1 if hit else 0)
            return (*sums, n if hit else 0, n)

        *sums, sampled, rows = self.data.map_reduce_indexed(fn)
        if sampled < rows // k:
            self._uneven_grid = True
            return None
        scale = rows / max(1, sampled)
        loss, g_w, g_b, total, hww, hwb, hbb = sums
        return loss, g_w, g_b, total, hww * scale, hwb * scale, hbb * scale

    def assemble_hessian(
        self, hww: FloatArray, hwb: FloatArray, hbb: float, total: float
    ) -> FloatArray:
        """``∇²J`` from the row sums ``Σ d x xᵀ``, ``Σ d x``, ``Σ d`` (the
        kernels' ``hessian``) over a weight total ``total``: the means, the L2
        term on the coefficients, the intercept's row and column last."""
        p = self.n_features
        H = np.empty((self.n_params, self.n_params))
        if isinstance(hww, np.ndarray):  # into H: no p × p temporary
            np.divide(hww, total, out=H[:p, :p])
        else:
            H[:p, :p] = hww / total
        n = self.n_params
        H.ravel()[: p * (n + 1) : n + 1] += self.l2  # H[j, j], j < p
        if self.fit_intercept:
            H[:p, p] = H[p, :p] = hwb / total
            H[p, p] = hbb / total
        return H

    def _hessp(self, theta: FloatArray, v: FloatArray, unit: bool) -> FloatArray:
        w, b = self.split(theta)
        v_w, v_b = self.split(v)
        if self.data.capabilities.block_index:
            h_w, h_b = self._reduce(
                partial(
                    block_curvature_hessp,
                    w=w,
                    b=b,
                    v_w=v_w,
                    v_b=v_b,
                    unit=unit,
                    store=self._curvature_store(theta, unit),
                )
            )
        else:
            h_w, h_b = self._reduce(
                partial(block_hessp, w=w, b=b, v_w=v_w, v_b=v_b, unit=unit)
            )
        total = self.weight_sum
        return self._join(h_w / total + self.l2 * v_w, h_b / total)

    def _curvature_store(self, theta: FloatArray, unit: bool) -> dict[int, Any]:
        """Per-block curvature ``d`` at ``theta`` (``s/4`` when ``unit``), kept
        between Hessian-vector products at the same point.

        Truncated Newton takes several products ``∇²J(θ) v`` at one ``θ``
        (one per CG iteration): the first computes ``z = X w`` and ``d`` for
        each block and keeps ``d``; the others read it, so each costs two
        products with X (``X v`` and ``Xᵀ(d ⊙ X v)``) instead of three. Only
        for backends whose blocks are stable (``block_index``: in memory); ``d`` is
        one float64 per row (8 MB per million rows), dropped when ``θ``
        changes. Blocks are recognised by identity (the in-memory backend's
        blocks are fixed views, built once).
        """
        key = b"unit" if unit else np.asarray(theta, dtype=F64).tobytes()
        if self._curvature_key != key:
            self._curvature_key, self._curvature = key, {}
        return self._curvature

    def hessian_vector(self, theta: FloatArray, v: FloatArray) -> FloatArray:
        """``∇²J(θ) v`` without forming the Hessian."""
        return self._hessp(theta, v, unit=False)

    def hessian_diagonal(
        self, theta: FloatArray
    ) -> tuple[FloatArray, FloatArray, float]:
        """The diagonal of ``∇²J(θ)``'s coefficient block, its intercept row
        and its intercept entry: ``(Σ d x²/W + λ, Σ d x/W, Σ d/W)`` (``W`` the
        weight total), from one read of the data. On backends with
        ``block_index`` the curvature stays in the store of
        :meth:`hessian_vector`, whose products at the same θ read it."""
        w, b = self.split(theta)
        store = None
        if self.data.capabilities.block_index:
            store = self._curvature_store(theta, False)
        sq, hwb, hbb = self._reduce(
            partial(block_curvature_diagonal, w=w, b=b, store=store)
        )
        total = self.weight_sum
        return sq / total + self.l2, hwb / total, hbb / total

    def majorizer_vector(self, v: FloatArray) -> FloatArray:
        """``M v`` with ``M = X̃ᵀ S X̃ / (4 Σs) + λ I_w`` ⪰ ∇²J everywhere.

        Because ``σ(z)σ(-z) ≤ 1/4``, the largest eigenvalue of ``M`` is a
        Lipschitz constant of the gradient (the gradient-descent step bound).
        """
        return self._hessp(np.zeros(self.n_params), v, unit=True)
