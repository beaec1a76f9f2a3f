"""``LogisticRegressionCV``: scikit-learn's checks, and the same choice as
scikit-learn's ``LogisticRegressionCV`` on the same folds, grid and scoring.

References: scikit-learn 1.9's ``LogisticRegressionCV`` (newton-cholesky,
tol 1e-12) for the chosen ``C`` and the fold scores; plain numpy for the
weighted log loss; glmnet's definition of ``lambda.1se`` for the 1-SE rule.
"""

from __future__ import annotations

import gzip
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from conftest import data_path, load_libsvm  # noqa: E402
from logistic import LogisticRegression  # noqa: E402
from logistic._exceptions import InvalidParameterError  # noqa: E402
from logistic._path import path  # noqa: E402
from logistic.model_selection import LogisticRegressionCV  # noqa: E402
from test_path import _breast_cancer  # noqa: E402

pytestmark = pytest.mark.filterwarnings(
    "ignore:Estimator LogisticRegressionCV does not"
)

_FOLDS_MOVE = (
    "weights 2 vs a duplicated row: the duplicate lands in another fold, so the "
    "folds (and the chosen strength) differ, as for scikit-learn's "
    "LogisticRegressionCV (listed there too); weight 2 == duplication on fixed "
    "folds is tested in test_integer_weights_equal_duplicated_rows_in_fit_and_score"
)


def _expected_failed(estimator):
    return {}


@parametrize_with_checks(
    [
        LogisticRegressionCV(Cs=[0.01, 0.1, 1.0], cv=3),
        LogisticRegressionCV(penalty="l1", n_alphas=5, cv=3, eps=0.05),
    ],
    expected_failed_checks=_expected_failed,
    xfail_strict=True,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _spambase():
    with gzip.open(data_path("spambase", "spambase.tsv.gz"), "rt") as fh:
        d = np.loadtxt(fh, delimiter="\t", skiprows=1)
    rows = np.random.default_rng(0).permutation(len(d))[:2000]  # sorted by class
    X = np.log1p(d[rows, :-1])  # counts and run lengths: log scale conditions well
    return X, d[rows, -1]


def _a9a():
    X, y = load_libsvm(data_path("a9a", "a9a.gz"), n_features=123, max_rows=3000)
    return X, y


@pytest.mark.parametrize(
    "load,Cs",
    [
        (_breast_cancer, np.logspace(-3, 2, 12)),
        (_spambase, np.logspace(-3, 1, 6)),
        (_a9a, np.logspace(-3, 1, 6)),
    ],
    ids=["breast_cancer", "spambase", "a9a"],
)
def test_same_choice_and_scores_as_sklearn(load, Cs):
    X, y = load()
    cv = StratifiedKFold(5)
    ours = LogisticRegressionCV(Cs=Cs, cv=cv, scoring="neg_log_loss").fit(X, y)
    sk = SkCV(
        Cs=Cs, cv=cv, scoring="neg_log_loss", solver="newton-cholesky", tol=1e-12,
        max_iter=1000, l1_ratios=(0.0,), use_legacy_attributes=False,
    )  # fmt: skip
    with threadpool_limits(1):  # multithreaded BLAS on small problems: 20x slower
        sk.fit(X, y)
    assert ours.C_[0] == sk.C_
    sk_scores = np.asarray(sk.scores_).reshape(5, len(Cs))
    np.testing.assert_allclose(ours.scores_[1], sk_scores, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=0, atol=1e-5)
    np.testing.assert_allclose(ours.Cs_, np.sort(Cs))
    # the default score (exact log loss from the logits) agrees too
    exact = LogisticRegressionCV(Cs=Cs, cv=cv).fit(X, y)
    np.testing.assert_allclose(exact.scores_[1], sk_scores, rtol=0, atol=1e-6)
    assert exact.C_[0] == sk.C_


def _weighted_log_loss(y, z, w):
    return float(np.sum(w * (np.logaddexp(0, z) - y * z)) / np.sum(w))


def test_sample_weights_are_honoured_in_the_scoring():
    X, y = _breast_cancer()
    w = np.random.default_rng(3).uniform(0.1, 4.0, len(y))
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    alphas = np.geomspace(0.1, 1e-3, 6)
    cv = LogisticRegressionCV(penalty="l1", alphas=alphas, cv=folds)
    cv.fit(X, y, sample_weight=w)
    for f, (tr, te) in enumerate(folds):
        res = path(X[tr], y[tr], alphas, sample_weight=w[tr])
        z = X[te] @ res.coefs.T + res.intercepts
        expected = [-_weighted_log_loss(y[te], z[:, k], w[te]) for k in range(6)]
        np.testing.assert_allclose(cv.scores_[1][f], expected, rtol=1e-10)
    # a scikit-learn scorer receives the test rows' weights as well
    acc = LogisticRegressionCV(
        penalty="l1", alphas=alphas, cv=folds, scoring="accuracy"
    )
    acc.fit(X, y, sample_weight=w)
    tr, te = folds[0]
    res = path(X[tr], y[tr], alphas, sample_weight=w[tr])
    pred = (X[te] @ res.coefs[2] + res.intercepts[2] > 0).astype(float)
    assert acc.scores_[1][0, 2] == pytest.approx(
        np.average(pred == y[te], weights=w[te])
    )


def test_a_scorer_sees_the_test_rows_offset():
    """A scikit-learn scorer calls ``predict_proba(X)`` without an offset; the
    test fold's offset is still part of every prediction it scores."""
    X, y = _breast_cancer()
    off = np.random.default_rng(5).normal(0.0, 2.0, len(y))
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    alphas = np.geomspace(0.1, 1e-3, 5)
    cv = LogisticRegressionCV(
        penalty="l1", alphas=alphas, cv=folds, scoring="neg_log_loss"
    ).fit(X, y, offset=off)
    for f, (tr, te) in enumerate(folds):
        res = path(X[tr], y[tr], alphas, offset=off[tr])
        z = X[te] @ res.coefs.T + res.intercepts + off[te][:, None]
        expected = [
            -_weighted_log_loss(y[te], z[:, k], np.ones(len(te))) for k in range(5)
        ]
        np.testing.assert_allclose(cv.scores_[1][f], expected, rtol=1e-9)


def test_integer_weights_equal_duplicated_rows_in_fit_and_score():
    X, y = _breast_cancer()
    X, y = X[:300], y[:300]
    w = np.random.default_rng(1).integers(1, 4, len(y)).astype(float)
    rows = np.repeat(np.arange(len(y)), w.astype(int))
    fold_of = np.arange(len(y)) % 3
    folds = [
        (np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)) for f in range(3)
    ]
    folds_dup = [
        (np.flatnonzero(fold_of[rows] != f), np.flatnonzero(fold_of[rows] == f))
        for f in range(3)
    ]
    Cs = np.logspace(-2, 1, 5)
    a = LogisticRegressionCV(Cs=Cs, cv=folds).fit(X, y, sample_weight=w)
    b = LogisticRegressionCV(Cs=Cs, cv=folds_dup).fit(X[rows], y[rows])
    np.testing.assert_allclose(a.scores_[1], b.scores_[1], rtol=1e-9)
    assert a.C_[0] == b.C_[0]
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)


