"""``load`` and ``save`` given a path that is no file name say which path and
what they received.

Reproduction: ``logistic.load(None)`` and ``logistic.save(model, 5)`` said
``open``'s "TypeError: expected str, bytes or os.PathLike object, not
NoneType" (naming neither the path nor the value), and ``load(b"m.json")``
"model file b'm.json' does not exist" of a file that exists.
"""

from __future__ import annotations

import numpy as np
import pytest

import logistic
from logistic import LogisticRegression


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    return LogisticRegression().fit(X, (X[:, 0] + rng.normal(size=60) > 0).astype(int))


@pytest.mark.parametrize(
    ("path", "shown"), [(None, "None (NoneType)"), (5, "5 (int)"),
                        (np.array("m.json"), "array('m.json', dtype='<U6') (ndarray)")],
)
def test_load_names_the_model_file_path_and_the_value(path, shown):
    with pytest.raises(TypeError) as got:
        logistic.load(path)
    assert str(got.value) == (
        f"model file path must be a str or an os.PathLike (a file name), got {shown}"
    )


@pytest.mark.parametrize("path", [None, 5])
def test_save_names_the_output_file_path_and_the_value(model, path):
    with pytest.raises(TypeError) as got:
        logistic.save(model, path)
    assert str(got.value) == (
        "output file path must be a str or an os.PathLike (a file name), got "
        f"{path!r} ({type(path).__name__})"
    )


def test_a_bytes_path_is_the_file_it_names(model, tmp_path):
    path = tmp_path / "m.json"
    logistic.save(model, path)
    np.testing.assert_array_equal(logistic.load(bytes(path)).coef_, model.coef_)
