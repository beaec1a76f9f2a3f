"""A ``class_weight`` dict with labels that are not classes: ignored where
the dict weights every class, as scikit-learn ignores them (a
cross-validation fold may lack a class the dict weights); refused where it
also leaves a class unweighted (a misspelt label: scikit-learn raises "The
classes, ['neg'], are not in class_weight"), and a dict none of whose labels
is a class is refused naming the classes. Reference: scikit-learn's
``LogisticRegression`` with the same dict."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logistic import InvalidParameterError, LogisticRegression


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] + rng.normal(size=80) > 0).astype(int)
    return X, y


def test_a_label_that_is_not_a_class_is_ignored_as_in_scikit_learn(data):
    X, y = data
    weights = {0: 1.0, 1: 3.0, 2: 5.0}
    ours = LogisticRegression(penalty="l2", class_weight=weights, tol=1e-10).fit(X, y)
    sk = SkLogisticRegression(class_weight=weights, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=1e-6)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, rtol=1e-6)
    plain = LogisticRegression(penalty="l2", class_weight={0: 1.0, 1: 3.0}, tol=1e-10)
    np.testing.assert_array_equal(plain.fit(X, y).coef_, ours.coef_)


def test_a_dict_that_names_no_class_is_refused(data):
    X, y = data
    labels = np.where(y == 1, "Yes", "No")
    with pytest.raises(InvalidParameterError, match=r"names no class.*\['yes'\].*'No'"):
        LogisticRegression(class_weight={"yes": 2.0}).fit(X, labels)


def test_weights_of_labels_that_are_not_classes_are_still_checked(data):
    X, y = data
    with pytest.raises(InvalidParameterError, match="finite weights"):
        LogisticRegression(class_weight={0: 1.0, 2: -1.0}).fit(X, y)


def test_a_misspelt_label_beside_a_class_is_refused_as_in_scikit_learn(data):
    # {'pos': 2, 'nge': 5}: 'neg' silently kept weight 1, the 5 was dropped
    X, y = data
    labels = np.where(y == 1, "pos", "neg")
    weights = {"pos": 2.0, "nge": 5.0}
    with pytest.raises(ValueError, match=r"\['neg'\], are not in class_weight"):
        SkLogisticRegression(class_weight=weights).fit(X, labels)
    with pytest.raises(
        InvalidParameterError,
        match=r"names \['nge'\], not among the classes \['neg', 'pos'\], and "
        r"leaves \['neg'\] unweighted: a misspelt label\?",
    ):
        LogisticRegression(class_weight=weights).fit(X, labels)
