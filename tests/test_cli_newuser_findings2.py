"""Regressions from a second new-user trial of the CLI: each test is one
finding, with the exit code and message docs/cli.md promises (2 usage, 65
data or model file) and nothing printed before a refusal."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, fit_ucla_model, run_cli
from logistic import DataValidationError, LogisticRegression
from logistic.io import _canonical

UCLA = data_path("ucla-admissions", "binary.csv")


def _two_columns(path, names=("x1", "x2"), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((60, 2))
    y = (X[:, 0] + rng.standard_normal(60) > 0).astype(int)
    pd.DataFrame({names[0]: X[:, 0], names[1]: X[:, 1], "y": y}).to_csv(
        path, index=False
    )
    return path


@pytest.fixture
def plain_model(workdir, capsys):
    _two_columns(workdir / "p.csv")
    assert run_cli(capsys, ["fit", "p.csv", "-t", "y", "-o", "m.json", "-q"])[0] == 0
    return workdir / "m.json"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--cov-type", "HC1", "--json"], "--json with --cov-type/--cluster"),
        (["--cov-type", "bogus", "--json"], "--json with --cov-type/--cluster"),
        (["--cluster", "g", "--json"], "--json with --cov-type/--cluster"),
        (["--cov-type", "HC1"], "pass the training file as DATA"),
        (["p.csv", "--cov-type", "hc7"], "--cov-type hc7: expected one of"),
        (["p.csv", "--cov-type", "cluster"], "--cov-type cluster and --cluster"),
    ],
)
def test_summary_refuses_options_before_printing(plain_model, capsys, extra, message):
    code, out, err = run_cli(capsys, ["summary", plain_model, *extra])
    assert code == 2 and message in err and err.count("\n") == 1
    if "--json" in extra:  # --json reports the error as its one JSON object
        assert json.loads(out) == {
            "ok": False, "error": err[len("error: ") : -1], "exit_code": 2
        }
    else:
        assert out == ""


def test_summary_on_other_rows_names_both_files_and_prints_nothing(
    plain_model, workdir, capsys
):
    lines = (workdir / "p.csv").read_text().splitlines()
    (workdir / "half.csv").write_text("\n".join(lines[:31]) + "\n")
    code, out, err = run_cli(capsys, ["summary", plain_model, "half.csv"])
    assert (code, out) == (65, "")
    assert err == (
        f"error: half.csv is not the data {plain_model} was fitted on: the gradient "
        "at the fitted coefficients is not zero on its rows; summary with DATA "
        "needs the training file (same rows, weights and offset)\n"
    )


def test_summary_with_robust_errors_on_the_training_file(plain_model, capsys):
    code, out, _ = run_cli(capsys, ["summary", plain_model, "p.csv", "--cov-type", "HC1"])
    assert code == 0 and out.startswith("model file ") and "Intercept" in out


def test_a_column_named_intercept_is_refused_by_fit(workdir, capsys):
    _two_columns(workdir / "ic.csv", names=("x", "Intercept"))
    code, out, err = run_cli(capsys, ["fit", "ic.csv", "-t", "y", "-o", "ic.json"])
    assert (code, out) == (65, "") and not (workdir / "ic.json").exists()
    assert err.startswith("error: ic.csv: column 'Intercept' has the name the model")
    assert "--drop Intercept" in err


@pytest.mark.parametrize(
    ("extra", "remedy"),
    [
        (["-t", "y", "--stream"], "leave it out with --drop Intercept"),
        (["--formula", "y ~ x + Intercept"], "rename the column in the data"),
        (["--formula", "y ~ x + Intercept - 1"], "rename the column in the data"),
    ],
)
def test_a_column_named_intercept_is_refused_streamed_and_in_formulas(
    workdir, capsys, extra, remedy
):
    _two_columns(workdir / "ic.csv", names=("x", "Intercept"))
    code, out, err = run_cli(capsys, ["fit", "ic.csv", *extra, "-o", "ic.json"])
    assert (code, out) == (65, "") and remedy in err
    assert err.startswith("error: ic.csv: column 'Intercept' has the name")


def test_a_column_named_intercept_is_refused_by_the_estimator():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.standard_normal((40, 2)), columns=["x", "Intercept"])
    y = (X["x"] > 0).astype(int)
    with pytest.raises(DataValidationError, match="column named 'Intercept'"):
        LogisticRegression().fit(X, y)
    with pytest.raises(DataValidationError, match="column named 'Intercept'"):
        LogisticRegression(penalty="l2", alpha=0.1).partial_fit(X, y, classes=[0, 1])
    # without an intercept the name is free, and inference keeps it
    res = LogisticRegression(fit_intercept=False).fit(X, y).inference()
    assert res.term_names == ["x", "Intercept"]


def test_a_label_wider_than_int64_is_a_model_file_error(workdir, capsys):
    model = fit_ucla_model(workdir)
    doc = json.loads(model.read_text())
    doc["encoding"]["label"]["positive"] = 10**30
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    model.write_text(json.dumps(doc))
    capsys.readouterr()
    code, out, err = run_cli(capsys, ["predict", model, UCLA])
    assert (code, out) == (65, "")
    assert "encoding.label.positive" in err and "within 64 bits" in err
    assert "internal error" not in err


def test_bare_logistic_prints_the_help_and_no_empty_error(capsys):
    code, out, err = run_cli(capsys, [])
    assert code == 2 and "Usage" in out and "fit" in out and err == ""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--features", "x2"], "--features/--drop do not apply with --formula"),
        (["-t", "x2"], "--target 'x2' differs from the formula's left side 'y'"),
    ],
)
def test_conflicting_fit_options_are_usage_errors(workdir, capsys, extra, message):
    _two_columns(workdir / "p.csv")
    argv = ["fit", "p.csv", "--formula", "y ~ x1", "-o", "f.json", *extra]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (2, "") and message in err


@pytest.mark.parametrize("formula", ["y ~ 1", "y ~ 0"])
def test_a_formula_without_features_is_a_usage_error(workdir, capsys, formula):
    _two_columns(workdir / "p.csv")
    code, out, err = run_cli(capsys, ["fit", "p.csv", "--formula", formula])
    assert (code, out) == (2, "")
    assert err.startswith(f"error: --formula {formula!r} has no feature term")
    assert "Found array" not in err


def test_an_empty_feature_column_is_named_with_drop_not_missing_drop(workdir, capsys):
    (workdir / "e.csv").write_text("x,z,w,y\n1,,1,0\n2,,,1\n3,,2,0\n4,,3,1\n5,,4,0\n")
    code, out, err = run_cli(capsys, ["fit", "e.csv", "-t", "y"])
    assert (code, out) == (65, "")
    assert err.endswith(
        "'z' has no value in any row: leave it out (with --drop z); for the other "
        "columns, --missing drop or fill them in\n"
    )
    code, out, err = run_cli(capsys, ["fit", "e.csv", "-t", "y", "--missing", "drop"])
    assert (code, out) == (65, "")
    assert err.endswith("'z' has no value in any row: leave it out (with --drop z)\n")
    argv = ["fit", "e.csv", "--formula", "y ~ x + z"]
    code, out, err = run_cli(capsys, argv)
    assert err.endswith("'z' has no value in any row: leave it out (out of the formula)\n")
    # the remedy works
    argv = ["fit", "e.csv", "-t", "y", "--drop", "z", "--missing", "drop", "-q"]
    assert run_cli(capsys, argv)[0] == 0


@pytest.mark.parametrize(("given", "positive"), [("2.0", 2), ("2", 2), ("1.0", 1)])
def test_positive_names_a_number_however_it_is_written(workdir, capsys, given, positive):
    rows = "".join(f"{i / 10:.1f},{1 + i % 2}\n" for i in range(40))
    (workdir / "k.csv").write_text("x,y\n" + rows)
    argv = ["fit", "k.csv", "-t", "y", "--positive", given, "-o", "k.json"]
    assert run_cli(capsys, argv)[0] == 0
    label = json.loads((workdir / "k.json").read_text())["encoding"]["label"]
    assert (label["positive"], label["negative"]) == (positive, 3 - positive)


def test_a_formula_term_not_finite_is_named_with_its_line(workdir, capsys):
    # line 3 has a missing x2: with --missing drop it is left out, and the
    # first bad row is still named by its own line, at fit and at predict
    text = "x1,x2,y\n1.5,1,0\n2,,1\n-2,1,1\n3,2,0\n-1,1,1\n2,3,1\n0.5,1,0\n"
    (workdir / "n.csv").write_text(text)
    argv = ["fit", "n.csv", "--formula", "y ~ np.log(x1) + x2", "--missing", "drop"]
    code, out, err = run_cli(capsys, [*argv, "-o", "n.json"])
    assert (code, out) == (65, "") and not (workdir / "n.json").exists()
    assert err == (
        "error: formula term 'np.log(x1)' is not finite on 2 row(s) of n.csv "
        "(first at line 4); check the values its function receives (e.g. log of 0)\n"
    )
    (workdir / "ok.csv").write_text("x1,x2,y\n1.5,1,0\n2,2,1\n3,2,0\n1,1,1\n2,3,1\n")
    argv = ["fit", "ok.csv", "--formula", "y ~ np.log(x1) + x2", "-o", "ok.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    argv = ["predict", "ok.json", "n.csv", "--missing", "na"]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (65, "") and "(first at line 4)" in err


def test_predicting_on_a_path_says_to_read_the_file(workdir):
    from logistic import InvalidParameterError

    _two_columns(workdir / "p.csv")
    model = LogisticRegression().fit("p.csv", "y")  # fit reads files
    for method in (model.predict_proba, model.predict, model.decision_function):
        with pytest.raises(InvalidParameterError, match=r"not a file path \('p.csv'\)"):
            method("p.csv")


def test_a_logit_beyond_float64_at_predict_names_the_file_and_line(
    plain_model, workdir, capsys
):
    # line 3 has a missing value: with --missing na it is not scored, and the
    # bad row is still named by its own line
    (workdir / "big.csv").write_text("x1,x2\n0,1\n,2\n1.7e308,1\n")
    argv = ["predict", plain_model, "big.csv", "--missing", "na"]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (65, "")
    assert err.startswith(
        "error: big.csv: the logit of the row at line 4 is beyond the float64 range"
    )


def test_a_streamed_reference_names_a_number_however_it_is_written(workdir, capsys):
    rows = "".join(f"{i / 10:.1f},{1 + i % 3}\n" for i in range(60))
    (workdir / "r.csv").write_text("x,y\n" + rows)
    argv = ["fit", "r.csv", "-t", "y", "--stream", "--reference", "1.0", "-o", "r.json"]
    assert run_cli(capsys, argv)[0] == 0
    argv = ["fit", "r.csv", "-t", "y", "--stream", "--reference", "2.0", "-o", "s.json"]
    code, _, err = run_cli(capsys, argv)  # another level: honoured since
    assert code == 0, err
    assert json.loads((workdir / "s.json").read_text())["encoding"]["label"][
        "levels"
    ] == [2, 1, 3]
