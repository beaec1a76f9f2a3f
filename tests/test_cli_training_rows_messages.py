"""Messages of the commands that read a model's training rows (``summary
MODEL DATA``, ``margins``), from a statistician's trial: each names the
command run, the column and line at fault, and what works instead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture
def clustered(workdir, capsys):
    frame = pd.read_csv(UCLA)
    frame["school"] = np.arange(len(frame)) % 30
    frame["school"] = frame["school"].astype("Int64")
    frame.loc[5, "school"] = pd.NA  # data row 6: line 7 of the file
    frame.to_csv(workdir / "c.csv", index=False)
    argv = ["fit", "c.csv", "--target", "admit", "--features", "gre,gpa", "-o",
            "m.json", "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    return workdir


@pytest.mark.parametrize("command", ["summary", "margins"])
def test_a_missing_cluster_label_is_named_not_called_other_data(
    clustered, capsys, command
):
    argv = [command, "m.json", "c.csv", "--cov-type", "cluster", "--cluster", "school"]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (65, "")
    assert err.startswith(
        "error: --cluster column 'school' in c.csv has no label on a row the model "
        "was fitted on (first at line 7)"
    ), err
    assert "is not the data" not in err


@pytest.mark.parametrize("command", ["summary", "margins"])
def test_cluster_without_cov_type_names_what_was_given(clustered, capsys, command):
    argv = [command, "m.json", "c.csv", "--cluster", "school"]
    code, _, err = run_cli(capsys, argv)
    assert code == 2
    assert "got --cluster without --cov-type" in err and "None" not in err


@pytest.fixture
def grouped(workdir, capsys):
    rng = np.random.default_rng(5)
    n = rng.integers(5, 40, size=30)
    x = rng.normal(size=30).round(3)
    k = rng.binomial(n, 1 / (1 + np.exp(-(0.3 + 0.8 * x))))
    pd.DataFrame({"x": x, "passed": k, "pupils": n}).to_csv("g.csv", index=False)
    argv = ["fit", "g.csv", "--target", "passed", "--trials", "pupils", "--penalty",
            "firth", "-o", "g.json", "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    return workdir


def test_summary_of_grouped_counts_with_data_names_summary(grouped, capsys):
    code, _, err = run_cli(capsys, ["summary", "g.json", "g.csv"])
    assert code == 2
    assert "summary with DATA needs one 0/1 row per trial" in err
    assert "logistic summary g.json without DATA shows the fit's table" in err
    assert "margins" not in err


def test_a_grouped_firth_fit_does_not_promise_refused_calls(grouped, capsys):
    code, out, _ = run_cli(capsys, ["summary", "g.json"])
    assert code == 0
    assert "need one 0/1 row per trial" in out
    assert "logistic summary MODEL DATA' prints" not in out


def test_summary_with_data_of_a_multinomial_model_is_the_file_s_table(
    workdir, capsys
):
    """Once refused (exit 2); now the table on the training rows, which at the
    default nonrobust covariance is the file's own (tests/
    test_cli_summary_multiclass_data.py checks the robust ones)."""
    argv = ["fit", UCLA, "--target", "rank", "-o", "k.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    code, on_data, err = run_cli(capsys, ["summary", "k.json", UCLA])
    assert code == 0, err
    code, alone, err = run_cli(capsys, ["summary", "k.json"])
    assert code == 0, err
    table = on_data[on_data.index("Multinomial logistic regression results") :]
    assert table in alone


LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")


def test_margins_says_level_columns_are_differentiated(workdir, capsys):
    """docs/cli.md: a formula of plain terms differentiates a level column
    unless --dummy is given, and one line on stderr says so."""
    argv = ["fit", LBW, "--formula", "low ~ C(race) + age + smoke", "-o", "r.json",
            "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    code, out, err = run_cli(capsys, ["margins", "r.json", LBW])
    assert code == 0 and "C(race)[T.2]" in out
    assert err.startswith("level columns (C(race)[T.2], C(race)[T.3]) are "
                          "differentiated as if continuous")  # fmt: skip
    assert "--dummy gives each level's discrete change" in err
    code, _, err = run_cli(capsys, ["margins", "r.json", LBW, "--dummy"])
    assert code == 0 and "differentiated" not in err


IRIS = data_path("iris", "iris.csv")


@pytest.mark.parametrize("command", ["summary", "margins"])
@pytest.mark.parametrize(
    ("kept", "detail"),
    [
        (["versicolor", "virginica"], "its rows hold no row of the fit's class 'setosa'"),
        (["virginica"], "its rows hold one class only ('virginica')"),
    ],
)
def test_multinomial_rows_lacking_a_class_are_not_the_training_data(
    workdir, capsys, command, kept, detail
):
    """docs/cli.md: a file that is not the training data is refused (exit 65)
    as such, in the target's levels, not with a fit's "needs samples of at
    least 2 classes" or the class codes ("y has labels [1, 2]")."""
    frame = pd.read_csv(IRIS)
    frame[frame["species"].isin(kept)].to_csv(workdir / "part.csv", index=False)
    argv = ["fit", IRIS, "--formula", "species ~ sepal_length + sepal_width",
            "-o", "k.json", "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    code, out, err = run_cli(capsys, [command, "k.json", "part.csv", "-q"]
                             if command == "margins" else
                             [command, "k.json", "part.csv"])  # fmt: skip
    assert (code, out) == (65, ""), err
    assert err.strip() == (
        f"error: part.csv is not the data k.json was fitted on: {detail}; "
        f"{'margins' if command == 'margins' else 'summary with DATA'} needs the "
        "training file (same rows, weights and offset)"
    )


def test_multinomial_inference_on_rows_lacking_a_class_says_so():
    from logistic import LogisticRegression
    from logistic.inference._checks import NotTrainingDataError

    frame = pd.read_csv(IRIS)
    X, y = frame[["sepal_length", "sepal_width"]], frame["species"]
    model = LogisticRegression().fit(X, y)
    part = y != "setosa"
    with pytest.raises(NotTrainingDataError, match="no row of the fit's class setosa\\."):
        model.inference(X[part], y[part])
