"""Inference on rows that are not the training rows is refused even where
the gradient check cannot see it: the training rows repeated, or their
weights scaled, keep the mean objective's gradient at zero but scale the
information, so every standard error would shrink silently. The fit's total
weight and row count (kept at fit, and in model files) must be met."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import data_path, run_cli
from logistic import DataValidationError, LogisticRegression

UCLA = data_path("ucla-admissions", "binary.csv")
# R: summary(glm(admit ~ gre + gpa + factor(rank), binomial)), gpa's standard error
R_GPA_SE = 0.331819


@pytest.fixture
def ucla_files(workdir, capsys):
    frame = pd.read_csv(UCLA)
    pd.concat([frame, frame]).to_csv(workdir / "twice.csv", index=False)
    argv = ["fit", UCLA, "--formula", "admit ~ gre + gpa + C(rank)", "-o", "m.json",
            "-q"]  # fmt: skip
    assert run_cli(capsys, argv)[0] == 0
    return workdir


@pytest.mark.parametrize("command", ["summary", "margins"])
def test_the_training_file_twice_is_refused(ucla_files, capsys, command):
    code, out, err = run_cli(capsys, [command, "m.json", "twice.csv"])
    assert (code, out) == (65, "")
    assert err.startswith("error: twice.csv is not the data m.json was fitted on: ")
    assert "total weight 800 over 800 rows, the fit's 400 over 400 rows" in err


def test_the_training_file_itself_gives_rs_standard_errors(ucla_files, capsys):
    """Control: the same command on the training file."""
    code, out, _ = run_cli(capsys, ["summary", "m.json", UCLA])
    assert code == 0
    gpa = next(line.split() for line in out.splitlines() if line.startswith("gpa "))
    assert float(gpa[2]) == pytest.approx(R_GPA_SE, abs=5e-5)  # printed 0.3318


def test_the_report_names_the_mismatch(ucla_files, capsys):
    code, _, _ = run_cli(capsys, ["report", "m.json", "twice.csv", "-o", "r.html"])
    assert code == 0
    html = (ucla_files / "r.html").read_text(encoding="utf-8")
    assert "not shown: twice.csv is not the data m.json was fitted on (its rows " in html
    assert "total weight 800 over 800 rows" in html


@pytest.fixture(scope="module")
def ucla_arrays():
    frame = pd.read_csv(UCLA)
    X = pd.get_dummies(frame[["gre", "gpa", "rank"]].astype({"rank": str}),
                       drop_first=True, dtype=float)  # fmt: skip
    return X, frame["admit"].to_numpy()


@pytest.mark.parametrize("how", ["rows twice", "weights doubled", "weights 2 given"])
def test_python_inference_refuses_scaled_totals(ucla_arrays, how):
    X, y = ucla_arrays
    model = LogisticRegression(penalty=None).fit(X, y)
    if how == "rows twice":
        data = (pd.concat([X, X]), np.r_[y, y], None)
    elif how == "weights doubled":
        data = (X, y, np.full(len(y), 2.0))
    else:
        data = (X, y, np.r_[np.full(len(y) - 1, 1.0), 2.0])
    with pytest.raises(DataValidationError, match="do not match the data the model"):
        model.inference(data[0], data[1], sample_weight=data[2])


def test_python_inference_on_the_training_rows_matches_r(ucla_arrays):
    """Control."""
    X, y = ucla_arrays
    res = LogisticRegression(penalty=None).fit(X, y).inference(X, y)
    assert res.bse["gpa"] == pytest.approx(R_GPA_SE, abs=5e-7)


def test_a_loaded_model_knows_its_totals(ucla_arrays, tmp_path):
    X, y = ucla_arrays
    logistic.save(LogisticRegression(penalty=None).fit(X, y), tmp_path / "m.json")
    loaded = logistic.load(tmp_path / "m.json")
    with pytest.raises(DataValidationError, match="total weight 800 over 800 rows"):
        loaded.inference(pd.concat([X, X]), np.r_[y, y])
    assert loaded.inference(X, y).bse["gpa"] == pytest.approx(R_GPA_SE, abs=5e-7)


def test_a_multinomial_fit_refuses_its_rows_twice():
    frame = pd.read_csv(UCLA)
    X, y = frame[["gre", "gpa"]], frame["rank"]  # four classes, not separated
    model = LogisticRegression(penalty=None).fit(X, y)
    with pytest.raises(
        DataValidationError,
        match="total weight 800 over 800 rows, the fit's 400 over 400 rows",
    ):
        model.inference(pd.concat([X, X]), pd.concat([y, y]))
    assert model.inference(X, y).nobs == 400  # control


def test_sampling_weights_rescaled_are_the_same_weights(ucla_arrays):
    """Survey weights rescaled to sum to n give the same HC0 sandwich: the
    check compares their rows, not their total."""
    X, y = ucla_arrays
    w = np.random.default_rng(2).uniform(1.0, 4.0, len(y))
    model = LogisticRegression(penalty=None).fit(X, y, sample_weight=w)
    given = model.inference(X, y, w, sample_weight_kind="sampling", cov_type="HC0")
    scaled = model.inference(X, y, w * len(y) / w.sum(), sample_weight_kind="sampling",
                             cov_type="HC0")  # fmt: skip
    np.testing.assert_allclose(np.asarray(scaled.bse), np.asarray(given.bse), rtol=1e-8)


def test_a_refit_forgets_the_totals_of_the_file_it_was_loaded_from(ucla_arrays, tmp_path):
    X, y = ucla_arrays
    logistic.save(LogisticRegression(penalty=None).fit(X, y), tmp_path / "m.json")
    loaded = logistic.load(tmp_path / "m.json")
    rng = np.random.default_rng(0)
    X2 = rng.normal(size=(3000, 501))  # more parameters than fit keeps statistics for
    y2 = (X2[:, 0] + rng.logistic(size=3000) > 0).astype(int)
    loaded.fit(X2, y2)
    assert loaded.fit_statistics_ is None
    assert loaded.inference(X2, y2, cov_type="HC0").nobs == 3000
