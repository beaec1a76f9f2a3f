"""A ``partial_fit`` stream that does not continue a ``fit`` on a DataFrame
with text columns drops that fit's one-hot ``encoding_``.

An ML engineer's trial fitted a frame with a text column (``encoding_`` set:
its levels and expanded names), then started a stream on other numeric
columns (another width: a new stream, not a continuation). ``encoding_``
stayed, describing columns the model no longer has: ``logistic.save`` wrote a
file that ``logistic.load`` refused ("field 'model.frame_encoding.
feature_names' must be the 5 names the specs give"), and ``predict`` on the
old frame encoded it to the old width. A stream that continues the fit (the
encoded columns, same width) keeps the encoding, so the old frame still
predicts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import logistic
from logistic import LogisticRegression


def _frame(n=600, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"a": rng.normal(size=n), "c": rng.choice(["r", "g", "b"], n)})
    y = (df["a"] + (df["c"] == "r") + rng.logistic(size=n) > 0.5).astype(int)
    return df, y.to_numpy()


@pytest.mark.parametrize("K", [2, 3])
def test_a_new_stream_forgets_the_fits_encoding_and_saves(tmp_path, K):
    df, y = _frame()
    if K == 3:
        y = y + (df["a"].to_numpy() > 1)
    model = LogisticRegression(penalty="l2", alpha=1e-3).fit(df, y)
    assert model.encoding_ is not None
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 5))  # five numeric columns: a new stream
    model.partial_fit(X, y[:200])
    assert model.encoding_ is None
    path = tmp_path / "stream.json"
    logistic.save(model, path)
    loaded = logistic.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_stream_continuing_the_fit_on_its_named_columns_keeps_its_encoding(tmp_path):
    df, y = _frame()
    model = LogisticRegression(penalty="l2", alpha=1e-3).fit(df, y)
    names = ["a", "c[T.g]", "c[T.r]"]  # the fit's columns, as encoding_ names them
    assert model.encoding_["feature_names"] == names
    encoded = pd.DataFrame(
        np.c_[df["a"], df["c"] == "g", df["c"] == "r"].astype(float), columns=names
    )
    model.partial_fit(encoded[:100], y[:100])
    assert model.encoding_ is not None
    assert list(model.feature_names_in_) == names
    # the coefficients applied to their own columns, by hand
    z = encoded.to_numpy() @ model.coef_.ravel() + model.intercept_[0]
    expected = 1.0 / (1.0 + np.exp(-z))
    np.testing.assert_allclose(model.predict_proba(df)[:, 1], expected, rtol=1e-12)
    path = tmp_path / "continued.json"
    logistic.save(model, path)
    loaded = logistic.load(path)
    np.testing.assert_allclose(loaded.predict_proba(df)[:, 1], expected, rtol=1e-12)


def test_a_stream_of_unnamed_columns_forgets_the_names_and_the_encoding():
    df, y = _frame()
    model = LogisticRegression(penalty="l2", alpha=1e-3).fit(df, y)
    encoded = np.c_[df["a"], df["c"] == "g", df["c"] == "r"].astype(float)
    model.partial_fit(encoded[:100], y[:100])  # continues the fit's coefficients
    assert model.encoding_ is None
    assert not hasattr(model, "feature_names_in_")
