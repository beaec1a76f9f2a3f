"""``logistic predict --interval LEVEL``: intervals from the model file's covariance.

The reference is the library: ``logistic.load(model).predict_interval(X)``
(itself equal to statsmodels' ``GLM.get_prediction().summary_frame``, see
tests/test_prediction_interval.py) on the same rows. Data: UCLA admissions
(tests/data/ucla-admissions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import data_path
from logistic.cli.app import main

UCLA = data_path("ucla-admissions", "binary.csv")
COLUMNS = ["proba", "label", "logit", "proba_se", "proba_lower", "proba_upper"]


@pytest.fixture
def ucla_text(tmp_path):
    """UCLA admissions with rank as text (one-hot encoded by fit) and an offset."""
    d = pd.read_csv(UCLA)
    d["rank"] = "r" + d["rank"].astype(str)
    d["off"] = np.random.default_rng(0).normal(scale=0.3, size=len(d))
    path = tmp_path / "ucla.csv"
    d.to_csv(path, index=False)
    return path, d


def fit(data, model, *options):
    assert main(["fit", str(data), "-o", str(model), "-q", *options]) == 0


def predict(model, data, out, *options):
    return main(["predict", str(model), str(data), "-o", str(out), "-q", *options])


@pytest.mark.parametrize("level", [0.95, 0.8])
def test_interval_columns_equal_the_library(tmp_path, ucla_text, level):
    data, d = ucla_text
    model = tmp_path / "m.json"
    fit(data, model, "--target", "admit", "--drop", "off")
    assert predict(model, data, tmp_path / "p.csv", "--interval", str(level)) == 0
    got = pd.read_csv(tmp_path / "p.csv")
    assert list(got.columns) == COLUMNS
    expected = logistic.load(model).predict_interval(
        d[["gre", "gpa", "rank"]], alpha=1 - level
    )
    np.testing.assert_allclose(got["proba"], expected["mean"], rtol=1e-12)
    np.testing.assert_allclose(got["proba_se"], expected["mean_se"], rtol=1e-12)
    np.testing.assert_allclose(
        got["proba_lower"], expected["mean_ci_lower"], rtol=1e-12
    )
    np.testing.assert_allclose(
        got["proba_upper"], expected["mean_ci_upper"], rtol=1e-12
    )
    assert np.all(got.proba_lower < got.proba) and np.all(got.proba < got.proba_upper)


def test_offset_column_and_formula(tmp_path, ucla_text):
    data, d = ucla_text
    model = tmp_path / "m.json"
    fit(data, model, "--formula", "admit ~ gre + gpa + C(rank)", "--offset", "off")
    assert predict(model, data, tmp_path / "p.csv", "--interval", "0.9") == 0
    got = pd.read_csv(tmp_path / "p.csv")
    loaded = logistic.load(model)
    X = pd.DataFrame({"gre": d.gre * 1.0, "gpa": d.gpa})
    for level in ("r2", "r3", "r4"):
        X[f"C(rank)[T.{level}]"] = (d["rank"] == level) * 1.0
    X = X[list(loaded.feature_names_in_)]  # the formula's column order
    expected = loaded.predict_interval(X, alpha=0.1, offset=d["off"])
    np.testing.assert_allclose(got["proba_se"], expected["mean_se"], rtol=1e-12)
    np.testing.assert_allclose(
        got["proba_upper"], expected["mean_ci_upper"], rtol=1e-12
    )
    np.testing.assert_allclose(got["logit"], expected["linpred"], rtol=1e-12)


def test_rows_not_scored_stay_empty(tmp_path):
    d = pd.read_csv(UCLA)
    d.loc[[2, 5], "gpa"] = np.nan
    data = tmp_path / "holes.csv"
    d.to_csv(data, index=False)
    model = tmp_path / "m.json"
    fit(UCLA, model, "--target", "admit")
    out = tmp_path / "p.csv"
    assert predict(model, data, out, "--interval", "0.95", "--missing", "na") == 0
    got = pd.read_csv(out)
    assert len(got) == len(d)
    assert got.loc[[2, 5], ["proba", "proba_se", "proba_lower"]].isna().all().all()
    assert got.drop(index=[2, 5])[["proba_se", "proba_upper"]].notna().all().all()


def test_without_interval_the_columns_are_unchanged(tmp_path):
    model = tmp_path / "m.json"
    fit(UCLA, model, "--target", "admit")
    assert predict(model, UCLA, tmp_path / "p.csv") == 0
    assert list(pd.read_csv(tmp_path / "p.csv").columns) == COLUMNS[:3]


def test_penalized_model_is_refused(tmp_path, capsys):
    """A penalized fit stores no covariance. (A file of a fit with aliased
    columns gives the reduced model's interval:
    tests/test_aliased_model_file.py, against statsmodels.)"""
    penalized = tmp_path / "pen.json"
    fit(UCLA, penalized, "--target", "admit", "--penalty", "l2")
    capsys.readouterr()
    assert predict(penalized, UCLA, tmp_path / "p.csv", "--interval", "0.95") == 65
    err = capsys.readouterr().err
    assert "stores no covariance" in err and "penalized" in err
    assert not (tmp_path / "p.csv").exists()


def test_python_saved_model_gives_the_interval_of_predict_interval(tmp_path):
    # logistic.save keeps the covariance of an unpenalized fit
    d = pd.read_csv(UCLA)
    bare = tmp_path / "bare.json"
    X = d[["gre", "gpa", "rank"]].astype(float)
    logistic.save(logistic.LogisticRegression().fit(X, d.admit), bare)
    assert predict(bare, UCLA, tmp_path / "p.csv", "--interval", "0.95") == 0
    got = pd.read_csv(tmp_path / "p.csv")
    ref = logistic.load(bare).predict_interval(X)
    np.testing.assert_allclose(got["proba_se"], ref["mean_se"], rtol=1e-12)
    np.testing.assert_allclose(got["proba_lower"], ref["mean_ci_lower"], rtol=1e-12)


@pytest.mark.parametrize("level", ["0", "1", "95", "-0.5"])
def test_level_outside_zero_one_is_a_usage_error(tmp_path, capsys, level):
    model = tmp_path / "m.json"
    fit(UCLA, model, "--target", "admit")
    capsys.readouterr()
    assert predict(model, UCLA, tmp_path / "p.csv", "--interval", level) == 2
    assert "--interval must be a confidence level" in capsys.readouterr().err


def test_cli_model_file_gives_inference_without_data(tmp_path):
    """A model written by ``logistic fit`` keeps the fit statistics, so
    ``load(path).inference()`` needs no data; its standard errors are
    statsmodels' ``Logit`` on the same design (reference computed here)."""
    import statsmodels.api as sm

    data = data_path("ucla-admissions", "binary.csv")
    out = tmp_path / "m.json"
    fit(data, out, "--formula", "admit ~ gre + gpa")
    res = logistic.load(out).inference()
    frame = pd.read_csv(data)
    ref = sm.Logit(frame["admit"], sm.add_constant(frame[["gre", "gpa"]])).fit(disp=0)
    np.testing.assert_allclose(np.asarray(res.bse), ref.bse.to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-10)


