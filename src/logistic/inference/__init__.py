"""Statistical inference for logistic regression: standard errors, tests, summaries.

Public entry points:

* :func:`fit_inference` (also ``LogisticRegression.inference``) →
  :class:`InferenceResults` (statsmodels-compatible names: ``params``, ``bse``,
  ``zvalues``, ``pvalues``, ``conf_int``, ``cov_params``, ``llf``, ``llnull``,
  ``deviance``, ``aic``, ``bic``, ``pseudo_rsquared``, ``wald_test``,
  ``lr_test``, ``pearson_chi2``, ...), without data from the statistics kept by
  ``fit`` (``fit_statistics_``, model-based covariance), or from arrays in
  memory or any backend: a file streamed out of core
  (:class:`logistic.backends.Chunked`) or Dask data; named (pandas) when the
  model knows its feature names;
* ``InferenceResults.wald_test`` → :class:`WaldTestResult`, ``lr_test`` →
  :class:`LRTestResult`, ``t_test`` → :class:`ContrastResults`, and
  ``wald_test_terms`` / ``lr_test_terms`` → :class:`TermTests` (a dict of
  those tests by term);
* :func:`wald_table` → :class:`WaldTable`: standard errors, z, p-values and
  intervals of estimates with a covariance matrix stored elsewhere;
* :class:`Summary` (``as_text``, ``as_html``, ``as_markdown``; odds ratios
  with ``summary(odds_ratios=True)``) and, for K classes,
  :class:`MultinomialSummary` with the same three renderings;
* :func:`hosmer_lemeshow` → :class:`HosmerLemeshowResult` for any labels and
  fitted probabilities (``InferenceResults.hosmer_lemeshow`` on the training
  data); :class:`GoodnessOfFit` (``InferenceResults.goodness_of_fit``) and
  :class:`OddsRatioTable` (``InferenceResults.odds_ratios``);
* ``InferenceResults.get_margeff(...)`` → :class:`MarginalEffects`: average
  marginal effects, effects at the means or at given values, discrete
  changes of dummies and one-hot levels, delta-method standard errors
  (conventions in ``_margins``, per-block sums in ``_margins_sums``); over a
  grid of set values → :class:`MarginalEffectsGrid` (``_margins_grid``);
  ``InferenceResults.predictive_margins(...)`` → :class:`PredictiveMargins`:
  average predicted probabilities over a grid of set values (Stata's
  ``margins, at(...)``; ``_predictive_margins``);
* :func:`predict_interval` (also ``LogisticRegression.predict_interval``) and
  ``InferenceResults.get_prediction`` → :class:`PredictionResults`:
  predictions with standard errors and intervals; ``InferenceResults``'
  ``resid_*`` and ``get_influence()`` → :class:`Influence` (leverage, Cook's
  distance, DFBETAS, most influential rows); conventions in
  ``_prediction_interval``, ``_model_interval`` and ``_influence``;
* :func:`display_order` / :func:`intercept_first`: the one owner of the
  intercept-first display order (the objective stores the intercept last);
* :class:`MultinomialInference` (``inference()`` of a fit of K > 2 classes):
  per-equation tables, ``"nonrobust"``, ``"HC0"``, ``"HC1"`` and
  ``"cluster"`` covariances, ``wald_test``, ``wald_test_terms``, ``lr_test``
  (conventions in ``_multinomial``; the data given again and the robust
  sandwiches in ``_multinomial_data``).

Conventions live in the private modules' docstrings: which data and how many
passes in ``_fit``, covariance types and frequency weights in
``_covariance``, the Wald table in ``_wald``, hypotheses in ``_hypothesis``,
fit statistics and the null model in ``_results``, the passes over a backend
in ``_passes``, the check that the data are the training data in
``_checks``, aliased (exactly collinear) columns dropped as R's ``glm``
in ``_aliased``, profile-likelihood intervals in ``_profile``, odds ratios in
``_odds``, Hosmer–Lemeshow and goodness-of-fit tests in ``_goodness``, rendering in
``_summary``, what ``fit`` keeps for inference without data in ``_stored``.
Firth's penalized objective is :mod:`logistic._firth`, its solver
:mod:`logistic.solvers.firth`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._checks import NotTrainingDataError
    from ._contrasts import ContrastResults
    from ._covariance import COV_TYPES, CollinearityError
    from ._fit import fit_inference
    from ._goodness import GoodnessOfFit, HosmerLemeshowResult, hosmer_lemeshow
    from ._hypothesis import LRTestResult, TermTests, WaldTestResult, parse_constraints
    from ._influence import Influence
    from ._margins_grid_results import MarginalEffectsGrid
    from ._margins_results import MarginalEffects
    from ._model_interval import predict_interval, stored_prediction
    from ._multinomial import MultinomialInference
    from ._multinomial_summary import MultinomialSummary
    from ._odds import OddsRatioTable
    from ._order import display_order, intercept_first
    from ._prediction_interval import PredictionResults
    from ._predictive_results import PredictiveMargins
    from ._results import InferenceResults
    from ._summary import Summary
    from ._wald import WaldTable, wald_table

#: Public name -> the private module that defines it; imported on first use
#: (``fit`` keeps its statistics through ``_stored`` without loading the
#: margins, influence, goodness-of-fit or multinomial modules).
_LAZY = {
    "ContrastResults": "_contrasts",
    "COV_TYPES": "_covariance",
    "CollinearityError": "_covariance",
    "fit_inference": "_fit",
    "GoodnessOfFit": "_goodness",
    "HosmerLemeshowResult": "_goodness",
    "hosmer_lemeshow": "_goodness",
    "LRTestResult": "_hypothesis",
    "TermTests": "_hypothesis",
    "WaldTestResult": "_hypothesis",
    "parse_constraints": "_hypothesis",
    "Influence": "_influence",
    "MarginalEffects": "_margins_results",
    "MarginalEffectsGrid": "_margins_grid_results",
    "predict_interval": "_model_interval",
    "stored_prediction": "_model_interval",
    "MultinomialInference": "_multinomial",
    "MultinomialSummary": "_multinomial_summary",
    "NotTrainingDataError": "_checks",
    "OddsRatioTable": "_odds",
    "display_order": "_order",
    "intercept_first": "_order",
    "PredictionResults": "_prediction_interval",
    "PredictiveMargins": "_predictive_results",
    "InferenceResults": "_results",
    "Summary": "_summary",
    "WaldTable": "_wald",
    "wald_table": "_wald",
}

__all__ = [
    "COV_TYPES",
    "ContrastResults",
    "CollinearityError",
    "GoodnessOfFit",
    "HosmerLemeshowResult",
    "InferenceResults",
    "Influence",
    "LRTestResult",
    "MarginalEffects",
    "MarginalEffectsGrid",
    "MultinomialInference",
    "MultinomialSummary",
    "NotTrainingDataError",
    "OddsRatioTable",
    "PredictionResults",
    "PredictiveMargins",
    "Summary",
    "TermTests",
    "WaldTable",
    "WaldTestResult",
    "display_order",
    "fit_inference",
    "hosmer_lemeshow",
    "intercept_first",
    "parse_constraints",
    "predict_interval",
    "stored_prediction",
    "wald_table",
]


def __getattr__(name: str) -> Any:
    """Import the module behind public ``name`` on first use and cache the value."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
