"""The solver contract: one result type, one per-fit context, one registry.

Convention (owned here):

* A solver is a small class constructed with immutable options (``tol``,
  ``max_iter``, ``l1``, its declared ``Options``) and called as
  ``solver.solve(objective, theta0)``. Everything a fit derives or changes
  lives in a :class:`Fit` (the context: standardized view, L1 weights,
  history) and in the solver's state object, never on the solver, so one
  instance can run several fits at once.
* ``theta`` follows :mod:`logistic._objective` (intercept last) and is always
  reported on the **original** scale, whatever coordinates a solver iterates in.
* The standardized view (:class:`~logistic._scaling.ScaledObjective`) is built
  once per fit, by the caller or here, and handed to everything that needs it.
* Stopping rule (:meth:`Fit.residual`): ``max |Tᵀ∇J(θ)| ≤ tol``, the
  gradient's max-norm with respect to *standardized* coefficients
  (:mod:`logistic._scaling`), so the test does not depend on the units of the
  features; for solvers that take an L1 term the same norm of the
  proximal-gradient residual (the KKT violation). A change in parameters alone
  never stops a solver.
* Never silent: a solver that stops for any other reason returns
  ``converged=False`` and emits one :class:`ConvergenceWarning` naming the
  solver, ``n_iter``, ``tol``, the gradient norm reached and the likely cause.
* Non-finite values raise :class:`NumericalError` naming the solver and
  iteration, with the last finite iterate attached.
* Solvers register themselves with declared capabilities; callers validate
  options against the flags, never against solver names.
"""

from __future__ import annotations

import numbers
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from math import isfinite
from typing import Any, ClassVar, NamedTuple

import numpy as np

from .._checkpoint import HISTORY_FIELDS, in_record_order
from .._constraints import Interval, validate_params
from .._exceptions import (
    ConvergenceWarning,
    IntegrityError,
    InvalidParameterError,
    NumericalError,
    NumericalStabilityWarning,
    user_stacklevel,
)
from .._numerics import default_tol, value_eps
from .._objective import LogisticObjective
from .._scaling import ScaledObjective
from .._typing import FloatArray
from ._diagnosis import likely_cause
from ._options import NoOptions, parse_options
from ._registry import LazyRegistry

__all__ = [
    "Capabilities",
    "Fit",
    "SolverResult",
    "Solver",
    "SOLVERS",
    "register",
    "get_solver",
    "kkt_residual",
    "l1_weights",
    "soft_threshold",
]

#: ``on_iteration(n_iter, state, history)``: called after every iteration with
#: the state as a dict of plain values (the signature of ``Checkpointer.save``).
IterationHook = Callable[[int, dict[str, Any], list[dict[str, Any]]], None]


class Capabilities(NamedTuple):
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
        ``step``, solver-specific keys, ``time`` (seconds since start) and
        ``n_passes`` (passes over the data so far).
    solver : str
        Registered name of the solver.
    status : str
        Human-readable reason for stopping.
    n_passes : int
        Passes over the data (objective evaluations) used; a resumed fit
        counts those before its checkpoint too, never the pass that checks
        the checkpoint against the data.
    warning : str
        The :class:`NumericalStabilityWarning` the fit gave (at most one,
        :meth:`Fit.warn_once`), or "".
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
    warning: str = ""


def l1_weights(l1: float, scale: FloatArray) -> FloatArray:
    """The L1 weights of the columns in standardized coordinates, ``l1/σ_j``.

    A column of subnormal spread has its scale floored near 2.2e-308
    (:mod:`logistic._scaling`), so ``l1/σ_j`` overflows for ``l1`` above about
    4, and ``inf·0`` is NaN in the penalty ``Σ λ_j |θ'_j|``; the largest
    finite float keeps that coefficient at 0 as well."""
    with np.errstate(over="ignore"):
        weights = l1 / np.asarray(scale, dtype=np.float64)
    return np.minimum(weights, np.finfo(np.float64).max)


