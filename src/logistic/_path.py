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
strong rule proposes the features that can be non-zero; the problem is solved
on those columns only, and the discarded features are checked against the
KKT condition with one ``Xᵀr`` over them, violators added and the problem
solved again, so every point is the solution of the full problem. Wide L1
paths thus touch only the active columns, plus one ``Xᵀr`` over the others
per point. The points and their restricted solves (the compiled column
solver for ``solver="auto"``, a registered solver otherwise) are
:mod:`logistic._path_solver`'s; this module checks the parameters, builds
the sequence, walks it and collects the :class:`PathResult`.

Sample weights, class weights and offsets enter as in
:class:`logistic.LogisticRegression` (class weights multiply the sample
weights; the null model fits the intercept with the offset held fixed).
"""

from __future__ import annotations

import numbers
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

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
from ._path_result import PathResult
from ._path_solver import PathSolver, Point
from ._row_alignment import check_rows_aligned
from ._separation import warn_separation
from ._sparse_structure import hand_off_scope
from ._strong_rules import (
    alpha_max,
    check_grid_points,
    default_alphas,
    default_eps,
)
from ._typing import FloatArray
from ._validation import FitData, check_fit_data

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
        n_samples ≥ n_features, else 1e-2 (glmnet).
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
    from .backends.array_api import host_array  # device arrays: a host copy

    X, y, sample_weight, offset = map(host_array, (X, y, sample_weight, offset))
    check_rows_aligned(X, y=y, sample_weight=sample_weight, offset=offset)
    with hand_off_scope():  # X's structure checked once, for this path's backend
        data = check_fit_data(
            X, y, sample_weight, offset, class_weight=class_weight, estimator="path",
            multiclass_hint=CROSS_VALIDATE_K_CLASSES, binary_only="path",
        )  # fmt: skip
        if not getattr(_WEIGHTS, "warned", False):
            warn_weight_span(data.sample_weight)
        ps = PathSolver(
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
    ps = PathSolver(
        data, l1_ratio=l1_ratio, fit_intercept=fit_intercept, solver="auto",
        tol=None, max_iter=1000, screening=False,
    )  # fmt: skip
    return alpha_max(ps.null_model().grad, l1_ratio)


def _run(
    ps: PathSolver, null: Point, top: float, alphas: Any, n_alphas: int,
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
            pt = Point(null.theta, null.loss, null.grad, 0, 0, True)
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


def _warn_unconverged(grid: FloatArray, points: list[Point], max_iter: int) -> None:
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
    grid: FloatArray, points: list[Point], null: Point, ps: PathSolver, top: float
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
        feature_names=ps.columns.data.names,
    )
