"""Separation of K > 2 classes: when the multinomial MLE does not exist.

Convention: with ``x̃ = [x, 1]`` and the reference parametrization (class 0's
row fixed at 0), the maximum-likelihood estimate of an unpenalized
multinomial model does not exist exactly when some ``V ≠ 0`` (rows
``v_1 … v_{K-1}``, ``v_0 = 0``) has

    (v_{y_i} - v_k)ᵀ x̃_i ≥ 0 for every row i of positive weight and every
    class k ≠ y_i, and > 0 for at least one pair

(Albert & Anderson 1984: moving along ``V`` raises every likelihood term, so
the likelihood has no maximum). All inequalities strict is *complete*
separation, otherwise *quasi-complete*. This is the binary check's linear
program (:mod:`logistic._separation`, Konis 2007) on the ``n (K-1)`` pairs
``(i, k)``: each pair is one row ``(e_{y_i} - e_k) ⊗ x̃_i`` of the LP, on
columns scaled by their max-abs; the LP, its tolerances and the search for a
complete direction are the binary check's own.

As there, a curvature certificate runs first
(:func:`logistic._separation.curvature_certificate`, on the Hessian of the
``K-1`` free equations in standardized coordinates). Along a separating
direction ``V`` of unit norm, with ``u_ik = v_kᵀ a_i`` (``a_i`` the row in
those coordinates) and ``m_ik = u_{i,y_i} - u_ik ≥ 0``, the gradient of the
unpenalized mean loss has ``∇·V = -Σ_i ω_i Σ_k p_ik m_ik`` (every term on one
side) and the curvature is the probability-weighted variance of ``u_i``,

    Vᵀ H V = Σ_i ω_i Var_{p_i}(m_i) ≤ Σ_i ω_i Σ_k p_ik m_ik² ≤ |∇·V| max m_ik,

with ``m_ik = Vᵀ((e_{y_i} - e_k) ⊗ a_i) ≤ √2 ‖a_i‖``. So
``λ_min(H) ≤ √2 ‖∇‖₂ R`` (``R = max_i ‖a_i‖``), and a fit whose smallest
curvature exceeds that bound has a maximum-likelihood estimate, whatever its
number of rows. A fit that does not pass goes to the LP. A penalized fit
(symmetric parametrization, λ > 0) always has a finite optimum and is not
checked. Without the certificate (more than 2000 parameters, or values that
overflow) the LP runs only when the fit looks divergent: the solver did not
converge, or some row's fitted logit of its own class exceeds every other
class's by more than ``SEPARATION_TRIGGER_LOGIT`` (that rule is blind to a
class that is merely absent from some rows: there its logit alone falls,
and the others stay finite). Problems whose LP would hold more than
``MAX_LP_NONZEROS`` values are decided by that rule alone (``"unchecked"``
when it sees divergence, None otherwise, as the binary check does), and
data that are not in memory are not checked (``"unchecked"``).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

from ._exceptions import PerfectSeparationWarning, user_stacklevel
from ._numerics import SEPARATION_TRIGGER_LOGIT
from ._separation import curvature_certificate
from ._separation_lp import (
    MAX_LP_NONZEROS,
    LPCutShort,
    lp_design,
    lp_direction,
    strict_margin,
    warn_cut_short,
)

__all__ = ["check_multinomial_separation", "separated_pairs"]


def separated_pairs(X: Any, y: np.ndarray, K: int, fit_intercept: bool) -> Any:
    """The LP's rows ``(e_{y_i} - e_k) ⊗ x̃_i`` for every row and ``k ≠ y_i``,
    columns of classes 1 … K-1 only (class 0 is the reference), as CSR."""
    keep = np.ones(y.shape[0], dtype=bool)
    D, _ = lp_design(X, keep, fit_intercept)
    D = sp.csr_matrix(D)
    y = np.asarray(y).astype(np.intp)
    blocks = []
    for k in range(K):
        rows = np.flatnonzero(y != k)
        Dk = D[rows]
        E = np.zeros((rows.size, K))
        E[np.arange(rows.size), y[rows]] = 1.0
        E[:, k] -= 1.0
        blocks.append(sp.hstack([Dk.multiply(E[:, [c]]) for c in range(1, K)]))
    return sp.vstack(blocks, format="csr")


def _margins_diverge(objective: Any, theta: np.ndarray, rows: Any) -> bool:
    """Whether some row's own-class logit beats every other by the trigger."""
    from ._multinomial import block_logits

    W, b = objective.split(theta)
    Z = block_logits(rows, W, b)
    y = np.asarray(rows.y).astype(np.intp)
    own = Z[np.arange(Z.shape[0]), y]
    Z[np.arange(Z.shape[0]), y] = -np.inf
    margin = own - Z.max(axis=1)
    if rows.sample_weight is not None:
        margin = margin[np.asarray(rows.sample_weight) > 0]
    return bool(np.any(margin > SEPARATION_TRIGGER_LOGIT))


