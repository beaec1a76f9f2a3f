"""``LogisticRegressionCV``'s cross-validation attributes have the types,
shapes and meaning of scikit-learn's ``LogisticRegressionCV``.

Reference: scikit-learn 1.9's ``LogisticRegressionCV`` fitted on the same
folds, ``Cs`` and scoring (``newton-cholesky``, tol 1e-12, which solves the
same L2 problems; ``saga`` for the elastic net), in both of its layouts
(``use_legacy_attributes=True``, its 1.9 default, and ``False``). Code
written for it, such as ``cv.scores_[1].mean(axis=0)`` (class 1's mean
scores), must run unchanged and mean the same.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from logistic._exceptions import DataValidationError  # noqa: E402
from logistic.model_selection import LogisticRegressionCV  # noqa: E402
from test_path import _breast_cancer  # noqa: E402

CS = np.logspace(-3, 1, 5)
FOLDS = StratifiedKFold(4)
NAMES = ("scores_", "coefs_paths_", "C_", "Cs_", "l1_ratio_", "l1_ratios_", "n_iter_")


def _sk(X, y, **kw):
    kw = {
        "Cs": CS, "cv": FOLDS, "scoring": "neg_log_loss",
        "solver": "newton-cholesky", "tol": 1e-12, "max_iter": 1000, **kw,
    }  # fmt: skip
    with warnings.catch_warnings(), threadpool_limits(1):
        # l1_ratios=None: scikit-learn 1.9's default, deprecated there
        warnings.simplefilter("ignore", FutureWarning)
        return SkCV(**kw).fit(X, y)


def _layout(value):
    """type and shape, dict keys included (numpy scalars as Python's)"""
    if isinstance(value, dict):
        return "dict", {float(k): _layout(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return "ndarray", value.shape, value.dtype.kind == "O"
    return type(value).__name__


def _assert_same_layout(ours, sk):
    for name in NAMES:
        assert _layout(getattr(ours, name)) == _layout(getattr(sk, name)), name


def _data():
    X, y = _breast_cancer()
    return X[:, :10], y  # ten columns: the L2 problems solve to 1e-12 quickly


@pytest.mark.parametrize("legacy", [True, False])
def test_binary_l2_attributes_equal_sklearn(legacy):
    X, y = _data()
    ours = LogisticRegressionCV(Cs=CS, cv=FOLDS, use_legacy_attributes=legacy)
    ours.fit(X, y)
    sk = _sk(
        X, y, use_legacy_attributes=legacy, **({} if legacy else {"l1_ratios": (0.0,)})
    )
    _assert_same_layout(ours, sk)
    if legacy:
        # class 1's table: folds x Cs (not fold 1's row)
        assert list(ours.scores_) == [1.0] == list(sk.scores_)
        np.testing.assert_allclose(ours.scores_[1], sk.scores_[1], rtol=0, atol=1e-6)
        np.testing.assert_allclose(
            ours.scores_[1].mean(axis=0), sk.scores_[1].mean(axis=0), atol=1e-6
        )
        np.testing.assert_allclose(
            ours.coefs_paths_[1], sk.coefs_paths_[1], rtol=1e-5, atol=1e-6
        )
        assert ours.l1_ratio_[0] is None and ours.l1_ratios_[0] is None
    else:
        np.testing.assert_allclose(ours.scores_, sk.scores_, rtol=0, atol=1e-6)
        np.testing.assert_allclose(
            ours.coefs_paths_, sk.coefs_paths_, rtol=1e-5, atol=1e-6
        )
        assert ours.l1_ratio_ == sk.l1_ratio_ == 0.0
    np.testing.assert_array_equal(ours.C_, sk.C_)
    np.testing.assert_allclose(ours.Cs_, sk.Cs_, rtol=1e-15)
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=1e-5, atol=1e-6)
    assert np.all(ours.n_iter_ >= 1)


def test_no_intercept_drops_the_intercept_column_as_sklearn():
    X, y = _data()
    ours = LogisticRegressionCV(Cs=CS, cv=FOLDS, fit_intercept=False).fit(X, y)
    sk = _sk(X, y, use_legacy_attributes=True, fit_intercept=False)
    _assert_same_layout(ours, sk)
    np.testing.assert_allclose(
        ours.coefs_paths_[1], sk.coefs_paths_[1], rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("legacy", [True, False])
def test_elasticnet_has_sklearn_l1_ratios_axis(legacy):
    """``penalty="elasticnet", l1_ratio=r`` is scikit-learn's
    ``l1_ratios=[r]``: the same problems (its saga solves them to ~1e-6)."""
    X, y = _data()
    X = (X - X.mean(0)) / X.std(0)  # saga converges on standardized columns
    Cs = np.array([0.01, 0.1, 1.0, 3.0])
    ours = LogisticRegressionCV(
        penalty="elasticnet", l1_ratio=0.3, Cs=Cs, cv=FOLDS,
        use_legacy_attributes=legacy,
    ).fit(X, y)  # fmt: skip
    sk = _sk(
        X, y, Cs=Cs, solver="saga", tol=1e-10, max_iter=20000, l1_ratios=(0.3,),
        use_legacy_attributes=legacy,
    )  # fmt: skip
    _assert_same_layout(ours, sk)
    get = (lambda d: d[1]) if legacy else (lambda a: a)
    np.testing.assert_allclose(get(ours.scores_), get(sk.scores_), atol=1e-5)
    np.testing.assert_allclose(get(ours.coefs_paths_), get(sk.coefs_paths_), atol=1e-4)
    np.testing.assert_array_equal(ours.l1_ratio_, sk.l1_ratio_)
    np.testing.assert_array_equal(ours.l1_ratios_, [0.3])
    np.testing.assert_array_equal(ours.C_, sk.C_)


def test_l1_ratio_of_the_lasso_without_legacy_attributes():
    # scikit-learn's non-legacy l1_ratio_ is 1.0 for penalty="l1"
    X, y = _data()
    ours = LogisticRegressionCV(
        penalty="l1", Cs=CS, cv=FOLDS, use_legacy_attributes=False
    ).fit(X, y)
    assert ours.l1_ratio_ == 1.0 and isinstance(ours.C_, float)
    assert ours.scores_.shape == (4, 1, len(CS))


def test_refit_false_keeps_the_layout():
    X, y = _data()
    ours = LogisticRegressionCV(Cs=CS, cv=FOLDS, refit=False).fit(X, y)
    # each fold at its own best score, as scikit-learn (tests/test_cv_refit_false.py)
    at = np.argmax(ours.scores_[1], axis=1)
    folds = np.arange(len(at))
    assert ours.C_.shape == (1,) and ours.C_[0] == np.mean(ours.Cs_[at])
    np.testing.assert_allclose(
        ours.coef_.ravel(), ours.coefs_paths_[1][folds, at, :-1].mean(axis=0)
    )
    assert ours.n_iter_.shape == (1, 4, len(CS))


def test_multiclass_targets_are_refused_naming_the_classes():
    """Multi-class CV is not implemented: the fit says so rather than storing
    attributes of a binary layout for a multi-class target."""
    X, _ = _data()
    y = np.arange(len(X)) % 3
    with pytest.raises(DataValidationError, match="3 distinct values"):
        LogisticRegressionCV(Cs=CS, cv=FOLDS).fit(X, y)


def test_tied_mean_scores_choose_the_strongest_as_glmnet():
    """Of tied mean scores ``rule="min"`` takes the strongest strength
    (glmnet's ``lambda.min``: the largest lambda at the minimum), whatever
    the order of ``Cs``; scikit-learn's takes the first in the order given,
    the difference docs/paths.md states (**Rule**). A scorer that scores
    every strength alike ties them all."""
    X, y = _breast_cancer()

    def same(estimator, X, y):
        return 0.5

    for Cs in ([10.0, 1.0, 0.1], [0.1, 1.0, 10.0]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = LogisticRegressionCV(Cs=Cs, cv=FOLDS, scoring=same).fit(X, y)
            sk = _sk(X, y, Cs=Cs, scoring=same, l1_ratios=(0.0,))
        assert ours.C_[0] == 0.1 and ours.best_index_ == 0
        assert sk.C_[0] == Cs[0]  # scikit-learn: the first given
