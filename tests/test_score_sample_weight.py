"""``score(X, y, sample_weight)`` checks its weights as ``fit`` does.

An ML engineer's trial found the weights of ``score`` unchecked: a NaN or
infinite weight gave a score of NaN, silently; a wrong length, a 2-D array or
a scalar raised numpy's ``TypeError: Axis must be specified ...`` and weights
summing to 0 a ``ZeroDivisionError``, naming no parameter. scikit-learn's
``accuracy_score`` (which its ``LogisticRegression.score`` calls) refuses the
NaN, the infinity, the length and the zero total with a ``ValueError``; the
weighted accuracies below are its values.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.metrics import accuracy_score  # noqa: E402

from logistic import DataValidationError, LogisticRegression  # noqa: E402
from logistic.model_selection import LogisticRegressionCV  # noqa: E402

# the two-point grid's edge is not what these tests are about
pytestmark = pytest.mark.filterwarnings("ignore:LogisticRegressionCV. the best score")


def _data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + rng.normal(size=120) > 0).astype(int)
    return X, y, rng.uniform(0.2, 3.0, size=120)


def _models(X, y):
    return [
        LogisticRegression(penalty="l2").fit(X, y),
        LogisticRegressionCV(Cs=[0.1, 1.0], cv=3).fit(X, y),
    ]


def test_weighted_score_is_scikit_learns_weighted_accuracy():
    X, y, w = _data()
    for model in _models(X, y):
        expected = accuracy_score(y, model.predict(X), sample_weight=w)
        assert model.score(X, y, sample_weight=w) == pytest.approx(expected, abs=1e-15)
        # a scalar weight, as fit takes it: every row the same weight
        assert model.score(X, y, sample_weight=2.0) == pytest.approx(
            accuracy_score(y, model.predict(X)), abs=1e-15
        )


@pytest.mark.parametrize(
    "weights, message",
    [
        (lambda w: np.r_[np.nan, w[1:]], r"sample_weight contains NaN or infinity \(first at index 0"),
        (lambda w: np.r_[w[:5], np.inf, w[6:]], r"sample_weight contains NaN or infinity \(first at index 5"),
        (lambda w: w[:7], r"sample_weight\.shape == \(7,\), expected \(120,\)"),
        (lambda w: np.c_[w, w], r"sample_weight must be 1D array or scalar"),
        (lambda w: np.zeros_like(w), r"sample_weight sums to 0"),
        (lambda w: np.r_[-1.0, w[1:]], r"Negative values in sample_weight"),
    ],
)
def test_bad_weights_are_refused_naming_sample_weight(weights, message):
    X, y, w = _data()
    for model in _models(X, y):
        with pytest.raises(DataValidationError, match=message):
            model.score(X, y, sample_weight=weights(w))
