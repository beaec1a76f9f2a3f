"""Grouped fits with a non-integer count of successes or trials warn, as R's
``glm(cbind(k, n - k) ~ x, binomial)`` does ("non-integer #successes in a
binomial glm!"), and fit the same coefficients as R: the likelihood as
written. Whole counts fit without a warning.

Reference: statsmodels' GLM Binomial on ``[k, n - k]`` (the same likelihood,
which it fits without a word).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression

X = np.array([[0.5], [1.5], [0.7], [2.0], [0.1], [1.1]])
N = np.full(6, 3.0)


def test_fractional_successes_warn_and_fit_the_likelihood():
    k = np.array([1.5, 1, 2, 0, 3, 1])
    with pytest.warns(UserWarning, match=r"1 group\(s\) have a non-integer count") as w:
        m = LogisticRegression().fit(X, k, trials=N)
    assert "row 0, an index from 0: 1.5 of 3" in str(w[0].message)
    sm = pytest.importorskip("statsmodels.api")
    ref = sm.GLM(np.c_[k, N - k], sm.add_constant(X), family=sm.families.Binomial()).fit()
    np.testing.assert_allclose(
        np.r_[m.intercept_, m.coef_.ravel()], ref.params, rtol=1e-6
    )


def test_whole_counts_do_not_warn():
    k = np.array([1, 1, 2, 0, 3, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        LogisticRegression().fit(X, k, trials=N)


def test_counts_that_round_off_are_whole():
    # proportions times trials: 0.57 * 100 = 56.99999999999999 (R's test:
    # further than 1e-3 from a whole number; review)
    k = np.array([0.57, 0.29, 0.58, 0.14, 0.43, 0.71]) * 100
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        LogisticRegression().fit(X, k, trials=np.full(6, 100.0))


def test_proportions_given_as_successes_are_named_in_the_warning():
    """Proportions with trials (R's glm(p ~ x, weights = n) spelling) fit a
    different model, p successes of n; the warning says how to pass them, and
    that call gives statsmodels' fit of the counts [p n, n - p n]."""
    k = np.array([1, 1, 2, 0, 3, 2.0])
    p = k / N
    with pytest.warns(UserWarning, match=r"y = p \* trials"):
        LogisticRegression().fit(X, p, trials=N)
    m = LogisticRegression().fit(X, p * N, trials=N)
    sm = pytest.importorskip("statsmodels.api")
    ref = sm.GLM(np.c_[k, N - k], sm.add_constant(X), family=sm.families.Binomial()).fit()
    np.testing.assert_allclose(np.r_[m.intercept_, m.coef_.ravel()], ref.params, rtol=1e-6)
    # fractional counts above 1 are not read as proportions
    with pytest.warns(UserWarning) as w:
        LogisticRegression().fit(X, np.array([1.5, 1, 2, 0, 3, 1]), trials=N)
    assert "proportions" not in str(w[0].message)
