"""Fused kernels (logistic._kernels) and the threaded in-memory backend.

Each kernel is checked against the reference formulas of logistic._math
(``loss_and_residual``, ``hessian_weight``) evaluated the plain way, on
extreme logits, float32 and float64, C and Fortran order, sparse input,
sample weights and offsets. No timing assertions here (see benchmarks/).
"""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import needs_compiled_kernel
from logistic import _kernels as K
from logistic import _math
from logistic._objective import LogisticObjective
from logistic._row_terms import hessian_weight_from_logits, loss_and_residual
from logistic.backends import in_memory
from logistic.backends.in_memory import InMemory
from logistic.solvers import get_solver


def _problem(rng, n=300, p=7, dtype=np.float64, order="C", scale=1.0):
    X = np.asarray(rng.standard_normal((n, p)) * scale, dtype=dtype, order=order)
    y = (rng.random(n) < 0.4).astype(dtype)
    w = rng.standard_normal(p)
    return X, y, w


def _reference(X, y, w, b, offset=None, s=None):
    """Partial sums from the plain _math formulas, in float64."""
    z = np.asarray(X @ w.astype(X.dtype), dtype=X.dtype) + X.dtype.type(b)
    if offset is not None:
        z = z + offset.astype(z.dtype)
    lo, r = _math.loss_and_residual(y, z)
    lo = lo.astype(np.float64)
    r = r.astype(np.float64)
    s64 = np.ones(len(y)) if s is None else s.astype(np.float64)
    d = _math.hessian_weight(z.astype(np.float64)) * s64
    Xd = X.toarray() if sp.issparse(X) else X
    Xd = np.asarray(Xd, dtype=np.float64)
    return (
        float(s64 @ lo),
        Xd.T @ (s64 * r),
        float(s64 @ r),
        float(s64.sum()),
        Xd.T @ (Xd * d[:, None]),
        Xd.T @ d,
        float(d.sum()),
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("weighted", [False, True])
def test_value_grad_matches_reference(rng, dtype, order, weighted):
    X, y, w = _problem(rng, dtype=dtype, order=order)
    s = rng.integers(0, 4, len(y)).astype(np.float64) if weighted else None
    off = rng.standard_normal(len(y))
    got = K.value_grad(X, y, w, 0.3, off, s)
    ref = _reference(X, y, w, 0.3, off, s)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    for a, b in zip(got, ref[:4], strict=True):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * 10)


def test_loss_is_bitwise_the_math_formula(rng):
    # the per-row loss and residual are the same floating-point operations as _math
    extremes = [0.0, -0.0, 1e-9, -1e-9, 800, -800]
    z = np.concatenate([rng.standard_normal(50) * 30, extremes])
    for y in (rng.random(z.size), (rng.random(z.size) < 0.5).astype(float)):
        lo, r = loss_and_residual(z, y, True)
        lo_ref, r_ref = _math.loss_and_residual(y, z)
        np.testing.assert_array_equal(lo, lo_ref)
        np.testing.assert_array_equal(r, r_ref)


