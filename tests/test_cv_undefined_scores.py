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


def _rare(n_positive: int):
    """200 rows of the UCLA data (the first rows of each class), the first
    ``n_positive`` of them admitted: a rare class of ``n_positive`` rows."""
    X, y, _ = logistic.datasets.load_ucla_admissions()
    rows = np.r_[np.flatnonzero(y == 0)[:200], np.flatnonzero(y == 1)[:n_positive]]
    return X[rows], y[rows]


def test_a_rare_class_of_fewer_rows_than_folds_names_the_folds_that_work():
    """A data scientist's trial with 4 positives and the default ``cv=5``
    (stratified): scikit-learn's ``StratifiedKFold`` leaves one test fold
    without a positive, its ROC AUC is NaN, and the refusal advised "a
    stratified, shuffled split (cv=5, StratifiedKFold(5, shuffle=True))":
    the very split that failed. It now names the fold's class and says that
    4 rows make at most 4 folds with one each."""
    from sklearn.model_selection import StratifiedKFold

    X, y = _rare(4)
    tests = [te for _, te in StratifiedKFold(5).split(X, y)]
    assert [int(y[te].sum()) for te in tests].count(0) == 1  # the reference's split
    fold = [int(y[te].sum()) for te in tests].index(0) + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cv = LogisticRegressionCV(Cs=[1e-3, 1.0], cv=5, scoring="roc_auc")
        with pytest.raises(logistic.DataValidationError) as err:
            cv.fit(X, y)
        message = str(err.value)
        assert f"fold {fold} of 5: the scoring 'roc_auc' gave it no finite" in message
        assert (
            f"fold {fold}'s test rows hold only class 0: class 1 has 4 rows, fewer "
            "than the 5 folds, so some test fold holds none of it; use at most 4 "
            "stratified folds (cv=4), or a scoring defined on one class" in message
        )
        assert "cv=5, StratifiedKFold" not in message
        # the advice holds: 4 stratified folds give each test fold a positive
        LogisticRegressionCV(Cs=[1e-3, 1.0], cv=4, scoring="roc_auc").fit(X, y)


def test_leave_one_out_names_its_one_row_folds():
    """The folds advised are ones that work: with 4 positives, 4 stratified
    folds (cv=5 leaves a test fold without one: the test above)."""
    from sklearn.model_selection import LeaveOneOut

    X, y = _rare(4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cv = LogisticRegressionCV(Cs=[1.0], cv=LeaveOneOut(), scoring="roc_auc")
        with pytest.raises(
            logistic.DataValidationError,
            match=r"fold 1's test rows hold only class 0, in one row; use fewer, "
            r"larger folds \(cv=4\)",
        ):
            cv.fit(X, y)


@pytest.mark.parametrize(("n_positive", "advice"), [(12, "cv=5"), (3, "cv=3")])
def test_leave_one_out_advice_fits_the_rare_class(n_positive, advice):
    """Leave-one-out's advice names at most 5 folds and never more than the
    rare class's rows; scikit-learn's StratifiedKFold with that many folds
    gives every test fold a positive (the reference)."""
    from types import SimpleNamespace

    from sklearn.model_selection import LeaveOneOut, StratifiedKFold

    from logistic._cv_folds import _one_class_remedy

    y = np.r_[np.zeros(40), np.ones(n_positive)]
    data = SimpleNamespace(classes=np.array([0, 1]), y01=y)
    folds = list(LeaveOneOut().split(y[:, None]))
    text = _one_class_remedy(folds, data, 0)
    assert text is not None and f"larger folds ({advice})" in text
    k = int(advice.removeprefix("cv="))
    assert all(y[te].sum() > 0 for _, te in StratifiedKFold(k).split(y[:, None], y))
