"""The compiled fused row loop (``_fused_rows.h``, ``_fused_rows256.h``,
``_fused_rows512.h``) at every level.

Shapes chosen around the loop's structure: eight rows a group (n = 1, 7, 8,
9, 41: partial last groups), eight columns a vector at levels 0 and 2 and
four at level 1, unrolled by eight (p = 1, 3, 4, 5, 7, 8, 9, 12, 13, 16,
100: masked column tails and a lone four), float32 rows of up to 256 columns
(level 2: widened once into a buffer; level 1: converted in registers where
read) and wider ones (p = 256, 257, 300), row slices whose
rows lie apart in memory (a leading dimension above p). The reference is the
plain ``_math`` formulas in float64 on X widened to float64 (exact for
float32 X), so float32 X is held to float64 rounding too; non-finite values
follow the same formulas (NaN and ±inf where they give them).
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import _kernels as K
from logistic import _math

LEVELS = [0, 1, 2]


def _mod():
    mod = K.compiled_kernel()
    if mod is None:
        pytest.skip("compiled kernel not built")
    return mod


def _at_level(mod, level, *args):
    """:func:`_rows` of ``args`` at row-loop ``level`` (skipped where the CPU lacks it)."""
    prev = mod.row_loop_level()
    try:
        if mod.row_loop_level(level) != level:
            pytest.skip(f"row loop level {level} not available on this CPU")
        return _rows(mod, *args)
    finally:
        mod.row_loop_level(prev)


def _reference(X, y, w, b, off, s):
    """(Σ s L, Xᵀ(s r), Σ s r, s d) from the _math formulas in float64."""
    X64 = np.asarray(X, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        z = X64 @ w + b + (0.0 if off is None else off)
        lo, r = _math.loss_and_residual(np.asarray(y, dtype=np.float64), z)
        s64 = np.ones(len(z)) if s is None else s
        g = X64.T @ (s64 * r)
        return float(s64 @ lo), g, float(s64 @ r), _math.hessian_weight(z) * s64


def _rows(mod, X, y, w, b, off, s, with_grad=True):
    n, p = X.shape
    g = np.full(p, 7.0)
    d = np.empty(n)
    fn = mod.dense_rows_f64 if X.dtype == np.float64 else mod.dense_rows_f32
    loss, rsum = fn(X, np.ascontiguousarray(y), w, b, off, s, g, d, with_grad)
    return loss, g, rsum, d


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [1, 3, 4, 5, 7, 8, 9, 12, 13, 16, 100, 256, 257, 300])
def test_row_loop_matches_float64_formulas_for_every_shape(rng, level, dtype, p):
    mod = _mod()
    for n in (1, 7, 8, 9, 41):
        for sliced in (False, True):
            base = rng.standard_normal((n + 2, p + 5)).astype(dtype)
            X = (
                base[1 : n + 1, 2 : p + 2]
                if sliced
                else np.ascontiguousarray(base[:n, :p])
            )
            y = (rng.random(n) < 0.5).astype(dtype)
            w = rng.standard_normal(p) / np.sqrt(p)
            off, s = rng.standard_normal(n), rng.random(n) + 0.5
            for args in ((None, None), (off, s)):
                got = _at_level(mod, level, X, y, w, 0.3, *args)
                ref = _reference(X, y, w, 0.3, *args)
                assert got[0] == pytest.approx(ref[0], rel=1e-12)
                scale = np.abs(X).max() * (n if args[1] is None else args[1].sum())
                np.testing.assert_allclose(
                    got[1], ref[1], rtol=1e-11, atol=1e-13 * scale
                )
                assert got[2] == pytest.approx(ref[2], rel=1e-11, abs=1e-13 * n)
                np.testing.assert_allclose(got[3], ref[3], rtol=1e-12)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_row_loop_without_gradient_leaves_g_alone(rng, level, dtype):
    mod = _mod()
    X = rng.standard_normal((19, 11)).astype(dtype)
    y = (rng.random(19) < 0.5).astype(dtype)
    w = rng.standard_normal(11)
    got = _at_level(mod, level, X, y, w, -0.2, None, None, False)
    ref = _reference(X, y, w, -0.2, None, None)
    np.testing.assert_array_equal(got[1], np.full(11, 7.0))
    assert got[0] == pytest.approx(ref[0], rel=1e-12)
    np.testing.assert_allclose(got[3], ref[3], rtol=1e-12)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [5, 100, 300])
def test_row_loop_non_finite_values_follow_the_formulas(rng, level, dtype, p):
    # NaN in a main column and in the masked tail, +inf and -inf in single
    # rows; the last row of a partial group (copied into the group's unused
    # lanes) holds one of them
    mod = _mod()
    n = 17
    X = rng.standard_normal((n, p)).astype(dtype)
    X[3, 0] = np.nan
    X[5, p - 1] = np.nan
    X[9, p // 2] = np.inf
    X[16, 0] = -np.inf
    y = (rng.random(n) < 0.5).astype(dtype)
    w = np.abs(rng.standard_normal(p)) + 0.1
    got = _at_level(mod, level, X, y, w, 0.1, None, None)
    ref = _reference(X, y, w, 0.1, None, None)
    np.testing.assert_array_equal(np.isnan(got[3]), np.isnan(ref[3]))
    np.testing.assert_allclose(got[3], ref[3], rtol=1e-12)
    for a, b in ((got[0], ref[0]), (got[2], ref[2])):
        assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-12)
    np.testing.assert_array_equal(np.isnan(got[1]), np.isnan(ref[1]))


@pytest.mark.parametrize("level", LEVELS)
def test_row_loop_group_of_finite_rows_after_an_infinite_one(rng, level):
    # a row whose logit is +inf (loss inf for y = 0) in a partial last group:
    # the group's unused lanes repeat it but add nothing
    mod = _mod()
    X = rng.standard_normal((9, 3))
    X[8] = [np.inf, 0.0, 0.0]
    y = np.zeros(9)
    w = np.array([1.0, 0.5, -0.5])
    got = _at_level(mod, level, X, y, w, 0.0, None, None)
    ref = _reference(X, y, w, 0.0, None, None)
    assert got[0] == np.inf and ref[0] == np.inf
    np.testing.assert_allclose(got[3], ref[3], rtol=1e-12)
    assert got[2] == pytest.approx(ref[2], rel=1e-12)


@pytest.mark.parametrize("kind", ["blas", "csr"])
def test_compensated_sums_of_an_infinite_loss_are_infinite(rng, kind):
    # the BLAS path (row loop off) and the CSR pass: an infinite row loss
    # makes the loss sum +inf, as the numpy reference's plain sum (the
    # compensation term alone turns NaN)
    import scipy.sparse as sp

    mod = _mod()
    X = rng.standard_normal((300, 9))
    X[150, 2] = np.inf
    y = np.zeros(300)
    w = np.abs(rng.standard_normal(9))
    ref = _reference(X, y, w, 0.0, None, None)
    Xk = sp.csr_matrix(X) if kind == "csr" else X
    prev = mod.row_loop_level()
    try:
        mod.row_loop_level(-1)
        got = K._compiled_pass(Xk, y, w, 0.0, None, None, True, False)
    finally:
        mod.row_loop_level(prev)
    assert got is not None
    assert got[0] == np.inf and ref[0] == np.inf
    assert got[2] == pytest.approx(ref[2], rel=1e-12)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", [np.int32, np.int64])
def test_csr_pass_logits_at_every_level(rng, level, dtype, index):
    # level 2 runs _fused_csr.h (eight rows a group, a row's values in eight
    # lane sums), the others add them one by one: rows of 0, 1, 7, 8,
    # 9 and 40 stored values, 45 rows (a partial last group)
    import scipy.sparse as sp

    mod = _mod()
    counts = np.array([0, 1, 7, 8, 9, 40, 3, 0, 17] * 5)
    n, p = counts.size, 60
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(index)
    indices = np.concatenate(
        [np.sort(rng.choice(p, c, replace=False)) for c in counts]
    ).astype(index)
    data = rng.standard_normal(indices.size).astype(dtype)
    X = sp.csr_matrix((data, indices, indptr), shape=(n, p))
    y = (rng.random(n) < 0.5).astype(dtype)
    w = rng.standard_normal(p)
    off, s = rng.standard_normal(n), rng.random(n) + 0.5
    for args in ((None, None), (off, s)):
        g = np.zeros(p)
        d = np.empty(n)
        prev = mod.row_loop_level()
        try:
            if mod.row_loop_level(level) != level:
                pytest.skip(f"row loop level {level} not available on this CPU")
            loss, rsum = mod.csr_pass(
                data, indices, indptr, y, w, 0.3, *args, np.empty(3 * n), g, d, True
            )
        finally:
            mod.row_loop_level(prev)
        ref = _reference(X.toarray(), y, w, 0.3, *args)
        assert loss == pytest.approx(ref[0], rel=1e-12)
        np.testing.assert_allclose(g, ref[1], rtol=1e-11, atol=1e-13 * n)
        assert rsum == pytest.approx(ref[2], rel=1e-11, abs=1e-13 * n)
        np.testing.assert_allclose(d, ref[3], rtol=1e-12)


def _cpu_flags() -> set[str]:
    """The CPU's feature flags as Linux lists them (empty elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def test_automatic_level_follows_the_cpu():
    # the automatic choice: 2 with AVX-512 (F, DQ, VL), 1 with AVX2 + FMA,
    # otherwise off; the flags come from the kernel (/proc/cpuinfo), not from
    # the module's own detection
    mod = _mod()
    flags = _cpu_flags()
    if not flags:
        pytest.skip("no /proc/cpuinfo flags on this system")
    prev = mod.row_loop_level()
    try:
        auto = mod.row_loop_level(-2)
        if {"avx512f", "avx512dq", "avx512vl"} <= flags:
            assert auto == 2
        elif {"avx2", "fma"} <= flags:
            assert auto == 1
            # a level above the CPU's is clamped to it
            assert mod.row_loop_level(2) == 1
        else:
            assert auto == -1
    finally:
        mod.row_loop_level(prev)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [7, 100, 300])
