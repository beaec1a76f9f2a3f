"""A parameter value a model file cannot hold (``random_state`` given as a
``RandomState`` or ``Generator``) is stored as null with a warning naming
it, at the caller's line; an integer seed is stored and round-trips without
a warning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression, load, save


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize(
    "state, kind",
    [(np.random.RandomState(0), "RandomState"), (np.random.default_rng(0), "Generator")],
)
def test_a_random_state_object_is_named_when_stored_as_null(tmp_path, data, state, kind):
    model = LogisticRegression(penalty="l2", solver="sgd", random_state=state).fit(*data)
    path = tmp_path / "m.json"
    with pytest.warns(UserWarning, match=rf"random_state={kind}: stored as null") as rec:
        save(model, path)
    assert rec[0].filename == __file__  # the caller's line
    loaded = load(path)
    assert loaded.random_state is None
    np.testing.assert_array_equal(loaded.predict_proba(data[0]), model.predict_proba(data[0]))


def test_an_integer_seed_is_stored_without_a_warning(tmp_path, data):
    model = LogisticRegression(penalty="l2", solver="sgd", random_state=7).fit(*data)
    path = tmp_path / "m.json"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        save(model, path)
    assert load(path).random_state == 7
