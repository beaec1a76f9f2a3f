"""``logistic.path``: warm-started regularization paths with strong rules.

References come from outside the path code: independent fits of
``LogisticRegression`` at each strength (objective gap, coefficients),
scikit-learn's saga/liblinear L1 fits at the matched ``C = 1/(alpha·n)``
(supports), scikit-learn's ``l1_min_c`` and glmnet's closed form
``max_j |Xᵀ(y − ȳ)|_j / n`` for ``alpha_max``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from conftest import data_path, load_libsvm, wide_sparse_tfidf
from logistic import InvalidParameterError, LogisticRegression
from logistic._path import path
from logistic._path_solver import PathSolver


def _breast_cancer():
    d = np.loadtxt(
        data_path("breast-cancer-wisconsin", "breast_cancer.csv"),
        delimiter=",",
        skiprows=1,
    )
    X, y = d[:, :-1], d[:, -1]
    return (X - X.mean(0)) / X.std(0), y


def _spambase(n: int = 1500):
    import gzip

    with gzip.open(data_path("spambase", "spambase.tsv.gz"), "rt") as fh:
        d = np.loadtxt(fh, delimiter="\t", skiprows=1)
    rows = np.random.default_rng(0).permutation(len(d))[:n]  # file sorted by class
    return d[rows, :-1], d[rows, -1]


def _kkt_violation(X, y, coef, intercept, alpha, l1_ratio, sw=None, offset=None):
    """Max KKT violation of the penalised problem, per column scaled by its std
    (the coefficient-unit-free measure the solvers stop on), from plain numpy."""
    z = X @ coef + intercept + (0 if offset is None else offset)
    s = np.ones_like(y) if sw is None else sw
    r = s * (1 / (1 + np.exp(-z)) - y)
    g = np.asarray(X.T @ r).ravel() / s.sum() + alpha * (1 - l1_ratio) * coef
    l1 = alpha * l1_ratio
    viol = np.where(
        coef != 0, np.abs(g + l1 * np.sign(coef)), np.maximum(np.abs(g) - l1, 0)
    )
    Xd = X.toarray() if hasattr(X, "toarray") else X
    std = Xd.std(0)
    std[std == 0] = 1.0
    return float(np.max(viol / std)), float(abs(r.sum() / s.sum()))


@pytest.mark.parametrize(
    "name,l1_ratio",
    [("spambase", 1.0), ("breast", 1.0), ("breast", 0.5), ("wide", 1.0)],
)
def test_each_point_equals_an_independent_fit(name, l1_ratio):
    if name == "spambase":
        X, y = _spambase()
    elif name == "breast":
        X, y = _breast_cancer()
    else:
        X, y = wide_sparse_tfidf(n=300, d=400, seed=1)
    res = path(X, y, n_alphas=25, l1_ratio=l1_ratio, eps=1e-2)
    assert res.converged.all()
    assert np.all(np.diff(res.alphas) < 0)
    penalty = "l1" if l1_ratio == 1 else "elasticnet"
    for k in (2, 8, 16, 24):
        a = float(res.alphas[k])
        m = LogisticRegression(penalty=penalty, alpha=a, l1_ratio=l1_ratio).fit(X, y)
        assert abs(m.objective_ - res.objective[k]) <= 1e-8
        assert res.objective[k] <= m.objective_ + 1e-12
        kkt, icpt = _kkt_violation(X, y, res.coefs[k], res.intercepts[k], a, l1_ratio)
        assert kkt <= 1e-8 and icpt <= 1e-8
        np.testing.assert_allclose(res.coefs[k], m.coef_.ravel(), atol=1e-5)
        assert res.n_nonzero[k] == np.count_nonzero(res.coefs[k])


def test_alpha_max_is_exact_with_intercept():
    X, y = _spambase()
    res = path(X, y, n_alphas=3)
    # glmnet's closed form: the null model predicts ȳ, so g = Xᵀ(ȳ − y)/n
    expected = np.max(np.abs(X.T @ (y - y.mean()))) / len(y)
    assert res.alpha_max == pytest.approx(expected, rel=1e-12)
    assert res.n_nonzero[0] == 0 and res.alphas[0] == res.alpha_max
    at = LogisticRegression(penalty="l1", alpha=res.alpha_max).fit(X, y)
    assert np.count_nonzero(at.coef_) == 0
    below = path(X, y, alphas=[res.alpha_max * (1 - 1e-4)])
    assert below.n_nonzero[0] == 1
    m = LogisticRegression(penalty="l1", alpha=res.alpha_max * (1 - 1e-4)).fit(X, y)
    assert np.count_nonzero(m.coef_) == 1


def test_alpha_max_matches_sklearn_l1_min_c():
    from sklearn.svm import l1_min_c

    X, y = _breast_cancer()
    res = path(X, y, n_alphas=1, fit_intercept=False)
    c_min = l1_min_c(X, y, loss="log", fit_intercept=False)
    assert 1.0 / (res.alpha_max * len(y)) == pytest.approx(c_min, rel=1e-12)


def test_l1_supports_agree_with_sklearn():
    from sklearn.linear_model import LogisticRegression as SK

    X, y = _breast_cancer()
    n = len(y)
    res = path(X, y, n_alphas=20, eps=1e-2)
    res0 = path(X, y, n_alphas=20, eps=1e-2, fit_intercept=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in (3, 8):  # saga is slow to 1e-10 at weaker strengths
            C = 1.0 / (res.alphas[k] * n)
            sk = SK(l1_ratio=1.0, C=C, solver="saga", tol=1e-10, max_iter=100_000)
            sk.fit(X, y)
            np.testing.assert_array_equal(
                np.flatnonzero(sk.coef_.ravel()), np.flatnonzero(res.coefs[k])
            )
        for k in (3, 8, 12, 16):  # liblinear penalises an intercept: none here
            C = 1.0 / (res0.alphas[k] * n)
            sk = SK(
                l1_ratio=1.0, C=C, solver="liblinear", tol=1e-10, max_iter=10_000,
                fit_intercept=False,
            )  # fmt: skip
            sk.fit(X, y)
            big = np.abs(res0.coefs[k]) > 1e-6
            np.testing.assert_array_equal(np.abs(sk.coef_.ravel()) > 1e-6, big)
            np.testing.assert_allclose(sk.coef_.ravel(), res0.coefs[k], atol=1e-4)


def test_screening_touches_only_the_active_columns(monkeypatch):
    X, y = wide_sparse_tfidf(n=300, d=600, seed=2)
    sizes = []
    original = PathSolver._solve_columns

    def spy(self, active, *args):
        sizes.append(active.size)
        return original(self, active, *args)

    monkeypatch.setattr(PathSolver, "_solve_columns", spy)
    screened = path(X, y, n_alphas=30, eps=0.05)
    assert max(sizes) < X.shape[1] / 5
    monkeypatch.setattr(PathSolver, "_solve_columns", original)
    # the full problem, every column (screening=False costs ~20x here)
    for k in (5, 29):
        m = LogisticRegression(penalty="l1", alpha=screened.alphas[k]).fit(X, y)
        assert abs(m.objective_ - screened.objective[k]) <= 1e-8
        np.testing.assert_allclose(screened.coefs[k], m.coef_.ravel(), atol=1e-6)
    part = path(X, y, screened.alphas[:8], screening=False)
    np.testing.assert_allclose(part.coefs, screened.coefs[:8], atol=1e-7)


def test_weights_offsets_and_class_weights_as_in_a_fit():
    rng = np.random.default_rng(5)
    X, y = _spambase(800)
    sw = rng.uniform(0.2, 3.0, len(y))
    off = rng.normal(0, 0.3, len(y))
    res = path(
        X, y, n_alphas=15, sample_weight=sw, offset=off, class_weight="balanced",
        l1_ratio=0.7,
    )  # fmt: skip
    for k in (4, 10, 14):
        m = LogisticRegression(
            penalty="elasticnet", alpha=res.alphas[k], l1_ratio=0.7,
            class_weight="balanced",
        ).fit(X, y, sample_weight=sw, offset=off)  # fmt: skip
        assert abs(m.objective_ - res.objective[k]) <= 1e-8
        np.testing.assert_allclose(res.coefs[k], m.coef_.ravel(), atol=1e-5)
    # the first point is the null model: intercept (with the offset) only
    null = LogisticRegression(class_weight="balanced").fit(
        np.zeros((len(y), 1)), y, sample_weight=sw, offset=off
    )
    assert res.intercepts[0] == pytest.approx(null.intercept_[0], abs=1e-9)


def test_deviance_ratio_and_counts():
    X, y = _breast_cancer()
    res = path(X, y, n_alphas=10, eps=1e-2)
    ybar = y.mean()
    null = -np.mean(y * np.log(ybar) + (1 - y) * np.log(1 - ybar))
    k = 7
    z = X @ res.coefs[k] + res.intercepts[k]
    loss = np.mean(np.logaddexp(0, z) - y * z)
    assert res.deviance_ratio[k] == pytest.approx(1 - loss / null, rel=1e-10)
    assert res.deviance_ratio[0] == pytest.approx(0.0, abs=1e-12)
    assert np.all(np.diff(res.deviance_ratio) >= -1e-12)
    np.testing.assert_allclose(res.Cs, 1 / (res.alphas * len(y)))
    np.testing.assert_allclose(
        res.decision_function(X)[:, k], z, rtol=1e-12, atol=1e-12
    )


def test_ridge_path_starts_where_glmnet_does():
    X, y = _breast_cancer()
    res = path(X, y, l1_ratio=0.0, n_alphas=5)
    lasso = path(X, y, l1_ratio=1.0, n_alphas=2)
    assert res.alpha_max == pytest.approx(lasso.alpha_max / 1e-3)
    m = LogisticRegression(penalty="l2", alpha=res.alphas[3]).fit(X, y)
    assert abs(m.objective_ - res.objective[3]) <= 1e-8


def test_a9a_path_uses_sparse_data():
    X, y = load_libsvm(data_path("a9a", "a9a.gz"), n_features=123, max_rows=4000)
    res = path(X, y, n_alphas=12, eps=1e-2)
    m = LogisticRegression(penalty="l1", alpha=res.alphas[-1]).fit(X, y)
    assert abs(m.objective_ - res.objective[-1]) <= 1e-8


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"l1_ratio": 1.5}, "l1_ratio"),
        ({"n_alphas": 0}, "n_alphas"),
        ({"eps": 1.0}, "eps"),
        ({"alphas": [0.1, -1.0]}, "alphas"),
        ({"alphas": []}, "alphas"),
    ],
)
def test_bad_parameters_are_named(kwargs, name):
    X, y = _breast_cancer()
    with pytest.raises(InvalidParameterError, match=name):
        path(X, y, **kwargs)


@pytest.mark.parametrize("alphas", ["x", {"a": 1.0}, [1.0, [2.0, 3.0]]])
def test_alphas_that_are_no_numbers_are_refused_by_name(alphas):
    """They raised numpy's "could not convert string to float" or a bare
    TypeError naming no parameter."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = (X[:, 0] + rng.normal(size=100) > 0).astype(int)
    with pytest.raises(InvalidParameterError, match="^The 'alphas' parameter of path"):
        path(X, y, alphas=alphas)