def test_groups_reach_the_splitter():
    X, y = _breast_cancer()
    groups = np.arange(len(y)) // 20
    alphas = np.geomspace(0.05, 1e-3, 5)
    a = LogisticRegressionCV(penalty="l1", alphas=alphas, cv=GroupKFold(4))
    a.fit(X, y, groups=groups)
    b = LogisticRegressionCV(
        penalty="l1", alphas=alphas, cv=list(GroupKFold(4).split(X, y, groups))
    ).fit(X, y)
    np.testing.assert_array_equal(a.scores_[1], b.scores_[1])
    with pytest.raises(ValueError, match="groups"):
        LogisticRegressionCV(penalty="l1", alphas=alphas, cv=GroupKFold(4)).fit(X, y)


def test_one_standard_error_rule_and_refit():
    X, y = _breast_cancer()
    cv = LogisticRegressionCV(penalty="l1", n_alphas=20, eps=1e-2, rule="1se").fit(X, y)
    curve = cv.cv_curve_
    best, one = curve.best_index, curve.index_1se
    sd = cv.scores_[1].std(axis=0, ddof=1) / np.sqrt(5)
    np.testing.assert_allclose(curve.std_err, sd)
    # glmnet's lambda.1se: the largest strength with mean ≥ best − se(best)
    limit = curve.mean[best] - sd[best]
    assert one <= best and curve.mean[one] >= limit
    assert np.all(curve.mean[:one] < limit)
    assert cv.alpha_ == curve.alphas[one]
    assert cv.C_[0] == pytest.approx(1 / (cv.alpha_ * len(y)))
    m = LogisticRegression(penalty="l1", alpha=cv.alpha_).fit(X, y)
    np.testing.assert_allclose(cv.coef_, m.coef_, atol=1e-6)
    np.testing.assert_allclose(cv.predict_proba(X), m.predict_proba(X), atol=1e-6)
    assert np.count_nonzero(cv.coef_) <= np.count_nonzero(
        cv.coefs_paths_[1][0, best, :-1]
    )


