"""What ``logistic fit`` stores about a fit's inference in the model file.

The covariance matrix with its term names, and the fit statistics
(:data:`STATISTICS`, in the order ``logistic summary`` prints them). A
statistic the inference results cannot give (a singular information matrix,
a null model left out) is left out of the file, never written as a
placeholder.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GROUPED_ONLY", "NULL_MODEL", "STATISTICS", "covariance", "statistics"]

#: Fit statistics stored in the model file, in the order summary prints them.
STATISTICS = (
    "nobs",
    "df_model",
    "df_resid",
    "llf",
    "llnull",
    "deviance",
    "null_deviance",
    "aic",
    "bic",
    "pseudo_rsquared",
    "pearson_chi2",
    "dispersion",
)
#: Statistics stored only for grouped binomial fits (on the grouped scale).
GROUPED_ONLY = ("pearson_chi2", "dispersion")
#: The statistics that need the null model.
NULL_MODEL = ("llnull", "null_deviance", "pseudo_rsquared")


def covariance(inference: Any) -> tuple[Any, Any]:
    """The covariance matrix and its term names, or ``(None, None)`` without
    inference results or when the information matrix is singular."""
    if inference is None:
        return None, None
    try:
        return inference.covariance(), list(inference.term_names)
    except Exception:  # a singular information matrix: no covariance stored
        return None, None


def statistics(inference: Any, null_model: bool = True) -> dict[str, float]:
    """The inference results' fit statistics (those of the null model only
    when ``null_model``)."""
    stats = {}
    grouped = bool(getattr(inference, "grouped", False))
    for name in STATISTICS:
        if not null_model and name in NULL_MODEL:
            continue
        if name in GROUPED_ONLY and not grouped:
            continue
        try:
            stats[name] = float(getattr(inference, name))
        except Exception:
            continue
    return stats
