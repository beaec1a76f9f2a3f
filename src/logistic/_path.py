"""Regularization paths: warm-started fits along a decreasing sequence of strengths.

:func:`path` solves, for each ``alpha`` of a decreasing sequence,

    min  (1/Σs) Σ_i s_i L(y_i, z_i) + alpha·(l1_ratio·‖w‖₁ + (1 - l1_ratio)/2·‖w‖²)

(the objective of :mod:`logistic._objective`; ``alpha = 1/(C·Σs)`` relates it
to scikit-learn's ``C``), each fit starting from the previous solution.

Default sequence (glmnet's): ``n_alphas`` values log-spaced from
``alpha_max`` (the smallest strength at which every coefficient is zero,
computed exactly from the gradient at the null model) down to
``alpha_max·eps`` (:mod:`logistic._strong_rules`).

Screening (``screening=True``, with an L1 part): at each point the sequential
strong rule proposes the features that can be non-zero; the problem is then
solved on those columns only, and the discarded features are checked against
the KKT condition with one ``Xᵀr`` over the discarded columns. Violators are
added and the restricted problem solved again, so every point is the solution
of the full problem: a discarded feature's zero is optimal and the restricted
solver's stopping rule (KKT residual ≤ ``tol`` in standardized coordinates,
:mod:`logistic._scaling`) covers the rest. Wide L1 paths thus touch only the
active columns, plus one ``Xᵀr`` over the others per point.

The restricted solver: with ``solver="auto"``,
:func:`logistic.solvers.column_cd.newton_cd_columns` on X's columns
(glmnet's proximal Newton with coordinate descent, compiled in
``logistic._cd``; no copy of the active columns, the logits ``z`` carried from
point to point, the curvature kept while it stays accurate); with a named
solver, an ordinary :class:`~logistic._objective.LogisticObjective` over
``X[:, active]`` minimised by that registered solver
(:func:`logistic.solvers.solve`). Both stop on the same rule.

Sample weights, class weights and offsets enter as in
:class:`logistic.LogisticRegression` (class weights multiply the sample
weights; the null model fits the intercept with the offset held fixed).
"""

from __future__ import annotations

import numbers
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp

from ._block_moments import warn_weight_span
from ._constraints import (
    Interval,
    as_float64,
    is_class_weight,
    is_random_state,
    validate_params,
)
from ._exceptions import InvalidParameterError
from ._multiclass import CROSS_VALIDATE_K_CLASSES
from ._null_intercept import null_intercept
from ._numerics import default_tol
from ._objective import LogisticObjective
from ._path_result import PathResult
from ._row_alignment import check_rows_aligned
from ._scaling import ScaledObjective
from ._separation import warn_separation
from ._sparse_structure import hand_off_scope
from ._strong_rules import (
    alpha_max,
    check_grid_points,
    default_alphas,
    default_eps,
    kkt_violations,
    strong_set,
)
from ._typing import DataDescription, FloatArray
from ._validation import FitData, check_fit_data
from .backends.in_memory import InMemory
from .solvers import solve
from .solvers._auto import resolve_solver
from .solvers.column_cd import ColumnFit, ColumnMatrix, newton_cd_columns

__all__ = ["PathResult", "path"]


_CONSTRAINTS: dict[str, list[Any]] = {
    "l1_ratio": [Interval(numbers.Real, 0, 1, "both")],
    "n_alphas": [Interval(numbers.Integral, 1, None, "left")],
    "eps": [None, Interval(numbers.Real, 0, 1, "neither")],
    "fit_intercept": [bool, np.bool_],
    "class_weight": [is_class_weight],
    "solver": [str],
    "tol": [None, Interval(numbers.Real, 0, None, "left")],
    "max_iter": [Interval(numbers.Integral, 1, None, "left")],
    "screening": [bool, np.bool_],
    "random_state": [is_random_state],
}


def _check_alphas(alphas: Any) -> FloatArray:
    """Given strengths: finite, ≥ 0, at least one; returned decreasing."""
    try:
        a = as_float64(alphas).ravel()  # an integer beyond float64 (10**400): inf
    except (TypeError, ValueError):  # text, a dict, a ragged nesting
        a = np.empty(0)
    if a.size == 0 or not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InvalidParameterError(
            f"The 'alphas' parameter of path must be a non-empty sequence of finite "
            f"numbers ≥ 0 or None. Got {alphas!r:.80} instead."
        )
    return np.sort(a)[::-1].copy()


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
class _Point:
    """The solution at one strength, embedded in the full parameter space."""

    theta: FloatArray  # (n_features + fit_intercept,)
    loss: float  # mean loss (no penalty)
    grad: FloatArray  # ∇_w of the mean loss, all features
    n_iter: int
    rounds: int
    converged: bool
    z: FloatArray | None = None  # logits X w + b + offset (the column solver's)
    #: a column solve stopped short (the compiled solver warns of nothing;
    #: :func:`_warn_unconverged` does, once a path)
    unwarned: bool = False


