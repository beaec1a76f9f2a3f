"""The dispersion of grouped binomial inference: quasi-binomial standard errors.

Convention (owned here): ``fit_inference(..., scale=...)`` of a grouped
binomial fit (``fit(X, successes, trials=n)``, :mod:`logistic._grouped`)
multiplies the model-based covariance by a dispersion ``φ``:

* ``None`` (default): ``φ = 1``, binomial variance.
* ``"X2"``: ``φ = pearson_chi2 / df_resid``, the moment estimate of R's
  ``family = quasibinomial`` and statsmodels' ``GLM(...).fit(scale="X2")``;
  standard errors grow by ``√φ``. Tests stay normal (z), as statsmodels';
  R's ``summary.glm`` uses t on ``df_resid`` for an estimated dispersion.
* a positive number: that ``φ`` (R's ``summary.glm(dispersion=)``).

The estimates are unchanged (the quasi-likelihood's are the binomial ones).
Everything read from the covariance follows ``φ``: ``bse``, z, p-values,
Wald intervals and tests, odds ratios, marginal effects and prediction
intervals. The log-likelihood, deviance, AIC/BIC and the LR statistic
against the null model stay those of the binomial likelihood (R prints no
AIC for quasi families); ``lr_test`` is refused (R's ``anova(..., test="F")``
divides the deviance difference by ``φ``). Fits on 0/1 outcomes are refused:
each row's variance is fixed by its mean, so their Pearson χ²/df does not
measure overdispersion. Firth fits are refused too (logistf has no
dispersion).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from .._constraints import as_float64
from .._exceptions import InvalidParameterError
from .._messages import integer_text

__all__ = [
    "ESTIMATED",
    "check_scale",
    "dispersion",
    "overdispersion_note",
    "scale_note",
]

#: The estimated dispersion's name (statsmodels' ``scale="X2"``).
ESTIMATED = "X2"


def check_scale(scale: Any) -> None:
    """Refuse a ``scale`` that is none of None, ``"X2"`` or a positive finite
    number (before any pass over the data)."""
    if scale is None or (isinstance(scale, str) and scale == ESTIMATED):
        return  # only a text compared: an array's == is an array, no answer
    number = isinstance(scale, numbers.Real) and not isinstance(scale, bool)
    # as_float64: an integer beyond float64 (10**400) is inf, refused, where
    # float() raised OverflowError
    value = float(as_float64(scale)) if number else math.nan
    if not (math.isfinite(value) and value > 0):
        shown = integer_text(scale) if type(scale) is int else repr(scale)
        raise InvalidParameterError(
            f"scale must be None (binomial variance), {ESTIMATED!r} (Pearson "
            "chi2 / df_resid, quasi-binomial) or a positive finite number (a "
            f"given dispersion); got {shown}"
        )


def dispersion(scale: Any, results: Any) -> float:
    """``φ`` for ``scale`` (checked by :func:`check_scale`) of ``results``;
    refuses fits that are not grouped binomial maximum-likelihood fits."""
    if scale is None:
        return 1.0
    if results.method == "Firth":
        raise InvalidParameterError(
            "scale= is not available for Firth fits (their covariance is the "
            "inverse Fisher information of the penalized likelihood, as logistf)"
        )
    if not results.grouped:
        raise InvalidParameterError(
            "scale= (a dispersion) applies to grouped binomial fits "
            "(fit(X, successes, trials=n)): with 0/1 outcomes each row's variance "
            "is fixed by its mean, so Pearson chi2/df does not measure "
            "overdispersion"
        )
    if scale != ESTIMATED:
        return float(scale)
    phi = float(results.dispersion)
    if not (math.isfinite(phi) and phi > 0):
        raise InvalidParameterError(
            f"scale={ESTIMATED!r} needs df_resid > 0 and a positive Pearson chi2; "
            f"got df_resid = {results.df_resid:g}, Pearson chi2 = "
            f"{results.pearson_chi2:g}"
        )
    return phi


def scale_note(scale: float, kind: str | None) -> str:
    """The note of a covariance scaled by ``scale`` (``kind``: ``"X2"``,
    estimated, or ``"fixed"``, given), for the summary and the command line."""
    how = "Pearson chi2/df, quasi-binomial" if kind == ESTIMATED else "given"
    return (
        f"Standard errors scaled by sqrt({scale:.4g}) = {math.sqrt(scale):.4g} "
        f"(dispersion {how}); the log-likelihood, deviance, AIC/BIC and LR chi2 "
        "are the binomial likelihood's, unscaled."
    )


def overdispersion_note(phi: float, remedy: str) -> str:
    """The note of a grouped maximum-likelihood fit whose Pearson chi2/df
    ``phi`` is above 2: its binomial standard errors are too small, and
    ``remedy`` (how to ask for the scaled ones) multiplies them by √φ."""
    return (
        f"Pearson chi2/df = {phi:.3g}: the counts vary more than binomial "
        f"(overdispersion); these standard errors are too small: {remedy} "
        f"multiplies them by {math.sqrt(phi):.3g}, as R's quasibinomial family"
    )
