"""The rows Newton samples: its subsample start's, and the Hessian estimate
far from the optimum.

Subsample start (:mod:`.newton` states when it is tried): every k-th row as
one block (copies), or, for streamed data (``block_grid``), every k-th block
of the grid, gathered without a pass
(:func:`logistic._block_sample.gather_start_rows`): :func:`start_block`, of
:func:`start_rows` rows; on sparse X below the dense rule's size, how many
rows start a penalized fit (:func:`sparse_start_rows`) and how far that
subsample fit is solved (:data:`SPARSE_START_TOL_SCALE`).

Hessian estimate (convention owned here). Where Newton's Hessians are exact
(data below ``EXACT_HESSIAN_MAX_SIZE`` entries or too short to subsample)
and the fit started from the sampled Hessian at ``θ = 0``
(:mod:`._zero_start`, which checks those rows for the columns they
misrepresent), the same ``m`` rows (copied again at the first trial point
that may get an estimate, :meth:`HessianSample.size_at`: the zero start's
copy is spent on its own checks), when they are at least
``MIN_ROWS_PER_PARAM`` a parameter, also estimate the Hessian at the trial
points of the steps far from the optimum: a trial point's value and gradient
stay exact (a value+gradient pass: the stopping rule is unchanged) and its
Hessian costs ``m·n_params²/2`` multiply-adds instead of ``n·n_params²/2``.
Whether a fit still samples and whether its current Hessian is an estimate
are fields of Newton's state (checkpointed); the rows travel with the state
and are chosen again, the same ones, when a checkpoint is resumed
(:func:`._zero_start.sample_of`, which samples only where a fresh fit of
these data would); so does the fit's last Cholesky factor: nothing of a fit
is kept on the solver.

An estimate of relative error ``ε`` (``ε² ~ n_params / m_eff``) adds about
``ε·λ`` to the next decrement ``λ⁺ ≈ c·λ²`` of an exact step (``λ² = gᵀH⁻¹g``,
the Newton decrement): lost in the step's own error far from the optimum,
where Newton contracts ``λ`` by a factor of two to three a step, but near it
quadratic convergence would turn linear. So a step's trial points get the
estimate only while the decrement predicted there
(:func:`predicted_decrement`: the step's own, times the contraction of the
step before) is at least ``DECREMENT_PER_ERROR · n_params / m_eff``; the
first step that fails this test evaluates exact Hessians, and so does every
step after it. ``m_eff = min(m, (Σd)²/Σd²)`` is the effective size of the
sample's curvature weights ``d = s σ(z)σ(-z)`` at the trial point (near
separation the curvature rests on a few rows, and the estimate is as good
as those few: on a nearly separable Gaussian problem of 20 000 × 10 with
alpha = 1e-4 they go 1 718, 1 260, 878, 605, 422 along the first trial
points), and the sample needs ``MIN_ROWS_PER_PARAM`` effective rows a
parameter there too (:meth:`HessianSample.estimates`, before the trial
point's pass: ``m·n_params`` multiply-adds). The first step has
no contraction to repeat: its prediction is quadratic convergence with the
constant ``FIRST_STEP_CONSTANT · ρ³``, ``ρ`` the loss's largest share of a
penalized column's curvature at ``θ = 0`` (:func:`loss_share`: the penalty
has no third derivative, and the step's constant scales with the third
derivative squared over the curvature cubed; a strongly penalized
objective is nearly quadratic and exact Newton ends it in two or three
steps, which an estimate would lengthen: alpha = 1 on unit-variance
columns, ``ρ = 0.2``, predicted 3.4e-5, measured 3.4e-5, against a bar
of 2.8e-3).
Heavy tails make ``ε`` larger than ``n_params / m`` says: a sample whose
second moment of some column is off by more than ``MAX_MOMENT_ERROR``
(relative; credit-default's amounts: 0.37-1.25 of the exact ones) is not
used, nor in an unpenalized fit: near-separable data then converge linearly
toward a far optimum, where the curvature rests on a few rows, and the
estimate's error costs a little contraction in every step of that linear
phase; and an unpenalized fit reads the exact Hessian at its optimum
(:func:`usable`). A step from an estimate that backtracks ends the sampling
for the fit (the sample misled it), and so does a zero start whose first
step is refused.

ijcnn1 (49 990 × 22, 2 000 rows, moments within 7 %): the Hessians at the
first three trial points are estimated (decrements 0.73, 0.1, 0.036,
predicted 0.134, 0.0137, 0.0129, effective rows 1 824, 1 367, 1 030; then
0.0097, predicted 0.0026 at 862 effective rows: a bar of 0.013), the same 6
iterations and passes, three of them a value+gradient pass (0.26 ms) and the
estimate (~0.05 ms) instead of the fused pass with the exact Hessian
(0.71 ms). credit-default (heavy tails) and higgs (a 548-row sample) keep
exact ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._block_sample import gather_start_rows
from .._exceptions import NumericalError
from .._kernels import hessian
from .._linalg import LinAlgError
from .._math import hessian_weight
from .._numerics import (
    START_MAX_ITER,
    START_MIN_RATIO,
    START_ROWS_PER_PARAM,
    START_TOL,
    start_hessian_rows,
    start_subsample_rows,
)
from .._objective import LogisticObjective
from .._scaling import ScaledObjective
from .._sparse import issparse
from .._typing import FloatArray

__all__ = [
    "SPARSE_START_DIVISOR",
    "SPARSE_START_MIN_ROWS",
    "SPARSE_START_TOL_SCALE",
    "HessianSample",
    "effective_rows",
    "loss_share",
    "predicted_decrement",
    "sampled",
    "sparse_start",
    "sparse_start_rows",
    "start_block",
    "start_rows",
    "subsample_fit",
    "trial_rows",
    "usable",
]

#: A step's trial points get the sample's estimate when the decrement
#: predicted at them is at least this many times ``n_params / m_eff`` (the
#: estimate's squared relative error, up to a constant).
DECREMENT_PER_ERROR = 0.5
#: Fewest sampled rows, and effective rows at a trial point, per parameter
#: (ijcnn1's third trial point: 1 030 effective rows for 23 parameters, 45
#: a parameter; the estimate there keeps its 6 iterations. higgs's 548-row
#: sample of a small data set: 19 a parameter, none).
MIN_ROWS_PER_PARAM = 40
#: Largest relative error of a column's sampled second moment (heavy tails
#: misestimate the Hessian beyond what ``n_params / m`` says).
MAX_MOMENT_ERROR = 0.15
#: The first step's quadratic constant without a penalty, ``λ₁² / λ₀⁴`` of
#: exact Newton from ``θ = 0`` (measured: ijcnn1 0.19, Gaussian data of
#: 20 000 × 10 with alpha = 1/n 0.25-0.4; with a penalty it is this times
#: ``ρ³``: 0.9-1.3 times ``ρ³/4`` for ``ρ`` from 0.2 to 0.9).
FIRST_STEP_CONSTANT = 0.25


class HessianSample:
    """Rows of the data whose Hessian estimates the data's: the zero start's
    (their indices), copied at the first trial point that may get an
    estimate (:meth:`size_at`). One fit's: its states carry it.

    Parameters
    ----------
    objective : LogisticObjective
        The full objective (its data, ``l2`` and intercept convention).
    idx : ndarray of shape (m,)
        The sampled rows.
    moment_error : float
        The largest relative error of a column's sampled second moment
        ``Σ s x² / Σ s`` against the data's (:func:`usable` reads it).
    """

    __slots__ = ("objective", "idx", "moment_error", "_rows")

    def __init__(
        self, objective: Any, idx: np.ndarray, moment_error: float = 0.0
    ) -> None:
        self.objective = objective
        self.idx = idx
        self.moment_error = moment_error
        self._rows: tuple[Any, ...] | None = None

    def _copied(self) -> tuple[Any, ...]:
        """The sampled rows' X (a copy, once a fit), labels, weights and the
        weights' sum."""
        if self._rows is None:
            block = self.objective.data.rows()
            sw = block.sample_weight
            sw = None if sw is None else sw[self.idx]
            total = float(self.idx.size) if sw is None else float(np.sum(sw))
            X = np.take(block.X, self.idx, axis=0)
            self._rows = (X, block.y[self.idx], sw, total)
        return self._rows

    def hessian(self, theta: FloatArray) -> FloatArray:
        """The estimate of ``∇²J(θ)``: ``(1/Σs) Σ s σ(z)σ(-z) x̃ x̃ᵀ + λ``
        over the sampled rows (no pass over the data)."""
        X, y, sw, total = self._copied()
        w, b = self.objective.split(theta)
        hww, hwb, hbb = hessian(X, y, w, b, None, sw)
        return self.objective.assemble_hessian(hww, hwb, hbb, total)

    def size_at(self, theta: FloatArray) -> float:
        """The effective rows (:func:`effective_rows`) of the sampled rows'
        curvature weights ``s σ(z)σ(-z)`` at ``θ`` (no pass over the data)."""
        X, _, sw, _ = self._copied()
        w, b = self.objective.split(theta)
        d = hessian_weight(X @ w + b)
        return effective_rows(d if sw is None else d * sw)

    def estimates(self, theta: FloatArray, predicted: float) -> bool:
        """Whether the estimate is the Hessian at the trial point ``θ`` of a
        step whose predicted decrement there is ``predicted``
        (:func:`sampled`, with the effective rows at ``θ``). Tested first
        with all ``m`` rows, which the effective rows never exceed, so a
        step that gets no estimate copies no rows."""
        n_params = self.objective.n_params
        if not sampled(n_params, float(self.idx.size), predicted):
            return False
        return sampled(n_params, self.size_at(theta), predicted)


