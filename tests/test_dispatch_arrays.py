"""as_backend on in-memory arrays: a numpy array, a list of rows and an
ndarray subclass become the same InMemory backend."""

import numpy as np

from logistic.backends import InMemory
from logistic.backends._dispatch import as_backend


class _Tagged(np.ndarray):
    """An ndarray subclass: takes the general path of as_backend."""


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = np.where(rng.random(50) < 0.4, "no", "yes")
    return X, y


def test_ndarray_list_and_subclass_give_the_same_backend():
    X, y = _data()
    backends = [
        as_backend(X, y),
        as_backend(X.tolist(), y.tolist()),
        as_backend(X.view(_Tagged), y),
    ]
    for b in backends:
        assert isinstance(b, InMemory)
        assert b.classes_.tolist() == ["no", "yes"]
        np.testing.assert_array_equal(np.asarray(b.X), X)
        np.testing.assert_array_equal(b.y, (y == "yes").astype(float))


def test_ndarray_with_class_weight_folds_it_into_the_weights():
    X, y = _data()
    b = as_backend(X, y, class_weight={"no": 2.0, "yes": 1.0})
    np.testing.assert_array_equal(b.sample_weight, np.where(y == "no", 2.0, 1.0))
