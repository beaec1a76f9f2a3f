"""``path`` and ``LogisticRegressionCV`` refuse K > 2 classes naming a way that works.

They refused a three-class target with "multi-class models are not supported
here yet" and no way to choose ``alpha`` for K classes; the refusal now names
scikit-learn's ``GridSearchCV`` over ``LogisticRegression(penalty='l2',
alpha=...)``, which this test also runs on the same target.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from logistic import LogisticRegression, LogisticRegressionCV, path


def _three_classes():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 2))
    y = (X[:, 0] * 2 + rng.logistic(size=300)).clip(-1, 1).round().astype(int)
    return X, y


@pytest.mark.parametrize("fit", [lambda X, y: LogisticRegressionCV().fit(X, y), path])
def test_the_refusal_names_grid_search(fit):
    X, y = _three_classes()
    with pytest.raises(ValueError, match="Only binary classification") as err:
        fit(X, y)
    assert "GridSearchCV" in str(err.value) and "penalty='l2', alpha=" in str(err.value)


def test_the_named_search_runs_on_that_target():
    X, y = _three_classes()
    search = GridSearchCV(
        LogisticRegression(penalty="l2", alpha=1.0),
        {"alpha": [1e-3, 1e-1, 1.0]},
        scoring="neg_log_loss",
        cv=3,
    ).fit(X, y)
    assert search.best_estimator_.coef_.shape == (3, 2)
    assert search.best_params_["alpha"] < 1.0  # a weaker penalty than 1 fits these data better
