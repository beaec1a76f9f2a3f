"""``logistic evaluate`` / ``report`` of a model file saved from Python
(``logistic.save``): ``--target COLUMN`` names the target column (the file
keeps one only when y was a named pandas Series:
tests/test_model_file_target_name.py), and the model's ``classes_`` map its
values. Without it the commands refused the file (exit 65) with no way to
name the column.

Reference values: scikit-learn's metrics of the same model's
``predict_proba`` on the same rows, computed here.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

import logistic
from conftest import data_path, fit_ucla_model, run_cli
from logistic import LogisticRegression

UCLA = data_path("ucla-admissions", "binary.csv")
IRIS = data_path("iris", "iris.csv")


def _saved(workdir, frame, features, target, name):
    model = LogisticRegression().fit(frame[features], frame[target])
    logistic.save(model, workdir / name)
    return model


def test_without_target_the_refusal_names_the_option(workdir, capsys):
    """y without a name (an array): the file names no target column."""
    frame = pd.read_csv(UCLA)
    model = LogisticRegression().fit(frame[["gre", "gpa"]], frame["admit"].to_numpy())
    logistic.save(model, workdir / "py.json")
    code, out, err = run_cli(capsys, ["evaluate", "py.json", UCLA])
    assert (code, out) == (65, "")
    assert "no label mapping" in err and "--target COLUMN" in err


@pytest.mark.parametrize("labels", ["codes", "words"])
def test_evaluate_reads_the_named_target(workdir, capsys, labels):
    frame = pd.read_csv(UCLA)
    target = "admit"
    if labels == "words":  # a text target: the classes are 'no' and 'yes'
        frame["outcome"] = frame["admit"].map({0: "no", 1: "yes"})
        target = "outcome"
    frame.to_csv(workdir / "d.csv", index=False)
    model = _saved(workdir, frame, ["gre", "gpa", "rank"], target, "py.json")
    argv = ["evaluate", "py.json", "d.csv", "--target", target, "--json"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    got = json.loads(out)
    proba = model.predict_proba(frame[["gre", "gpa", "rank"]])
    y = (frame[target] == model.classes_[1]).to_numpy()
    assert got["n_samples"] == 400 and got["n_positive"] == int(y.sum())
    assert got["accuracy"] == pytest.approx(accuracy_score(y, proba[:, 1] >= 0.5))
    assert got["log_loss"] == pytest.approx(log_loss(y, proba[:, 1]), rel=1e-9)
    assert got["roc_auc"] == pytest.approx(roc_auc_score(y, proba[:, 1]), rel=1e-9)


def test_evaluate_of_a_three_class_file(workdir, capsys):
    frame = pd.read_csv(IRIS)
    features = [c for c in frame.columns if c != "species"]
    model = LogisticRegression(penalty="l2", C=1.0)
    model.fit(frame[features], frame["species"])
    logistic.save(model, workdir / "iris.json")
    argv = ["evaluate", "iris.json", IRIS, "--target", "species", "--json"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    got = json.loads(out)
    proba = model.predict_proba(frame[features])
    expected = log_loss(frame["species"], proba, labels=model.classes_)
    assert got["log_loss"] == pytest.approx(expected, rel=1e-9)
    accuracy = np.mean(model.classes_[proba.argmax(axis=1)] == frame["species"])
    assert got["accuracy"] == pytest.approx(accuracy)


def test_report_reads_the_named_target(workdir, capsys):
    pytest.importorskip("matplotlib")
    frame = pd.read_csv(UCLA)
    _saved(workdir, frame, ["gre", "gpa"], "admit", "py.json")
    argv = ["report", "py.json", UCLA, "--target", "admit", "-o", "r.html", "-q"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    assert "ROC" in (workdir / "r.html").read_text()


def test_values_that_are_not_the_classes_are_named(workdir, capsys):
    frame = pd.read_csv(UCLA)
    _saved(workdir, frame, ["gre", "gpa"], "admit", "py.json")
    code, _, err = run_cli(capsys, ["evaluate", "py.json", UCLA, "--target", "rank"])
    assert code == 65
    assert "target column 'rank'" in err and "values the model was not trained on" in err


def test_a_file_of_logistic_fit_keeps_its_own_target(workdir, capsys):
    model = fit_ucla_model(workdir)
    code, _, err = run_cli(capsys, ["evaluate", model, UCLA, "--target", "rank"])
    assert code == 2
    assert "fitted on the target column 'admit'" in err and "leave --target out" in err
    code, _, err = run_cli(capsys, ["evaluate", model, UCLA, "--target", "admit", "-q"])
    assert code == 0, err