def effective_rows(d: FloatArray) -> float:
    """``(Σd)² / Σd²`` of non-negative weights ``d`` (their count when equal,
    the few large ones' count when they dominate; 0 when all are 0 or one
    is not finite). Computed on ``d / max(d)``, so squares neither overflow
    nor underflow."""
    d = np.asarray(d, dtype=np.float64)
    if d.size == 0:
        return 0.0
    top = float(np.max(d))
    if not (np.isfinite(top) and top > 0):  # NaN propagates into the max
        return 0.0
    d = d / top
    squares = float(d @ d)
    if not squares > 0:
        return 0.0
    total = float(np.sum(d))
    return min(float(d.size), total * total / squares)


def usable(sample: HessianSample) -> bool:
    """Whether the fit that started from ``sample``'s rows estimates later
    Hessians from them: a penalized fit, at least ``MIN_ROWS_PER_PARAM``
    rows a parameter, every column's second moment within
    ``MAX_MOMENT_ERROR``."""
    objective = sample.objective
    if sample.idx.size < MIN_ROWS_PER_PARAM * objective.n_params:
        return False
    return sample.moment_error <= MAX_MOMENT_ERROR and objective.l2 > 0


def loss_share(objective: Any) -> float:
    """``ρ``: the loss's largest share of a penalized column's curvature at
    ``θ = 0``, ``h / (h + λ)`` with ``h = max_j E_s[x_j²] / 4`` (1 without a
    penalty or penalized column)."""
    l2 = float(objective.l2)
    if not l2 > 0 or objective.n_features == 0:
        return 1.0
    mean, std = objective.column_moments()
    h = 0.25 * float(np.max(np.square(std) + np.square(mean)))
    return h / (h + l2)


