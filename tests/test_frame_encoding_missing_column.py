"""A DataFrame fitted with a text column, predicted with an input column
missing: the error names the missing input column (before: 'Feature names
unseen at fit time: ['cat']', naming a column that *was* seen, as raw text,
and the encoded names cat[T.b] the user never wrote)."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import DataValidationError

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(3)
    n = 120
    df = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "cat": rng.choice(["a", "b", "c"], size=n),
        }
    )
    y = (df.x1 - df.x2 + rng.normal(size=n) > 0).astype(int)
    return LogisticRegression().fit(df, y), df


@pytest.mark.parametrize(
    "kept, missing", [(["x1", "cat"], "x2"), (["x1", "x2"], "cat")]
)
def test_missing_input_column_is_named(fitted, kept, missing):
    model, df = fitted
    with pytest.raises(DataValidationError) as err:
        model.predict_proba(df[kept])
    text = str(err.value)
    assert f"missing the column(s) [{missing!r}]" in text
    assert "['x1', 'x2', 'cat']" in text
    assert "unseen at fit time" not in text


def test_reordered_and_encoded_frames_still_predict(fitted):
    model, df = fitted
    expected = model.predict_proba(df)
    np.testing.assert_array_equal(
        model.predict_proba(df[["cat", "x2", "x1"]]), expected
    )
    encoded = pd.DataFrame(
        {
            "x1": df.x1,
            "x2": df.x2,
            "cat[T.b]": (df.cat == "b").astype(float),
            "cat[T.c]": (df.cat == "c").astype(float),
        }
    )
    assert list(model.feature_names_in_) == list(encoded.columns)
    np.testing.assert_allclose(model.predict_proba(encoded), expected, rtol=1e-12)
