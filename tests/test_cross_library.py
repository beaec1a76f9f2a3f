"""Agreement with scikit-learn and statsmodels on real data.

* ``penalty="l2", C=C`` minimises the same function as scikit-learn's
  ``LogisticRegression(C=C)`` (``alpha = 1/(C·Σs)``): coefficients and
  decision values agree to 1e-6 on breast cancer, a9a (full training set,
  sparse) and spambase. scikit-learn runs ``newton-cholesky`` with
  ``tol=1e-12`` so that its own error is far below the tolerance.
* ``penalty=None`` is maximum likelihood: statsmodels ``Logit`` (Newton,
  ``tol=1e-12``) gives the same coefficients to 1e-6 on UCLA admissions,
  wells-arsenic and credit-default; UCLA is also checked against R's printed
  ``glm`` estimates (README of the dataset).
* L1 (``C``, scikit-learn's ``l1_ratio=1``) is compared in tests/test_l1.py.
"""

from __future__ import annotations

import csv
import gzip
import warnings

import numpy as np
import pytest

from conftest import data_path, load_libsvm
from logistic import LogisticRegression

sklearn_lm = pytest.importorskip("sklearn.linear_model")
sm = pytest.importorskip("statsmodels.api")


def breast_cancer():
    d = np.loadtxt(
        data_path("breast-cancer-wisconsin", "breast_cancer.csv"),
        delimiter=",",
        skiprows=1,
    )
    return d[:, :-1], d[:, -1]


def a9a():
    return load_libsvm(data_path("a9a", "a9a.gz"), 123)


def spambase():
    with gzip.open(data_path("spambase", "spambase.tsv.gz"), "rt") as fh:
        d = np.loadtxt(fh, delimiter="\t", skiprows=1)
    return d[:, :-1], d[:, -1]


def ucla():
    d = np.loadtxt(
        data_path("ucla-admissions", "binary.csv"), delimiter=",", skiprows=1
    )
    rank = d[:, 3]
    X = np.column_stack(
        [d[:, 1], d[:, 2]] + [(rank == r).astype(float) for r in (2, 3, 4)]
    )
    return X, d[:, 0]


def wells():
    with open(data_path("wells-arsenic", "Wells.csv")) as fh:
        rows = list(csv.DictReader(fh))
    X = np.array(
        [
            [
                float(r["arsenic"]),
                float(r["distance"]),
                float(r["education"]),
                float(r["association"] == "yes"),
            ]
            for r in rows
        ]
    )
    y = np.array([float(r["switch"] == "yes") for r in rows])
    return X, y


def credit_default():
    path = data_path("credit-default-taiwan", "UCI_Credit_Card.subset.csv.gz")
    with gzip.open(path, "rt") as fh:
        d = np.genfromtxt(fh, delimiter=",", skip_header=1)
    d = d[~np.isnan(d).any(axis=1)]
    return d[:, 1:-1], d[:, -1]


SKLEARN_CASES = {
    "breast-cancer": (breast_cancer, "auto"),
    "a9a": (a9a, "auto"),
    "spambase": (spambase, "auto"),
}


@pytest.mark.parametrize("C", [0.1, 1.0])
@pytest.mark.parametrize("dataset", sorted(SKLEARN_CASES))
def test_l2_matches_sklearn(dataset, C):
    load, solver = SKLEARN_CASES[dataset]
    X, y = load()
    ours = LogisticRegression(penalty="l2", C=C, solver=solver).fit(X, y)
    theirs = sklearn_lm.LogisticRegression(
        C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    assert ours.converged_
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        ours.decision_function(X), theirs.decision_function(X), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=1e-7
    )
    assert ours.penalty_l2_ == pytest.approx(1.0 / (C * X.shape[0]))


def test_l2_with_sample_weight_matches_sklearn():
    """The C mapping uses the total weight Σs, as scikit-learn's objective does."""
    X, y = breast_cancer()
    w = np.random.default_rng(0).uniform(0.2, 3.0, size=y.shape[0])
    ours = LogisticRegression(penalty="l2", C=0.5).fit(X, y, sample_weight=w)
    theirs = sklearn_lm.LogisticRegression(
        C=0.5, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-6)


def test_class_weight_balanced_matches_sklearn():
    X, y = spambase()
    ours = LogisticRegression(penalty="l2", C=1.0, class_weight="balanced").fit(X, y)
    theirs = sklearn_lm.LogisticRegression(
        C=1.0,
        class_weight="balanced",
        solver="newton-cholesky",
        tol=1e-12,
        max_iter=1000,
    ).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-6)


STATSMODELS_CASES = {"ucla": ucla, "wells": wells, "credit-default": credit_default}


@pytest.mark.parametrize("dataset", sorted(STATSMODELS_CASES))
def test_unpenalised_matches_statsmodels(dataset):
    X, y = STATSMODELS_CASES[dataset]()
    ours = LogisticRegression().fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.Logit(y, sm.add_constant(X)).fit(
            method="newton", tol=1e-12, maxiter=200, disp=0
        )
    assert ours.converged_ and ours.separation_ is None
    np.testing.assert_allclose(ours.intercept_[0], res.params[0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.coef_.ravel(), res.params[1:], rtol=1e-6, atol=1e-9)
    n = len(y)
    assert ours.objective_ == pytest.approx(-res.llf / n, rel=1e-12)


def test_ucla_matches_published_r_glm():
    """R glm estimates printed by UCLA OARC (6 significant digits)."""
    X, y = ucla()
    m = LogisticRegression().fit(X, y)
    r = [-3.989979, 0.002264, 0.804038, -0.675443, -1.340204, -1.551464]
    np.testing.assert_allclose(
        np.r_[m.intercept_, m.coef_.ravel()], r, rtol=0, atol=5e-7 + 1e-6
    )
