"""The compiled CSR pass (``_fused.csr_pass``) at every row loop level the CPU
has: the loss sum, residual sum, gradient and curvature against numpy's
formulas in float64 (``log(1 + e^z) - y z``, ``σ(z) - y``, ``σ(z)(1 - σ(z))``
as ``e^{-|z|} / (1 + e^{-|z|})²``, weighted), on rows of 0 to 40 stored values (empty rows, partial groups of
eight rows and of eight or four values), float64/float32 values, int32/int64
indices, with and without weights and offsets."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import _kernels as K

pytestmark = pytest.mark.skipif(
    K.compiled_kernel() is None, reason="the compiled kernel is not built"
)


def _problem(dtype, index, rng):
    counts = (np.arange(203) * 7) % 41  # 0..40 values a row; 203 rows: a partial group
    p = 90
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(index)
    indices = np.concatenate(
        [np.sort(rng.choice(p, c, replace=False)) for c in counts]
    ).astype(index)
    data = rng.standard_normal(indices.size).astype(dtype)
    X = sp.csr_matrix((data, indices, indptr), shape=(counts.size, p))
    y = (rng.random(counts.size) < 0.4).astype(dtype)
    return X, y


@pytest.mark.parametrize("level", [0, 1, 2])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", [np.int32, np.int64])
@pytest.mark.parametrize("weighted", [False, True])
def test_csr_pass_matches_the_numpy_formulas(level, dtype, index, weighted):
    mod = K.compiled_kernel()
    rng = np.random.default_rng(21)
    X, y = _problem(dtype, index, rng)
    n, p = X.shape
    w = rng.standard_normal(p) * 0.7
    b = 0.3
    off = rng.standard_normal(n) if weighted else None
    s = rng.random(n) + 0.5 if weighted else None
    A = X.astype(np.float64).toarray()
    z = A @ w + b + (off if off is not None else 0.0)
    sw = s if s is not None else np.ones(n)
    yy = y.astype(np.float64)
    loss = np.sum(sw * (np.logaddexp(0.0, z) - yy * z))
    sig = 1.0 / (1.0 + np.exp(-z))
    r = sw * (sig - yy)
    t = np.exp(-np.abs(z))
    curv = sw * t / (1.0 + t) ** 2  # σ(z)(1 - σ(z)) without the cancellation of 1 - σ
    prev = mod.row_loop_level()
    try:
        if mod.row_loop_level(level) != level:
            pytest.skip(f"row loop level {level} not available on this CPU")
        g, d = np.zeros(p), np.zeros(n)
        lsum, rsum = mod.csr_pass(
            X.data, X.indices, X.indptr, y, w, b, off, s, np.empty(3 * n), g, d, True
        )
        g2 = np.zeros(p)
        lsum2, rsum2 = mod.csr_pass(
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
    finally:
        mod.row_loop_level(prev)
    assert lsum == pytest.approx(loss, rel=1e-13)
    assert rsum == pytest.approx(float(np.sum(r)), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(g, A.T @ r, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(d, curv, rtol=1e-13, atol=0)
    assert lsum2 == lsum
    np.testing.assert_array_equal(g2, 0.0)  # no gradient asked