class _Standardization:
    """Column means and inverse scales of :mod:`logistic._scaling` for every
    feature at a given L2 strength (the column solver's stopping rule)."""

    def __init__(self, objective: LogisticObjective) -> None:
        self.objective = objective
        self._l2: float | None = None
        self.mean: np.ndarray = np.zeros(0)
        self.inv_scale: np.ndarray = np.zeros(0)

    def at(self, l2: float) -> tuple[FloatArray, FloatArray]:
        if l2 != self._l2:
            obj = self.objective
            old = obj.l2
            try:
                obj.l2 = l2  # ScaledObjective reads l2 when built, nothing else
                view = ScaledObjective(obj, moments=obj.column_moments())
            finally:
                obj.l2 = old
            self.mean, self.inv_scale, self._l2 = view.mean, view.inv_scale, l2
        return self.mean, self.inv_scale


class _PathSolver:
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
        mean, inv_scale = self.standardization.at(l2)
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
            view=ScaledObjective(objective),
        )
        return result.coef, int(result.n_iter), bool(result.converged)

    def null_model(self) -> _Point:
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
        return _Point(theta, loss, grad, 0, 1, True)

    def point(self, alpha: float, alpha_prev: float, prev: _Point) -> _Point:
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
        return _Point(theta, loss, grad, n_iter, rounds, ok, z, unwarned)


_WEIGHTS = threading.local()


@contextmanager
def weights_warned() -> Iterator[None]:
    """Within, :func:`path` in this thread does not warn of its weights'
    range: a cross-validation warns of the whole data's once, and each fold's
    weights are a part of them."""
    before = getattr(_WEIGHTS, "warned", False)
    _WEIGHTS.warned = True
    try:
        yield
    finally:
        _WEIGHTS.warned = before


def path(
    X: Any,
    y: Any,
    alphas: Any = None,
    *,
    l1_ratio: float = 1.0,
    n_alphas: int = 100,
    eps: float | None = None,
    sample_weight: Any = None,
    class_weight: Any = None,
    offset: Any = None,
    fit_intercept: bool = True,
    solver: str = "auto",
    tol: float | None = None,
    max_iter: int = 1000,
    screening: bool = True,
    random_state: Any = None,
) -> PathResult:
    """Fit logistic regressions along a decreasing sequence of penalty strengths.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), two distinct labels
    alphas : array-like of float ≥ 0 or None, default=None
        Strengths on the mean-loss scale (sorted decreasing). None: the
        default sequence from ``alpha_max`` to ``alpha_max·eps``.
    l1_ratio : float in [0, 1], default=1.0
        1 is the lasso, 0 ridge, in between the elastic net.
    n_alphas : int ≥ 1, default=100
        Length of the default sequence.
    eps : float in (0, 1) or None, default=None
        ``alpha_min / alpha_max`` of the default sequence; None: 1e-4 when
        n_samples > n_features, else 1e-2 (glmnet).
    sample_weight, offset : array-like of shape (n_samples,), optional
    class_weight : dict, "balanced" or None
        Multiplies the sample weights, as in ``LogisticRegression``.
    fit_intercept : bool, default=True
    solver : str, default="auto"
        "auto": the path's own column solver (compiled coordinate descent on
        X's columns, see the module docstring); a registered solver's name:
        that solver on each restricted problem (slower; the reference).
    tol : float ≥ 0 or None, default=None
        The solvers' stopping tolerance (None: their default for X's dtype).
    max_iter : int ≥ 1, default=1000
        Iterations allowed at each point.
    screening : bool, default=True
        Use the strong rule with a KKT check (only with an L1 part); False
        solves every point on all columns (same solutions, slower when wide).
    random_state : int ≥ 0, numpy Generator or RandomState, or None
        The seed of a stochastic solver (``solver="sgd"``), given to the
        solve of every point: an int makes the path reproducible.

    Returns
    -------
    PathResult

    Examples
    --------
    >>> import numpy as np
    >>> from logistic import datasets, path
    >>> X, y, names = datasets.load_ucla_admissions()
    >>> result = path(X, y, n_alphas=10)
    >>> result.coefs.shape, int(result.n_nonzero[0])
    ((10, 5), 0)
    """
    params = {
        "l1_ratio": l1_ratio, "n_alphas": n_alphas, "eps": eps,
        "fit_intercept": fit_intercept, "class_weight": class_weight,
        "solver": solver, "tol": tol, "max_iter": max_iter, "screening": screening,
        "random_state": random_state,
    }  # fmt: skip
    validate_params("path", params, _CONSTRAINTS)
    check_rows_aligned(X, y=y, sample_weight=sample_weight, offset=offset)
    with hand_off_scope():  # X's structure checked once, for this path's backend
        data = check_fit_data(
            X, y, sample_weight, offset, class_weight=class_weight, estimator="path",
            multiclass_hint=CROSS_VALIDATE_K_CLASSES,
        )  # fmt: skip
        if not getattr(_WEIGHTS, "warned", False):
            warn_weight_span(data.sample_weight)
        ps = _PathSolver(
            data,
            l1_ratio=l1_ratio,
            fit_intercept=bool(fit_intercept),
            solver=solver,
            tol=tol,
            max_iter=max_iter,
            screening=screening,
            random_state=random_state,
        )
    null = ps.null_model()
    top = alpha_max(null.grad, l1_ratio)
    return _run(ps, null, top, alphas, n_alphas, eps)


