"""A model saved from Python keeps the name of ``y`` (``model.target_name``).

scikit-learn keeps no target name; statsmodels' formula models keep the
response's name in ``model.endog_names``. Here a pandas Series' name is stored
so that ``logistic.load`` gives it back as ``target_name_`` and the command
line reads that column of DATA (``evaluate MODEL DATA``), as it does for a
file of ``logistic fit``; without it, a file saved from Python needed
``--target``.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import data_path
from logistic import LogisticRegression, ModelFormatError
from logistic.cli.app import main
from logistic.io import _canonical

UCLA = data_path("ucla-admissions", "binary.csv")


def _fit(name="admit"):
    frame = pd.read_csv(UCLA)
    return LogisticRegression().fit(frame[["gre", "gpa"]], frame["admit"].rename(name))


def _rewrite(path, edit):
    doc = json.loads(path.read_text())
    edit(doc["model"])
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))


def test_the_target_name_survives_save_and_load(tmp_path):
    path = logistic.save(_fit(), tmp_path / "m.json")
    assert json.loads(path.read_text())["model"]["target_name"] == "admit"
    assert logistic.load(path).target_name_ == "admit"


def test_no_name_no_field(tmp_path):
    frame = pd.read_csv(UCLA)
    model = LogisticRegression().fit(frame[["gre", "gpa"]].to_numpy(), frame["admit"].to_numpy())
    assert model.target_name_ is None
    path = logistic.save(model, tmp_path / "m.json")
    assert "target_name" not in json.loads(path.read_text())["model"]
    assert logistic.load(path).target_name_ is None


def test_a_name_with_a_control_character_is_left_out_not_refused(tmp_path):
    """The loader refuses control characters in a file's strings; a Series
    named ``"admit\\x1b[2J"`` must still save (the name is left out)."""
    path = logistic.save(_fit("admit\x1b[2J"), tmp_path / "m.json")
    assert "target_name" not in json.loads(path.read_text())["model"]
    assert logistic.load(path).target_name_ is None


@pytest.mark.parametrize("bad", [3, "", ["admit"], "a" * 1001])
def test_a_wrong_target_name_is_refused_naming_the_field(tmp_path, bad):
    path = logistic.save(_fit(), tmp_path / "m.json")
    _rewrite(path, lambda model: model.update(target_name=bad))
    with pytest.raises(ModelFormatError, match=r"m\.json.*'model\.target_name'"):
        logistic.load(path)


def test_a_control_character_written_by_hand_is_refused(tmp_path):
    path = logistic.save(_fit(), tmp_path / "m.json")
    _rewrite(path, lambda model: model.update(target_name="ad\x1bmit"))
    with pytest.raises(ModelFormatError, match="model.target_name"):
        logistic.load(path)


def test_a_file_without_the_field_reads_as_before(tmp_path):
    path = logistic.save(_fit(), tmp_path / "m.json")
    _rewrite(path, lambda model: model.pop("target_name"))
    assert logistic.load(path).target_name_ is None


def test_evaluate_reads_the_named_column_without_target(tmp_path, capsys):
    """``evaluate MODEL DATA`` of a file saved from Python: the column y was
    named after, as ``--target admit`` gives (the same log loss)."""
    path = logistic.save(_fit(), tmp_path / "m.json")
    assert main(["evaluate", str(path), str(UCLA), "--json"]) == 0
    named = json.loads(capsys.readouterr().out)
    assert main(["evaluate", str(path), str(UCLA), "--target", "admit", "--json"]) == 0
    given = json.loads(capsys.readouterr().out)
    assert named["log_loss"] == given["log_loss"]
    frame = pd.read_csv(UCLA)
    p = _fit().predict_proba(frame[["gre", "gpa"]])[:, 1]
    y = frame["admit"].to_numpy()
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))  # log loss by hand
    assert named["log_loss"] == pytest.approx(expected, rel=1e-12)


def test_evaluate_names_the_stored_column_when_data_lacks_it(tmp_path, capsys):
    path = logistic.save(_fit(), tmp_path / "m.json")
    pd.read_csv(UCLA).drop(columns="admit").to_csv(tmp_path / "new.csv", index=False)
    assert main(["evaluate", str(path), str(tmp_path / "new.csv")]) == 65
    err = capsys.readouterr().err
    assert "target column 'admit' (from the model file) not found" in err
