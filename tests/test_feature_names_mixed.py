"""Column names of strings and other types mixed: refused as scikit-learn
refuses them (a TypeError naming the types), at fit and at predict; names of
no strings at all are no feature names (``feature_names_in_`` absent), as in
scikit-learn. Reference: scikit-learn's own ``LogisticRegression`` on the
same frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic import DataValidationError, LogisticRegression


def _frame(columns):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 2)), columns=columns)
    y = (X.iloc[:, 0] + 0.5 * rng.normal(size=60) > 0).astype(int)
    return X, y


def test_mixed_names_are_refused_at_fit_as_scikit_learn_refuses_them():
    X, y = _frame(["a", 1])
    with pytest.raises(TypeError, match="only supported if all input features"):
        SkLogisticRegression().fit(X, y)
    with pytest.raises(TypeError, match=r"mix strings with other types \(\['int', 'str'\]\)"):
        LogisticRegression().fit(X, y)
    with pytest.raises(DataValidationError, match=r"X\.columns\.astype\(str\)"):
        LogisticRegression().fit(X, y)


def test_mixed_names_are_refused_at_predict():
    X, y = _frame(["a", "b"])
    model = LogisticRegression(penalty="l2").fit(X.to_numpy(), y)
    sk = SkLogisticRegression().fit(X.to_numpy(), y)
    mixed = X.set_axis(["a", 1], axis=1)
    with pytest.raises(TypeError):
        sk.predict(mixed)
    with pytest.raises(TypeError, match="mix strings with other types"):
        model.predict(mixed)


def test_names_of_no_strings_are_no_feature_names():
    X, y = _frame([0, 1])
    model = LogisticRegression(penalty="l2", tol=1e-10).fit(X, y)
    sk = SkLogisticRegression(tol=1e-10).fit(X, y)
    assert not hasattr(sk, "feature_names_in_")
    assert not hasattr(model, "feature_names_in_")
    np.testing.assert_allclose(
        model.predict_proba(X)[:, 1], sk.predict_proba(X)[:, 1], atol=1e-7
    )
