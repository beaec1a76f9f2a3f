"""Inference for an unpenalized multinomial fit (K > 2 classes), per equation.

Convention (owned here), statsmodels ``MNLogit``'s: the reference
parametrization (:mod:`logistic._multinomial`, first class fixed at 0) has
``K-1`` equations, equation ``k`` the log-odds of ``classes_[k]`` against
``classes_[0]``. With ``J`` the mean loss, ``Σs`` the total weight and
``θ̂`` the optimum,

* the covariance is the inverse observed information ``(Σs ∇²J(θ̂))⁻¹``
  (model-based, ``cov_type="nonrobust"``), of size ``(K-1)q`` square in the
  objective's order (equation by equation, intercept last in each);
* robust and cluster covariances (``"HC0"``, ``"HC1"``, ``"cluster"``) are
  the sandwiches of :mod:`logistic.inference._multinomial_data`, from the
  training data given again;
* standard errors, z, p-values and intervals are
  :func:`logistic.inference.wald_table`'s;
* tests (:mod:`logistic.inference._hypothesis`): the parameter named
  ``"{class_k}:{term}"`` is term ``term`` of equation k; ``wald_test``
  takes ``R θ = r`` as a matrix over the flat parameters or as text in these
  names (backquoted where a name starts with a digit, e.g.
  ``"`2:age` = `3:age`"``); ``wald_test_terms`` tests each term jointly in
  all ``K-1`` equations (``K-1`` degrees of freedom, statsmodels'
  ``wald_test`` with those rows); ``lr_test`` compares nested multinomial
  fits of the same rows, ``2 (ℓ_full - ℓ_restricted) ~ χ²(Δk)``;
* ``llf = -Σs J(θ̂)``; ``llnull`` the intercept-only model's
  ``Σ_k t_k log(t_k / Σs)`` (``t_k`` the total weight of class k; offsets
  are not part of it), for a fit without an intercept only where its
  columns span the constant, else every logit 0 beside the offset (the
  two-class rule, :mod:`logistic.inference._stored`); ``aic = -2 llf + 2 k``
  and ``bic = -2 llf + k log Σs`` with ``k = (K-1) q`` parameters;
  ``df_model = (K-1)(q-1)`` for an intercept-only null, ``(K-1) q`` else;
  ``pseudo_rsquared = 1 - llf / llnull`` (McFadden); ``llr = 2 (llf -
  llnull)`` with its χ²(``df_model``) p-value ``llr_pvalue``.

What ``fit`` keeps (:class:`MultinomialStatistics`, in ``fit_statistics_``):
the information at the optimum, ``Σs``, the class totals and ``llf``, one
pass over the data, for fits of at most ``MAX_STORED_PARAMS`` parameters,
so ``summary()`` needs no data; also the column means and mean offsets
(``get_margeff(at="mean")``). Relative-risk ratios (``odds_ratios``,
``summary(odds_ratios=True)``) are :mod:`._odds`'s table over the flat
parameters; marginal effects on every class probability are
:mod:`._multinomial_margins`'s (over a grid of set values,
:mod:`._multinomial_grid`'s), predictive margins of every class
:mod:`._multinomial_predictive`'s. Profile intervals, LR p-values per
parameter, predictions with intervals, influence and goodness-of-fit tests
are two-class only: :mod:`._multinomial_refusals` says why and what works
instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._exceptions import (
    InvalidParameterError,
    warn,
)
from .._feature_names import positional_names
from .._fitted_params import fitted_param
from .._labels import labels_shown
from .._separation_kinds import SEPARATION_FOUND, separation_unchecked
from .._typing import Backend, FloatArray
from ._checks import check_memory, penalty_of, refuse_stream, warn_class_weight
from ._covariance import (
    check_cov_request,
    sandwich,
    warn_few_clusters,
)
from ._hypothesis import (
    LRTestResult,
    TermTests,
    WaldTestResult,
    chi2_sf,
    lr_test,
    term_columns,
    wald_test,
)
from ._multinomial_covariance import invert_multinomial
from ._multinomial_data import (
    RobustMeat,
    multinomial_from_data,
    null_model,
    statistics_pass,
)
from ._multinomial_refusals import BinaryOnlyMethods, refusal
from ._multinomial_summary import MultinomialSummary
from ._odds import OddsRatioTable, odds_ratio_table, table_rows
from ._order import equations_display_order
from ._same_data import check_same_class_data
from ._stored import MAX_STORED_PARAMS
from ._wald import WaldTable, wald_frame, wald_table

__all__ = [
    "MultinomialInference",
    "MultinomialStatistics",
    "collect_multinomial",
    "multinomial_inference",
]


@dataclass(frozen=True)
class MultinomialStatistics:
    """What inference needs of the data, kept by ``fit`` (see module)."""

    information: FloatArray
    weight_sum: float
    class_totals: FloatArray
    llf: float
    n_samples: int
    mean: FloatArray | None = None
    offset_mean: FloatArray | None = None
    #: Rows whose sample weight is not a whole number, a float (None: not
    #: counted, as in a model file written before the count was kept).
    fractional: float | None = None
    #: Rows of positive sample weight, an int (``n_samples`` counts the rows
    #: of weight 0 too); None in a model file written before it was kept.
    rows: int | None = None
    #: Whether the null model is intercept-only, for a fit without an
    #: intercept (True: its columns span the constant); None for a fit with
    #: one (and a model file written before it was kept: as fitted then).
    null_has_intercept: bool | None = None
    #: The null log-likelihood where it is not the class shares' (no
    #: intercept, columns not spanning the constant: every logit 0 beside
    #: the offset), else None.
    llnull: float | None = None


def collect_multinomial(
    objective: Any, theta: FloatArray
) -> tuple[MultinomialStatistics, tuple[FloatArray, FloatArray]] | None:
    """The statistics of an unpenalized (reference) fit at ``theta`` and the
    gradient and Hessian of its mean objective there, from one pass; None
    when the objective is penalized, symmetric or too large.

    The derivatives are the caller's to pass on (``fit`` hands them to the
    separation check at the same ``theta``, whose curvature certificate
    needs exactly them) and to drop; the statistics keep only the
    information, ``Σs`` times that Hessian."""
    if not objective.reference or objective.l2 != 0:
        return None
    if objective.n_params > MAX_STORED_PARAMS:
        return None
    fields, grad, hessian, _ = statistics_pass(objective, theta)  # one pass
    return MultinomialStatistics(**fields), (grad, hessian)


class MultinomialInference(BinaryOnlyMethods):
    """Per-equation estimates, standard errors and fit statistics.

    Every public method of the two-class ``InferenceResults`` is here with
    the same parameters; those without a K-class version raise
    ``MultiClassNotSupportedError`` saying why and what works instead
    (:mod:`._multinomial_refusals`).

    Attributes
    ----------
    classes : ndarray of shape (K,)
    equations : list of str
        ``"{class_k}"`` for k = 1 … K-1 (each against ``classes[0]``).
    target_name : str or None
        The target's name, for the summary's equation titles (``"species:
        versicolor vs setosa"``): the model's ``target_name_`` (a fit on a
        named pandas Series), None leaves it out.
    term_names : list of str
        The ``q`` terms of every equation (features, then ``"Intercept"``).
    param_names : list of str
        ``"{class_k}:{term}"`` for the ``(K-1) q`` flat parameters, equation by
        equation (the order of ``cov_params`` and of ``R``'s columns).
    params, bse, zvalues (alias tvalues), pvalues : ndarray of shape (K-1, q)
    cov_type : {"nonrobust", "HC0", "HC1", "cluster"}
    cov_info : dict
        ``factor`` (the small-sample factor applied) and ``n_groups``.
    llf, llnull, aic, bic, pseudo_rsquared (alias prsquared), nobs, df_model : float
    df_resid : float
        ``nobs - k_params`` (statsmodels ``MNLogit``'s).
    rcond : float
        Reciprocal condition of the equilibrated information (as for two
        classes).
    llr, llr_pvalue : float
        LR statistic against the intercept-only model and its p-value.
    k_params : int
        ``(K-1) q``.
    """

    def __init__(
        self,
        model: Any,
        stats: MultinomialStatistics,
        robust: RobustMeat | None = None,
        data: Backend | None = None,
    ) -> None:
        self._stats = stats
        self._data = data
        self.fit_intercept = bool(fitted_param(model, "fit_intercept"))
        self.classes = np.asarray(model.classes_)
        K, p = model.coef_.shape
        names = getattr(model, "feature_names_in_", None)
        self._named = names is not None  # else named by position: x1, x2, ...
        terms = (
            [str(n) for n in names]
            if names is not None
            else positional_names(p)
        )
        intercept = bool(fitted_param(model, "fit_intercept"))
        self._features = terms
        # one-hot terms' reference levels, which atexog may set (a fit on a
        # DataFrame with text columns keeps them in its encoding_)
        from ._margins import model_references

        self._references = model_references(model)
        self.term_names = terms + (["Intercept"] if intercept else [])
        rows = (
            np.column_stack([model.coef_, model.intercept_])
            if intercept
            else model.coef_
        )
        self._shape = (K - 1, len(self.term_names))
        self._flat = np.asarray(rows[1:], dtype=np.float64).ravel()
        self.equations = [str(c) for c in self.classes[1:]]
        # the fit's named target (estimator.fit), until the CLI names its own
        self.target_name: str | None = getattr(model, "target_name_", None)
        self.param_names = [f"{e}:{t}" for e in self.equations for t in self.term_names]
        separated = getattr(model, "separation_", None) in SEPARATION_FOUND
        cov, self.rcond = invert_multinomial(
            stats, self.param_names, terms, intercept, separated
        )
        self.cov_type = "nonrobust" if robust is None else robust.cov_type
        self.cov_info: dict[str, Any] = {"factor": 1.0, "n_groups": None}
        if robust is not None:
            cov = sandwich(robust.scale * cov, robust.meat, robust.factor)
            self.cov_info = {"factor": robust.factor, "n_groups": robust.n_groups}
            if robust.cov_type == "cluster":
                warn_few_clusters(robust.n_groups, int(self._flat.size))
        self._cov = cov
        table = self.wald_table()
        self.params = table.params.reshape(self._shape)
        self.bse = table.bse.reshape(self._shape)
        self.zvalues = table.zvalues.reshape(self._shape)
        self.pvalues = table.pvalues.reshape(self._shape)
        self.k_params = int(self._flat.size)
        k = float(self.k_params)
        self.nobs = stats.weight_sum
        self.llf = stats.llf
        null = null_model(stats, intercept, K, len(self.term_names))
        #: whether the null model is intercept-only (the class shares); None
        #: for a fit without an intercept from a model file written before
        #: it was kept (its null as fitted then)
        self.null_has_intercept: bool | None = null[1]
        self.llnull, self.df_model = null[0], null[2]
        self.df_resid = float(self.nobs - k)
        self.aic = -2.0 * self.llf + 2.0 * k
        self.bic = -2.0 * self.llf + k * np.log(stats.weight_sum)
        self.pseudo_rsquared = 1.0 - self.llf / self.llnull
        self.llr = 2.0 * (self.llf - self.llnull)
        self.llr_pvalue = float(chi2_sf(self.llr, self.df_model))
        self.converged = bool(getattr(model, "converged_", True))
        self.separation = getattr(model, "separation_", None)
        #: an unpenalized fit whose separation check did not run
        self.separation_unchecked = separation_unchecked(model)

    def cov_params(self) -> FloatArray:
        """The covariance of ``cov_type``, ``((K-1) q, (K-1) q)`` in
        ``param_names`` order (a copy)."""
        return self._cov.copy()

    def covariance(self) -> FloatArray:
        """:meth:`cov_params` (the same plain array, as the binary results'
        ``covariance()``)."""
        return self.cov_params()

    def wald_table(self, alpha: float = 0.05) -> WaldTable:
        """The flat Wald table (equation by equation)."""
        return wald_table(self._flat, self._cov, alpha)

    def conf_int(
        self, alpha: float = 0.05, method: str = "wald", terms: Any = None
    ) -> FloatArray:
        """Wald intervals of shape (K-1, q, 2) at level ``1 - alpha``;
        ``method="profile"`` (and with it ``terms``) is two-class only."""
        if method == "profile":
            raise refusal("conf_int(method='profile')")
        if method != "wald":
            raise InvalidParameterError(
                f"method must be 'wald' or 'profile'; got {method!r}"
            )
        if terms is not None:
            raise InvalidParameterError(
                "terms= selects the coefficients to profile; it needs "
                "method='profile', which is two-class only"
            )
        return self.wald_table(alpha).conf_int.reshape(*self._shape, 2)

    def to_dataframe(self, alpha: float = 0.05) -> Any:
        """The flat Wald table as a pandas DataFrame indexed by
        ``param_names`` (``"{class}:{term}"``, equation by equation), with the
        two-class table's columns (pandas is an optional dependency)."""
        return wald_frame(self.wald_table(alpha), self.param_names, index_name="term")

    # -- tests ---------------------------------------------------------------
    def wald_test(self, R: Any, q: Any = None) -> WaldTestResult:
        """Wald χ² test of ``R θ = q`` over the flat parameters (``param_names``
        order), with ``cov_params`` of this ``cov_type``; ``R`` a matrix or
        text such as ``"`2:age` = `3:age`, `2:educ` = 0"`` (see module)."""
        return wald_test(self._flat, self._cov, R, q, self.param_names)

    def t_test(self, R: Any, q: Any = None) -> Any:
        """Each row of ``R θ = q`` over the flat parameters (``param_names``
        order, as :meth:`wald_test`) estimated and tested alone: a
        :class:`~._contrasts.ContrastResults` (statsmodels' ``MNLogit``
        ``t_test``), e.g. ``t_test("`2:age` - `3:age`")``."""
        from ._coef_table import covariance_label
        from ._contrasts import contrasts

        cov = covariance_label(self)
        return contrasts(self._flat, self._cov, R, q, self.param_names, cov)

    @property
    def prsquared(self) -> float:
        """``pseudo_rsquared`` under statsmodels' name."""
        return self.pseudo_rsquared

    @property
    def tvalues(self) -> FloatArray:
        """``zvalues`` under statsmodels' name (normal, not t, statistics)."""
        return self.zvalues

    def wald_test_terms(self) -> TermTests[WaldTestResult]:
        """Per term, the joint Wald test that its coefficients are 0 in all
        ``K-1`` equations (df ``K-1`` times its columns: a factor's one-hot
        columns form one term, as for two classes), in ``term_names`` order."""
        m, q = self._shape
        eye = np.eye(m * q)
        return TermTests(
            {
                term: wald_test(
                    self._flat,
                    self._cov,
                    np.vstack([eye[j::q] for j in columns]),
                    None,
                    self.param_names,
                )
                for term, columns in term_columns(self.term_names).items()
            }
        )

    def lr_test_terms(self) -> TermTests[LRTestResult]:
        """Likelihood-ratio test per term, dropped from every equation (R's
        ``car::Anova(type = 3)`` of a ``multinom`` fit), ``χ²`` on ``(K-1) ×`` its
        columns; needs the training data (one refit per term,
        :mod:`._multinomial_lr`)."""
        from ._multinomial_lr import multinomial_lr_terms

        return multinomial_lr_terms(self)

    def lr_test(self, other: MultinomialInference) -> LRTestResult:
        """Likelihood-ratio test against another multinomial fit of the same
        rows and classes, nested in (or nesting) this one."""
        if not isinstance(other, MultinomialInference):
            raise InvalidParameterError(
                "lr_test of a multinomial fit needs another multinomial fit's "
                f"inference(); got {type(other).__name__}"
            )
        if not np.array_equal(other.classes, self.classes):
            raise InvalidParameterError(
                f"the models have different classes ({labels_shown(self.classes)} vs "
                f"{labels_shown(other.classes)}); a likelihood-ratio test needs the "
                "same target"
            )
        check_same_class_data(self, other)
        return lr_test(
            self.llf, self.k_params, other.llf, other.k_params, self.nobs, other.nobs
        )

    # -- relative-risk ratios and marginal effects ---------------------------
    def odds_ratios(
        self, alpha: float = 0.05, method: str = "wald", terms: Any = None
    ) -> OddsRatioTable:
        """Relative-risk ratios ``exp(coef)`` of every equation (Stata's
        ``mlogit, rrr``): the :class:`OddsRatioTable` of :mod:`._odds` over the
        flat parameters, named ``"{class}:{term}"``, equation by equation with
        each one's intercept first as in ``summary()``
        (:func:`._order.equations_display_order`), with Wald intervals
        ``exp(ci)`` and delta-method standard errors ``RRR · se``. ``terms``
        (term names of ``term_names``, or parameter names) keeps those rows
        only, in that order; ``method="profile"`` is binary-only."""
        if method == "profile":
            raise refusal("odds_ratios(method='profile')")
        table = odds_ratio_table(
            self.param_names,
            self.wald_table(alpha),
            method=method,
            label="RRR",
            reference=str(self.classes[0]),
        )
        shown = equations_display_order(
            len(self.equations), len(self.term_names), self.fit_intercept
        ).tolist()
        if terms is not None:
            kept = set(self._rows_of(terms))
            shown = [i for i in shown if i in kept]
        return table_rows(table, shown)

    def _rows_of(self, terms: Any) -> list[int]:
        """Flat positions of ``terms`` (term names, each in every equation, or
        parameter names)."""
        names = [terms] if isinstance(terms, str) else list(terms)
        q = len(self.term_names)
        rows: list[int] = []
        for name in names:
            if name in self.term_names:
                j = self.term_names.index(name)
                rows += [e * q + j for e in range(len(self.equations))]
            elif name in self.param_names:
                rows.append(self.param_names.index(name))
            else:
                raise InvalidParameterError(
                    f"terms names {name!r}, which is neither a term "
                    f"({', '.join(self.term_names)}) nor a parameter ('class:term')"
                )
        return sorted(set(rows))

    def get_margeff(
        self,
        at: str = "overall",
        method: str = "dydx",
        atexog: Any = None,
        dummy: Any = False,
        categorical: str = "levels",
    ) -> Any:
        """Marginal effects on every class probability with delta-method
        standard errors (a :class:`MultinomialMarginalEffects`, statsmodels
        ``MNLogit.get_margeff``'s ``(p, K)`` layout); conventions in
        :mod:`logistic.inference._multinomial_margins`. ``atexog`` sets
        columns (or one-hot terms, by their level) on every row first, as
        for two classes; a grid of values (a list for a column, or a list of
        mappings) gives the effects at each point, a
        :class:`~logistic.inference._multinomial_grid.MultinomialMarginalEffectsGrid`
        (:mod:`logistic.inference._multinomial_grid`)."""
        from ._margins_grid import is_grid
        from ._multinomial_grid import multinomial_effects_grid
        from ._multinomial_margins import multinomial_margins

        if is_grid(atexog):  # a list of values or of mappings: each point
            return multinomial_effects_grid(
                self, atexog, at=at, method=method, dummy=dummy, categorical=categorical
            )
        return multinomial_margins(self, at, method, dummy, categorical, atexog)

    def predictive_margins(
        self, atexog: Any = None, at: str = "overall", references: Any = None
    ) -> Any:
        """The average predicted probability of every class with covariates
        set to each point of the grid ``atexog`` (Stata's ``margins, at(...)``
        after ``mlogit``), delta-method standard errors from
        :meth:`cov_params`: a
        :class:`~logistic.inference._multinomial_predictive.MultinomialPredictiveMargins`
        (``margeff`` of shape (points, K)). ``atexog`` and ``references`` as
        the two-class ``predictive_margins``; ``at`` is ``"overall"`` (over
        the data given to ``inference(X, y, ...)``), ``"mean"`` or ``"zero"``.
        Conventions in :mod:`logistic.inference._multinomial_predictive`."""
        from ._multinomial_predictive import multinomial_predictive_margins

        return multinomial_predictive_margins(self, atexog, at, references)

    def summary(
        self,
        alpha: float = 0.05,
        title: str | None = None,
        odds_ratios: Any = False,
        estimates_only: bool = False,
    ) -> MultinomialSummary:
        """One coefficient block per equation, the intercept first (see
        :mod:`._multinomial_summary`), under ``title`` (default
        ``"Multinomial logistic regression results"``); ``odds_ratios=True``
        (or ``"wald"``) shows relative-risk ratios ``exp(coef)`` instead of
        the coefficients (Stata's ``mlogit, rrr``); ``estimates_only`` leaves
        out the standard errors, tests and intervals (the command line's
        table of a separated fit)."""
        from ._summary import _odds_method

        how = _odds_method(odds_ratios)
        if how == "profile":
            raise refusal("summary(odds_ratios='profile')")
        return MultinomialSummary(
            self, alpha, rrr=how is not None, estimates_only=estimates_only, title=title
        )

    def __repr__(self) -> str:
        # as InferenceResults' (Jupyter's and the console's echo of the result)
        return (
            f"<MultinomialInference MLE, cov_type={self.cov_type!r}, "
            f"nobs={self.nobs:g}, K={len(self.classes)}, k={self.k_params}>"
        )


def multinomial_inference(
    model: Any, *data: Any, cov_type: str = "nonrobust", groups: Any = None
) -> MultinomialInference:
    """``model.inference(X, y, sample_weight, offset, cov_type=, groups=)`` of a
    multinomial fit: without data from the statistics kept by ``fit``
    (``"nonrobust"`` only), else from the training data given again
    (:func:`logistic.inference._multinomial_data.multinomial_from_data`)."""
    check_cov_request(cov_type, groups)
    refuse_stream(model)
    _check_unpenalized(model)
    K, p = np.shape(model.coef_)
    check_memory((K - 1) * (p + int(fitted_param(model, "fit_intercept"))))
    if any(v is not None for v in data):
        fields, robust, backend = multinomial_from_data(model, data, cov_type, groups)
        given = MultinomialStatistics(**fields)
        warn_fractional(model, given)
        return MultinomialInference(model, given, robust, backend)
    if cov_type != "nonrobust":
        raise InvalidParameterError(
            f"cov_type={cov_type!r} needs the training data: pass X, y (and "
            "sample_weight, offset) exactly as given to fit(); without data only "
            "cov_type='nonrobust' is available"
        )
    stats = getattr(model, "fit_statistics_", None)
    if not isinstance(stats, MultinomialStatistics):
        k = (K - 1) * (p + int(fitted_param(model, "fit_intercept")))
        why = (
            f"fit keeps them for at most {MAX_STORED_PARAMS} parameters and this "
            f"model has {k}"
            if k > MAX_STORED_PARAMS
            else "this model carries none"
        )
        raise InvalidParameterError(
            "summary() and inference() without data need the statistics kept by "
            f"fit ({why}): pass X and y exactly as given to fit() (and "
            "sample_weight, offset), e.g. model.summary(X, y)"
        )
    warn_fractional(model, stats)
    return MultinomialInference(model, stats)


def warn_fractional(model: Any, stats: MultinomialStatistics) -> None:
    """Warn that non-integer sample weights are read as frequency weights,
    the only kind a K-class fit has (class weights get their own warning,
    :func:`logistic.inference._checks.warn_class_weight`).

    Every row with weight ``w_i`` counts as ``w_i`` observations: ``nobs =
    Σw`` and the model-based, HC0 and HC1 standard errors, the LR tests,
    AIC/BIC and pseudo R² assume ``Σw`` independent observations. The
    cluster sandwich with every row its own cluster is the sampling-weight
    one (meat ``Σ (w_i g_i)(w_i g_i)ᵀ`` times ``n/(n-1)``, Stata's ``mlogit
    [pw=]``), so the warning names it, and one-vs-rest binary fits, which
    take ``sample_weight_kind='sampling'``."""
    if fitted_param(model, "class_weight") is not None:
        warn_class_weight(model)  # their own warning, as for two classes
        return
    if not (stats.fractional or 0.0) > 0:
        return
    warn(
        f"{int(stats.fractional or 0):,} rows have non-integer sample weights: "
        "inference treats them as frequency weights (row i counts as w_i identical "
        "observations, as statsmodels' freq_weights), so nobs is Σw and the "
        "standard errors (nonrobust, HC0, HC1), LR tests, AIC/BIC and pseudo "
        "R-sq. assume Σw observations. Sampling weights (sample_weight_kind="
        "'sampling') are for two classes only: for survey or inverse-probability "
        "weights with more classes, cov_type='cluster' with every row its own "
        "group (groups=np.arange(n_rows)) gives their robust standard errors "
        "(Stata's mlogit [pw=]; the likelihood-based statistics stay invalid), "
        "or fit one-vs-rest binary models with sample_weight_kind='sampling'.",
        UserWarning,
    )


def _check_unpenalized(model: Any) -> None:
    """Refuse a penalized K-class fit by its penalty (with or without data):
    standard errors of penalized estimates are not those of its coefficients."""
    l1, l2 = penalty_of(model)
    if l1 == 0 and l2 == 0:
        return
    C = fitted_param(model, "C")
    strength = f"C={C!r}" if C is not None else f"l1={l1:.3g}, l2={l2:.3g}"
    raise InvalidParameterError(
        "a table of standard errors and tests (summary(), inference()) of a "
        "multi-class model needs an unpenalized fit; this one has "
        f"penalty={getattr(model, 'penalty', None)!r} ({strength}), whose "
        "estimates have no such standard errors. Refit with penalty=None for "
        "them; the penalized coefficients are in coef_ and intercept_."
    )
