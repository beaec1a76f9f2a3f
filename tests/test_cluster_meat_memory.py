"""The cluster covariance's meat reads X in place.

``Σ_g S_g S_gᵀ`` with ``S_g = Σ_{i∈g} r_i x̃_i`` once built ``X * r[:, None]``,
a copy of X (n × p), before summing it by group, and for a sparse X a dense
``G × p`` matrix (for 100 000 clusters of a 500-column sparse X, 400 MB beside
a 61 MB X). The residuals now sit in the group indicator's values, so the
indicator's product reads X where it is (a dense X that is not C-contiguous
float64 a column block at a time), and a sparse X's group sums stay sparse.

The values are checked against statsmodels' ``Logit(...).fit(cov_type="cluster")``
(its default correction ``G/(G-1) (n-1)/(n-k)``, Stata's ``G/(G-1)`` here) and
the sandwich of numpy's group sums written out, for the layouts that take
the new paths (Fortran order, float32, sparse; K classes over sparse X against
the same model over the dense X).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit

from _traced_peak import peaks_until
from logistic import LogisticRegression

sm = pytest.importorskip("statsmodels.api")


def test_dense_cluster_meat_does_not_copy_X():
    rng = np.random.default_rng(0)
    n, p = 100_000, 40
    X = rng.standard_normal((n, p))
    y = (X[:, 0] + rng.standard_normal(n) > 0).astype(float)
    groups = np.arange(n) // 10
    model = LogisticRegression().fit(X, y)
    res, peaks = peaks_until(
        lambda: model.inference(X, y, cov_type="cluster", groups=groups).cov_params(),
        0.5 * X.nbytes,
    )
    assert min(peaks) < 0.5 * X.nbytes, peaks  # measured 1.2 × X.nbytes before
    assert res.shape == (p + 1, p + 1)


def test_sparse_cluster_meat_stays_sparse():
    rng = np.random.default_rng(1)
    n, p = 100_000, 400
    X = sp.random(n, p, density=0.01, format="csr", random_state=2)
    signal = np.asarray(X[:, :10].sum(axis=1)).ravel()
    y = (signal + 0.1 * rng.standard_normal(n) > 0.05).astype(float)
    groups = np.arange(n) // 10
    model = LogisticRegression().fit(X, y)
    dense_sums = (n // 10) * (p + 1) * 8  # the G × k matrix it built before
    _, peaks = peaks_until(
        lambda: model.inference(X, y, cov_type="cluster", groups=groups).cov_params(),
        dense_sums,
    )
    assert min(peaks) < dense_sums, peaks  # 2.2 × dense_sums before, 0.56 × now


def _data():
    rng = np.random.default_rng(3)
    n, p = 600, 4
    X = rng.standard_normal((n, p))
    X[np.abs(X) < 0.6] = 0.0  # sparse-like, for the CSR case
    y = (X @ [1.0, -0.5, 0.5, 0.0] + rng.standard_normal(n) > 0).astype(float)
    groups = rng.integers(0, 40, n)
    return X, y, groups


@pytest.mark.parametrize("layout", ["C", "F", "float32", "csr"])
def test_cluster_covariance_matches_statsmodels(layout):
    X, y, groups = _data()
    Xl = {
        "C": X,
        "F": np.asfortranarray(X),
        "float32": X.astype(np.float32),
        "csr": sp.csr_matrix(X),
    }[layout]
    model = LogisticRegression(tol=1e-12).fit(Xl, y)
    res = model.inference(Xl, y, cov_type="cluster", groups=groups)
    Xd = np.asarray(Xl.toarray() if sp.issparse(Xl) else Xl, dtype=float)
    # independent: numpy's group sums of the scores (intercept first)
    Xt = np.column_stack([np.ones(len(y)), Xd])
    params = np.append(model.intercept_, model.coef_.ravel())
    mu = expit(Xt @ params)
    u = (y - mu)[:, None] * Xt
    S = np.vstack([u[groups == g].sum(axis=0) for g in np.unique(groups)])
    inv = np.linalg.inv(Xt.T @ (Xt * (mu * (1 - mu))[:, None]))
    G, (n, k) = S.shape[0], Xt.shape
    expected = G / (G - 1) * inv @ S.T @ S @ inv
    tight = 1e-5 if layout == "float32" else 1e-9  # float32 X: its rounding
    np.testing.assert_allclose(res.cov_params(), expected, rtol=tight, atol=1e-15)
    # statsmodels (its correction has the extra (n-1)/(n-k))
    ref = sm.Logit(y, sm.add_constant(Xd)).fit(
        method="newton",
        tol=1e-14,
        disp=0,
        cov_type="cluster",
        cov_kwds={"groups": groups},
    )
    got = np.asarray(res.cov_params()) * (n - 1) / (n - k)
    rtol = 1e-5 if layout == "float32" else 1e-7
    np.testing.assert_allclose(got, ref.cov_params(), rtol=rtol, atol=1e-12)


def test_multinomial_cluster_over_sparse_X_is_the_dense_one():
    X, _, groups = _data()
    y = np.random.default_rng(4).integers(0, 3, X.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dense = LogisticRegression(tol=1e-12).fit(X, y)
        sparse = LogisticRegression(tol=1e-12).fit(sp.csr_matrix(X), y)
    a = dense.inference(X, y, cov_type="cluster", groups=groups).cov_params()
    b = sparse.inference(sp.csr_matrix(X), y, cov_type="cluster", groups=groups)
    np.testing.assert_allclose(
        np.asarray(b.cov_params()), np.asarray(a), rtol=1e-7, atol=1e-14
    )
