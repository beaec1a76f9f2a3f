"""L-BFGS: scipy's L-BFGS-B on the fused value+gradient, in standardized coordinates.

scipy's own stopping tests are switched off (``gtol=0``, ``ftol=0``); a callback
stops the run when the gradient max-norm in standardized coordinates is ≤ tol, so the
stopping rule is the same as every other solver's. scipy's result is
translated into :class:`SolverResult` in one place (``_translate``).

The iteration is scipy's by the project's design decision (scipy's L-BFGS,
not a hand-written one). Outside the data passes an iteration costs scipy's
``setulb`` (L-BFGS-B's bound-constrained machinery, O(memory · p) and more),
scipy's Python layer around it (``ScalarFunction``, ``MemoizeJac``) and this
wrapper: one reduction per pass (the stopping norm, also the finiteness test)
and one history entry per iteration. ``python -m benchmarks.lbfgs_overhead``
times the split (reuters, p = 8 316: the data pass about half of a fit,
``setulb`` a quarter, scipy's Python under a tenth, this wrapper and the
standardization map a few per cent).

K classes: in standardized coordinates L-BFGS takes the value and gradient
at each iterate's gauge-free point (``Σ_k b_k = 0``, where the symmetric
parametrization's gauge term is 0; :func:`_evaluated_at`), so it minimizes
the loss and penalty alone, not the gauge term's steep valley, and reports
that point.

Start: a fit from zero without an offset (the estimator's start unless
``warm_start``) takes its first value and gradient from the data-statistics
pass that the standardized view makes anyway
(``start_value_and_gradient``: ``J(0) = log 2`` and the gradient sums at
logit 0, :mod:`logistic._moments`), so the first pass of the fit is the
first step's; elsewhere the start is evaluated by a pass.

Precision polish: L-BFGS-B's line search compares objective values, so it
stalls once the decrease per step falls below the floating-point resolution
of ``J`` (≈ 1e-16 relative; float32's ≈ 1e-7 on float32 data, whose ``X w``
runs in float32: :attr:`~._base.Fit.value_eps`), typically with a gradient
max-norm near 1e-9 (1e-6 to 1e-8 on float32 data).
The wrapper cuts that stall short: once ``FLAT_EVALUATIONS`` evaluations in a
row since scipy's last accepted iterate return values within rounding noise
of it (:func:`._linesearch.unresolved`), scipy is stopped there instead of
finishing its line search (up to 20 evaluations that compare values one ulp
apart; whether it accepts one more step is a matter of rounding, so pass
counts at the floor varied with the summation order of the kernel).
When scipy stops there with the gradient still above ``tol``, at most
``polish_steps`` (default 5) Newton–CG steps follow (conjugate gradients on
Hessian-vector products, one pass each, and one value+gradient pass at the
point each step lands on, which the next step starts from; accepted only
when they reduce the gradient norm). They need no objective comparisons and
converge quadratically this close to the optimum. Each is recorded in
``history`` with ``polish=1`` and counts as an iteration: with scipy's ones
they stay within ``max_iter``.

Separation: an unpenalized binary fit's separation stop
(:mod:`logistic._separation_stop`, ``Solver.stop_rule``) is asked from the
callback after every iteration from ``SLOW_WINDOW`` on, with the stopping
norm that many iterations back as the previous one (L-BFGS's norm is not
monotone); its status ends scipy's run (``StopIteration``), skips the
polish and is the fit's status.

Sampled subspace steps (option ``subspace_steps``, :mod:`._subspace`): a fit
from its start (not a resumed one, no L1 term) on dense data in memory with
at least 64 000 rows and 20 rows a parameter first takes steps that
minimize the objective over the span of its last gradients and steps on a
sample of the rows, with the full gradient; each costs one full pass
(wide100k reaches a 1e-8 gap in 6 passes against scipy's 8, dense1m in 4
against 8). They continue while they decrease the objective, up to
``subspace_steps`` (default 50); a step that does not is dropped and scipy
continues from the point before it. Each is recorded in ``history`` with
``subspace=1``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from .._blas_threads import one_blas_thread
from .._exceptions import IntegrityError
from .._separation_stop import PROBE_EVERY, SLOW_WINDOW
from .._typing import FloatArray
from ._base import Capabilities, Fit, Solver, SolverResult, register
from ._conjugate_gradients import conjugate_gradients
from ._iterative import _described, _finite
from ._linesearch import unresolved
from ._start import known_start
from ._subspace import MIN_AGREEMENT, SubspaceModel, sample_for_subspace

__all__ = ["LBFGS", "LBFGSOptions", "default_memory"]

#: Evaluations in a row within rounding noise of the last accepted value after
#: which scipy's line search is stopped (see the module docstring).
FLAT_EVALUATIONS = 3


#: Curvature pairs of L-BFGS by default, and above ``WIDE_PARAMS`` parameters.
MEMORY, WIDE_MEMORY = 20, 10
WIDE_PARAMS = 2048


def default_memory(n_params: int) -> int:
    """Curvature pairs kept by default: ``MEMORY`` (20), ``WIDE_MEMORY`` (10)
    above ``WIDE_PARAMS`` parameters.

    More pairs mean fewer iterations (a9a 98 at 20 pairs against 137 at 10,
    w8a 97 against 147, credit-default 45 against 66) but ``setulb``'s work
    an iteration grows with ``memory × p``: at p = 8 316 (reuters) 0.64 ms
    at 20 pairs against 0.35 ms at 10, as much as a third of a data pass,
    and reuters takes 80 against 87-91 ms at 10 pairs (39 iterations
    against 36; alternating in one process, load 2.5). Fits that stop
    within 10 iterations (sparse200k, 6) are the same with either.
    """
    return WIDE_MEMORY if n_params > WIDE_PARAMS else MEMORY


class _Stalled(Exception):
    """scipy's line search compares values within rounding noise."""


