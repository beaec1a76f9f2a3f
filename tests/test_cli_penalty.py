"""``logistic fit --C``, the default strength of a named penalty, and library
messages in the CLI's spelling, end to end.

Reference: scikit-learn's ``LogisticRegression(C=...)`` (lbfgs, tight tol) on
the same UCLA admissions columns.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from conftest import TINY_CSV, data_path, run_cli
from logistic.cli._codes import EX_OK, EX_USAGE

UCLA = data_path("ucla-admissions", "binary.csv")
COLUMNS = ["gre", "gpa", "rank"]


def _sklearn(C: float) -> np.ndarray:
    frame = pd.read_csv(UCLA)
    model = SkLogisticRegression(C=C, tol=1e-12, max_iter=10_000)
    model.fit(frame[COLUMNS].to_numpy(float), frame["admit"].to_numpy())
    return np.r_[model.intercept_, model.coef_.ravel()]


def _fit(capsys, tmp_path, *options):
    argv = ["fit", UCLA, "-t", "admit", "--json", "-o", tmp_path / "m.json"]
    code, out, err = run_cli(capsys, [*argv, "--force", *options])
    assert code == EX_OK, err
    result = json.loads(out)
    return np.r_[result["intercept"], result["coef"]]


@pytest.mark.parametrize("C", [0.01, 1.0])
def test_C_matches_scikit_learn(tmp_path, capsys, C):
    theta = _fit(capsys, tmp_path, "--penalty", "l2", "--C", str(C))
    np.testing.assert_allclose(theta, _sklearn(C), rtol=1e-5, atol=1e-7)


def test_named_penalty_without_strength_is_C_1(tmp_path, capsys):
    theta = _fit(capsys, tmp_path, "--penalty", "l2")
    np.testing.assert_allclose(theta, _sklearn(1.0), rtol=1e-5, atol=1e-7)


def test_alpha_and_C_together_are_a_usage_error(workdir, capsys):
    (workdir / "d.csv").write_text(TINY_CSV)
    argv = ["fit", "d.csv", "-t", "y", "--penalty", "l2", "--alpha", "0.1", "--C", "2"]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (EX_USAGE, "")
    assert err == (
        "error: --alpha 0.1 and --C 2 both set the penalty strength "
        "(alpha = 1/(C x sum of weights)); give one of them\n"
    )
    assert not (workdir / "model.json").exists()


def test_bad_C_is_named_as_the_option(workdir, capsys):
    (workdir / "d.csv").write_text(TINY_CSV)
    code, _, err = run_cli(
        capsys, ["fit", "d.csv", "-t", "y", "--penalty", "l2", "--C", "-1"]
    )
    assert code == EX_USAGE
    assert err.startswith("error: --C must be a number > 0, got ")
    assert "parameter of LogisticRegression" not in err


def test_separation_warning_speaks_cli(workdir, capsys):
    # x separates y completely: the warning's remedies must be CLI options
    (workdir / "d.csv").write_text("x,y\n1,0\n2,0\n3,0\n4,1\n5,1\n6,1\n")
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "--json"])
    assert code == EX_OK, err
    text = " ".join(json.loads(out)["warnings"])
    assert "separation" in text.lower()
    assert "--penalty l2" in text and "--penalty firth" in text and "--C" in text
    assert "penalty='" not in text and "penalty=None" not in text + err


def test_help_says_what_a_named_penalty_defaults_to(capsys):
    code, out, _ = run_cli(capsys, ["fit", "--help"])
    assert code == EX_OK
    text = " ".join(out.split())
    assert "--C" in text and "uses C = 1" in text


def test_alpha_help_gives_C_over_the_sum_of_weights(tmp_path, capsys, monkeypatch):
    # the help said "scikit-learn's C is 1/(alpha n)", which --weights makes
    # wrong; the fit uses the sum of the weights, as --C's help says.
    # Reference: scikit-learn's C on the same weighted rows
    monkeypatch.setenv("COLUMNS", "300")
    code, out, _ = run_cli(capsys, ["fit", "--help"])
    assert code == EX_OK
    line = next(x for x in out.splitlines() if re.search(r"│ --alpha\s", x))
    assert "C is 1/(alpha x sum of weights)" in line, line
    frame = pd.read_csv(UCLA)
    w = 1.0 + np.arange(len(frame)) % 3
    frame.assign(w=w).to_csv(tmp_path / "w.csv", index=False)
    C = 0.5
    argv = ["fit", tmp_path / "w.csv", "-t", "admit", "--weights", "w", "--json"]
    argv += ["--penalty", "l2", "--alpha", repr(float(1 / (C * w.sum()))), "-o", tmp_path / "m.json"]
    code, out, err = run_cli(capsys, argv)
    assert code == EX_OK, err
    result = json.loads(out)
    sk = SkLogisticRegression(C=C, tol=1e-12, max_iter=10_000)
    sk.fit(frame[COLUMNS].to_numpy(float), frame["admit"].to_numpy(), sample_weight=w)
    np.testing.assert_allclose(
        np.r_[result["intercept"], result["coef"]],
        np.r_[sk.intercept_, sk.coef_.ravel()],
        rtol=1e-5,
        atol=1e-7,
    )


def test_summary_of_a_firth_model_gives_no_strength(tmp_path, capsys):
    # the header read "penalty firth, C=1 (the default)": Firth's penalty
    # (logistf's, half the log-determinant of the information) has no
    # strength, and LogisticRegression refuses C or alpha with it
    model = tmp_path / "f.json"
    argv = ["fit", UCLA, "-t", "admit", "--penalty", "firth", "-o", model]
    code, _, err = run_cli(capsys, argv)
    assert code == EX_OK, err
    code, out, err = run_cli(capsys, ["summary", model])
    assert code == EX_OK, err
    lines = [x for x in out.splitlines() if x.startswith("penalty ")]
    assert lines == ["penalty firth (Firth's bias-reduced likelihood)"], out


def test_alpha_zero_remedy_names_the_C_option(workdir, capsys):
    (workdir / "d.csv").write_text(TINY_CSV)
    argv = ["fit", "d.csv", "-t", "y", "--penalty", "l2", "--alpha", "0"]
    code, out, err = run_cli(capsys, argv)
    assert code != EX_OK and out == ""
    assert err.count("\n") == 1
    assert err.rstrip().endswith("or --alpha > 0 (or --C).")
    assert not (workdir / "model.json").exists()
