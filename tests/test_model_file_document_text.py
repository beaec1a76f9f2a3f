"""A saved file is the standard library's ``json.dumps(doc, indent=2,
ensure_ascii=False)`` of its document, though its lists of numbers and of
names are written at C speed (:mod:`logistic.io._document`): the reference
is ``json``'s own Python encoder run on the document read back, and
``load`` (which recomputes the checksum) accepting the file.

Names with commas, quotes, backslashes and non-ASCII letters (what splitting a
list's text on commas, or escaping by hand, would get wrong) and free-form
``training`` strings that spell the marker the writer puts in a list's place
(a NUL, ``list:`` and a number) must come back as written.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import logistic

NAMES = ["a,b", 'é"q', "back\\slash", "日本", "x, y", "[1, 2]"]


def _model(classes: int, p: int = len(NAMES)) -> logistic.LogisticRegression:
    rng = np.random.default_rng(3)
    rows = 1 if classes == 2 else classes
    m = logistic.LogisticRegression()
    m.coef_ = rng.normal(size=(rows, p))
    m.coef_[0, :3] = [-0.0, 5e-324, 1e300]
    m.intercept_ = np.linspace(-0.5, 0.5, rows)
    m.classes_, m.n_features_in_, m.n_iter_ = np.arange(classes), p, np.array([4])
    m.converged_ = True
    return m


def _as_python_dumps(raw: bytes) -> bytes:
    return json.dumps(json.loads(raw), indent=2, ensure_ascii=False).encode() + b"\n"


@pytest.mark.parametrize("classes", [2, 3])
def test_a_dense_save_is_the_standard_librarys_indented_dump(tmp_path, classes):
    m = _model(classes)
    m.feature_names_in_ = np.array(NAMES, dtype=object)
    marker = {"a": "\x00list:0", "b": ["\x00list:1", "\x00list1:0"], "c": "\x00list"}
    path = logistic.save(m, tmp_path / "m.json", training={"note": marker})
    raw = path.read_bytes()
    assert raw == _as_python_dumps(raw)
    back = logistic.io.read_model_file(path)
    assert back.training["note"] == marker
    assert list(back.model.feature_names_in_) == NAMES
    np.testing.assert_array_equal(back.model.coef_, m.coef_)
    assert np.signbit(back.model.coef_[0, 0])  # -0.0 kept


def test_a_wide_dense_save_writes_one_number_a_line(tmp_path):
    # 3 * 2048 coefficients, all stored: dense (format 1.2), names x1 … xp
    m = _model(3, 2048)
    encoding = {
        "kind": "libsvm",
        "target": None,
        "label": None,
        "n_features": 2048,
        "zero_based": False,
        "feature_names": [f"x{j}" for j in range(1, 2049)],
    }
    path = logistic.save(m, tmp_path / "m.json", encoding=encoding)
    raw = path.read_bytes()
    assert raw == _as_python_dumps(raw)
    np.testing.assert_array_equal(logistic.load(path).coef_, m.coef_)
