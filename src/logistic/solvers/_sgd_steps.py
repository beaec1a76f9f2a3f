"""The stochastic gradient steps shared by ``fit(solver="sgd")`` and
``partial_fit``: the mini-batch gradient in the standardized coordinates, the
averaged iterate's state and one pass of steps over given batches.

:mod:`logistic.solvers.gradient_descent` (the epochs, sampling, stopping) and
:mod:`logistic.solvers._lazy_sgd` (the same steps in O(a sparse batch's
non-zeros)) both build on these; owning them here keeps the two free of each
other's imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .._scaling import ScaledObjective
from .._typing import Block, FloatArray

__all__ = ["AVG_DECAY", "SGDState", "batch_gradient", "sgd_pass"]


def batch_gradient(
    obj: ScaledObjective, block: Block, theta_s: FloatArray, total: float | None = None
) -> FloatArray:
    """Gradient of the mini-batch objective (weighted mean loss + L2), standardized:
    the objective's own :meth:`~logistic._objective.LogisticObjective.batch_gradient`
    (binary or multinomial) in the view's coordinates, the loss's sum divided
    by ``total`` when given (else by the block's weight)."""
    theta = obj.to_original(theta_s)
    return obj.scaled_gradient(obj.base.batch_gradient(theta, block, total))


#: ρ of the polynomial-decay average: iterate k enters with weight
#: ``(1 + ρ)/(k + ρ)``, so the average forgets the early, far-off iterates
#: (Shamir & Zhang 2013, "Stochastic gradient descent for non-smooth
#: optimization", their η = 3); ρ = 0 would be the plain running mean.
AVG_DECAY = 3.0


@dataclass
class SGDState:
    """Iterate, averaged iterate (weights :data:`AVG_DECAY`) and step counter
    (shared with partial_fit)."""

    theta: FloatArray
    avg: FloatArray
    n_avg: int = 0
    k: int = 0
    eta: float = 0.0


def sgd_pass(
    obj: ScaledObjective,
    batches: Iterable[Block],
    state: SGDState,
    eta0: float,
    n_batches: int,
    average: bool,
    mean_weight: float | None = None,
) -> SGDState:
    """One pass of SGD steps ``θ ← θ - η_k g_batch``, ``η_k = η_0/sqrt(1 + k/n_b)``.

    ``mean_weight`` (``partial_fit``: the stream's mean weight a row so far)
    divides each batch's loss by its rows times that weight instead of by its
    own weight, so that a batch of heavier rows moves θ further, as its rows
    weigh in the stream's objective; None: each batch's weighted mean."""
    for block in batches:
        state.eta = float(eta0 / np.sqrt(1.0 + state.k / n_batches))
        total = None if mean_weight is None else block.n_rows * mean_weight
        g = batch_gradient(obj, block, state.theta, total)
        state.theta = state.theta - state.eta * g
        state.k += 1
        if average:
            state.n_avg += 1
            weight = (1.0 + AVG_DECAY) / (state.n_avg + AVG_DECAY)
            state.avg += (state.theta - state.avg) * weight
    return state
