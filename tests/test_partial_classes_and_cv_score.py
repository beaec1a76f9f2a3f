"""A user trial's two findings.

* ``partial_fit`` given other ``classes`` than the stream started with names
  that problem, whether the stream started with two classes or with K, and
  its messages show labels as the user wrote them (``0``, ``'a'``), never
  ``np.int64(0)`` or ``['2']`` (the owner: ``_labels.label_shown``).
* ``LogisticRegressionCV.score`` uses ``scoring``, as scikit-learn's does
  (``get_scorer(scoring)(self, X, y, sample_weight=...)``), accuracy when
  ``scoring`` is None.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    get_scorer,
    log_loss,
    make_scorer,
    roc_auc_score,
)

from logistic import LogisticRegression, LogisticRegressionCV
from logistic._labels import label_shown


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    return X, (X[:, 0] > 0).astype(int)


def _stream(X, y, classes):
    model = LogisticRegression(penalty="l2", alpha=1e-3)
    return model.partial_fit(X[:50], y[:50], classes=classes)


def test_a_binary_stream_given_three_classes_says_the_classes_changed(data):
    X, y = data
    model = _stream(X, y, [0, 1])
    message = (
        "classes=[0, 1, 2] differs from the classes given at the first "
        "partial_fit call: [0, 1]"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        model.partial_fit(X[50:], y[50:], classes=[0, 1, 2])
    # the stream is left as it was and goes on with its own classes
    model.partial_fit(X[50:], y[50:], classes=[1, 0])
    assert list(model.classes_) == [0, 1] and model.n_iter_[0] == 2


def test_a_binary_stream_of_text_labels_shows_them_quoted(data):
    X, y = data
    labels = np.where(y == 1, "b", "a")
    model = _stream(X, labels, ["a", "b"])
    message = (
        "classes=['a', 'b', 'c'] differs from the classes given at the first "
        "partial_fit call: ['a', 'b']"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        model.partial_fit(X[50:], labels[50:], classes=["a", "b", "c"])


def test_a_three_class_stream_given_two_classes_shows_plain_labels(data):
    X, y = data
    y3 = y.copy()
    y3[:5] = 2
    model = _stream(X, y3, [0, 1, 2])
    message = (
        "classes=[0, 1] differs from the classes given at the first "
        "partial_fit call: [0, 1, 2]"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        model.partial_fit(X[50:], y[50:], classes=[0, 1])


def test_an_unseen_label_is_shown_as_written(data):
    X, y = data
    model = _stream(X, y, [0, 1])
    y2 = y.copy()
    y2[50:53] = 2
    message = (
        "y contains labels not in classes=[0, 1] given at the first "
        "partial_fit call: [2]"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        model.partial_fit(X[50:], y2[50:])


def test_one_class_at_the_first_call_is_not_called_a_binary_only_limit(data):
    X, y = data
    with pytest.raises(ValueError) as err:
        LogisticRegression(penalty="l2", alpha=1e-3).partial_fit(
            X[:50], np.ones(50, dtype=int), classes=[1]
        )
    text = str(err.value)
    assert "Only binary" not in text and "np." not in text
    assert text == "classes must hold at least 2 distinct labels, got [1]"


def test_label_shown_writes_numpy_scalars_as_python_values():
    assert label_shown(np.int64(0)) == "0"
    assert label_shown(np.float64(1.0)) == "1"
    assert label_shown(np.bool_(True)) == "true"
    assert label_shown(np.str_("a")) == "'a'"
    assert label_shown("a") == "'a'"


# -- LogisticRegressionCV.score ------------------------------------------------------
@pytest.fixture
def cv_data():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 4))
    logit = 1.5 * X[:, 0] - X[:, 1] + 0.3
    y = (rng.uniform(size=300) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y, rng.uniform(0.5, 2.0, size=300)


def test_cv_score_is_roc_auc_when_scoring_is_roc_auc_and_accuracy_when_none(cv_data):
    X, y, w = cv_data
    model = LogisticRegressionCV(penalty="l2", Cs=5, scoring="roc_auc").fit(X, y)
    p = model.predict_proba(X)[:, 1]
    assert model.score(X, y) == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert model.score(X, y, sample_weight=w) == pytest.approx(
        roc_auc_score(y, p, sample_weight=w), abs=1e-12
    )
    assert model.score(X, y) == get_scorer("roc_auc")(model, X, y)
    assert model.score(X, y) != pytest.approx(accuracy_score(y, model.predict(X)))
    # scoring=None: scikit-learn's LogisticRegressionCV.score is the accuracy
    # (not this estimator's own fold score, the negative log loss)
    plain = LogisticRegressionCV(penalty="l2", Cs=5).fit(X, y)
    assert plain.score(X, y) == pytest.approx(accuracy_score(y, plain.predict(X)))
    assert plain.score(X, y, sample_weight=w) == pytest.approx(
        accuracy_score(y, plain.predict(X), sample_weight=w)
    )


def test_cv_score_is_the_negative_log_loss_of_neg_log_loss(cv_data):
    X, y, w = cv_data
    model = LogisticRegressionCV(penalty="l1", Cs=5, scoring="neg_log_loss")
    model.fit(X, y)
    p = model.predict_proba(X)
    assert model.score(X, y) == pytest.approx(-log_loss(y, p), rel=1e-12)
    assert model.score(X, y, sample_weight=w) == pytest.approx(
        -log_loss(y, p, sample_weight=w), rel=1e-12
    )


def test_cv_score_calls_a_callable_scorer_with_text_labels(cv_data):
    X, y, _ = cv_data
    labels = np.where(y == 1, "yes", "no")
    scorer = make_scorer(roc_auc_score, response_method="predict_proba")
    model = LogisticRegressionCV(penalty="l2", Cs=5, scoring=scorer)
    model.fit(X, labels)
    p = model.predict_proba(X)[:, 1]
    assert model.score(X, labels) == pytest.approx(
        roc_auc_score(labels == "yes", p), abs=1e-12
    )
