"""``LogisticRegressionCV.score(X, y, offset=o)`` scores the predictions with
the rows' offset whatever the ``scoring`` (None, a scorer's name, a callable),
as ``LogisticRegression.score`` does; without an offset a model fitted with
one warns, and ``offset=0`` asks for offset 0 on purpose.

Reference values: scikit-learn's metrics (``accuracy_score``,
``roc_auc_score``, ``log_loss``, ``f1_score``, ``brier_score_loss``) of the
model's ``predict_proba(X, offset=o)``, the probabilities the score is of.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import MissingOffsetWarning
from logistic.model_selection import LogisticRegressionCV

sklearn = pytest.importorskip("sklearn")
from sklearn import metrics  # noqa: E402


def _data():
    rng = np.random.default_rng(0)
    n = 300
    X = rng.normal(size=(n, 3))
    off = rng.normal(0.0, 2.0, n)
    z = X @ np.array([1.0, -1.0, 0.5]) + off
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return X, y, off, rng.uniform(0.5, 2.0, n)


_BRIER = metrics.make_scorer(
    metrics.brier_score_loss, response_method="predict_proba", pos_label=1
)

# scoring, the metric of (is the positive class, P(positive class), weights)
CASES = [
    (None, lambda t, p, w: metrics.accuracy_score(t, p > 0.5, sample_weight=w)),
    ("roc_auc", lambda t, p, w: metrics.roc_auc_score(t, p, sample_weight=w)),
    ("neg_log_loss", lambda t, p, w: -metrics.log_loss(t, p, sample_weight=w)),
    ("f1", lambda t, p, w: metrics.f1_score(t, p > 0.5, sample_weight=w)),
    (_BRIER, lambda t, p, w: metrics.brier_score_loss(t, p, sample_weight=w)),
]


def _quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingOffsetWarning)
        return call()


@pytest.mark.parametrize("kind", ["int", "object numbers", "text"])
@pytest.mark.parametrize(("scoring", "metric"), CASES)
def test_score_takes_the_offset_whatever_the_scoring(kind, scoring, metric):
    X, y01, off, w = _data()
    if scoring is _BRIER and kind == "text":
        pytest.skip("brier_score_loss(pos_label=1) reads 0/1 labels")
    y = {
        "int": y01,
        "object numbers": np.array([1, 2], dtype=object)[y01],
        "text": np.array(["no", "yes"])[y01],
    }[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the grid's edge is not at stake
        model = LogisticRegressionCV(Cs=3, cv=3, scoring=scoring).fit(X, y, offset=off)
    positive = y01 == 1  # classes_[1] is the second label in every kind
    for weights in (None, w):
        p = model.predict_proba(X, offset=off)[:, 1]
        got = _quiet(lambda w=weights: model.score(X, y, sample_weight=w, offset=off))
        assert got == pytest.approx(metric(positive, p, weights), rel=1e-12)
        p0 = model.predict_proba(X, offset=0)[:, 1]
        got0 = _quiet(lambda w=weights: model.score(X, y, sample_weight=w, offset=0))
        assert got0 == pytest.approx(metric(positive, p0, weights), rel=1e-12)
        assert got != got0  # the offset counts
        with pytest.warns(MissingOffsetWarning, match=r"offset=0"):
            assert model.score(X, y, sample_weight=weights) == got0


def test_cross_validation_routes_the_offset_to_score():
    from sklearn.model_selection import KFold, cross_val_score

    X, y, off, _ = _data()
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    sklearn.set_config(enable_metadata_routing=True)
    try:
        est = LogisticRegressionCV(Cs=3, cv=3, scoring="roc_auc")
        est = est.set_fit_request(offset=True).set_score_request(offset=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", MissingOffsetWarning)
            got = cross_val_score(
                est, X, y, params={"offset": off}, cv=folds, error_score="raise"
            )
            by_hand = []
            for tr, te in folds:
                m = LogisticRegressionCV(Cs=3, cv=3).fit(X[tr], y[tr], offset=off[tr])
                p = m.predict_proba(X[te], offset=off[te])[:, 1]
                by_hand.append(metrics.roc_auc_score(y[te], p))
    finally:
        sklearn.set_config(enable_metadata_routing=False)
    np.testing.assert_allclose(got, by_hand, rtol=1e-12)


def test_a_wrong_offset_is_refused_naming_it():
    X, y, off, _ = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegressionCV(Cs=3, cv=3, scoring="roc_auc").fit(X, y, offset=off)
    with pytest.raises(ValueError, match=r"offset\.shape == \(5,\), expected \(300,\)"):
        model.score(X, y, offset=off[:5])
