"""A polars frame at predict for a model that encodes a pandas text column.

The message was the feature-name check's "Feature names unseen at fit time:
['t']" (the encoder reads pandas frames only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression
from logistic._exceptions import DataValidationError

pl = pytest.importorskip("polars")


def test_polars_frame_is_pointed_to_pandas():
    rng = np.random.default_rng(0)
    n = 120
    df = pd.DataFrame({"a": rng.normal(size=n), "t": rng.choice(["x", "y", "z"], n)})
    y = rng.integers(0, 2, n)
    model = LogisticRegression(penalty="l2").fit(df, y)
    with pytest.raises(
        DataValidationError,
        match=r"X is a polars DataFrame, but this model one-hot encodes text \(column 't'\).*X\.to_pandas\(\)",
    ):
        model.predict_proba(pl.from_pandas(df))
    np.testing.assert_allclose(
        model.predict_proba(pl.from_pandas(df).to_pandas()), model.predict_proba(df)
    )


def test_polars_frame_predicts_when_no_text_column_was_kept():
    import warnings

    rng = np.random.default_rng(1)
    n = 120
    df = pd.DataFrame(
        {"a": rng.normal(size=n), "b": rng.normal(size=n), "name": [f"p{i}" for i in range(n)]}
    )
    y = rng.integers(0, 2, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'name' is left out as free text
        model = LogisticRegression(penalty="l2").fit(df, y)
    assert list(model.feature_names_in_) == ["a", "b"]
    np.testing.assert_allclose(
        model.predict_proba(pl.from_pandas(df[["a", "b"]])), model.predict_proba(df)
    )
