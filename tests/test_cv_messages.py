"""Messages of ``LogisticRegressionCV`` name it and say what it takes.

Reproduction (breast cancer, ``lcv = LogisticRegressionCV(Cs=3).fit(X, y)``):
``lcv.predict(X[:, :3])`` said "X has 3 features, but LogisticRegression is
expecting 30 features as input." and ``lcv.predict(X[:0])`` "... required by
LogisticRegression." (its predictions went through a ``LogisticRegression``
at the chosen point; scikit-learn names ``LogisticRegressionCV``), and
``LogisticRegressionCV().fit(X, np.random.rand(n))`` offered "the labels of 3
or more classes ... for a multinomial one" and "fit(X, y, trials=n)", neither
of which this binary-only estimator, whose fit has no ``trials``, takes.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from logistic import LogisticRegressionCV  # noqa: E402


@pytest.fixture(scope="module")
def fitted():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    theirs = SkCV(Cs=3, max_iter=5000).fit(X, y)
    return X, y, LogisticRegressionCV(Cs=3).fit(X, y), theirs


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "decision_function"]
)
def test_a_wrong_width_names_logistic_regression_cv(fitted, method):
    X, _, ours, theirs = fitted
    with pytest.raises(ValueError) as sk:
        getattr(theirs, method)(X[:, :3])
    with pytest.raises(ValueError) as got:
        getattr(ours, method)(X[:, :3])
    assert str(got.value) == str(sk.value)


def test_no_rows_names_logistic_regression_cv(fitted):
    X, y, ours, _ = fitted
    for call in (lambda: ours.predict(X[:0]), lambda: ours.score(X[:0], y[:0])):
        with pytest.raises(ValueError, match="required by LogisticRegressionCV"):
            call()


def test_predictions_are_the_chosen_point_s(fitted):
    X, y, ours, _ = fitted
    z = X @ ours.coef_.ravel() + ours.intercept_[0]
    np.testing.assert_array_equal(ours.decision_function(X), z)
    np.testing.assert_array_equal(ours.predict(X), (z > 0).astype(int))
    assert ours.score(X, y) == np.mean((z > 0) == y)


@pytest.mark.parametrize("scale", [1.0, 10.0])
def test_continuous_labels_say_what_the_cv_estimator_takes(fitted, scale):
    X, y, _, _ = fitted
    target = np.random.default_rng(0).random(len(y)) * scale
    with pytest.raises(ValueError, match="Unknown label type: continuous") as got:
        LogisticRegressionCV(Cs=3).fit(X, target)
    text = str(got.value)
    assert "LogisticRegressionCV needs two class labels" in text
    assert "multinomial" not in text and "3 or more classes" not in text
    assert ("trials=n" in text) == (scale == 1.0)
    assert "LogisticRegressionCV does not take" in text or scale != 1.0


@pytest.mark.parametrize("scale", [1.0, 10.0])
def test_continuous_labels_say_what_path_takes(fitted, scale):
    """logistic.path (binary only, no trials=) answered a continuous y with
    LogisticRegression's words: "the labels of 3 or more classes ... for a
    multinomial one, which fit() chooses by itself" and "pass ... the trials
    with fit(X, y, trials=n)", neither of which path has."""
    from logistic import path

    X, y, _, _ = fitted
    target = np.random.default_rng(0).random(len(y)) * scale
    with pytest.raises(ValueError, match="Unknown label type: continuous") as got:
        path(X, target, n_alphas=3)
    text = str(got.value)
    assert "path needs two class labels" in text
    assert "multinomial" not in text and "fit() chooses" not in text
    assert ("path does not take" in text) == (scale == 1.0)


def test_other_data_errors_are_kept(fitted):
    X, y, _, _ = fitted
    with pytest.raises(ValueError, match="Only binary classification"):
        LogisticRegressionCV(Cs=3).fit(X, np.arange(len(y)) % 3)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegressionCV(Cs=3).fit(bad, np.random.default_rng(0).random(len(y)))
