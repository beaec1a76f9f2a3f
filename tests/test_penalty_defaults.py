"""Penalty strength defaults (issue 12): a named penalty acts.

``LogisticRegression(penalty="l2")`` without ``alpha`` or ``C`` is
scikit-learn's ``C = 1.0``; a strength that would do nothing is an error.
Reference values come from scikit-learn's own ``LogisticRegression`` fitted
on the same data and folds.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import InvalidParameterError, LogisticRegression
from logistic._penalty import DEFAULT_C
from test_path import _breast_cancer as breast_cancer_standardized

sklearn_lm = pytest.importorskip("sklearn.linear_model")
model_selection = pytest.importorskip("sklearn.model_selection")


def xy(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = (X[:, 0] + rng.standard_normal(n) > 0).astype(int)
    return X, y


@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet"])
def test_named_penalty_without_strength_is_c_one(penalty):
    X, y = xy()
    ratio = {"l1_ratio": 0.5} if penalty == "elasticnet" else {}  # else refused
    m = LogisticRegression(penalty=penalty, **ratio).fit(X, y)
    ref = LogisticRegression(penalty=penalty, **ratio, C=DEFAULT_C).fit(X, y)
    assert DEFAULT_C == 1.0
    total = m.penalty_l1_ + m.penalty_l2_
    assert total == pytest.approx(1.0 / (1.0 * len(y)))  # alpha = 1/(C·Σs)
    np.testing.assert_array_equal(m.coef_, ref.coef_)


def test_default_l2_matches_scikit_learn_default():
    X, y = breast_cancer_standardized()
    ours = LogisticRegression(penalty="l2").fit(X, y)
    theirs = sklearn_lm.LogisticRegression(tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-5, atol=1e-6)


def test_alpha_zero_with_a_norm_penalty_is_an_error():
    X, y = xy()
    m = LogisticRegression(penalty="l2", alpha=0.0)  # __init__ stores it
    with pytest.raises(InvalidParameterError, match=r"alpha=0 with penalty='l2'"):
        m.fit(X, y)
    assert not hasattr(m, "coef_")


def test_alpha_zero_without_penalty_is_accepted():
    # what model files written before alpha defaulted to None record
    X, y = xy()
    m = LogisticRegression(alpha=0.0).fit(X, y)
    assert m.penalty_l2_ == 0.0


def test_separation_advice_names_a_penalty_that_acts():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    with pytest.warns(Warning, match=r"penalty='l2'") as record:
        LogisticRegression().fit(X, y)
    assert record
    m = LogisticRegression(penalty="l2").fit(X, y)  # what the advice says
    assert m.penalty_l2_ > 0
    assert np.all(np.isfinite(m.coef_)) and abs(m.coef_[0, 0]) < 10


def test_grid_search_over_c_selects_what_scikit_learn_selects():
    X, y = breast_cancer_standardized()
    grid = {"C": [0.001, 0.01, 0.1, 1.0, 10.0]}
    cv = model_selection.StratifiedKFold(5, shuffle=True, random_state=0)
    ours = model_selection.GridSearchCV(
        LogisticRegression(penalty="l2"), grid, cv=cv, scoring="neg_log_loss"
    ).fit(X, y)
    theirs = model_selection.GridSearchCV(
        sklearn_lm.LogisticRegression(tol=1e-12, max_iter=10_000),
        grid,
        cv=cv,
        scoring="neg_log_loss",
    ).fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    ours_scores = ours.cv_results_["mean_test_score"]
    np.testing.assert_allclose(
        ours_scores, theirs.cv_results_["mean_test_score"], rtol=1e-6
    )
    assert len(np.unique(np.round(ours_scores, 6))) == len(grid["C"])  # C acts


def test_grid_search_accuracy_selects_what_scikit_learn_selects():
    X, y = breast_cancer_standardized()
    grid = {"C": [0.001, 0.01, 0.1, 1.0]}
    cv = model_selection.StratifiedKFold(5, shuffle=True, random_state=0)
    ours = model_selection.GridSearchCV(
        LogisticRegression(penalty="l2"), grid, cv=cv
    ).fit(X, y)
    theirs = model_selection.GridSearchCV(
        sklearn_lm.LogisticRegression(tol=1e-12, max_iter=10_000), grid, cv=cv
    ).fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    np.testing.assert_array_equal(
        ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"]
    )
    assert np.ptp(ours.cv_results_["mean_test_score"]) > 0
