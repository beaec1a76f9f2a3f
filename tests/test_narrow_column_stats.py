"""The first statistics sweep of narrow blocks (``_fused.narrow_column_stats``).

Blocks of at most 32 columns keep each column's sums in AVX-512 registers
(row loop level 2): the same bits as ``dense_column_stats``'s sweep 0, which
loads and stores them at every row, and numpy's column minima, maxima and
sums to rounding. Elsewhere (another level, a wider block) nothing is written.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic._compiled import compiled_kernel

F = compiled_kernel()
pytestmark = pytest.mark.skipif(
    F is None or F.row_loop_level() != 2, reason="needs the AVX-512 row loop"
)


def _sums(fn, X, sw, r0):
    p = X.shape[1]
    lo, hi = np.full(p, np.inf), np.full(p, -np.inf)
    s1, s2 = np.zeros(p), np.zeros(p)
    g = None if r0 is None else np.zeros(p)
    fn(X, sw, r0, lo, hi, s1, s2, g)
    return [lo, hi, s1, s2] + ([] if g is None else [g])


def _dense(X, sw, r0, lo, hi, s1, s2, g):
    F.dense_column_stats(X, None, sw, None, lo, hi, s1, s2, 0, r0, g)


def _narrow(X, sw, r0, lo, hi, s1, s2, g):
    assert F.narrow_column_stats(X, sw, lo, hi, s1, s2, r0, g)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("residual", [False, True])
def test_the_same_bits_as_the_row_by_row_sweep(dtype, weighted, residual):
    rng = np.random.default_rng(7)
    for p in range(1, 33):
        for n in (0, 1, 3, 50):
            X = (rng.standard_normal((n, p)) * 3).astype(dtype)
            if n >= 3:  # NaN, inf and -0.0 take the same branches
                X[0, 0], X[1, p - 1], X[2, p // 2] = np.nan, np.inf, -0.0
            sw = rng.random(n) if weighted else None
            r0 = rng.standard_normal(n) if residual else None
            a, b = _sums(_dense, X, sw, r0), _sums(_narrow, X, sw, r0)
            for u, v in zip(a, b, strict=True):
                assert u.tobytes() == v.tobytes(), (p, n)


def test_numpy_minima_maxima_and_sums():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((400, 28)) * np.arange(1, 29)
    sw, r0 = rng.random(400), rng.standard_normal(400)
    lo, hi, s1, s2, g = _sums(_narrow, X, sw, r0)
    np.testing.assert_array_equal(lo, X.min(axis=0))
    np.testing.assert_array_equal(hi, X.max(axis=0))
    np.testing.assert_allclose(s1, sw @ X, rtol=1e-12)
    np.testing.assert_allclose(s2, sw @ (X * X), rtol=1e-12)
    np.testing.assert_allclose(g, r0 @ X, rtol=1e-12)


def test_wider_blocks_and_bad_lengths():
    X = np.ones((5, 33))
    out = [np.zeros(33) for _ in range(4)]
    assert F.narrow_column_stats(X, None, *out) is False
    assert not any(v.any() for v in out)
    with pytest.raises(ValueError, match="residual and grad"):
        F.narrow_column_stats(np.ones((5, 3)), None, *[np.zeros(3)] * 4, np.ones(5))
    with pytest.raises(ValueError, match="row_weight"):
        F.narrow_column_stats(np.ones((5, 3)), np.ones(4), *[np.zeros(3)] * 4)


@pytest.fixture
def level_one():
    """The row loop forced to level 1 (AVX2) for the test, then automatic again."""
    F.row_loop_level(1)
    try:
        yield
    finally:
        F.row_loop_level(-2)
    assert F.row_loop_level() == 2


def test_another_level_writes_nothing(level_one):
    X = np.random.default_rng(9).standard_normal((40, 10))
    out = [np.full(10, 7.0) for _ in range(4)]
    assert F.narrow_column_stats(X, None, *out) is False
    assert all((v == 7.0).all() for v in out)


_FIELDS = ("weight", "mean", "unit", "m2", "lo", "hi", "grad0")


def _blocks():
    """Blocks of 1-32 columns large enough for the compiled kernel, scaled
    from 1e-3 to near each dtype's limit, one constant column each, with and
    without weights and residuals."""
    rng = np.random.default_rng(10)
    for case in range(24):
        p = int(rng.integers(1, 33))
        n = int(rng.integers(2048 // p + 1, 4000))
        dtype = np.float32 if case % 2 else np.float64
        scale = rng.choice([1e-3, 1.0, 1e3, 1e20 if dtype == np.float32 else 1e200])
        X = (rng.standard_normal((n, p)) * scale).astype(dtype)
        X[:, rng.integers(0, p)] = 0.5
        s = rng.random(n) if case % 3 else None
        r0 = rng.standard_normal(n) if case % 4 else None
        yield X, s, r0


def test_column_stats_the_same_bits_at_levels_one_and_two():
    """``_moments._compiled_dense_stats`` takes the narrow sweep at level 2
    and ``dense_column_stats``' sweep 0 at level 1: the same ColumnStats."""
    from logistic import _moments

    blocks = list(_blocks())
    F.row_loop_level(1)
    try:
        at_one = [_moments._compiled_dense_stats(*b) for b in blocks]
    finally:
        F.row_loop_level(-2)
    assert F.row_loop_level() == 2
    for block, a in zip(blocks, at_one, strict=True):
        b = _moments._compiled_dense_stats(*block)
        assert a is not None and b is not None
        for name in _FIELDS:
            u, v = getattr(a, name), getattr(b, name)
            assert (u is None) == (v is None), name
            if u is not None:
                assert np.asarray(u).tobytes() == np.asarray(v).tobytes(), name
