"""Predictions on a Dask DataFrame check its columns against fit, as on a
pandas frame: columns in another order, or renamed, were multiplied by the
coefficients by position (probabilities off by 0.8, no error). A model that
one-hot encoded text columns refuses a Dask frame naming them, instead of
"X has shape (nan, 2)". Reference: the same frame in pandas, which the
in-memory path refuses with scikit-learn's messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

from logistic import DataValidationError, LogisticRegression  # noqa: E402

RNG = np.random.default_rng(3)
FRAME = pd.DataFrame(RNG.normal(size=(300, 2)), columns=["a", "b"])
Y = (RNG.random(300) < 1 / (1 + np.exp(-2 * FRAME["a"]))).astype(float)
Y3 = RNG.integers(0, 3, 300).astype(float)


@pytest.mark.parametrize("y", [Y, Y3], ids=["binary", "3-class"])
@pytest.mark.parametrize(
    "other",
    [FRAME[["b", "a"]], FRAME.rename(columns={"a": "x"})],
    ids=["reordered", "renamed"],
)
@pytest.mark.parametrize("method", ["predict_proba", "decision_function", "predict"])
def test_dask_frame_columns_checked_like_pandas(
    y: np.ndarray, other: pd.DataFrame, method: str
) -> None:
    model = LogisticRegression().fit(FRAME, y)
    with pytest.raises(DataValidationError) as in_memory:
        getattr(model, method)(other)
    with dask.config.set(scheduler="synchronous"), pytest.raises(
        DataValidationError
    ) as on_dask:
        getattr(model, method)(dd.from_pandas(other, npartitions=2))
    assert str(on_dask.value) == str(in_memory.value)


def test_dask_frame_same_columns_still_predicts() -> None:
    model = LogisticRegression().fit(FRAME, Y)
    with dask.config.set(scheduler="synchronous"):
        got = model.predict_proba(dd.from_pandas(FRAME, npartitions=3)).compute()
    np.testing.assert_allclose(got, model.predict_proba(FRAME), rtol=0, atol=1e-15)


def test_dask_frame_refused_by_a_model_with_encoded_text_columns() -> None:
    frame = FRAME.assign(t=RNG.choice(["p", "q", "r"], 300))
    model = LogisticRegression().fit(frame, Y)
    with dask.config.set(scheduler="synchronous"), pytest.raises(
        DataValidationError, match=r"text column\(s\) \['t'\].*X\.compute\(\)"
    ):
        model.predict_proba(dd.from_pandas(frame, npartitions=2))
