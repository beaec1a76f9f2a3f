"""The compiled CSR pass (``_fused.csr_pass``) at every row loop level the CPU
has: the loss sum, residual sum, gradient and curvature against numpy's
formulas in float64 (``log(1 + e^z) - y z``, ``σ(z) - y``, ``σ(z)(1 - σ(z))``
as ``e^{-|z|} / (1 + e^{-|z|})²``, weighted), on rows of 0 to 40 stored values (empty rows, partial groups of
eight rows and of eight or four values), float64/float32 values, int32/int64
indices, with and without weights and offsets."""

from __future__ import annotations

import numpy as np
import pytest

from _csr_reference import at_level, csr_problem, numpy_reference, run_pass
from logistic import _kernels as K

pytestmark = pytest.mark.skipif(
    K.compiled_kernel() is None, reason="the compiled kernel is not built"
)

P = 90
COUNTS = (np.arange(203) * 7) % 41  # 0..40 values a row; 203 rows: a partial group


@pytest.mark.parametrize("level", [0, 1, 2])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", [np.int32, np.int64])
@pytest.mark.parametrize("weighted", [False, True])
def test_csr_pass_matches_the_numpy_formulas(level, dtype, index, weighted):
    mod = K.compiled_kernel()
    rng = np.random.default_rng(21)
    X, y = csr_problem(COUNTS, P, dtype, index, rng)
    n, p = X.shape
    w = rng.standard_normal(p) * 0.7
    b = 0.3
    off = rng.standard_normal(n) if weighted else None
    s = rng.random(n) + 0.5 if weighted else None
    A, loss, r, curv = numpy_reference(X, y, w, b, off, s)

    def run():
        return run_pass(mod, X, y, w, b, off, s, np.zeros(p))

    (lsum, rsum), g, d, (lsum2, rsum2), g2 = at_level(mod, level, run)
    assert lsum == pytest.approx(loss, rel=1e-13)
    assert rsum == pytest.approx(float(np.sum(r)), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(g, A.T @ r, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(d, curv, rtol=1e-13, atol=0)
    assert lsum2 == lsum
    np.testing.assert_array_equal(g2, 0.0)  # no gradient asked
