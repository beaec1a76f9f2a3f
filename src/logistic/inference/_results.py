"""Inference for a fitted :class:`~logistic.LogisticRegression`.

Conventions (owned here):

* The estimator does not keep its training data (it would keep a possibly
  huge X alive). Inference therefore takes the training data **again**:
  ``fit_inference(model, X, y, sample_weight, offset)``. The data are checked
  against the fit: the number of features (and names), the labels, and the
  gradient of the fitted objective, which must be ≈ 0 at the fitted
  coefficients (within ``10·max(tol_, final gradient norm of the fit)`` in
  the solvers' standardized max-norm); otherwise an error says that the data
  differ from the training data.
* Arrays are in display order: intercept first (named ``"Intercept"``), then
  the features, named by ``feature_names_in_`` or ``x1 … xp`` (statsmodels).
* Sample weights are frequency weights: ``nobs = Σ s_i``; see
  :mod:`logistic.inference._covariance` for every ``cov_type`` formula.
* Log-likelihood ``ℓ = -Σ s_i L(y_i, z_i)``; saturated log-likelihood
  ``ℓ_sat = Σ s_i [y_i log y_i + (1-y_i) log(1-y_i)]`` (0 for 0/1 labels);
  ``deviance = 2(ℓ_sat - ℓ)``; ``AIC = -2ℓ + 2k``, ``BIC = -2ℓ + k log(nobs)``
  (k = number of parameters); McFadden ``pseudo R² = 1 - ℓ/ℓ_0``.
* The null model ``ℓ_0`` keeps the offset and weights: intercept only when
  the model has an intercept (fitted with the Newton solver), otherwise
  ``z = offset`` with no parameter (R's ``glm`` null deviance).
  ``df_model = k - 1`` with an intercept (``k`` without), ``df_resid = nobs - k``.
* Penalized (L1/L2) fits are refused: their standard errors are not those
  of the reported estimates. Firth fits (``penalty="firth"``) are accepted
  with ``cov_type="nonrobust"``: ``V = I(β̂)⁻¹`` at Firth's estimate (as
  logistf), Wald z-tests and intervals; profile penalized-likelihood
  intervals with ``conf_int(method="profile")``. ``llf`` is then the
  ordinary log-likelihood at β̂ and ``llf_penalized = ℓ + ½ log det I``.
"""

from __future__ import annotations

import warnings
from functools import cached_property
from typing import Any

import numpy as np
from scipy import stats

from .._exceptions import (
    ConvergenceWarning,
    InvalidParameterError,
    PerfectSeparationWarning,
    user_stacklevel,
)
from .._objective import LogisticObjective
from .._scaling import column_moments
from .._typing import Block, FloatArray
from ..solvers import get_solver
from ..solvers.firth import FirthObjective
from ._checks import check_matches_fit, penalty_of, prepare
from ._checks import separation as separation_of
from ._covariance import COV_TYPES, invert_information, robust_covariance
from ._hypothesis import LRTestResult, WaldTestResult, lr_test, wald_test

__all__ = ["InferenceResults", "fit_inference"]

F64 = np.float64


def _xlogx(v: FloatArray) -> FloatArray:
    out = np.zeros_like(v)
    pos = v > 0
    out[pos] = v[pos] * np.log(v[pos])
    return out


