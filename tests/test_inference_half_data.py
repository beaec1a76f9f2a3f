"""``inference()``/``summary()`` given half of the training data.

``model.inference(X)`` (the labels forgotten) said "y holds one class only
(None), the fit's data held 2", and ``inference(sample_weight=w)`` the same;
``inference(None, y)`` said "Expected 2D array, got scalar array". Each now
names what is missing, as does the offset of a fit that had one left out;
full data and no data work as before.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic.inference import NotTrainingDataError


def _data(k: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    return X, rng.integers(0, k, 300)


def test_x_without_y_is_named() -> None:
    X, y = _data(2)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(InvalidParameterError, match="given X without y"):
        model.inference(X)
    with pytest.raises(InvalidParameterError, match="given X without y"):
        model.summary(X)


@pytest.mark.parametrize("k", [2, 3])
def test_y_or_weights_without_x_are_named(k: int) -> None:
    X, y = _data(k)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(InvalidParameterError, match="given y without X"):
        model.inference(None, y)
    with pytest.raises(InvalidParameterError, match="given sample_weight without X"):
        model.inference(sample_weight=np.ones(len(y)))


def test_full_and_no_data_unchanged() -> None:
    X, y = _data(2)
    model = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(
        model.inference(X, y).bse, model.inference().bse, rtol=1e-8
    )


def test_offset_left_out_is_named():
    # the fit had an offset; the rows given without it were refused as "the
    # gradient at the fitted coefficients has standardized max-norm 0.05"
    X, y = _data(2)
    offset = np.log(np.random.default_rng(1).uniform(0.1, 1.0, len(y)))
    model = LogisticRegression().fit(X, y, offset=offset)
    with pytest.raises(NotTrainingDataError, match="the fit had an offset and none"):
        model.inference(X, y, cov_type="HC0")
    assert model.inference(X, y, offset=offset, cov_type="HC0").cov_type == "HC0"
