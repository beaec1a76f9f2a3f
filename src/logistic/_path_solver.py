"""The points of one regularization path (:func:`logistic._path.path`): the
solution at each strength, warm-started from the previous one.

Screening (``screening=True``, with an L1 part): at each point the sequential
strong rule proposes the features that can be non-zero
(:mod:`logistic._strong_rules`); the problem is then solved on those columns
only, and the discarded features are checked against the KKT condition with
one ``Xᵀr`` over the discarded columns. Violators are added and the
restricted problem solved again, so every point is the solution of the full
problem.

The restricted solver: with ``solver="auto"``,
:func:`logistic.solvers.column_cd.newton_cd_columns` on X's columns (no copy
of the active columns, the logits ``z`` carried from point to point, a warm
start reusing the previous solve's loss pass and gradient); with a named
solver, an ordinary :class:`~logistic._objective.LogisticObjective` over
``X[:, active]`` (:class:`_Columns`, cached while the set stays) minimised by
that registered solver (:func:`logistic.solvers.solve`). Both stop on the
same rule: the KKT residual in the standardized coordinates of
:mod:`logistic._scaling` (:class:`_Standardization`), at most ``tol``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp

from ._null_intercept import null_intercept
from ._numerics import default_tol
from ._objective import LogisticObjective
from ._scaling import ScaledObjective
from ._strong_rules import kkt_violations, strong_set
from ._typing import DataDescription, FloatArray
from ._validation import FitData
from .backends.in_memory import InMemory
from .solvers import solve
from .solvers._auto import resolve_solver
from .solvers.column_cd import ColumnFit, ColumnMatrix, newton_cd_columns

__all__ = ["PathSolver", "Point"]


class _Columns:
    """The problem restricted to a set of columns: one objective per set."""

    def __init__(self, data: FitData, fit_intercept: bool) -> None:
        self.data = data
        self.fit_intercept = fit_intercept
        self.n_features = int(data.X.shape[1])
        self._key: bytes | None = None
        self._objective: LogisticObjective | None = None

    @cached_property
    def _csc(self) -> Any:
        """Sparse X by column, made on the first restriction (a full-width
        path, screening off, never copies X)."""
        return self.data.X.tocsc()

    def objective(self, active: np.ndarray) -> LogisticObjective:
        """The objective over ``X[:, active]`` (cached while ``active`` stays)."""
        key = active.tobytes()
        if self._objective is None or key != self._key:
            d = self.data
            if active.size == self.n_features:
                Xa = d.X
            elif sp.issparse(d.X):
                Xa = self._csc[:, active].tocsr()
            else:
                Xa = np.ascontiguousarray(d.X[:, active])
            backend = InMemory(Xa, d.y01, d.sample_weight, d.offset, classes=d.classes)
            self._objective = LogisticObjective(
                backend, fit_intercept=self.fit_intercept
            )
            self._key = key
        return self._objective


@dataclass
class Point:
    """The solution at one strength, embedded in the full parameter space."""

    theta: FloatArray  # (n_features + fit_intercept,)
    loss: float  # mean loss (no penalty)
    grad: FloatArray  # ∇_w of the mean loss, all features
    n_iter: int
    rounds: int
    converged: bool
    z: FloatArray | None = None  # logits X w + b + offset (the column solver's)
    #: a column solve stopped short (the compiled solver warns of nothing;
    #: :func:`logistic._path._warn_unconverged` does, once a path)
    unwarned: bool = False


class _Standardization:
    """Column means and inverse scales of :mod:`logistic._scaling` for every
    feature at a given L1 and L2 strength (the column solver's stopping rule):
    the view a single fit at that strength builds (the solver's ``view_of``),
    so a constant column beside the intercept is centred under a penalty as
    there, and a path point stops where that fit stops."""

    def __init__(self, objective: LogisticObjective) -> None:
        self.objective = objective
        self._key: tuple[float, bool] | None = None
        self.mean: np.ndarray = np.zeros(0)
        self.inv_scale: np.ndarray = np.zeros(0)

    def at(self, l2: float, l1: float = 0.0) -> tuple[FloatArray, FloatArray]:
        # the view reads l1 only as "is there an L1 term" (centres_constant)
        key = (l2, l1 > 0)
        if key != self._key:
            obj = self.objective
            old = obj.l2
            try:
                obj.l2 = l2  # ScaledObjective reads l2 when built, nothing else
                # the moments are the objective's cached ones (one pass a path)
                view = ScaledObjective(obj, l1=l1)
            finally:
                obj.l2 = old
            self.mean, self.inv_scale, self._key = view.mean, view.inv_scale, key
        return self.mean, self.inv_scale


class PathSolver:
    """Solves the points of one path (state shared between points)."""

    def __init__(
        self, data: FitData, *, l1_ratio: float, fit_intercept: bool, solver: str,
        tol: float | None, max_iter: int, screening: bool, random_state: Any = None,
    ) -> None:  # fmt: skip
        self.columns = _Columns(data, fit_intercept)
        self.full = LogisticObjective(
            InMemory(data.X, data.y01, data.sample_weight, data.offset),
            fit_intercept=fit_intercept,
        )
        self.p = int(data.X.shape[1])
        self.l1_ratio = float(l1_ratio)
        self.fit_intercept = fit_intercept
        self.solver, self.max_iter = solver, int(max_iter)
        self.random_state = random_state
        self.tol = default_tol(data.X.dtype) if tol is None else float(tol)
        self.screening = bool(screening) and self.l1_ratio > 0
        # "auto": the column solver (column_cd.newton_cd_columns) on X's
        # columns; a named solver: that solver on a restricted objective
        self.by_columns = solver == "auto"
        self.standardization = _Standardization(self.full)
        #: the last column solve and its full loss gradient (a warm start at
        #: its logits reuses them)
        self._last_fit: tuple[ColumnFit, FloatArray] | None = None

    @cached_property
    def column_matrix(self) -> ColumnMatrix:
        return ColumnMatrix(self.columns.data.X)

    @cached_property
    def _normalised(self) -> tuple[FloatArray, FloatArray]:
        """Labels (float64) and sample weights summing to 1."""
        d = self.columns.data
        y = np.asarray(d.y01, dtype=np.float64)
        s = np.ones_like(y) if d.sample_weight is None else d.sample_weight
        s = np.asarray(s, dtype=np.float64)
        return y, s / s.sum()

    def logits(self, theta: FloatArray) -> FloatArray:
        """``X w + b + offset`` of a full parameter vector."""
        d = self.columns.data
        w = theta[: self.p]
        nz = np.flatnonzero(w)
        z = self.column_matrix.matvec(nz, w[nz])
        if self.fit_intercept:
            z += theta[-1]
        if d.offset is not None:
            z += d.offset
        return z

    def _solve_columns(
        self, active: np.ndarray, theta: FloatArray, z: FloatArray | None, alpha: float
    ) -> ColumnFit:
        """Minimise over the columns ``active`` from the full ``theta`` (logits z)."""
        l1 = alpha * self.l1_ratio
        l2 = alpha * (1.0 - self.l1_ratio)
        mean, inv_scale = self.standardization.at(l2, l1)
        y, s = self._normalised
        cols = np.ascontiguousarray(active, dtype=np.intp)
        last, start = self._last_fit, None
        if z is not None and last is not None and z is last[0].z:
            # warm start at the previous solve's logits: its loss pass and
            # gradient (all columns, from _from_columns) hold there
            fit0, grad0 = last
            start = (fit0.loss, fit0.residual, fit0.weights, grad0[cols])
        fit = newton_cd_columns(
            self.column_matrix, y, s, cols, theta[active],
            float(theta[-1]) if self.fit_intercept else 0.0,
            self.logits(theta) if z is None else z,
            l1=l1, l2=l2, mean=mean[active], inv_scale=inv_scale[active],
            fit_intercept=self.fit_intercept, tol=self.tol, max_iter=self.max_iter,
            start=start,
        )  # fmt: skip
        return fit

    def _from_columns(
        self, active: np.ndarray, fit: ColumnFit
    ) -> tuple[FloatArray, float, FloatArray]:
        """Full parameters, mean loss and gradient of a column solve: the
        solver's own loss and gradient over ``active``, one ``Xᵀr`` over the
        other columns (no pass over the active ones)."""
        theta = np.zeros(self.p + int(self.fit_intercept))
        theta[active] = fit.w
        if self.fit_intercept:
            theta[-1] = fit.b
        grad = np.empty(self.p)
        grad[active] = fit.grad
        rest = np.ones(self.p, dtype=bool)
        rest[active] = False
        others = np.flatnonzero(rest)
        grad[others] = self.column_matrix.dots(others, fit.residual)
        self._last_fit = (fit, grad)
        return theta, fit.loss, grad

    def _penalty_name(self) -> str:
        return {0.0: "l2", 1.0: "l1"}.get(self.l1_ratio, "elasticnet")

    def _embed(self, active: np.ndarray, theta_a: FloatArray) -> FloatArray:
        theta = np.zeros(self.p + int(self.fit_intercept))
        theta[active] = theta_a[: active.size]
        if self.fit_intercept:
            theta[-1] = theta_a[-1]
        return theta

    def _restrict(self, active: np.ndarray, theta: FloatArray) -> FloatArray:
        head = theta[active]
        return np.append(head, theta[-1]) if self.fit_intercept else head

    def evaluate(self, theta: FloatArray) -> tuple[float, FloatArray]:
        """Mean loss and its gradient over all features (one pass)."""
        value, grad = self.full.value_and_gradient(theta)
        return value, grad[: self.p]

    def _solve(
        self, active: np.ndarray, theta0: FloatArray, alpha: float
    ) -> tuple[FloatArray, int, bool]:
        """Minimise over the columns ``active`` from ``theta0`` (restricted)."""
        if active.size == 0 and not self.fit_intercept:
            return np.zeros(0), 0, True
        objective = self.columns.objective(active)
        l1 = alpha * self.l1_ratio if active.size else 0.0
        objective.l2 = alpha * (1.0 - self.l1_ratio)
        if active.size == 0:
            name = "newton"  # the intercept alone: a 1-D smooth problem
        else:
            name = resolve_solver(
                self.solver,
                DataDescription.of(objective.data),
                penalty=self._penalty_name() if alpha > 0 else None,
                l1=l1,
                owner="path",
            )
        result = solve(
            name,
            objective,
            theta0,
            tol=self.tol,
            max_iter=self.max_iter,
            l1=l1,
            random_state=self.random_state,
            # None: the solver's view_of(objective, l1), a single fit's view
            # (with an L1 term a constant column beside the intercept is
            # centred there, which ScaledObjective(objective) alone is not)
            view=None,
        )
        return result.coef, int(result.n_iter), bool(result.converged)

    def null_model(self) -> Point:
        """The intercept (with the offset) fitted alone.

        Without an offset (or with one offset on every row) it is the weighted
        log-odds ``log(Σ s y / Σ s (1 - y))`` less the offset exactly (so
        ``alpha_max`` is exact too); with offsets, the 1-D fit of
        :func:`logistic._null_intercept.null_intercept`, exact for any finite
        offset.
        """
        empty = np.zeros(0, dtype=np.intp)
        theta_a = np.zeros(int(self.fit_intercept))
        if self.fit_intercept:
            theta_a[0] = null_intercept(self.full.data).intercept
        theta = self._embed(empty, theta_a)
        loss, grad = self.evaluate(theta)
        return Point(theta, loss, grad, 0, 1, True)

    def point(self, alpha: float, alpha_prev: float, prev: Point) -> Point:
        """The solution at ``alpha``, warm-started from ``prev`` (at ``alpha_prev``)."""
        w_prev = prev.theta[: self.p]
        if not self.screening:
            keep = np.ones(self.p, dtype=bool)
        else:
            keep = (w_prev != 0) | strong_set(
                prev.grad, self.l1_ratio, alpha, alpha_prev
            )
        n_iter, rounds, ok, unwarned = 0, 0, True, False
        theta, z = prev.theta, prev.z
        while True:
            active = np.flatnonzero(keep)
            rounds += 1
            if self.by_columns and (active.size or w_prev.any()):
                fit = self._solve_columns(active, theta, z, alpha)
                n_iter, ok, z = n_iter + fit.n_iter, ok and fit.converged, fit.z
                unwarned = unwarned or not fit.converged
                theta, loss, grad = self._from_columns(active, fit)
            else:
                if active.size == 0 and not w_prev.any():
                    # no columns: the intercept-only problem, already solved
                    theta_a = self._restrict(active, theta)
                else:
                    theta_a, k, conv = self._solve(
                        active, self._restrict(active, theta), alpha
                    )
                    n_iter, ok = n_iter + k, ok and conv
                theta = self._embed(active, theta_a)
                loss, grad = self.evaluate(theta)
            if not self.screening:
                break
            add = kkt_violations(grad, alpha * self.l1_ratio, ~keep)
            if add.size == 0:
                break
            keep[add] = True
        return Point(theta, loss, grad, n_iter, rounds, ok, z, unwarned)