def predicted_decrement(decrement: float, previous: float, share: float = 1.0) -> float:
    """The Newton decrement predicted at the trial point of a step of
    decrement ``decrement``, the step before having had ``previous`` (nan
    for the first step): the last contraction ``decrement / previous``
    repeated, or, for the first step, quadratic convergence with the
    constant ``FIRST_STEP_CONSTANT · share³`` (``share``: ``ρ`` of
    :func:`loss_share`); never a growth. 0 (no estimate) when that
    contraction or the decrement is not a finite number."""
    if previous > 0:
        rate = decrement / previous
    else:
        rate = FIRST_STEP_CONSTANT * share**3 * decrement
    if not (rate >= 0 and 0 <= decrement < float("inf")):
        return 0.0
    return decrement * min(1.0, rate)


def sampled(n_params: int, size: float, predicted: float) -> bool:
    """Whether the trial point of a step whose Newton decrement there is
    predicted to be ``predicted`` (:func:`predicted_decrement`) gets the
    estimate of a sample of ``size`` effective rows at that point: at least
    ``MIN_ROWS_PER_PARAM`` a parameter, and ``predicted`` at least
    ``DECREMENT_PER_ERROR · n_params / size``."""
    if not size >= MIN_ROWS_PER_PARAM * n_params:
        return False
    return bool(predicted >= DECREMENT_PER_ERROR * n_params / size)


