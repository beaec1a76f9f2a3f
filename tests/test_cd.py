"""Compiled column coordinate descent (``logistic._cd``) against its references.

References: the numpy implementation of the same updates
(``column_cd._cd_columns_numpy`` and ``ColumnMatrix``'s numpy
branches, selected by ``set_compiled_cd(False)``), plain numpy/scipy products
for the column passes, and, for whole paths, the generic ``newton-cd`` solver
on a restricted objective (``path(..., solver="newton-cd")``: a different
algorithm, Gram-form Hessian in standardized coordinates) and independent
``LogisticRegression`` fits.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import wide_sparse_tfidf
from logistic import LogisticRegression
from logistic._path import path
from logistic.solvers import column_cd as cd


@pytest.fixture(autouse=True)
def compiled_kernel():
    """These tests compare the compiled module with its references, so it is on
    here even when ``LOGISTIC_KERNEL=numpy`` selects the numpy path elsewhere."""
    old = cd.set_compiled_cd(True)
    yield
    cd.set_compiled_cd(old)


@pytest.fixture
def numpy_reference():
    old = cd.set_compiled_cd(False)
    yield
    cd.set_compiled_cd(old)


def _matrices(seed: int = 0, n: int = 121, p: int = 30):  # n % 4 != 0: loop tails
    rng = np.random.default_rng(seed)
    S = sp.random(n, p, density=0.2, random_state=seed, format="csr")
    S.data = rng.normal(size=S.nnz)
    D = rng.normal(size=(n, p)) + 0.5
    return S, D, rng


@pytest.mark.parametrize("kind", ["sparse", "dense"])
def test_column_passes_equal_plain_products(kind):
    S, D, rng = _matrices()
    X = S if kind == "sparse" else D
    Xd = X.toarray() if kind == "sparse" else X
    cm = cd.ColumnMatrix(X)
    cols = np.array([3, 0, 17, 29, 8], dtype=np.intp)
    v, r, coef = rng.random(X.shape[0]), rng.normal(size=X.shape[0]), rng.normal(size=5)
    xv, xxv = cm.stats(cols, v)
    np.testing.assert_allclose(xv, Xd[:, cols].T @ v, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(xxv, (Xd[:, cols] ** 2).T @ v, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(
        cm.dots(cols, r), Xd[:, cols].T @ r, rtol=1e-13, atol=1e-13
    )
    np.testing.assert_allclose(
        cm.matvec(cols, coef), Xd[:, cols] @ coef, rtol=1e-13, atol=1e-13
    )


def _model_inputs(cm, rng, K):
    n = cm.n
    cols = np.sort(rng.choice(25, K, replace=False)).astype(np.intp)
    v = rng.random(n) / n
    xv, xxv = cm.stats(cols, v)
    vsum = float(v.sum())
    mu = xv / vsum
    return dict(
        cols=cols, v=v, g=rng.normal(size=K) * 0.05, a=xxv - mu * xv + 0.01, mu=mu,
        vsum=vsum, w=np.where(rng.random(K) < 0.5, rng.normal(size=K), 0.0),
        lam=np.full(K, 0.02), l2=0.01, inv_scale=1.0 / (1.0 + rng.random(K)),
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["sparse", "dense"])
@pytest.mark.parametrize("max_sweeps", [1, 4, 200])
def test_compiled_sweeps_equal_the_numpy_reference(kind, max_sweeps):
    S, D, rng = _matrices(seed=3)
    cm = cd.ColumnMatrix(S if kind == "sparse" else D)
    kw = _model_inputs(cm, rng, 12)
    out = {}
    for compiled in (True, False):
        d, r = np.zeros(12), np.zeros(cm.n)
        args = [
            kw[k]
            for k in (
                "cols",
                "v",
                "g",
                "a",
                "mu",
                "vsum",
                "w",
                "lam",
                "l2",
                "inv_scale",
            )
        ]
        if compiled:
            sweeps, m = cd.cd_kernel().cd_columns(
                cm.arg, *args, d, r, 1e-12, max_sweeps
            )
        else:
            sweeps, m = cd._cd_columns_numpy(cm, *args, d, r, 1e-12, max_sweeps)
        out[compiled] = (sweeps, m, d, r)
    assert out[True][0] == out[False][0]
    for a, b in zip(out[True][1:], out[False][1:], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    # the result minimises the model: each coordinate satisfies its optimality
    # condition once the sweeps have converged
    if max_sweeps == 200:
        _, m, d, r = out[True]
        grad = (S if kind == "sparse" else D)[:, kw["cols"]].T @ (kw["v"] * r)
        grad = (
            np.asarray(grad).ravel()
            + kw["g"]
            - m * kw["mu"] * kw["vsum"]
            + kw["l2"] * d
        )
        u = kw["w"] + d
        viol = np.where(
            u != 0,
            np.abs(grad + kw["lam"] * np.sign(u)),
            np.maximum(np.abs(grad) - kw["lam"], 0),
        )
        assert viol.max() < 1e-9


@pytest.mark.parametrize("kind", ["sparse", "dense"])
def test_paths_agree_compiled_numpy_and_generic_solver(kind, numpy_reference):
    X, y = wide_sparse_tfidf(n=150, d=220, seed=4)
    if kind == "dense":
        X = X.toarray()
    rng = np.random.default_rng(1)
    sw, off = rng.random(len(y)) + 0.5, rng.normal(0, 0.3, len(y))
    kw = dict(n_alphas=12, eps=0.05, l1_ratio=0.7, sample_weight=sw, offset=off)
    ref = path(X, y, **kw)  # numpy reference of the column solver
    cd.set_compiled_cd(True)
    fast = path(X, y, **kw)
    generic = path(X, y, solver="newton-cd", **kw)
    assert fast.converged.all() and ref.converged.all() and generic.converged.all()
    np.testing.assert_allclose(fast.coefs, ref.coefs, atol=1e-9)
    np.testing.assert_array_equal(fast.n_iter, ref.n_iter)
    np.testing.assert_allclose(fast.objective, generic.objective, rtol=0, atol=1e-9)
    np.testing.assert_allclose(fast.coefs, generic.coefs, atol=1e-5)


def test_path_without_intercept_equals_independent_fits():
    X, y = wide_sparse_tfidf(n=200, d=240, seed=6)
    res = path(X, y, n_alphas=15, eps=0.02, fit_intercept=False)
    assert res.converged.all() and np.all(res.intercepts == 0)
    for k in (4, 14):
        m = LogisticRegression(
            penalty="l1", alpha=float(res.alphas[k]), fit_intercept=False
        ).fit(X, y)
        assert abs(m.objective_ - res.objective[k]) <= 1e-8
        np.testing.assert_allclose(res.coefs[k], m.coef_.ravel(), atol=1e-5)


def test_float32_and_all_zero_columns():
    X, y = wide_sparse_tfidf(n=150, d=210, seed=8)
    X = X.toarray().astype(np.float32)
    X[:, 5] = 0.0
    res = path(X, y, n_alphas=10, eps=0.05)
    assert res.converged.all() and np.all(res.coefs[:, 5] == 0)
    m = LogisticRegression(penalty="l1", alpha=float(res.alphas[-1])).fit(X, y)
    assert abs(m.objective_ - res.objective[-1]) <= 1e-7


@pytest.mark.parametrize("kind", ["sparse", "dense"])
def test_gram_form_equals_plain_products_and_reference(kind):
    S, D, rng = _matrices(seed=5)
    X = S if kind == "sparse" else D
    Xd = X.toarray() if kind == "sparse" else X
    cm = cd.ColumnMatrix(X)
    cols = np.array([4, 1, 22, 9, 13, 27], dtype=np.intp)
    v = rng.random(X.shape[0])
    expected = Xd[:, cols].T @ (Xd[:, cols] * v[:, None])
    np.testing.assert_allclose(cm.gram(cols, v), expected, rtol=1e-12, atol=1e-13)
    H = expected + 0.05 * np.eye(cols.size)
    g, w = rng.normal(size=cols.size) * 0.1, np.array([0.3, 0, 0, -0.2, 0, 0.1])
    lam, inv_scale = np.full(cols.size, 0.03), np.ones(cols.size)
    d1, d2 = np.zeros(cols.size), np.zeros(cols.size)
    s1 = cd.cd_kernel().cd_gram(H, g, w, lam, inv_scale, d1, 1e-13, 500)
    s2 = cd._cd_gram_numpy(H, g, w, lam, inv_scale, d2, 1e-13, 500)
    assert s1 == s2
    np.testing.assert_allclose(d1, d2, rtol=1e-12, atol=1e-14)
    # the minimiser of the model: subgradient optimality
    grad, u = g + H @ d1, w + d1
    viol = np.where(
        u != 0, np.abs(grad + lam * np.sign(u)), np.maximum(np.abs(grad) - lam, 0)
    )
    assert viol.max() < 1e-10


def test_loss_pass_equals_the_math_layer():
    from logistic import _math

    rng = np.random.default_rng(2)
    z = np.concatenate([rng.normal(0, 5, 200), [0.0, 1e-9, -40, 40, 800, -800]])
    y = (rng.random(z.size) < 0.5).astype(float)
    s = rng.random(z.size)
    s /= s.sum()
    res, v = np.empty_like(z), np.empty_like(z)
    total = cd.cd_kernel().loss_pass(y, s, z, res, v)
    assert total == pytest.approx(float(s @ _math.loss(y, z)), rel=1e-14)
    np.testing.assert_allclose(res, s * _math.residual(y, z), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(v, s * _math.hessian_weight(z), rtol=1e-13, atol=1e-300)


def test_mostly_zero_dense_x_is_held_as_csc_with_the_same_products():
    S, D, rng = _matrices(seed=7)
    Xd = S.toarray()  # 20 % non-zeros, given as a dense array
    cm = cd.ColumnMatrix(Xd)
    assert cm.sparse and not cd.ColumnMatrix(D).sparse
    cols = np.array([2, 11, 5, 28], dtype=np.intp)
    v, r = rng.random(Xd.shape[0]), rng.normal(size=Xd.shape[0])
    np.testing.assert_allclose(cm.dots(cols, r), Xd[:, cols].T @ r, atol=1e-13)
    expected = Xd[:, cols].T @ (Xd[:, cols] * v[:, None])
    np.testing.assert_allclose(cm.gram(cols, v), expected, rtol=1e-13, atol=1e-13)


def test_step_kernels_equal_their_numpy_references():
    """The fused kernels of a Newton step (trial pass, KKT residual, predicted
    decrease, penalty) against the numpy branches of column_cd."""
    from logistic import _math
    from logistic.solvers._base import kkt_residual

    k = cd.cd_kernel()
    rng = np.random.default_rng(3)
    n, K = 203, 9
    z, dz = rng.normal(0, 3, n), rng.normal(0, 1, n)
    y = (rng.random(n) < 0.5).astype(float)
    s = rng.random(n)
    s /= s.sum()
    zt, res, v = np.empty(n), np.empty(n), np.empty(n)
    total, rsum = k.loss_pass_step(y, s, z, dz, 0.5, zt, res, v)
    np.testing.assert_array_equal(zt, z + 0.5 * dz)
    assert total == pytest.approx(float(s @ _math.loss(y, zt)), rel=1e-14)
    np.testing.assert_allclose(res, s * _math.residual(y, zt), rtol=1e-14)
    assert rsum == pytest.approx(float(res.sum()), rel=1e-12)
    assert k.max_abs_diff(z, zt) == np.abs(z - zt).max()

    w = np.array([0.0, 0.4, -0.2, 0.0, 1.5, 0.0, -0.7, 0.0, 0.1])
    g_loss, mean = rng.normal(0, 0.1, K), rng.normal(0, 1, K)
    inv_scale = rng.random(K) + 0.5
    g = np.empty(K)
    resid = k.kkt_standardized(g_loss, w, 0.03, 0.002, mean, inv_scale, 0.05, g)
    np.testing.assert_array_equal(g, g_loss + 0.03 * w)
    expected = kkt_residual(
        w / inv_scale, (g - mean * 0.002) * inv_scale, 0.05 * inv_scale
    )
    assert resid == pytest.approx(max(expected, 0.002), rel=1e-15)
    d = rng.normal(0, 0.1, K)
    dec = k.predicted_decrease(g, w, d, 0.05, 0.002, -0.3)
    ref = float(g @ d) + 0.002 * -0.3 + 0.05 * float(np.sum(np.abs(w + d) - np.abs(w)))
    assert dec == pytest.approx(ref, rel=1e-13)
    wt = np.empty(K)
    pen = k.penalty_step(w, d, 0.25, 0.05, 0.03, wt)
    np.testing.assert_array_equal(wt, w + 0.25 * d)
    assert pen == pytest.approx(0.05 * np.abs(wt).sum() + 0.015 * wt @ wt, rel=1e-14)

    # column_cd's numpy branches themselves (LOGISTIC_KERNEL=numpy) give what the
    # kernels give; in the second case the intercept's |g_b| is the KKT residual
    def step(g_b, mean):
        parts = (
            cd._pass_step(y, s, z, dz, 0.5),
            cd._kkt(g_loss, w, 0.03, g_b, mean, inv_scale, 0.05),
            (cd._decrease(g, w, d, 0.05, g_b, -0.3),),
            cd._penalty_step(w, d, 0.25, 0.05, 0.03),
        )
        return np.concatenate([np.atleast_1d(x) for part in parts for x in part])

    for g_b, m in ((0.002, mean), (0.5, np.zeros(K))):
        compiled = step(g_b, m)
        old = cd.set_compiled_cd(False)
        try:
            reference = step(g_b, m)
        finally:
            cd.set_compiled_cd(old)
        np.testing.assert_allclose(compiled, reference, rtol=1e-12, atol=1e-15)
