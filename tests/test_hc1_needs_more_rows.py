"""HC1's factor ``n/(n-k)`` (R ``sandwich::vcovHC(type="HC1")``) does not
exist for ``n = k``: frequency weights of 0.25 on 12 rows make ``n = Σs = 3``
observations for k = 3 parameters, and the refusal names n and k (a
division by zero there would be an internal error); one row more is n > k."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import DataValidationError


def _fit(n_rows):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_rows, 2))
    y = (rng.random(n_rows) < 0.5).astype(float)
    s = np.full(n_rows, 0.25)
    return LogisticRegression().fit(X, y, sample_weight=s), X, y, s


def test_hc1_with_as_many_observations_as_parameters_is_refused():
    model, X, y, s = _fit(12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the non-integer weights' note
        with pytest.raises(DataValidationError, match=r"n=3, k=3"):
            model.inference(X, y, sample_weight=s, cov_type="HC1")


def test_hc1_is_hc0_times_n_over_n_minus_k():
    model, X, y, s = _fit(16)  # n = 4, k = 3: the factor is 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hc0 = model.inference(X, y, sample_weight=s, cov_type="HC0")
        hc1 = model.inference(X, y, sample_weight=s, cov_type="HC1")
    np.testing.assert_allclose(np.asarray(hc1.bse), 2.0 * np.asarray(hc0.bse))
