"""Konis's linear programs for separation in a binary fit (scipy's HiGHS).

:func:`lp_report` decides whether the rows of positive weight are
(quasi-)completely separated: the direction ``β`` maximising ``Σ_i t_i a_i·β``
with every ``t_i a_i·β ≥ 0`` and ``|β_j| ≤ 1`` (columns scaled by their
max-abs) is nonzero exactly when they are; where rows sit on the boundary, a
direction separating every row (complete) or one of least L1 norm
(quasi-complete, few features to read) is reported: a single column where
one separates on its own (:func:`_single_column`, one read of the rows: no
direction names fewer features), else the least-L1 program's. Where a single
column separates and a point is seen with both classes (no direction
separates every row), no program runs (a9a, 2 busy cores: the check took
5.5 s, 5.2 of them in the two programs; now 0.3 s). The programs get
``LP_SECONDS`` in all (HiGHS's ``time_limit``): one that runs out raises
:class:`LPCutShort` (the caller falls back to the fitted logits and says so);
once a separation is found, the describing programs are skipped when time is
up. The programs hold each distinct constraint once, rows met with both
signs (a point of both classes) as equalities (:func:`_distinct_constraints`):
the same programs, a quarter smaller on a9a. :mod:`logistic._separation`
decides when they run.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any, NamedTuple

import numpy as np

from ._exceptions import user_stacklevel
from ._sparse import issparse

__all__ = [
    "LP_SECONDS",
    "MAX_LP_NONZEROS",
    "LPCutShort",
    "SeparationReport",
    "lp_design",
    "lp_direction",
    "lp_report",
    "strict_margin",
    "warn_cut_short",
]

MAX_LP_NONZEROS = 5_000_000
#: Seconds the separation LPs may take in all, a fit's check (HiGHS's
#: ``time_limit``): 100 000 × 5 000 sparse rows at 0.1 % take ~3 s, 100 000 ×
#: 15 000 more than 8 minutes.
LP_SECONDS = 20.0
#: A row is strictly on its side only with a margin beyond this many times
#: the largest violation of the LP's solution (:func:`strict_margin`).
VIOLATION_FACTOR = 10.0


class SeparationReport(NamedTuple):
    """What separates the classes.

    Attributes
    ----------
    kind : {"complete", "quasi-complete"}
    coef : ndarray of shape (n_features,)
        Separating direction on the original feature scale, max-norm 1
        (positive values push towards ``classes_[1]``).
    intercept : float
        Its intercept (0 without one).
    n_separated : int
        Rows (with positive weight) strictly on their class's side.
    n_boundary : int
        Rows on the separating hyperplane (0 for complete separation).
    """

    kind: str
    coef: np.ndarray
    intercept: float
    n_separated: int
    n_boundary: int


def lp_design(X: Any, keep: np.ndarray, fit_intercept: bool) -> tuple[Any, np.ndarray]:
    """Active rows of ``[X, 1]``, columns scaled by their max-abs."""
    if issparse(X):
        import scipy.sparse as sp  # X is sparse: scipy.sparse is loaded

        Xa = sp.csr_matrix(X)[keep].astype(np.float64)
        scale = np.asarray(abs(Xa).max(axis=0).todense()).ravel()
        scale = np.where(scale > 0, scale, 1.0)
        D = Xa @ sp.diags(1.0 / scale)
        if fit_intercept:
            D = sp.hstack([D, np.ones((D.shape[0], 1))], format="csr")
    else:
        Xa = np.asarray(X, dtype=np.float64)[keep]
        scale = np.max(np.abs(Xa), axis=0) if Xa.shape[0] else np.ones(Xa.shape[1])
        scale = np.where(scale > 0, scale, 1.0)
        D = Xa / scale
        if fit_intercept:
            D = np.hstack([D, np.ones((D.shape[0], 1))])
    return D, scale


class LPCutShort(Exception):
    """The separation LPs ran out of their time, ``seconds`` (``LP_SECONDS``
    when :func:`lp_report` raises it)."""

    def __init__(self, seconds: float = 0.0) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def _linprog(deadline: float, *args: Any, **kwargs: Any) -> Any:
    """scipy's HiGHS ``linprog`` with the time left until ``deadline``
    (``time.monotonic``); :class:`LPCutShort` when none is left or HiGHS
    stops at its limit."""
    import time

    from scipy.optimize import linprog

    left = deadline - time.monotonic()
    if left <= 0:
        raise LPCutShort
    res = linprog(*args, method="highs", options={"time_limit": left}, **kwargs)
    if res.status == 1:  # HiGHS's iteration or time limit
        raise LPCutShort
    return res


class _Constraints(NamedTuple):
    """The LP's rows ``A β ≥ 0``, each distinct one once.

    ``ineq``: rows met by only one orientation (``r`` without ``-r``), each
    with ``counts`` (how many rows of A it stands for, all on its side);
    ``eq``: rows met with both orientations, ``r β ≥ 0`` and ``-r β ≥ 0``,
    so ``r β = 0`` (a point of both classes, or a row and its negation); rows
    of zeros (``0 ≥ 0``) are left out. The feasible set is A's, and
    ``counts @ ineq`` is ``Σ_i A_i`` on it (each equality's rows add ``r β``
    and ``-r β`` as often as they occur there: a multiple of ``r β = 0``)."""

    ineq: Any
    counts: np.ndarray
    eq: Any


def _distinct_constraints(A: Any) -> _Constraints:
    """A's rows as :class:`_Constraints`: each row scaled by the sign of its
    first nonzero, grouped by two fixed random projections and its number of
    nonzeros, every row then compared exactly with its group's first (float
    values are equal exactly when their difference is 0); a collision of two
    different rows in one group, which the comparison catches, leaves every
    row as it is."""
    import scipy.sparse as sp

    sparse = issparse(A)
    if sparse:
        A = sp.csr_matrix(A, dtype=np.float64, copy=True)
        A.eliminate_zeros()
        A.sort_indices()
        nnz = np.diff(A.indptr)
        head = np.zeros(A.shape[0])
        head[nnz > 0] = A.data[A.indptr[:-1][nnz > 0]]
    else:
        A = np.asarray(A, dtype=np.float64)
        nnz = np.count_nonzero(A, axis=1)
        firsts = np.argmax(A != 0, axis=1)
        head = A[np.arange(A.shape[0]), firsts]
    if A.shape[0] == 0:
        return _Constraints(A, np.zeros(0), A)
    orient = np.where(nnz > 0, np.sign(head), 0.0)
    C = sp.diags(orient) @ A if sparse else A * orient[:, None]
    rng = np.random.default_rng(20261207)  # fixed: the grouping is the same every run
    proj = np.asarray(C @ rng.standard_normal((A.shape[1], 2)))
    order = np.lexsort((proj[:, 1], proj[:, 0], nnz))
    keys = np.column_stack([nnz, proj])[order]
    start = np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)]
    group = np.empty(A.shape[0], dtype=np.intp)
    group[order] = np.cumsum(start) - 1
    first = order[start]  # the lowest row of each group (lexsort is stable)
    rep = first[group]
    same = (
        np.diff(sp.csr_matrix(C - C[rep]).indptr) == 0
        if sparse
        else np.all(C == C[rep], axis=1)
    )
    if not same.all():
        return _Constraints(A, np.ones(A.shape[0]), A[:0])
    live = nnz[first] > 0
    sgn = orient[:, None] == np.array([1.0, -1.0])
    sides = np.stack(
        [np.bincount(group, weights=sgn[:, j], minlength=first.size) for j in (0, 1)],
        axis=1,
    )
    both = live & (sides > 0).all(axis=1)
    one = live & ~both
    keep = np.flatnonzero(one)
    keep = keep[np.argsort(first[keep], kind="stable")]  # in the rows' order
    side = np.where(sides[keep, 0] > 0, 1.0, -1.0)
    rows = C[first[keep]]
    ineq = sp.diags(side) @ rows if sparse else rows * side[:, None]
    eqs = np.sort(first[np.flatnonzero(both)])
    return _Constraints(ineq, sides[keep].sum(axis=1), C[eqs])


def _lp_direction(D: Any, sign: np.ndarray, deadline: float) -> np.ndarray | None:
    """Maximiser of Konis's LP, or None when the optimum is 0 (MLE exists);
    :class:`LPCutShort` when it could not be solved in time. Once it has
    found a separation, the LPs that describe it (complete, sparsest) are
    skipped when the time is up: Konis's direction is reported. A single
    separating column (:func:`_single_column`) stands for the sparsest
    program, and where an equality shows that no direction separates every
    row, for Konis's program too: it proves the separation, and Konis's
    optimum would only lead to the sparsest program.

    The programs see each distinct constraint once (:func:`_distinct_constraints`:
    the same feasible set and, on it, the same objective, so the same
    optimum), rows met with both orientations as equalities; where there is
    one, no direction separates every row, and the complete direction's LP
    is not run."""
    import scipy.sparse as sp

    A = sp.diags(sign) @ sp.csr_matrix(D) if sp.issparse(D) else D * sign[:, None]
    rows = _distinct_constraints(A)
    U, E = rows.ineq, rows.eq
    single = _single_column(rows)
    if single is not None and E.shape[0]:
        # separated (the column) and not completely (E's rows lie on every
        # direction's boundary): Konis's program would find a separation,
        # the complete one would not run, and this is the sparsest direction
        return single
    c = -np.asarray(U.T @ rows.counts).ravel()
    res = _linprog(
        deadline,
        c,
        A_ub=-U,
        b_ub=np.zeros(U.shape[0]),
        bounds=(-1.0, 1.0),
        **_equalities(E),
    )
    if res.status != 0 or -res.fun <= 1e-9 * A.shape[0]:
        return None
    beta = res.x
    on_eq = np.asarray(E @ beta).ravel()
    margins = np.concatenate([np.asarray(U @ beta).ravel(), on_eq, -on_eq])
    strict = strict_margin(margins)
    if margins.min() < -1e-7 or margins.max() <= strict:
        return None
    if margins.min() <= strict:
        with contextlib.suppress(LPCutShort):
            complete = None if E.shape[0] else _complete_direction(U, deadline)
            if complete is not None:
                return complete
            if single is not None:
                return single
            sparse = _sparsest_direction(rows, deadline)
            return beta if sparse is None else sparse
    return beta


def strict_margin(margins: np.ndarray, floor: float = 1e-7) -> float:
    """The margin ``t_i a_i·β`` beyond which a row of the LP's design lies
    strictly on its class's side: ``floor`` (HiGHS's primal feasibility
    tolerance, 1e-7, which the programs' solutions may violate by) or
    ``VIOLATION_FACTOR`` times the largest violation ``-min(margins, 0)``,
    the larger. A genuine separating direction has no violation beyond
    rounding (at most 2.2e-16 against margins of 0.5 and more on the
    separation tests' designs); one whose rows sit on both sides at the
    tolerance's level (a near-aliased column, ``x3 = x1 + x2 + 1e-7·noise``:
    violations of 9e-8 against margins of at most 1.1e-7) is a direction in
    which the columns are nearly collinear, the aliasing check's business,
    not a separation: margins no larger than its violations vouch for no
    side."""
    violation = max(0.0, -float(np.min(margins, initial=0.0)))
    return max(floor, VIOLATION_FACTOR * violation)


def _equalities(E: Any, copies: int = 1) -> dict[str, Any]:
    """``linprog``'s ``A_eq``/``b_eq`` for ``E β = 0`` with β given as
    ``copies`` blocks of columns (``β⁺ - β⁻``: 2, the blocks E and -E);
    none when E has no rows."""
    import scipy.sparse as sp

    if not E.shape[0]:
        return {}
    if copies == 2:
        E = sp.hstack([E, -E], format="csr") if sp.issparse(E) else np.hstack([E, -E])
    return {"A_eq": E, "b_eq": np.zeros(E.shape[0])}


def _single_column(rows: _Constraints) -> np.ndarray | None:
    """The one-column direction ``±e_j/w_j`` of largest weight ``w_j``, or None
    where no single column separates.

    Column j separates on its own when it is zero on every equality (a point
    of both classes) and of one sign, not all 0, on the inequalities: ``±e_j``
    then has every ``Aβ ≥ 0`` and some ``> 0`` (one read of the rows, O(nnz)).
    No direction reads fewer features, so it is the sparsest direction where
    one exists; among several, the one :func:`_sparsest_direction`'s program
    prefers among single columns, ``w_j = |Σ_i counts_i A_ij|`` largest (its
    L1 norm is ``1/w_j`` at ``Σ(Aβ) = 1``; on binary columns, the one on the
    most rows), the first of equal weights."""
    U, E = rows.ineq, rows.eq
    k = U.shape[1]
    if not U.shape[0]:
        return None
    if issparse(U):
        high = U.max(axis=0).toarray().ravel()
        low = U.min(axis=0).toarray().ravel()
    else:
        high, low = U.max(axis=0), U.min(axis=0)
    if E.shape[0]:
        on_eq = abs(E).max(axis=0)
        free = np.asarray(on_eq.toarray() if issparse(on_eq) else on_eq).ravel() == 0
    else:
        free = np.ones(k, dtype=bool)
    up = free & (low >= 0) & (high > 0)
    down = free & (high <= 0) & (low < 0)
    if not (up.any() or down.any()):
        return None
    weight = np.abs(np.asarray(U.T @ rows.counts, dtype=np.float64).ravel())
    weight[~(up | down)] = 0.0
    j = int(np.argmax(weight))
    beta = np.zeros(k)
    beta[j] = (1.0 if up[j] else -1.0) / weight[j]
    return beta


def _sparsest_direction(rows: _Constraints, deadline: float) -> np.ndarray | None:
    """A quasi-separating direction of least L1 norm (few features, easy to read).

    ``min Σ|β_j|`` subject to ``Aβ ≥ 0`` and ``Σ_i (Aβ)_i ≥ 1``, with
    ``β = β⁺ − β⁻``; it exists whenever Konis's LP found a separation.
    """
    import scipy.sparse as sp

    A = rows.ineq
    n, k = A.shape
    As = sp.csr_matrix(A)
    total = np.asarray(As.T @ rows.counts).ravel()
    A_ub = sp.vstack(
        [sp.hstack([-As, As]), sp.csr_matrix(np.r_[-total, total][None, :])],
        format="csr",
    )
    b_ub = np.r_[np.zeros(n), -1.0]
    res = _linprog(
        deadline,
        np.ones(2 * k),
        A_ub=A_ub,
        b_ub=b_ub,
        bounds=(0, None),
        **_equalities(rows.eq, 2),
    )
    if res.status != 0:
        return None
    return res.x[:k] - res.x[k:]


def _complete_direction(A: Any, deadline: float) -> np.ndarray | None:
    """Direction maximising the smallest margin ``t`` (complete separation if t > 0).

    Falls back to None when ``t`` is 0 (quasi-complete separation only).
    """
    import scipy.sparse as sp

    n, k = A.shape
    ones = np.ones((n, 1))
    A_ub = (
        sp.hstack([-sp.csr_matrix(A), sp.csr_matrix(ones)], format="csr")
        if sp.issparse(A)
        else np.hstack([-A, ones])
    )
    c = np.zeros(k + 1)
    c[-1] = -1.0
    bounds = [(-1.0, 1.0)] * k + [(0.0, 1.0)]
    res = _linprog(deadline, c, A_ub=A_ub, b_ub=np.zeros(n), bounds=bounds)
    if res.status != 0 or res.x[-1] <= 1e-7:
        return None
    return res.x[:k]


def lp_report(
    X: Any, y01: np.ndarray, keep: np.ndarray, fit_intercept: bool
) -> SeparationReport | None:
    """What separates the rows ``keep`` of a binary fit (labels ``y01``), or
    None when nothing does; :class:`LPCutShort` when the programs run out of
    ``LP_SECONDS``."""
    D, scale = lp_design(X, keep, fit_intercept)
    sign = 2.0 * y01[keep] - 1.0
    beta = lp_direction(D, sign)
    if beta is None:
        return None
    p = scale.shape[0]
    coef = beta[:p] / scale
    intercept = float(beta[p]) if fit_intercept else 0.0
    margins = sign * np.asarray(D @ beta).ravel()
    tol = strict_margin(margins, 1e-7 * max(1.0, float(np.max(np.abs(margins)))))
    n_sep = int(np.sum(margins > tol))
    n_bound = int(keep.sum()) - n_sep
    norm = max(float(np.max(np.abs(coef), initial=0.0)), abs(intercept), 1e-300)
    coef, intercept = coef / norm, intercept / norm
    coef[np.abs(coef) < 1e-10] = 0.0
    kind = "complete" if n_bound == 0 else "quasi-complete"
    return SeparationReport(kind, coef, intercept, n_sep, n_bound)


def lp_direction(D: Any, sign: np.ndarray) -> np.ndarray | None:
    """:func:`_lp_direction` with ``LP_SECONDS`` from now (:func:`lp_report`'s
    and the K-class check's program); :class:`LPCutShort` when it runs out."""
    import time

    try:
        return _lp_direction(D, sign, time.monotonic() + LP_SECONDS)
    except LPCutShort:
        raise LPCutShort(LP_SECONDS) from None


def warn_cut_short(shape: tuple[int, ...], seconds: float) -> None:
    """Say that the exact check was stopped after ``seconds``: only complete
    separation is recognised (from the fitted logits) for this fit."""
    rows, columns = shape
    warnings.warn(
        f"the separation check's linear program on {rows:,} × {columns:,} was "
        f"stopped after {seconds:g} s: quasi-complete separation is not ruled "
        "out (complete separation is still recognised from the fitted logits); "
        "if the estimates are very large, add a penalty (penalty='l2' with "
        "alpha > 0 or C) or use penalty='firth'",
        UserWarning,
        stacklevel=user_stacklevel(),
    )
