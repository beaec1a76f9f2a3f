"""An offset routed to ``fit`` in cross-validation reaches the held-out rows'
``score`` (``set_score_request(offset=True)``) and a Pipeline's predictions
(``set_predict_proba_request(offset=True)`` and siblings): ``score`` took no
offset, so folds fitted with it were scored without it (log loss 0.94
against 0.47 in the trial's case), and a Pipeline refused it at predict."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticRegression

sklearn = pytest.importorskip("sklearn")


@pytest.fixture
def routing():
    sklearn.set_config(enable_metadata_routing=True)
    yield
    sklearn.set_config(enable_metadata_routing=False)


def _data():
    rng = np.random.default_rng(0)
    n = 600
    X = rng.normal(size=(n, 3))
    off = rng.uniform(-3, 3, n)
    z = X @ np.array([1.0, -1.0, 0.5]) - 1 + off
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return X, y, off


def test_cross_validation_scores_the_held_out_rows_with_their_offset(routing):
    from sklearn.model_selection import KFold, cross_validate

    X, y, off = _data()
    cv = KFold(5, shuffle=True, random_state=0)
    est = LogisticRegression().set_fit_request(offset=True)
    got = cross_validate(
        est.set_score_request(offset=True), X, y, params={"offset": off}, cv=cv
    )["test_score"]
    by_hand = [
        LogisticRegression()
        .fit(X[tr], y[tr], offset=off[tr])
        .score(X[te], y[te], offset=off[te])
        for tr, te in cv.split(X)
    ]
    np.testing.assert_array_equal(got, by_hand)
    model = LogisticRegression().fit(X, y, offset=off)
    assert model.score(X, y, offset=off) != model.score(X, y, offset=0)  # the offset counts


def test_a_pipeline_hands_the_offset_to_the_predictions(routing):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y, off = _data()
    est = LogisticRegression().set_fit_request(offset=True)
    est = est.set_predict_proba_request(offset=True).set_predict_request(offset=True)
    pipe = make_pipeline(StandardScaler(), est).fit(X, y, offset=off)
    Xs = StandardScaler().fit(X).transform(X)
    alone = LogisticRegression().fit(Xs, y, offset=off)
    np.testing.assert_allclose(
        pipe.predict_proba(X, offset=off), alone.predict_proba(Xs, offset=off), rtol=1e-10
    )
    np.testing.assert_array_equal(pipe.predict(X, offset=off), alone.predict(Xs, offset=off))
