"""``partial_fit`` honours a dict ``class_weight`` (each chunk's rows weighted
as ``fit`` weights them; it was ignored, silently) and is unavailable with
``class_weight="balanced"``, which needs the whole stream's class counts
(scikit-learn's ``SGDClassifier.partial_fit`` refuses it too)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic import LogisticRegression

ALPHA = 1e-3


def _stream(model, X, y, classes, weights=None, epochs=30, chunk=100):
    for _ in range(epochs):
        for j in range(0, len(y), chunk):
            sw = None if weights is None else weights[j : j + chunk]
            model.partial_fit(X[j : j + chunk], y[j : j + chunk], classes, sw)
    return model


@pytest.fixture(scope="module")
def binary():
    return make_classification(1000, 12, n_informative=6, weights=[0.8], random_state=9)


def test_a_dict_weights_each_chunk_as_sample_weights_do(binary):
    X, y = binary
    cw = {0: 1.0, 1: 50.0}
    weighted = _stream(LogisticRegression(penalty="l2", alpha=ALPHA, class_weight=cw,
                                          random_state=0), X, y, [0, 1])  # fmt: skip
    per_row = np.where(y == 1, 50.0, 1.0)
    by_rows = _stream(LogisticRegression(penalty="l2", alpha=ALPHA, random_state=0),
                      X, y, [0, 1], per_row)  # fmt: skip
    np.testing.assert_array_equal(weighted.coef_, by_rows.coef_)
    np.testing.assert_array_equal(weighted.intercept_, by_rows.intercept_)


def test_the_stream_approaches_scikit_learns_weighted_fit(binary):
    """Reference: scikit-learn's full-batch fit with the same class weights
    (C = 1/(alpha·Σ weights), its penalty on the sum of weighted losses)."""
    X, y = binary
    cw = {0: 1.0, 1: 50.0}
    model = LogisticRegression(penalty="l2", alpha=ALPHA, class_weight=cw,
                               random_state=0)  # fmt: skip
    _stream(model, X, y, [0, 1])
    total = np.where(y == 1, 50.0, 1.0).sum()
    ref = SkLogisticRegression(C=1 / (ALPHA * total), class_weight=cw, tol=1e-10,
                               max_iter=10_000).fit(X, y)  # fmt: skip
    plain = _stream(LogisticRegression(penalty="l2", alpha=ALPHA, random_state=0),
                    X, y, [0, 1])  # fmt: skip
    assert abs(model.intercept_[0] - ref.intercept_[0]) < 0.05
    assert abs(plain.intercept_[0] - ref.intercept_[0]) > 2.0  # unweighted: far off
    predicted = (model.predict(X) == 1).mean()
    assert predicted == pytest.approx((ref.predict(X) == 1).mean(), abs=0.02)


def test_multinomial_chunks_are_weighted_too():
    X, y = make_classification(900, 8, n_informative=5, n_classes=3,
                               weights=[0.6, 0.3, 0.1], random_state=2)  # fmt: skip
    cw = {0: 1.0, 1: 2.0, 2: 8.0}
    model = LogisticRegression(penalty="l2", alpha=ALPHA, class_weight=cw, random_state=0)
    per_row = np.array([cw[k] for k in y])
    by_rows = LogisticRegression(penalty="l2", alpha=ALPHA, random_state=0)
    _stream(model, X, y, [0, 1, 2], epochs=3)
    _stream(by_rows, X, y, [0, 1, 2], per_row, epochs=3)
    np.testing.assert_array_equal(model.coef_, by_rows.coef_)


def test_balanced_class_weights_have_no_partial_fit():
    model = LogisticRegression(penalty="l2", alpha=ALPHA, class_weight="balanced")
    assert not hasattr(model, "partial_fit")
    with pytest.raises(AttributeError, match="class counts of the whole stream"):
        model.partial_fit(np.zeros((2, 1)), [0, 1], classes=[0, 1])
