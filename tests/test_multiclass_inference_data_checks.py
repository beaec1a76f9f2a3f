"""K-class inference: ``lr_test`` refuses other data; class weights warn.

* ``lr_test`` of two K-class fits compared ``nobs`` only: a smaller model
  fitted to another response on the same rows gave p = 2e-50, no warning
  (the two-class check, :func:`check_same_data`, now has a K-class sibling);
* an unpenalized K-class fit with ``class_weight`` read them as frequency
  weights in its standard errors without the warning two classes give.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    y = np.digitize(X["a"] + 0.5 * X["b"] + rng.normal(size=300), [-0.8, 0.0, 0.8])
    return X, y


def _inference(X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticRegression(**kw).fit(X, y).inference()


def test_same_data_is_tested(data):
    X, y = data
    res = _inference(X, y).lr_test(_inference(X[["a"]], y))
    assert res.df == 2 * 3 and res.statistic > 0  # b, c in 3 equations


def test_another_response_is_refused(data):
    X, y = data
    other = y.copy()
    other[:30] = (y[:30] + 1) % 4  # another response: other class totals
    with pytest.raises(InvalidParameterError, match="different data .*class totals"):
        _inference(X, y).lr_test(_inference(X[["a"]], other))


def test_other_rows_are_refused_by_a_shared_column(data):
    X, y = data
    rows = np.arange(len(y))
    first = np.flatnonzero(y == 0)
    rows[first[:5]] = first[-5:]  # same class totals, other rows of 'a'
    small = _inference(X.iloc[rows][["a"]].reset_index(drop=True), y[rows])
    with pytest.raises(InvalidParameterError, match="column 'a' has weighted mean"):
        _inference(X, y).lr_test(small)


def test_class_weight_inference_warns(data):
    X, y = data
    model = LogisticRegression(class_weight="balanced").fit(X, y)
    with pytest.warns(UserWarning, match="fitted with class_weight: inference treats"):
        model.inference()
    with pytest.warns(UserWarning, match="fitted with class_weight: inference treats"):
        model.inference(X, y)
