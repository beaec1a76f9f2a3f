"""Two refusals of the hypothesis tests that no test reached:

* ``wald_test`` with linearly dependent restrictions (a row of R a multiple
  of another) is refused, not tested through a pseudo-inverse with fewer
  degrees of freedom than rows (statsmodels' ``wald_test`` warns and uses
  the rank), as the documented refusal says: drop the redundant rows;
* ``lr_test`` where the larger model has the smaller log-likelihood (fits
  that are not nested: the χ² statistic would be negative) is refused,
  naming both log-likelihoods.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import InvalidParameterError, LogisticRegression

rng = np.random.default_rng(4)
X = rng.normal(size=(400, 3))
y = (2.0 * X[:, 0] + rng.normal(size=400) > 0).astype(float)


def test_wald_test_refuses_linearly_dependent_restrictions():
    res = LogisticRegression().fit(X, y).inference(X, y)
    R = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0]])
    with pytest.raises(InvalidParameterError, match="linearly dependent"):
        res.wald_test(R, [0.0, 0.0])


def test_lr_test_refuses_a_larger_model_that_fits_worse():
    strong = X[:, [0]]  # one parameter more in the other fit, but noise columns
    noise = X[:, [1, 2]]
    small = LogisticRegression().fit(strong, y).inference(strong, y)
    large = LogisticRegression().fit(noise, y).inference(noise, y)
    assert large.k_params > small.k_params and large.llf < small.llf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the names do not nest either
        with pytest.raises(InvalidParameterError, match="not nested"):
            large.lr_test(small)
