"""The compiled CSR pass on wide data at row loop levels 1 and 0, where it reads
w and writes g through one array of (w_j, g_j) pairs (``_fused_csr.h``,
``LOGISTIC_CSR_PAIRS``, from 16 384 columns on).

References come from numpy: the float64 formulas of the loss, residual and
curvature on the dense matrix, and ``np.add.at`` for the in-order sum of the
gradient terms (at ``w = 0, b = 0`` every residual is exact, so the gradient
is a sum of known terms in a known order, bit for bit). Rows of 0 to 149
stored values cover the four-value steps, their tails and the prefetch
distance (64 values) at the end of the block; 203 rows end in a partial
group of eight. ``g`` starts non-zero: the pass adds to it.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import _kernels as K

pytestmark = pytest.mark.skipif(
    K.compiled_kernel() is None, reason="the compiled kernel is not built"
)

P = 20_000  # above the pairs loop's 16 384 columns


def _problem(dtype, index, rng):
    counts = (np.arange(203) * 37) % 150
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(index)
    indices = np.concatenate(
        [np.sort(rng.choice(P, c, replace=False)) for c in counts]
    ).astype(index)
    data = rng.standard_normal(indices.size).astype(dtype)
    X = sp.csr_matrix((data, indices, indptr), shape=(counts.size, P))
    y = (rng.random(counts.size) < 0.4).astype(dtype)
    return X, y, counts


def _at_level(mod, level, fn):
    prev = mod.row_loop_level()
    try:
        if mod.row_loop_level(level) != level:
            pytest.skip(f"row loop level {level} not available on this CPU")
        return fn()
    finally:
        mod.row_loop_level(prev)


@pytest.mark.parametrize("level", [0, 1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", [np.int32, np.int64])
@pytest.mark.parametrize("weighted", [False, True])
def test_wide_csr_pass_matches_the_numpy_formulas(level, dtype, index, weighted):
    mod = K.compiled_kernel()
    rng = np.random.default_rng(5)
    X, y, _ = _problem(dtype, index, rng)
    n = X.shape[0]
    w = rng.standard_normal(P) * 0.3
    b = -0.2
    off = rng.standard_normal(n) if weighted else None
    s = rng.random(n) + 0.5 if weighted else None
    A = X.astype(np.float64).toarray()
    z = A @ w + b + (off if off is not None else 0.0)
    sw = s if s is not None else np.ones(n)
    yy = y.astype(np.float64)
    loss = np.sum(sw * (np.logaddexp(0.0, z) - yy * z))
    r = sw * (1.0 / (1.0 + np.exp(-z)) - yy)
    t = np.exp(-np.abs(z))
    curv = sw * t / (1.0 + t) ** 2
    g0 = rng.standard_normal(P)

    def run():
        g, d = g0.copy(), np.zeros(n)
        sums = mod.csr_pass(
            X.data, X.indices, X.indptr, y, w, b, off, s, np.empty(3 * n), g, d, True
        )
        g2 = g0.copy()
        sums2 = mod.csr_pass(
            X.data,
            X.indices,
            X.indptr,
            y,
            w,
            b,
            off,
            s,
            np.empty(3 * n),
            g2,
            None,
            False,
        )
        return sums, g, d, sums2, g2

    (lsum, rsum), g, d, (lsum2, _), g2 = _at_level(mod, level, run)
    assert lsum == pytest.approx(loss, rel=1e-13)
    assert rsum == pytest.approx(float(np.sum(r)), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(g, g0 + A.T @ r, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(d, curv, rtol=1e-13, atol=0)
    assert lsum2 == lsum
    np.testing.assert_array_equal(g2, g0)  # no gradient asked: g untouched


@pytest.mark.parametrize("level", [0, 1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", [np.int32, np.int64])
def test_wide_csr_gradient_is_the_in_order_sum_of_row_terms(level, dtype, index):
    mod = K.compiled_kernel()
    rng = np.random.default_rng(9)
    X, y, counts = _problem(dtype, index, rng)
    n = X.shape[0]
    s = rng.random(n) + 0.5
    r = s * (0.5 - y.astype(np.float64))
    g0 = rng.standard_normal(P)
    ref = g0.copy()
    np.add.at(ref, X.indices, np.repeat(r, counts) * X.data.astype(np.float64))

    def run():
        g = g0.copy()
        arrays = (X.data, X.indices, X.indptr, y, np.zeros(P), 0.0, None, s)
        mod.csr_pass(*arrays, np.empty(3 * n), g, None, True)
        return g

    np.testing.assert_array_equal(_at_level(mod, level, run), ref)
