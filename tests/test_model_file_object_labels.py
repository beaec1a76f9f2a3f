"""Labels in an object array (a pandas object column) keep their type in a model file.

Integers in an object array came back from ``save``/``load`` as the strings
'1', '2', '3': ``loaded.predict(X) == y`` was all False. Labels a file cannot
hold as they are (dates, bytes) are refused at save, naming the
remedy (a ``datetime64`` model was written and then refused by ``load``).
"""

from __future__ import annotations

import numpy as np
import pytest

import logistic
from logistic import LogisticRegression


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(21)
    X = rng.normal(size=(240, 3))
    codes = np.digitize(X[:, 0] + rng.normal(scale=0.7, size=240), [-0.4, 0.4])
    return X, codes


@pytest.mark.parametrize(
    "labels",
    [[1, 2, 3], [0.5, 1.5, 2.5], ["a", "b", "c"], [False, True]],
    ids=["int", "float", "str", "bool"],
)
def test_object_labels_round_trip(tmp_path, data, labels):
    X, codes = data
    y = np.empty(len(codes), dtype=object)
    y[:] = [labels[min(c, len(labels) - 1)] for c in codes]
    model = LogisticRegression(penalty="l2").fit(X, y)
    loaded = logistic.load(logistic.save(model, tmp_path / "m.json"))
    assert loaded.classes_.dtype == object
    assert loaded.classes_.tolist() == model.classes_.tolist()
    assert [type(c) for c in loaded.classes_] == [type(c) for c in model.classes_]
    assert (loaded.predict(X) == y).mean() == (model.predict(X) == y).mean() > 0.4
    assert loaded.score(X, y) == model.score(X, y)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda c: np.array(["2020-01-01", "2021-01-01", "2022-01-01"], dtype="datetime64[ns]")[c], "of dtype datetime64"),
        (lambda c: np.array([b"a", b"b", b"c"])[c], "of dtype |S1"),
    ],
    ids=["datetime64", "bytes"],
)
def test_labels_a_file_cannot_hold_are_refused_at_save(tmp_path, data, make, words):
    X, codes = data
    model = LogisticRegression(penalty="l2").fit(X, make(codes))
    with pytest.raises(TypeError, match=rf"cannot save a model whose classes_ are .*{words}"):
        logistic.save(model, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()
