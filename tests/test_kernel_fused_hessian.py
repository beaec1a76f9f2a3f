"""The compiled row loop's Hessian (``_kernels._fused_hessian_pass``).

Dense blocks with contiguous rows and at most
``_kernels.FUSED_HESSIAN_MAX_FEATURES`` columns get value, gradient and the
Hessian sums ``(Xᵀ D X, Xᵀ d, Σ d)`` from one call of the compiled row loop.
The reference is the numpy formula (``X ⊙ √d`` and ``Aᵀ A``, the numpy
kernel with the compiled one switched off) and, independently, the plain
``_math`` formulas in float64; agreement is to rounding (the loop adds the
rows' terms in another order and with fused multiply-adds on AVX2/AVX-512),
not bit for bit. Every test asserts that the compiled path is the one taken.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from logistic import _kernels as K
from logistic import _math


def _mod():
    mod = K.compiled_kernel()
    if mod is None:
        pytest.skip("compiled kernel not built")
    return mod


@contextlib.contextmanager
def _row_loop(level: int | None = None):
    """The compiled module with its row loop on (restored after): at
    ``level``, or with None at the level in use (the baseline build where the
    automatic choice is off). Skipped where the CPU lacks the level."""
    mod = _mod()
    prev = mod.row_loop_level()
    want = level if level is not None else max(prev, 0)
    got = mod.row_loop_level(want)
    try:
        if got != want:
            pytest.skip(f"row loop level {want} not available on this CPU")
        yield mod
    finally:
        mod.row_loop_level(prev)


def _numpy(fn, *args):
    old = K.set_compiled(False)
    try:
        return fn(*args)
    finally:
        K.set_compiled(old)


def _plain(X, y, w, b, off, s):
    """The seven partial sums from the _math formulas, all in float64."""
    X64 = np.asarray(X, dtype=np.float64)
    z = X64 @ w + b + (0.0 if off is None else off)
    lo, r = _math.loss_and_residual(np.asarray(y, dtype=np.float64), z)
    s64 = np.ones(len(y)) if s is None else s
    d = _math.hessian_weight(z) * s64
    return (
        float(s64 @ lo),
        X64.T @ (s64 * r),
        float(s64 @ r),
        float(s64.sum()),
        X64.T @ (X64 * d[:, None]),
        X64.T @ d,
        float(d.sum()),
    )


def _close(got, ref, tol):
    assert len(got) == len(ref)
    for a, b in zip(got, ref, strict=True):
        scale = max(1.0, float(np.max(np.abs(b))))
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol * scale)


def _block(rng, n, p, dtype, rows_apart):
    if rows_apart:  # a row and column slice of a C array: rows apart in memory
        X = rng.standard_normal((n + 3, p + 5)).astype(dtype)[3:, :p]
    else:
        X = rng.standard_normal((n, p)).astype(dtype)
    y = (rng.random(n) < 0.4).astype(dtype)
    w = rng.standard_normal(p) * (1.5 / np.sqrt(p))
    return X, y, w


@pytest.mark.parametrize("level", [0, 1, 2])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [1, 3, 7, 8, 11, 22, 23, 28, 63, 100, 127])
def test_fused_hessian_matches_numpy_formula(rng, level, dtype, p):
    # every instruction-set level of the loop, p around multiples of 8 (the
    # padded order q = p + 1 rounded up to 8; level 1's tiles are 4 rows by
    # 12 columns, 4 x 4 at the right edge) up to the largest p it takes,
    # a partial last group of rows, weights (some zero) and offsets
    with _row_loop(level):
        n = max(K.COMPILED_MIN_VALUES // p + 5, 21)
        X, y, w = _block(rng, n, p, dtype, rows_apart=p % 2 == 1)
        s = rng.integers(0, 3, n).astype(np.float64) + rng.random(n)
        s[::7] = 0.0
        off = rng.standard_normal(n) * 0.3
        assert K.fused_hessian_applies(X)
        for args in ((None, None), (off, s)):
            got = K.value_grad_hessian(X, y, w, -0.4, *args)
            ref = _numpy(K.value_grad_hessian, X, y, w, -0.4, *args)
            _close(got, ref, 1e-12 if dtype == np.float64 else 1e-5)
            # the Hessian sums from float64 products of the widened rows:
            # float64 accuracy against the plain formulas for float32 X too,
            # given the same z (the loop forms z in float64 either way)
            _close(got[4:], _plain(X, y, w, -0.4, *args)[4:], 1e-12)
            H = got[4]
            assert H.shape == (p, p) and np.array_equal(H, H.T)


def test_fused_hessian_extreme_logits_stay_finite(rng):
    # |z| up to 800: curvature underflows to 0 for such rows, never NaN
    n, p = 400, 9
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[0] = 800.0
    y = (rng.random(n) < 0.5).astype(np.float64)
    with _row_loop():
        assert K.fused_hessian_applies(X)
        got = K.value_grad_hessian(X, y, w, 0.0)
    ref = _numpy(K.value_grad_hessian, X, y, w, 0.0)
    assert all(np.all(np.isfinite(v)) for v in got)
    _close(got, ref, 1e-12)


def test_fused_hessian_dispatch(rng):
    # which blocks take the loop's Hessian: C rows, enough values, p small
    # enough; F order, wide blocks, tiny blocks and the loop turned off do not
    with _row_loop() as mod:
        X, _, _ = _block(rng, 600, 20, np.float64, rows_apart=False)
        assert K.fused_hessian_applies(X)
        assert K.fused_hessian_applies(X.astype(np.float32))
        assert not K.fused_hessian_applies(np.asfortranarray(X))
        assert not K.fused_hessian_applies(X[: K.COMPILED_MIN_VALUES // 20 - 1])
        assert not K.fused_hessian_applies(X[:, ::2])  # no unit column stride
        wide = rng.standard_normal((40, K.FUSED_HESSIAN_MAX_FEATURES + 1))
        assert not K.fused_hessian_applies(wide)
        assert K.fused_hessian_applies(wide[:, :-1])
        assert (K.FUSED_HESSIAN_MAX_FEATURES + 8) // 8 * 8 <= mod.hessian_max_order()
        mod.row_loop_level(-1)
        assert not K.fused_hessian_applies(X)


def test_fused_hessian_wide_block_uses_syrk_and_agrees(rng):
    # the first p past the loop's limit takes X ⊙ √d and syrk: both paths
    # agree on the same data to rounding (the limit moves no fit)
    with _row_loop():
        p = K.FUSED_HESSIAN_MAX_FEATURES
        X, y, w = _block(rng, 300, p + 1, np.float64, rows_apart=False)
        assert not K.fused_hessian_applies(X)
        wide = K.value_grad_hessian(X, y, w, 0.1)
        Xn = np.ascontiguousarray(X[:, :p])
        assert K.fused_hessian_applies(Xn)
        narrow = K.value_grad_hessian(Xn, y, w[:p], 0.1)
        ref = _plain(Xn, y, w[:p], 0.1, None, None)
        _close(narrow, ref, 1e-12)
        assert wide[4].shape == (p + 1, p + 1)


def _count_blas_limits(monkeypatch) -> list[int]:
    """Threads for every block, and a list that gets one entry each time the
    in-memory backend limits BLAS's threads (a stand-in controller)."""
    from logistic.backends import in_memory

    made: list[int] = []

    def one_blas_thread():
        made.append(1)
        return contextlib.nullcontext()

    monkeypatch.setattr(in_memory, "one_blas_thread", one_blas_thread)
    monkeypatch.setattr(in_memory, "THREAD_MIN_BYTES", 0)
    return made


