"""A pandas DataFrame read from Parquet with ``dtype_backend="pyarrow"``
holds a categorical column as a pyarrow dictionary of strings: it is
one-hot encoded as the same column with the numpy-backed ``category`` dtype
(it was refused: "could not be converted to numbers")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logistic import LogisticRegression

pytest.importorskip("pyarrow")


def test_a_pyarrow_dictionary_column_is_encoded_as_its_category_twin(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"x": rng.normal(size=300), "s": pd.Categorical(rng.choice(["a", "b", "c"], 300))}
    )
    y = (frame.x + (frame.s == "b") + rng.normal(size=300) > 0).astype(int)
    frame.to_parquet(tmp_path / "cat.parquet")
    arrow = pd.read_parquet(tmp_path / "cat.parquet", dtype_backend="pyarrow")
    assert "dictionary" in str(arrow.dtypes["s"])
    plain = pd.read_parquet(tmp_path / "cat.parquet")
    a = LogisticRegression(penalty="l2").fit(arrow, y)
    b = LogisticRegression(penalty="l2").fit(plain, y)
    assert list(a.feature_names_in_) == list(b.feature_names_in_) == ["x", "s[T.b]", "s[T.c]"]
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-12)
    np.testing.assert_allclose(a.predict_proba(arrow), b.predict_proba(plain), rtol=1e-12)
    np.testing.assert_allclose(a.predict_proba(plain), b.predict_proba(arrow), rtol=1e-12)
