"""A fit that raises leaves the estimator as it was: the name of y was
written before the data were checked, so a failed refit on a column named
'fraud' left the 'churn' model's coefficients under the name 'fraud', and
``save`` then recorded that target."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import logistic
from logistic import LogisticRegression


def test_a_refit_that_raises_keeps_the_name_of_the_target(tmp_path):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    churn = pd.Series((X.a + rng.normal(size=200) > 0).astype(int), name="churn")
    model = LogisticRegression().fit(X, churn)
    coef = model.coef_.copy()
    bad = X.copy()
    bad.loc[3, "a"] = np.nan
    fraud = churn.rename("fraud")
    with pytest.raises(ValueError):
        model.fit(bad, fraud)
    assert model.target_name_ == "churn"
    np.testing.assert_array_equal(model.coef_, coef)
    logistic.save(model, tmp_path / "m.json")
    assert logistic.load(tmp_path / "m.json").target_name_ == "churn"
    model.fit(X, fraud)  # a fit that succeeds takes the new name
    assert model.target_name_ == "fraud"


def test_partial_fit_of_a_text_column_does_not_ask_for_the_dataframe_it_was_given():
    # it said "... or pass a pandas DataFrame, whose text and categorical
    # columns fit encodes itself" to a caller who had passed one
    from logistic import DataValidationError

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=50), "s": rng.choice(["a", "b"], 50)})
    y = (df.x > 0).astype(int)
    model = LogisticRegression(penalty="l2", alpha=1e-3)
    with pytest.raises(DataValidationError, match="'s' is not numeric") as caught:
        model.partial_fit(df, y, classes=[0, 1])
    assert "or pass a pandas DataFrame" not in str(caught.value)
    assert "partial_fit" in str(caught.value)
