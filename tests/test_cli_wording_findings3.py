"""Regressions from a third new-user trial of the CLI, about wording: each
test is one finding, with the exit code docs/cli.md promises (2 usage, 65
data or model file) and a message in the CLI's terms (options as typed,
no Python parameter names, no numpy reprs)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic import DataConversionWarning, InvalidParameterError, LogisticRegression

UCLA = data_path("ucla-admissions", "binary.csv")
IRIS = data_path("iris", "iris.csv")


def _binary_parquet(path, n=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = (X[:, 0] + rng.standard_normal(n) > 0).astype(int)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    frame["y"] = y
    frame.to_parquet(path)
    return path


# -- 3a: sampling weights and --cov-type nonrobust ----------------------------------
@pytest.fixture
def sampling_model(workdir, capsys):
    frame = pd.read_csv(UCLA)
    frame["w"] = np.random.default_rng(0).uniform(0.5, 3, len(frame))
    frame.to_csv(workdir / "ucw.csv", index=False)
    argv = ["fit", "ucw.csv", "--target", "admit", "--weights", "w",
            "--weights-kind", "sampling", "-o", "sw.json", "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    return workdir / "sw.json"


@pytest.mark.parametrize("command", ["summary", "margins"])
def test_nonrobust_under_sampling_weights_is_refused_in_cli_words(
    sampling_model, capsys, command
):
    argv = [command, sampling_model, "ucw.csv", "--cov-type", "nonrobust"]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (2, "")
    assert err.startswith("error: --cov-type nonrobust (the inverse information)")
    assert "use --cov-type HC0, HC1 or cluster" in err
    assert "--weights-kind sampling" in err
    for python in ("cov_type", "sample_weight_kind", "'HC1'", "'cluster'"):
        assert python not in err


def test_nonrobust_under_sampling_weights_is_refused_without_data(
    sampling_model, capsys
):
    """Without DATA too (docs/cli.md: summary refuses nonrobust for such a file);
    it printed the file's HC0 table, exit 0, as if nonrobust had been shown."""
    code, out, err = run_cli(capsys, ["summary", sampling_model, "--cov-type", "nonrobust"])
    assert (code, out) == (2, "")
    assert err.startswith("error: --cov-type nonrobust (the inverse information)")
    assert "--weights-kind sampling" in err and "HC0" in err
    assert run_cli(capsys, ["summary", sampling_model])[0] == 0  # its HC0 table


# -- 3b: --class-weight naming a class a two-class target does not have -------------
def test_class_weight_of_a_missing_binary_class_is_named_as_typed(workdir, capsys):
    argv = [
        "fit",
        UCLA,
        "--target",
        "admit",
        "--class-weight",
        "0=1,2=3",
        "-o",
        "cw.json",
    ]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (2, "") and not (workdir / "cw.json").exists()
    assert err.startswith(
        "error: --class-weight 2=3: a two-class target (target 'admit') takes the "
        "class codes 0 and 1 as keys"
    )
    assert (
        "0=W0,1=W1" in err and "negative class 0" in err and "positive class 1" in err
    )
    for python in ("class_weight", "np.float64", "2.0"):
        assert python not in err


