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

from _csr_reference import at_level, csr_problem, numpy_reference, run_pass
from logistic import _kernels as K

pytestmark = pytest.mark.skipif(
    K.compiled_kernel() is None, reason="the compiled kernel is not built"
)

P = 20_000  # above the pairs loop's 16 384 columns
COUNTS = (np.arange(203) * 37) % 150  # stored values a row


@pytest.mark.parametrize("level", [0, 1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", [np.int32, np.int64])
@pytest.mark.parametrize("weighted", [False, True])
def test_wide_csr_pass_matches_the_numpy_formulas(level, dtype, index, weighted):
    mod = K.compiled_kernel()
    rng = np.random.default_rng(5)
    X, y = csr_problem(COUNTS, P, dtype, index, rng)
    n = X.shape[0]
    w = rng.standard_normal(P) * 0.3
    b = -0.2
    off = rng.standard_normal(n) if weighted else None
    s = rng.random(n) + 0.5 if weighted else None
    A, loss, r, curv = numpy_reference(X, y, w, b, off, s)
    g0 = rng.standard_normal(P)

    def run():
        return run_pass(mod, X, y, w, b, off, s, g0)

    (lsum, rsum), g, d, (lsum2, _), g2 = at_level(mod, level, run)
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
    X, y = csr_problem(COUNTS, P, dtype, index, rng)
    n = X.shape[0]
    s = rng.random(n) + 0.5
    r = s * (0.5 - y.astype(np.float64))
    g0 = rng.standard_normal(P)
    ref = g0.copy()
    np.add.at(ref, X.indices, np.repeat(r, COUNTS) * X.data.astype(np.float64))

    def run():
        g = g0.copy()
        arrays = (X.data, X.indices, X.indptr, y, np.zeros(P), 0.0, None, s)
        mod.csr_pass(*arrays, np.empty(3 * n), g, None, True)
        return g

    np.testing.assert_array_equal(at_level(mod, level, run), ref)
