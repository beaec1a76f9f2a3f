"""Tests of a two-class model file's stored estimates and covariance, for a
file whose ``inference()`` needs the training data (``logistic test`` without
``--data``): the results' own tests (:class:`._hypothesis_methods.
HypothesisMethods`) on the file's numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._fitted_params import fitted_param
from ._hypothesis_methods import HypothesisMethods

__all__ = ["FileCovariance"]


class FileCovariance(HypothesisMethods):
    """The estimates and covariance a two-class model file stores, with the
    Wald tests of :mod:`logistic.inference._hypothesis` on them: for a file
    whose ``inference()`` needs the training data, either because it keeps
    the covariance without the fit statistics (more than ``MAX_STORED_PARAMS``
    parameters; ``logistic fit`` stores the covariance of up to
    ``io._schema.MAX_COVARIANCE_PARAMS``) or because its covariance is the
    sandwich of sampling weights. An aliased parameter (a NaN row of the
    covariance) has no estimate, as ``inference()`` has none. Its tests are
    the results' own (:class:`~logistic.inference._hypothesis_methods.
    HypothesisMethods`) on these estimates and this covariance."""

    def __init__(self, model: Any, matrix: Any, names: list[str] | None) -> None:
        from ._fit import _names, _theta, weight_kind_facts
        from ._model_interval import stored_covariance
        from ._order import intercept_first

        fit_intercept = bool(fitted_param(model, "fit_intercept"))
        cov = stored_covariance(matrix, names, fit_intercept)
        cov = intercept_first(cov, fit_intercept)
        params = intercept_first(_theta(model), fit_intercept)
        params[np.isnan(np.diag(cov))] = np.nan
        self._estimates, self._matrix = params, cov
        features = _names(model, int(model.n_features_in_))
        self.term_names = (["Intercept"] if fit_intercept else []) + features
        facts = weight_kind_facts(model)
        self.sample_weight_kind = facts.get("sample_weight_kind", "frequency")
        self.cov_type = facts.get("cov_type", "nonrobust")
        self.method = "Firth" if fitted_param(model, "penalty") == "firth" else "MLE"
        self.separation = getattr(model, "separation_", None)

    def _params(self) -> Any:
        return self._estimates

    def _cov_display(self) -> Any:
        return self._matrix
