"""``logistic.save`` names its argument when ``covariance`` is no matrix of
numbers or ``training`` no dict: they raised numpy's "could not convert string
to float" and "'list' object is not a mapping"; a negative variance's warning
shows the number as written (``-1.0``, not ``np.float64(-1.0)``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression, save

rng = np.random.default_rng(0)
X = rng.normal(size=(200, 2))
y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
MODEL = LogisticRegression().fit(X, y)


@pytest.mark.parametrize("covariance", ["x", [[1.0, 2.0], [3.0]], {"a": 1}])
def test_a_covariance_that_is_no_matrix_is_named(tmp_path, covariance):
    with pytest.raises(ValueError, match="^covariance must be a square matrix"):
        save(MODEL, tmp_path / "m.json", covariance=covariance)
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize("training", [[1, 2], "sampling", 3])
def test_training_that_is_no_dict_is_named(tmp_path, training):
    with pytest.raises(TypeError, match="^training must be a dict"):
        save(MODEL, tmp_path / "m.json", training=training)
    assert not (tmp_path / "m.json").exists()


def test_a_negative_variance_is_shown_as_a_number(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save(MODEL, tmp_path / "m.json", covariance=-np.eye(3))
    said = [str(w.message) for w in caught]
    assert "covariance not stored: its variance [0] is -1.0 < 0" in said, said