def _certified(
    objective: Any, theta: np.ndarray, X: Any, derivatives: Any = None
) -> bool | None:
    """The curvature certificate of an unpenalized reference fit at θ (module
    docstring): True when the MLE exists, False when the certificate does not
    decide, None when it cannot be evaluated."""
    from ._multinomial_scaled import ScaledMultinomial

    if not objective.reference or objective.l2 != 0:
        return None
    view = ScaledMultinomial(objective)
    return curvature_certificate(
        objective,
        theta,
        X,
        view,
        equations=objective.n_equations,
        derivatives=derivatives,
    )


def check_multinomial_separation(
    objective: Any,
    result: Any,
    derivatives: tuple[np.ndarray, np.ndarray] | None = None,
) -> str | None:
    """``"complete"``/``"quasi-complete"`` (with a
    :class:`PerfectSeparationWarning`) when the MLE does not exist, None when
    it does, ``"unchecked"`` when the check cannot run (see module).

    ``derivatives``: the gradient and full Hessian of ``objective`` at
    ``result.coef`` when the caller has them (the statistics pass for
    inference, :func:`logistic.inference._multinomial.collect_multinomial`):
    the certificate then reads them instead of making its own pass."""
    data = objective.data
    if not data.capabilities.rows_in_memory:
        return "unchecked"
    rows = data.rows()
    K, q = objective.n_classes, objective.n_coef
    verdict = _certified(objective, result.coef, rows.X, derivatives)
    if verdict:
        return None
    n = rows.n_rows
    too_large = n * (K - 1) * 2 * q > MAX_LP_NONZEROS
    if verdict is None or too_large:  # the fitted logits' rule decides
        if result.converged and not _margins_diverge(objective, result.coef, rows):
            return None
        if too_large:
            return "unchecked"
    keep = (
        np.ones(n, dtype=bool)
        if rows.sample_weight is None
        else np.asarray(rows.sample_weight) > 0
    )
    X = rows.X[keep] if sp.issparse(rows.X) else np.asarray(rows.X)[keep]
    A = separated_pairs(X, np.asarray(rows.y)[keep], K, objective.fit_intercept)
    try:
        beta = lp_direction(A, np.ones(A.shape[0]))
    except LPCutShort as exc:  # as for data not in memory
        warn_cut_short(X.shape, exc.seconds)
        return "unchecked"
    if beta is None:
        return None
    margins = np.asarray(A @ beta).ravel()
    tol = strict_margin(margins, 1e-7 * max(1.0, float(np.max(np.abs(margins)))))
    kind = "complete" if bool(np.all(margins > tol)) else "quasi-complete"
    warnings.warn(
        f"{kind} separation: a direction of the coefficients raises the likelihood "
        f"of every row without bound ({int(np.sum(margins > tol))} of "
        f"{margins.size} (row, other class) pairs strictly separated), so the "
        f"maximum-likelihood estimate of the multinomial model does not exist and "
        f"the reported coefficients are a point on a diverging path. Remedy: add a "
        f"penalty (penalty='l2' with alpha > 0 or C).",
        PerfectSeparationWarning,
        stacklevel=user_stacklevel(),
    )
    return kind