def trial_rows(
    state: Any, objective: Any, decrement: float
) -> tuple[HessianSample, float] | None:
    """The rows that may estimate the Hessian at the trial points of the
    step from Newton's ``state`` of decrement ``decrement``
    (:meth:`HessianSample.estimates` decides at each) and the decrement
    predicted there, or None (exact Hessians; the fit then samples no more).
    ``state.sampling``, ``state.rows`` and ``state.decrement`` (the step
    before's) decide."""
    rows = state.rows
    if not state.sampling or rows is None:
        return None
    previous = state.decrement
    share = 1.0 if previous > 0 else loss_share(objective)  # the first step's
    return rows, predicted_decrement(decrement, previous, share)


#: A penalized fit on sparse X too small for the dense subsample-start rule
#: starts from a fit on every ``SPARSE_START_DIVISOR``-th row
#: (:func:`sparse_start_rows`), when that subsample has at least
#: ``SPARSE_START_MIN_ROWS`` and ``START_ROWS_PER_PARAM · n_params`` rows.
SPARSE_START_DIVISOR = 8
SPARSE_START_MIN_ROWS = 2_000
#: That subsample fit stops at a gradient max-norm of
#: ``SPARSE_START_TOL_SCALE / √rows`` (or a looser tol): its optimum is
#: off the full one by sampling error of about ``1/√rows`` in the gradient
#: (a9a, w8a: 0.8/√rows at the start), so solving it further moves the start
#: no nearer (a9a 6 → 4, w8a 8 → 6 subsample iterations, the same or fewer
#: full ones).
SPARSE_START_TOL_SCALE = 0.25


def sparse_start_rows(objective: LogisticObjective) -> int:
    """Rows of the subsample start of a penalized fit on sparse X below the
    dense rule's size: ``n // SPARSE_START_DIVISOR`` when that is at least
    ``SPARSE_START_MIN_ROWS`` and ``START_ROWS_PER_PARAM · n_params``, else 0
    (that subsample fit is solved to :data:`SPARSE_START_TOL_SCALE`).

    On sparse X a Newton iteration costs several passes (the sandwich
    ``X̃ᵀ D X̃``: 2.5–3.5 value+gradient passes on a9a and w8a), so a subsample
    fit on an eighth of the rows pays for itself at far fewer rows than on
    dense data (measured: w8a 10 → 5 full iterations, −15 % CPU; a9a 6 → 3,
    −10 to −17 %; on dense ijcnn1, whose 23 × 23 Hessian is cheap, the same
    start cost +25 %, so dense data keep the ``START_MIN_RATIO`` rule).
    Unpenalized fits keep it too (their inference reads the exact optimum
    either way; sparse one-hot subsamples are often separable).
    """
    data = objective.data
    if objective.l2 <= 0 or getattr(data, "nnz", None) is None:
        return 0
    rows = int(data.n_samples) // SPARSE_START_DIVISOR
    need = max(SPARSE_START_MIN_ROWS, START_ROWS_PER_PARAM * objective.n_params)
    return rows if rows >= need else 0


def start_rows(objective: LogisticObjective, option: int | None) -> int:
    """Rows of the subsample start on these data (0: no subsample start).

    The ``start_rows`` option (``option``) or ``m = max(20 000,
    20·n_params)`` rows when the data have at least ``START_MIN_RATIO·m``
    rows; else, for a penalized fit on sparse X
    (:func:`sparse_start_rows`), ``n // 8``.
    """
    n = int(objective.data.n_samples)
    if option is not None:
        return option if n >= START_MIN_RATIO * option else 0
    rows = start_subsample_rows(objective.n_params)
    if n >= START_MIN_RATIO * rows:
        return rows
    return sparse_start_rows(objective)


