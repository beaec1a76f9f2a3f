"""Inference for a fitted :class:`~logistic.LogisticRegression`.

Conventions (owned here):

* The estimator does not keep its training data (it would keep a possibly
  huge X alive). It keeps the statistics the model-based covariance and the
  fit statistics need (:class:`~logistic.inference._stored.FitStatistics`),
  so ``cov_type="nonrobust"`` needs no data; robust covariances, profile
  intervals and per-coefficient LR tests take the training data **again**
  (:func:`logistic.inference.fit_inference`): arrays, or the backend the
  model was fitted on (out of core, Dask).
* Results carry names: when the model knows its feature names
  (``feature_names_in_``) and pandas is importable, ``params``, ``bse``,
  ``zvalues``, ``pvalues`` and ``pvalues_lr()`` are pandas Series and
  ``conf_int()`` / ``cov_params()`` DataFrames indexed by ``term_names``
  (statsmodels' convention); plain arrays otherwise. pandas is imported
  only then.
* Every quantity is a sum over row blocks of the data (the objective's
  value, gradient and Hessian, and :mod:`._passes`), so the same results
  come from arrays in memory and from data read block by block. Computed on
  first access and cached; the quantities at the fitted coefficients that
  construction needs (value, gradient, Hessian) come from one pass.
* Arrays are in display order: intercept first (named ``"Intercept"``), then
  the features, named by ``feature_names_in_`` or ``x1 … xp`` (statsmodels).
* Sample weights are frequency weights: ``nobs = Σ s_i``; see
  :mod:`logistic.inference._covariance` for every ``cov_type`` formula. With
  ``sample_weight_kind="sampling"``: ``nobs`` is the number of rows of
  positive weight (``df_resid``, BIC from it), robust covariances only, and
  ``lr_test``, LR p-values and profile intervals are refused (the weighted
  log-likelihood is a pseudo-likelihood; Stata refuses ``lrtest`` after
  ``[pw=]``).
* Grouped binomial fits (``fit(X, successes, trials=n)``, see
  :mod:`logistic._grouped`) are on the grouped scale, as statsmodels' GLM
  Binomial with ``[successes, failures]``: ``nobs`` is the number of groups
  (``Σ`` sample weights), ``df_resid = nobs - k``, the log-likelihood includes
  ``Σ log C(n_i, k_i)`` (so AIC and BIC do; the deviance does not change),
  and ``pearson_chi2`` with ``dispersion = pearson_chi2 / df_resid`` is shown
  in the summary (values well above 1 mean overdispersion).
* Log-likelihoods, deviances, information criteria and the null model:
  :mod:`._likelihoods` (:class:`LikelihoodStatistics`, a base of the results).
  ``df_model = k - 1`` with an intercept-only null (an intercept, or columns
  spanning the constant; see there), else ``k``; ``df_resid = nobs - k``.
* Aliased columns of a maximum-likelihood fit (exact collinearity) are
  dropped as R's ``glm`` drops them (:mod:`._aliased`): NaN in every
  displayed array (``aliased`` names them), the other numbers those of the
  reduced model, ``k_params`` its rank.
* Penalized (L1/L2) fits are refused: their standard errors are not those
  of the reported estimates. Firth fits (``penalty="firth"``) are accepted
  with ``cov_type="nonrobust"``: ``V = I(β̂)⁻¹`` at Firth's estimate (as
  logistf); ``pvalues``/``conf_int()`` are Wald, while ``pvalues_lr()``
  (penalized LR) and ``conf_int(method="profile")`` (profile penalized
  likelihood) are logistf's defaults, which the summary shows when it has
  the data (``_summary``). ``llf`` is then the ordinary log-likelihood at
  β̂ and ``llf_penalized = ℓ + ½ log det I``; ``llr_penalized`` is logistf's
  overall test.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._firth import FirthObjective
from .._firth_correction import corrected_kind
from .._objective import LogisticObjective
from .._typing import Block, FloatArray
from ._aliased import AliasedParameters
from ._covariance import robust_covariance
from ._hypothesis import (
    chi2_sf,
)
from ._hypothesis_methods import HypothesisMethods
from ._likelihoods import LikelihoodStatistics
from ._margins_methods import MarginsMethods
from ._order import display_order, term_positions
from ._residual_methods import ResidualMethods
from ._stored import FitStatistics
from ._wald import WaldTable, check_alpha, wald_frame, wald_table

if TYPE_CHECKING:  # the annotations only: each is imported where it is made
    from ._goodness import GoodnessOfFit, HosmerLemeshowResult
    from ._odds import OddsRatioTable
    from ._prediction_interval import PredictionResults
    from ._summary import Summary

#: The odds-ratio table's word on a Firth fit's tests: its z and P>|z| are
#: Wald's, which logistf does not report for penalized fits.
FIRTH_OR_TESTS = (
    " Firth fit: z and P>|z| are Wald tests; res.pvalues_lr() gives logistf's "
    "penalized likelihood-ratio tests (summary(X, y, odds_ratios=True) shows them)."
)

__all__ = ["InferenceResults"]

F64 = np.float64


class InferenceResults(
    LikelihoodStatistics,
    AliasedParameters,
    ResidualMethods,
    HypothesisMethods,
    MarginsMethods,
):
    """Estimates, standard errors, tests and fit statistics of one fit.

    Built by :func:`fit_inference` (or ``LogisticRegression.inference``).
    Quantities are computed on first access and cached. Array attributes are
    in display order (``term_names``: intercept first). The object refers to
    (never copies) the data it was given, if any, for the quantities that
    need the rows (robust covariances, profile intervals, LR p-values).

    Attributes
    ----------
    params, bse, zvalues (alias tvalues), pvalues : ndarray or Series of shape (k,)
        pandas Series indexed by ``term_names`` when the model has feature
        names and pandas is installed.
    term_names : list of str
    cov_type : str
    nobs : float
        ``Σ s_i`` (frequency weights); the rows of positive weight (sampling
        weights); the number of groups for grouped data.
    sample_weight_kind : {"frequency", "sampling"}
    df_model, df_resid : float
    llf, llnull, deviance, null_deviance, aic, bic : float
    pearson_chi2, dispersion : float
        Pearson's χ² and ``pearson_chi2 / df_resid`` (shown for grouped fits).
    scale, scale_kind : float, {None, "X2", "fixed"}
        The dispersion multiplying the covariance (:mod:`._dispersion`).
    grouped : bool
        Whether the model was fitted on grouped binomial data.
    pseudo_rsquared (alias prsquared) : float
        McFadden's ``1 - llf/llnull``; of a grouped fit, without the constant
        ``Σ log C(n, k)`` both hold (:mod:`._likelihoods`).
    llr, llr_pvalue : float
        LR statistic of the model against the null model, and its p-value.
    method : {"MLE", "Firth"}
    converged : bool
    aliased : list of str
        Terms not defined because of singularities (R's ``NA``), see
        :mod:`._aliased`.
    separation : {None, "complete", "quasi-complete", "suspected"}
        Separation reported by the fit (``separation_``) or suspected from
        fitted logits beyond ±30; a :class:`PerfectSeparationWarning` is
        issued and the summary carries a note.
    """

    scale: float = 1.0
    scale_kind: str | None = None

    def __init__(
        self,
        model: Any,
        stats: FitStatistics,
        *,
        cov_type: str,
        groups: Any,
        firth: bool,
        names: list[str],
        labelled: bool = False,
        objective: LogisticObjective | None = None,
        rows: Block | None = None,
        sampling: bool = False,
        row_labels: Any = None,
    ) -> None:
        self.model = model
        self._stats = stats
        self._objective = objective
        self._theta = stats.theta
        self._rows = rows
        self._row_labels = row_labels  # the training DataFrame's index, or None
        self.cov_type = cov_type
        self._groups = groups
        self.method = "Firth" if firth else "MLE"
        #: "flic" or "flac" for a corrected Firth fit (:mod:`.._firth_correction`)
        self.firth_correction = corrected_kind(model)
        self.feature_names = names
        self.fit_intercept = stats.fit_intercept
        p = stats.n_features
        self._perm = display_order(p, self.fit_intercept)
        self.term_names = (["Intercept"] if self.fit_intercept else []) + list(names)
        self._labelled = labelled
        self._find_aliased(firth)  # the rank k_params, the reduced _theta
        grouped = stats.grouped
        self.grouped = grouped is not None
        self._log_binom = 0.0 if grouped is None else float(grouped.log_binom)
        self.sample_weight_kind = "sampling" if sampling else "frequency"
        self.nobs = float(stats.weight_sum if grouped is None else grouped.n_groups)
        if sampling:
            self.nobs = float(stats.labels.rows)
        self.df_model = float(self.k_params - int(self.fit_intercept))
        self.df_resid = self.nobs - self.k_params
        self.converged = bool(getattr(model, "converged_", True))
        self.n_iter = int(np.ravel(getattr(model, "n_iter_", [0]))[0])
        self.solver = str(getattr(model, "solver_", ""))
        self.cov_info: dict[str, Any] = {}
        self.separation: str | None = None

    def _obj_names(self) -> list[str]:
        return list(self.feature_names) + (["Intercept"] if self.fit_intercept else [])

    def _data(self, what: str) -> LogisticObjective:
        """The training data's objective, or an error saying ``what`` needs it."""
        if self._objective is None:
            remedy = self._remedy
            raise InvalidParameterError(f"{what} needs the training data: {remedy}")
        return self._objective

    @property
    def _remedy(self) -> str:
        """How to give results without rows the training data: pass it to
        ``inference``, or, for a grouped fit, whose inference takes none, refit
        on its 0/1 rows (the same coefficients and, up to a constant, the same
        likelihood)."""
        if self.grouped:
            return (
                "the inference of a grouped binomial fit (trials=) takes none; refit "
                "on two rows a group, y = 1 with sample_weight = successes and y = 0 "
                "with trials - successes"
            )
        return (
            "call model.inference(X, y, sample_weight, offset, ...) with the data "
            "given to fit()"
        )

    @property
    def _pd(self) -> Any:
        """pandas when the fit had feature names (labelled tables), else None;
        imported on the first table built, not when the results are made
        (``logistic fit`` prints its summary without pandas)."""
        if not self._labelled:
            return None
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is optional
            return None
        return pd

    def _series(self, values: FloatArray) -> Any:
        """``values`` (display order) as a Series named by term, or the array."""
        if self._pd is None:
            return values
        return self._pd.Series(values, index=list(self.term_names))

    def _frame(self, values: FloatArray, columns: Any) -> Any:
        if self._pd is None:
            return values
        return self._pd.DataFrame(values, index=list(self.term_names), columns=columns)

    # -- covariance --------------------------------------------------------------
    @cached_property
    def _information(self) -> FloatArray:
        return self._stats.weight_sum * self._stats.hessian

    @cached_property
    def _constant_columns(self) -> list[str]:
        if not self.fit_intercept:
            return []
        mean, std = self._stats.mean, self._stats.std
        const = (std == 0) & (mean != 0)  # values all equal (and not all zero)
        return [self.feature_names[j] for j in np.flatnonzero(const)]

    @cached_property
    def _capacity(self) -> FloatArray:
        """``Σ s x_j² / 4`` per parameter (``Σs / 4`` for the intercept)."""
        mean, std = self._stats.mean, self._stats.std
        total = self._stats.weight_sum
        with np.errstate(over="ignore"):
            cap = 0.25 * total * np.hypot(std, mean) ** 2
        return np.append(cap, 0.25 * total) if self.fit_intercept else cap

    @cached_property
    def _cov(self) -> FloatArray:
        cov = self._cov_nonrobust
        if self.cov_type == "nonrobust":
            return cov * self.scale if self.scale != 1.0 else cov
        objective = self._data(f"cov_type={self.cov_type!r}")
        w, b = self._stats.split(self._theta)
        cov, self.cov_info = robust_covariance(
            cov,
            objective.data,
            w,
            b,
            fit_intercept=self.fit_intercept,
            cov_type=self.cov_type,
            nobs=self.nobs,
            rows=self._rows,
            groups=self._groups,
            sampling=self.sample_weight_kind == "sampling",
            k=self.k_params,
            mean_weight=self._stats.weight_sum / self._stats.labels.rows,
        )
        return cov

    @cached_property
    def _centred_covariance(self) -> Any:
        """This result's ``V`` in the centred coordinates of a Firth fit far
        from 0 (:class:`._prediction_interval.CentredCovariance`), where its
        ``x̃ᵀ V x̃`` and ``J V Jᵀ`` are computed; None otherwise."""
        from ._prediction_interval import CentredCovariance

        if self.cov_type != "nonrobust":  # Firth fits are nonrobust only
            return None
        _ = self._cov_nonrobust  # sets _nonrobust_centred where it inverts there
        cov_c = self._nonrobust_centred
        if cov_c is not None and self.scale != 1.0:
            cov_c = cov_c * self.scale
        return CentredCovariance.of(getattr(self._stats, "centred", None), cov_c)

    def _cov_display(self) -> FloatArray:
        return self._displayed(self._cov)

    def cov_params(self) -> Any:
        """Covariance matrix of ``params`` (display order), per ``cov_type``
        (a DataFrame indexed by ``term_names`` when named)."""
        return self._frame(self._cov_display(), list(self.term_names))

    def covariance(self) -> FloatArray:
        """:meth:`cov_params` as a plain array in ``term_names`` order (a
        copy; no DataFrame, so no pandas import)."""
        return self._cov_display()

    # -- coefficient table ---------------------------------------------------------
    def _params(self) -> FloatArray:
        return self._displayed(self._theta)

    @property
    def params(self) -> Any:
        """Coefficients, intercept first."""
        return self._series(self._params())

    def wald_table(self, alpha: float = 0.05) -> WaldTable:
        """The Wald table (:func:`logistic.inference.wald_table`) of this fit
        (plain arrays, display order)."""
        return wald_table(self._params(), self._cov_display(), alpha)

    @cached_property
    def _wald(self) -> WaldTable:
        return self.wald_table()

    @property
    def bse(self) -> Any:
        """Standard errors ``sqrt(diag V)``."""
        return self._series(self._wald.bse.copy())

    @property
    def zvalues(self) -> Any:
        """Wald z statistics ``params / bse``."""
        return self._series(self._wald.zvalues.copy())

    tvalues = zvalues

    @property
    def pvalues(self) -> Any:
        """Two-sided p-values ``2 Φ(-|z|)``."""
        return self._series(self._wald.pvalues.copy())

    def pvalues_lr(self) -> Any:
        """Per-coefficient likelihood-ratio p-values (display order).

        ``P(χ²(1) > 2 [ℓ*(β̂) - max_{β_j = 0} ℓ*])`` with ``ℓ*`` the
        log-likelihood (Firth: the penalized one with the full model's
        information, logistf's default tests). Each needs a constrained refit;
        the result is cached. Needs the training data.
        """
        return self._series(chi2_sf(self._lr_statistics, 1))

    @cached_property
    def _lr_statistics(self) -> FloatArray:
        from ._profile import profile_lr_statistics

        points = self._points("pvalues_lr() (a constrained refit for each term)")
        separated = self.separation is not None
        stats = profile_lr_statistics(points, self._theta, self._obj_names(), separated)
        return stats[self._perm]

    def _points(self, what: str = "a profile-likelihood computation") -> Any:
        """The likelihood at any parameters (Firth's penalized one for a Firth
        fit) over the training rows, for ``what`` (named in the error when
        the results have no rows; its words before `` (`` name the call in
        the robust-covariance warning)."""
        from ._hypothesis import warn_robust
        from ._profile import LikelihoodPoints

        self._refuse_pseudo("a likelihood-ratio test or profile interval")
        self._refuse_aliased("a likelihood-ratio test or profile interval")
        warn_robust(what.split(" (")[0], (self.cov_type,))
        if self.grouped:
            raise InvalidParameterError(
                f"profile intervals and LR p-values need rows: {self._remedy} (the "
                "same likelihood up to a constant: its profile intervals are R's "
                "confint of the grouped glm), or use the Wald intervals "
                "(method='wald')"
            )
        if self.firth_correction is not None:  # not Firth's estimate
            kind = self.firth_correction
            raise InvalidParameterError(
                f"{what} is not defined for a firth_correction={kind!r} fit, "
                "whose estimate is not the maximum of Firth's penalized "
                "likelihood: its inference is Wald; the penalized likelihood-ratio "
                "tests and profile intervals are the uncorrected Firth fit's "
                "(a refit without the correction)"
                + (", whose slopes FLIC keeps" if kind == "flic" else "")
            )
        objective = self._data(what)
        if self.method == "Firth":
            from .._firth_centred import centred_firth
            from ._profile import CentredPoints

            centred = centred_firth(objective)  # with an intercept, rows in memory
            if centred is not None:
                return CentredPoints(objective, centred)
            return FirthObjective(objective)
        return LikelihoodPoints(objective)

    def conf_int(
        self, alpha: float = 0.05, method: str = "wald", terms: Any = None
    ) -> Any:
        """Confidence intervals of shape (k, 2) (a DataFrame with columns
        ``0``, ``1`` indexed by ``term_names`` when named, as statsmodels).

        Parameters
        ----------
        alpha : float
            ``1 - alpha`` coverage.
        method : {"wald", "profile"}
            ``"wald"``: ``params ± z_{1-α/2} bse`` (R ``confint.default``).
            ``"profile"``: profile-likelihood intervals (R ``confint`` on a
            glm), with Firth's penalized likelihood for Firth fits (logistf).
        terms : list of str or int, optional
            With ``method="profile"``: profile only these terms (names of
            ``term_names`` or positions; R's ``parm``); the other rows are
            NaN. The cost is proportional to their number.
        """
        if method == "profile":  # (the Wald table checks alpha itself: once)
            from ._profile import profile_conf_int

            alpha = check_alpha(alpha)

            which = None
            if terms is not None:
                which = self._perm[term_positions(self.term_names, terms)]
            names = self._obj_names()
            points = self._points("conf_int(method='profile')")
            ci = profile_conf_int(points, self._theta, alpha, which, names)
            return self._frame(ci[self._perm], [0, 1])
        if terms is not None:
            raise InvalidParameterError(
                "terms= selects the coefficients to profile; it needs method='profile'"
            )
        if method != "wald":
            raise InvalidParameterError(
                f"method must be 'wald' or 'profile'; got {method!r}"
            )
        return self._frame(self.wald_table(alpha).conf_int, [0, 1])

    def to_dataframe(self, alpha: float = 0.05) -> Any:
        """The coefficient table as a pandas DataFrame indexed by ``term_names``.

        Columns ``coef``, ``std err``, ``z``, ``P>|z|`` and the Wald bounds
        ``[α/2`` and ``1-α/2]`` (pandas is an optional dependency).
        """
        return wald_frame(self.wald_table(alpha), self.term_names, index_name="term")

    # -- predictions, residuals, influence (_prediction_interval, _influence) -------
    def get_prediction(self, X: Any = None, offset: Any = None) -> PredictionResults:
        """Predictions with standard errors and intervals (statsmodels' name).

        ``X`` new rows (array, sparse matrix or DataFrame, as ``predict``),
        with their ``offset``; None: the training rows (needs the data given
        to ``inference``). Uses this result's covariance (any ``cov_type``).
        Returns a :class:`~logistic.inference.PredictionResults`
        (``predicted``, ``se``, ``conf_int(alpha)``, ``summary_frame(alpha)``);
        see :mod:`logistic.inference._prediction_interval`.
        """
        from ._prediction_interval import predict_rows, predict_training_rows

        if X is None:
            if offset is not None:
                raise InvalidParameterError(
                    "offset is given without X: the training rows carry their own"
                )
            if self.grouped and self._objective is None:
                raise InvalidParameterError(
                    "get_prediction() of a grouped binomial fit (trials=) needs X, "
                    "the groups' rows: its inference keeps none"
                )
            backend = self._data("get_prediction() without X").data
            return predict_training_rows(
                backend,
                self._theta,
                self._cov,
                self.fit_intercept,
                self._row_labels,
                self._centred_covariance,
            )
        est, centred = self._estimability, self._centred_covariance
        return predict_rows(self.model, X, self._theta, self._cov, offset, est, centred)

    # -- odds ratios and goodness of fit (conventions in _odds, _goodness) ------------
    def odds_ratios(
        self, alpha: float = 0.05, method: str = "wald", terms: Any = None
    ) -> OddsRatioTable:
        """Odds ratios ``exp(coef)`` with ``exp``'d ``"wald"`` or ``"profile"``
        bounds (an :class:`OddsRatioTable`; see :mod:`._odds`); ``terms``
        (names of ``term_names`` or positions) keeps those rows only, in
        display order, and profiles only them."""
        from ._odds import odds_ratio_table, table_rows
        from ._order import term_positions

        ci = self.conf_int(alpha, "profile", terms) if method == "profile" else None
        note = FIRTH_OR_TESTS if self.method == "Firth" else ""
        if self.firth_correction is not None:  # no penalized tests (refuse_data)
            note = f" {self.firth_correction.upper()} fit: z and P>|z| are Wald tests."
        table = odds_ratio_table(
            self.term_names, self.wald_table(alpha), ci, method, tests_note=note
        )
        if terms is None:
            return table
        rows = sorted(set(term_positions(self.term_names, terms).tolist()))
        return table_rows(table, rows)

    @cached_property
    def _fitted_pairs(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        from ._goodness import GROUPED_HL, fitted_pairs

        if self.grouped:
            raise InvalidParameterError(GROUPED_HL)
        w, b = self._stats.split(self._theta)
        return fitted_pairs(self._data("the Hosmer-Lemeshow test").data, w, b)

    def hosmer_lemeshow(
        self, groups: int = 10, method: str = "stata"
    ) -> HosmerLemeshowResult:
        """The Hosmer–Lemeshow test of the training rows (a
        :class:`HosmerLemeshowResult`; grouping rules and the one pass over any
        backend in :mod:`._goodness`)."""
        from ._goodness import hosmer_lemeshow

        self._refuse_frequencies(
            "hosmer_lemeshow()", "its statistic grows with the weights' scale "
            "(Stata's estat gof is not appropriate after svy)",
        )  # fmt: skip
        return hosmer_lemeshow(*self._fitted_pairs, groups=groups, method=method)

    def goodness_of_fit(self) -> GoodnessOfFit:
        """Deviance and Pearson tests (a :class:`GoodnessOfFit`; a note instead
        for 0/1 data, see :mod:`._goodness`)."""
        from ._goodness import goodness_of_fit

        return goodness_of_fit(
            self.deviance, self.pearson_chi2, self.df_resid, self.grouped
        )

    def summary(
        self, alpha: float = 0.05, title: str | None = None, odds_ratios: Any = False
    ) -> Summary:
        """A :class:`~logistic.inference.Summary` (text, HTML, Markdown);
        ``odds_ratios=True``/``"wald"``/``"profile"`` shows odds ratios. A
        Firth fit's profile intervals and penalized LR tests share one
        centred copy of the rows (:func:`logistic._firth_centred.shared_copy`)."""
        from contextlib import nullcontext

        from .._firth_centred import shared_copy
        from ._summary import Summary

        rows = self._objective if self.method == "Firth" else None
        with shared_copy(rows) if rows is not None else nullcontext():
            return Summary(self, alpha=alpha, title=title, odds_ratios=odds_ratios)

    def __repr__(self) -> str:
        kind = "grouped " if self.grouped else ""
        return (
            f"<InferenceResults {kind}{self.method}, cov_type={self.cov_type!r}, "
            f"nobs={self.nobs:g}, k={self.k_params}>"
        )
