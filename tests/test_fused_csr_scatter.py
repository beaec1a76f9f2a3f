"""The compiled CSR pass's gradient adds ``r_i x_ij`` to ``g_j`` row by row.

At ``w = 0, b = 0`` every logit is 0, so ``σ(z) = 1/2`` exactly and the
residual ``s (1/2 - y)`` has no rounding beyond numpy's own product. Each
``g_j`` is then a sum of known terms in a known order, which
``np.add.at`` (unbuffered, element by element, in index order) reproduces
bit for bit: the reference is computed outside the kernel, and any change
to the order of the additions or to the rounding of the products (the AVX-512
scatter forms eight products in one vector multiply) shows as a difference
in the last bit. Rows of 0 to 19 stored values cover the eight-value steps
and their tails; 83 rows end in a partial group of eight.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import _kernels as K


def _csr(rng, dtype, index):
    counts = np.arange(83) % 20
    p = 500
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(index)
    indices = np.concatenate(
        [np.sort(rng.choice(p, c, replace=False)) for c in counts]
    ).astype(index)
    data = rng.standard_normal(indices.size).astype(dtype)
    return sp.csr_matrix((data, indices, indptr), shape=(counts.size, p)), counts


@pytest.mark.parametrize("level", [0, 1, 2])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", [np.int32, np.int64])
def test_csr_gradient_is_the_in_order_sum_of_row_terms(level, dtype, index):
    mod = K.compiled_kernel()
    if mod is None:
        pytest.skip("compiled kernel not built")
    rng = np.random.default_rng(7)
    X, counts = _csr(rng, dtype, index)
    n, p = X.shape
    y = (rng.random(n) < 0.5).astype(dtype)
    s = rng.random(n) + 0.5
    r = s * (0.5 - y.astype(np.float64))
    ref = np.zeros(p)
    np.add.at(ref, X.indices, np.repeat(r, counts) * X.data.astype(np.float64))
    g = np.zeros(p)
    prev = mod.row_loop_level()
    try:
        if mod.row_loop_level(level) != level:
            pytest.skip(f"row loop level {level} not available on this CPU")
        arrays = (X.data, X.indices, X.indptr, y, np.zeros(p), 0.0, None, s)
        _, rsum = mod.csr_pass(*arrays, np.empty(3 * n), g, None, True)
    finally:
        mod.row_loop_level(prev)
    np.testing.assert_array_equal(g, ref)
    assert rsum == pytest.approx(float(np.sum(r)), rel=1e-15)
