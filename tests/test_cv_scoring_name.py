"""A ``scoring`` that is no scorer name is refused naming
``LogisticRegressionCV``, before any fold runs.

An ML engineer's trial misspelt ``scoring="roc-auc"``: the refusal came from
scikit-learn's ``check_scoring`` after the data were validated, naming that
function ("The 'scoring' parameter of check_scoring must be a str among
{...}", some fifty names). scikit-learn's ``LogisticRegressionCV`` refuses it
naming itself, as a parameter check; the names it accepts are
``sklearn.metrics.get_scorer_names()``, which the refusal points to.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.metrics import get_scorer_names  # noqa: E402

from logistic import InvalidParameterError  # noqa: E402
from logistic.model_selection import LogisticRegressionCV  # noqa: E402


def _data():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(60, 2))
    return X, (X[:, 0] + rng.logistic(size=60) > 0).astype(int)


@pytest.mark.parametrize("scoring", ["roc-auc", "log_loss", "Accuracy"])
def test_a_name_that_is_no_scorer_is_refused_by_the_estimator(scoring):
    assert scoring not in get_scorer_names()
    X, y = _data()
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'scoring' parameter of LogisticRegressionCV must be None, a "
        r"scorer name \(sklearn\.metrics\.get_scorer_names\(\)\) or a callable\. "
        rf"Got '{scoring}' instead",
    ):
        LogisticRegressionCV(Cs=[1.0], scoring=scoring).fit(X, y)


def test_scorer_names_are_taken():
    X, y = _data()
    for scoring in ("roc_auc", "neg_log_loss", "accuracy"):
        assert scoring in get_scorer_names()
        LogisticRegressionCV(Cs=[0.1, 1.0], cv=3, scoring=scoring).fit(X, y)
