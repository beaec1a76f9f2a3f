"""``LogisticRegressionCV(scoring=...)`` with labels other than 0/1.

scikit-learn's ``LogisticRegressionCV`` makes a scorer whose metric takes
``labels`` again with ``labels=classes_`` and ``pos_label=classes_[-1]``, so
``"f1"``, ``"recall"``, ... score the model's positive class whatever the
labels are. Ours passed the scorer as is: ``"recall"`` on labels {1, 2}
scored class 1 (the negative one), chose another C than scikit-learn's, and
``"f1"`` on text labels failed ("pos_label=1 is not a valid label").
Reference: scikit-learn's ``LogisticRegressionCV`` on the same folds and Cs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from logistic import LogisticRegressionCV  # noqa: E402


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    return X, y, folds


@pytest.mark.parametrize("scoring", ["recall", "f1", "precision", "jaccard"])
@pytest.mark.parametrize("labels", ["1/2", "2/1", "text"])
def test_scores_match_sklearn_for_any_labels(data, scoring, labels):
    X, y, folds = data
    yy = {
        "1/2": y + 1,
        "2/1": 2 - y,
        "text": np.array(["benign", "malignant"])[1 - y],
    }[labels]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = SkCV(
            Cs=10, cv=folds, scoring=scoring, solver="newton-cholesky", tol=1e-12
        ).fit(X, yy)
        ours = LogisticRegressionCV(
            penalty="l2", Cs=10, cv=folds, scoring=scoring
        ).fit(X, yy)
    key = ref.classes_[1]
    assert list(ours.classes_) == list(ref.classes_)
    assert np.allclose(ours.scores_[key], ref.scores_[key], atol=1e-9)
    assert ours.C_[0] == pytest.approx(ref.C_[0])


@pytest.mark.parametrize("scoring", ["f1_macro", "f1_weighted", "recall_micro"])
def test_averaged_scorers_keep_their_own_arguments(data, scoring):
    """``"f1_macro"`` holds ``pos_label=None, average="macro"``: rebuilt with
    the positive label on top, ``make_scorer`` got ``pos_label`` twice and the
    fit failed (TypeError). Reference: scikit-learn's LogisticRegression at
    each C, fitted on each training fold, scored by the same scorer."""
    from sklearn.linear_model import LogisticRegression as SkLR
    from sklearn.metrics import get_scorer

    X, y, folds = data
    yy = np.array(["benign", "malignant"])[1 - y]
    Cs = [0.01, 1.0]
    ours = LogisticRegressionCV(penalty="l2", Cs=Cs, cv=folds, scoring=scoring)
    ours.fit(X, yy)
    scorer = get_scorer(scoring)
    for f, (train, test) in enumerate(folds):
        for c, C in enumerate(Cs):
            sk = SkLR(C=C, solver="newton-cholesky", tol=1e-12).fit(X[train], yy[train])
            expected = scorer(sk, X[test], yy[test])
            assert ours.scores_["malignant"][f, c] == pytest.approx(expected, abs=1e-12)


def test_random_state_makes_sgd_folds_reproducible(data):
    # SGD's epochs each draw from the seed; 20 of them (of the 1000 by
    # default, which tol never ends) show the draws reproduced or not
    X, y, folds = data

    def fit(seed):
        m = LogisticRegressionCV(
            penalty="l2", Cs=[0.1, 1.0], cv=folds, solver="sgd", max_iter=20,
            random_state=seed,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return m.fit(X, y)

    a, b, c = fit(3), fit(3), fit(4)
    assert np.array_equal(a.scores_[1], b.scores_[1])
    assert np.array_equal(a.coef_, b.coef_)
    assert not np.array_equal(a.coefs_paths_[1], c.coefs_paths_[1])


def test_a_generator_seed_is_split_by_fold(data):
    """A numpy Generator was shared by the folds' threads, drawn from in
    whatever order they ran: n_jobs=4 gave other scores on every run (review).
    Each fold gets a child (``Generator.spawn``); n_jobs does not matter."""
    X, y, folds = data

    def fit(n_jobs):
        m = LogisticRegressionCV(
            penalty="l2", Cs=[0.1, 1.0], cv=folds, solver="sgd", max_iter=20, n_jobs=n_jobs,
            random_state=np.random.default_rng(0),
        )  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return m.fit(X, y).scores_[1]

    first = fit(4)
    assert np.array_equal(first, fit(4)) and np.array_equal(first, fit(1))


def test_a_random_state_object_is_accepted_and_reproducible(data):
    """``path`` and ``LogisticRegressionCV`` checked ``random_state`` with a
    rule of their own that refused a numpy RandomState, which
    ``LogisticRegression`` accepts (two functions of one name): one rule now."""
    X, y, folds = data

    def fit():
        m = LogisticRegressionCV(
            penalty="l2", Cs=[1.0], cv=folds, solver="sgd", max_iter=20, n_jobs=2,
            random_state=np.random.RandomState(0),
        )  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return m.fit(X, y).scores_[1]

    assert np.array_equal(fit(), fit())
