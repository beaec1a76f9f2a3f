"""A model saved from Python keeps the name of ``y`` (``model.target_name``).

scikit-learn keeps no target name; statsmodels' formula models keep the
response's name in ``model.endog_names``. Here a pandas Series' name is stored
so that ``logistic.load`` gives it back as ``target_name_`` (K-class tables
title their equations with it), and ``evaluate MODEL DATA`` without
``--target`` names it in its refusal as the likely ``--target``. It is not
read on its own: pandas keeps a Series' name through ``1 - s`` and ``s > t``,
so the column of that name need not hold the model's classes (reading it
would score the wrong outcome, exit 0).
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


def test_evaluate_names_the_stored_name_as_the_likely_target(tmp_path, capsys):
    """Without --target the refusal names y's stored name; with it, the
    column is read (the same log loss as computed by hand)."""
    path = logistic.save(_fit(), tmp_path / "m.json")
    assert main(["evaluate", str(path), str(UCLA)]) == 65
    err = capsys.readouterr().err
    assert "has no label mapping" in err
    assert "(the model was fitted on a y named 'admit': --target admit if that column" in err
    assert main(["evaluate", str(path), str(UCLA), "--target", "admit", "--json"]) == 0
    given = json.loads(capsys.readouterr().out)
    frame = pd.read_csv(UCLA)
    p = _fit().predict_proba(frame[["gre", "gpa"]])[:, 1]
    y = frame["admit"].to_numpy()
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))  # log loss by hand
    assert given["log_loss"] == pytest.approx(expected, rel=1e-12)


def test_a_name_kept_through_arithmetic_is_not_read_on_its_own(tmp_path, capsys):
    """``1 - frame['admit']`` keeps the name 'admit' but is the other outcome:
    the column 'admit' must not be scored as this model's target."""
    frame = pd.read_csv(UCLA)
    flipped = 1 - frame["admit"]
    assert flipped.name == "admit"
    model = LogisticRegression().fit(frame[["gre", "gpa"]], flipped)
    path = logistic.save(model, tmp_path / "m.json")
    assert main(["evaluate", str(path), str(UCLA)]) == 65
    assert "--target COLUMN" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "call"),
    [
        (["summary"], "logistic.load(MODEL).summary(X, y)"),
        (["margins"], "logistic.load(MODEL).inference(X, y).get_margeff()"),
    ],
)
def test_the_python_remedy_is_the_command_s_own(tmp_path, capsys, command, call):
    """summary MODEL DATA points to Python's summary(X, y), which prints the
    same table (marginal effects are margins' remedy only)."""
    path = logistic.save(_fit(), tmp_path / "m.json")
    assert main([*command, str(path), str(UCLA)]) == 65
    err = capsys.readouterr().err
    assert "has no label mapping" in err
    assert f"; use {call} in Python, or refit with logistic fit\n" in err
    frame = pd.read_csv(UCLA)
    table = logistic.load(path).summary(frame[["gre", "gpa"]], frame["admit"])
    assert "Log-likelihood" in str(table)
