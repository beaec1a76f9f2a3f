"""The rows Newton samples: its subsample start's, and the Hessian estimate
far from the optimum.

Subsample start (:mod:`.newton` states when it is tried): every k-th row as
one block (copies), or, for streamed data (``block_grid``), every k-th block
of the grid, gathered without a pass
(:func:`logistic._block_sample.gather_start_rows`): :func:`start_block`.

Hessian estimate (convention owned here). Where Newton's Hessians are exact
(data below ``EXACT_HESSIAN_MAX_SIZE`` entries or too short to subsample)
and the fit started from the sampled Hessian at ``θ = 0``
(:mod:`._zero_start`, which checks those rows for the columns they
misrepresent), the same ``m`` rows (copied again at the first estimate: the
zero start's copy is spent on its own checks), when they are at least
``MIN_ROWS_PER_PARAM`` a parameter, also estimate the Hessian at the trial
points of the steps far from the optimum: a trial point's value and gradient
stay exact (a value+gradient pass: the stopping rule is unchanged) and its
Hessian costs ``m·n_params²/2`` multiply-adds instead of ``n·n_params²/2``.

An estimate of relative error ``ε`` (``ε² ~ n_params / m``) adds about
``ε·λ`` to the next decrement ``λ⁺ ≈ c·λ²`` of an exact step (``λ² = gᵀH⁻¹g``,
the Newton decrement): lost in the step's own error far from the optimum,
where Newton contracts ``λ`` by a factor of two to three a step, but near it
quadratic convergence would turn linear. So a step's trial points get the
estimate only while the decrement predicted there
(:func:`predicted_decrement`: the step's own, times the contraction of the
step before) is at least ``DECREMENT_PER_ERROR · n_params / m``; the first
step below that reads exact Hessians, and so does every step after it.
Heavy tails make ``ε`` larger than ``n_params / m`` says: a sample whose
second moment of some column is off by more than ``MAX_MOMENT_ERROR``
(relative; credit-default's amounts: 0.37-1.25 of the exact ones) is not
used, nor in an unpenalized fit: near-separable data then converge linearly
toward a far optimum, where the curvature rests on a few rows, and the
estimate's error costs a little contraction in every step of that linear
phase (a separable subsample of tall data: 10 → 13 iterations to tol
1e-4; penalized, the same data keep their 7-12 iterations); and an
unpenalized fit reads the exact Hessian at its optimum. A step from an
estimate that backtracks ends the sampling for the fit (the sample misled
it), and so does a zero start whose first step is refused.

ijcnn1 (49 990 × 22, 2 000 rows, moments within 7 %): the Hessians at the
first three trial points are estimated (decrements 0.73, 0.1, 0.035; then
0.0095, predicted 0.0026 against a bar of 0.0058), the same 6 iterations and
passes, three of them a value+gradient pass (0.26 ms) and the estimate
(~0.05 ms) instead of the fused pass with the exact Hessian (0.71 ms);
the gap to the optimum at tol 1e-4 2.5e-10 (2.0e-10 with exact Hessians).
credit-default (heavy tails) and higgs (a 548-row sample) keep exact ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._block_sample import gather_start_rows
from .._kernels import hessian
from .._sparse import issparse
from .._typing import FloatArray

__all__ = [
    "HessianSample",
    "predicted_decrement",
    "sample_for",
    "sampled",
    "start_block",
]

#: A step's trial points get the sample's estimate when the decrement
#: predicted at them is at least this many times ``n_params / m`` (the
#: estimate's squared relative error, up to a constant).
DECREMENT_PER_ERROR = 0.5
#: Fewest sampled rows per parameter.
MIN_ROWS_PER_PARAM = 50
#: Largest relative error of a column's sampled second moment (heavy tails
#: misestimate the Hessian beyond what ``n_params / m`` says).
MAX_MOMENT_ERROR = 0.15


class HessianSample:
    """Rows of the data whose Hessian estimates the data's: the zero start's
    (their indices), copied at the first estimate.

    Parameters
    ----------
    objective : LogisticObjective
        The full objective (its data, ``l2`` and intercept convention).
    idx : ndarray of shape (m,)
        The sampled rows.
    moment_error : float
        The largest relative error of a column's sampled second moment
        ``Σ s x² / Σ s`` against the data's.
    """

    __slots__ = ("objective", "idx", "moment_error", "_rows")

    def __init__(self, objective: Any, idx: np.ndarray, moment_error: float) -> None:
        self.objective = objective
        self.idx = idx
        self.moment_error = moment_error
        self._rows: tuple[Any, ...] | None = None

    def hessian(self, theta: FloatArray) -> FloatArray:
        """The estimate of ``∇²J(θ)``: ``(1/Σs) Σ s σ(z)σ(-z) x̃ x̃ᵀ + λ``
        over the sampled rows (no pass over the data)."""
        if self._rows is None:
            block = self.objective.data.rows()
            sw = block.sample_weight
            sw = None if sw is None else sw[self.idx]
            total = float(self.idx.size) if sw is None else float(np.sum(sw))
            X = np.take(block.X, self.idx, axis=0)  # a copy, once a fit
            self._rows = (X, block.y[self.idx], sw, total)
        X, y, sw, total = self._rows
        w, b = self.objective.split(theta)
        hww, hwb, hbb = hessian(X, y, w, b, None, sw)
        return self.objective.assemble_hessian(hww, hwb, hbb, total)


def predicted_decrement(decrement: float, previous: float) -> float:
    """The Newton decrement predicted at the trial point of a step of
    decrement ``decrement``, the step before having had ``previous`` (nan
    for the first step): the last contraction ``decrement / previous``
    repeated, or, for the first step, quadratic convergence with unit
    constant (``λ⁺ = λ²``); never a growth."""
    if previous > 0:
        rate = decrement / previous
    else:
        rate = decrement
    return decrement * min(1.0, rate)


def sample_for(
    sample: HessianSample | None, objective: Any, decrement: float, previous: float
) -> HessianSample | None:
    """``sample`` when its estimate is to be the Hessian at the trial points
    of a step of ``objective``'s fit of Newton decrement ``decrement`` (the
    step before: ``previous``), else None: once None, the caller keeps None
    for the rest of the fit (and lets the rows go)."""
    if sample is None or sample.objective is not objective:
        return None
    return sample if sampled(sample, decrement, previous) else None


def sampled(sample: HessianSample, decrement: float, previous: float) -> bool:
    """Whether the trial points of a step of decrement ``decrement`` (the
    step before: ``previous``) get the sample's Hessian estimate."""
    rows, n_params = sample.idx.size, sample.objective.n_params
    if rows < MIN_ROWS_PER_PARAM * n_params or sample.moment_error > MAX_MOMENT_ERROR:
        return False
    if not sample.objective.l2 > 0:  # unpenalized: exact Hessians throughout
        return False
    bar = DECREMENT_PER_ERROR * n_params / rows
    return bool(predicted_decrement(decrement, previous) >= bar)


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