def soft_threshold(x: FloatArray, threshold: FloatArray) -> FloatArray:
    """``sign(x) max(|x| − threshold, 0)`` (the proximal map of a weighted L1 norm).

    A coordinate set to zero is ``+0.0``: ``sign(x)·0`` is ``-0.0`` for a
    negative ``x``, and adding ``0.0`` clears that sign and nothing else.
    The sign reached the fitted model (an L1 ``fista`` fit of 1 024 columns
    held 1 522 ``-0.0`` of its 3 072 K-class coefficients, printed
    ``-0.000000``), and a model file keeps a ``-0.0`` as written, so such a
    fit's file could not be written compactly (:mod:`logistic.io._compact`)."""
    return np.sign(x) * np.maximum(np.abs(x) - threshold, 0.0) + 0.0


def kkt_residual(theta: FloatArray, grad: FloatArray, weights: FloatArray) -> float:
    """Max-norm of ``θ − prox(θ − g)`` for the penalty ``Σ weights_j |θ_j|``.

    Each coordinate is taken from its closed form, never as the difference
    ``θ − prox(θ − g)``: where ``|θ − g| ≤ weight`` the prox is 0 and the
    residual is ``θ``; elsewhere the prox moves ``θ − g`` by the weight
    toward 0 and the residual is ``g + weight·sign(θ − g)``, whose rounding
    is relative to itself. The difference would round to 0 any gradient
    below half of θ's rounding unit (|θ| = 1: 1.1e-16), so a fit at
    ``tol=0``, or at a tol near the rounding unit of a large coefficient,
    would stop as converged with a nonzero gradient. With every weight 0
    (an L1-capable solver on an L2 fit) the residual is ``|g|``, as for the
    solvers without an L1 term. A NaN gradient gives NaN.
    """
    if not np.any(weights):
        return float(np.max(np.abs(grad), initial=0.0))
    x = theta - grad
    r = np.where(np.abs(x) <= weights, theta, grad + np.copysign(weights, x))
    return float(np.max(np.abs(r), initial=0.0))


def _start_entry(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A history's entry of iteration 0 (the fit's start), if it holds one."""
    first = history[0] if history else {}
    return first if first.get("iter") == 0 else None


@dataclass
class Fit:
    """Everything one fit derives before iterating and records while it runs.

    Attributes
    ----------
    objective : LogisticObjective
        The problem, original coordinates.
    view : ScaledObjective
        Its standardized view (built once per fit).
    standardized : bool
        Whether the solver iterates in standardized coordinates.
    tol : float
        Stopping tolerance of this fit.
    lam : ndarray of shape (n_params,) or None
        L1 weights in standardized coordinates (``l1/σ_j``, 0 for the
        intercept) for solvers that take an L1 term; None otherwise.
    history : list of dict
        The history so far (continued on resume).
    """

    objective: LogisticObjective
    view: ScaledObjective
    standardized: bool
    tol: float
    lam: FloatArray | None
    history: list[dict[str, Any]]
    on_iteration: IterationHook | None = None
    t0: float = field(default_factory=time.perf_counter)
    passes0: int = 0
    #: the NumericalStabilityWarning this fit gave (:meth:`warn_once`), or ""
    warning: str = ""
    #: a fit whose warnings are not issued (the solver's ``quiet``)
    quiet: bool = False

    @property
    def coords(self) -> Any:
        """The objective in the solver's coordinates."""
        return self.view if self.standardized else self.objective

    @property
    def n_passes(self) -> int:
        """Passes over the data since this fit started (a resumed fit: since
        the fit it resumes started)."""
        return int(self.objective.n_evaluations) - self.passes0

    @property
    def value_eps(self) -> float:
        """The epsilon that resolves this fit's objective values
        (:func:`logistic._numerics.value_eps` of X's type): the line searches'
        precision regime starts at float32's rounding on float32 data."""
        return value_eps(self.objective.data.dtype)

    def to_original(self, theta: FloatArray) -> FloatArray:
        """Solver coordinates → original coordinates."""
        return self.view.to_original(theta) if self.standardized else np.asarray(theta)

    def from_original(self, theta: FloatArray) -> FloatArray:
        """Original coordinates → solver coordinates."""
        return self.view.from_original(theta) if self.standardized else theta

    def residual(self, theta: FloatArray, grad: FloatArray) -> float:
        """The stopping norm at ``theta`` with gradient ``grad`` (both in the
        solver's coordinates): ``max |Tᵀ∇J|``, or the KKT residual when the
        solver takes an L1 term."""
        g_s = grad if self.standardized else self.view.scaled_gradient(grad)
        if self.lam is None:
            return float(np.abs(g_s).max()) if g_s.size else 0.0
        theta_s = theta if self.standardized else self.view.from_original(theta)
        return kkt_residual(theta_s, g_s, self.lam)

    @property
    def weights(self) -> FloatArray:
        """The L1 weights (zeros when the solver takes no L1 term)."""
        return np.zeros(self.objective.n_params) if self.lam is None else self.lam

    def l1_penalty(self, theta_s: FloatArray) -> float:
        """``Σ_j λ_j |θ'_j|`` (0 without L1 weights)."""
        return 0.0 if self.lam is None else float(self.lam @ np.abs(theta_s))

    def warn_once(self, message: str) -> None:
        """A :class:`NumericalStabilityWarning`, the first time in this fit
        only (a ``quiet`` fit keeps the message in :attr:`warning` alone)."""
        if not self.warning:
            if not self.quiet:
                warnings.warn(
                    message, NumericalStabilityWarning, stacklevel=user_stacklevel()
                )
            self.warning = message


