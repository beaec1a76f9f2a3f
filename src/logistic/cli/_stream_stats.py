"""Wald covariance and fit statistics of a streamed, unpenalised fit.

Convention (owned here): the in-memory CLI stores the covariance of
:mod:`logistic.inference` (``inv(Σs · H)`` with ``H`` the Hessian of the mean
loss at the fitted coefficients, intercept first) and its statistics. For a
streamed fit the same quantities come from two more passes over the data (the
Hessian and the loss at the optimum, one at the null point): ``nobs = Σs``,
``llf = -Σs · J(θ)``, ``deviance = -2 llf`` (0/1 labels: the saturated model's
log-likelihood is 0), ``aic = -2 llf + 2k``, ``bic = -2 llf + k log(nobs)``.
Without an offset the null model has the closed form ``p̄ = Σ s y / Σ s``
(``llnull``, ``null_deviance`` and McFadden's pseudo R²); with an offset those
would need another fit and are left out. Penalised fits get nothing (no
Wald covariance), like in memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["streamed_inference"]


def _xlogy(p: float) -> float:
    return 0.0 if p <= 0.0 else p * float(np.log(p))


def streamed_inference(
    model: Any, data: Any, has_offset: bool
) -> tuple[np.ndarray | None, list[str] | None, dict[str, float]]:
    """``(covariance, names, statistics)``; ``(None, None, {})`` when penalised.

    Parameters
    ----------
    model : fitted LogisticRegression (labels 0/1 as in ``data``)
    data : backend the model was fitted on
    has_offset : whether the fit used an offset column
    """
    from .._objective import LogisticObjective

    if getattr(model, "penalty", None) is not None or not model.fit_intercept:
        return None, None, {}
    objective = LogisticObjective(data, l2=0.0, fit_intercept=True)
    coef = np.asarray(model.coef_, dtype=np.float64).ravel()
    theta = np.r_[coef, float(model.intercept_[0])]
    nobs = float(getattr(data, "weight_sum", None) or data.n_samples)
    hessian = objective.hessian(theta) * nobs
    p = coef.size
    order = np.r_[p, 0:p]  # intercept first, as the inference results
    try:
        cov = np.linalg.inv(hessian)[np.ix_(order, order)]
    except np.linalg.LinAlgError:
        cov = None
    llf = -nobs * objective.value(theta)
    k = p + 1
    stats = {
        "nobs": nobs,
        "df_model": float(p),
        "df_resid": nobs - k,
        "llf": llf,
        "deviance": -2.0 * llf,
        "aic": -2.0 * llf + 2.0 * k,
        "bic": -2.0 * llf + k * float(np.log(nobs)),
    }
    if not has_offset:
        # ∂J/∂b at θ = 0 is (1/Σs) Σ s (1/2 - y): the weighted mean label
        ybar = 0.5 - float(objective.gradient(np.zeros(k))[-1])
        llnull = nobs * (_xlogy(ybar) + _xlogy(1.0 - ybar))
        stats.update(
            llnull=llnull,
            null_deviance=-2.0 * llnull,
            pseudo_rsquared=1.0 - llf / llnull,
        )
    names = ["Intercept", *[str(n) for n in getattr(model, "feature_names_in_", [])]]
    if len(names) != k:
        names = ["Intercept", *[f"x{j + 1}" for j in range(p)]]
    return cov, names, stats