class InferenceResults:
    """Estimates, standard errors, tests and fit statistics of one fit.

    Built by :func:`fit_inference` (or ``LogisticRegression.inference``).
    Quantities are computed on first access and cached. Array attributes are
    in display order (``term_names``: intercept first). The object refers to
    (never copies) the data it was given, for the lazily computed quantities
    (null model, robust covariances, profile intervals), while it lives.

    Attributes
    ----------
    params, bse, zvalues (alias tvalues), pvalues : ndarray of shape (k,)
    term_names : list of str
    cov_type : str
    nobs : float
        ``Σ s_i`` (frequency weights).
    df_model, df_resid : float
    llf, llnull, deviance, null_deviance, aic, bic : float
    pseudo_rsquared (alias prsquared) : float
        McFadden's ``1 - llf/llnull``.
    llr, llr_pvalue : float
        LR statistic of the model against the null model, and its p-value.
    method : {"MLE", "Firth"}
    converged : bool
    separation : {None, "complete", "quasi-complete", "suspected"}
        Separation reported by the fit (``separation_``) or suspected from
        fitted logits beyond ±30; a :class:`PerfectSeparationWarning` is
        issued and the summary carries a note.
    """

    def __init__(
        self,
        model: Any,
        objective: LogisticObjective,
        data: Block,
        theta: FloatArray,
        *,
        cov_type: str,
        groups: Any,
        firth: bool,
        names: list[str],
    ) -> None:
        self.model = model
        self._objective = objective
        self._data = data
        self._theta = theta
        self.cov_type = cov_type
        self._groups = groups
        self.method = "Firth" if firth else "MLE"
        self.feature_names = names
        self.fit_intercept = objective.fit_intercept
        p = objective.n_features
        self._perm = np.r_[p, 0:p] if self.fit_intercept else np.arange(p)
        self.term_names = (["Intercept"] if self.fit_intercept else []) + list(names)
        self.k_params = objective.n_params
        self.nobs = float(objective.weight_sum)
        self.df_model = float(self.k_params - int(self.fit_intercept))
        self.df_resid = self.nobs - self.k_params
        self.converged = bool(getattr(model, "converged_", True))
        self.n_iter = int(np.ravel(getattr(model, "n_iter_", [0]))[0])
        self.solver = str(getattr(model, "solver_", ""))
        self.cov_info: dict[str, Any] = {}
        self.separation: str | None = None

    # -- data ------------------------------------------------------------------
    @property
    def _block(self) -> Block:
        """All rows given for inference (X, y in {0, 1}, weights, offset)."""
        return self._data

    def _obj_names(self) -> list[str]:
        return list(self.feature_names) + (["Intercept"] if self.fit_intercept else [])

    # -- covariance --------------------------------------------------------------
    @cached_property
    def _information(self) -> FloatArray:
        return self._objective.weight_sum * self._objective.hessian(self._theta)

    @cached_property
    def _constant_columns(self) -> list[str]:
        if not self.fit_intercept:
            return []
        mean, std = column_moments(self._objective)
        const = (std == 0) & (mean != 0)  # values all equal (and not all zero)
        return [self.feature_names[j] for j in np.flatnonzero(const)]

    @cached_property
    def _capacity(self) -> FloatArray:
        """``Σ s x_j² / 4`` per parameter (``Σs / 4`` for the intercept)."""
        mean, std = column_moments(self._objective)
        total = self._objective.weight_sum
        with np.errstate(over="ignore"):
            cap = 0.25 * total * np.hypot(std, mean) ** 2
        return np.append(cap, 0.25 * total) if self.fit_intercept else cap

    @cached_property
    def _cov_nonrobust(self) -> FloatArray:
        cov, self.rcond = invert_information(
            self._information,
            self._obj_names(),
            constant_columns=self._constant_columns,
            capacity=self._capacity,
        )
        return cov

    @cached_property
    def _cov(self) -> FloatArray:
        cov = self._cov_nonrobust
        if self.cov_type == "nonrobust":
            return cov
        w, b = self._objective.split(self._theta)
        cov, self.cov_info = robust_covariance(
            cov,
            self._block,
            w,
            b,
            fit_intercept=self.fit_intercept,
            cov_type=self.cov_type,
            nobs=self.nobs,
            groups=self._groups,
        )
        return cov

    def cov_params(self) -> FloatArray:
        """Covariance matrix of ``params`` (display order), per ``cov_type``."""
        return self._cov[np.ix_(self._perm, self._perm)].copy()

    # -- coefficient table ---------------------------------------------------------
    @property
    def params(self) -> FloatArray:
        """Coefficients, intercept first."""
        return self._theta[self._perm].copy()

    @cached_property
    def bse(self) -> FloatArray:
        """Standard errors ``sqrt(diag V)``."""
        return np.sqrt(np.diag(self.cov_params()))

    @property
    def zvalues(self) -> FloatArray:
        """Wald z statistics ``params / bse``."""
        return self.params / self.bse

    tvalues = zvalues

    @property
    def pvalues(self) -> FloatArray:
        """Two-sided p-values ``2 Φ(-|z|)``."""
        return 2.0 * stats.norm.sf(np.abs(self.zvalues))

    def pvalues_lr(self) -> FloatArray:
        """Per-coefficient likelihood-ratio p-values (display order).

        ``P(χ²(1) > 2 [ℓ*(β̂) - max_{β_j = 0} ℓ*])`` with ``ℓ*`` the
        log-likelihood (Firth: the penalized one with the full model's
        information, logistf's default tests). Each needs a constrained refit;
        the result is cached.
        """
        return stats.chi2.sf(self._lr_statistics, 1)

    @cached_property
    def _lr_statistics(self) -> FloatArray:
        from ._profile import profile_lr_statistics

        return profile_lr_statistics(self._points(), self._theta)[self._perm]

    def _points(self) -> Any:
        from ._profile import LikelihoodPoints

        if self.method == "Firth":
            return FirthObjective(self._objective)
        return LikelihoodPoints(self._objective)

    def conf_int(self, alpha: float = 0.05, method: str = "wald") -> FloatArray:
        """Confidence intervals of shape (k, 2).

        Parameters
        ----------
        alpha : float
            ``1 - alpha`` coverage.
        method : {"wald", "profile"}
            ``"wald"``: ``params ± z_{1-α/2} bse`` (R ``confint.default``).
            ``"profile"``: profile-likelihood intervals (R ``confint`` on a
            glm), with Firth's penalized likelihood for Firth fits (logistf).
        """
        if not 0 < alpha < 1:
            raise InvalidParameterError(f"alpha must be in (0, 1); got {alpha!r}")
        if method == "profile":
            from ._profile import profile_conf_int

            return profile_conf_int(self._points(), self._theta, alpha)[self._perm]
        if method != "wald":
            raise InvalidParameterError(
                f"method must be 'wald' or 'profile'; got {method!r}"
            )
        half = stats.norm.isf(alpha / 2.0) * self.bse
        return np.column_stack([self.params - half, self.params + half])

    def to_dataframe(self, alpha: float = 0.05) -> Any:
        """The coefficient table as a pandas DataFrame indexed by ``term_names``.

        Columns ``coef``, ``std err``, ``z``, ``P>|z|`` and the Wald bounds
        ``[α/2`` and ``1-α/2]`` (pandas is an optional dependency).
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is optional
            raise ImportError(
                "to_dataframe() needs pandas (pip install pandas)"
            ) from exc
        ci = self.conf_int(alpha)
        return pd.DataFrame(
            {
                "coef": self.params,
                "std err": self.bse,
                "z": self.zvalues,
                "P>|z|": self.pvalues,
                f"[{alpha / 2:g}": ci[:, 0],
                f"{1 - alpha / 2:g}]": ci[:, 1],
            },
            index=pd.Index(self.term_names, name="term"),
        )

    # -- likelihoods ------------------------------------------------------------------
    @cached_property
    def llf(self) -> float:
        """Log-likelihood ``-Σ s_i L(y_i, z_i)`` at ``params``."""
        return -self.nobs * self._objective.value(self._theta)

    @cached_property
    def llf_penalized(self) -> float:
        """Firth's penalized log-likelihood ``ℓ + ½ log det I`` at ``params``."""
        return FirthObjective(self._objective).penalized_loglik(self._theta)

    @cached_property
    def _ll_saturated(self) -> float:
        y = np.asarray(self._data.y, dtype=F64)
        s = self._data.sample_weight
        v = _xlogx(y) + _xlogx(1.0 - y)
        return float(np.sum(v) if s is None else np.dot(s.astype(F64), v))

    @cached_property
    def llnull(self) -> float:
        """Log-likelihood of the null model (same offset and weights)."""
        d = self._data
        n = d.n_rows
        null = LogisticObjective.from_arrays(
            np.zeros((n, 0), dtype=d.X.dtype),
            d.y,
            d.sample_weight,
            d.offset,
            fit_intercept=self.fit_intercept,
        )
        if not self.fit_intercept:
            return -self.nobs * null.value(np.zeros(0))
        y = np.asarray(d.y, dtype=F64)
        s = d.sample_weight
        ybar = float(np.mean(y) if s is None else np.dot(s, y) / np.sum(s))
        if ybar <= 0.0 or ybar >= 1.0:
            return 0.0
        theta0 = np.array([np.log(ybar) - np.log1p(-ybar)])
        if d.offset is not None:
            tol = float(getattr(self.model, "tol_", 1e-10))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                theta0 = (
                    get_solver("newton")(tol=tol, max_iter=200).solve(null, theta0).coef
                )
        return -self.nobs * null.value(theta0)

    @property
    def deviance(self) -> float:
        """``2 (ℓ_sat - ℓ)`` (``-2ℓ`` for 0/1 labels)."""
        return 2.0 * (self._ll_saturated - self.llf)

    @property
    def null_deviance(self) -> float:
        """``2 (ℓ_sat - ℓ_0)``."""
        return 2.0 * (self._ll_saturated - self.llnull)

    @property
    def aic(self) -> float:
        """``-2ℓ + 2k``."""
        return -2.0 * self.llf + 2.0 * self.k_params

    @property
    def bic(self) -> float:
        """``-2ℓ + k log(nobs)``."""
        return -2.0 * self.llf + self.k_params * np.log(self.nobs)

    @property
    def pseudo_rsquared(self) -> float:
        """McFadden's ``1 - ℓ/ℓ_0``."""
        return 1.0 - self.llf / self.llnull

    prsquared = pseudo_rsquared

    @property
    def llr(self) -> float:
        """LR statistic against the null model, ``2 (ℓ - ℓ_0)``."""
        return 2.0 * (self.llf - self.llnull)

    @property
    def llr_pvalue(self) -> float:
        """``P(χ²(df_model) > llr)``."""
        return float(stats.chi2.sf(self.llr, self.df_model))

    # -- tests ---------------------------------------------------------------
    def wald_test(self, R: Any, q: Any = None) -> WaldTestResult:
        """Wald χ² test of ``R β = q`` (matrix, or text like ``"rank3 = rank4"``).

        See :mod:`logistic.inference._hypothesis` for the syntax and formula;
        uses ``cov_params()`` of this result's ``cov_type``.
        """
        return wald_test(self.params, self.cov_params(), R, q, self.term_names)

    def lr_test(self, other: InferenceResults) -> LRTestResult:
        """Likelihood-ratio test against another fit nested in (or nesting) this one."""
        if not isinstance(other, InferenceResults):
            raise InvalidParameterError("lr_test needs another InferenceResults")
        if other.method != self.method:
            raise InvalidParameterError(
                f"cannot compare a {self.method} fit with a {other.method} fit"
            )
        attr = "llf_penalized" if self.method == "Firth" else "llf"
        return lr_test(
            getattr(self, attr),
            self.k_params,
            getattr(other, attr),
            other.k_params,
            self.nobs,
            other.nobs,
        )

    def summary(self, alpha: float = 0.05, title: str | None = None) -> Any:
        """A :class:`~logistic.inference.Summary` (text, HTML, Markdown)."""
        from ._summary import Summary

        return Summary(self, alpha=alpha, title=title)

    def __repr__(self) -> str:
        return (
            f"<InferenceResults {self.method}, cov_type={self.cov_type!r}, "
            f"nobs={self.nobs:g}, k={self.k_params}>"
        )


