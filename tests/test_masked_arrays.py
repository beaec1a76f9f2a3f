"""numpy masked arrays: masked entries are missing values.

``np.asarray`` on a masked array returns its data with the hidden values in
place, so a fit would silently use values the user masked out. A masked
array whose mask hides something is refused, naming the input, the count and
the first masked index; one with nothing masked is its data.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import DataValidationError


@pytest.fixture()
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 3))
    y = (X[:, 0] + 0.5 * rng.standard_normal(60) > 0).astype(float)
    return X, y


def test_masked_x_is_refused_naming_the_first_masked_entry(data):
    X, y = data
    Xm = np.ma.masked_array(X.copy(), mask=np.zeros(X.shape, bool))
    Xm.mask[4, 2] = Xm.mask[9, 0] = True
    Xm.data[4, 2] = 1e6  # a hidden value a silent conversion would fit on
    with pytest.raises(
        DataValidationError,
        match=r"X is a masked array with 2 masked value\(s\), the first at index \(4, 2\)",
    ):
        LogisticRegression().fit(Xm, y)


def test_masked_y_and_sample_weight_are_refused(data):
    X, y = data
    ym = np.ma.masked_array(y, mask=np.arange(60) == 7)
    with pytest.raises(
        DataValidationError,
        match=r"y is a masked array with 1 masked value\(s\), the first at index \(7\)",
    ):
        LogisticRegression().fit(X, ym)
    sw = np.ma.masked_array(np.ones(60), mask=np.arange(60) >= 50)
    with pytest.raises(
        DataValidationError, match=r"sample_weight is a masked array with 10 masked"
    ):
        LogisticRegression().fit(X, y, sample_weight=sw)


def test_masked_x_is_refused_at_prediction(data):
    X, y = data
    model = LogisticRegression().fit(X, y)
    Xm = np.ma.masked_array(X, mask=np.eye(60, 3, dtype=bool))
    with pytest.raises(DataValidationError, match="X is a masked array"):
        model.predict_proba(Xm)


def test_a_masked_array_with_nothing_masked_is_its_data(data):
    X, y = data
    ref = LogisticRegression().fit(X, y)
    got = LogisticRegression().fit(np.ma.masked_array(X), np.ma.masked_array(y))
    np.testing.assert_array_equal(got.coef_, ref.coef_)
    assert got.intercept_[0] == ref.intercept_[0]
