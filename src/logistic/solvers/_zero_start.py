"""Newton's first state at ``θ = 0`` without a pass over the data.

Convention (owned here). Where no offset moves the logits, every logit is 0
at ``θ = 0``: ``J(0) = log 2`` and ``∇J(0)`` come from the data-statistics
pass that every fit makes first
(:meth:`logistic._objective.LogisticObjective.start_value_and_gradient`), and
every row's curvature is ``σ(0)σ(0) = 1/4`` whatever its label, so the
Hessian ``∇²J(0) = (1/Σs) Σ s/4 x̃ x̃ᵀ + λ`` (``x̃ = (x, 1)``, no penalty on
the intercept) is a weighted Gram matrix of X. :func:`zero_start` estimates
it from ``m = max(SAMPLE_MIN_ROWS, SAMPLE_ROWS_PER_PARAM · n_params)`` rows
(:func:`sample_rows`: ``⌊n · frac(i φ)⌋``, ``i < m``, ``φ`` the golden
ratio, in row order: spread over the rows without the aliasing of every k-th
row, whose period can match the data's — ijcnn1's first ten columns repeat
every ten rows; the same rows in every process), when X is a dense array in
memory of at least ``MIN_RATIO · m`` rows (smaller data: below), in place of
Newton's first pass
(value, gradient and exact Hessian at ``θ = 0``). Newton asks for it where
its Hessians are exact (tall data, whose Hessians are subsampled anyway, keep
their first pass).

The first step's direction reads this estimate; its line search evaluates
value and gradient exactly at the trial point, and the Hessian there
exactly or, far from the optimum, from the same rows (:mod:`._newton_rows`,
which states when; :func:`sample_of` chooses them again for a resumed fit),
so the stopping rule and the optimum are unchanged and the iterates differ
from exact Newton's by the estimates' errors (a few per cent of the first
steps, which the exact steps near the optimum contract quadratically).
ijcnn1 (49 990 × 22): 7 → 6 passes, the same 6 iterations, the gap to the
optimum at tol 1e-4 2.0e-10 (1.5e-10 with the exact first step); the estimate
costs a tenth to a fifth of the pass it replaces (0.3-0.6 ms against
1.8-3.3 ms, loaded machine). Data of fewer than ``MIN_RATIO · m`` rows, whose
exact Hessian's work ``n · n_params²`` is at least ``SMALL_MIN_WORK`` (below
it the pass costs less than the sample's fixed costs), sample as many rows
as a copy of ``SMALL_SAMPLE_BYTES`` holds, at most ``n // MIN_RATIO``, when
those are at least ``SMALL_ROWS_PER_PARAM · n_params``: a copy above glibc's
mmap threshold (128 KiB) is mapped afresh and faulted in by a process's first
fit (1 750 rows of higgs: ~100 faults, more than the pass it saved). higgs
(7 000 × 28) samples 548 rows: 4 → 3 passes, the same 3 iterations, gap at
tol 1e-4 3.2e-9 (2.3e-10 with the exact first step, 1.4e-9 from 1 750 rows).

The estimate is refused, and Newton evaluates ``θ = 0`` in one pass as
without it, when a column's sampled second moment ``Σ s x²/Σ s`` is more
than ``MOMENT_RATIO`` times larger or smaller than the exact one (the
statistics pass's mean and standard deviation: ``std² + mean²``), read
from the diagonal of the sample's Hessian (``Σ (s/4) x²``: no sweep of its
own; a refusal costs the copy and that Hessian, ~0.1 ms). A column that the
sample misses (a rare value: a sampled moment of 0, or one row counted
``n/m`` times over) would make the first step that many times too long
along it, into a line search. Heavy tails move the
sampled moments less: credit-default's amounts, 0.37-0.6 of the exact ones
in its 2 000 rows, leave its iterations as they are (5) and save the pass
(6 → 5 passes at tol 1e-5, gap 6.6e-12 against 5.4e-12). A column whose
spread rests on few rows is refused whatever its moment: fewer than
``MIN_SPREAD_ROWS`` sampled rows more than a standard deviation from its
mean (a binary feature of frequency 0.5 %: about 10 of 2 000 rows, whose
co-occurrences the sample cannot estimate; accepted, such data, 30 000 × 15,
took one iteration and one backtracking pass more, 7 → 8 passes, where 2 %
saves a pass, 8 → 7). Where the compiled row loop reads X (C-ordered
float32/float64 rows, :func:`logistic._compiled.fused_hessian_applies`), the
sample's Hessian and this count come from one sweep over the sampled rows
read in place (``_fused.sample_gram``: the Hessian sums bit for bit those of
the row loop over a copy of the rows, :func:`_gathered_sums`), so no rows
are copied: the copy's pages and numpy calls would be ~0.27 ms of higgs's
first fit in a fresh process (2.09 ms against 2.40 with the copy, median of
30 pairs, load ~4.5).
Elsewhere the rows are copied and the count is made after the sample's
Hessian, in place of the copied rows (no temporary of their size), on its
first ``SPREAD_HEAD_ROWS`` rows and on the others only for a column short
there.
It is refused too when the sample's weights rest on few rows (an effective size
``(Σ s)²/Σ s²`` below ``MIN_EFFECTIVE_FRACTION`` of its rows: data whose
rows mostly weigh 0, where a 0.5 % weighted took
14-16 passes against 7-9) and when the estimate is not positive definite
with every pivot of its Jacobi-scaled Cholesky factor at least ``MIN_PIVOT``
(columns collinear, or nearly, in the sample only: that would warn of a
singular Hessian the data do not have, or send the first step far along a
direction only the sample makes flat — 19-53 passes against 6). That factor
is made by Newton's own factorization
(:func:`logistic.solvers._newton_linalg.scaled_cholesky`: the same scaling and
Cholesky) and returned with the estimate, so the first step does not factor
the estimate again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._compiled import compiled_for_shape, compiled_kernel, fused_hessian_applies
from .._kernels import hessian, hessian_order
from .._linalg import Cholesky, LinAlgError
from .._objective import LogisticObjective
from .._typing import FloatArray
from ._newton_linalg import jacobi_scaling, lapack_factors, scaled_cholesky
from ._newton_rows import HessianSample, usable

__all__ = ["ZeroStart", "zero_start", "sample_of", "sample_rows"]

#: Rows of the Hessian estimate: at least this many ...
SAMPLE_MIN_ROWS = 2_000
#: ... and this many per parameter (relative error about ``√(p / m)``).
SAMPLE_ROWS_PER_PARAM = 50
#: Data of fewer than this many times the sample's rows sample ``n // MIN_RATIO``
#: rows, or none (:data:`SMALL_MIN_WORK`): the sample's copy, spread count and
#: Hessian cost about a third of the exact pass at 2×.
MIN_RATIO = 4
#: Smallest ``n_samples · n_params²`` (the exact Hessian's multiply-adds, up
#: to a factor 2) of data below ``MIN_RATIO · m`` rows that are sampled:
#: below it the exact pass costs less than the sample's fixed costs.
SMALL_MIN_WORK = 4_000_000
#: Largest copy of the sample of such data: under glibc's initial mmap
#: threshold (128 KiB), so the heap serves it without fresh pages.
SMALL_SAMPLE_BYTES = 120 * 1024
#: Fewest rows per parameter of such a sample (relative error ``√(1/18)``).
SMALL_ROWS_PER_PARAM = 18
#: Largest factor between a column's sampled and exact second moments.
MOMENT_RATIO = 4.0
#: Fewest sampled rows more than one standard deviation from their column's
#: mean, for every non-constant column.
MIN_SPREAD_ROWS = 30
#: The spread is counted on this many of the sample's rows first, and on the
#: others only for the columns short of ``MIN_SPREAD_ROWS`` there
#: (:func:`_spread_enough`).
SPREAD_HEAD_ROWS = 16 * MIN_SPREAD_ROWS
#: Smallest effective size ``(Σ s)² / Σ s²`` of the sample's weights, as a
#: fraction of its rows: a sample whose weight rests on a few rows (most rows
#: weighted 0) estimates the Hessian from those few.
MIN_EFFECTIVE_FRACTION = 0.25
#: Smallest pivot ``L_ii²`` of the Cholesky factor of the Jacobi-scaled
#: estimate (unit diagonal): a smaller one is a direction the sample makes
#: nearly flat, along which the first step would run far.
MIN_PIVOT = 1e-6
#: Floor of a column's second moment in the sample's relative moment error
#: (a column of zeros: no error).
TINY = 1e-300
#: The golden ratio's fractional part: ``frac(i φ)`` spreads evenly over [0, 1).
_PHI = (5**0.5 - 1) / 2


class ZeroStart:
    """Newton's first state at ``θ = 0`` without a pass: ``J(0)``, ``∇J(0)``,
    the Hessian estimate ``Ĥ(0)``, and the Jacobi scaling ``s = diag(Ĥ)^{-1/2}``
    with the Cholesky factor of ``S Ĥ S`` that the estimate's test made, and
    the sampled rows (:class:`._newton_rows.HessianSample`: Newton's later
    estimates far from the optimum read them).

    A plain class holding these fields in slots, its methods written out
    rather than generated: cheap to define at the import a process's first
    Newton fit makes. Its repr names the fields, arrays by shape and the
    sample by its rows."""

    __slots__ = ("value", "grad", "hessian", "scaling", "factor", "sample")

    def __init__(
        self,
        value: float,
        grad: FloatArray,
        hessian: FloatArray,
        scaling: FloatArray,
        factor: Cholesky,
        sample: HessianSample,
    ) -> None:
        self.value = value
        self.grad = grad
        self.hessian = hessian
        self.scaling = scaling
        self.factor = factor
        self.sample = sample

    def __repr__(self) -> str:
        parts = [f"value={self.value!r}"]
        for name in ("grad", "hessian", "scaling"):
            parts.append(f"{name}=<array {getattr(self, name).shape}>")
        parts.append(f"factor=<{type(self.factor).__name__}>")
        rows = self.sample.idx.size
        parts.append(f"sample=<{type(self.sample).__name__} of {rows} rows>")
        return f"ZeroStart({', '.join(parts)})"


def sample_rows(
    n_samples: int, n_params: int, itemsize: int = 8, n_columns: int | None = None
) -> np.ndarray | None:
    """Indices (sorted, distinct unless ``m`` is close to ``n_samples``) of the
    rows that estimate the Hessian at ``θ = 0``, or None when the data are too
    small to sample (``itemsize``: bytes of a value of X; ``n_columns``: X's
    columns, the copy's width, ``n_params - 1`` when not given)."""
    m = max(SAMPLE_MIN_ROWS, SAMPLE_ROWS_PER_PARAM * n_params)
    width = n_params - 1 if n_columns is None else n_columns
    if n_samples < MIN_RATIO * m:
        fits = SMALL_SAMPLE_BYTES // (itemsize * max(1, width))
        m = min(n_samples // MIN_RATIO, fits)
        small = n_samples * n_params * n_params < SMALL_MIN_WORK
        if small or m < SMALL_ROWS_PER_PARAM * n_params:
            return None
    mod = compiled_for_shape(n_samples, width)
    if mod is not None:  # the same operations in one call
        idx = np.empty(m, dtype=np.intp)
        mod.golden_rows(n_samples, _PHI, idx)
        return idx
    u = np.arange(1, m + 1, dtype=np.float64) * _PHI
    u -= np.floor(u)
    idx = (u * n_samples).astype(np.intp)
    idx.sort()
    return idx


def zero_start(objective: Any, theta0: FloatArray) -> ZeroStart | None:
    """``J(0)``, ``∇J(0)`` and ``Ĥ(0)`` without a pass over the data, or None
    (see the module docstring for when; the caller then evaluates ``θ = 0``
    exactly).

    ``objective`` is in original coordinates (Newton's); ``Ĥ(0)`` is the
    estimate from :func:`sample_rows`.
    """
    if np.any(theta0):
        return None
    block = _eligible_rows(objective)
    if block is None:
        return None
    known = objective.start_value_and_gradient(theta0)
    if known is None:
        return None
    got = _estimate(objective, block)
    if got is None:
        return None
    H, factored, sample = got
    value, grad = known
    return ZeroStart(value, grad, H, *factored, sample)


def sample_of(objective: Any) -> HessianSample | None:
    """The rows :func:`zero_start` samples of ``objective``'s data, for a
    resumed fit whose checkpoint says it was estimating Hessians from them:
    the same rows (:func:`sample_rows` is deterministic), chosen only where
    :func:`zero_start` would sample these data (the same guards and tests,
    its sample's Hessian made again: ~0.1 ms) and
    :func:`._newton_rows.usable` accepts the sample; else None (the fit goes
    on with exact Hessians)."""
    block = _eligible_rows(objective)
    got = None if block is None else _estimate(objective, block)
    if got is None or not usable(got[2]):
        return None
    return got[2]


def _eligible_rows(objective: Any) -> Any:
    """The rows (one block) of a binary objective whose Hessian at ``θ = 0``
    may be sampled: X a dense array in memory, no offset; else None."""
    if type(objective) is not LogisticObjective:
        return None
    data = objective.data
    if not data.capabilities.rows_in_memory:
        return None
    block = data.rows()
    if not isinstance(block.X, np.ndarray) or block.offset is not None:
        return None
    return block


def _estimate(
    objective: LogisticObjective, block: Any
) -> tuple[FloatArray, tuple[FloatArray, Cholesky], HessianSample] | None:
    """The Hessian at ``θ = 0`` from :func:`sample_rows` of ``block``, its
    scaling and factor (:func:`_well_conditioned`) and the sample, or None
    where the data are too small to sample or the estimate is refused."""
    X = block.X
    idx = sample_rows(X.shape[0], objective.n_params, X.itemsize, X.shape[1])
    if idx is None:
        return None
    got = _sampled_hessian(objective, block, idx)
    if got is None:
        return None
    H, moment_error = got
    factored = _well_conditioned(H, lapack_factors(objective))
    if factored is None:
        return None
    return H, factored, HessianSample(objective, idx, moment_error)


def _sampled_hessian(
    objective: LogisticObjective, block: Any, idx: np.ndarray
) -> tuple[FloatArray, float] | None:
    """The Hessian at ``θ = 0`` estimated from rows ``idx`` and the largest
    relative error of a column's sampled second moment, or None when refused
    (a misrepresented column)."""
    sw = None if block.sample_weight is None else block.sample_weight[idx]
    ss = float(np.sum(sw)) if sw is not None else float(idx.size)
    if not ss > 0:
        return None
    if sw is not None and ss * ss < MIN_EFFECTIVE_FRACTION * idx.size * float(sw @ sw):
        return None
    mean, std = objective.column_moments()
    gathered = _gathered_sums(block, idx, mean, std)
    if gathered is None:
        Xs = np.take(block.X, idx, axis=0)  # a copy (np.take: faster than X[idx])
        # d = s σ(0)σ(0) = s/4 on every row: hbb = Σ s/4 over the sample
        p = objective.n_features
        hww, hwb, hbb = hessian(Xs, block.y[idx], np.zeros(p), 0.0, None, sw)
    else:
        hww, hwb, hbb, counts = gathered
    if not hbb > 0:
        return None
    moments = 4.0 * hww.diagonal() / ss  # Σ s x² / Σ s
    exact = np.square(std) + np.square(mean)
    if not (
        (moments <= MOMENT_RATIO * exact) & (exact <= MOMENT_RATIO * moments)
    ).all():
        return None
    if gathered is not None:
        if ((counts < MIN_SPREAD_ROWS) & (std > 0)).any():
            return None
    # after the Hessian, which no longer reads the copied rows: a float64
    # copy is overwritten by the spread count instead of a temporary of its
    # size (~350 KB: ~90 page faults a fit, the heap returning it each time)
    elif not _spread_enough(Xs, mean, std, sw):
        return None
    H = objective.assemble_hessian(hww, hwb, hbb, 4.0 * hbb)  # 4 hbb = Σ s
    return H, float((np.abs(moments - exact) / np.maximum(exact, TINY)).max())


def _gathered_sums(
    block: Any, idx: np.ndarray, mean: FloatArray, std: FloatArray
) -> tuple[FloatArray, FloatArray, float, FloatArray] | None:
    """``(Σ (s/4) x xᵀ, Σ (s/4) x, Σ s/4)`` over the rows ``idx`` of a block
    whose copy the compiled row loop would read (its Hessian at ``θ = 0``,
    :func:`logistic._kernels.hessian`), with each column's count of sampled
    rows of positive weight more than ``std`` from ``mean``
    (:func:`_spread`'s), from one compiled sweep that reads those rows in
    place (``_fused.sample_gram``: the same sums bit for bit, without the
    copy, whose pages a process's first fit faults in, nor the numpy calls
    around it); None where the row loop would not read the copy (the
    caller then copies the rows)."""
    X = block.X
    p = X.shape[1]
    if not (fused_hessian_applies(X) and compiled_for_shape(idx.size, p) is not None):
        return None
    q = hessian_order(p)  # x̃ = (x, 1), padded as the row loop's Hessian
    H = np.empty((q, q))
    counts = np.empty(p)
    sw = block.sample_weight
    if sw is not None:
        sw = np.ascontiguousarray(sw, dtype=np.float64)
    mod: Any = compiled_kernel()
    if not mod.sample_gram(X, idx, sw, mean, std, H, counts):
        return None
    return H[:p, :p], H[:p, p], float(H[p, p]), counts


def _spread_enough(
    Xs: FloatArray, mean: FloatArray, std: FloatArray, sw: FloatArray | None
) -> bool:
    """Whether every non-constant column has at least ``MIN_SPREAD_ROWS``
    rows of ``Xs`` (of positive weight) more than ``std`` from ``mean``.

    Counted on the first ``SPREAD_HEAD_ROWS`` rows first, where a column of
    ordinary spread (a third of its rows beyond one standard deviation)
    already has them all; only when a column falls short are the other rows
    counted too. The counts only grow with rows, so the answer is the full
    count's. Overwrites a float64 ``Xs`` (:func:`_spread`)."""
    head = SPREAD_HEAD_ROWS
    counts = _spread(Xs[:head], mean, std, None if sw is None else sw[:head])
    short = (counts < MIN_SPREAD_ROWS) & (std > 0)
    if not np.any(short) or Xs.shape[0] <= head:
        return not np.any(short)
    rest = _spread(Xs[head:], mean, std, None if sw is None else sw[head:])
    return not np.any((counts + rest < MIN_SPREAD_ROWS) & (std > 0))


def _spread(
    Xs: FloatArray, mean: FloatArray, std: FloatArray, sw: FloatArray | None
) -> FloatArray:
    """Per column, the rows of ``Xs`` of positive weight more than ``std``
    from ``mean`` (the sum over rows a matrix-vector product). A float64
    ``Xs`` is overwritten (the caller's copy); another dtype gets one
    float64 temporary."""
    if Xs.dtype == np.float64:
        t = np.subtract(Xs, mean, out=Xs)
    else:
        t = np.subtract(Xs, mean, dtype=np.float64)
    np.abs(t, out=t)
    np.greater(t, std, out=t)  # 1.0 where beyond, else 0.0
    rows = np.ones(t.shape[0]) if sw is None else (sw > 0).astype(np.float64)
    return rows @ t


def _well_conditioned(
    H: FloatArray, lapack: bool = False
) -> tuple[FloatArray, Cholesky] | None:
    """The Jacobi scaling ``s = diag(H)^{-1/2}`` and the Cholesky factor of
    ``S H S``, made as Newton's own factor is
    (:func:`._newton_linalg.scaled_cholesky`); None when H is not finite with
    a positive diagonal, not positive definite, or a pivot of the factor is
    below :data:`MIN_PIVOT`."""
    diag = H.diagonal()
    if not (np.isfinite(H).all() and (diag > 0).all()):
        return None
    s = jacobi_scaling(H)
    try:
        factor = scaled_cholesky(H, s, lapack)
    except LinAlgError:
        return None
    if not np.square(factor.lower.diagonal()).min() >= MIN_PIVOT:
        return None
    return s, factor
