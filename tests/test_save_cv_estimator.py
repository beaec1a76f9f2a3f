"""``logistic.save`` of a fitted ``LogisticRegressionCV`` writes what
``logistic fit --cv`` writes: the refit at the chosen strength, which
``load`` gives back as a ``LogisticRegression`` predicting as the estimator
did, and the CV record (``model.cross_validation``) holding the estimator's
``C_``, ``Cs_``, ``alphas_`` and its fold scores' mean and standard error.

References: the estimator's own attributes for the record (what the file
must keep), scikit-learn's ``LogisticRegression`` at the chosen ``C`` for
the refit's coefficients (the problem ``refit=True`` solves, as in
tests/test_cv_keep_chosen_model.py), and ``std(ddof=1)/√K`` of the fold
scores (the module docstring of logistic.model_selection).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("sklearn")

import logistic  # noqa: E402
from conftest import run_cli  # noqa: E402
from logistic import LogisticRegression, LogisticRegressionCV  # noqa: E402

# small grids whose best score sits at an edge: the warning is not under test
pytestmark = pytest.mark.filterwarnings("ignore::logistic.GridEdgeWarning")


def _ucla():
    X, y, names = logistic.datasets.load_ucla_admissions()
    return X, y


def test_saved_cv_model_predicts_as_the_estimator(tmp_path):
    from sklearn.linear_model import LogisticRegression as SkLogistic

    X, y = _ucla()
    cv = LogisticRegressionCV(cv=3, penalty="l2").fit(X, y)
    path = logistic.save(cv, tmp_path / "cv.json")
    loaded = logistic.load(path)
    assert type(loaded) is LogisticRegression
    np.testing.assert_array_equal(loaded.predict_proba(X), cv.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), cv.predict(X))
    assert loaded.penalty == "l2" and loaded.alpha == cv.alpha_
    # the refit at the chosen C is scikit-learn's fit at that C
    sk = SkLogistic(C=float(cv.C_[0]), solver="newton-cholesky", tol=1e-10)
    sk.fit(X, y)
    np.testing.assert_allclose(loaded.coef_, sk.coef_, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(loaded.intercept_, sk.intercept_, rtol=1e-5)


def test_the_cv_record_holds_the_estimators_attributes(tmp_path):
    X, y = _ucla()
    Cs = [10.0, 0.01, 1.0, 0.1]  # not sorted: Cs_ and scores_ keep this order
    cv = LogisticRegressionCV(cv=3, Cs=Cs, penalty="l2").fit(X, y)
    loaded = logistic.load(logistic.save(cv, tmp_path / "cv.json"))
    record = loaded.cross_validation_
    assert record["folds"] == 3 and record["rule"] == "min"
    assert record["scoring"] == "neg_log_loss" and record["penalty"] == "l2"
    assert record["C"] == cv.C_[0] and record["alpha"] == cv.alpha_
    # the record's curve runs in decreasing strength: increasing C
    order = np.argsort(Cs)
    assert record["Cs"] == sorted(Cs)
    np.testing.assert_array_equal(record["Cs"], np.asarray(cv.Cs_)[order])
    np.testing.assert_array_equal(record["alphas"], cv.alphas_)
    scores = cv.scores_[cv.classes_[1]][:, order]  # (folds, Cs) in record order
    np.testing.assert_allclose(record["mean"], scores.mean(axis=0), rtol=1e-12)
    se = scores.std(axis=0, ddof=1) / np.sqrt(3)
    np.testing.assert_allclose(record["std_err"], se, rtol=1e-12)
    assert record["Cs"][record["chosen_index"]] == cv.C_[0]
    assert record["chosen_index"] == int(np.argmax(scores.mean(axis=0)))


def test_an_elastic_net_grid_keeps_every_mixing(tmp_path):
    X, y = _ucla()
    cv = LogisticRegressionCV(
        cv=3, Cs=4, penalty="elasticnet", l1_ratios=[0.2, 0.8]
    ).fit(X, y)
    loaded = logistic.load(logistic.save(cv, tmp_path / "en.json"))
    np.testing.assert_array_equal(loaded.predict_proba(X), cv.predict_proba(X))
    grid = loaded.cross_validation_["l1_ratio_grid"]
    assert grid["l1_ratios"] == [0.2, 0.8]
    assert loaded.l1_ratio == cv.l1_ratio_[0] == grid["l1_ratios"][grid["chosen_index"]]
    # (folds, Cs, ratios) in scikit-learn's legacy layout
    for i in range(2):
        means = cv.scores_[cv.classes_[1]][:, :, i].mean(axis=0)
        np.testing.assert_allclose(grid["mean"][i], means, rtol=1e-12)


def test_cli_summary_of_the_saved_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, y = _ucla()
    cv = LogisticRegressionCV(cv=3, Cs=5, penalty="l2").fit(X, y)
    logistic.save(cv, tmp_path / "cv.json")
    code, out, err = run_cli(capsys, ["summary", "cv.json"])
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("strength chosen by"))
    assert "3-fold cross-validation" in line and f"alpha = {cv.alpha_:.6g}" in line
    code, out, err = run_cli(capsys, ["summary", "cv.json", "--json"])
    assert code == 0, err
    shown = json.loads(out)["cross_validation"]
    assert shown["folds"] == 3 and shown["C"] == cv.C_[0]
    assert shown["splitter"] == "StratifiedKFold(n_splits=3)"


def test_refit_false_is_refused_and_nothing_written(tmp_path):
    X, y = _ucla()
    cv = LogisticRegressionCV(cv=3, Cs=3, refit=False).fit(X, y)
    with pytest.raises(ValueError, match="refit=False"):
        logistic.save(cv, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_an_unpenalized_point_in_cs_is_refused(tmp_path):
    X, y = _ucla()
    cv = LogisticRegressionCV(cv=3, Cs=[0.1, np.inf]).fit(X, y)
    with pytest.raises(ValueError, match="inf"):
        logistic.save(cv, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_an_unfitted_cv_model_is_refused(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="unfitted"):
        logistic.save(LogisticRegressionCV(), tmp_path / "m.json")


def test_k_class_targets_are_refused_by_the_estimator():
    """No K-class CV model reaches save: the estimator fits two classes only."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 2)), np.repeat([0, 1, 2], 20)
    with pytest.raises(ValueError, match="two|2|classes"):
        LogisticRegressionCV(cv=3, Cs=3).fit(X, y)
