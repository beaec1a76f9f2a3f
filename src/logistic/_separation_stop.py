"""The stopping rule of an unpenalized binary fit under separation.

Convention (owned here): under (quasi-)complete separation the maximum-
likelihood estimate does not exist, and a solver that creeps along the
separating direction makes no progress that matters: ``newton-cd-columns``
on reuters (7 770 × 8 315 sparse, quasi-separated) ran its 1 000
iterations in 13–36 s, its gradient falling like 1/k, while the rows the
separating direction puts on their class's side had fitted probabilities
within 1e-8 of their labels from iteration 25 on (it now stops at 27, in
0.6-1.5 s, deviance 40.989; ``solver="lbfgs"`` reaches ``tol`` there in
129 iterations, deviance 40.984).
:class:`SeparationStop`,
called by :meth:`logistic.solvers._iterative.IterativeSolver._run` after
every iteration of a fit whose gradient is still above ``tol``, ends such
a fit:

1. only after a slow iteration (the gradient's max-norm fell by less than
   ``SLOW``: a solver still converging fast reaches ``tol`` in a few
   iterations, as Newton does on a9a and w8a, and its fit is left as it
   was) where some fitted logit lies beyond ``SEPARATION_TRIGGER_LOGIT`` on
   its correct side (the separation check's own trigger; one product
   ``X w`` a slow iteration until then) and whose deviance has settled
   (condition (b) below: a stop needs it anyway, and a Newton fit that
   does not separate takes damped steps with its logits beyond 20 too,
   then converges: 600 × 20 rows with 6 at x0 + 40 ran a 0.6 s program in
   a 0.1 s fit, its deviance still moving by 5.5e-4 of it an iteration),
   separation is decided once: by the separation check's curvature
   certificate at that iterate
   (:func:`logistic._separation.curvature_certificate`, passed in as
   ``certified``: a proof that nothing separates, one pass and an ``eigh``
   of the parameters' size), else by its linear program
   (:func:`logistic._separation_lp.lp_report`, Konis 2007). The certificate
   first because data that do not separate can trip the trigger (a few
   rows with extreme values): lbfgs on such a 3 000 × 300 dense design
   took 9.3 s instead of 1.1 s, 7.3 of them in the program, which the
   certificate (65 ms) now replaces (tests/test_separation_stop_cost.py);
2. where it finds a separating direction, the fit stops at the first slow
   iteration where (a) every row that direction puts strictly on its
   class's side has its fitted probability within ``1e-8`` of its label
   (logit beyond ``SEPARATION_ALL_LOGIT``: statsmodels' perfect-prediction
   criterion, and R's glm warning "fitted probabilities numerically 0 or 1
   occurred") and (b) each of the last ``SETTLED_ITERATIONS`` iterations
   changed the deviance by at most ``DEVIANCE_RTOL`` of it (R's glm
   convergence test, ``|dev - dev_old| / (|dev| + 0.1)``, there with
   ``epsilon`` 1e-8): the divergence shows in the fitted values and the
   rest of the fit has settled. The fit is not converged (``converged_``
   False); its status says why, and no
   :class:`~logistic.ConvergenceWarning` is issued: the separation check
   then reuses the program's verdict and its
   :class:`~logistic.PerfectSeparationWarning` names the direction and the
   iteration where the fit stopped.

``lbfgs`` asks the rule from scipy's callback (raising ``StopIteration``
to end ``minimize``), with the slowness judged over ``SLOW_WINDOW``
iterations and the trigger's logits looked at every ``PROBE_EVERY``-th
iteration once the deviance has settled (see those constants).

Where the certificate or the program finds no separation, or the program
cannot run (more than ``MAX_LP_NONZEROS`` values, out of ``LP_SECONDS``),
the rule does nothing more: every fit whose data are not separated runs
exactly as without it (the rule only reads the iterates). The verdict,
a program cut short included, is the separation check's
(:attr:`SeparationStop.verdict`): the program runs at most once a fit
(a 3 600 × 2 000 sparse separated design whose program ran out of time
spent its 20 s twice, in the rule and in the check).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._numerics import SEPARATION_ALL_LOGIT, SEPARATION_TRIGGER_LOGIT
from ._separation_lp import (
    MAX_LP_NONZEROS,
    LPCutShort,
    SeparationReport,
    lp_report,
    strict_margin,
)
from ._sparse import issparse

__all__ = [
    "DEVIANCE_RTOL",
    "PROBE_EVERY",
    "SLOW",
    "SETTLED_ITERATIONS",
    "SLOW_WINDOW",
    "STOPPED",
    "SeparationStop",
    "stopped_by_separation",
]

#: R's glm convergence measure ``|dev - dev_old| / (|dev| + 0.1)`` (its
#: ``epsilon``, 1e-8 by default) a stopping iteration must be below. 1e-5:
#: reuters (``newton-cd-columns``) is below it from iteration 27, below 1e-8
#: only after ~365 (15 s); by then the fitted probabilities move 1e-4 an
#: iteration at most, a change of deviance of 4e-4 (of 41). Not looser:
#: ``newton`` on tests/test_separation_stop.py's design takes Armijo steps of
#: 0.004 to 0.024 of its Newton step from iteration 30 on (the Hessian is
#: near-singular along the separation) and stops at iteration 562 (deviance
#: 124.3); 1e-4 stops it at iteration 21 and 3e-5 at 26, both with a deviance
#: 2.7 above (127.0), a difference an LR test (3.84 on one degree of freedom)
#: would not ignore.
DEVIANCE_RTOL = 1e-5
#: Iterations in a row that must pass the deviance test. One is not enough:
#: an inexact Newton step (``newton-cd``'s inner coordinate descent) can
#: barely move once amid steps that still lower the deviance by 1e-4 of it:
#: on tests/test_separation_stop.py's design ``newton-cd`` changed it by
#: 9e-5, 6e-6, 9e-5, 1e-4 ... at iterations 23-26 and stopped at 24 with a
#: deviance of 126.96, where it reaches 124.04 at tol (iteration 2 299) and
#: ``newton`` stops at 124.29. Two in a row: iteration ~500, deviance 124.24
#: (``newton`` 561 -> 562, ``lbfgs`` 480 unchanged).
SETTLED_ITERATIONS = 2
#: L-BFGS (one pass an iteration; its gradient's max-norm is not monotone)
#: asks the rule after every iteration with the norm ``SLOW_WINDOW``
#: iterations back as ``last_norm`` (slow: the norm fell by less than
#: ``SLOW`` over the window), and looks for the trigger's logits (a pass)
#: only on every ``PROBE_EVERY``-th iteration, where the deviance has settled
#: (:meth:`SeparationStop.settled`). A 2000 × 600 dense fit that does not
#: separate (its norm falls 2-100× per 10 iterations) is never probed, nor
#: are the separated breast-cancer (182 iterations) and reuters (129) fits,
#: which reach ``tol``; a creeping quasi-separated one first at 420.
SLOW_WINDOW = 50
PROBE_EVERY = 10
#: An iteration is slow when the gradient's max-norm falls by less than this
#: factor (Newton on separated data falls by about e a step: not slow).
SLOW = 0.5


#: How the status of a fit this rule ended begins (``fit_status_``).
STOPPED = "stopped under "


def stopped_by_separation(status: object) -> bool:
    """Whether a fit's status (``fit_status_``) says this rule ended it: its
    :class:`~logistic.PerfectSeparationWarning` then says why it did not
    converge, and no :class:`~logistic.ConvergenceWarning` repeats it."""
    return str(status).startswith(STOPPED)


def _products(X: Any, coef: np.ndarray) -> np.ndarray:
    """``X @ coef`` in float64 (a new array)."""
    coef = np.asarray(coef, dtype=np.float64)
    if issparse(X):
        return np.asarray(X @ coef, dtype=np.float64).ravel()
    return np.asarray(np.asarray(X) @ coef, dtype=np.float64).ravel()


class SeparationStop:
    """The rule of the module docstring for one fit of ``objective``;
    ``rows()`` gives ``(X, y01, sample_weight, offset)``, the rows the
    separation check reads (labels in {0, 1}); ``certified(objective,
    theta, X, view)`` the curvature certificate (True: nothing separates).
    ``known`` is the verdict once decided: a :class:`SeparationReport`, or
    False for none; None before (or when the program could not run).
    ``status`` is the status it ended the fit with, "" when it did not."""

    def __init__(
        self,
        objective: Any,
        rows: Callable[[], tuple[Any, np.ndarray, np.ndarray | None, Any]],
        certified: Callable[[Any, np.ndarray, Any, Any], bool | None] | None = None,
    ) -> None:
        self.objective = objective
        self._rows = rows  # (X, y01, sample_weight, offset), read when needed
        self._certified = certified
        self.X: Any = None
        self.known: SeparationReport | bool | None = None
        self.cut_short: LPCutShort | None = None  # the program ran out of time
        self.inert = False  # the program could not run: the rule does nothing
        self.separated: np.ndarray | None = None  # rows strictly on their side
        self.status = ""

    def _read(self) -> None:
        """The rows, once: read only when a fit looks separated (a fit that
        does not runs as it would without the rule, its reads included)."""
        if self.X is not None:
            return
        X, y01, sample_weight, offset = self._rows()
        self.y01 = np.asarray(y01, dtype=np.float64)
        self.sign = 2.0 * self.y01 - 1.0
        self.keep = (
            np.ones(self.sign.size, dtype=bool)
            if sample_weight is None
            else np.asarray(sample_weight) > 0
        )
        self.offset = offset
        self.total = float(
            self.keep.sum() if sample_weight is None else np.sum(sample_weight)
        )
        self.X = X

    def _margins(self, theta: np.ndarray) -> np.ndarray:
        """``t_i z_i`` of the rows kept (``theta`` original, intercept last)."""
        self._read()
        w, b = self.objective.split(theta)
        with np.errstate(over="ignore", invalid="ignore"):
            z = _products(self.X, w)
            z += b
            if self.offset is not None:
                z += np.asarray(self.offset, dtype=np.float64)
            z *= self.sign
        return z[self.keep]

    @property
    def verdict(self) -> SeparationReport | bool | LPCutShort | None:
        """What the separation check at the fit's end takes from this rule:
        ``known``, or the :class:`LPCutShort` of a program that ran out of
        time (the check then does not run it again)."""
        return self.cut_short if self.cut_short is not None else self.known

    def _decide(self, theta: np.ndarray, view: Any) -> None:
        """Decide the separation once at ``theta`` (original coordinates):
        the certificate, else the program (see the module docstring)."""
        X = self.X
        if self._certified is not None and self._certified(
            self.objective, theta, X, view
        ):
            self.known = False
            return
        nnz = X.nnz if issparse(X) else X.shape[0] * X.shape[1]
        if nnz > MAX_LP_NONZEROS:
            self.inert = True
            return
        fit_intercept = bool(self.objective.fit_intercept)
        try:
            report = lp_report(X, self.y01, self.keep, fit_intercept)
        except LPCutShort as exc:
            self.inert, self.cut_short = True, exc
            return
        if report is None:
            self.known = False
            return
        self.known = report
        direction = _products(X, report.coef) + report.intercept
        side = (self.sign * direction)[self.keep]
        # as lp_report counts the rows strictly on their side
        tol = strict_margin(
            side, 1e-7 * max(1.0, float(np.max(np.abs(side), initial=0.0)))
        )
        self.separated = side > tol

    def __call__(
        self,
        fit: Any,
        theta: np.ndarray,
        norm: float,
        last_norm: float,
        probe: bool = True,
    ) -> str:
        """The status that ends the fit at ``theta`` (solver coordinates, its
        gradient's max-norm ``norm``, the previous iterate's ``last_norm``),
        or "" to go on. ``probe`` False skips the trigger's product ``X w``
        before the program has run (a solver whose iterations cost a pass
        each probes on a schedule: :data:`PROBE_EVERY`)."""
        if self.inert or self.known is False or self.status:
            return self.status
        if not (last_norm > 0 and norm > SLOW * last_norm):
            return ""  # converging fast (or the first iteration of a resume)
        if self.known is None and not probe:
            return ""
        self._read()
        change = self._settled_change(fit.history)
        if not change <= DEVIANCE_RTOL:
            return ""  # (b) first: no product, and no decision mid-descent
        theta_o = fit.to_original(theta)
        if self.known is None:
            if not (self._margins(theta_o) > SEPARATION_TRIGGER_LOGIT).any():
                return ""
            self._decide(theta_o, getattr(fit, "view", None))
            if not isinstance(self.known, SeparationReport):
                return ""
        assert self.separated is not None and isinstance(self.known, SeparationReport)
        on_side = self._margins(theta_o)[self.separated]
        if on_side.size == 0 or float(on_side.min()) < SEPARATION_ALL_LOGIT:
            return ""
        self.status = (
            f"{STOPPED}{self.known.kind} separation: the {on_side.size} "
            f"samples the separating direction puts strictly on their class's "
            f"side have fitted probabilities within "
            f"{float(np.exp(-SEPARATION_ALL_LOGIT)):.0e} of their labels and the "
            f"last {SETTLED_ITERATIONS} iterations changed the deviance by at most "
            f"{change:.2g} of it; the "
            f"maximum-likelihood estimate does not exist (the coefficients "
            f"would grow without bound)"
        )
        return self.status

    def settled(self, history: list[dict[str, Any]]) -> bool:
        """Whether each of the last :data:`SETTLED_ITERATIONS` iterations
        changed the deviance by at most :data:`DEVIANCE_RTOL` of it
        (condition (b) of the module docstring)."""
        self._read()
        return self._settled_change(history) <= DEVIANCE_RTOL

    def _settled_change(self, history: list[dict[str, Any]]) -> float:
        """The largest :meth:`_deviance_change` of the last
        :data:`SETTLED_ITERATIONS` iterations (inf before that many)."""
        if len(history) < SETTLED_ITERATIONS + 1:
            return float("inf")
        return max(
            self._deviance_change(history, len(history) - 1 - back)
            for back in range(SETTLED_ITERATIONS)
        )

    def _deviance_change(self, history: list[dict[str, Any]], at: int = -1) -> float:
        """R's glm convergence measure of iteration ``at`` of ``history``
        (the last by default), ``|dev - dev_old| / (|dev| + 0.1)``, with the
        deviance ``dev = 2 W f`` of the mean objective ``f`` (W: the weights'
        sum, the rows' number without weights); inf without an iterate
        before it."""
        at = at % len(history) if history else 0
        if at < 1:
            return float("inf")
        new, old = history[at]["objective"], history[at - 1]["objective"]
        dev, dev_old = 2.0 * self.total * new, 2.0 * self.total * old
        return abs(dev - dev_old) / (abs(dev) + 0.1)
