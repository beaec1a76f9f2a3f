"""Regressions from trying the CLI as a new user (README quickstart, docs/cli.md).

Each test is one mistake a new user made, with the one-line message and exit
code they should get, and nothing left behind in the working directory.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import TINY_CSV, data_path, run_cli
from logistic.cli.app import main

GOOD = TINY_CSV
_run = run_cli


@pytest.fixture
def ucla(workdir):
    return str(
        shutil.copy(data_path("ucla-admissions", "binary.csv"), workdir / "u.csv")
    )


def _files(d: Path) -> set[str]:
    return {p.name for p in d.iterdir()}


def test_missing_input_reported_before_existing_output(workdir, capsys):
    # model.json (the default -o) exists; the real problem is the missing input
    (workdir / "model.json").write_text("{}")
    code, _, err = _run(capsys, ["fit", "nofile.csv", "--target", "admit"])
    assert (code, err) == (66, "error: input file nofile.csv does not exist\n")
    (workdir / "p.csv").write_text("")
    code, _, err = _run(
        capsys, ["predict", "nomodel.json", "nofile.csv", "-o", "p.csv"]
    )
    assert (code, err) == (66, "error: model file nomodel.json does not exist\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["fit", "data.csv", "--targt", "y"],
            "error: No such option: --targt (Possible options: --target) "
            "(see 'logistic fit --help')\n",
        ),
        (["fit"], "error: Missing argument 'DATA'. (see 'logistic fit --help')\n"),
        (["bogus"], "error: No such command 'bogus'. (see 'logistic --help')\n"),
    ],
)
def test_click_usage_errors_are_one_line(workdir, capsys, argv, message):
    (workdir / "data.csv").write_text(GOOD)
    code, out, err = _run(capsys, argv)
    assert (code, out, err) == (2, "", message)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            ["--solver", "newtn"],
            "--solver must be 'auto' or one of the registered solvers",
        ),
        (["--penalty", "l3"], "--penalty must be 'none' or one of {"),
        (
            ["--l1-ratio", "2", "--penalty", "elasticnet", "--alpha", "1"],
            "--l1-ratio must be a number from 0 to 1, got 2.0",
        ),
        # NaN reached the library as its mark of l1_ratio unset: "--penalty
        # elasticnet needs the 'l1_ratio' parameter of LogisticRegression ...;
        # --l1-ratio is not set.", of an option that was given
        (
            ["--l1-ratio", "nan", "--penalty", "elasticnet", "--alpha", "1"],
            "--l1-ratio must be a number from 0 to 1, got nan\n",
        ),
        (
            ["--l1-ratio", "nan", "--penalty", "elasticnet", "--cv", "2"],
            "--l1-ratio must be a number from 0 to 1, got nan\n",
        ),
        (["--max-iter", "0"], "--max-iter must be a whole number >= 1, got 0"),
    ],
)
def test_bad_estimator_option_named_as_the_option(workdir, capsys, option, message):
    (workdir / "data.csv").write_text(GOOD)
    code, _, err = _run(capsys, ["fit", "data.csv", "-t", "y", *option])
    assert code == 2
    assert err.startswith("error: " + message), err
    assert "LogisticRegression" not in err
    assert _files(workdir) == {"data.csv"}


@pytest.mark.parametrize("command", ["predict", "evaluate", "report"])
def test_threshold_outside_0_1_is_a_usage_error(workdir, capsys, command):
    (workdir / "data.csv").write_text(GOOD)
    assert main(["fit", "data.csv", "-t", "y", "-o", "m.json"]) == 0
    capsys.readouterr()
    argv = [command, "m.json", "data.csv", "--threshold", "1.5"]
    code, _, err = _run(capsys, argv)
    assert code == 2
    assert err.startswith(
        "error: Invalid value for '--threshold': must be a probability in [0, 1], "
        "got 1.5"
    )
    assert _files(workdir) == {"data.csv", "m.json"}


def test_formula_with_unknown_column_names_it(ucla, workdir, capsys):
    argv = ["fit", ucla, "--formula", "admit ~ gre + gpa + C(rnk)"]
    code, _, err = _run(capsys, argv)
    assert (code, err) == (
        65,
        f"error: --formula uses 'rnk', which is not a column of {ucla} (did you "
        "mean 'rank'?); available: 'admit', 'gre', 'gpa', 'rank'\n",
    )


def test_formula_parse_error_is_one_plain_line(ucla, workdir, capsys):
    code, _, err = _run(capsys, ["fit", ucla, "--formula", "admit ~ gre +"])
    assert code == 2  # the option's grammar, whatever the data
    assert err.count("\n") == 1 and "\x1b" not in err
    assert err.startswith("error: --formula 'admit ~ gre +' cannot be parsed: ")


def test_utf16_file_is_named_not_misparsed(workdir, capsys):
    (workdir / "data.csv").write_bytes(GOOD.encode("utf-16"))
    code, _, err = _run(capsys, ["fit", "data.csv", "-t", "y"])
    assert (code, err) == (
        65,
        "error: data.csv is UTF-16 text (byte-order mark ff fe); pass --encoding "
        "utf-16, or convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8\n",
    )
    assert _files(workdir) == {"data.csv"}
    (workdir / "plain.csv").write_text(GOOD)
    code, _, err = _run(capsys, ["fit", "plain.csv", "-t", "y", "-o", "p.json"])
    assert code == 0, err
    code, _, err = _run(capsys, ["fit", "data.csv", "-t", "y", "--encoding", "utf-16"])
    assert code == 0, err
    from logistic import load

    plain, wide = load(workdir / "p.json"), load(workdir / "model.json")
    assert (wide.coef_ == plain.coef_).all() and wide.intercept_ == plain.intercept_


@pytest.mark.parametrize("mode", [["--stream"], ["--workers", "2"]])
def test_utf16_file_read_in_chunks_offers_no_encoding_option(mode, workdir, capsys):
    # --stream and --workers refuse --encoding: the message offers what works
    (workdir / "data.csv").write_bytes(GOOD.encode("utf-16"))
    code, _, err = _run(capsys, ["fit", "data.csv", "-t", "y", *mode])
    assert (code, err) == (
        65,
        "error: data.csv is UTF-16 text (byte-order mark ff fe); --stream and "
        "--workers read UTF-8 only: convert it to UTF-8, e.g. iconv -f UTF-16 -t "
        "UTF-8, or fit in memory (without --stream/--workers) with --encoding "
        "utf-16\n",
    )
    assert _files(workdir) == {"data.csv"}


def test_predict_on_the_wrong_file_suggests_nothing_misleading(ucla, workdir, capsys):
    # a model of the UCLA data applied to another dataset: no "did you mean"
    assert main(["fit", ucla, "--formula", "admit ~ gre + gpa + C(rank)"]) == 0
    (workdir / "other.csv").write_text("age,lfp\n30,yes\n")
    capsys.readouterr()
    code, _, err = _run(capsys, ["predict", "model.json", "other.csv"])
    assert (code, err) == (
        65,
        "error: 3 model input columns ('gre', 'gpa', 'rank') not found in "
        "other.csv; available: 'age', 'lfp'\n",
    )


def test_keep_column_typo_lists_the_columns(ucla, workdir, capsys):
    assert main(["fit", ucla, "--formula", "admit ~ gre + gpa + C(rank)"]) == 0
    capsys.readouterr()
    argv = ["predict", "model.json", ucla, "--keep", "Gre", "-o", "p.csv"]
    code, _, err = _run(capsys, argv)
    assert (code, err) == (
        65,
        f"error: --keep column 'Gre' not found in {ucla} (did you mean 'gre'?); "
        "available: 'admit', 'gre', 'gpa', 'rank'\n",
    )
    assert "p.csv" not in _files(workdir)


def test_evaluate_json_confusion_counts_are_integers(ucla, workdir, capsys):
    assert main(["fit", ucla, "--formula", "admit ~ gre + gpa + C(rank)"]) == 0
    capsys.readouterr()
    code, out, _ = _run(capsys, ["evaluate", "model.json", ucla, "--json"])
    assert code == 0
    cm = json.loads(out)["confusion_matrix"]
    # R: table(admit, fitted(glm(admit ~ gre + gpa + factor(rank))) > 0.5)
    assert cm == {"tn": 254, "fp": 19, "fn": 97, "tp": 30}
    assert all(type(v) is int for v in cm.values())


def test_summary_statistics_are_labelled(ucla, workdir, capsys):
    assert main(["fit", ucla, "--formula", "admit ~ gre + gpa + C(rank)"]) == 0
    capsys.readouterr()
    assert main(["summary", "model.json"]) == 0
    out = capsys.readouterr().out
    # R: glm(admit ~ gre + gpa + factor(rank), binomial): Null deviance 499.98 on
    # 399 df, Residual deviance 458.52 on 394 df, AIC 470.52
    assert (
        "observations 400, df model 5, df residuals 394, log-likelihood -229.2587, "
        "null log-likelihood -249.9883, deviance 458.517, null deviance 499.977, "
        "AIC 470.517"
    ) in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            "data.csv is a zip archive (an Excel .xlsx or .ods workbook?), not a data "
            "file this tool reads; export it as CSV (UTF-8) or Parquet",
        ),
        (
            b"\x7fELF\x02\x01\x01\x00\x00\x00,\n1,2\n",
            "data.csv is binary (it holds NUL bytes), not CSV text; the tool reads "
            "CSV/TSV, Parquet and LibSVM files",
        ),
    ],
)
def test_binary_file_is_named_not_parsed_as_csv(workdir, capsys, content, message):
    (workdir / "data.csv").write_bytes(content)
    code, _, err = _run(capsys, ["fit", "data.csv", "-t", "y"])
    assert (code, err) == (65, f"error: {message}\n")


def test_unknown_format_is_a_usage_error(workdir, capsys):
    (workdir / "data.csv").write_text(GOOD)
    code, _, err = _run(capsys, ["fit", "data.csv", "-t", "y", "--format", "parqet"])
    assert code == 2
    assert err.startswith(
        "error: Invalid value for '--format': must be csv, parquet or libsvm, got "
        "'parqet'"
    )


def test_out_of_memory_suggests_streaming(workdir, capsys, monkeypatch):
    import logistic.tabular as tabular

    def no_memory(*args, **kwargs):
        raise MemoryError

    (workdir / "data.csv").write_text(GOOD)
    monkeypatch.setattr(tabular, "read_data", no_memory)
    code, _, err = _run(capsys, ["fit", "data.csv", "-t", "y"])
    assert (code, err) == (
        74,
        "error: out of memory reading data.csv: the data do not fit in memory; fit "
        "with --stream "
        "(numeric feature columns, read in chunks) or on Dask with --workers N\n",
    )
    assert _files(workdir) == {"data.csv"}


@pytest.mark.parametrize(
    ("extra", "also"),
    [
        (
            ["--positive", "Yes"],
            "; also: --positive 'Yes' is not a value of the target column 'y' in "
            "d.csv; values: 'no' (n=3), 'yes' (n=3)\n",
        ),
        (["--positive", "yes"], "\n"),  # the target is right: one problem
    ],
)
def test_missing_values_and_a_wrong_positive_are_named_in_one_run(
    workdir, capsys, extra, also
):
    # a new user met these one run at a time: fill the values, run, then learn
    # that --positive was wrong too
    (workdir / "d.csv").write_text("x,y\n1,no\n,yes\n3,no\n4,yes\n5,yes\n6,no\n")
    code, out, err = _run(capsys, ["fit", "d.csv", "-t", "y", *extra])
    assert (code, out) == (65, "")
    assert err == (
        "error: missing values in d.csv: column 'x' (1 row(s), first at line 3); "
        "drop those rows with --missing drop or fill them in" + also
    )
    assert _files(workdir) == {"d.csv"}