@dataclass(frozen=True)
class LBFGSOptions:
    """memory : curvature pairs kept (None: :func:`default_memory` of the
    number of parameters); standardize : iterate in standardized
    coordinates; polish_steps : Newton–CG steps after a stall of scipy;
    subspace_steps : at most this many sampled subspace steps before scipy
    on data that qualify (0: none; :mod:`._subspace`)."""

    memory: int | None = field(default=None, metadata={"min": 1})
    standardize: bool = True
    polish_steps: int = field(default=5, metadata={"min": 0})
    subspace_steps: int = field(default=50, metadata={"min": 0})


class _Evaluations:
    """The fused value and gradient at the last point scipy asked for, with
    the stopping norm there.

    Per evaluation the wrapper does one reduction over the gradient: the
    stopping norm ``max |∇J'|`` (:meth:`Fit.residual`), which is NaN or
    infinite exactly when the gradient is, so it is also the finiteness test
    (the exact test runs only when it fails). The callback reads that norm
    instead of recomputing it.
    """

    def __init__(self, solver: LBFGS, fit: Fit, x0: FloatArray) -> None:
        self.solver, self.fit, self.x0 = solver, fit, x0
        #: the point ``J`` is evaluated at for an iterate (:func:`_evaluated_at`)
        self.at = _evaluated_at(fit)
        self.x: FloatArray | None = None
        self.f = 0.0
        self.g = x0
        #: the stopping norm at ``x``
        self.gn = float("inf")
        #: scipy's last accepted iterate and its value (set by :meth:`accept`)
        self.x_accepted = x0
        self.f_accepted: float | None = None
        #: value, gradient and stopping norm at ``x_accepted`` (None: not kept)
        self.at_accepted: tuple[float, FloatArray, float] | None = None
        self.flat = 0
        #: whether the next call after the start's evaluation is scipy's first
        #: (which repeats the start)
        self.first_call = True

    def __call__(self, x: FloatArray) -> tuple[float, FloatArray]:
        """Value and gradient at ``x``, which the caller must not modify
        afterwards (scipy passes a fresh copy each call; it is kept as is).

        scipy's first call is at the start, which :meth:`residual` has just
        evaluated: that point is not evaluated again (scipy's own cache asks
        for no point twice after that). Raises :class:`_Stalled` on the
        ``FLAT_EVALUATIONS``-th value in a row within rounding noise of the
        last accepted one."""
        if self.first_call and self.x is not None:
            self.first_call = False
            if np.array_equal(x, self.x):
                return self.f, self.g.copy()
        at = self.at(x)
        f, g = self.fit.coords.value_and_gradient(at)
        gn = self.fit.residual(at, g)
        if not (math.isfinite(f) and math.isfinite(gn)):
            # the exact test and the original-coordinate map only on failure
            last = self.x0 if self.x is None else self.x
            self.solver._check_finite(
                len(self.fit.history), self.fit.to_original(last), f, g
            )
        self.x, self.f, self.g, self.gn = x, f, g, gn
        eps = self.fit.value_eps  # float32 data resolve J to float32's rounding
        if self.f_accepted is not None and unresolved(f, self.f_accepted, eps):
            self.flat += 1
            if self.flat >= FLAT_EVALUATIONS:
                raise _Stalled
        else:
            self.flat = 0
        return f, g

    def accept(self, x: FloatArray, f: float) -> None:
        """Record scipy's accepted iterate (a copy: scipy updates it in place)
        and, when it is the point evaluated last, its gradient and norm."""
        self.f_accepted, self.flat = f, 0
        if self.x is not None and np.array_equal(self.x, x):
            self.x_accepted = self.x  # our copy, which scipy does not update
            self.at_accepted = (self.f, self.g, self.gn)
        else:
            self.x_accepted, self.at_accepted = np.array(x), None

    def rewind(self) -> FloatArray:
        """Go back to the accepted iterate (scipy stopped in a line search
        beyond it), without evaluating it again when its gradient is kept."""
        if self.at_accepted is not None:
            self.x = self.x_accepted
            self.f, self.g, self.gn = self.at_accepted
        return self.x_accepted

    def start(self, x0: FloatArray) -> float:
        """The stopping norm at the start ``x0``, with the value and gradient
        there from the data-statistics pass where the objective has them
        (``start_value_and_gradient``: ``x0 = 0`` and no offset; no pass),
        else from an evaluation."""
        got = known_start(self.fit.coords, self.at(x0))
        if got is None:
            return self.residual(x0)
        f, g = got
        gn = self.fit.residual(self.at(x0), g)
        if not (math.isfinite(f) and math.isfinite(gn)):
            self.solver._check_finite(0, self.fit.to_original(x0), f, g)
        self.x, self.f, self.g, self.gn = np.array(x0), f, g, gn
        return gn

    def residual(self, x: FloatArray) -> float:
        """The stopping norm at ``x`` (evaluating there unless just done)."""
        if self.x is None or not (self.x is x or np.array_equal(self.x, x)):
            self(np.array(x))  # scipy updates its iterate in place: keep a copy
        return self.gn