def sparse_start(objective: LogisticObjective, option: int | None) -> bool:
    """Whether a subsample start follows :func:`sparse_start_rows`
    (``option``: the ``start_rows`` option)."""
    rows = start_subsample_rows(objective.n_params)
    return option is None and int(objective.data.n_samples) < START_MIN_RATIO * rows


def subsample_fit(
    solver_class: Any,
    objective: LogisticObjective,
    rows: Any,
    *,
    tol: float,
    max_backtracks: int,
    sparse: bool,
) -> tuple[FloatArray, dict[str, int]] | None:
    """The optimum of ``objective`` on the subsample start's ``rows`` (a
    :class:`~logistic._typing.Block`, :func:`start_block`) by Newton
    (``solver_class``) and the history keys of the attempt
    (``subsample_used`` = whether it converged), or None when it failed.

    Solved to ``max(tol, START_TOL)`` (a ``sparse`` start: at least
    ``SPARSE_START_TOL_SCALE / √rows``) within ``START_MAX_ITER``
    iterations, its Hessian from
    :func:`logistic._numerics.start_hessian_rows` of the rows; its warnings
    are silenced (the solver's ``quiet``, never the process's warning
    filters, which every thread shares; a failure only means: start from
    zero). Sparse rows take
    the full data's column moments for their standardized view, which only
    measures the stopping rule there (Newton runs in original coordinates,
    and on sparse rows it evaluates ``θ = 0`` by a pass): no statistics pass
    over the rows (~0.25 ms of a9a's fit). The full data's moments so set
    where the subsample fit stops, and without the rows' own statistics the
    line search's first trial is not capped (``logit_reach`` is None): the
    start, and the final coefficients, can differ from those of a start with
    the rows' own moments within the fit's tolerance (a9a's are the same
    bits; 4 of 48 synthetic sparse fits differed, by up to 6.7e-9)."""
    sub = LogisticObjective.from_arrays(
        rows.X,
        rows.y,
        rows.sample_weight,
        l2=objective.l2,
        fit_intercept=objective.fit_intercept,
    )
    tol = max(tol, START_TOL)
    if sparse:
        tol = max(tol, SPARSE_START_TOL_SCALE / np.sqrt(rows.n_rows))
    solver = solver_class(
        tol=tol,
        max_iter=START_MAX_ITER,
        hessian_rows=start_hessian_rows(objective.n_params),
        max_backtracks=max_backtracks,
        start_rows=0,
    )
    view = None
    if issparse(rows.X) and objective.has_data_stats:
        view = ScaledObjective(sub, moments=objective.column_moments())
    solver.quiet = True  # not warnings.catch_warnings: that is every thread's
    with np.errstate(all="ignore"):  # numpy's state is this thread's own
        try:
            result = solver.solve(sub, np.zeros(objective.n_params), view=view)
        except (NumericalError, LinAlgError, ValueError, FloatingPointError):
            return None
    entry = {
        "subsample_rows": int(rows.n_rows),
        "subsample_iter": int(result.n_iter),
        "subsample_passes": int(result.n_passes),
        "subsample_used": int(result.converged),
    }
    return result.coef, entry


def start_block(objective: Any, rows: int) -> Any:
    """The subsample start's rows of ``objective``'s data: every k-th row
    (``k = n_samples // rows``) as one :class:`~logistic._typing.Block` of
    copies; every k-th block of a streamed grid; None for rows in memory with
    an offset, of another array type, or whose sampled weights sum to 0."""
    data = objective.data
    if not data.capabilities.rows_in_memory:
        return gather_start_rows(data, rows)
    block = data.rows()
    X = block.X
    if block.offset is not None or not (isinstance(X, np.ndarray) or issparse(X)):
        return None
    k = int(data.n_samples) // rows
    Xs = np.ascontiguousarray(X[::k]) if isinstance(X, np.ndarray) else X[::k]
    sw = block.sample_weight
    sw = None if sw is None else np.ascontiguousarray(sw[::k])
    if sw is not None and not np.sum(sw) > 0:
        return None
    return type(block)(Xs, np.ascontiguousarray(block.y[::k]), sw)
