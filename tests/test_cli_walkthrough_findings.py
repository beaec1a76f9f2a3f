"""What a new user following docs/cli.md literally found.

* ``summary MODEL DATA`` of a file of one class (not the training file)
  said "This solver needs samples of at least 2 classes" (summary runs no
  solver); it says the file is not the training data, as for other files.
* ``margins -o -`` was refused as "this command writes a file, not standard
  output", though margins prints to standard output by default.
* ``--scale``'s help said standard errors "grow"; a dispersion below 1
  shrinks them.
* The top-level help's list of exit codes left out 143 (SIGTERM).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic import LogisticRegression
from logistic.inference._checks import NotTrainingDataError

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture
def model(tmp_path, capsys):
    path = tmp_path / "m.json"
    assert run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", path])[0] == 0
    return path


def test_summary_of_a_one_class_file_says_it_is_not_the_training_data(tmp_path, capsys, model):
    (tmp_path / "sub.csv").write_text("admit,gre,gpa,rank\n0,380,3.61,3\n0,660,3.67,3\n")
    code, _, err = run_cli(capsys, ["summary", model, tmp_path / "sub.csv"])
    assert code == 65
    assert f"{tmp_path / 'sub.csv'} is not the data {model} was fitted on: its rows hold " \
           "one class only (0)" in err
    assert "solver" not in err


def test_inference_on_one_class_is_refused_as_not_the_training_data():
    frame = pd.read_csv(UCLA)
    X, y = frame[["gre", "gpa"]], frame["admit"]
    fitted = LogisticRegression().fit(X, y)
    with pytest.raises(NotTrainingDataError, match=r"y holds one class only \(0\)"):
        fitted.inference(X[y == 0], y[y == 0])
    assert np.isfinite(fitted.inference(X, y).bse).all()


def test_margins_writes_standard_output_for_dash(capsys, model):
    code, out, err = run_cli(capsys, ["margins", model, UCLA, "-o", "-", "-q"])
    assert code == 0, err
    assert out.startswith("Logistic regression marginal effects")


def test_help_texts(capsys):
    code, out, _ = run_cli(capsys, ["--help"])
    assert code == 0 and "143 terminated (SIGTERM)" in " ".join(out.split())
    code, out, _ = run_cli(capsys, ["margins", "--help"])
    flat = " ".join(out.replace("│", " ").split())
    assert "standard errors are multiplied by its square root" in flat
    assert "grow" not in flat


def test_evaluate_json_of_grouped_counts_gives_whole_numbers(tmp_path, capsys):
    """Grouped data: ``n_samples`` (trials) and ``n_positive`` (successes) were
    floats (``260.0``) where 0/1 rows give integers."""
    import json

    rows = ["s,n,x"] + [f"{k % 5},{5 + k % 3},{k / 10}" for k in range(40)]
    (tmp_path / "g.csv").write_text("\n".join(rows) + "\n")
    model = tmp_path / "g.json"
    assert run_cli(capsys, ["fit", tmp_path / "g.csv", "-t", "s", "--trials", "n", "-o", model])[0] == 0
    code, out, err = run_cli(capsys, ["evaluate", model, tmp_path / "g.csv", "--json"])
    assert code == 0, err
    doc = json.loads(out)
    frame = pd.read_csv(tmp_path / "g.csv")
    assert doc["n_samples"] == int(frame["n"].sum()) and type(doc["n_samples"]) is int
    assert doc["n_positive"] == int(frame["s"].sum()) and type(doc["n_positive"]) is int


def test_a_one_dash_C_is_pointed_to_the_option(capsys):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "--penalty", "l2", "-C", "1"])
    assert code == 2
    assert "No such option: -C (use --C, the inverse penalty strength)" in err


def test_demo_refuses_a_dash_for_its_directory(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, ["demo", "--output-dir", "-"])
    assert code == 2 and "--output-dir -: the demo writes several files" in err
    assert not (tmp_path / "-").exists()


def test_dropping_the_target_is_noted(tmp_path, capsys):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "--drop", "admit", "-o", tmp_path / "m.json"])
    assert code == 0, err
    assert "--drop column 'admit' is the target column, never a feature: nothing to drop" in err


def test_a_python_model_without_names_names_the_file_and_the_remedy(tmp_path, capsys):
    import logistic

    frame = pd.read_csv(UCLA)
    model = LogisticRegression().fit(frame[["gre", "gpa", "rank"]].to_numpy(), frame["admit"])
    path = logistic.save(model, tmp_path / "py.json")
    code, _, err = run_cli(capsys, ["predict", path, UCLA, "-o", "-"])
    assert code == 65
    assert f"{path} has no input encoding and no feature names" in err
    assert "fit it on a pandas DataFrame" in err
