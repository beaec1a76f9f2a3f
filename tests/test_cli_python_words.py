"""The command line's errors and warnings name options, not Python arguments
(docs/cli.md, "Errors and exit codes"): scikit-learn's "The 'solver'
parameter of LogisticRegression is 'newton', which ...", "After n_iter=2
iterations" and "must be a float in the range (0, inf). Got 0.0 instead."
reached the terminal as the library wrote them."""

from __future__ import annotations

import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.mark.parametrize(
    "options,said",
    [
        (["--penalty", "l1", "--solver", "newton"], "error: --solver newton does not support --penalty l1"),
        (["--penalty", "l1", "--solver", "lbfgs"], "error: --solver lbfgs does not support --penalty l1"),
        (["--penalty", "l2", "--C", "0"], "error: --C must be a number > 0, got 0.0\n"),
        (["--tol", "-1"], "error: --tol must be a number >= 0, got -1.0\n"),
    ],
)
def test_option_errors_name_the_option(tmp_path, capsys, options, said):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", *options, "-o", tmp_path / "m.json"])
    assert code == 2
    assert said in err
    assert "parameter of LogisticRegression" not in err and "Got " not in err


def test_a_convergence_warning_counts_iterations_without_n_iter(tmp_path, capsys):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "--max-iter", "2", "-o", tmp_path / "m.json"])
    assert code == 0
    assert "After 2 iterations (--max-iter 2)" in err and "n_iter=" not in err


@pytest.mark.parametrize(
    "options,said",
    [
        (["--penalty", "L2"], "--penalty must be 'none' or one of {'l2', 'l1', 'elasticnet', 'firth'}, got 'L2' (values are lower case: --penalty l2)"),
        (["--solver", "Newton"], "got 'Newton' (values are lower case: --solver newton)"),
    ],
)
def test_a_capitalized_value_is_told_the_values_are_lower_case(tmp_path, capsys, options, said):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", *options, "-o", tmp_path / "m.json"])
    assert code == 2
    assert said in err