def test_class_weight_key_that_is_a_label_and_a_code_is_named_both_ways(
    workdir, capsys
):
    # a target of 1/2 with --positive 2: the key 2 is the positive label (the
    # labels are keys too, tests/test_cli_class_weight_names.py), while the
    # key 1 is the negative label and the positive class's code: refused,
    # naming both readings (the message once said "'2' is not a class")
    rows = "x,y\n" + "".join(f"{i},{1 + i % 2}\n" for i in range(20))
    (workdir / "t.csv").write_text(rows)
    argv = ["fit", "t.csv", "-t", "y", "--positive", "2", "-o", "t.json"]
    code, _, err = run_cli(capsys, [*argv, "--class-weight", "2=3", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, [*argv, "--class-weight", "1=3", "--force"])
    assert (code, out) == (2, "") and "is not a class" not in err
    assert "'1' is ambiguous for target 'y'" in err


def test_class_weight_of_a_missing_class_has_no_numpy_reprs_in_python():
    X = np.arange(20, dtype=float).reshape(-1, 1)
    y = np.tile([0.0, 1.0], 10)
    with pytest.raises(InvalidParameterError) as info:
        LogisticRegression(class_weight={2: 3}).fit(X, y)  # names no class
    assert "np.float64" not in str(info.value) and "[0.0, 1.0]" in str(info.value)


# -- 3c: --checkpoint with a K-class target -----------------------------------------
def test_checkpoint_of_a_multiclass_fit_names_the_option_and_what_works(
    workdir, capsys
):
    argv = ["fit", IRIS, "--formula", "species ~ sepal_length", "--checkpoint",
            "i.ckpt", "-o", "ick.json"]  # fmt: skip
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (2, "")
    assert err.startswith("error: multi-class models are not supported by --checkpoint")
    assert "two-class target" in err and "without --checkpoint" in err
    assert "fit(checkpoint" not in err and "checkpoint=" not in err


# -- 3d: a checkpoint written for other settings ------------------------------------
def test_checkpoint_of_another_problem_names_the_settings(workdir, capsys):
    _binary_parquet(workdir / "big.parquet")
    argv = [
        "fit",
        "big.parquet",
        "--target",
        "y",
        "--stream",
        "--checkpoint",
        "big.ckpt",
    ]
    assert run_cli(capsys, [*argv, "-o", "a.json", "-q"])[0] == 0
    code, out, err = run_cli(capsys, [*argv, "--penalty", "l2", "-o", "b.json"])
    assert code == 65 and not (workdir / "b.json").exists()
    assert "checkpoint big.ckpt was written for another problem" in err
    assert (
        "(the checkpoint: --penalty none; now: --penalty l2 with --alpha 0.000333"
        in err
    )
    assert "l2:" not in err and "penalty=" not in err and "alpha=" not in err


# -- 3e: --penalty firth with a K-class target --------------------------------------
def test_firth_with_more_than_two_classes_is_one_sentence(workdir, capsys):
    argv = ["fit", IRIS, "--target", "species", "--penalty", "firth", "-o", "f.json"]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (2, "")
    assert err == (
        "error: Only binary classification is supported with --penalty firth so far; "
        "for more than two classes use --penalty l2 or --penalty none\n"
    )


# -- 9: a model file (JSON) given as the data file ----------------------------------
@pytest.fixture
def model_file(workdir, capsys):
    assert (
        run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", "model.json", "-q"])[0] == 0
    )
    return "model.json"  # fit's default output is model.json: -o names another


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_a_model_file_given_to_fit_as_data_is_named(model_file, capsys, stream):
    argv = ["fit", model_file, "--target", "y", "-o", "m.json", *stream]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (65, "")
    assert err.startswith(
        "error: model.json is a logistic model file (JSON), not a data file"
    )
    assert "cannot read CSV" not in err and "--sep" not in err


def test_a_model_file_given_to_predict_as_data_names_the_argument_order(
    model_file, capsys
):
    code, out, err = run_cli(capsys, ["predict", model_file, model_file])
    assert (code, out) == (65, "")
    assert "model.json is a logistic model file (JSON), not a data file" in err
    assert "MODEL DATA" in err and "cannot read CSV" not in err


def test_a_json_document_given_as_data_is_named(workdir, capsys):
    (workdir / "rows.json").write_text('[{"x": 1, "y": 0},\n {"x": 2, "y": 1}]\n')
    code, out, err = run_cli(
        capsys, ["fit", "rows.json", "--target", "y", "-o", "m.json"]
    )
    assert (code, out) == (65, "")
    assert err.startswith("error: rows.json is a JSON document, not a data file")


# -- 12: grammar of the decimal-mark and identifier messages ------------------------
def test_one_column_with_a_decimal_comma_holds_numbers(workdir, capsys):
    (workdir / "dc.csv").write_text('a,y\n"1,5",0\n"2,5",1\n"3,5",0\n"4,5",1\n')
    code, out, err = run_cli(capsys, ["fit", "dc.csv", "--target", "y"])
    assert (code, out) == (65, "")
    assert "column 'a' holds numbers written with a decimal comma" in err


def test_one_column_with_a_decimal_point_holds_numbers(workdir, capsys):
    argv = ["fit", UCLA, "--target", "admit", "--decimal", ","]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (65, "")
    assert "column 'gpa' holds numbers written with a decimal point" in err


def _warning_of_fit(ids):
    rng = np.random.default_rng(0)
    n = 100
    frame = pd.DataFrame(
        {name: np.arange(1000, 1000 + n) + k for k, name in enumerate(ids)}
    )
    frame["x"] = rng.standard_normal(n)
    frame["colour"] = np.where(np.arange(n) % 2 == 0, "red", "blue")  # needs encoding
    y = (frame["x"] + rng.standard_normal(n) > 0).astype(int)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogisticRegression().fit(frame, y)
    texts = [
        str(w.message) for w in caught if issubclass(w.category, DataConversionWarning)
    ]
    assert len(texts) == 1
    return texts[0]


def test_identifier_warning_agrees_in_number():
    one = _warning_of_fit(["customer_id"])
    assert one.startswith("left out column 'customer_id' that looks like an identifier")
    assert (
        "keep it as a feature with LogisticRegression(include=['customer_id'])" in one
    )
    two = _warning_of_fit(["customer_id", "order_id"])
    assert two.startswith(
        "left out 2 columns: 'customer_id', 'order_id' that look like"
    )
    assert "keep them as features" in two


# -- 14: a Firth model's summary without data points at summary MODEL DATA ----------
def test_firth_summary_without_data_suggests_summary_with_data(workdir, capsys):
    argv = ["fit", UCLA, "-t", "admit", "--penalty", "firth", "-o", "firth.json", "-q"]
    assert run_cli(capsys, argv)[0] == 0
    code, out, err = run_cli(capsys, ["summary", "firth.json"])
    assert code == 0, err
    assert "'logistic summary MODEL DATA'" in out and "no refit" in out
    assert "logistic fit DATA --penalty firth" not in out


# -- 17: a Parquet file read with --format csv --------------------------------------
@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_parquet_read_as_csv_is_named_parquet(workdir, capsys, stream):
    _binary_parquet(workdir / "big.parquet", n=200)
    argv = ["fit", "big.parquet", "--target", "y", "--format", "csv", *stream]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (65, "")
    assert err.startswith("error: big.parquet is a Parquet file (it starts with PAR1)")
    assert "leave out --format csv" in err and "NUL bytes" not in err


@pytest.mark.parametrize("command", ["summary", "margins"])
def test_cov_type_is_read_whatever_its_case(workdir, capsys, command):
    """``--cov-type hc1`` is HC1, as ``--scale x2`` is X2 (it was refused)."""
    assert run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", "m.json", "-q"])[0] == 0
    lower = run_cli(capsys, [command, "m.json", UCLA, "--cov-type", "hc1"])
    upper = run_cli(capsys, [command, "m.json", UCLA, "--cov-type", "HC1"])
    assert lower[0] == 0, lower[2]
    assert lower[1] == upper[1] and "HC1" in lower[1]
