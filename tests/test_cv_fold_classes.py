"""Cross-validation names the fold whose training rows hold no weight of a class.

A fit of ``--cv 3 --weights w`` where the rows of class 0 of positive weight
all fell in one fold's test rows said "sample_weight is zero for every
sample of class 0.0: the data then lack that class" (the whole file has it;
neither the fold, nor --weights, nor the label was named).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import data_path, run_cli
from logistic import LogisticRegressionCV
from logistic._exceptions import DataValidationError


def _weights(y):
    """Weight 1 on two rows of class 0 (one test fold holds both) and a few of class 1."""
    w = np.zeros(len(y))
    w[np.flatnonzero(y == 0)[:2]] = 1.0
    w[np.flatnonzero(y == 1)[:6]] = 1.0
    return w


def test_library_names_the_fold_and_the_class():
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    X, y = d[["gre", "gpa"]].to_numpy(float), d["admit"].to_numpy()
    w = _weights(y)
    with pytest.raises(
        DataValidationError,
        match=r"cross-validation fold \d of 3: its training rows hold no rows of "
        r"positive weight of class 0 \(the whole data do\); use fewer folds \(cv=\) "
        r"or a stratified, shuffled split",
    ):
        LogisticRegressionCV(cv=3).fit(X, y, sample_weight=w)


def test_command_line_says_cv_and_weights(tmp_path, capsys):
    d = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    d["w"] = _weights(d["admit"].to_numpy())
    path = tmp_path / "w.csv"
    d.to_csv(path, index=False)
    code, _, err = run_cli(
        capsys,
        ["fit", path, "-t", "admit", "--weights", "w", "--cv", "3", "-o", tmp_path / "m.json", "-q"],
    )
    assert code == 65
    assert "training rows hold no rows of positive weight of class 0 (the whole data do)" in err
    assert (
        "use fewer folds (--cv) or a stratified, shuffled split, or give more rows of "
        "that class a positive weight"
    ) in err
    assert not (tmp_path / "m.json").exists()


def test_weights_that_zero_a_class_everywhere_name_weights(tmp_path, capsys):
    path = tmp_path / "z.csv"
    path.write_text("y,x,w\n0,1,0\n1,2,1\n0,3,0\n1,4,1\n0,5,0\n1,6,2\n")
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", "--weights", "w", "-o", tmp_path / "m.json", "-q"])
    assert code == 65
    assert "--weights is zero for every sample of class 0:" in err


def test_boolean_mask_folds_are_read(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2))
    y = (X[:, 0] + rng.normal(size=120) > 0).astype(int)
    half = np.arange(120) % 2 == 0
    folds = [(half, ~half), (~half, half)]  # boolean masks, as scikit-learn allows
    model = LogisticRegressionCV(cv=folds).fit(X, y)
    assert np.isfinite(model.C_).all()


def test_a_fold_whose_test_rows_hold_no_weight_is_named():
    """Its weighted score is a mean over no weight: the default score was NaN
    (a numpy "invalid value" warning), every mean of the CV curve NaN and C_
    the grid's first point. scikit-learn's LogisticRegressionCV refuses the
    same folds ("Sample weights must contain at least one non-zero number")."""
    from sklearn.model_selection import KFold

    rng = np.random.default_rng(40)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(int)
    w = np.r_[np.zeros(20), np.ones(40)]  # KFold(3)'s first test fold: weight 0
    with pytest.raises(
        DataValidationError,
        match=r"^cross-validation fold 1 of 3: its test rows hold no rows of "
        r"positive weight, so their weighted score is undefined",
    ):
        LogisticRegressionCV(Cs=3, cv=KFold(3)).fit(X, y, sample_weight=w)
    shuffled = KFold(3, shuffle=True, random_state=0)
    model = LogisticRegressionCV(Cs=3, cv=shuffled).fit(X, y, sample_weight=w)
    assert np.isfinite(model.cv_curve_.mean).all()
