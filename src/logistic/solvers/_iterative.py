"""The loop of every solver written as a direction rule (``init_state`` / ``step``).

Convention (owned here): a solver supplies ``init_state(fit, theta0)`` and
``step(fit, state)``; its state is a dataclass (``State``) with at least
``theta`` (solver coordinates), ``value``, ``grad_max_norm`` (the stopping
norm, :meth:`Fit.residual`), ``step`` (last step length) and ``stop`` (a
status string that ends the loop, "" to go on). :meth:`IterativeSolver._run`
owns everything else: the stopping rule, ``max_iter``, the history, the
non-finite checks, the stall test and resuming.

Stall test: the loop also stops (unconverged, warned) at the precision floor
of floating point, where more iterations cannot help: when neither the
gradient norm has reached a new minimum nor the objective decreased beyond its
rounding noise for ``patience`` iterations (option, default
``STALL_PATIENCE``) *and* the gradient norm is within ``FLOOR_FACTOR`` of its
measured rounding noise (:func:`gradient_noise`). Far above that noise the
solver is slow, not stuck (e.g. momentum oscillating on an ill-conditioned
problem), and it continues until ``max_iter``.

Resuming: after every iteration ``on_iteration(n_iter, state, history)``
receives the solver state as a dict of plain values (:meth:`state_dict`)
together with the stall counters; ``start`` given to ``solve`` continues
exactly from such a dict. Fields a solver added to its state later are
filled from its ``state_defaults`` (the values right for a state written
without them). A dict that still lacks some fields restarts the solver from
its ``theta_original`` (a warm start); without that point too it is refused
(:class:`~logistic.IntegrityError` naming the missing fields).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._exceptions import IntegrityError
from .._numerics import FLOOR_FACTOR, rounding_noise
from .._typing import FloatArray
from ._base import Fit, Solver, SolverResult
from ._options import LoopOptions

__all__ = ["IterativeSolver", "gradient_noise"]


def gradient_noise(objective: Any, view: Any, theta: FloatArray) -> float:
    """Rounding noise of the standardized gradient at ``theta`` (original scale;
    ``view`` is the standardized view of ``objective``).

    The max-norm of the difference between the gradients at ``theta`` and
    at ``theta`` moved by a few ulps of X's dtype (two passes over the
    data): the change of the gradient along so small a step is itself at
    rounding level, so the difference measures how precisely the gradient can
    be evaluated there.
    """
    sign = np.where(np.arange(theta.size) % 2 == 0, 1.0, -1.0)
    eps = float(np.finfo(objective.data.dtype).eps)  # X w runs in X's dtype
    moved = theta * (1.0 + 8.0 * eps * sign)
    g1 = view.scaled_gradient(objective.gradient(theta))
    g2 = view.scaled_gradient(objective.gradient(moved))
    return float(np.max(np.abs(g1 - g2), initial=0.0))


@dataclass
class _Progress:
    """Stall counters: best gradient norm, iterations since progress, best value."""

    best: float
    since_best: int
    best_value: float

    def update(self, value: float, grad_max_norm: float) -> None:
        """Count one iteration; progress is a new best gradient norm or a
        decrease of the objective beyond its rounding noise (a gradient-descent
        gradient norm is not monotone)."""
        noise = rounding_noise(self.best_value)
        self.since_best += 1
        if value < self.best_value - noise:
            self.best_value, self.since_best = value, 0
        if grad_max_norm < self.best:
            self.best, self.since_best = grad_max_norm, 0


_PROGRESS_KEYS = ("stall_best", "stall_since_best", "stall_best_value")


class IterativeSolver(Solver):
    """Template for solvers written as ``init_state`` / ``step`` (see module)."""

    Options: ClassVar[type] = LoopOptions
    #: The state dataclass (restored from checkpoints).
    State: ClassVar[type] = object
    #: Whether the loop applies the stall test.
    detects_stall: ClassVar[bool] = True
    #: Values of state fields that checkpoints written before them lack.
    state_defaults: ClassVar[dict[str, Any]] = {}

    def init_state(self, fit: Fit, theta0: FloatArray) -> Any:  # pragma: no cover
        raise NotImplementedError

    def step(self, fit: Fit, state: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    def iterate(self, state: Any) -> FloatArray:
        """The point the solver reports (solver coordinates)."""
        return np.asarray(state.theta)

    def max_iter_status(self) -> str:
        return f"reached max_iter={self.max_iter}"

    # -- state as plain values (checkpoints) --------------------------------
    def state_dict(self, state: Any) -> dict[str, Any]:
        """The state's fields as plain values."""
        return {f.name: getattr(state, f.name) for f in dataclasses.fields(state)}

    def load_state(self, fit: Fit, values: dict[str, Any]) -> Any:
        """The state written by :meth:`state_dict`."""
        names = {f.name for f in dataclasses.fields(self.State)}
        return self.State(**{k: v for k, v in values.items() if k in names})

    def _resume(self, fit: Fit, start: dict[str, Any]) -> tuple[Any, _Progress, int]:
        values = {**self.state_defaults, **start["state"]}
        names = {f.name for f in dataclasses.fields(self.State)}
        n_iter = int(start["n_iter"])
        missing = names - set(values)
        if not missing:
            state = self.load_state(fit, values)
        elif "theta_original" not in values:
            raise IntegrityError(
                f"checkpoint state of solver {self.name!r}: fields "
                f"{sorted(missing)} missing, and no 'theta_original' to restart "
                f"from; expected the fields {sorted(names)}"
            )
        else:  # a warm start from the stored point
            theta = np.asarray(values["theta_original"], dtype=np.float64)
            state = self.init_state(fit, fit.from_original(theta))
        if all(k in values for k in _PROGRESS_KEYS):
            best, since, best_value = (values[k] for k in _PROGRESS_KEYS)
            return state, _Progress(float(best), int(since), float(best_value)), n_iter
        return state, _Progress(state.grad_max_norm, 0, state.value), n_iter

    def _start(self, fit: Fit, theta0: FloatArray) -> tuple[Any, _Progress, int]:
        state = self.init_state(fit, fit.from_original(theta0))
        return self._started(fit, theta0, state)

    def _started(
        self, fit: Fit, theta0: FloatArray, state: Any, **entry: Any
    ) -> tuple[Any, _Progress, int]:
        """Check and record the first state (iteration 0; ``entry``: extra keys
        of its history entry, e.g. how a solver chose its starting point)."""
        self._check_finite(0, theta0, state.value, state.grad_max_norm)
        self._record(
            fit,
            iter=0,
            objective=state.value,
            grad_max_norm=state.grad_max_norm,
            step=0.0,
            **entry,
        )
        return state, _Progress(state.grad_max_norm, 0, state.value), 0

    def _stalled(self, fit: Fit, state: Any, progress: _Progress) -> str:
        """A status when the stall test says stop, else ""."""
        if not self.detects_stall:
            return ""
        patience = self.options.patience
        if progress.since_best < patience:
            return ""
        theta = fit.to_original(self.iterate(state))
        noise = gradient_noise(fit.objective, fit.view, theta)
        if state.grad_max_norm > FLOOR_FACTOR * noise:
            progress.since_best = 0  # slow, not stuck: far above rounding noise
            return ""
        return (
            f"no decrease of the gradient norm in {patience} iterations "
            f"and it is within {FLOOR_FACTOR:g}× its rounding noise "
            f"({noise:.2g}): floating-point precision reached"
        )

    def _run(
        self, fit: Fit, theta0: FloatArray, start: dict[str, Any] | None
    ) -> SolverResult:
        if start is None:
            state, progress, n_iter = self._start(fit, theta0)
        else:
            state, progress, n_iter = self._resume(fit, start)
        status = self.max_iter_status()
        while state.grad_max_norm > fit.tol:
            if state.stop:
                status = state.stop
                break
            if n_iter >= self.max_iter:
                break
            stalled = self._stalled(fit, state, progress)
            if stalled:
                status = stalled
                break
            previous = fit.to_original(self.iterate(state))
            state = self.step(fit, state)
            n_iter += 1
            self._check_finite(
                n_iter, previous, state.value, state.grad_max_norm, self.iterate(state)
            )
            self._record(
                fit,
                iter=n_iter,
                objective=state.value,
                grad_max_norm=state.grad_max_norm,
                step=state.step,
            )
            progress.update(state.value, state.grad_max_norm)
            if fit.on_iteration is not None:
                values = self.state_dict(state)
                values.update(
                    zip(_PROGRESS_KEYS, dataclasses.astuple(progress), strict=True)
                )
                fit.on_iteration(n_iter, values, fit.history)
        if state.grad_max_norm <= fit.tol:
            status = "gradient max-norm below tol"
        return self._finish(
            fit,
            coef=fit.to_original(self.iterate(state)),
            n_iter=n_iter,
            objective_value=state.value,
            grad_max_norm=state.grad_max_norm,
            status=status,
        )
