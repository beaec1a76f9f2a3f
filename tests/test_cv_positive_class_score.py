"""``LogisticRegressionCV`` scores with one positive class, in its folds and in ``score``.

The folds score a metric that takes ``pos_label`` with the model's positive
class ``classes_[1]`` (scikit-learn's LogisticRegressionCV does the same for
metrics taking ``labels``). ``score`` passed the scorer's name to
scikit-learn as is (``pos_label=1``): with text labels ``score`` raised
"pos_label=1 is not a valid label" on data the fit had scored, so
``cross_val_score`` and a grid search over the estimator failed, and
``scoring="average_precision"`` (a metric with ``pos_label`` but no
``labels``) failed in ``fit`` too. Reference values: scikit-learn's metric
functions with ``pos_label`` given.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, f1_score, get_scorer
from sklearn.model_selection import cross_val_score

from logistic import LogisticRegressionCV


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 4)
    positive = X[:, 0] + rng.randn(200) > 0
    return X, positive


def _fit(X, y, scoring):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticRegressionCV(Cs=5, scoring=scoring).fit(X, y)


def test_text_labels_score_the_positive_class(data):
    X, positive = data
    ys = np.where(positive, "yes", "no")
    model = _fit(X, ys, "f1")
    assert model.score(X, ys) == pytest.approx(f1_score(ys, model.predict(X), pos_label="yes"))
    folds = cross_val_score(LogisticRegressionCV(Cs=3, scoring="f1"), X, ys, cv=3)
    assert folds.shape == (3,) and np.all((folds > 0) & (folds <= 1))


def test_average_precision_fits_text_labels_as_01(data):
    X, positive = data
    ys = np.where(positive, "yes", "no")
    text, coded = _fit(X, ys, "average_precision"), _fit(X, positive.astype(int), "average_precision")
    assert text.C_ == coded.C_
    np.testing.assert_allclose(text.scores_["yes"], coded.scores_[1])
    expected = average_precision_score(ys, text.predict_proba(X)[:, 1], pos_label="yes")
    assert text.score(X, ys) == pytest.approx(expected)


def test_labels_one_two_score_the_class_the_folds_chose_by(data):
    X, positive = data
    y = np.where(positive, 2, 1)
    model = _fit(X, y, "f1")
    assert model.score(X, y) == pytest.approx(f1_score(y, model.predict(X), pos_label=2))


def test_zero_one_labels_score_as_scikit_learn(data):
    X, positive = data
    y = positive.astype(int)
    for scoring in ("f1", "average_precision", "roc_auc", "neg_brier_score"):
        model = _fit(X, y, scoring)
        assert model.score(X, y) == pytest.approx(get_scorer(scoring)(model, X, y))
