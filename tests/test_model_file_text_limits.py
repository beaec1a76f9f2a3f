"""Model file text and structure a re-signed file could carry past the loader.

* A lone surrogate (``"\\ud800"``: valid JSON, but text UTF-8 cannot encode)
  in a class label, level, feature name or option loaded; ``predict`` then
  failed with "'utf-8' codec can't encode character" naming neither file nor
  field, and ``save(load(p))`` raised a bare ``UnicodeEncodeError``. Refused
  at load now, naming the field; ``save`` refuses one in a name it stores.
* The free-form ``training`` section nested ~970 levels and loaded; from
  ~500 on, ``summary --json`` ended in "internal error: RecursionError" and
  ``save(load(p))`` raised ``RecursionError``. At most 32 levels now
  (``io._fields.MAX_DEPTH``), at load and at save.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

import logistic
from conftest import data_path, fit_ucla_model, run_cli
from logistic import ModelFormatError
from logistic.io import _canonical

UCLA = str(data_path("ucla-admissions", "binary.csv"))


@pytest.fixture
def saved(tmp_path, capsys):
    path = fit_ucla_model(tmp_path)  # logistic fit: a formula, a label mapping
    capsys.readouterr()
    return path


def _rewrite(path, edit) -> None:
    doc = json.loads(path.read_text())
    edit(doc)
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc, indent=1))  # ensure_ascii: "\ud800" escaped


def _set_feature(doc):
    doc["model"]["feature_names"][0] = "gre\ud800"
    doc["encoding"]["feature_names"][0] = "gre\ud800"


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (_set_feature, r"'(model|encoding)\.feature_names\[0\]'"),
        (lambda d: d["encoding"]["label"].update(positive="y\udcff"),
         r"'encoding\.label\.positive'"),
        (lambda d: d["encoding"]["factors"]["C(rank)"].update(levels=[1, 2, 3, "\udc80"]),
         r"'encoding\.factors\.C\(rank\)\.levels\[3\]'"),
        (lambda d: d["model"].update(target_name="y\udfff"), r"'model\.target_name'"),
        (lambda d: d["training"]["options"].update(solver="x\ud800"),
         r"'training\.options\.solver'"),
        (lambda d: d["training"]["options"].update({"k\ud800": 1}),
         r"'training\.options' has a key that"),
    ],
)  # fmt: skip
def test_a_lone_surrogate_is_refused_at_load_naming_the_field(saved, capsys, edit, field):
    _rewrite(saved, edit)
    with pytest.raises(ModelFormatError, match=field + " holds the lone surrogate"):
        logistic.load(saved)
    code, _, err = run_cli(capsys, ["predict", str(saved), UCLA])
    assert code == 65, err
    assert "holds the lone surrogate" in err and "codec" not in err


def test_a_surrogate_pair_is_one_character_and_loads(saved, tmp_path):
    _rewrite(saved, lambda d: d["training"]["options"].update(note="x\U0001f600"))
    model = logistic.load(saved)
    logistic.save(model, tmp_path / "again.json")  # and writes back
    assert logistic.load(tmp_path / "again.json").coef_.shape == (1, 5)


def test_save_refuses_a_lone_surrogate_in_a_feature_name(tmp_path):
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    model = logistic.LogisticRegression(penalty="l2").fit(X, np.array([0, 1, 0, 1]))
    model.feature_names_in_ = np.array(["a\udcff", "b"], dtype=object)
    with pytest.raises(ModelFormatError, match=r"'model\.feature_names\[0\]' holds the lone"):
        logistic.save(model, tmp_path / "m.json")
    assert list(tmp_path.iterdir()) == []


def _nested(levels: int):
    """A value opening ``levels`` arrays, one inside the other."""
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


def test_training_nested_past_the_limit_is_refused_naming_the_field(saved, capsys):
    # ~970 levels loaded; from ~500 on, summary --json ended in "internal
    # error: RecursionError" and save(load(p)) raised RecursionError
    from logistic.io._fields import MAX_DEPTH

    for levels in (MAX_DEPTH - 2, 600):  # training 1, options 2, then the arrays
        _rewrite(saved, lambda d, n=levels: d["training"]["options"].update(solver=_nested(n)))
        if levels < MAX_DEPTH:
            logistic.load(saved)  # 32 levels in all: loads
            continue
        with pytest.raises(ModelFormatError, match=r"field 'training\.options\.solver\[0\]"
                           r"(\[0\])*' nests arrays and objects more than 32 levels"):  # fmt: skip
            logistic.load(saved)
        code, out, _ = run_cli(capsys, ["summary", str(saved), "--json"])
        assert code == 65 and "more than 32 levels deep in 'training'" in out, out
        assert "RecursionError" not in out


def test_save_refuses_training_nested_past_the_limit(saved, tmp_path):
    model = logistic.load(saved)
    logistic.save(model, tmp_path / "ok.json", training={"x": _nested(31)})
    assert logistic.load(tmp_path / "ok.json").coef_.shape == (1, 5)
    with pytest.raises(ModelFormatError, match="more than 32 levels deep"):
        logistic.save(model, tmp_path / "deep.json", training={"x": _nested(32)})
    assert not (tmp_path / "deep.json").exists()