@register
class LBFGS(Solver):
    """scipy's L-BFGS-B (options: :class:`LBFGSOptions`).

    The iteration is scipy's; a checkpoint holds the current point only
    (``theta_original``), so a resumed fit restarts L-BFGS from it.
    """

    name = "lbfgs"
    capabilities = Capabilities()
    Options = LBFGSOptions

    def iterates_standardized(self) -> bool:
        return bool(self.options.standardize)

    def _iteration(
        self, fit: Fit, x: FloatArray, f: float, gn: float, **extra: Any
    ) -> None:
        n_iter = len(fit.history)
        self._record(
            fit,
            iter=n_iter,
            objective=f,
            grad_max_norm=gn,
            step=extra.pop("step"),
            **extra,
        )
        if fit.on_iteration is not None:
            state = {"theta_original": fit.to_original(_evaluated_at(fit)(x))}
            fit.on_iteration(n_iter, state, fit.history)

    def _run(
        self, fit: Fit, theta0: FloatArray, start: dict[str, Any] | None
    ) -> SolverResult:
        if start is not None:
            theta0 = _restart_point(start, fit)
        x0 = fit.from_original(theta0)
        ev = _Evaluations(self, fit, x0)
        g0 = ev.start(x0)
        if start is None:
            self._record(fit, iter=0, objective=ev.f, grad_max_norm=g0, step=0.0)
        at = ev.at  # the reported point of an iterate: where J was evaluated
        if g0 <= fit.tol:
            return self._translate(fit, None, fit.to_original(at(x0)))
        if start is None:
            with _one_blas_thread():
                x0 = self._subspace(fit, x0, ev)
            ev.first_call = True  # scipy's first call repeats x0, where ev is
            if ev.gn <= fit.tol:
                return self._translate(fit, None, fit.to_original(at(x0)), stalled=True)
            if len(fit.history) - 1 >= self.max_iter:  # scipy would still iterate
                return self._translate(fit, None, fit.to_original(at(x0)), limit=True)
        ev.accept(x0, ev.f)
        rule = self.stop_rule

        def callback(intermediate_result: Any) -> None:
            x = intermediate_result.x
            gn = ev.residual(x)
            f = float(intermediate_result.fun)
            ev.accept(x, f)
            self._iteration(fit, x, f, gn, step=float("nan"))
            if gn <= fit.tol:
                raise StopIteration
            n_iter = len(fit.history) - 1
            if rule is not None and n_iter >= SLOW_WINDOW:  # the separation stop
                before = fit.history[n_iter - SLOW_WINDOW]["grad_max_norm"]
                probe = n_iter % PROBE_EVERY == 0 and rule.settled(fit.history)
                if rule(fit, at(x), gn, before, probe=probe):
                    raise StopIteration

        # lazy: scipy.optimize alone costs ~0.3 s to import
        from scipy.optimize import minimize

        # iterations done: a resumed fit's history holds those before the
        # interruption, and every fit's the subspace steps
        remaining = max(0, self.max_iter - (len(fit.history) - 1))
        memory = self.options.memory
        if memory is None:
            memory = default_memory(x0.size)
        res: Any = None
        with _one_blas_thread():
            try:
                res = minimize(
                    ev,
                    x0,
                    jac=True,
                    method="L-BFGS-B",
                    callback=callback,
                    options={
                        "maxiter": remaining,
                        "maxfun": max(15000, 20 * self.max_iter),
                        "gtol": 0.0,
                        "ftol": 0.0,
                        "maxcor": memory,
                    },
                )
            except _Stalled:
                pass
        ev.f_accepted = None  # the polish compares gradients, not values
        x = ev.rewind() if res is None else res.x
        separated = rule is not None and bool(rule.status)
        if (
            fit.history[-1]["grad_max_norm"] > fit.tol
            and (res is None or res.nit < remaining)
            and not separated
        ):
            x = self._polish(fit, x, ev)
        return self._translate(fit, res, fit.to_original(at(x)), stalled=res is None)

    def _subspace(self, fit: Fit, x: FloatArray, ev: _Evaluations) -> FloatArray:
        """Sampled subspace steps from ``x`` (:mod:`._subspace`) while they
        decrease the objective, up to ``subspace_steps`` and ``max_iter``;
        returns the last accepted point, with ``ev`` at it. A step that does
        not decrease the objective (nor, within rounding, the gradient) is
        dropped and L-BFGS-B continues from the point before it; after a step
        that decreased it by less than ``MIN_AGREEMENT`` of the model's
        prediction, L-BFGS-B continues from the step's point."""
        if self.options.subspace_steps == 0 or fit.lam is not None:
            return x
        sample = sample_for_subspace(fit.objective)
        if sample is None:
            return x
        objective = fit.objective
        model = SubspaceModel(
            sample, objective.l2, objective.fit_intercept, fit.to_original
        )
        f, g, gn = ev.f, ev.g, ev.gn
        for _ in range(min(self.options.subspace_steps, self.max_iter)):
            s = model.step(x, g)
            if s is None:
                break
            x_new = x + s
            gn_new = ev.residual(x_new)
            flat = unresolved(ev.f, f, fit.value_eps)  # at the data type's rounding
            if not (ev.f < f or (flat and gn_new < gn)):
                ev.x, ev.f, ev.g, ev.gn = x, f, g, gn
                break
            agreement = (f - ev.f) / model.predicted if model.predicted > 0 else 0.0
            x, f, g, gn = x_new, ev.f, ev.g, gn_new
            self._iteration(fit, x, f, gn, step=1.0, subspace=1)
            if gn <= fit.tol or agreement < MIN_AGREEMENT:
                break
        return x

    def _polish(self, fit: Fit, x: FloatArray, ev: _Evaluations) -> FloatArray:
        """Newton–CG steps without objective comparisons (see module docstring)."""
        fun = fit.coords
        # ev.residual leaves ev at x: its value and gradient are those at x
        gn = ev.residual(x)
        # each step is an iteration of the fit: max_iter bounds them too (a
        # stall at iteration 23 of max_iter=23 took a 24th here)
        left = self.max_iter - (len(fit.history) - 1)
        for _ in range(max(0, min(self.options.polish_steps, left))):
            d, _ = conjugate_gradients(
                partial(fun.hessian_vector, x),
                ev.g,
                rtol=1e-4,
                maxiter=max(20, 2 * x.size) if x.size < 200 else 200,
            )
            x_new = x + d
            gn_new = ev.residual(x_new)
            if not gn_new < gn:
                break
            x, gn = x_new, gn_new
            self._iteration(fit, x, ev.f, gn, step=1.0, polish=1)
            if gn <= fit.tol:
                break
        return x

    def _translate(
        self,
        fit: Fit,
        res: Any,
        coef: FloatArray,
        *,
        stalled: bool = False,
        limit: bool = False,
    ) -> SolverResult:
        """scipy's result as a :class:`SolverResult` (``res`` None: scipy did
        not run, or was stopped at the rounding floor when ``stalled``, or
        the subspace steps reached ``max_iter`` when ``limit``)."""
        last = fit.history[-1]
        rule = self.stop_rule
        if last["grad_max_norm"] <= fit.tol:
            status = (
                "gradient max-norm below tol"
                if res is not None or stalled
                else "gradient max-norm below tol at the start"
            )
        elif rule is not None and rule.status:  # the separation stop
            status = rule.status
        elif limit:
            status = f"max_iter={self.max_iter} reached in sampled subspace steps"
        elif stalled:
            status = (
                "L-BFGS-B stopped: the objective no longer changes beyond "
                "rounding (precision limit)"
            )
        elif res.status == 1:  # scipy's iteration or evaluation limit
            status = f"scipy L-BFGS-B stopped: {res.message}"
        else:
            # scipy stopped itself: with ftol=0 its "RELATIVE REDUCTION OF F"
            # means a step that did not decrease J at all, and "ABNORMAL" or
            # "ROUNDING ERRORS" a line search that found no decrease; in the
            # project's words, so that the diagnosis reads a stall, not a
            # max_iter too small (it said "increase max_iter" at 14 of 1000)
            status = (
                "L-BFGS-B stopped: its line search found no decrease of the "
                f"objective (scipy: {res.message})"
            )
        return self._finish(
            fit,
            coef=coef,
            n_iter=len(fit.history) - 1,
            objective_value=last["objective"],
            grad_max_norm=last["grad_max_norm"],
            status=status,
        )