@pytest.mark.parametrize("sparse", [False, True])
def test_numpy_reference_float32_sums_in_float64(rng, sparse):
    # float32 X at θ = 0: every row's loss is log 2 in float64 (the value of
    # the objective's θ = 0 shortcut, not float32's 0.69314718246...), and
    # Xᵀ(1/2 - y) is the float64 sum of the float32 values (sgemv's float32
    # sums are off by ~1e-7 relative); reference: the float64 formula
    X = (rng.standard_normal((3000, 17)) * 300.0 + 50.0).astype(np.float32)
    y = (rng.random(3000) < 0.3).astype(np.float32)
    Xk = sp.csr_matrix(X) if sparse else X
    loss, g, rsum, total = K.value_grad_numpy(Xk, y, np.zeros(17), 0.0)
    r = 0.5 - y.astype(np.float64)
    assert loss == pytest.approx(3000 * np.log(2.0), rel=1e-15)
    np.testing.assert_allclose(g, X.astype(np.float64).T @ r, rtol=1e-13)
    assert g.dtype == np.float64
    assert rsum == pytest.approx(r.sum(), rel=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_extreme_logits_stay_finite_and_exact(dtype):
    # |z| up to 1e300 (float64) / 1e38 (float32): no overflow, no clipping
    big = 1e300 if dtype == np.float64 else 1e38
    X = np.array([[1.0], [-1.0], [1.0], [-1.0], [1e-3]], dtype=dtype)
    y = np.array([1.0, 1.0, 0.0, 0.0, 1.0], dtype=dtype)
    w = np.array([big])
    loss, g, gb, total = K.value_grad(X, y, w, 0.0)
    ref = _reference(X, y, w, 0.0)
    assert np.isfinite(loss) and np.all(np.isfinite(g))
    np.testing.assert_allclose(loss, ref[0], rtol=1e-6)
    np.testing.assert_allclose(g, ref[1], rtol=1e-6)
    H = K.hessian(X, y, w, 0.0)
    assert np.all(np.isfinite(H[0]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
def test_weighted_syrk_is_full_symmetric_xtdx(rng, dtype, order):
    X, _, _ = _problem(rng, n=257, p=9, dtype=dtype, order=order)
    d = rng.random(257)
    H = K.weighted_syrk(X, d)
    X64 = X.astype(np.float64)
    ref = X64.T @ (X64 * d[:, None])
    np.testing.assert_allclose(H, ref, rtol=1e-12 if dtype == np.float64 else 1e-5)
    np.testing.assert_array_equal(H, H.T)
    assert H.dtype == np.float64


def test_weighted_syrk_sparse(rng):
    X = sp.random(200, 12, density=0.5, format="csr", random_state=1)
    d = rng.random(200)
    np.testing.assert_allclose(K.weighted_syrk(X, d), X.T @ (X.toarray() * d[:, None]))


@pytest.mark.parametrize("weighted", [False, True])
def test_value_grad_hessian_equals_separate_kernels(rng, weighted):
    X, y, w = _problem(rng)
    s = rng.random(len(y)) if weighted else None
    off = rng.standard_normal(len(y)) * 0.1
    fused = K.value_grad_hessian(X, y, w, -0.2, off, s)
    vg = K.value_grad(X, y, w, -0.2, off, s)
    h = K.hessian(X, y, w, -0.2, off, s)
    for a, b in zip(fused, (*vg, *h), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)


def test_value_grad_hessian_stride_uses_every_kth_row(rng):
    X, y, w = _problem(rng, n=100)
    k = 3
    fused = K.value_grad_hessian(X, y, w, 0.1, hessian_stride=k)
    vg = K.value_grad(X, y, w, 0.1)
    for a, b in zip(fused[:4], vg, strict=True):  # value and gradient stay exact
        np.testing.assert_allclose(a, b, rtol=1e-13)
    sub = K.hessian(X[::k], y[::k], w, 0.1)
    scale = 100 / X[::k].shape[0]
    for a, b in zip(fused[4:], sub, strict=True):
        np.testing.assert_allclose(a, np.asarray(b) * scale, rtol=1e-12)


def test_sparse_value_grad_matches_dense(rng):
    X = sp.random(400, 30, density=0.1, format="csr", random_state=2, dtype=np.float64)
    y = (rng.random(400) < 0.5).astype(float)
    w = rng.standard_normal(30)
    a = K.value_grad(X, y, w, 0.5)
    b = K.value_grad(X.toarray(), y, w, 0.5)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_allclose(u, v, rtol=1e-12)


# -- backend ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
def test_blocks_are_views_of_x(rng, dtype, order):
    X, y, _ = _problem(rng, n=5000, p=4, dtype=dtype, order=order)
    data = InMemory(X, y, block_bytes=4096)
    blocks = list(data.blocks())
    assert len(blocks) > 2
    for blk in blocks:
        assert blk.X.dtype == dtype
        assert np.shares_memory(blk.X, X)


def test_csr_blocks_share_data_and_indices(rng):
    X = sp.random(3000, 50, density=0.05, format="csr", random_state=3)
    y = (rng.random(3000) < 0.5).astype(float)
    data = InMemory(X, y, block_bytes=2048)
    blocks = list(data.blocks())
    assert len(blocks) > 2
    assert sum(b.n_rows for b in blocks) == 3000
    for blk in blocks:
        assert np.shares_memory(blk.X.data, X.data)
        assert np.shares_memory(blk.X.indices, X.indices)
    stacked = sp.vstack([b.X for b in blocks]).toarray()
    np.testing.assert_array_equal(stacked, X.toarray())


@pytest.mark.parametrize("sparse", [False, True])
def test_threaded_reduction_is_bitwise_the_sequential_one(rng, monkeypatch, sparse):
    monkeypatch.setattr(in_memory, "THREAD_MIN_BYTES", 0)  # small data, threads anyway
    X, y, w = _problem(rng, n=6000, p=5)
    if sparse:
        X = sp.csr_matrix(X * (rng.random(X.shape) < 0.3))
    theta = np.append(w, 0.2)
    # blocks of 500 rows or more (≥ COMPILED_MIN_VALUES values: the compiled
    # kernel's blocks when it is built), a dozen of them or more
    seq = LogisticObjective(InMemory(X, y, block_bytes=20_000, n_threads=1), l2=0.1)
    par = LogisticObjective(InMemory(X, y, block_bytes=20_000, n_threads=2), l2=0.1)
    assert len(list(par.data.blocks())) > 4
    f1, g1 = seq.value_and_gradient(theta)
    f2, g2 = par.value_and_gradient(theta)
    assert f1 == f2
    np.testing.assert_array_equal(g1, g2)
    np.testing.assert_array_equal(seq.hessian(theta), par.hessian(theta))
    one = LogisticObjective.from_arrays(X, y, l2=0.1)  # a single block
    np.testing.assert_allclose(one.value(theta), f1, rtol=1e-13)


def test_objective_value_gradient_hessian_matches_methods(rng):
    X, y, w = _problem(rng, n=3000, p=6)
    obj = LogisticObjective(InMemory(X, y, block_bytes=8192), l2=0.05)
    theta = np.append(w * 0.3, -0.1)
    f, g, H = obj.value_gradient_hessian(theta)
    f2, g2 = obj.value_and_gradient(theta)
    np.testing.assert_allclose(f, f2, rtol=1e-14)
    np.testing.assert_allclose(g, g2, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(H, obj.hessian(theta), rtol=1e-13, atol=1e-15)


# -- Newton's fused and subsampled paths --------------------------------------


def _newton_problem(rng, n=20_000, p=6):
    X = rng.standard_normal((n, p)) * np.array([1, 10, 0.1, 1, 1, 100.0])[:p] + 2.0
    beta = rng.standard_normal(p) / np.array([1, 10, 0.1, 1, 1, 100.0])[:p]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X - 2.0) @ beta))).astype(float)
    return X, y