def null_alpha_max(data: FitData, l1_ratio: float, fit_intercept: bool) -> float:
    """``alpha_max`` of validated data (the start of the default sequence)."""
    ps = _PathSolver(
        data, l1_ratio=l1_ratio, fit_intercept=fit_intercept, solver="auto",
        tol=None, max_iter=1000, screening=False,
    )  # fmt: skip
    return alpha_max(ps.null_model().grad, l1_ratio)


def _run(
    ps: _PathSolver, null: _Point, top: float, alphas: Any, n_alphas: int,
    eps: float | None,
) -> PathResult:  # fmt: skip
    """The points of the sequence, each warm-started from the previous one."""
    data, l1_ratio = ps.columns.data, ps.l1_ratio
    if alphas is None:
        n, p = data.X.shape
        check_grid_points("path", "n_alphas", int(n_alphas), p)
        e = default_eps(n, p) if eps is None else float(eps)
        grid = default_alphas(top, int(n_alphas), e)
    else:
        grid = _check_alphas(alphas)
    points, prev, a_prev = [], null, max(top, float(grid[0]))
    # all zero from max|g|/l1_ratio up (KKT at w = 0): above top if l1_ratio < 1e-3
    zero_from = alpha_max(null.grad, 1.0) / l1_ratio if l1_ratio > 0 else np.inf
    for a in grid:
        if a >= zero_from:
            pt = _Point(null.theta, null.loss, null.grad, 0, 0, True)
        else:
            pt = ps.point(float(a), a_prev, prev)
        points.append(pt)
        prev, a_prev = pt, float(a)
    _warn_unconverged(grid, points, ps.max_iter)
    if grid[-1] == 0:  # unpenalized: warned of separation as LogisticRegression is
        w, ok = points[-1].theta, points[-1].converged
        b = float(w[-1]) if ps.fit_intercept else 0.0
        warn_separation(
            data.X, data.y01, data.sample_weight, w[: ps.p], b, data.offset,
            data.names, fit_intercept=ps.fit_intercept, converged=ok,
        )  # fmt: skip
    return _collect(grid, points, null, ps, top)


def _warn_unconverged(grid: FloatArray, points: list[_Point], max_iter: int) -> None:
    """One :class:`ConvergenceWarning` for the points whose column solves
    stopped short: the solvers of :func:`solve` warn of their own fits, the
    compiled column solver of none, and a path (or a cross-validation that
    picks a strength from it) must not stop short silently."""
    short = [i for i, pt in enumerate(points) if pt.unwarned]
    if not short:
        return
    import warnings

    from ._exceptions import ConvergenceWarning, user_stacklevel

    shown = ", ".join(f"{grid[i]:.4g}" for i in short[:5])
    more = f", … and {len(short) - 5} more" if len(short) > 5 else ""
    warnings.warn(
        f"path: {len(short)} of {len(points)} fits did not converge within "
        f"max_iter={max_iter} (alpha = {shown}{more}): their coefficients stop "
        "short of the optimum. Raise max_iter, or loosen tol.",
        ConvergenceWarning,
        stacklevel=user_stacklevel(),
    )


def _collect(
    grid: FloatArray, points: list[_Point], null: _Point, ps: _PathSolver, top: float
) -> PathResult:
    p = ps.p
    thetas = np.array([pt.theta for pt in points]).reshape(len(points), -1)
    coefs = thetas[:, :p]
    intercepts = thetas[:, p] if ps.fit_intercept else np.zeros(len(points))
    losses = np.array([pt.loss for pt in points])
    l1 = grid * ps.l1_ratio
    l2 = grid * (1.0 - ps.l1_ratio)
    objective = (
        losses
        + l1 * np.abs(coefs).sum(axis=1)
        + 0.5 * l2 * np.einsum("ij,ij->i", coefs, coefs)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = 1.0 - losses / null.loss if null.loss > 0 else np.zeros_like(losses)
    return PathResult(
        alphas=np.asarray(grid, dtype=np.float64),
        coefs=coefs,
        intercepts=np.asarray(intercepts, dtype=np.float64),
        deviance_ratio=ratio,
        n_nonzero=np.count_nonzero(coefs, axis=1),
        n_iter=np.array([pt.n_iter for pt in points], dtype=np.int64),
        n_kkt_rounds=np.array([pt.rounds for pt in points], dtype=np.int64),
        converged=np.array([pt.converged for pt in points], dtype=bool),
        objective=objective,
        alpha_max=float(top),
        l1_ratio=float(ps.l1_ratio),
        weight_sum=float(ps.full.weight_sum),
        classes=np.asarray(ps.columns.data.classes),
    )
