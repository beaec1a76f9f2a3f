"""The solver contract: one result type, one loop skeleton, one registry.

Convention (owned here):

* A solver is a small class constructed with immutable options (``tol``,
  ``max_iter``, ...) and called as ``solver.solve(objective, theta0)``.
* ``theta`` follows :mod:`logistic._objective` (intercept last) and is always
  reported on the **original** scale, whatever coordinates a solver iterates in.
* Stopping rule: ``max |Tᵀ∇J(θ)| ≤ tol``, the gradient's max-norm with respect
  to *standardized* coefficients (:mod:`logistic._scaling`), so the test does not
  depend on the units of the features; for L1 problems the same norm of the
  proximal-gradient residual (the KKT violation).
  A change in parameters alone never stops a solver.
* Never silent: a solver that stops for any other reason returns
  ``converged=False`` and emits one :class:`ConvergenceWarning` naming the
  solver, ``n_iter``, ``tol``, the gradient norm reached and remedies.
* Non-finite values raise :class:`NumericalError` naming the solver and
  iteration, with the last finite iterate attached.
* Solvers register themselves with declared capabilities; callers validate
  options against the flags, never against solver names.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from .._exceptions import (
    ConvergenceWarning,
    InvalidParameterError,
    NumericalError,
    user_stacklevel,
)
from .._scaling import ScaledObjective
from .._typing import FloatArray
from ._diagnosis import likely_cause

__all__ = [
    "Capabilities",
    "SolverResult",
    "IterativeSolver",
    "Solver",
    "SOLVERS",
    "register",
    "get_solver",
]


@dataclass(frozen=True)
class Capabilities:
    """What a solver can do; validation reads these flags.

    Attributes
    ----------
    supports_l1 : the solver handles a non-smooth L1 term (``l1 > 0``).
    needs_hessian : forms the dense (p × p) Hessian (unsuited to very wide data).
    streaming : works on data it can only stream (no random row access).
    stochastic : uses random mini-batches (``random_state`` matters).
    supports_sparse : accepts scipy sparse X without densifying.
    firth : maximizes Firth's penalized likelihood ``ℓ + ½ log det I``
        (the solver for ``penalty="firth"``).
    """

    supports_l1: bool = False
    firth: bool = False
    needs_hessian: bool = False
    streaming: bool = True
    stochastic: bool = False
    supports_sparse: bool = True


@dataclass
class SolverResult:
    """What every solver returns.

    Attributes
    ----------
    coef : ndarray of shape (n_params,)
        Solution on the original scale, intercept last.
    n_iter : int
        Iterations performed.
    converged : bool
        Whether the stopping rule ``grad_max_norm ≤ tol`` was met.
    objective : float
        Final objective value (including any L1 term).
    grad_max_norm : float
        Final max-norm of the gradient (KKT residual for L1 problems).
    history : list of dict
        One entry per iteration: ``iter``, ``objective``, ``grad_max_norm``,
        ``step``, ``time`` (seconds since start) and solver-specific keys.
    solver : str
        Registered name of the solver.
    status : str
        Human-readable reason for stopping.
    n_passes : int
        Passes over the data (objective evaluations) used.
    """

    coef: FloatArray
    n_iter: int
    converged: bool
    objective: float
    grad_max_norm: float
    history: list[dict[str, float]] = field(default_factory=list)
    solver: str = ""
    status: str = ""
    n_passes: int = 0


SOLVERS: dict[str, type[Solver]] = {}

#: A stall counts as the floating-point floor only while the gradient norm is
#: within this factor of its measured rounding noise.
FLOOR_FACTOR = 1000.0


def register(cls: type[Solver]) -> type[Solver]:
    """Class decorator adding a solver to the registry under ``cls.name``."""
    SOLVERS[cls.name] = cls
    return cls


def get_solver(name: str) -> type[Solver]:
    """The registered solver class called ``name``."""
    try:
        return SOLVERS[name]
    except KeyError:
        raise InvalidParameterError(
            f"The 'solver' parameter must be one of {sorted(SOLVERS)}. "
            f"Got {name!r} instead."
        ) from None


class Solver:
    """Base class: options common to all solvers.

    Parameters
    ----------
    tol : float
        Stop when the max-norm of the gradient (KKT residual) is ≤ tol.
    max_iter : int
        Maximum number of iterations (epochs for stochastic solvers).
    l1 : float
        Strength of an L1 term ``l1 ‖w‖₁`` (only for ``supports_l1`` solvers).
    verbose : int
        Print one line per iteration when > 0.
    random_state : int, Generator or None
        Seed for stochastic solvers.
    callback : callable or None
        Called as ``callback(history_entry)`` after each iteration.
    options : dict
        Solver-specific options (documented by each solver).
    """

    name: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()

    def __init__(
        self,
        *,
        tol: float = 1e-8,
        max_iter: int = 1000,
        l1: float = 0.0,
        verbose: int = 0,
        random_state: Any = None,
        callback: Any = None,
        **options: Any,
    ) -> None:
        self.tol = float(tol)
        self.max_iter = int(max_iter)
        self.l1 = float(l1)
        self.verbose = int(verbose)
        self.random_state = random_state
        self.callback = callback
        self.options = options
        if self.l1 > 0 and not self.capabilities.supports_l1:
            l1_solvers = sorted(
                n for n, c in SOLVERS.items() if c.capabilities.supports_l1
            )
            raise InvalidParameterError(
                f"solver {self.name!r} does not support an L1 penalty (l1={self.l1}); "
                f"use one of {l1_solvers}"
            )

    def solve(
        self, objective: Any, theta0: FloatArray
    ) -> SolverResult:  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def default_tol(cls, dtype: Any) -> float:
        """Default stopping tolerance: what float64 / float32 data can resolve."""
        return 1e-6 if np.dtype(dtype) == np.float32 else 1e-10

    # -- shared helpers -----------------------------------------------------
    def _finish(
        self,
        *,
        coef: FloatArray,
        n_iter: int,
        objective_value: float,
        grad_max_norm: float,
        history: list[dict[str, float]],
        status: str,
        n_passes: int,
        objective: Any = None,
    ) -> SolverResult:
        """The result; ``converged`` only when ``grad_max_norm ≤ tol``, else one
        :class:`ConvergenceWarning` naming the likely cause and the remedies
        (:func:`._diagnosis.likely_cause`, from ``objective``)."""
        converged = bool(grad_max_norm <= self.tol)
        if not converged:
            if objective is None:
                cause = (
                    "Remedies: increase max_iter, loosen tol, or add a penalty "
                    "(alpha > 0) if the data may be separable."
                )
            else:
                cause = likely_cause(
                    objective,
                    coef,
                    solver=self.name,
                    status=status,
                    grad_max_norm=grad_max_norm,
                    l1=self.l1,
                    stochastic=self.capabilities.stochastic,
                )
            warnings.warn(
                f"Solver {self.name!r} did not converge: {status}. After "
                f"n_iter={n_iter} iterations (max_iter={self.max_iter}) the "
                f"gradient's max-norm is {grad_max_norm:.3g} > tol={self.tol:g}. "
                f"{cause}",
                ConvergenceWarning,
                stacklevel=user_stacklevel(),
            )
        return SolverResult(
            coef=np.asarray(coef, dtype=np.float64),
            n_iter=n_iter,
            converged=converged,
            objective=float(objective_value),
            grad_max_norm=float(grad_max_norm),
            history=history,
            solver=self.name,
            status=status,
            n_passes=n_passes,
        )

    def _check_finite(
        self, iteration: int, last_finite: FloatArray, *values: Any
    ) -> None:
        for v in values:
            if not np.all(np.isfinite(v)):
                raise NumericalError(
                    f"solver {self.name!r} produced a non-finite objective or gradient "
                    f"at iteration {iteration}; the last finite coefficients are "
                    f"attached (exception.last_finite_coef). Check the input for "
                    f"extreme values, or add a penalty.",
                    iteration=iteration,
                    solver=self.name,
                    last_finite_coef=np.array(last_finite, copy=True),
                )

    def _record(
        self, history: list[dict[str, float]], t0: float, **entry: float
    ) -> dict[str, float]:
        entry["time"] = time.perf_counter() - t0
        history.append(entry)
        if self.verbose:
            parts = " ".join(
                f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}"
                for k, v in entry.items()
            )
            print(f"[{self.name}] {parts}", flush=True)
        if self.callback is not None:
            self.callback(entry)
        return entry


class IterativeSolver(Solver):
    """Template for solvers written as ``init_state`` / ``step`` (GD, Newton, ...).

    Subclasses implement ``init_state(objective, theta0) -> state`` and
    ``step(objective, state) -> state``; a state has attributes ``theta``
    (solver coordinates), ``value``, ``grad_max_norm`` (original problem) and
    ``step`` (last step length), and optionally ``stop`` (a status string that
    ends the loop early). ``original(state)`` maps ``theta`` back. The loop also
    stops (unconverged, warned) at the precision floor of floating point, where
    more iterations cannot help: when neither the gradient norm has reached a
    new minimum nor the objective decreased beyond its rounding noise for
    ``patience`` iterations (option, default 25) *and* the gradient norm is
    within ``FLOOR_FACTOR`` of its measured rounding noise
    (:meth:`_gradient_noise`). Far above that noise the solver is slow, not
    stuck (e.g. momentum oscillating on an ill-conditioned problem), and it
    continues until ``max_iter``.
    """

    def init_state(self, objective: Any, theta0: FloatArray) -> Any:  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def _gradient_noise(objective: Any, theta: FloatArray) -> float:
        """Rounding noise of the standardized gradient at ``theta``.

        The max-norm of the difference between the gradients at ``theta`` and
        at ``theta`` moved by a few ulps of X's dtype (two passes over the
        data): the
        change of the gradient along so small a step is itself at rounding
        level, so the difference measures how precisely the gradient can be
        evaluated there.
        """
        scaled = ScaledObjective(objective)
        sign = np.where(np.arange(theta.size) % 2 == 0, 1.0, -1.0)
        eps = float(np.finfo(objective.data.dtype).eps)  # X w runs in X's dtype
        moved = theta * (1.0 + 8.0 * eps * sign)
        g1 = scaled.scaled_gradient(objective.gradient(theta))
        g2 = scaled.scaled_gradient(objective.gradient(moved))
        return float(np.max(np.abs(g1 - g2), initial=0.0))

    def step(self, objective: Any, state: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    def original(self, state: Any) -> FloatArray:
        return np.asarray(state.theta)

    def solve(self, objective: Any, theta0: FloatArray) -> SolverResult:
        t0 = time.perf_counter()
        passes0 = objective.n_evaluations
        state = self.init_state(objective, np.asarray(theta0, dtype=np.float64))
        self._check_finite(0, theta0, state.value, state.grad_max_norm)
        history: list[dict[str, float]] = []
        self._record(
            history,
            t0,
            iter=0,
            objective=state.value,
            grad_max_norm=state.grad_max_norm,
            step=0.0,
        )
        n_iter, status = 0, f"reached max_iter={self.max_iter}"
        best, since_best, best_value = state.grad_max_norm, 0, state.value
        patience = int(self.options.get("patience", 25))
        while state.grad_max_norm > self.tol:
            if n_iter >= self.max_iter:
                break
            if since_best >= patience:
                noise = self._gradient_noise(objective, self.original(state))
                if state.grad_max_norm > FLOOR_FACTOR * noise:
                    since_best = 0  # slow, not stuck: far above rounding noise
                else:
                    status = (
                        f"no decrease of the gradient norm in {patience} iterations "
                        f"and it is within {FLOOR_FACTOR:g}× its rounding noise "
                        f"({noise:.2g}): floating-point precision reached"
                    )
                    break
            previous = self.original(state)
            state = self.step(objective, state)
            n_iter += 1
            self._check_finite(
                n_iter, previous, state.value, state.grad_max_norm, state.theta
            )
            self._record(
                history,
                t0,
                iter=n_iter,
                objective=state.value,
                grad_max_norm=state.grad_max_norm,
                step=state.step,
            )
            # A stall needs both: no new best gradient norm and no decrease of J
            # beyond its rounding noise (GD's gradient norm is not monotone).
            noise = 64 * np.finfo(float).eps * max(1.0, abs(best_value))
            since_best += 1
            if state.value < best_value - noise:
                best_value, since_best = state.value, 0
            if state.grad_max_norm < best:
                best, since_best = state.grad_max_norm, 0
            if getattr(state, "stop", None):
                status = state.stop
                break
        if state.grad_max_norm <= self.tol:
            status = "gradient max-norm below tol"
        return self._finish(
            coef=self.original(state),
            n_iter=n_iter,
            objective_value=state.value,
            grad_max_norm=state.grad_max_norm,
            history=history,
            status=status,
            n_passes=objective.n_evaluations - passes0,
            objective=objective,
        )
