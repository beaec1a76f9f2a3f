"""``LogisticRegressionCV.fit(X, y, groups=g)`` with a splitter that ignores
``groups`` is refused, as scikit-learn's ``LogisticRegressionCV`` refuses it.

An ML engineer's trial passed ``groups`` with the default ``cv=5``: the
folds were ``StratifiedKFold``'s, which ignores groups, so rows of one group
sat in both the training and the test rows of a fold (the leakage grouped
CV exists to prevent) and the chosen C was not the grouped one, silently.
scikit-learn 1.9's ``LogisticRegressionCV`` raises on the same call, a
``ValueError`` without metadata routing and a ``TypeError`` ("not routed to
any object") with it; ours raises an error that is both, naming the remedy.
A splitter that uses groups and a splitter of the user's own, without
scikit-learn's routing, still receive them.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

import sklearn  # noqa: E402
from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402
from sklearn.model_selection import GroupKFold, KFold, TimeSeriesSplit  # noqa: E402

from logistic import InvalidParameterError  # noqa: E402
from logistic.model_selection import LogisticRegressionCV  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings("ignore:LogisticRegressionCV. the best score"),
    # scikit-learn 1.9's announcements of its LogisticRegressionCV defaults
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]


def _data():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + rng.logistic(size=120) > 0).astype(int)
    return X, y, np.arange(120) // 10


@pytest.mark.parametrize("routing", [False, True])
@pytest.mark.parametrize("cv", [5, KFold(4), TimeSeriesSplit(3), "splits"])
def test_groups_a_splitter_ignores_are_refused_as_scikit_learn_refuses_them(routing, cv):
    X, y, g = _data()
    if isinstance(cv, str):
        cv = list(KFold(3).split(X))
    with sklearn.config_context(enable_metadata_routing=routing):
        with pytest.raises((ValueError, TypeError)):
            SkCV(Cs=2, cv=cv).fit(X, y, groups=g)
        with pytest.raises(InvalidParameterError, match=r"was given groups, but cv.*GroupKFold"):
            LogisticRegressionCV(Cs=[0.1, 1.0], cv=cv).fit(X, y, groups=g)


def test_splitters_that_take_groups_still_receive_them():
    X, y, g = _data()
    folds = list(GroupKFold(3).split(X, y, g))
    by_hand = LogisticRegressionCV(Cs=[0.1, 1.0], cv=folds).fit(X, y)
    grouped = LogisticRegressionCV(Cs=[0.1, 1.0], cv=GroupKFold(3)).fit(X, y, groups=g)
    np.testing.assert_array_equal(grouped.scores_[1], by_hand.scores_[1])

    class OwnSplitter:  # no scikit-learn routing: taken at its word
        def split(self, X, y=None, groups=None):
            yield from GroupKFold(3).split(X, y, groups)

        def get_n_splits(self, X=None, y=None, groups=None):
            return 3

    own = LogisticRegressionCV(Cs=[0.1, 1.0], cv=OwnSplitter()).fit(X, y, groups=g)
    np.testing.assert_array_equal(own.scores_[1], by_hand.scores_[1])


@pytest.mark.parametrize("routing", [False, True])
def test_a_splitter_of_groups_given_none_says_how_to_pass_them(routing):
    # scikit-learn's GroupKFold raises a bare ValueError ("The 'groups'
    # parameter should not be None"), not naming fit's argument
    from sklearn.model_selection import LeaveOneGroupOut, StratifiedGroupKFold

    X, y, _ = _data()
    with sklearn.config_context(enable_metadata_routing=routing):
        with pytest.raises(ValueError, match="should not be None"):
            list(GroupKFold(3).split(X, y))
        for cv in (GroupKFold(3), StratifiedGroupKFold(3), LeaveOneGroupOut()):
            with pytest.raises(InvalidParameterError, match=r"fit\(X, y, groups=\.\.\.\)"):
                LogisticRegressionCV(Cs=[0.1, 1.0], cv=cv).fit(X, y)


# groups of another length than X's rows, or of two columns, reached the
# splitter: scikit-learn's "Found input variables with inconsistent numbers of
# samples: [120, 120, 119]" or numpy's "object too deep for desired array",
# naming neither groups nor what they should be; now refused before any fold.
@pytest.mark.parametrize(
    ("groups", "shape"),
    [
        (np.arange(119) // 10, "(119,)"),
        (np.arange(240).reshape(120, 2) // 20, "(120, 2)"),
        ([1, 2, 3], "(3,)"),
    ],
)
def test_groups_not_one_label_a_row_are_refused_naming_them(groups, shape):
    X, y, _ = _data()
    with pytest.raises(ValueError) as got:
        LogisticRegressionCV(Cs=3, cv=GroupKFold(3)).fit(X, y, groups=groups)
    assert str(got.value) == (
        f"groups.shape == {shape}, expected (120,): one group label a row of X"
    )
