"""Integers beyond float64's range in weights, offsets, class weights and X
are refused naming the input and where the value is.

Python ints (and JSON) hold ``10**400``; ``float`` and ``np.asarray(...,
dtype=float64)`` raise ``OverflowError: int too large to convert to float``
on it (``sys.float_info.max`` is about 1.8e308). An ML engineer's trial gave
such an integer in ``sample_weight``, ``offset``, ``class_weight``, a list
``X`` and ``score``'s weights: each raised that bare ``OverflowError``,
naming neither the input nor the value. :func:`logistic._constraints.as_float64`
reads it as ``inf`` in its place, so the finiteness checks refuse it where
it is, as they refuse ``float('inf')``.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from logistic import DataValidationError, InvalidParameterError, LogisticRegression
from logistic._constraints import as_float64

HUGE = 10**400


def _data():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] + rng.normal(size=40) > 0).astype(int)
    return X, y


def test_python_cannot_convert_the_integer():
    assert HUGE > sys.float_info.max
    with pytest.raises(OverflowError):
        float(HUGE)


def test_as_float64_keeps_the_place_and_sign_of_each_integer():
    out = as_float64([1, HUGE, 2.5, -HUGE])
    assert out.shape == (4,)
    assert out[0] == 1.0 and out[2] == 2.5
    assert out[1] == np.inf and out[3] == -np.inf
    assert as_float64([[1, 2], [HUGE, 3]])[1, 0] == np.inf
    assert as_float64(HUGE).shape == ()


@pytest.mark.parametrize("name", ["sample_weight", "offset"])
def test_a_huge_weight_or_offset_is_refused_at_its_index(name):
    X, y = _data()
    values = [1] * 40
    values[5] = HUGE
    with pytest.raises(DataValidationError, match=rf"{name} contains NaN or infinity \(first at index 5"):
        LogisticRegression().fit(X, y, **{name: values})
    with pytest.raises(DataValidationError, match=rf"{name} contains NaN or infinity \(first at index 5"):
        LogisticRegression().partial_fit(X, y, classes=[0, 1], **{name: values})


def test_a_huge_score_weight_is_refused_at_its_index():
    X, y = _data()
    model = LogisticRegression(penalty="l2").fit(X, y)
    values = [1] * 40
    values[7] = HUGE
    with pytest.raises(DataValidationError, match=r"sample_weight contains NaN or infinity \(first at index 7"):
        model.score(X, y, sample_weight=values)


def test_a_huge_class_weight_is_refused_shortened():
    X, y = _data()
    with pytest.raises(InvalidParameterError, match=r"finite weights ≥ 0; got 100000000000000000… \(401 digits\) for label 1"):
        LogisticRegression(penalty="l2", class_weight={0: 1, 1: HUGE}).fit(X, y)


def test_a_huge_value_in_a_list_X_is_refused_by_column_and_row():
    X, y = _data()
    rows = X.tolist()
    rows[3][1] = HUGE
    with pytest.raises(DataValidationError, match=r"Columns with non-finite values: \['x2'\].*first bad row: 3"):
        LogisticRegression().fit(rows, y)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(DataValidationError, match=r"first bad row: 3"):
        model.predict(rows)
