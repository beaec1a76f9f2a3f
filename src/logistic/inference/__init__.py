"""Statistical inference for logistic regression: standard errors, tests, summaries.

Public entry points:

* :func:`fit_inference` (also ``LogisticRegression.inference``) →
  :class:`InferenceResults` (statsmodels-compatible names: ``params``, ``bse``,
  ``zvalues``, ``pvalues``, ``conf_int``, ``cov_params``, ``llf``, ``llnull``,
  ``deviance``, ``aic``, ``bic``, ``pseudo_rsquared``, ``wald_test``,
  ``lr_test``, ...);
* :class:`Summary` (``as_text``, ``as_html``, ``as_markdown``).

Conventions live in the private modules' docstrings: covariance types and
frequency weights in ``_covariance``, hypotheses in ``_hypothesis``, fit
statistics and the null model in ``_results``, the check that the data are the
training data in ``_checks``, profile-likelihood intervals in ``_profile``,
rendering in ``_summary``. Firth's estimator itself is the solver
:mod:`logistic.solvers.firth`.
"""

from __future__ import annotations

from ._covariance import COV_TYPES, CollinearityError
from ._hypothesis import LRTestResult, WaldTestResult, parse_constraints
from ._results import InferenceResults, fit_inference
from ._summary import Summary

__all__ = [
    "COV_TYPES",
    "CollinearityError",
    "InferenceResults",
    "LRTestResult",
    "Summary",
    "WaldTestResult",
    "fit_inference",
    "parse_constraints",
]
