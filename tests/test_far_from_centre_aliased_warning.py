"""A varying column far from 0 that the fit leaves out as aliased is always
named, with the remedy (subtract a value near its mean), and Newton's
non-convergence there names the cause.

A 0/1 column plus 2e7 (a mean 4e7 times its spread) carries a log-odds ratio
of 1.1, eight standard errors from 0 on the centred rows (statsmodels'
``Logit``, the reference); the information summed about 0 cannot tell it
from the intercept, and its score at that information was below the signal
test's limit, so every solver set its coefficient to 0 without a word.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import ConvergenceWarning, LogisticRegression, NumericalStabilityWarning


def _rows():
    rng = np.random.default_rng(0)
    n = 1000
    b = (rng.random(n) < 0.5).astype(float)
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(x + 1.0 * b)))).astype(float)
    return np.c_[x, 2e7 + b], y, x, b


def test_the_reference_sees_signal():
    sm = pytest.importorskip("statsmodels.api")
    _, y, x, b = _rows()
    ref = sm.Logit(y, sm.add_constant(np.c_[x, b])).fit(disp=0)
    assert abs(ref.tvalues[2]) > 6


@pytest.mark.parametrize("solver", ["newton-cg", "lbfgs", "newton"])
def test_the_left_out_column_is_named_with_the_remedy(solver):
    X, y, _, _ = _rows()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = LogisticRegression(solver=solver, max_iter=200).fit(X, y)
    texts = [str(w.message) for w in caught if w.category is NumericalStabilityWarning]
    named = [t for t in texts if "'x2' was left out as aliased" in t]
    assert named, texts
    assert "has a mean over 1e+03 times its spread" in named[0]
    assert "subtract a value near the mean" in named[0]
    assert m.coef_.ravel()[1] == 0.0
    if solver == "newton":  # it crawls: the cause is the column, not max_iter
        slow = [str(w.message) for w in caught if w.category is ConvergenceWarning]
        assert any("lie far from 0" in t and "centre them" in t for t in slow), slow


def test_an_exact_dependency_of_centred_columns_is_not_named_far():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(500, 2))
    X = np.c_[x, x[:, 0] + x[:, 1]]
    y = (rng.random(500) < 1 / (1 + np.exp(-x[:, 0]))).astype(float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogisticRegression().fit(X, y)
    assert not any("times its spread" in str(w.message) for w in caught)