def test_prefetch_level_changes_no_bit_of_the_pass(rng, dtype, p):
    """The AVX-512 loop built prefetching into L1 and into L2 (chosen by CPU,
    ``row_loop_prefetch``) computes the same sums bit for bit, and they agree
    with the float64 formulas."""
    mod = _mod()
    if mod.row_loop_prefetch() == 0:
        pytest.skip("AVX-512 row loop not built")
    n = 203
    X = rng.standard_normal((n, p)).astype(dtype)
    y = (rng.random(n) < 0.5).astype(dtype)
    w = rng.standard_normal(p) / np.sqrt(p)
    off, s = rng.standard_normal(n), rng.random(n) + 0.5
    out = {}
    for pf in (1, 2):
        assert mod.row_loop_prefetch(pf) == pf
        try:
            out[pf] = _at_level(mod, 2, X, y, w, 0.3, off, s)
        finally:
            mod.row_loop_prefetch(0)
    for a, b in zip(out[1], out[2], strict=True):
        np.testing.assert_array_equal(a, b)
    ref = _reference(X, y, w, 0.3, off, s)
    np.testing.assert_allclose(out[2][0], ref[0], rtol=1e-12)
    np.testing.assert_allclose(out[2][1], ref[1], rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="level must be 0, 1 or 2"):
        mod.row_loop_prefetch(3)