def fit_inference(
    model: Any,
    X: Any,
    y: Any,
    sample_weight: Any = None,
    offset: Any = None,
    *,
    cov_type: str = "nonrobust",
    groups: Any = None,
) -> InferenceResults:
    """Statistical inference for a fitted ``LogisticRegression``.

    Parameters
    ----------
    model : LogisticRegression
        Fitted without penalty (maximum likelihood) or with ``penalty="firth"``.
    X, y, sample_weight, offset :
        Exactly the data given to ``fit`` (the estimator does not store
        them); checked against the fit.
    cov_type : {"nonrobust", "HC0", "HC1", "cluster"}
        See :mod:`logistic.inference._covariance` for the formulas.
    groups : array-like of shape (n_samples,), optional
        Cluster labels, required for (and only for) ``cov_type="cluster"``.

    Returns
    -------
    InferenceResults

    Raises
    ------
    InvalidParameterError
        Penalized (L1/L2) fit, unknown ``cov_type``, or a robust ``cov_type``
        with a Firth fit.
    DataValidationError
        The data do not match the fit; ``CollinearityError`` (a subclass)
        when columns are collinear or constant.

    Examples
    --------
    >>> from logistic import LogisticRegression, datasets
    >>> X, y, names = datasets.load_ucla_admissions()
    >>> model = LogisticRegression().fit(X, y)
    >>> res = fit_inference(model, X, y)
    >>> round(float(res.bse[0]), 6)
    1.139951
    """
    if not hasattr(model, "coef_"):
        raise InvalidParameterError("the model is not fitted; call fit() first")
    if cov_type not in COV_TYPES:
        raise InvalidParameterError(
            f"The 'cov_type' parameter must be one of {list(COV_TYPES)}. "
            f"Got {cov_type!r} instead."
        )
    firth = getattr(model, "penalty", None) == "firth"
    if firth and cov_type != "nonrobust":
        raise InvalidParameterError(
            "Firth fits support cov_type='nonrobust' only (the inverse Fisher "
            f"information at Firth's estimate, as logistf); got {cov_type!r}"
        )
    X, y01, sw, off = prepare(model, X, y, sample_weight, offset)
    n, p = X.shape
    fitted_names = getattr(model, "feature_names_in_", None)
    if not firth:
        l1, l2 = penalty_of(model, float(n if sw is None else np.sum(sw)))
        if l1 > 0 or l2 > 0:
            raise InvalidParameterError(
                f"inference is refused for a penalized fit (penalty={model.penalty!r}, "
                f"l1={l1:.3g}, l2={l2:.3g}): standard errors and p-values of penalized "
                "estimates are not those of the reported coefficients. Refit with "
                "penalty=None (maximum likelihood) or penalty='firth'."
            )
    data = Block(X, y01.astype(X.dtype), sw, off)
    objective = LogisticObjective.from_arrays(
        data.X, data.y, sw, off, fit_intercept=bool(model.fit_intercept)
    )
    coef = np.asarray(model.coef_, dtype=F64).ravel()
    theta = np.append(coef, float(model.intercept_[0])) if model.fit_intercept else coef
    converged = bool(getattr(model, "converged_", True))
    if not converged:
        warnings.warn(
            "the model did not converge; inference at these coefficients is unreliable",
            ConvergenceWarning,
            stacklevel=user_stacklevel(),
        )
    check_matches_fit(model, objective, theta, firth)
    separation = None if firth else separation_of(model, data, objective, theta)
    if separation:
        warnings.warn(
            f"the training data are separated ({separation}): the "
            "maximum-likelihood estimate does not exist, so these coefficients, "
            "standard errors and p-values are meaningless (the standard errors of "
            "the diverging coefficients are huge). Refit with penalty='firth'.",
            PerfectSeparationWarning,
            stacklevel=user_stacklevel(),
        )
    names = (
        [str(v) for v in fitted_names]
        if fitted_names is not None
        else [f"x{j + 1}" for j in range(p)]
    )
    res = InferenceResults(
        model,
        objective,
        data,
        theta,
        cov_type=cov_type,
        groups=groups,
        firth=firth,
        names=names,
    )
    res.separation = separation
    res.cov_params()  # fail now (collinearity, groups) rather than on first access
    return res
