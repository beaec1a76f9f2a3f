"""``logistic.path`` (and ``PathResult.decision_function``) given a pandas
DataFrame with a text column: the refusal said that "fit encodes a pandas
DataFrame's text and categorical columns itself, but partial_fit ... and a
model fitted on numbers take numbers only", naming neither ``path`` nor
what does encode such a frame. It now names the caller, says it takes
numbers only and which estimators encode text columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import logistic
from logistic._exceptions import DataValidationError

RNG = np.random.default_rng(0)
FRAME = pd.DataFrame(
    {"a": RNG.standard_normal(40), "color": RNG.choice(["red", "blue"], 40)}
)
Y = (FRAME["a"] + RNG.standard_normal(40) > 0).astype(int)


def test_path_names_itself_and_the_estimators_that_encode() -> None:
    with pytest.raises(DataValidationError) as info:
        logistic.path(FRAME, Y, n_alphas=2)
    message = str(info.value)
    assert "'color'" in message
    assert "path takes numbers only" in message
    assert "LogisticRegressionCV.fit" in message
    assert "partial_fit" not in message


def test_path_result_names_itself() -> None:
    result = logistic.path(FRAME[["a"]], Y, n_alphas=2)
    with pytest.raises(DataValidationError, match="PathResult takes numbers only"):
        result.decision_function(FRAME)


def test_path_result_refuses_columns_in_another_order() -> None:
    """A path fitted on a DataFrame predicted a DataFrame with the same
    columns in another order by position, silently: the logits of other
    columns' coefficients (LogisticRegression refuses such a frame). It now
    keeps the names (``feature_names``) and refuses it, as scikit-learn's
    estimators do; a plain array still predicts, with scikit-learn's warning."""
    frame = FRAME[["a"]].assign(b=RNG.standard_normal(40))
    result = logistic.path(frame, Y, n_alphas=3)
    np.testing.assert_array_equal(result.feature_names, ["a", "b"])
    z = result.decision_function(frame)
    # the reference: the coefficients applied by name
    np.testing.assert_allclose(
        z, frame.to_numpy() @ result.coefs.T + result.intercepts, rtol=1e-12
    )
    with pytest.raises(DataValidationError, match="in the same order as they were"):
        result.decision_function(frame[["b", "a"]])
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        np.testing.assert_array_equal(result.decision_function(frame.to_numpy()), z)
    assert logistic.path(frame.to_numpy(), Y, n_alphas=3).feature_names is None