#: Name -> solver class; the built-in classes are imported on first lookup
#: (declared in ``logistic.solvers``, see :mod:`._registry`).
SOLVERS: LazyRegistry[type[Solver]] = LazyRegistry()

#: A solver's own parameters (its options: :func:`._options.parse_options`).
_CONSTRAINTS: dict[str, list[Any]] = {
    "tol": [None, Interval(numbers.Real, 0, None, "left")],
    "max_iter": [Interval(numbers.Integral, 1, None, "left")],
    "l1": [Interval(numbers.Real, 0, float("inf"), "left")],
}


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
    """Base class: options common to all solvers and the services of a fit.

    Parameters
    ----------
    tol : float or None
        Stop when the max-norm of the gradient (KKT residual) is ≤ tol; None
        uses :meth:`default_tol` for the data's dtype.
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
    **options
        The solver's declared options (its ``Options`` dataclass); an unknown
        name or a value of the wrong type is an :class:`InvalidParameterError`.
    """

    name: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()
    #: The declared options (a frozen dataclass).
    Options: ClassVar[type] = NoOptions
    #: Whether the solver iterates in standardized coordinates.
    standardized: ClassVar[bool] = True
    #: Issue no warning (a fit whose failure its caller handles, such as
    #: Newton's subsample start): set on the instance, in place of
    #: ``warnings.catch_warnings``, whose filters are the whole process's,
    #: every thread's, and can be left installed by two overlapping uses.
    quiet: bool = False
    #: An unpenalized fit's separation rule (:mod:`logistic._separation_stop`),
    #: set by :func:`logistic.solvers.solve`; :mod:`._iterative`'s loop asks it.
    stop_rule: Any = None

    def __init__(
        self,
        *,
        tol: float | None = None,
        max_iter: int = 1000,
        l1: float = 0.0,
        verbose: int = 0,
        random_state: Any = None,
        callback: Any = None,
        **options: Any,
    ) -> None:
        params = {"tol": tol, "max_iter": max_iter, "l1": l1}
        validate_params(f"solver {self.name!r}", params, _CONSTRAINTS)
        self.tol = None if tol is None else float(tol)
        self.max_iter = int(max_iter)
        self.l1 = float(l1)
        self.verbose = int(verbose)
        self.random_state = random_state
        self.callback = callback
        self.options = parse_options(self.name, self.Options, options)
        if self.l1 > 0 and not self.capabilities.supports_l1:
            l1_solvers = sorted(
                n for n, c in SOLVERS.items() if c.capabilities.supports_l1
            )
            raise InvalidParameterError(
                f"solver {self.name!r} does not support an L1 penalty (l1={self.l1}); "
                f"use one of {l1_solvers}"
            )

    @classmethod
    def default_tol(cls, dtype: Any) -> float:
        """Default stopping tolerance (:func:`logistic._numerics.default_tol`)."""
        return default_tol(dtype, stochastic=cls.capabilities.stochastic)

    def iterates_standardized(self) -> bool:
        """Whether this solver's iterations run in standardized coordinates
        (the class's ``standardized``; solvers with a ``standardize`` option
        return the option)."""
        return self.standardized

    # -- a fit --------------------------------------------------------------
    def solve(
        self,
        objective: LogisticObjective,
        theta0: FloatArray,
        *,
        view: ScaledObjective | None = None,
        start: dict[str, Any] | None = None,
        on_iteration: IterationHook | None = None,
    ) -> SolverResult:
        """Minimize ``objective`` from ``theta0``.

        Parameters
        ----------
        objective : LogisticObjective
        theta0 : ndarray of shape (n_params,)
            Starting point, original scale.
        view : ScaledObjective or None
            The standardized view of ``objective`` (built here when None).
        start : dict or None
            A run to continue: ``{"n_iter", "state", "history"}`` as written
            by ``on_iteration`` (a decoded checkpoint).
        on_iteration : callable or None
            ``on_iteration(n_iter, state, history)`` after every iteration.

        Returns
        -------
        SolverResult
        """
        theta0 = np.asarray(theta0, dtype=np.float64)
        if theta0.shape != (objective.n_params,):
            raise InvalidParameterError(
                f"theta0 must have shape ({objective.n_params},) (the objective's "
                f"parameters, intercept last); got shape {theta0.shape}"
            )
        if not np.all(np.isfinite(theta0)):
            j = int(np.flatnonzero(~np.isfinite(theta0))[0])
            raise InvalidParameterError(
                f"theta0 must be finite: theta0[{j}] is {theta0[j]} (the starting "
                f"point, original scale, intercept last)"
            )
        fit = self.begin(objective, view, on_iteration)
        if start is not None:
            fit.history = list(start["history"])
            if fit.history:  # the count goes on from the checkpoint's
                passes = fit.history[-1].get("n_passes", 0)
                if type(passes) is not int or not 0 <= passes < 2**53:
                    raise IntegrityError(
                        f"checkpoint {start.get('path', '(given state)')}: the "
                        f"last history entry's 'n_passes' is {passes!r:.40}, "
                        "expected an integer from 0 to 2**53 - 1"
                    )
                fit.passes0 -= passes
        result = self._run(fit, theta0, start)
        return replace(result, warning=fit.warning) if fit.warning else result

    @classmethod
    def view_of(cls, objective: LogisticObjective, l1: float = 0.0) -> ScaledObjective:
        """The standardized view of ``objective`` for a fit by this solver
        with L1 strength ``l1``, built before the fit (a solver that makes
        the column statistics from its own copy of X overrides it:
        ``newton-cd-columns``)."""
        return ScaledObjective(objective, l1=l1)

    def begin(
        self,
        objective: LogisticObjective,
        view: ScaledObjective | None = None,
        on_iteration: IterationHook | None = None,
    ) -> Fit:
        """The context of one fit of ``objective``."""
        if view is None:
            view = self.view_of(objective, self.l1)
        elif view.base is not objective:
            raise InvalidParameterError(
                "the standardized view passed to the solver was built for another "
                "objective"
            )
        lam = None
        if self.capabilities.supports_l1:
            lam = np.zeros(objective.n_params)
            lam[: objective.n_features] = l1_weights(self.l1, view.scale)
        tol = self.tol
        if tol is None:
            tol = self.default_tol(objective.data.dtype)
        return Fit(
            objective=objective,
            view=view,
            standardized=self.iterates_standardized(),
            tol=tol,
            lam=lam,
            history=[],
            on_iteration=on_iteration,
            passes0=int(objective.n_evaluations),
            quiet=self.quiet,
        )

    def _run(
        self, fit: Fit, theta0: FloatArray, start: dict[str, Any] | None
    ) -> SolverResult:  # pragma: no cover
        raise NotImplementedError

    # -- services ------------------------------------------------------------
    def _finish(
        self,
        fit: Fit,
        *,
        coef: FloatArray,
        n_iter: int,
        objective_value: float,
        grad_max_norm: float,
        status: str,
    ) -> SolverResult:
        """The result; ``converged`` only when ``grad_max_norm ≤ tol``, else one
        :class:`ConvergenceWarning` naming the likely cause and the remedies
        (:func:`._diagnosis.likely_cause`)."""
        converged = bool(grad_max_norm <= fit.tol)
        rule = self.stop_rule  # its stop: the separation check's warning says why
        separated = rule is not None and bool(rule.status) and status == rule.status
        if not converged and not fit.quiet and not separated:
            cause = likely_cause(
                fit.objective,
                coef,
                solver=self.name,
                status=status,
                grad_max_norm=grad_max_norm,
                l1=self.l1,
                stochastic=self.capabilities.stochastic,
                view=fit.view,
                start=_start_entry(fit.history),
                objective_value=objective_value,
                history=fit.history,
                tol=fit.tol,
                step_given=getattr(self.options, "learning_rate", None) is not None,
            )
            warnings.warn(
                f"Solver {self.name!r} did not converge: {status}. After "
                f"n_iter={n_iter} iterations (max_iter={self.max_iter}) the "
                f"gradient's max-norm is {grad_max_norm:.3g} > tol={fit.tol:g}. "
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
            history=fit.history,
            solver=self.name,
            status=status,
            n_passes=fit.n_passes,
        )

    def _check_finite(
        self, iteration: int, last_finite: FloatArray, *values: Any
    ) -> None:
        for v in values:
            # a float (the objective, a norm) without numpy's call overhead
            finite = isfinite(v) if isinstance(v, float) else np.isfinite(v).all()
            if not finite:
                raise NumericalError(
                    f"solver {self.name!r} produced a non-finite objective or gradient "
                    f"at iteration {iteration}; the last finite coefficients are "
                    f"attached (exception.last_finite_coef). Check the input for "
                    f"extreme values, or add a penalty.",
                    iteration=iteration,
                    solver=self.name,
                    last_finite_coef=np.array(last_finite, copy=True),
                )

    def _record(self, fit: Fit, **entry: Any) -> dict[str, Any]:
        """Append one history entry (adds ``time`` and ``n_passes``), print it
        when verbose and pass it to the callback.

        Raises
        ------
        RuntimeError
            When ``entry`` holds a field
            :data:`logistic._checkpoint.HISTORY_FIELDS` does not declare (a
            solver's bug: its checkpoints would be refused).
        """
        if not entry.keys() <= HISTORY_FIELDS.keys():
            unknown = sorted(entry.keys() - HISTORY_FIELDS.keys())
            raise RuntimeError(
                f"solver {self.name!r} records history field(s) {unknown} that "
                "HISTORY_FIELDS (logistic._checkpoint) does not declare; "
                "declare them there, or its checkpoints could not be resumed"
            )
        entry["time"] = time.perf_counter() - fit.t0
        entry["n_passes"] = fit.n_passes
        # one layout of the fields, also of entries a resume reads back
        entry = in_record_order(entry)
        fit.history.append(entry)
        if self.verbose:
            parts = " ".join(
                f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}"
                for k, v in entry.items()
            )
            print(f"[{self.name}] {parts}", flush=True)
        if self.callback is not None:
            self.callback(dict(entry))  # a copy: the callback cannot edit history_
        return entry
