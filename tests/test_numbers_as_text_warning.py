"""A text column of numbers left out as free text names the conversion.

The warning's only remedy was ``include=['x']``, which one-hot encodes each
of the column's 299 values (scikit-learn reads such a column as floats).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from logistic import DataConversionWarning, LogisticRegression


def _fit(X, y):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        model = LogisticRegression(penalty="l2").fit(X, y)
    return model, [str(w.message) for w in seen if issubclass(w.category, DataConversionWarning)]


def test_numbers_as_text_point_to_to_numeric():
    rng = np.random.default_rng(0)
    z = rng.normal(size=300)
    y = (rng.random(300) < 1 / (1 + np.exp(-z))).astype(int)
    X = pd.DataFrame({"x": pd.Series(z + rng.normal(size=300)).round(4).astype(str), "z": z})
    model, texts = _fit(X, y)
    assert list(model.feature_names_in_) == ["z"]
    assert len(texts) == 1
    assert "all numbers written as text" in texts[0]
    assert "X['x'] = pandas.to_numeric(X['x'])" in texts[0]
    X["x"] = pd.to_numeric(X["x"])  # the remedy: one numeric column
    assert list(_fit(X, y)[0].feature_names_in_) == ["x", "z"]


def test_free_text_keeps_the_include_remedy_only():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 200)
    X = pd.DataFrame({"name": [f"person {i}" for i in range(200)], "z": rng.normal(size=200)})
    _, texts = _fit(X, y)
    assert len(texts) == 1 and "to_numeric" not in texts[0]
    assert "include=['name']" in texts[0]
