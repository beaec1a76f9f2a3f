"""The seed's solver: full-batch gradient descent, and mini-batch SGD.

Both iterate in standardized coordinates (:mod:`logistic._scaling`) so that
raw, unscaled data converge without asking the user to scale, and both report
coefficients on the original scale.

Gradient descent uses the step ``1/L`` with ``L = λ_max(X̃ᵀSX̃)/(4Σs) + λ``,
the Lipschitz constant of the gradient (from ``σ(z)σ(-z) ≤ 1/4``), estimated by
power iteration on :meth:`LogisticObjective.majorizer_vector`. Each iteration
first tries a larger step (twice the last accepted one) and backtracks with
the Armijo rule ``J(θ - t g) ≤ J(θ) - t/2 ‖g‖²``, which the ``1/L`` step always
satisfies. Near the optimum, once the decrease a 1/L step would make is below
the floating-point resolution of ``J``, the Armijo test is noise: the 1/L step
is then taken untested, so the gradient keeps shrinking to its own precision
floor instead of stalling at the objective's.

SGD draws seeded, reproducible mini-batches (a fresh permutation per epoch;
within each chunk for out-of-core data),
uses the decaying step ``η_k = η_0 / sqrt(1 + k / n_batches)`` with
``η_0 = 1/L`` and Polyak–Ruppert averaging of the iterates after the first
epoch (the returned point is the average); after each epoch it evaluates the
full gradient at the average for the stopping rule (one extra pass).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._objective import block_value_grad
from .._scaling import ScaledObjective
from .._typing import Block, FloatArray
from ..backends.in_memory import InMemory
from ._base import Capabilities, IterativeSolver, SolverResult, register

__all__ = [
    "GradientDescent",
    "StochasticGradientDescent",
    "SGDState",
    "lipschitz_constant",
    "minibatches",
    "sgd_pass",
]


def lipschitz_constant(objective: Any, n_iter: int = 30, seed: int = 0) -> float:
    """Upper estimate of λ_max of the majorizer ``M`` by power iteration.

    The Rayleigh quotient converges from below; the 5 % margin and the line
    search's backtracking cover the remaining gap.
    """
    v = np.random.default_rng(seed).standard_normal(objective.n_params)
    v /= np.linalg.norm(v)
    lam = 0.0
    for _ in range(n_iter):
        mv = objective.majorizer_vector(v)
        lam_new = float(v @ mv)
        norm = np.linalg.norm(mv)
        if norm == 0.0:
            break
        v = mv / norm
        if abs(lam_new - lam) <= 1e-3 * abs(lam_new):
            lam = lam_new
            break
        lam = lam_new
    return 1.05 * max(lam, np.finfo(float).tiny)


@dataclass
class _GDState:
    theta: FloatArray
    value: float
    grad: FloatArray
    grad_max_norm: float
    step: float
    t: float
    min_step: float
    stop: str = ""


@register
class GradientDescent(IterativeSolver):
    """Full-batch gradient descent with the 1/L step and Armijo step growth.

    Options: ``standardize`` (default True) iterates in standardized
    coordinates; ``max_backtracks`` (default 60).
    """

    name = "gd"
    capabilities = Capabilities()

    def _scaled(self, objective: Any) -> Any:
        if self.options.get("standardize", True):
            return ScaledObjective(objective)
        return objective

    def init_state(self, objective: Any, theta0: FloatArray) -> _GDState:
        self._obj = self._scaled(objective)
        self._criterion = (
            self._obj
            if hasattr(self._obj, "scaled_gradient")
            else ScaledObjective(objective)
        )
        theta = (
            self._obj.from_original(theta0)
            if hasattr(self._obj, "from_original")
            else theta0
        )
        step = 1.0 / lipschitz_constant(self._obj)
        f, g = self._obj.value_and_gradient(theta)
        return _GDState(theta, f, g, self._gnorm(g), 0.0, step, step)

    def _gnorm(self, g_s: FloatArray) -> float:
        if not hasattr(self._obj, "original_gradient"):  # unscaled iterations
            g_s = self._criterion.scaled_gradient(g_s)
        return float(np.max(np.abs(g_s), initial=0.0))

    def original(self, state: _GDState) -> FloatArray:
        if hasattr(self._obj, "to_original"):
            return self._obj.to_original(state.theta)
        return state.theta

    def step(self, objective: Any, state: _GDState) -> _GDState:
        g, f = state.grad, state.value
        gg = float(g @ g)
        if 0.5 * state.min_step * gg < 64 * np.finfo(float).eps * max(1.0, abs(f)):
            # Precision regime: J cannot resolve the decrease any step would make,
            # so the Armijo test is noise. The 1/L step decreases J in exact
            # arithmetic (descent lemma); take it untested.
            theta = state.theta - state.min_step * g
            f_new, g_new = self._obj.value_and_gradient(theta)
            return _GDState(
                theta,
                f_new,
                g_new,
                self._gnorm(g_new),
                state.min_step,
                state.min_step,
                state.min_step,
            )
        t = 2.0 * state.t
        for _ in range(int(self.options.get("max_backtracks", 60))):
            theta = state.theta - t * g
            f_new, g_new = self._obj.value_and_gradient(theta)
            if np.isfinite(f_new) and f_new <= f - 0.5 * t * gg:
                return _GDState(
                    theta, f_new, g_new, self._gnorm(g_new), t, t, state.min_step
                )
            t *= 0.5
        state.stop = "line search could not decrease the objective (precision limit)"
        return state


def minibatches(
    data: Any, rng: np.random.Generator, batch_size: int
) -> Iterator[Block]:
    """Seeded mini-batches of one epoch, as Blocks.

    In-memory data (random row access) get one global permutation per epoch;
    streamed data (any backend with ``blocks()``: out-of-core chunks) get a
    permutation within each block, so memory stays bounded by one block.
    """
    if isinstance(data, InMemory):
        n = data.n_samples
        for idx in np.array_split(rng.permutation(n), max(1, -(-n // batch_size))):
            yield _rows(data.X, data.y, data.sample_weight, data.offset, np.sort(idx))
        return
    if not hasattr(data, "blocks"):
        raise InvalidParameterError(
            f"solver 'sgd' needs data it can read block by block (in memory or out of "
            f"core); {type(data).__name__} offers only reductions: use 'lbfgs' or "
            f"'newton'"
        )
    for block in data.blocks():
        n = block.n_rows
        for idx in np.array_split(rng.permutation(n), max(1, -(-n // batch_size))):
            if idx.size:
                yield _rows(
                    block.X, block.y, block.sample_weight, block.offset, np.sort(idx)
                )


def _rows(X: Any, y: Any, s: Any, o: Any, idx: np.ndarray) -> Block:
    return Block(
        X[idx], y[idx], None if s is None else s[idx], None if o is None else o[idx]
    )


def batch_gradient(
    obj: ScaledObjective, block: Block, theta_s: FloatArray
) -> FloatArray:
    """Gradient of the mini-batch objective (weighted mean loss + L2), standardized."""
    w, b = obj.base.split(obj.to_original(theta_s))
    _, g_w, g_b, total = block_value_grad(block, w, b)
    total = max(total, np.finfo(float).tiny)
    g = g_w / total + obj.l2 * w
    if obj.fit_intercept:
        g = np.append(g, g_b / total)
    return obj.scaled_gradient(g)


@dataclass
class SGDState:
    """Iterate, Polyak–Ruppert average and step counter (shared with partial_fit)."""

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
) -> SGDState:
    """One pass of SGD steps ``θ ← θ - η_k g_batch``, ``η_k = η_0/sqrt(1 + k/n_b)``."""
    for block in batches:
        state.eta = eta0 / np.sqrt(1.0 + state.k / n_batches)
        state.theta = state.theta - state.eta * batch_gradient(obj, block, state.theta)
        state.k += 1
        if average:
            state.n_avg += 1
            state.avg += (state.theta - state.avg) / state.n_avg
    return state


@register
class StochasticGradientDescent(GradientDescent):
    """Mini-batch SGD with a decaying step and Polyak–Ruppert averaging.

    ``max_iter`` counts epochs; the default ``tol`` is :meth:`default_tol`.
    Options: ``batch_size`` (default 256),
    ``learning_rate`` (η_0; default 1/L). Always iterates in standardized
    coordinates. Streams: in-memory data are shuffled globally each epoch,
    out-of-core data within each chunk (see :func:`minibatches`). Results are
    reproducible for a fixed ``random_state``.
    """

    name = "sgd"
    capabilities = Capabilities(stochastic=True)

    @classmethod
    def default_tol(cls, dtype: Any) -> float:
        """1e-3: reachable by averaged mini-batch steps within a few hundred
        epochs (the gradient's max-norm falls roughly like 1/sqrt(epochs));
        about 1-3 % on the coefficients of a well-conditioned problem. A
        full-batch solver's 1e-10 is out of reach of stochastic steps."""
        return 1e-3

    def solve(self, objective: Any, theta0: FloatArray) -> SolverResult:
        t0 = time.perf_counter()
        passes0 = objective.n_evaluations
        obj = self._obj = self._criterion = ScaledObjective(objective)
        rng = np.random.default_rng(self.random_state)
        theta = obj.from_original(np.asarray(theta0, dtype=np.float64))
        eta0 = float(self.options.get("learning_rate") or 1.0 / lipschitz_constant(obj))
        batch = int(self.options.get("batch_size", 256))
        data = objective.data
        n_batches = max(1, -(-int(data.n_samples) // batch))
        f, g = obj.value_and_gradient(theta)
        self._check_finite(0, theta0, f, g)
        history: list[dict[str, float]] = []
        gnorm = self._gnorm(g)
        self._record(history, t0, iter=0, objective=f, grad_max_norm=gnorm, step=0.0)
        state, epoch = SGDState(theta, theta.copy()), 0
        while gnorm > self.tol and epoch < self.max_iter:
            previous = obj.to_original(state.avg)
            # average the iterates after the first epoch (burn-in)
            sgd_pass(
                obj, minibatches(data, rng, batch), state, eta0, n_batches, epoch >= 1
            )
            if epoch == 0:
                state.avg = state.theta.copy()
            epoch += 1
            f, g = obj.value_and_gradient(state.avg)
            self._check_finite(epoch, previous, f, g, state.avg)
            gnorm = self._gnorm(g)
            self._record(
                history,
                t0,
                iter=epoch,
                objective=f,
                grad_max_norm=gnorm,
                step=state.eta,
            )
        return self._finish(
            coef=obj.to_original(state.avg),
            n_iter=epoch,
            objective_value=f,
            grad_max_norm=gnorm,
            history=history,
            status="gradient max-norm below tol"
            if gnorm <= self.tol
            else f"reached max_iter={self.max_iter} epochs",
            n_passes=objective.n_evaluations - passes0,
            objective=objective,
        )
