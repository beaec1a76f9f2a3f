"""The warnings inference gives about the fit it is asked of: an unconverged
fit (not one the separation stop ended, whose separation warning says why),
separated training data (what they do to model-based and sandwich standard
errors, and the remedy that runs where the rows are), and non-integer
sample weights taken as frequency weights."""

from __future__ import annotations

from typing import Any

from .._exceptions import ConvergenceWarning, PerfectSeparationWarning, warn
from .._fitted_params import fitted_param
from .._grouped import fitted_on_counts
from .._separation_stop import stopped_by_separation
from ._stored import FitStatistics

__all__ = ["warn_fractional", "warn_not_converged", "warn_separated"]


def warn_not_converged(model: Any) -> None:
    """Warn of inference at an unconverged fit, except one the separation
    stop ended: its separation warning says why (a separation is said once)."""
    if stopped_by_separation(getattr(model, "fit_status_", "")):
        return
    if not bool(getattr(model, "converged_", True)):
        warn(
            "the model did not converge; inference at these coefficients is unreliable",
            ConvergenceWarning,
        )


def warn_separated(kind: str | None, cov_type: str) -> None:
    """Warn of inference on separated data. The model-based standard errors of
    the diverging coefficients are huge; a sandwich's are not: the rows fitted
    near 0 or 1 have residuals that vanish faster than their information, so
    robust and cluster standard errors come out small and every Wald test
    looks significant (statsmodels' ``Logit(cov_type="HC0")`` gives the same).
    A suspected separation was not checked, mostly of rows not in memory,
    where Firth's fit is refused: its remedy says where Firth's fit runs."""
    if not kind:
        return
    from ._separation_notes import separation_remedy

    remedy = separation_remedy(kind, "Refit with penalty='firth'.")
    if cov_type == "nonrobust":
        how = "the standard errors of the diverging coefficients are huge"
    else:
        how = (
            f"the {cov_type} standard errors come out small, as the residuals of "
            "rows fitted near 0 or 1 vanish, so every Wald test looks significant: "
            "it is not"
        )
    warn(
        f"the training data are separated ({kind}): the maximum-likelihood "
        "estimate does not exist, so these coefficients, standard errors and "
        f"p-values are meaningless ({how}). {remedy}",
        PerfectSeparationWarning,
    )


def warn_fractional(
    model: Any, stats: FitStatistics, sampling: bool, data: bool = True
) -> None:
    """Warn that non-integer sample weights are taken as frequency weights
    (class weights have their own warning). Without the data (``data``
    False: ``predict_interval``, ``inference()``) the sampling kind cannot
    be asked for in the call made, so the advice names the call that can."""
    if sampling or fitted_param(model, "class_weight") is not None:
        return
    # a grouped fit's rows as trials (a model file's inference on its data)
    # weigh k s and (n - k) s: fractional with its counts, never sampling
    on_counts = stats.grouped is not None or fitted_on_counts(model)
    if on_counts or not stats.labels.fractional > 0:
        return
    how = (
        "pass sample_weight_kind='sampling'"
        if data
        else "use the training data: model.inference(X, y, sample_weight, "
        "sample_weight_kind='sampling'), whose get_prediction(X_new) gives "
        "prediction intervals"
    )
    warn(
        f"{int(stats.labels.fractional):,} rows have non-integer sample weights: "
        "inference treats them as frequency weights (row i counts as w_i identical "
        "observations, as statsmodels' freq_weights), so nobs is Σw and the "
        "standard errors assume Σw observations. For survey or inverse-probability "
        f"weights {how} (CLI: --weights-kind sampling).",
        UserWarning,
    )