def _evaluated_at(fit: Fit) -> Any:
    """The map from an iterate to the point whose value and gradient L-BFGS
    takes: in standardized coordinates the view's gauge-free point
    (:meth:`~logistic._multinomial_scaled.ScaledMultinomial.gauge_free`: a
    K-class iterate shifted along the common intercept shift to
    ``Σ_k b_k = 0``; a binary view's is the iterate itself), else the
    iterate.

    So L-BFGS minimizes the loss and penalty alone, which no step along
    that shift changes (their gradient there has no component along it, so
    the iterates keep their start's ``Σ_k b'_k``), not ``J`` with its gauge
    term, whose curvature ``(1 + Σ_j μ_j²/σ_j²)/4`` in these coordinates
    (25 on digits, 9·10⁶ on digits + 100) ties every slope to its
    intercept: digits at ``C=1``, ``tol=1e-10`` converges in 1 000-1 400
    iterations (the count moves with the kernels' rounding) where 3 000 ended
    with the gradient max-norm at 2e-8, digits + 100 alike, wine + 100 in 69
    against 1 611. The Hessian of ``J`` is the same at both points (no logit
    moves along the shift), so the polish's products need no map.
    """
    return fit.view.gauge_free if fit.standardized else _same


def _same(x: FloatArray) -> FloatArray:
    """``x`` itself (original coordinates: no gauge-free point to take)."""
    return x


def _one_blas_thread() -> Any:
    """BLAS limited to one thread while scipy iterates.

    L-BFGS-B's own work is small BLAS calls on ``memory × p`` arrays; on a
    machine whose cores are busy, OpenBLAS's threads spin-wait on each of
    them (reuters, load average 5: ``setulb`` 0.27 s of a 0.40 s fit with two
    threads, 0.03 s with one). The in-memory data passes already run their
    blocks with BLAS at one thread (:mod:`logistic.backends.in_memory`).
    """
    return one_blas_thread()


def _restart_point(start: dict[str, Any], fit: Fit) -> FloatArray:
    """The point a checkpoint restarts L-BFGS from (``theta_original``),
    refused unless it is the problem's number of finite floats."""
    state = start.get("state")
    theta = state.get("theta_original") if isinstance(state, dict) else None
    if not _finite(theta, fit):
        raise IntegrityError(
            f"checkpoint {start.get('path', '(given state)')}: state field "
            f"'theta_original' of solver 'lbfgs' is {_described(theta)}, expected "
            f"{fit.objective.n_params} finite floats"
        )
    return np.asarray(theta, dtype=np.float64)
