"""``LogisticRegressionCV(scoring=...)`` on object-dtype labels that are
numbers or booleans.

Reproduction: ``y_obj = y.astype(object)`` (breast cancer, labels 0/1);
``LogisticRegressionCV(Cs=3).fit(X, y_obj)`` fitted, but with any
``scoring`` (``"roc_auc"``, ``"accuracy"``, ``"neg_brier_score"``, ``"f1"``,
...) ``fit`` failed inside scikit-learn's metric (``ValueError: unknown
format is not supported``): the folds handed the scorer the object labels,
which scikit-learn's ``type_of_target`` calls "unknown". scikit-learn's
``check_estimator`` failed ``check_dtype_object`` for
``LogisticRegressionCV(scoring="roc_auc")``. ``LogisticRegression`` takes
this ``y`` (``classes_`` ``[0 1]``), so the CV estimator fits it too: the
same folds (``cv=5`` stratified; an object ``y`` had made scikit-learn's
``check_cv`` fall back to an unstratified ``KFold``), choice and coefficients
as on the integer labels.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import check_dtype_object  # noqa: E402

from logistic import LogisticRegressionCV  # noqa: E402

SCORINGS = [
    "roc_auc", "accuracy", "neg_brier_score", "f1", "average_precision",
    "balanced_accuracy", "precision",
]  # fmt: skip


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("scoring", SCORINGS)
def test_object_numbers_fit_as_the_numbers_do(data, scoring):
    X, y = data
    ref = LogisticRegressionCV(Cs=3, scoring=scoring).fit(X, y)
    got = LogisticRegressionCV(Cs=3, scoring=scoring).fit(X, y.astype(object))
    assert got.classes_.tolist() == [0, 1]
    np.testing.assert_array_equal(got.scores_[1], ref.scores_[1])
    np.testing.assert_array_equal(got.coef_, ref.coef_)
    assert got.score(X, y.astype(object)) == ref.score(X, y)
    assert got.score(X, y) == ref.score(X, y)


def test_default_scoring_stratifies_object_numbers(data):
    X, y = data
    ref = LogisticRegressionCV(Cs=3).fit(X, y)
    got = LogisticRegressionCV(Cs=3).fit(X, y.astype(object))
    np.testing.assert_array_equal(got.scores_[1], ref.scores_[1])


def test_object_booleans_and_floats(data):
    X, y = data
    for labels in (y.astype(bool).astype(object), (y * 2.0 - 1).astype(object)):
        got = LogisticRegressionCV(Cs=3, scoring="f1").fit(X, labels)
        ref = LogisticRegressionCV(Cs=3, scoring="f1").fit(X, labels.tolist())
        np.testing.assert_array_equal(got.coef_, ref.coef_)
        assert got.score(X, labels) == ref.score(X, labels.tolist())


def test_text_labels_are_scored_as_before(data):
    X, y = data
    text = np.where(y == 1, "yes", "no").astype(object)
    got = LogisticRegressionCV(Cs=3, scoring="f1").fit(X, text)
    ref = LogisticRegressionCV(Cs=3, scoring="f1").fit(X, text.astype(str))
    np.testing.assert_array_equal(got.coef_, ref.coef_)


def test_check_dtype_object_passes():
    check_dtype_object(
        "LogisticRegressionCV", LogisticRegressionCV(Cs=3, scoring="roc_auc")
    )
