"""Log-likelihoods, deviances and information criteria of inference results.

Conventions (owned here; :class:`LikelihoodStatistics` is a base of
:class:`~logistic.inference.InferenceResults`, whose statistics kept at fit
or computed from the data again it reads):

* Log-likelihood ``ℓ = -Σ s_i L(y_i, z_i)``; saturated log-likelihood
  ``ℓ_sat = Σ s_i [y_i log y_i + (1-y_i) log(1-y_i)]`` (0 for 0/1 labels);
  ``deviance = 2(ℓ_sat - ℓ)``; ``AIC = -2ℓ + 2k``, ``BIC = -2ℓ + k log(nobs)``
  (k = number of parameters); McFadden ``pseudo R² = 1 - ℓ/ℓ_0``.
* The null model ``ℓ_0`` keeps the offset and weights: intercept only when
  the model has an intercept (``logit(ȳ)`` in closed form without an
  offset, else fitted with the Newton solver over the same rows without
  their features), otherwise ``z = offset`` with no parameter (R's ``glm``
  null deviance). A model without an intercept whose columns span the
  constant (a full factor, ``C(race) + smoke - 1``) is the same model as
  one with an intercept, so its null is intercept-only too and
  ``df_model = k - 1`` (statsmodels' implicit-constant rule): the columns
  span the constant when the weighted least-squares residual of the ones
  vector on them, relative to its norm (the Schur complement of the
  intercept in the Fisher information of the design with a ones column
  added), is below 1e-10. That needs the data; without them the null is
  ``z = offset`` and the summary says so.
* Sampling weights (``sample_weight_kind="sampling"``): ``ℓ`` and ``ℓ_0`` are
  weighted pseudo-log-likelihoods (Stata's "log pseudolikelihood"), so the
  statistics that read them as likelihoods, ``aic``, ``bic``,
  ``pseudo_rsquared``, ``llr`` and ``llr_pvalue``, raise
  ``InvalidParameterError`` as ``lr_test`` does (Stata reports a Wald chi2
  in place of the LR chi2 under ``pweight``; a Wald test is the valid
  overall test).
* Grouped binomial fits add ``Σ log C(n_i, k_i)`` to ``ℓ`` and ``ℓ_0``; for
  Firth fits ``llf`` is the ordinary log-likelihood at the estimate (see
  :mod:`._results` for both). McFadden's pseudo R² leaves that constant out
  of both: it is the pseudo R² of the same data as one 0/1 row per trial
  (Stata's ``blogit``), whatever the grouping (the LR statistic
  ``2 (ℓ - ℓ_0)`` is, the constant cancelling in it), where
  ``1 - ℓ/ℓ_0`` with the constant grows as the same trials are put in fewer
  groups (statsmodels' GLM ``pseudo_rsquared("mcf")`` of the grouped data).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from .._exceptions import InvalidParameterError
from ._hypothesis import chi2_sf
from ._stored import null_loglik, spans_constant

if TYPE_CHECKING:
    from .._objective import LogisticObjective
    from .._typing import FloatArray
    from ._stored import FitStatistics

__all__ = ["LikelihoodStatistics"]


class LikelihoodStatistics:
    """``llf``, ``llnull``, ``deviance``, ``aic``, ``bic``, ``pseudo_rsquared``,
    ``llr`` ... of one fit (a base class of the inference results)."""

    if TYPE_CHECKING:  # provided by InferenceResults
        model: Any
        _stats: FitStatistics
        _log_binom: float
        fit_intercept: bool
        k_params: int
        nobs: float
        df_resid: float
        _objective: LogisticObjective | None
        _theta: FloatArray

        @property
        def _information(self) -> FloatArray: ...

        def _data(self, what: str) -> LogisticObjective: ...

        def _points(self, what: str = ...) -> Any: ...

    def _refuse_pseudo(self, name: str) -> None:
        """Refuse a statistic or test that reads the pseudo-likelihood of
        sampling weights as a likelihood (``aic``, ``lr_test``, profiles)."""
        if getattr(self, "sample_weight_kind", "frequency") == "sampling":
            raise InvalidParameterError(
                f"{name} is not valid under sampling weights (the weighted "
                "log-likelihood is a pseudo-likelihood); use Wald tests and "
                "intervals (wald_test, conf_int(method='wald'))"
            )

    def _refuse_scaled(self, name: str) -> None:
        """Refuse a likelihood-ratio test of results with a dispersion
        (``scale``, :mod:`._dispersion`)."""
        if getattr(self, "scale", 1.0) != 1.0:
            raise InvalidParameterError(
                f"{name} compares binomial likelihoods, which a dispersion "
                f"(scale={getattr(self, 'scale_kind', None)!r}) does not rescale; "
                "use wald_test (R: anova(..., test='F'))"
            )

    def _refuse_frequencies(self, name: str, why: str) -> None:
        """Refuse a measure that counts sampling weights as frequencies
        (``why``: how its numbers go wrong, closing the message)."""
        if getattr(self, "sample_weight_kind", "frequency") == "sampling":
            raise InvalidParameterError(
                f"{name} is not computed under sampling weights: it counts the "
                f"weights as frequencies (logistic report leaves it out too); {why}"
            )

    @property
    def df_model(self) -> float:
        """``k - 1`` when the null model is intercept-only, else ``k``."""
        return float(self.k_params - int(self.null_has_intercept))

    @df_model.setter
    def df_model(self, value: float) -> None:
        pass  # derived from the null model (the results' constructor sets it)

    @cached_property
    def null_has_intercept(self) -> bool:
        """Whether the null model is intercept-only: the model has an
        intercept, or (with the training data at hand) its columns span the
        constant."""
        if self.fit_intercept or self._stats.null_has_intercept:
            return True
        if self._objective is None or self.k_params == 0:
            return False
        return spans_constant(self._objective, self._theta)

    @cached_property
    def llf(self) -> float:
        """Log-likelihood ``-Σ s_i L(y_i, z_i)`` at ``params`` (plus
        ``Σ log C(n_i, k_i)`` for grouped data)."""
        return self._llf_kernel + self._log_binom

    @property
    def _llf_kernel(self) -> float:
        return -self._stats.weight_sum * self._stats.value

    @cached_property
    def llf_penalized(self) -> float:
        """Firth's penalized log-likelihood ``ℓ + ½ log det I`` at ``params``
        (a FLIC fit's at its estimate, as logistf 1.26's ``flic()`` reports
        it; ``logistf(..., flic = TRUE)`` keeps Firth's maximum; none for FLAC,
        whose kept information is its augmented fit's)."""
        if getattr(self, "firth_correction", None) == "flac":
            raise InvalidParameterError(
                "llf_penalized of a firth_correction='flac' fit: the information "
                "it keeps is the augmented fit's, not its rows' at its estimate; "
                "the uncorrected Firth fit has one"
            )
        centred = getattr(self._stats, "centred", None)
        if centred is not None:  # log det I = log det I' - 2 log |det T|
            sign, logdet = np.linalg.slogdet(self._stats.weight_sum * centred.hessian)
            logdet -= 2.0 * float(np.linalg.slogdet(centred.matrix)[1])
        else:
            sign, logdet = np.linalg.slogdet(self._information)
        return self._llf_kernel + 0.5 * logdet if sign > 0 else float("-inf")

    @cached_property
    def _llnull_kernel(self) -> float:
        stats = self._stats
        if stats.null_has_intercept and stats.llnull is not None:
            return float(stats.llnull)  # the fit's intercept-only null
        if self.null_has_intercept and not self.fit_intercept:
            from .._objective import LogisticObjective

            assert self._objective is not None
            with_one = LogisticObjective(self._objective.data, fit_intercept=True)
            return null_loglik(stats.labels, True, with_one)
        if stats.llnull is not None:
            return float(stats.llnull)
        if stats.labels.has_offset:
            objective = self._data("the null model of a fit with an offset")
            return null_loglik(stats.labels, self.fit_intercept, objective)
        return null_loglik(stats.labels, self.fit_intercept)

    @property
    def llnull(self) -> float:
        """Log-likelihood of the null model (same offset and weights)."""
        return self._llnull_kernel + self._log_binom

    @property
    def deviance(self) -> float:
        """``2 (ℓ_sat - ℓ)`` (``-2ℓ`` for 0/1 labels)."""
        return 2.0 * (self._stats.labels.saturated - self._llf_kernel)

    @property
    def null_deviance(self) -> float:
        """``2 (ℓ_sat - ℓ_0)``."""
        return 2.0 * (self._stats.labels.saturated - self._llnull_kernel)

    @property
    def pearson_chi2(self) -> float:
        """Pearson's ``χ² = Σ s (y - p)² / (p (1 - p))`` at ``params``."""
        return float(self._stats.labels.pearson)

    @property
    def dispersion(self) -> float:
        """``pearson_chi2 / df_resid`` (about 1 without overdispersion)."""
        return self.pearson_chi2 / self.df_resid if self.df_resid > 0 else np.nan

    @property
    def aic(self) -> float:
        """``-2ℓ + 2k``."""
        self._refuse_pseudo("aic")
        return -2.0 * self.llf + 2.0 * self.k_params

    @property
    def bic(self) -> float:
        """``-2ℓ + k log(nobs)``."""
        self._refuse_pseudo("bic")
        return -2.0 * self.llf + self.k_params * np.log(self.nobs)

    @property
    def pseudo_rsquared(self) -> float:
        """McFadden's ``1 - ℓ/ℓ_0``, of the log-likelihoods without the
        grouped constant ``Σ log C(n_i, k_i)``; NaN where ``ℓ_0`` is 0 (a
        class whose weight is below the other's rounding, 1e-20 beside 98:
        the null model's fit is perfect in float64, and the ratio undefined)."""
        self._refuse_pseudo("pseudo_rsquared")
        null = self._llnull_kernel
        return 1.0 - self._llf_kernel / null if null != 0.0 else float("nan")

    prsquared = pseudo_rsquared

    @property
    def llr(self) -> float:
        """LR statistic against the null model, ``2 (ℓ - ℓ_0)``."""
        self._refuse_pseudo("llr")
        return 2.0 * (self.llf - self.llnull)

    @property
    def llr_pvalue(self) -> float:
        """``P(χ²(df_model) > llr)``."""
        self._refuse_pseudo("llr_pvalue")
        return float(chi2_sf(self.llr, self.df_model))

    @cached_property
    def llr_penalized(self) -> tuple[float, float, int]:
        """Firth fits: logistf's overall likelihood-ratio test, ``(statistic,
        p-value, df)``: ``2 [ℓ*(β̂) - max_{β_0} ℓ*(β_0, 0, …, 0)]`` with the
        penalized log-likelihood ``ℓ*`` of the full model's information (the
        null fit keeps only the intercept free). Without an intercept the null
        follows ``null_has_intercept`` as ``llnull`` does: columns that span
        the constant get the intercept-only null (``max_t ℓ*(t a)`` with
        ``X a = 1``, df ``k - 1``; the statistic of the same model written
        with an intercept), other designs ``β = 0`` (df ``k``, logistf's null
        without an intercept). Needs the training data. (``llr`` is the
        unpenalized statistic at Firth's estimate.)"""
        from ._profile import penalized_null_lr

        if getattr(self, "method", "MLE") != "Firth":
            raise AttributeError("llr_penalized is defined for Firth fits; see llr")
        points = self._points("llr_penalized (logistf's overall test)")
        if self.null_has_intercept and not self.fit_intercept:
            assert self._objective is not None
            stat, df = _spanned_null_lr(points, self._objective, self._theta)
        else:
            stat, df = penalized_null_lr(points, self._theta)
        return stat, float(chi2_sf(stat, df)), df


def _ones_coefficients(objective: LogisticObjective, theta: FloatArray) -> FloatArray:
    """``a`` with ``X a`` the ones vector (the weighted least-squares fit of 1
    on the columns, exact when they span the constant; see
    :func:`~._stored.spans_constant`)."""
    from .._objective import LogisticObjective

    with_one = LogisticObjective(objective.data, fit_intercept=True)
    H = with_one.hessian(np.append(np.asarray(theta, dtype=np.float64), 0.0))
    return np.asarray(np.linalg.solve(H[:-1, :-1], H[:-1, -1]), dtype=np.float64)


def _spanned_null_lr(
    points: Any, objective: LogisticObjective, theta: FloatArray
) -> tuple[float, int]:
    """The penalized LR statistic against the intercept-only null of a design
    without an intercept whose columns span the constant: the null is the
    line ``θ = t a`` (every logit ``t``), maximized over ``t`` (concave in
    ``t``; Brent's method), with the full model's information."""
    from scipy.optimize import minimize_scalar

    a = _ones_coefficients(objective, theta)
    total = objective.weight_sum
    hat = points.point(theta, with_grad=False).value

    def value(t: float) -> float:
        return float(points.point(t * a, with_grad=False).value)

    best = minimize_scalar(value, bracket=(-1.0, 1.0), tol=1e-12)
    return max(2.0 * total * (float(best.fun) - hat), 0.0), int(theta.size) - 1