def test_non_estimable_rows_are_named_by_their_place_in_the_file(tmp_path, capsys):
    # a constant training column is aliased (NA); a row that sets it to
    # another value needs its coefficient. With an earlier row left out by
    # --missing na, the warning named "row 2" of the 4 rows scored, not the
    # file's line 4 (data row 3), which the output keeps as its row 3
    rng = np.random.default_rng(0)
    x1 = rng.normal(size=300)
    y = (rng.random(300) < 1 / (1 + np.exp(-x1))).astype(int)
    pd.DataFrame({"x1": x1, "cnum": 5.0, "y": y}).to_csv(tmp_path / "t.csv", index=False)
    new = pd.DataFrame({"x1": [np.nan, 0.1, 0.2, 0.3, 0.4], "cnum": [5.0, 5.0, 7.0, 5.0, 5.0]})
    new.to_csv(tmp_path / "new.csv", index=False)
    fit(tmp_path / "t.csv", tmp_path / "m.json", "--target", "y")
    capsys.readouterr()
    out = tmp_path / "p.csv"
    assert predict(tmp_path / "m.json", tmp_path / "new.csv", out, "--interval", "0.95", "--missing", "na") == 0
    err = capsys.readouterr().err
    assert "NonEstimableWarning: 1 of 4 rows scored (line 4) are not estimable" in err
    assert "'cnum'" in err and "counting from 1" not in err
    got = pd.read_csv(out)
    assert len(got) == 5 and np.isnan(got["proba"][0]) and not np.isnan(got["proba"][2])
