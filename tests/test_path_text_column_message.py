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
