"""``include`` names are checked against X's columns whatever X holds.

They were checked only for a DataFrame with a text column (the frames the
encoder screens); a numeric frame or an array took a misspelled name silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression, LogisticRegressionCV
from logistic._exceptions import DataValidationError


@pytest.fixture()
def numeric_frame():
    rng = np.random.default_rng(3)
    n = 60
    X = pd.DataFrame({"id": np.arange(n), "x": rng.normal(size=n)})
    return X, (rng.random(n) < 0.5).astype(int)


@pytest.mark.parametrize("cls", [LogisticRegression, LogisticRegressionCV])
def test_unknown_include_on_a_numeric_frame_is_refused(numeric_frame, cls):
    X, y = numeric_frame
    with pytest.raises(DataValidationError, match=r"include names column 'zzz' not in X; X has 2 columns: 'id', 'x'"):
        cls(include=["zzz"]).fit(X, y)


def test_include_on_an_array_is_refused(numeric_frame):
    X, y = numeric_frame
    with pytest.raises(DataValidationError, match="X has no column names"):
        LogisticRegression(include=["x"]).fit(X.to_numpy(), y)


def test_known_include_on_a_numeric_frame_fits_every_column(numeric_frame):
    X, y = numeric_frame
    model = LogisticRegression(include=["id"]).fit(X, y)
    assert list(model.feature_names_in_) == ["id", "x"]
    np.testing.assert_allclose(model.coef_, LogisticRegression().fit(X, y).coef_)


def test_unknown_include_with_a_text_column_is_refused_as_before(numeric_frame):
    X, y = numeric_frame
    X = X.assign(c=np.where(y == 1, "a", "b")[::-1])
    with pytest.raises(DataValidationError, match=r"include names column 'zzz' not in X"):
        LogisticRegression(include=["zzz"]).fit(X, y)


def test_include_on_a_frame_of_numbered_columns_lists_them(numeric_frame):
    X, y = numeric_frame
    X = pd.DataFrame(X.to_numpy())  # columns 0, 1
    with pytest.raises(DataValidationError, match=r"X has 2 columns: '0', '1'"):
        LogisticRegression(include=["x"]).fit(X, y)
