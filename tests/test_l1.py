"""L1 and elastic-net fits (solver ``newton-cd``, or any ``supports_l1`` solver).

References:

* scikit-learn's ``saga`` (``l1_ratio=1``, and 0.5 for the elastic net) and
  ``liblinear`` (without intercept: liblinear penalises its intercept) at
  ``tol=1e-10`` on standardized spambase, where the L1 solution is sparse
  (21 of 57 coefficients at C = 0.005) and unique;
* the KKT conditions of ``min J(w, b) + l1‖w‖₁``, evaluated in the test from an
  independently written gradient:
  ``∇_j J = -l1·sign(w_j)`` where ``w_j ≠ 0``, ``|∇_j J| ≤ l1`` where
  ``w_j = 0``, ``∂J/∂b = 0``.
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from scipy.special import expit

from conftest import data_path, load_libsvm, wide_sparse_tfidf
from logistic import InvalidParameterError, LogisticRegression
from logistic.solvers import SOLVERS

sklearn_lm = pytest.importorskip("sklearn.linear_model")

C = 0.005
L1_SOLVERS = sorted(n for n, c in SOLVERS.items() if c.capabilities.supports_l1)


@pytest.fixture(scope="module")
def spambase_std():
    with gzip.open(data_path("spambase", "spambase.tsv.gz"), "rt") as fh:
        d = np.loadtxt(fh, delimiter="\t", skiprows=1)
    X, y = d[:, :-1], d[:, -1]
    return (X - X.mean(0)) / X.std(0), y


def smooth_gradient(X, y, w, b, l2=0.0):
    """∇ of (1/n) Σ L_i + (l2/2)‖w‖², written independently of the package."""
    r = expit(X @ w + b) - y
    return X.T @ r / len(y) + l2 * w, r.mean()


def assert_kkt(X, y, w, b, l1, l2=0.0, tol=1e-8):
    g, gb = smooth_gradient(X, y, w, b, l2)
    nz = w != 0
    assert abs(gb) <= tol
    np.testing.assert_allclose(g[nz], -l1 * np.sign(w[nz]), rtol=0, atol=tol)
    assert np.all(np.abs(g[~nz]) <= l1 + tol)


def objective(X, y, w, b, l1, l2=0.0):
    z = X @ w + b
    return float(
        np.mean(np.logaddexp(0, z) - y * z) + l1 * np.abs(w).sum() + 0.5 * l2 * w @ w
    )


@pytest.mark.parametrize("solver", L1_SOLVERS)
def test_l1_matches_saga_support_and_objective(spambase_std, solver):
    X, y = spambase_std
    ours = LogisticRegression(penalty="l1", C=C, solver=solver).fit(X, y)
    saga = sklearn_lm.LogisticRegression(
        l1_ratio=1.0, C=C, solver="saga", tol=1e-10, max_iter=100_000
    ).fit(X, y)
    w, b = ours.coef_.ravel(), ours.intercept_[0]
    support = w != 0
    assert 0 < support.sum() < X.shape[1] // 2  # a genuinely sparse solution
    np.testing.assert_array_equal(support, saga.coef_.ravel() != 0)
    l1 = 1.0 / (C * len(y))
    assert ours.penalty_l1_ == pytest.approx(l1)
    f_ours = objective(X, y, w, b, l1)
    f_saga = objective(X, y, saga.coef_.ravel(), saga.intercept_[0], l1)
    assert f_ours <= f_saga * (1 + 1e-10)
    assert ours.objective_ == pytest.approx(f_ours, rel=1e-12)
    np.testing.assert_allclose(w, saga.coef_.ravel(), rtol=0, atol=1e-7)
    assert_kkt(X, y, w, b, l1)


def test_l1_matches_liblinear_without_intercept(spambase_std):
    X, y = spambase_std
    ours = LogisticRegression(penalty="l1", C=C, fit_intercept=False).fit(X, y)
    lib = sklearn_lm.LogisticRegression(
        l1_ratio=1.0,
        C=C,
        solver="liblinear",
        tol=1e-10,
        max_iter=100_000,
        fit_intercept=False,
    ).fit(X, y)
    np.testing.assert_array_equal(ours.coef_ != 0, lib.coef_ != 0)
    np.testing.assert_allclose(ours.coef_, lib.coef_, rtol=0, atol=1e-7)
    assert ours.intercept_[0] == 0.0


def test_elastic_net_matches_saga(spambase_std):
    X, y = spambase_std
    ours = LogisticRegression(penalty="elasticnet", C=C, l1_ratio=0.5).fit(X, y)
    saga = sklearn_lm.LogisticRegression(
        l1_ratio=0.5, C=C, solver="saga", tol=1e-10, max_iter=100_000
    ).fit(X, y)
    np.testing.assert_array_equal(ours.coef_ != 0, saga.coef_ != 0)
    np.testing.assert_allclose(ours.coef_, saga.coef_, rtol=0, atol=1e-6)
    a = 1.0 / (C * len(y))
    assert (ours.penalty_l1_, ours.penalty_l2_) == pytest.approx((a / 2, a / 2))
    assert_kkt(X, y, ours.coef_.ravel(), ours.intercept_[0], a / 2, a / 2)


def test_l1_on_sparse_a9a_objective_matches_saga():
    """a9a's one-hot groups are collinear, so the L1 solution need not be unique:
    compare the objective (and the KKT conditions), not the coefficients."""
    X, y = load_libsvm(data_path("a9a", "a9a.gz"), 123, max_rows=3000)
    c = 0.05
    ours = LogisticRegression(penalty="l1", C=c).fit(X, y)
    saga = sklearn_lm.LogisticRegression(
        l1_ratio=1.0, C=c, solver="saga", tol=1e-12, max_iter=100_000
    ).fit(X, y)
    l1 = 1.0 / (c * len(y))
    Xd = X.toarray()
    f_ours = objective(Xd, y, ours.coef_.ravel(), ours.intercept_[0], l1)
    f_saga = objective(Xd, y, saga.coef_.ravel(), saga.intercept_[0], l1)
    assert f_ours <= f_saga * (1 + 1e-10)
    assert abs(f_ours - f_saga) / f_saga <= 1e-9
    assert_kkt(Xd, y, ours.coef_.ravel(), ours.intercept_[0], l1)


@pytest.mark.parametrize("alpha", [1e-3, 1e-2, 0.1])
def test_kkt_and_stopping_rule(spambase_std, alpha):
    X, y = spambase_std
    m = LogisticRegression(penalty="l1", alpha=alpha).fit(X, y)
    assert m.converged_ and m.grad_max_norm_ <= m.tol_
    assert_kkt(X, y, m.coef_.ravel(), m.intercept_[0], alpha, tol=1e-9)


def test_l1_path_sparsity_is_monotone_at_the_ends(spambase_std):
    X, y = spambase_std
    nnz = [
        int((LogisticRegression(penalty="l1", alpha=a).fit(X, y).coef_ != 0).sum())
        for a in (1.0, 0.05, 1e-3)
    ]
    assert nnz[0] == 0 and nnz[0] < nnz[1] < nnz[2]


def test_huge_penalty_gives_zero_weights_and_the_base_rate_intercept(spambase_std):
    """The intercept is never penalised (RELIABILITY N16)."""
    X, y = spambase_std
    for penalty in ("l1", "elasticnet", "l2"):
        ratio = {"l1_ratio": 0.5} if penalty == "elasticnet" else {}  # else refused
        m = LogisticRegression(penalty=penalty, alpha=1e12, **ratio).fit(X, y)
        assert np.all(np.abs(m.coef_) <= 1e-9)
        assert m.intercept_[0] == pytest.approx(
            np.log(y.mean() / (1 - y.mean())), abs=1e-8
        )


@pytest.mark.parametrize(
    "solver",
    sorted(
        n
        for n, c in SOLVERS.items()
        if not c.capabilities.supports_l1 and not c.capabilities.firth
    ),
)
def test_solver_without_l1_capability_is_refused(spambase_std, solver):
    X, y = spambase_std
    m = LogisticRegression(penalty="l1", alpha=0.01, solver=solver)
    with pytest.raises(InvalidParameterError, match="does not support"):
        m.fit(X, y)
    assert not hasattr(m, "coef_")


def test_auto_picks_an_l1_solver(spambase_std):
    X, y = spambase_std
    m = LogisticRegression(penalty="l1", alpha=0.01).fit(X, y)
    assert SOLVERS[m.solver_].capabilities.supports_l1


def test_l1_ratio_zero_elasticnet_equals_l2(spambase_std):
    X, y = spambase_std
    a = LogisticRegression(penalty="elasticnet", alpha=0.01, l1_ratio=0.0).fit(X, y)
    b = LogisticRegression(penalty="l2", alpha=0.01).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-8)


def test_wide_sparse_l1_without_a_hessian():
    """fista needs O(n_features) memory: on a text-like problem (3000 x 8315, sparse;
    conftest.wide_sparse_tfidf, in place of the Reuters rows) it reaches
    the KKT conditions while a dense Hessian alone would take 553 MB."""
    from _traced_peak import peaks_until

    X, y = wide_sparse_tfidf()
    assert X.shape[1] > 8000
    m, peaks = peaks_until(
        lambda: LogisticRegression(
            penalty="l1", alpha=1e-3, solver="fista", tol=1e-8
        ).fit(X, y),
        100e6,
    )
    assert min(peaks) < 100e6, peaks
    assert m.converged_ and 0 < (m.coef_ != 0).sum() < 100
    assert_kkt(X, y, m.coef_.ravel(), m.intercept_[0], 1e-3, tol=1e-7)
