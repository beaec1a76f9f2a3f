"""``LogisticRegressionCV`` with scikit-learn's metadata routing: its splitter
receives ``groups`` from a meta-estimator, as scikit-learn's
``LogisticRegressionCV`` routes them (a ``MetadataRouter`` with the ``cv``
splitter as a child of ``fit``).

Reproduction: with ``sklearn.set_config(enable_metadata_routing=True)``,
``cross_validate(LogisticRegressionCV(Cs=3, cv=GroupKFold(3)), X, y,
params={"groups": g}, cv=GroupKFold(3), error_score="raise")`` raised
``ValueError: The 'groups' parameter should not be None.`` (the estimator's
routing was a plain ``MetadataRequest`` of ``sample_weight`` and ``offset``,
so ``groups`` never reached ``fit``), and ``GridSearchCV(...).fit(X, y,
groups=g)`` failed every fit the same way. Reference: the same folds fitted
by hand with ``fit(X, y, groups=g)``, and scikit-learn's own
``LogisticRegressionCV``'s routing.
"""

from __future__ import annotations

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    GroupKFold,
    KFold,
    cross_validate,
)
from sklearn.preprocessing import StandardScaler  # noqa: E402

from logistic import LogisticRegressionCV  # noqa: E402


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return X, y, np.arange(len(y)) % 7


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def test_cross_validate_hands_groups_to_the_inner_splitter(data, routing):
    X, y, g = data
    est = LogisticRegressionCV(Cs=3, cv=GroupKFold(3))
    got = cross_validate(
        est, X, y, params={"groups": g}, cv=GroupKFold(3), error_score="raise"
    )["test_score"]
    want = [
        LogisticRegressionCV(Cs=3, cv=GroupKFold(3))
        .fit(X[tr], y[tr], groups=g[tr])
        .score(X[te], y[te])
        for tr, te in GroupKFold(3).split(X, y, g)
    ]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_grid_search_hands_groups_to_every_fit(data, routing):
    X, y, g = data
    search = GridSearchCV(
        LogisticRegressionCV(Cs=3, cv=GroupKFold(3)),
        {"penalty": ["l2", "l1"]},
        cv=GroupKFold(3),
        error_score="raise",
    ).fit(X, y, groups=g)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_estimator_.coef_.shape == (1, X.shape[1])


@pytest.mark.parametrize("cv", [GroupKFold(3), KFold(3), 3])
def test_routing_consumes_groups_where_scikit_learn_does(cv, routing):
    ours = LogisticRegressionCV(cv=cv).get_metadata_routing()
    theirs = SkCV(cv=cv).get_metadata_routing()
    assert ours.consumes("fit", ["groups"]) == theirs.consumes("fit", ["groups"])
    assert ("groups" in ours.consumes("fit", ["groups"])) == isinstance(
        cv, GroupKFold
    )


def test_own_requests_are_kept_beside_the_splitter(data, routing):
    X, y, g = data
    w = np.where(y == 1, 2.0, 1.0)
    est = LogisticRegressionCV(Cs=3, cv=GroupKFold(3))
    est = est.set_fit_request(sample_weight=True).set_score_request(
        sample_weight=False
    )
    assert est.get_metadata_routing().consumes("fit", ["sample_weight"]) == {
        "sample_weight"
    }
    got = cross_validate(
        est, X, y, params={"groups": g, "sample_weight": w}, cv=GroupKFold(3),
        error_score="raise", return_estimator=True,
    )["estimator"]  # fmt: skip
    tr = next(GroupKFold(3).split(X, y, g))[0]
    ref = LogisticRegressionCV(Cs=3, cv=GroupKFold(3)).fit(
        X[tr], y[tr], sample_weight=w[tr], groups=g[tr]
    )
    np.testing.assert_allclose(got[0].coef_, ref.coef_, rtol=1e-12)


def test_a_groups_request_of_fit_says_where_groups_go(routing):
    est = LogisticRegressionCV(cv=GroupKFold(3))
    with pytest.raises(TypeError, match=r"(?s)Unexpected args.*groups.*splitter"):
        est.set_fit_request(groups=True)
    with pytest.raises(TypeError, match="Unexpected args"):  # scikit-learn's too
        SkCV(cv=GroupKFold(3)).set_fit_request(groups=True)


def test_a_groups_request_without_routing_is_scikit_learns_refusal():
    """With routing off, scikit-learn refuses any request with its
    RuntimeError before reading the arguments; ``groups=True`` gave our
    TypeError instead."""
    with sklearn.config_context(enable_metadata_routing=False):
        for est in (LogisticRegressionCV(cv=GroupKFold(3)), SkCV(cv=GroupKFold(3))):
            with pytest.raises(RuntimeError, match="only available when metadata routing"):
                est.set_fit_request(groups=True)
