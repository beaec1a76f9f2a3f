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
problem), and it continues until ``max_iter``. A step that ends the loop with
its ``stop`` status (a line search that found no step changing the
objective) at a gradient within the same bound reports the precision floor
too (:meth:`IterativeSolver._floor_status`), else its own status.

Separation: an unpenalized binary fit may carry ``stop_rule``
(:class:`logistic._separation_stop.SeparationStop`), asked before every
iteration after the first whether the data are separated and the fit has
gone as far as it usefully can; its status then ends the loop, unconverged
and without a :class:`~logistic.ConvergenceWarning` (:meth:`Solver._finish`).

Resuming: after every iteration ``on_iteration(n_iter, state, history)``
receives the solver state as a dict of plain values (:meth:`state_dict`)
together with the stall counters; ``start`` given to ``solve`` continues
exactly from such a dict. Fields a solver added to its state later are
filled from its ``state_defaults`` (the values right for a state written
without them). A dict that still lacks some fields restarts the solver from
its ``theta_original`` (a warm start); without that point too it is refused
(:class:`~logistic.IntegrityError` naming the missing fields).

A checkpoint is read as written by an attacker (its checksum proves nothing:
anyone can recompute it). Before the loop continues from a loaded state,
``n_iter`` must be an integer from 0 to ``max_iter``, the stall counters
numbers of their kinds, a warm start's ``theta_original`` finite of the
problem's length, and the state's point, value and stopping norm finite; the
value and the stopping norm are then evaluated afresh at the state's point
(one pass) and must agree with the stored ones to ``VALUE_RTOL`` /
``NORM_RTOL`` (or, for the norm, within ``FLOOR_FACTOR`` times the
gradient's rounding noise, :func:`gradient_noise`, measured only when the
first test fails; a solver whose state holds other quantities sets
``verifies_objective`` False). The loop goes on with the stored values, so
a genuine resume stays bitwise equal to the uninterrupted fit.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._exceptions import IntegrityError, user_stacklevel
from .._numerics import FLOOR_FACTOR, rounding_noise
from .._typing import FloatArray
from ._base import Fit, Solver, SolverResult
from ._options import LoopOptions

__all__ = ["IterativeSolver", "LINE_SEARCH_STOP", "gradient_noise"]

#: The status a step leaves in its state's ``stop`` when its backtracking
#: line search finds no decrease of the objective.
LINE_SEARCH_STOP = "line search could not decrease the objective (precision limit)"


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

#: Relative agreement a loaded state's value must have with the value the
#: data give at its point (a genuine checkpoint differs by rounding at most).
VALUE_RTOL = 1e-8
#: The same for the stopping norm, with an absolute allowance of
#: ``NORM_ATOL * tol`` (near the optimum the norm is mostly rounding noise).
NORM_RTOL = 1e-6
NORM_ATOL = 1e-3


def _described(v: Any) -> str:
    """``v`` in a message: an array by its shape and dtype, else its repr."""
    if isinstance(v, np.ndarray):
        return f"an array of shape {v.shape} and dtype {v.dtype}"
    text = repr(v)
    return f"{type(v).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def _finite(theta: Any, fit: Fit) -> bool:
    """Whether ``theta`` is a finite float vector of the problem's length."""
    n = fit.objective.n_params
    return (
        isinstance(theta, np.ndarray)
        and theta.dtype.kind == "f"
        and theta.shape == (n,)
        and bool(np.isfinite(theta).all())
    )


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


#: State fields that are vectors of the problem's length (solver coordinates).
_PARAM_VECTORS = frozenset({"theta", "grad", "v", "iterate", "avg", "best_theta"})


