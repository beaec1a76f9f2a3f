"""Detection of (quasi-)complete separation for unpenalised fits.

Convention: with labels ``y ∈ {0, 1}`` mapped to signs ``t = 2y - 1`` and
``x̃ = [x, 1]`` (no 1 without an intercept), the maximum-likelihood estimate
of a logistic regression does not exist exactly when some ``β ≠ 0`` has

    t_i x̃_iᵀ β ≥ 0 for every row with positive weight, and > 0 for at least one

(Albert & Anderson 1984). All inequalities strict is *complete* separation;
otherwise *quasi-complete*. We decide it with the linear program of Konis
(2007, R package ``safeBinaryRegression``):

    maximise Σ_i t_i x̃_iᵀ β   subject to  t_i x̃_iᵀ β ≥ 0,  -1 ≤ β_j ≤ 1

on columns scaled by their max-abs (so the box does not favour large
features; sparse X stays sparse). The optimum is 0 when the MLE exists and
positive otherwise, and the maximiser is the separating direction that the
warning reports. Offsets do not change existence and are ignored; rows with
zero weight are dropped.

The LP costs more than a fit, so a cheap certificate runs first. For an
unpenalised objective with rows ``a_i`` (standardized coordinates), weights
``ω_i``, gradient ``∇`` and Hessian ``H`` at any point, a separating direction
``d`` has ``∇·d = -Σ ω_i σ(-m_i)|a_i·d|`` (every term on one side) and
``dᵀHd = Σ ω_i σ(m_i)σ(-m_i)(a_i·d)² ≤ |∇·d| max_i |a_i·d|``, so

    λ_min(H) ≤ ‖∇‖₂ · R,    R = max_i ‖a_i‖₂.

A fit whose smallest curvature exceeds ``‖∇‖₂ R`` (and the rounding floor
``CERTAIN_CURVATURE``) is therefore not separated, however many rows it has
and however far its solver pushed the coefficients (a rule on fitted logits
alone is not: the mean-gradient stopping rule stops a separated fit at smaller
logits the more rows there are, ~19 at 40 000 rows against ~23 at 400). ``R``
is bounded by the rows' scaled norms (one read of X, as ``X w``); ``H`` and
``∇`` are those Newton kept at its last exact step, else one pass (the Hessian
from every k-th block of rows when X holds more than ``CERTIFICATE_VALUES``
values, the bound then scaled by k); flat directions along which the data are
collinear are set aside (:func:`curvature_certificate`). Otherwise the LP decides,
when it holds at most ``MAX_LP_NONZEROS`` values. Without the certificate (more
than 2000 parameters) the LP runs only when the fit looks divergent: it did not
converge, or some row has a fitted logit on its correct side beyond
``SEPARATION_TRIGGER_LOGIT`` (:mod:`logistic._numerics`). Problems larger than
``MAX_LP_NONZEROS`` use the fitted logits (statsmodels' criterion: every
fitted logit beyond ``SEPARATION_ALL_LOGIT``, a probability within ``1e-8`` of
its label, means complete separation) and single columns
(:mod:`._separation_columns`: a one-hot level seen with one class only).
The LPs (:mod:`._separation_lp`) get ``LP_SECONDS`` in all (HiGHS's time
limit: a wide sparse design of 1.5 million values took more than 8
minutes); one cut short leaves the fitted-logit criterion and single
columns, and without a separation there the fit's verdict is
``"unchecked"`` (inference's rule on fitted logits then applies), with a
warning that quasi-complete separation was not ruled out.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._exceptions import PerfectSeparationWarning, user_stacklevel
from ._feature_names import positional_names
from ._messages import short_text
from ._numerics import (
    CERTAIN_CURVATURE,
    SEPARATION_ALL_LOGIT,
    SEPARATION_TRIGGER_LOGIT,
)
from ._separation_columns import column_report
from ._separation_lp import (
    MAX_LP_NONZEROS,
    LPCutShort,
    SeparationReport,
    lp_report,
    warn_cut_short,
)
from ._separation_stop import stopped_by_separation
from ._sparse import issparse

__all__ = [
    "SeparationReport",
    "check_separation",
    "curvature_certificate",
    "detect_separation",
    "separation_message",
    "warn_separation",
]

#: Values of X (rows × columns) whose Hessian the certificate forms: every
#: k-th row of larger data.
CERTIFICATE_VALUES = 4_000_000
#: At most this many flat directions of the Hessian (curvature at most
#: ``CERTAIN_CURVATURE``) are checked for collinearity (``A v = 0``), each with
#: one product ``X v``; more leave the decision to the LP.
MAX_NULL_DIRECTIONS = 8
#: ``max_i |a_i·v| ≤ NULL_TOL · R`` for a unit v: collinear columns (rounding).
NULL_TOL = 1e-9
#: OpenBLAS's ``eigh`` threads matrices from this many rows on (OpenBLAS
#: 0.3.31 on a Zen 3: from between 24 and 29 rows; 29 × 29 took 0.9 ms of
#: the caller's CPU and 1.1 ms of another thread's instead of 0.19 ms on
#: one thread); on two busy cores its threads spin-waiting for each other
#: made a 63 × 63 ``eigh`` take 25–70 ms instead of 0.2 ms (load 4), so from
#: this size on it runs on one thread (as Newton's Cholesky does up to 2048
#: rows, more than the certificate's 2000 parameters).
THREADED_EIGH_ROWS = 16


def _linear_predictor(X: Any, coef: np.ndarray) -> np.ndarray:
    """``X @ coef`` in float64: scipy's product for sparse X; for dense X
    numpy's ``einsum`` loop on this thread rather than BLAS, whose
    multithreaded ``gemv`` of a few MB waits on its second thread (30k × 23
    on the 2-core machine at load 4: 8 ms against einsum's 0.3 ms; at 400k ×
    100, 45 ms against 37 ms)."""
    coef = np.asarray(coef, dtype=np.float64)
    if issparse(X):
        return np.asarray(X @ coef).ravel()
    return np.einsum("ij,j->i", X, coef)


def detect_separation(
    X: Any,
    y01: np.ndarray,
    sample_weight: np.ndarray | None,
    coef: np.ndarray,
    intercept: float,
    offset: np.ndarray | None = None,
    *,
    fit_intercept: bool = True,
    converged: bool = True,
    certified: Callable[[], bool | None] | None = None,
    cut_short: LPCutShort | None = None,
) -> SeparationReport | None:
    """Check an unpenalised fit for (quasi-)complete separation.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y01 : ndarray of shape (n_samples,), labels in {0, 1}
    sample_weight : ndarray of shape (n_samples,) or None
    coef, intercept : the fitted coefficients (used for the cheap trigger)
    offset : ndarray of shape (n_samples,) or None
    fit_intercept : bool
    converged : bool
        Whether the solver met its stopping rule.
    certified : callable or None
        ``certified()`` → True when the curvature at the fit proves that no
        separating direction exists (:func:`curvature_certificate`), False
        when it does not, None when it cannot be evaluated. Without it (None,
        or returning None) the LP runs only for a fit that looks divergent.
    cut_short : LPCutShort or None
        The LP on these rows already ran out of ``LP_SECONDS`` (in the fit's
        separation stopping rule): it is not run again, the fitted logits
        and single columns decide as for an LP cut short here.

    Returns
    -------
    SeparationReport or None
        None when the data are not separated (the MLE exists).

    Raises
    ------
    LPCutShort
        The linear program ran out of ``LP_SECONDS`` and the fitted logits
        show no complete separation: the check is inconclusive.
    """
    verdict = certified() if certified is not None else None
    if verdict:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        margins = _linear_predictor(X, coef)  # a new array: summed in place
        margins += intercept
        if offset is not None:
            margins += offset
        margins *= 2.0 * y01 - 1.0  # t_i z_i
    if sample_weight is None:
        keep = np.ones(y01.shape[0], bool)
    else:
        keep = sample_weight > 0
        margins = margins[keep]
    if verdict is None and converged and not (margins > SEPARATION_TRIGGER_LOGIT).any():
        return None
    nnz = X.nnz if issparse(X) else X.shape[0] * X.shape[1]
    if nnz <= MAX_LP_NONZEROS:
        try:
            if cut_short is not None:  # the program ran out of time before
                raise cut_short
            return lp_report(X, y01, keep, fit_intercept)
        except LPCutShort:
            found = _complete_by_logits(margins, coef, intercept, keep)
            found = found or column_report(X, y01, keep)
            if found is None:
                raise
            return found
    found = _complete_by_logits(margins, coef, intercept, keep)
    return found or column_report(X, y01, keep)


def _complete_by_logits(
    margins: np.ndarray, coef: Any, intercept: float, keep: np.ndarray
) -> SeparationReport | None:
    """Complete separation from the fitted logits alone (statsmodels'
    criterion: every margin beyond ``SEPARATION_ALL_LOGIT``), else None."""
    if np.all(margins > SEPARATION_ALL_LOGIT):
        norm = max(float(np.max(np.abs(coef), initial=0.0)), 1e-300)
        return SeparationReport(
            "complete", np.asarray(coef) / norm, intercept / norm, int(keep.sum()), 0
        )
    return None


def separation_message(
    report: SeparationReport,
    names: Sequence[str] | None = None,
    top: int = 8,
    *,
    converged: bool = True,
    stopped: int | None = None,
) -> str:
    """The text of :class:`PerfectSeparationWarning` for ``report``; a fit
    that did not ``converged`` is told that the separation is why (its
    :class:`ConvergenceWarning`, issued before the check, may have named
    slow convergence and more iterations); one that the separation stopping
    rule ended at iteration ``stopped`` is told where and why."""
    labels = (
        list(names)
        if names is not None
        else positional_names(report.coef.shape[0])  # as summaries
    )
    # the linear predictor's name: one no feature has
    taken = set(labels)
    usual = ("z", "eta", "lp", "score")
    spare = (f"z{k}" for k in itertools.count(1))
    z = next(n for n in itertools.chain(usual, spare) if n not in taken)
    order = np.argsort(-np.abs(report.coef), kind="stable")
    terms = [  # names from the data, each cut to a readable length
        f"{report.coef[j]:+.4g}*{short_text(str(labels[j]))}"
        for j in order[:top]
        if report.coef[j] != 0
    ]
    if len([j for j in order if report.coef[j] != 0]) > top:
        terms.append("...")
    if report.intercept != 0:
        terms.append(f"{report.intercept:+.4g}")
    direction = " ".join(terms) if terms else "0"
    where = (
        "every sample lies strictly on its class's side"
        if report.kind == "complete"
        else f"{report.n_separated} samples lie strictly on their class's side and "
        f"{report.n_boundary} on the boundary"
    )
    if stopped is not None:
        why = (
            f" The fit stopped at iteration {stopped}, once the fitted "
            f"probabilities of the samples on their class's side were within "
            f"1e-08 of their labels and the deviance had settled: more "
            f"iterations cannot help."
        )
    elif converged:
        why = ""
    else:
        why = " This is why the fit did not converge: more iterations cannot help."
    return (
        f"{report.kind.capitalize()} separation: the linear predictor "
        f"{z} = {direction} separates the classes ({z} > 0 for classes_[1], {z} < 0 "
        f"for classes_[0]; {where}). The maximum-likelihood estimate does not exist "
        f"and the fitted coefficients grow without bound along this direction.{why} "
        f"Add a penalty (penalty='l2' with alpha > 0 or C) or use penalty='firth' "
        f"(Firth's bias-reduced likelihood, finite estimates)."
    )


def _max_scaled_row_norm(X: Any, inv: np.ndarray) -> float:
    """``max_i ‖x_i ⊙ inv‖₂`` (1% above): one read of X, by blocks of rows
    for dense X (``(x ⊙ x) · inv²``), ``(X ⊙ X) · inv²`` for sparse X; inf
    when a value is not finite, which no certificate passes. Each column
    is weighted by its own inverse scale: a bound by ``max_j inv_j`` alone is
    loose by the ratio of the columns' scales (credit-default: amounts in
    the 10⁵ beside 0/1 columns), too loose to certify a converged fit.
    Float32 X is summed in float32 (covered by the 1%) unless ``inv²``
    overflows there: a column of values near 1e-20 squares to 0 and its
    ``inv²`` is inf, 0 · inf is NaN, and a NaN dropped from the maximum
    would leave the bound too small; such X is taken in float64 (sparse X
    always: its squared values, one array, are made in float64)."""
    if X.shape[0] == 0:
        return 0.0
    inv2 = np.square(np.asarray(inv, dtype=np.float64))
    if issparse(X):
        sq = np.asarray(X.power(2, dtype=np.float64) @ inv2).ravel()
        top = float(np.max(sq))
        return 1.01 * math.sqrt(top) if math.isfinite(top) else math.inf
    # inv² in X's dtype (a gemv a block, float32 X stays float32) unless it
    # overflows there (a column in units near 1e-20 in float32, whose
    # squares are then at or below float32's subnormals): then float64.
    fits = float(np.max(inv2, initial=0.0)) <= float(np.finfo(X.dtype).max)
    dtype = X.dtype if fits else np.dtype(np.float64)
    weights = inv2.astype(dtype, copy=False)
    # rows of 256 KiB squared into one reused temporary (a fresh one a block
    # is an mmap that page-faults: ~250 faults, ~1 ms, in a process's first
    # unpenalized higgs fit), each gemv on one BLAS thread (OpenBLAS shares
    # a gemv of this size with a thread that then spin-waits)
    rows = max(1, (1 << 15) // max(1, X.shape[1]))
    buf = np.empty((min(rows, X.shape[0]), X.shape[1]), dtype=dtype)
    top = 0.0
    from ._blas_threads import one_blas_thread

    with one_blas_thread():
        for start in range(0, X.shape[0], rows):
            block = np.asarray(X[start : start + rows], dtype=dtype)
            sq = np.square(block, out=buf[: block.shape[0]])
            m = float(np.max(sq @ weights))
            if not math.isfinite(m):
                return math.inf
            top = max(top, m)
    return 1.01 * math.sqrt(top)


def curvature_certificate(
    objective: Any,
    theta: np.ndarray,
    X: Any,
    view: Any = None,
    equations: int = 1,
    derivatives: tuple[np.ndarray, np.ndarray] | None = None,
) -> bool | None:
    """Whether ``λ_min(H') > max(k ‖∇'‖₂ R, CERTAIN_CURVATURE)`` at θ in the
    standardized coordinates of ``view`` (module docstring: then no separating
    direction exists); None when p is large or the values overflow.

    ``equations > 1``: θ holds that many rows of ``q`` coefficients, one per
    free class of a multinomial model (:mod:`logistic._multinomial_separation`
    has its bound, ``R`` times √2), and ``view`` maps each row alike; its
    Hessian costs ``equations²`` times a binary one a row, so k is that many
    times larger (the same work).

    ``H'`` is estimated from every k-th block of rows, scaled by at most k
    (:meth:`LogisticObjective.value_gradient_hessian`, k = 1 when X holds at
    most ``CERTIFICATE_VALUES`` values): along a separating direction it is at
    most k times the full Hessian's bound, so the certificate stays exact with
    the bound scaled by k. ``R`` bounds every row's norm by
    ``‖(x_i - μ)/s‖ ≤ ‖x_i/s‖ + ‖μ/s‖`` (and the intercept's 1). Flat
    directions (curvature at most ``CERTAIN_CURVATURE``) are allowed only
    where the data are collinear: ``a_i·v = 0`` on every row (checked, one
    product ``X v`` each) moves no logit, so a separating direction may be
    taken orthogonal to them and the smallest other eigenvalue decides.
    Where the gradient at θ is too large for the bound, the test is made
    once more one Newton step further. Cost: one pass for the gradient (none
    when Newton kept gradient and Hessian at θ), one read of X for ``R``,
    one pass more for the step further.

    ``derivatives``: the gradient and the full Hessian (every row) of
    ``objective`` at θ itself, when the caller made them in a pass of its own
    (the multinomial statistics pass for inference): the test at θ then
    reads them, with k = 1, and makes no pass; the step further still
    samples every k-th block. The caller keeps ownership: they are read,
    not kept."""
    if objective.n_params > 2000:
        return None
    from ._scaling import ScaledObjective

    scaled = ScaledObjective(objective) if view is None else view
    n, p = X.shape
    # a Hessian of ``equations`` blocks costs equations² times as much a row
    k = max(1, n * p * equations**2 // CERTIFICATE_VALUES)
    # at θ itself, not at a round trip through standardized coordinates: the
    # objective keeps the gradient and Hessian of Newton's last exact step
    at_k = 1 if derivatives is not None else k
    first = _scaled_curvature(objective, scaled, theta, at_k, derivatives)
    if first is None:
        return None  # overflowed (extreme values of X): the LP decides
    lams, vecs, gs = first
    inv = np.asarray(scaled.inv_scale, dtype=np.float64)
    mean = np.asarray(scaled.mean, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        shift = float(np.linalg.norm(mean * inv))
        row = _max_scaled_row_norm(X, inv) + shift
        radius = math.hypot(row, 1.0) if objective.fit_intercept else row
    flat = lams <= CERTAIN_CURVATURE
    if flat.all() or flat.sum() > MAX_NULL_DIRECTIONS:
        return False
    q = p + int(bool(scaled.fit_intercept))
    for v in vecs[:, flat].T:  # collinear columns: A v = 0 is no separation
        for eq in v.reshape(equations, q):  # every equation's logits unmoved
            w = eq[:p] * inv
            z = _linear_predictor(X, w)
            if scaled.fit_intercept:
                z += eq[p] - mean @ w
            if not float(np.max(np.abs(z), initial=0.0)) <= NULL_TOL * radius:
                return False
    bound = radius * (math.sqrt(2.0) if equations > 1 else 1.0)
    if _certified(lams, flat, gs, at_k * bound):
        return True
    # A fit stopped by a loose tolerance may hold a gradient too large for the
    # bound. The certificate holds at any point: one Newton step further (in
    # the directions that curve, from what is at hand) makes the gradient of
    # a well-posed problem quadratically smaller, at the cost of one pass.
    keep = vecs[:, ~flat]
    step = keep @ ((keep.T @ gs) / lams[~flat])
    ahead = scaled.to_original(scaled.from_original(theta) - step)
    if not np.all(np.isfinite(ahead)):
        return False
    second = _scaled_curvature(objective, scaled, ahead, k)
    if second is None:
        return False
    lams, _, gs = second
    if int(np.sum(lams <= CERTAIN_CURVATURE)) != int(flat.sum()):
        return False
    return _certified(lams, lams <= CERTAIN_CURVATURE, gs, k * bound)


def _scaled_curvature(
    objective: Any,
    scaled: Any,
    theta: np.ndarray,
    k: int,
    derivatives: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The eigenvalues and eigenvectors of the standardized Hessian at θ
    (from every k-th block of rows; ``derivatives``' when given) and the
    standardized gradient; None when they overflow or the eigensolver
    fails."""
    if derivatives is None:
        _, g, H = objective.value_gradient_hessian(theta, hessian_stride=k)
    else:
        g, H = derivatives
    with np.errstate(over="ignore", invalid="ignore"):
        Hs = scaled.scaled_hessian(np.array(H))  # kept arrays are read-only
        gs = scaled.scaled_gradient(g)
    if not (np.all(np.isfinite(Hs)) and np.all(np.isfinite(gs))):
        return None
    try:
        with _eigh_threads(Hs.shape[0]):
            lams, vecs = np.linalg.eigh(Hs)
    except np.linalg.LinAlgError:
        return None
    return lams, vecs, np.asarray(gs, dtype=np.float64)


def _eigh_threads(size: int) -> Any:
    """One BLAS thread for an ``eigh`` of ``size`` rows from
    ``THREADED_EIGH_ROWS`` on (:func:`logistic._blas_threads.one_blas_thread`),
    no limit below, where LAPACK does not thread it."""
    if size < THREADED_EIGH_ROWS:
        return contextlib.nullcontext()
    from ._blas_threads import one_blas_thread

    return one_blas_thread()


def _certified(
    lams: np.ndarray, flat: np.ndarray, gs: np.ndarray, scale: float
) -> bool:
    """``λ_min > scale · ‖∇'‖₂`` over the directions that curve."""
    with np.errstate(over="ignore", invalid="ignore"):
        bound = scale * float(np.linalg.norm(gs))
    return bool(float(lams[~flat][0]) > bound)


def check_separation(
    objective: Any,
    result: Any,
    X: Any,
    y01: np.ndarray,
    sample_weight: np.ndarray | None,
    offset: np.ndarray | None,
    names: Any,
    *,
    view: Any = None,
    known: SeparationReport | bool | LPCutShort | None = None,
) -> str | None:
    """Check an unpenalised in-memory fit; warn and return the kind if separated
    (``"unchecked"``, with a warning, where the linear program ran out of
    time and the fitted logits show no complete separation).

    ``view`` is the fit's standardized view of ``objective`` (built here when
    None); ``known`` the verdict on these rows where the fit's separation
    stopping rule decided it (:mod:`._separation_stop`: a report, False for
    none, the :class:`LPCutShort` of its program run out of time), None to
    decide here."""
    w, b = objective.split(result.coef)
    return warn_separation(
        X,
        y01,
        sample_weight,
        w,
        b,
        offset,
        names,
        fit_intercept=bool(objective.fit_intercept),
        converged=result.converged,
        certified=lambda: curvature_certificate(objective, result.coef, X, view),
        known=known,
        stopped=_stopped_at(result, known),
    )


def _stopped_at(result: Any, known: Any) -> int | None:
    """The iteration at which the separation stopping rule ended the fit
    (its status begins "stopped under"), else None."""
    status = str(getattr(result, "status", ""))
    if isinstance(known, SeparationReport) and stopped_by_separation(status):
        return int(result.n_iter)
    return None


def warn_separation(
    X: Any,
    y01: np.ndarray,
    sample_weight: np.ndarray | None,
    coef: np.ndarray,
    intercept: float,
    offset: np.ndarray | None,
    names: Any,
    *,
    fit_intercept: bool,
    converged: bool,
    certified: Callable[[], bool | None] | None = None,
    known: SeparationReport | bool | LPCutShort | None = None,
    stopped: int | None = None,
) -> str | None:
    """:func:`detect_separation` with the warnings of :func:`check_separation`
    (which passes the curvature certificate; a path's unpenalized point has
    no objective at hand and passes none: the LP then runs where the fit
    looks divergent). ``known``: the verdict where the separation stopping
    rule already decided it (:func:`check_separation`); ``stopped``: the
    iteration at which that rule ended the fit, which the message then
    says."""
    if known is False:
        return None
    try:
        report = known if isinstance(known, SeparationReport) else detect_separation(
            X,
            y01,
            sample_weight,
            coef,
            intercept,
            offset,
            fit_intercept=fit_intercept,
            converged=converged,
            certified=certified,
            cut_short=known if isinstance(known, LPCutShort) else None,
        )
    except LPCutShort as exc:  # inference's rule on fitted logits then applies
        warn_cut_short(X.shape, exc.seconds)
        return "unchecked"
    if report is None:
        return None
    warnings.warn(
        separation_message(report, names, converged=converged, stopped=stopped),
        PerfectSeparationWarning,
        stacklevel=user_stacklevel(),
    )
    return report.kind
