"""``LogisticRegressionCV(refit=False)`` and a given ``Cs`` order behave as
scikit-learn's ``LogisticRegressionCV``.

Reference: scikit-learn 1.9's ``LogisticRegressionCV`` fitted in the test on
the same folds, ``Cs`` and scoring (``newton-cholesky``, tol 1e-12, which
solves the same L2 problems). Its ``fit`` with ``refit=False`` averages, over
the folds, each fold's coefficients at that fold's best score (the first best
in the order of ``Cs``), and sets ``C_`` to the mean of those folds' ``C``;
``Cs_`` keeps the order of the ``Cs`` given, and ``scores_``/``coefs_paths_``
follow it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from logistic.model_selection import LogisticRegressionCV  # noqa: E402
from test_path import _breast_cancer  # noqa: E402

#: not sorted: scikit-learn keeps this order in Cs_, scores_ and coefs_paths_
CS = np.array([1.0, 0.001, 0.1, 10.0, 0.01, 0.3])
FOLDS = StratifiedKFold(5)


def _data():
    X, y = _breast_cancer()
    return X[:, :10], y  # ten columns: the L2 problems solve to 1e-12 quickly


def _sk(X, y, **kw):
    kw = {
        "Cs": CS, "cv": FOLDS, "scoring": "neg_log_loss", "refit": False,
        "solver": "newton-cholesky", "tol": 1e-12, "max_iter": 1000, **kw,
    }  # fmt: skip
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", FutureWarning)  # l1_ratios=None in 1.9
        return SkCV(**kw).fit(X, y)


def _ours(X, y, **kw):
    kw = {"Cs": CS, "cv": FOLDS, "scoring": "neg_log_loss", "refit": False, **kw}
    return LogisticRegressionCV(**kw).fit(X, y)


@pytest.mark.parametrize("legacy", [True, False])
def test_refit_false_averages_each_folds_best_as_sklearn(legacy):
    X, y = _data()
    sk = _sk(X, y, use_legacy_attributes=legacy)
    ours = _ours(X, y, use_legacy_attributes=legacy)
    sk_scores = sk.scores_[1] if legacy else sk.scores_[:, 0, :]
    # the folds do not all pick the same C here, so the test tells the rules
    # apart: the mean at the best mean score is not scikit-learn's
    picks = np.argmax(sk_scores, axis=1)
    assert len(set(picks.tolist())) > 1
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ours.C_, sk.C_, rtol=1e-12)
    assert np.shape(ours.C_) == np.shape(sk.C_)
    np.testing.assert_array_equal(ours.l1_ratio_, sk.l1_ratio_)
    assert np.asarray(ours.l1_ratio_).dtype == np.asarray(sk.l1_ratio_).dtype
    assert ours.path_ is None


@pytest.mark.parametrize("refit", [True, False])
def test_given_cs_order_is_kept_as_sklearn(refit):
    X, y = _data()
    sk = _sk(X, y, refit=refit, use_legacy_attributes=True)
    ours = _ours(X, y, refit=refit)
    np.testing.assert_array_equal(ours.Cs_, sk.Cs_)
    np.testing.assert_array_equal(ours.Cs_, CS)
    np.testing.assert_allclose(ours.scores_[1], sk.scores_[1], rtol=0, atol=1e-7)
    np.testing.assert_allclose(
        ours.coefs_paths_[1], sk.coefs_paths_[1], rtol=1e-5, atol=1e-6
    )
    assert ours.n_iter_.shape == sk.n_iter_.shape
    np.testing.assert_allclose(ours.C_, sk.C_, rtol=1e-12)
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=1e-5, atol=1e-6)
    # this estimator's own curve stays in decreasing strength
    assert np.all(np.diff(ours.cv_curve_.Cs) > 0)
    assert (
        ours.Cs_[np.argmax(ours.scores_[1].mean(axis=0))]
        == (ours.cv_curve_.Cs[ours.best_index_])
    )