def test_in_memory_skips_the_blas_limit_for_blas_free_blocks(rng, monkeypatch):
    # threaded reductions over blocks the row loop reads whole (Hessian
    # included) make no BLAS call: no BLAS thread limit is set;
    # F-ordered blocks (BLAS gemv) still get the limit; both give the
    # single-thread result bit for bit
    from logistic._objective import LogisticObjective
    from logistic.backends.in_memory import InMemory

    made = _count_blas_limits(monkeypatch)
    X, y, w = _block(rng, 3000, 12, np.float64, rows_apart=False)
    theta = np.append(w, 0.1)
    with _row_loop():
        for data, limited in ((X, False), (np.asfortranarray(X), True)):
            made.clear()
            one = LogisticObjective(InMemory(data, y, n_threads=1, block_bytes=2**15))
            two = LogisticObjective(InMemory(data, y, n_threads=2, block_bytes=2**15))
            assert len(two.data._block_list()) > 2
            a = one.value_gradient_hessian(theta)
            b = two.value_gradient_hessian(theta)
            assert bool(made) is limited
            assert a[0] == b[0]
            np.testing.assert_array_equal(a[1], b[1])
            np.testing.assert_array_equal(a[2], b[2])


def test_the_blas_limit_is_skipped_only_for_marked_kernels_over_whole_blocks(
    rng, monkeypatch
):
    # the skip is per call: value/gradient/Hessian over row-loop blocks skip
    # the limit; a Hessian-vector product (BLAS gemv) over the same blocks,
    # a large block the row loop does not read, and the numpy kernel all get it
    from logistic._objective import LogisticObjective
    from logistic.backends.in_memory import InMemory

    made = _count_blas_limits(monkeypatch)
    X, y, w = _block(rng, 3000, 12, np.float64, rows_apart=False)
    theta = np.append(w, 0.1)
    with _row_loop():
        obj = LogisticObjective(InMemory(X, y, n_threads=2, block_bytes=2**15))
        blocks = obj.data._block_list()
        assert len(blocks) > 2 and blocks[-1].X.shape[0] < blocks[0].X.shape[0]
        made.clear()
        obj.value_and_gradient(theta)
        obj.value_gradient_hessian(theta * 1.01)
        assert made == []
        obj.hessian_vector(theta, np.ones_like(theta))  # X @ v: BLAS
        assert made == [1]
        made.clear()
        old = K.set_compiled(False)  # the numpy kernel: BLAS on every block
        try:
            obj.value_gradient_hessian(theta * 1.02)
        finally:
            K.set_compiled(old)
        assert made == [1]
    # a last block that the row loop does not read and BLAS may thread
    big_tail = [
        type(blocks[0])(X[:2000], y[:2000]),
        type(blocks[0])(np.asfortranarray(X), y),
    ]
    marked = K.row_loop_only(lambda block: 0.0)
    with _row_loop():
        assert K.blas_free(marked, blocks)
        assert not K.blas_free(lambda block: 0.0, blocks)  # no mark
        assert not K.blas_free(marked, big_tail)


@pytest.mark.parametrize("shape", [(8, 8), (20, 20), (16, 24), (136, 136)])
def test_the_row_loop_refuses_a_hessian_array_of_the_wrong_shape(rng, shape):
    # the loop writes q × q in 8 × 8 tiles: a wrong q would write out of bounds
    mod = _mod()
    X, y, w = _block(rng, 300, 12, np.float64, rows_apart=False)
    g, d = np.empty(12), np.empty(300)
    with (
        _row_loop(),
        pytest.raises(ValueError, match=r"hess has shape .* expected \(q, q\)"),
    ):
        mod.dense_rows_f64(X, y, w, 0.1, None, None, g, d, True, np.zeros(shape))


def test_the_row_loop_zeroes_the_hessian_of_no_rows():
    mod = _mod()
    H = np.full((16, 16), 7.0)
    X = np.empty((0, 12))
    with _row_loop():
        got = mod.dense_rows_f64(
            X, np.empty(0), np.zeros(12), 0.0, None, None, np.empty(12), None, True, H
        )
    assert got == (0.0, 0.0) and not H.any()