def _init_defaults(cls: type) -> dict[str, Any]:
    """The defaults of ``cls``'s ``__init__`` (a state with a written
    ``__init__`` declares its defaults there, not as dataclass fields)."""
    import inspect

    return {
        name: p.default
        for name, p in inspect.signature(cls).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def _checked_field(f: dataclasses.Field[Any], v: Any, default: Any, fit: Fit) -> None:
    """Refuse a loaded state field ``v`` unless it is of the kind its
    annotation names: ``float`` a finite float (NaN too where the field's
    default is NaN), ``int`` an integer >= 0, ``bool`` true or false, ``str``
    a string, ``FloatArray`` a finite float64 array (of the problem's length
    for :data:`_PARAM_VECTORS`); ``X | None`` also null. Another type
    (``Any``, a generator) is the solver's to check; such an optional field
    is not part of a checkpoint and must be null."""
    kind = str(f.type)
    optional = kind.endswith("| None")
    kind = kind.removesuffix("| None").strip()
    if optional and v is None:
        return
    n = fit.objective.n_params
    if kind == "float":
        nan_ok = isinstance(default, float) and np.isnan(default)
        ok = type(v) is float and (np.isfinite(v) or (nan_ok and np.isnan(v)))
        expected = "a finite float" + (" or NaN" if nan_ok else "")
    elif kind == "int":
        ok, expected = _is_int(v) and v >= 0, "an integer >= 0"
    elif kind == "bool":
        ok, expected = type(v) is bool, "true or false"
    elif kind == "str":
        ok, expected = type(v) is str, "a string"
    elif kind == "FloatArray":
        shape = (n,) if f.name in _PARAM_VECTORS else None
        ok = (
            isinstance(v, np.ndarray)
            and v.dtype == np.float64
            and (shape is None or v.shape == shape)
            and bool(np.isfinite(v).all())
        )
        expected = (f"{n} finite floats" if shape else "finite floats") + (
            " or null" if optional else ""
        )
    elif optional:
        ok, expected = False, "null (rebuilt on resume, not stored)"
    else:
        return
    if not ok:
        raise IntegrityError(
            f"state field {f.name!r} is {_described(v)}, expected {expected}"
        )


def _checked_progress(values: dict[str, Any], where: str) -> _Progress:
    """The stall counters of a checkpoint's state, checked: ``stall_best`` a
    float >= 0 (inf before any iteration), ``stall_since_best`` an int >= 0,
    ``stall_best_value`` a float (not NaN)."""
    best, since, best_value = (values[k] for k in _PROGRESS_KEYS)
    for name, v, ok, expected in (
        ("stall_best", best, isinstance(best, float) and best >= 0, "a float >= 0"),
        (
            "stall_since_best",
            since,
            _is_int(since) and since >= 0,
            "an integer >= 0",
        ),
        (
            "stall_best_value",
            best_value,
            isinstance(best_value, float) and not np.isnan(best_value),
            "a float",
        ),
    ):
        if not ok:
            raise IntegrityError(
                f"{where}: state field {name!r} is {_described(v)}, expected {expected}"
            )
    return _Progress(best, int(since), best_value)


class IterativeSolver(Solver):
    """Template for solvers written as ``init_state`` / ``step`` (see module)."""

    Options: ClassVar[type] = LoopOptions
    #: The state dataclass (restored from checkpoints).
    State: ClassVar[type] = object
    #: Whether the loop applies the stall test.
    detects_stall: ClassVar[bool] = True
    #: Values of state fields that checkpoints written before them lack.
    state_defaults: ClassVar[dict[str, Any]] = {}
    #: Keys :meth:`state_dict` writes besides the state's fields (a loaded
    #: state with any other key is refused, :meth:`_resume`).
    state_extras: ClassVar[tuple[str, ...]] = ()
    #: The statuses :meth:`step` may leave in the state's ``stop``: a loaded
    #: state's ``stop`` is "" or one of these (:meth:`_loaded`).
    stop_statuses: ClassVar[tuple[str, ...]] = ()
    #: Whether the state's ``value`` and ``grad_max_norm`` are the fit's
    #: objective (plus its L1 term) and :meth:`Fit.residual` at the state's
    #: point, so that a resume checks them against the data
    #: (:meth:`_verify_state`).
    verifies_objective: ClassVar[bool] = True

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
        """The state written by :meth:`state_dict`, each field present checked
        against its annotation (:func:`_checked_field`); a solver whose state
        holds other kinds of values converts and checks them before this."""
        fields = dataclasses.fields(self.State)
        defaults = _init_defaults(self.State)
        for f in fields:
            if f.name in values:
                _checked_field(f, values[f.name], defaults.get(f.name), fit)
        names = {f.name for f in fields}
        return self.State(**{k: v for k, v in values.items() if k in names})

    def _resume(self, fit: Fit, start: dict[str, Any]) -> tuple[Any, _Progress, int]:
        where = f"checkpoint {start.get('path', '(given state)')}"
        values = {**self.state_defaults, **start["state"]}
        names = {f.name for f in dataclasses.fields(self.State)}
        n_iter = start["n_iter"]
        if not _is_int(n_iter) or not 0 <= n_iter <= self.max_iter:
            raise IntegrityError(
                f"{where}: 'n_iter' is {n_iter!r}, expected an integer from 0 to "
                f"max_iter={self.max_iter} (to continue a fit past its max_iter, "
                f"raise max_iter)"
            )
        known = names | {*_PROGRESS_KEYS, "theta_original", *self.state_extras}
        unknown = sorted(set(values) - known)
        if unknown:
            raise IntegrityError(
                f"{where}: unknown state field(s) "
                f"[{', '.join(_described(k) for k in unknown[:5])}], expected "
                f"only the fields solver {self.name!r} writes: {sorted(known)}"
            )
        missing = names - set(values)
        if not missing:
            try:
                state = self._loaded(fit, values, where)
                self._verify_state(fit, state, where)
            except IntegrityError as exc:
                theta = values.get("theta")
                if not start.get("forced") or not _finite(theta, fit):
                    raise
                warnings.warn(
                    f"{exc}. force_resume: the fit restarts from the "
                    f"checkpoint's point on these data",
                    UserWarning,
                    stacklevel=user_stacklevel(),
                )
                state = self.init_state(fit, np.array(theta, dtype=np.float64))
                return state, _Progress(state.grad_max_norm, 0, state.value), n_iter
        elif "theta_original" not in values:
            raise IntegrityError(
                f"checkpoint state of solver {self.name!r}: fields "
                f"{sorted(missing)} missing, and no 'theta_original' to restart "
                f"from; expected the fields {sorted(names)}"
            )
        else:  # a warm start from the stored point
            theta = values["theta_original"]
            if not _finite(theta, fit):
                raise IntegrityError(
                    f"{where}: 'theta_original' is {_described(theta)}, expected "
                    f"{fit.objective.n_params} finite floats"
                )
            state = self.init_state(fit, fit.from_original(theta))
        if all(k in values for k in _PROGRESS_KEYS):
            return state, _checked_progress(values, where), int(n_iter)
        return state, _Progress(state.grad_max_norm, 0, state.value), int(n_iter)

    def _loaded(self, fit: Fit, values: dict[str, Any], where: str) -> Any:
        """:meth:`load_state`, an :class:`~logistic.IntegrityError` it raises
        naming the checkpoint (``where``); first the state's ``stop``, which
        ends the loop and becomes the fit's status, is refused unless it is
        "" or one of :attr:`stop_statuses`."""
        stop = values.get("stop", "")
        fields = {f.name for f in dataclasses.fields(self.State)}
        if "stop" in fields and not (stop == "" or stop in self.stop_statuses):
            allowed = ", ".join(repr(s) for s in ("", *self.stop_statuses))
            raise IntegrityError(
                f"{where}: state field 'stop' is {_described(stop)}, expected "
                f"{allowed} (the statuses solver {self.name!r} writes)"
            )
        try:
            return self.load_state(fit, values)
        except IntegrityError as exc:
            raise IntegrityError(f"{where}: {exc}") from exc
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
            # a field no check above covers: still the file's fault
            raise IntegrityError(
                f"{where}: the state of solver {self.name!r} could not be built "
                f"from its fields ({type(exc).__name__}: {_described(str(exc))}); "
                f"expected the fields {sorted(fields)} as the solver writes them"
            ) from exc

    def _verify_state(self, fit: Fit, state: Any, where: str) -> None:
        """Refuse a loaded state whose point, value or stopping norm are not
        finite, or (:attr:`verifies_objective`) whose value and stopping norm
        disagree with the objective evaluated afresh at its point (one pass,
        not counted in the fit's ``n_passes``). The stored values stay those
        the loop uses, so a genuine resume is bitwise equal to the
        uninterrupted fit; a forged one (say ``grad_max_norm`` 0 where the
        gradient is not) is an :class:`~logistic.IntegrityError`."""
        theta = np.asarray(self.iterate(state))
        n = fit.objective.n_params
        if not _finite(theta, fit):
            raise IntegrityError(
                f"{where}: the state's point is {_described(theta)}, expected "
                f"{n} finite floats"
            )
        for name in ("value", "grad_max_norm"):
            v = getattr(state, name)
            if (
                not isinstance(v, (float, np.floating))
                or not np.isfinite(v)
                or (name == "grad_max_norm" and v < 0)
            ):
                raise IntegrityError(
                    f"{where}: state field {name!r} is {v!r}, expected a finite "
                    f"float" + (" >= 0" if name == "grad_max_norm" else "")
                )
        if not self.verifies_objective:
            return
        passes = fit.objective.n_evaluations
        try:
            self._verify_objective(fit, state, theta, where)
        finally:  # the check's passes are not the fit's
            fit.passes0 += fit.objective.n_evaluations - passes

    def _verify_objective(
        self, fit: Fit, state: Any, theta: FloatArray, where: str
    ) -> None:
        """The second half of :meth:`_verify_state`: the stored value and
        stopping norm against those the data give at ``theta``."""
        theta_o = fit.to_original(theta)
        value, grad = fit.objective.value_and_gradient(theta_o)
        grad = fit.view.scaled_gradient(grad) if fit.standardized else grad
        theta_s = theta if fit.standardized else fit.view.from_original(theta_o)
        value += fit.l1_penalty(theta_s)
        norm = fit.residual(theta, grad)
        if abs(state.value - value) > VALUE_RTOL * abs(value) + rounding_noise(value):
            raise IntegrityError(
                f"{where}: stored objective value {state.value!r} at the stored "
                f"point, the data give {value!r} there: the checkpoint was "
                f"altered or written for other data"
            )
        diffs = {"gradient norm": (state.grad_max_norm, norm)}
        stored = getattr(state, "grad", None)  # the gradient at theta, if kept
        if isinstance(stored, np.ndarray):
            if stored.shape != grad.shape or not bool(np.isfinite(stored).all()):
                raise IntegrityError(
                    f"{where}: state field 'grad' is {_described(stored)}, "
                    f"expected {grad.size} finite floats"
                )
            to_s = (lambda g: g) if fit.standardized else fit.view.scaled_gradient
            g_stored, g_fresh = to_s(stored), to_s(grad)
            worst = int(np.argmax(np.abs(g_stored - g_fresh)))
            what = "gradient (its most different component, standardized)"
            diffs[what] = (float(g_stored[worst]), float(g_fresh[worst]))
        noise = None
        for what, (old, new) in diffs.items():
            diff = abs(old - new)
            allowed = NORM_RTOL * max(abs(norm), abs(old)) + NORM_ATOL * fit.tol
            if diff <= allowed:
                continue
            if noise is None:  # the gradient's rounding noise (two passes, rarely)
                noise = gradient_noise(fit.objective, fit.view, theta_o)
            if diff > FLOOR_FACTOR * noise:
                raise IntegrityError(
                    f"{where}: stored {what} {old!r} at the stored point, the "
                    f"data give {new!r} there: the checkpoint was altered or "
                    f"written for other data"
                )

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
        noise = self._floor_noise(fit, state)
        if noise is None:
            progress.since_best = 0  # slow, not stuck: far above rounding noise
            return ""
        return (
            f"no decrease of the gradient norm in {patience} iterations "
            f"and it is within {FLOOR_FACTOR:g}× its rounding noise "
            f"({noise:.2g}): floating-point precision reached"
        )

    def _floor_noise(self, fit: Fit, state: Any) -> float | None:
        """The gradient's rounding noise at ``state`` (:func:`gradient_noise`,
        two passes) when its norm is within ``FLOOR_FACTOR`` of it (the
        precision floor), else None. The noise is the objective's gradient's;
        a solver of another function (Firth's) is judged by it too, an
        approximation of that function's own."""
        theta = fit.to_original(self.iterate(state))
        noise = gradient_noise(fit.objective, fit.view, theta)
        return noise if state.grad_max_norm <= FLOOR_FACTOR * noise else None

    def _floor_status(self, fit: Fit, state: Any) -> str:
        """The status of a step that found no way down (``state.stop``) where
        the gradient is at the precision floor (:meth:`_floor_noise`):
        floating-point precision reached, else ""."""
        noise = self._floor_noise(fit, state)
        if noise is None:
            return ""
        return (
            f"{state.stop}, with the gradient norm within {FLOOR_FACTOR:g}× its "
            f"rounding noise ({noise:.2g}): floating-point precision reached"
        )

    def _run(
        self, fit: Fit, theta0: FloatArray, start: dict[str, Any] | None
    ) -> SolverResult:
        if start is None:
            state, progress, n_iter = self._start(fit, theta0)
        else:
            state, progress, n_iter = self._resume(fit, start)
        status = self.max_iter_status()
        last_norm = 0.0  # the previous iterate's stopping norm (0: none yet)
        while state.grad_max_norm > fit.tol:
            if state.stop:
                status = self._floor_status(fit, state) or state.stop
                break
            if n_iter >= self.max_iter:
                break
            if self.stop_rule is not None:
                separated = self.stop_rule(
                    fit, self.iterate(state), state.grad_max_norm, last_norm
                )
                if separated:
                    status = separated
                    break
            last_norm = state.grad_max_norm
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
