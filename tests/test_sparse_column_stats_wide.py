"""Column statistics of sparse blocks with at least 4096 columns, where the
compiled sweep prefetches each stored value's accumulator line ahead
(``_column_stats.csr_column_stats``, ``STATS_PREFETCH_MIN_P``).

Reference: numpy's weighted mean and two-pass standard deviation of the
densified columns in float64 (as ``tests/test_sparse_column_stats.py``), and
the numpy reference backend of the same function (``set_compiled(False)``).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import _kernels as K
from logistic import _moments

pytestmark = pytest.mark.skipif(
    K.compiled_kernel() is None, reason="the compiled kernel is not built"
)


def _stats(X, s, compiled):
    old = K.set_compiled(compiled)
    try:
        return _moments._sparse_stats(X, s).moments()
    finally:
        K.set_compiled(old)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("p", [4096, 6001])
def test_wide_sparse_moments_equal_numpys(weighted, p):
    rng = np.random.default_rng(5)
    X = sp.random(300, p, density=0.01, format="csr", random_state=6)
    X.data = rng.standard_normal(X.nnz) * 2.0 + 0.5
    s = rng.random(300) + 0.5 if weighted else None
    A = X.toarray()
    w = np.ones(300) if s is None else s
    ref_mean = (w @ A) / w.sum()
    ref_std = np.sqrt((w @ (A - ref_mean) ** 2) / w.sum())
    mean, std = _stats(X, s, True)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(std, ref_std, rtol=1e-12, atol=1e-15)
    np_mean, np_std = _stats(X, s, False)
    np.testing.assert_allclose(mean, np_mean, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(std, np_std, rtol=1e-13, atol=1e-16)