@pytest.mark.parametrize("hessian_rows", [None, 2000])
def test_newton_fused_and_subsampled_reach_the_same_optimum(rng, hessian_rows):
    X, y = _newton_problem(rng)
    ref_obj = LogisticObjective.from_arrays(X, y, l2=1e-4)
    ref = get_solver("newton")(tol=1e-10).solve(ref_obj, np.zeros(7))  # default blocks
    obj = LogisticObjective(InMemory(X, y, block_bytes=16384), l2=1e-4)
    opts = {} if hessian_rows is None else {"hessian_rows": hessian_rows}
    res = get_solver("newton")(tol=1e-10, **opts).solve(obj, np.zeros(7))
    assert res.converged
    np.testing.assert_allclose(res.coef, ref.coef, rtol=1e-7, atol=1e-9)
    assert res.objective <= ref.objective + 1e-13
    # one pass per iteration plus the standardization moments
    assert res.n_passes <= res.n_iter + 2 + sum(h["step"] < 1 for h in res.history)


def test_weighted_syrk_sparse_product_path(rng, monkeypatch):
    # blocks too large to densify use scipy's sparse product
    monkeypatch.setattr(K, "SPARSE_DENSIFY_BYTES", 0)
    X = sp.random(200, 12, density=0.2, format="csr", random_state=4)
    d = rng.random(200)
    np.testing.assert_allclose(K.weighted_syrk(X, d), X.T @ (X.toarray() * d[:, None]))


# -- the compiled kernel (logistic._fused) against the numpy reference ---------
#
# The reference is ``value_grad_numpy`` (the plain numpy formulas above, itself
# checked against _math); the compiled kernel must agree to rounding:
# 1e-12 relative in float64, 1e-5 in float32.


def _tol(dtype):
    return 1e-12 if dtype == np.float64 else 1e-5


def _numpy_kernel(fn, *args):
    """``fn(*args)`` under the numpy reference (the compiled kernel switched off)."""
    old = K.set_compiled(False)
    try:
        return fn(*args)
    finally:
        K.set_compiled(old)


def _assert_close(got, ref, dtype):
    for a, b in zip(got, ref, strict=True):
        scale = max(1.0, float(np.max(np.abs(b)))) if np.size(b) else 1.0
        np.testing.assert_allclose(a, b, rtol=_tol(dtype), atol=_tol(dtype) * scale)


def test_compiled_kernel_is_built():
    # pip install builds it (setup.py); a missing build must fail here, not
    # silently fall back to the slower numpy path. LOGISTIC_KERNEL=numpy
    # switches it off (compiled_kernel() is None), but the module is built.
    if os.environ.get("LOGISTIC_KERNEL") == "numpy":
        assert importlib.util.find_spec("logistic._fused") is not None
    else:
        assert K.compiled_kernel() is not None, "logistic._fused was not built"


@needs_compiled_kernel
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layout", ["C", "F", "C-rows", "F-rows", "csr", "csr64"])
@pytest.mark.parametrize("weighted", [False, True])
def test_compiled_value_grad_matches_numpy_reference(rng, dtype, layout, weighted):
    X, y, w = _problem(rng, n=600, p=9, dtype=dtype, order=layout[0])
    if layout.endswith("-rows"):  # a row block of a larger array (strided view)
        X, y = X[100:450], y[100:450]
    if layout.startswith("csr"):
        X = sp.csr_matrix(X * (rng.random(X.shape) < 0.3))
        if layout == "csr64":
            X.indices = X.indices.astype(np.int64)
            X.indptr = X.indptr.astype(np.int64)
    n = X.shape[0]
    s = rng.integers(0, 4, n).astype(np.float64) if weighted else None
    off = rng.standard_normal(n)
    assert K._compiled_pass(X, y, w, 0.3, off, s, True, False) is not None
    got = K.value_grad(X, y, w, 0.3, off, s)
    ref = K.value_grad_numpy(X, y, w, 0.3, off, s)
    _assert_close(got, ref, dtype)
    value_only = K.value_grad(X, y, w, 0.3, off, s, with_grad=False)
    assert value_only[1].size == 0
    np.testing.assert_allclose(value_only[0], ref[0], rtol=_tol(dtype))


