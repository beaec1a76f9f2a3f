"""Regressions from a new-user trial of the Python API: each test is one
finding, with the named exception and message a user can act on."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import logistic
from logistic import (
    DataValidationError,
    InvalidParameterError,
    LogisticRegression,
    LogisticRegressionCV,
)


@pytest.fixture(scope="module")
def ucla():
    X, y, names = logistic.datasets.load_ucla_admissions()
    return pd.DataFrame(X, columns=names), y


def test_predict_interval_of_a_k_class_model_is_refused_by_name(ucla):
    from logistic._multiclass import MultiClassNotSupportedError

    d = pd.read_csv(logistic.datasets.ucla_admissions_path())
    model = LogisticRegression().fit(d[["gre", "gpa", "admit"]], d["rank"])
    with pytest.raises(MultiClassNotSupportedError, match="predict_interval"):
        model.predict_interval(d[["gre", "gpa", "admit"]][:2])


def test_save_refuses_other_estimators_and_writes_nothing(tmp_path):
    from sklearn.linear_model import LogisticRegression as SkLearn
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = np.random.default_rng(0).random((20, 2))
    y = np.arange(20) % 2
    for model, kind, hint in [
        (SkLearn().fit(X, y), "sklearn.linear_model._logistic.LogisticRegression", ""),
        (
            make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y),
            "sklearn.pipeline.Pipeline",
            "save the Pipeline's last step",
        ),
        ("hello", "builtins.str", ""),
    ]:
        path = tmp_path / "m.json"
        with pytest.raises(TypeError, match=f"got {kind}") as info:
            logistic.save(model, path)
        assert hint in str(info.value) and not path.exists()
    # a LogisticRegressionCV is saved as its refit (tests/test_save_cv_estimator.py)
    cv = LogisticRegressionCV(cv=3, Cs=3).fit(X, y)
    assert type(logistic.load(logistic.save(cv, path))) is LogisticRegression


def test_duplicate_column_names_are_refused(ucla):
    X, y = ucla
    Xd = pd.DataFrame(X.to_numpy(), columns=["a", "a", "b", "c", "c"])
    with pytest.raises(DataValidationError, match=r"2 column name\(s\) used more than once \(\['a', 'c'\]\)"):
        LogisticRegression().fit(Xd, y)


def test_unnamed_columns_have_the_summary_s_names_in_every_message():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 2))
    y = (x[:, 0] > 0).astype(int)  # separated by the first column
    with pytest.warns(logistic.PerfectSeparationWarning) as rec:
        model = LogisticRegression().fit(x, y)
    message = str(rec[0].message)
    assert "*x1" in message and "*x0" not in message
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", logistic.PerfectSeparationWarning)
        assert model.inference().term_names == ["Intercept", "x1", "x2"]
    x[3, 1] = np.nan
    with pytest.raises(DataValidationError, match=r"Columns with non-finite values: \['x2'\]"):
        LogisticRegression().fit(x, y)


def test_lr_test_warns_when_the_fits_are_not_nested(ucla):
    X, y = ucla
    a = LogisticRegression().fit(X[["gre", "gpa", "rank2"]], y).inference()
    b = LogisticRegression().fit(X[["rank2", "rank3"]], y).inference()
    c = LogisticRegression().fit(X[["gre", "gpa"]], y).inference()
    with pytest.warns(UserWarning, match=r"\['rank3'\] are terms of the smaller fit"):
        a.lr_test(b)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nested = a.lr_test(c)
    assert nested.df == 1  # gre, gpa and rank2 against gre and gpa
    with pytest.raises(InvalidParameterError, match="got LogisticRegression"):
        a.lr_test(LogisticRegression())


def test_a_hypothesis_with_double_equals_says_to_write_one(ucla):
    X, y = ucla
    res = LogisticRegression().fit(X, y).inference()
    with pytest.raises(InvalidParameterError, match="one '=' separates the two sides"):
        res.wald_test("gpa == 0")
    assert res.wald_test("gpa = 0").statistic > 0  # the remedy works


@pytest.mark.parametrize("with_text", [False, True])
def test_date_columns_are_refused_by_name(ucla, with_text):
    X, y = ucla
    Xd = X[["gre", "gpa"]].assign(when=pd.date_range("2020-01-01", periods=len(y)))
    if with_text:  # the DataFrame encoder's path
        Xd = Xd.assign(kind=np.where(np.arange(len(y)) % 2, "a", "b"))
    with pytest.raises(DataValidationError, match=r"^X column 'when' holds dates, times"):
        LogisticRegression().fit(Xd, y)
    with pytest.raises(DataValidationError, match=r"^X holds dates, times or durations"):
        LogisticRegression().fit(Xd["when"].to_numpy()[:, None], y)
    # the remedy: a number in a unit the user chose
    days = (Xd["when"] - Xd["when"].min()).dt.days
    LogisticRegression().fit(Xd.assign(when=days), y)


@pytest.mark.parametrize("labels", [None, {1: "a", 2: "b", 3: "c", 4: "d"}])
def test_a_class_without_weight_is_named_by_its_label(labels):
    d = pd.read_csv(logistic.datasets.ucla_admissions_path())
    y = d["rank"] if labels is None else d["rank"].map(labels)
    weight = (d["rank"] != 4).astype(float)
    shown = "4" if labels is None else "'d'"  # the label, not the class code 3
    with pytest.raises(DataValidationError, match=f"every sample of class {shown}:"):
        LogisticRegression().fit(d[["gre", "gpa", "admit"]], y, sample_weight=weight)
    yb = np.where(d["admit"] == 1, "yes", "no")
    with pytest.raises(DataValidationError, match="every sample of class 'yes':"):
        LogisticRegression().fit(
            d[["gre", "gpa"]], yb, sample_weight=(d["admit"] == 0).astype(float)
        )
