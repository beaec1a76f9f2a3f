"""``LogisticRegressionCV`` with a scoring undefined on its test folds.

scikit-learn's ``roc_auc_score`` of a test fold holding one class is NaN (with
an ``UndefinedMetricWarning``): with ``cv=KFold(4)`` on rows sorted by label,
three of the four folds score NaN at every strength, every mean of the CV
curve is NaN, and the strength chosen from them is the grid's first whatever
the data (scikit-learn's ``LogisticRegressionCV`` chooses ``Cs[0]`` too, in
silence). Such a fit is refused naming the folds, as a fold whose test rows
hold no weight is; a grid with some finite means still chooses among them.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402

import logistic  # noqa: E402
from logistic import LogisticRegressionCV  # noqa: E402


@pytest.fixture(scope="module")
def sorted_rows():
    X, y, _ = logistic.datasets.load_ucla_admissions()
    order = np.argsort(y, kind="stable")
    return X[order], y[order]


def test_no_finite_mean_score_is_refused_naming_the_folds(sorted_rows):
    X, y = sorted_rows
    test = next(iter(KFold(4).split(X)))[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the metric's UndefinedMetricWarning
        assert np.isnan(roc_auc_score(y[test], X[test, 0]))  # the reference's NaN
        cv = LogisticRegressionCV(Cs=[1e-3, 1.0, 1e3], cv=KFold(4), scoring="roc_auc")
        with pytest.raises(
            logistic.DataValidationError,
            match=r"folds 1, 2, 4 of 4: the scoring 'roc_auc' gave them no finite",
        ):
            cv.fit(X, y)


def test_leave_one_out_with_roc_auc_is_refused_in_one_line():
    """Every leave-one-out test fold holds one row, one class: ROC AUC is NaN
    in all of them, said once rather than by listing each fold."""
    from sklearn.model_selection import LeaveOneOut

    X, y, _ = logistic.datasets.load_ucla_admissions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cv = LogisticRegressionCV(Cs=3, cv=LeaveOneOut(), scoring="roc_auc")
        with pytest.raises(
            logistic.DataValidationError,
            match=r"^all 400 cross-validation folds: the scoring 'roc_auc'",
        ):
            cv.fit(X[:400], y[:400])
