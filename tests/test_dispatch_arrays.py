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


def test_plain_ndarray_takes_the_fast_path(monkeypatch):
    """A plain ndarray goes straight to InMemory: neither the device-array
    check nor the streamed-data checks run for it."""
    from logistic.backends import _dispatch

    def refuse(*args, **kwargs):
        raise AssertionError("a plain ndarray reached the general path")

    monkeypatch.setattr(_dispatch, "_streamed", refuse)
    monkeypatch.setattr(_dispatch, "is_device_array", refuse)
    X, y = _data()
    b = as_backend(X, y)
    assert isinstance(b, InMemory)
    np.testing.assert_array_equal(b.y, (y == "yes").astype(float))


def test_ndarray_subclasses_take_the_general_path(monkeypatch):
    """A masked array and an np.matrix are not ``type(X) is np.ndarray``:
    they reach ``_streamed`` (which declines them) and end as InMemory."""
    from logistic.backends import _dispatch

    seen = []
    streamed = _dispatch._streamed

    def recording(X, *args, **kwargs):
        seen.append(type(X))
        return streamed(X, *args, **kwargs)

    monkeypatch.setattr(_dispatch, "_streamed", recording)
    X, y = _data()
    for data in (np.ma.masked_array(X), np.asmatrix(X)):
        b = as_backend(data, y)
        assert isinstance(b, InMemory)
        np.testing.assert_array_equal(np.asarray(b.X), X)
    assert seen == [np.ma.MaskedArray, np.matrix]


def test_ndarray_with_three_classes_and_multiclass():
    """multiclass=True on the fast path: sorted classes, class indices as y."""
    X, _ = _data()
    y = np.array(["b", "c", "a"] * 16 + ["a", "b"])
    b = as_backend(X, y, multiclass=True)
    assert isinstance(b, InMemory)
    assert b.classes_.tolist() == ["a", "b", "c"]
    np.testing.assert_array_equal(b.y, np.searchsorted(["a", "b", "c"], y))
