"""Why ``inference()`` without data has no statistics, for a model loaded
from a file: ``logistic fit`` of more than ``MAX_STORED_PARAMS`` parameters
stores their covariance but not the fit statistics, and the refusal said the
file's covariance had been "passed to save(covariance=...), or a grouped
binomial fit's", neither of which was so."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import InvalidParameterError, LogisticRegression, load, save
from logistic.inference import _fit


def _saved(path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (rng.random(200) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    model = LogisticRegression().fit(X, y)
    save(model, path, covariance=model.inference(X, y).cov_params())
    return path


def test_a_file_beyond_the_kept_parameters_says_so(tmp_path, monkeypatch):
    path = _saved(tmp_path / "m.json")
    monkeypatch.setattr(_fit, "MAX_STORED_PARAMS", 3)  # as a fit of 501+ would be
    with pytest.raises(InvalidParameterError) as err:
        load(path).inference()
    text = str(err.value)
    assert "a fit of 4 parameters, more than the 3 whose statistics a fit keeps" in text
    assert "save(covariance=...)" not in text


def test_a_small_file_names_save_covariance(tmp_path):
    with pytest.raises(InvalidParameterError, match=r"save\(covariance=\.\.\.\)"):
        load(_saved(tmp_path / "m.json")).inference()