@needs_compiled_kernel
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("stride", [1, 3])
def test_compiled_value_grad_hessian_matches_numpy_reference(
    rng, dtype, sparse, stride
):
    # 1 200 rows: the block and its every-3rd-row Hessian sample both hold at
    # least COMPILED_MIN_VALUES values, so the compiled kernel computes both
    n = 1200
    X, y, w = _problem(rng, n=n, p=6, dtype=dtype)
    if sparse:
        X = sp.csr_matrix(X * (rng.random(X.shape) < 0.4))
    assert K.compiled_for(X[::stride]) is K.compiled_kernel()
    s = rng.random(n)
    off = rng.standard_normal(n) * 0.1
    got = K.value_grad_hessian(X, y, w, -0.2, off, s, stride)
    ref = _numpy_kernel(K.value_grad_hessian, X, y, w, -0.2, off, s, stride)
    _assert_close(got, ref, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", [False, True])
def test_compiled_kernel_extreme_logits(dtype, sparse):
    # |z| = 1e300 (float64) / 1e38 (float32): e^{-|z|} underflows to 0, the
    # loss is |z| or 0 exactly, nothing overflows (values worked by hand:
    # loss = (1[z≥0] - y) z, residual σ(z) - y ∈ {-1, 0, 1})
    # the four rows repeated to COMPILED_MIN_VALUES values, so the block is
    # large enough for the compiled kernel (smaller ones take the numpy one)
    big = 1e300 if dtype == np.float64 else 1e38
    reps = K.COMPILED_MIN_VALUES // 4
    X = np.tile(np.array([[1.0], [-1.0], [1.0], [-1.0]], dtype=dtype), (reps, 1))
    y = np.tile(np.array([1.0, 1.0, 0.0, 0.0], dtype=dtype), reps)
    w = np.array([big])
    Xk = sp.csr_matrix(X) if sparse else X
    assert K.compiled_for(Xk) is K.compiled_kernel()
    loss, g, gb, total = K.value_grad(Xk, y, w, 0.0)
    # rows 2 and 3 of each four lose |z| each (float32: w rounded to float32 or not)
    assert loss == pytest.approx(2 * reps * big, rel=_tol(dtype))
    np.testing.assert_allclose(g, [2.0 * reps], rtol=1e-12)  # r = (0, -1, 1, 0)
    assert gb == 0.0 and total == 4.0 * reps
    *_, H, h_b, h_bb = K.value_grad_hessian(Xk, y, w, 0.0)
    np.testing.assert_array_equal(H, [[0.0]])
    assert h_bb == 0.0


def test_compiled_kernel_falls_back_outside_its_domain(rng):
    # float32 X with coefficients beyond float32's range: the BLAS path
    # (float32 gemv) cannot take them, so the numpy path computes z in
    # float64; the row loop works in float64 and takes them itself
    X = np.array([[1e-39], [2e-39]], dtype=np.float32)
    y = np.array([1.0, 0.0], dtype=np.float32)
    w = np.array([1e39])
    mod = K.compiled_kernel()
    row_loop = mod is not None and mod.row_loop_level() >= 0
    got = K._compiled_pass(X, y, w, 0.0, None, None, True, False)
    ref = K.value_grad_numpy(X, y, w, 0.0)
    if row_loop:
        assert got is not None
        assert got[0] == pytest.approx(ref[0], rel=1e-6)
        np.testing.assert_allclose(got[1], ref[1], rtol=1e-6)
    else:
        assert got is None
    loss, g, _, _ = K.value_grad(X, y, w, 0.0)
    assert np.isfinite(loss) and np.all(np.isfinite(g))
    assert (
        K._compiled_pass(sp.csc_matrix(X), y, w, 0.0, None, None, True, False) is None
    )
    Xs = np.lib.stride_tricks.as_strided(np.ones(3), (3, 2), (8, 8))  # overlapping rows
    assert (
        K._compiled_pass(Xs, np.ones(3), np.ones(2), 0.0, None, None, True, False)
        is None
    )


@needs_compiled_kernel
def test_objective_pass_through_compiled_kernel_matches_reference(rng, monkeypatch):
    # the threaded in-memory backend, many blocks, both kernels
    monkeypatch.setattr(in_memory, "THREAD_MIN_BYTES", 0)
    X, y, w = _problem(rng, n=8000, p=5, order="F")
    # 500-row blocks: COMPILED_MIN_VALUES values or more, the compiled kernel's
    obj = LogisticObjective(InMemory(X, y, block_bytes=20_000, n_threads=2), l2=0.1)
    assert all(K.compiled_for(b.X) is K.compiled_kernel() for b in obj.data.blocks())
    theta = np.append(w, 0.2)
    got = obj.value_and_gradient(theta)
    ref = _numpy_kernel(obj.value_and_gradient, theta)
    np.testing.assert_allclose(got[0], ref[0], rtol=1e-12)
    np.testing.assert_allclose(got[1], ref[1], rtol=1e-12, atol=1e-15)


@needs_compiled_kernel
@pytest.mark.parametrize("sparse", [False, True])
def test_compiled_row_terms_match_math_row_by_row(rng, sparse):
    # one row per logit (X = the logits as one column, w = 1), so each row's
    # curvature and each single-row loss can be compared with _math's formulas;
    # covers the vectorized exp/log1p (groups of four rows) and its scalar tail
    z = np.concatenate(
        [rng.standard_normal(61) * 30, [0.0, -0.0, 1e-9, -1e-9, 40, -40, 800, -800]]
    )
    z = np.concatenate([z, [1e300, -1e300, 745.2, -745.2, 709.8, -709.8]])
    y = (rng.random(z.size) < 0.5).astype(float)
    X = z[:, None].copy()
    Xk = sp.csr_matrix(X) if sparse else X
    mod = K.compiled_kernel()
    d = np.empty(z.size)
    args = (y, np.ones(1), 0.0, None, None)
    if sparse:
        mod.csr_pass(
            Xk.data,
            Xk.indices,
            Xk.indptr,
            *args,
            np.empty(3 * z.size),
            np.zeros(1),
            d,
            True,
        )
    else:
        mod.dense_pass(
            X,
            *args,
            np.empty(z.size),
            np.empty(2 * z.size),
            np.empty(1),
            np.empty(1),
            d,
            True,
        )
    # atol: at |z| = 709.8 the curvature e^{-|z|} ≈ 5.5e-309 is subnormal
    # (_math's product of two sigmoids gives 0 there, the kernel the value)
    np.testing.assert_allclose(d, _math.hessian_weight(z), rtol=1e-14, atol=1e-300)
    lo_ref, r_ref = _math.loss_and_residual(y, z)
    for i in range(z.size):  # one-row blocks: the loss and residual of that row
        # the compiled pass itself (value_grad gives blocks this small to numpy)
        got = K._compiled_pass(
            Xk[i : i + 1], y[i : i + 1], np.ones(1), 0.0, None, None, True, False
        )
        assert got is not None
        loss, g, rsum, _ = got
        np.testing.assert_allclose(loss, lo_ref[i], rtol=1e-14, atol=0)
        np.testing.assert_allclose(rsum, r_ref[i], rtol=1e-14, atol=1e-300)


@needs_compiled_kernel
def test_vector_math_where_the_platform_has_it():
    # setup.py links glibc's libmvec on x86-64 with glibc >= 2.35; the kernel
    # then uses it on AVX2 CPUs (flags read here from /proc/cpuinfo)
    import os
    import platform
    from pathlib import Path

    libc, version = platform.libc_ver()
    cpuinfo = Path("/proc/cpuinfo")
    flags = cpuinfo.read_text().split() if cpuinfo.exists() else []
    expected = (
        libc == "glibc"
        and tuple(int(v) for v in version.split(".")[:2]) >= (2, 35)
        and platform.machine() == "x86_64"
        and "avx2" in flags
        and os.environ.get("LOGISTIC_NO_MVEC") != "1"  # setup.py's opt-out
    )
    assert K.compiled_kernel().vector_math() is expected


def test_compiled_csr_with_strided_arrays(rng):
    # a reader may leave data / indices as strided views (the LibSVM reader
    # did): the kernel gets contiguous copies and the result is unchanged
    X = sp.random(300, 20, density=0.2, format="csr", random_state=5)
    y = (rng.random(300) < 0.5).astype(float)
    w = rng.standard_normal(20)
    ref = K.value_grad_numpy(X, y, w, 0.2)
    Xs = X.copy()
    Xs.data = np.repeat(X.data, 2)[::2]
    Xs.indices = np.repeat(X.indices, 2)[::2]
    assert not Xs.data.flags.c_contiguous
    _assert_close(K.value_grad(Xs, y, w, 0.2), ref, np.float64)


@needs_compiled_kernel
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", [np.int32, np.int64])
@pytest.mark.parametrize("rows", ["sorted", "shuffled", "duplicates"])
def test_compiled_sparse_sandwich_matches_dense_product(rng, dtype, index, rows):
    # the compiled Xᵀ D X of a CSR block (hessian_sums) against the dense product
    # in float64; rows in canonical order, shuffled, and with duplicate column
    # indices (which scipy sums: the sandwich must count their cross terms)
    X = sp.random(400, 25, density=0.15, format="csr", random_state=6, dtype=dtype)
    if rows != "sorted":
        for i in range(X.shape[0]):
            a, b = X.indptr[i], X.indptr[i + 1]
            perm = rng.permutation(b - a)
            X.indices[a:b] = X.indices[a:b][perm]
            X.data[a:b] = X.data[a:b][perm]
        X.has_sorted_indices = False
    if rows == "duplicates":  # each non-empty row's first value stored twice
        data, idx, ptr = [], [], [0]
        for i in range(X.shape[0]):
            a, b = X.indptr[i], X.indptr[i + 1]
            extra = slice(a, a + 1) if b > a else slice(a, a)
            data.append(np.r_[X.data[a:b], X.data[extra]])
            idx.append(np.r_[X.indices[a:b], X.indices[extra]])
            ptr.append(ptr[-1] + len(idx[-1]))
        X = sp.csr_matrix(
            (np.concatenate(data), np.concatenate(idx), np.array(ptr)), shape=X.shape
        )
        assert not X.has_canonical_format
    X.indices = X.indices.astype(index)
    X.indptr = X.indptr.astype(index)
    d = rng.random(400)
    d[::7] = 0.0  # rows of zero curvature are skipped
    A = np.asarray(X.toarray(), dtype=np.float64)
    assert K._compiled_sandwich(X, d) is not None
    H, hd, dsum = K.hessian_sums(X, d)
    np.testing.assert_allclose(H, A.T @ (A * d[:, None]), rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_allclose(hd, A.T @ d, rtol=1e-12, atol=1e-13)
    assert dsum == pytest.approx(d.sum(), rel=1e-15)
    # the sandwich replaces scipy's product only under the compiled kernel
    np.testing.assert_allclose(K.weighted_syrk(X, d), H, rtol=1e-12, atol=1e-13)


@needs_compiled_kernel
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "case", ["plain", "float32", "huge", "subnormal", "signed-zeros", "dense-col"]
)
def test_compiled_sparse_column_stats_are_the_numpy_formulas(rng, weighted, case):
    # the compiled sweeps of _moments._compiled_sparse_stats make numpy's
    # bincount products and sums in the same order: the same bits, including
    # rescaled columns (values near the float64 limits) and the sign of zero
    from logistic import _moments

    X = sp.random(300, 20, density=0.25, format="csr", random_state=7)
    X.data -= 0.5
    if case == "float32":
        X = X.astype(np.float32)
    elif case == "huge":
        X.data *= 1e300
    elif case == "subnormal":
        X.data *= 1e-310
    elif case == "signed-zeros":
        X.data[:6] = -0.0
        X.data[6:9] = 0.0
    elif case == "dense-col":
        X = sp.csr_matrix(np.c_[X.toarray(), np.full(300, 2.5)])
    s = rng.random(300) + 0.1 if weighted else None
    got = _moments._compiled_sparse_stats(X, s)
    assert got is not None
    ref = _numpy_kernel(_moments._sparse_stats, X, s)
    for field in ("weight", "mean", "unit", "m2", "lo", "hi"):
        a, b = getattr(got, field), getattr(ref, field)
        np.testing.assert_array_equal(a, b, err_msg=field)
        np.testing.assert_array_equal(np.signbit(a), np.signbit(b), err_msg=field)


@needs_compiled_kernel
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("case", ["plain", "float32", "huge", "subnormal", "constant"])
def test_compiled_dense_column_stats_match_the_numpy_formulas(rng, weighted, case):
    # the compiled sweeps of _moments._compiled_dense_stats sum row by row where
    # numpy's chunks sum in BLAS's order: lo/hi exact, the rest to rounding,
    # and a constant column keeps std exactly 0 and its value as the mean
    from logistic import _moments

    X = rng.standard_normal((700, 9)) * 3.0 + 1.5
    if case == "float32":
        X = X.astype(np.float32)
    elif case == "huge":
        X[:, 2] *= 1e300
    elif case == "subnormal":
        X[:, 3] *= 1e-310
    elif case == "constant":
        X[:, 4] = 0.1
    s = rng.random(700) + 0.1 if weighted else None
    got = _moments._compiled_dense_stats(X, s)
    assert got is not None
    ref = _numpy_kernel(_moments._dense_stats, X, s)
    np.testing.assert_array_equal(got.lo, ref.lo)
    np.testing.assert_array_equal(got.hi, ref.hi)
    np.testing.assert_array_equal(got.unit, ref.unit)
    assert got.weight == ref.weight
    mean_g, std_g = got.moments()
    mean_r, std_r = ref.moments()
    np.testing.assert_allclose(std_g, std_r, rtol=1e-13, atol=0)
    # means to rounding relative to each column's spread (or magnitude)
    assert np.all(np.abs(mean_g - mean_r) <= 1e-13 * np.maximum(std_r, np.abs(mean_r)))
    if case == "constant":
        assert std_g[4] == 0.0 and mean_g[4] == 0.1


@needs_compiled_kernel
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("level", [-1, 0, 1, 2])
def test_row_loop_levels_match_reference(rng, dtype, level):
    # the fused row loop at every instruction-set level the CPU has (and -1,
    # the BLAS path) against the numpy reference: p past a multiple of 8,
    # a partial last group of rows, a row and column slice of a C array,
    # weights, offsets, curvature
    mod = K.compiled_kernel()
    if mod is None:
        pytest.skip("compiled kernel not built")
    tol = 1e-12 if dtype == np.float64 else 1e-5
    X = rng.standard_normal((203, 45)).astype(dtype)[3:, :37]  # rows apart
    y = (rng.random(200) < 0.4).astype(dtype)
    w = rng.standard_normal(37) * 0.4
    sw, off = rng.random(200) + 0.5, rng.standard_normal(200)
    prev = mod.row_loop_level()  # restored after: -1 under LOGISTIC_ROW_LOOP=0
    try:
        mod.row_loop_level(level)
        for args in ((None, None), (off, sw)):
            got = K._compiled_pass(X, y, w, 0.3, *args, True, True)
            loss, g, rsum, _ = K.value_grad_numpy(X, y, w, 0.3, *args)
            assert got is not None
            assert got[0] == pytest.approx(loss, rel=tol)
            np.testing.assert_allclose(got[1], g, rtol=tol, atol=tol * np.abs(g).max())
            assert got[2] == pytest.approx(rsum, rel=tol, abs=tol)
            z = X.astype(np.float64) @ w + 0.3 + (0.0 if args[0] is None else off)
            d = hessian_weight_from_logits(z) * (1.0 if args[1] is None else sw)
            np.testing.assert_allclose(got[3], d, rtol=1e-12 if level >= 0 else tol)
    finally:
        mod.row_loop_level(prev)


@needs_compiled_kernel
@pytest.mark.parametrize("order", ["C", "F"])
def test_compiled_float32_gradient_sums_in_float64(rng, order):
    # every compiled path (the BLAS path, level -1, and the row loop) sums a
    # float32 block's Xᵀ r in float64: at θ = 0 the float64 formula to 1e-13
    # (float32 sgemv sums: ~1e-6 off at this size and scale)
    mod = K.compiled_kernel()
    X = np.asarray(
        rng.standard_normal((3000, 17)) * 300.0 + 50.0, np.float32, order=order
    )
    y = (rng.random(3000) < 0.3).astype(np.float32)
    want = X.astype(np.float64).T @ (0.5 - y.astype(np.float64))
    prev = mod.row_loop_level()
    try:
        for level in (-1, prev):
            mod.row_loop_level(level)
            got = K._compiled_pass(X, y, np.zeros(17), 0.0, None, None, True, False)
            assert got is not None
            assert got[0] == pytest.approx(3000 * np.log(2.0), rel=1e-15)
            np.testing.assert_allclose(got[1], want, rtol=1e-13)
    finally:
        mod.row_loop_level(prev)


@needs_compiled_kernel
def test_row_loop_block_grid_and_thread_independence(rng, monkeypatch):
    # dense C-ordered data read by the fused row loop gets larger row blocks
    # (at most ROW_LOOP_BLOCK_BYTES, at least ROW_LOOP_MIN_BLOCKS of them);
    # with the loop off, F order, or an explicit block size, the 1 MiB grid
    # of the BLAS path; results do not depend on the number of threads
    mod = K.compiled_kernel()
    if mod is None:
        pytest.skip("compiled kernel not built")
    prev = mod.row_loop_level()  # restored after: -1 under LOGISTIC_ROW_LOOP=0
    if mod.row_loop_level(0) < 0:  # the baseline build, on any x86-64 CPU
        mod.row_loop_level(prev)
        pytest.skip("fused row loop not built on this platform")
    monkeypatch.setattr(in_memory, "ROW_LOOP_MIN_BLOCKS", 8)
    monkeypatch.setattr(in_memory, "ROW_LOOP_BLOCK_BYTES", 2 * 2**20)
    X, y, w = _problem(rng, n=40_000, p=40)  # 12.8 MB: 1.6 MB blocks
    small = 2**20 // (40 * 8)
    try:
        big = InMemory(X, y).block_rows
        assert big == 12_800_000 // 8 // (40 * 8)
        assert InMemory(np.asfortranarray(X), y).block_rows == small
        assert InMemory(X, y, block_bytes=2**19).block_rows == small // 2
        theta = np.append(w, 0.2)
        sums = [
            LogisticObjective(
                InMemory(X, y, n_threads=k), l2=0.1
            ).value_gradient_hessian(theta, hessian_stride=3)
            for k in (1, 2)
        ]
        assert sums[0][0] == sums[1][0]
        np.testing.assert_array_equal(sums[0][1], sums[1][1])
        np.testing.assert_array_equal(sums[0][2], sums[1][2])
        ref = LogisticObjective.from_arrays(X, y, l2=0.1)
        K.set_compiled(False)
        try:
            f_ref, g_ref = ref.value_and_gradient(theta)
        finally:
            K.set_compiled(True)
        assert sums[0][0] == pytest.approx(f_ref, rel=1e-12)
        np.testing.assert_allclose(sums[0][1], g_ref, rtol=1e-10, atol=1e-14)
        mod.row_loop_level(-1)  # the BLAS path keeps the 1 MiB grid
        assert InMemory(X, y).block_rows == small
    finally:
        mod.row_loop_level(prev)


def test_objective_keeps_its_last_exact_evaluation(rng):
    # Newton's last accepted step evaluates (J, ∇J, ∇²J) at the point it
    # returns; asked again there (inference, the separation check) the
    # objective answers from what it kept, without a pass, and equal to a
    # fresh objective's evaluation
    X, y = _newton_problem(rng, n=5000)
    obj = LogisticObjective.from_arrays(X, y)
    res = get_solver("newton")(tol=1e-10).solve(obj, np.zeros(7))
    passes = obj.n_evaluations
    f, g, H = obj.value_gradient_hessian(res.coef)
    H2 = obj.hessian(res.coef)
    assert obj.n_evaluations == passes
    fresh = LogisticObjective.from_arrays(X, y)
    f_ref, g_ref, H_ref = fresh.value_gradient_hessian(res.coef)
    assert f == f_ref
    np.testing.assert_array_equal(g, g_ref)
    np.testing.assert_array_equal(H, H_ref)
    np.testing.assert_array_equal(H2, H_ref)
    H[0, 0] = g[0] = np.nan  # callers get copies
    assert np.isfinite(obj.hessian(res.coef)).all()
    moved = res.coef + 1e-3
    obj.value_gradient_hessian(moved)  # another point: a pass
    assert obj.n_evaluations == passes + 1
    obj.l2 = 0.5  # another objective: a pass, with the new penalty
    f_l2, _, H_l2 = obj.value_gradient_hessian(moved)
    assert obj.n_evaluations == passes + 2
    f_ref2, _, H_ref2 = LogisticObjective.from_arrays(
        X, y, l2=0.5
    ).value_gradient_hessian(moved)
    assert f_l2 == f_ref2
    np.testing.assert_array_equal(H_l2, H_ref2)
    obj.value_gradient_hessian(moved, hessian_stride=2)  # an estimate is not kept
    assert obj.n_evaluations == passes + 3


def test_newton_last_step_skips_the_hessian_of_a_penalized_fit(rng, monkeypatch):
    # the step predicted to end a penalized fit evaluates value and gradient
    # only; the fit is the same as with a Hessian at every trial, and after a
    # wrong prediction the next step reuses the Hessian one step old (value
    # and gradient only again), the step after that evaluates a fresh one
    X, y = _newton_problem(rng, n=5000)
    Newton = get_solver("newton")

    def fit():
        obj = LogisticObjective.from_arrays(X, y, l2=1e-3)
        calls = {"vgh": 0, "vg": 0}
        vgh, vg = obj.value_gradient_hessian, obj.value_and_gradient

        def count_vgh(*args, **kwargs):
            calls["vgh"] += 1
            return vgh(*args, **kwargs)

        def count_vg(*args, **kwargs):
            calls["vg"] += 1
            return vg(*args, **kwargs)

        obj.value_gradient_hessian, obj.value_and_gradient = count_vgh, count_vg
        return Newton(tol=1e-10).solve(obj, np.zeros(7)), calls

    res, calls = fit()
    assert res.converged and calls == {"vgh": res.n_iter, "vg": 1}
    assert res.n_passes == res.n_iter + 1
    monkeypatch.setattr(Newton, "_last_step_predicted", lambda self, fit, state: False)
    ref, ref_calls = fit()
    assert ref_calls == {"vgh": ref.n_iter + 1, "vg": 0}
    monkeypatch.setattr(Newton, "_last_step_predicted", lambda self, fit, state: True)
    wrong, wrong_calls = fit()  # every step value+gradient; every other a Hessian
    assert wrong.converged
    assert wrong_calls == {"vgh": 1 + (wrong.n_iter - 1) // 2, "vg": wrong.n_iter}
    assert ref.n_iter == res.n_iter and ref.objective == res.objective
    np.testing.assert_allclose(ref.coef, res.coef, rtol=1e-14, atol=1e-15)
    # stale Hessians take other steps to the same optimum (tol 1e-10)
    np.testing.assert_allclose(wrong.coef, res.coef, rtol=0, atol=1e-8)


def test_newton_last_step_with_a_subsampled_hessian(rng):
    # a subsampled Hessian converges linearly: the last step is predicted from
    # the linear rate (the quadratic model would call the fit over too early)
    X, y = _newton_problem(rng, n=150_000)  # 1.05M entries: subsampled
    obj = LogisticObjective.from_arrays(X, y, l2=1e-3)
    vg, vgh = obj.value_and_gradient, obj.value_gradient_hessian
    calls = {"vg": 0, "vgh": 0}

    def count(name, fn):
        return lambda *a, **k: calls.__setitem__(name, calls[name] + 1) or fn(*a, **k)

    obj.value_and_gradient = count("vg", vg)
    obj.value_gradient_hessian = count("vgh", vgh)
    res = get_solver("newton")(tol=1e-10, hessian_rows=5000, start_rows=0).solve(
        obj, np.zeros(7)
    )
    assert res.converged and res.n_iter >= 3
    assert calls == {"vg": 1, "vgh": res.n_iter}  # no misprediction
    assert res.n_passes == res.n_iter + 1