def test_parallel_folds_give_the_same_result():
    X, y = _breast_cancer()
    a = LogisticRegressionCV(penalty="l1", n_alphas=10, eps=1e-2, n_jobs=1).fit(X, y)
    b = LogisticRegressionCV(penalty="l1", n_alphas=10, eps=1e-2, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(a.scores_[1], b.scores_[1])
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_refit_false_averages_the_folds():
    X, y = _breast_cancer()
    cv = LogisticRegressionCV(Cs=[0.1, 1.0], refit=False).fit(X, y)
    # each fold at its own best score, as scikit-learn (tests/test_cv_refit_false.py)
    at = np.argmax(cv.scores_[1], axis=1)
    folds = np.arange(len(at))
    np.testing.assert_allclose(
        cv.coef_.ravel(), cv.coefs_paths_[1][folds, at, :-1].mean(0)
    )
    assert cv.path_ is None


def test_grid_errors_name_the_parameter():
    X, y = _breast_cancer()
    with pytest.raises(InvalidParameterError, match="Cs or as alphas"):
        LogisticRegressionCV(Cs=[1.0], alphas=[0.1]).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'Cs'"):
        LogisticRegressionCV(Cs=[1.0, -2.0]).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'rule'"):
        LogisticRegressionCV(rule="2se").fit(X, y)


def test_import_logistic_exposes_the_cv_lazily():
    import logistic

    assert logistic.LogisticRegressionCV is LogisticRegressionCV
    assert logistic.path is path
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "LogisticRegressionCV" in logistic.__all__


def _dask_inputs(X, y, w, groups):
    da = pytest.importorskip("dask.array")
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    return (
        dd.from_pandas(frame, npartitions=3),
        da.from_array(y, chunks=150),
        da.from_array(w, chunks=150),
        da.from_array(groups, chunks=150),
    )


def test_dask_collections_are_computed_to_memory_without_a_client():
    """Equivalence with the numpy fit (itself checked against scikit-learn
    above): same folds, scores, choice and the DataFrame's column names. To
    the solvers' tolerance, not bit for bit: the collections computed to
    memory may hold X in another layout, whose sums round differently, and
    the L1 solver's exact steps on this ill-conditioned, near-separable data
    carry that rounding to ~1e-11 in the scores and ~1e-8 in coefficients."""
    X, y = _breast_cancer()
    w = np.random.default_rng(5).uniform(0.5, 2.0, len(y))
    groups = np.arange(len(y)) // 25
    kw = {"penalty": "l1", "n_alphas": 8, "eps": 1e-2, "cv": GroupKFold(4)}
    ref = LogisticRegressionCV(**kw).fit(X, y, sample_weight=w, groups=groups)
    Xd, yd, wd, gd = _dask_inputs(X, y, w, groups)
    got = LogisticRegressionCV(**kw).fit(Xd, yd, sample_weight=wd, groups=gd)
    np.testing.assert_allclose(got.scores_[1], ref.scores_[1], rtol=0, atol=1e-9)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-7)
    assert got.best_index_ == ref.best_index_
    assert list(got.feature_names_in_) == [f"f{j}" for j in range(X.shape[1])]


@pytest.mark.dask
@pytest.mark.slow
def test_dask_folds_run_as_tasks_on_the_client_workers(dask_client):
    distributed = pytest.importorskip("distributed")
    X, y = _breast_cancer()
    w = np.ones(len(y))
    groups = np.arange(len(y)) // 25
    kw = {"penalty": "l1", "n_alphas": 8, "eps": 1e-2, "cv": GroupKFold(5)}
    ref = LogisticRegressionCV(**kw).fit(X, y, groups=groups)
    Xd, yd, _, gd = _dask_inputs(X, y, w, groups)
    with distributed.get_task_stream(dask_client) as stream:
        got = LogisticRegressionCV(**kw).fit(Xd, yd, groups=gd)
    fold_tasks = [t for t in stream.data if "_fold" in str(t["key"])]
    assert len(fold_tasks) == 5  # one joblib batch per fold, on the workers
    workers = set(dask_client.scheduler_info()["workers"])
    assert {t["worker"] for t in fold_tasks} <= workers
    # the computed frame's memory layout may change the sums' rounding, which the
    # L1 solver's exact steps on this near-separable data carry to ~1e-11 in
    # the scores and ~1e-8 in coefficients: equal to the solvers' tolerance
    np.testing.assert_allclose(got.scores_[1], ref.scores_[1], rtol=0, atol=1e-9)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-7)
    assert got.best_index_ == ref.best_index_
    assert got.alpha_ == pytest.approx(ref.alpha_, rel=1e-14)
