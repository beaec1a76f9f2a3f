"""Column statistics of CSR blocks by the compiled sweep, block after block
(``logistic._moments._compiled_sparse_stats``): the per-column accumulators a
thread keeps and resets between blocks must leave nothing of one block in the
next, whichever of the three sweeps each block takes.

Reference: numpy's two-pass ``mean``/``std`` of the densified columns in
float64, and the module's numpy path (same formulas, the same bits).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import _kernels as K
from logistic import _moments


def _reference(X):
    A = X.toarray()
    return A.mean(axis=0), A.std(axis=0), A.min(axis=0), A.max(axis=0)


def _blocks(rng):
    """CSR blocks in an order that switches sweeps and widths: centred columns
    (sweep 0 only), a column far from centred (sweep 2), a column beyond
    2^400 (sweeps 1 and 2), empty columns, another width."""
    near = sp.random(400, 30, density=0.1, format="csr", random_state=1)
    near.data = rng.standard_normal(near.nnz)
    far = near.copy().tolil()
    far[:, 4] = 1e6 + rng.random((400, 1))  # dense, far from centred
    big = near.copy().tolil()
    big[:7, 9] = 2.0**420 * (1.0 + rng.random((7, 1)))
    empty = sp.csr_matrix((400, 30))
    empty[3, 2] = -5.0
    wide = sp.random(300, 45, density=0.2, format="csr", random_state=2)
    return [near, far.tocsr(), big.tocsr(), near, empty, wide, far.tocsr(), near]


@pytest.mark.parametrize("with_gradient", [False, True])
def test_blocks_in_a_row_match_the_numpy_path_and_the_dense_reference(
    rng, with_gradient
):
    if K.compiled_kernel() is None:
        pytest.skip("the compiled kernel is not built")
    for X in _blocks(rng):
        X.sum_duplicates()
        n = X.shape[0]
        y = (rng.random(n) < 0.4).astype(float)
        r0 = np.subtract(0.5, y) if with_gradient else None
        assert X.shape[0] * X.shape[1] >= K.COMPILED_MIN_VALUES
        got = _moments._compiled_sparse_stats(X, None, r0)
        assert got is not None
        ref = _moments._numpy_sparse_stats(X, None, X.tocoo())
        for name in ("mean", "m2", "lo", "hi", "unit"):
            np.testing.assert_array_equal(getattr(got, name), getattr(ref, name))
        mean, std, lo, hi = _reference(X)
        got_mean, got_std = got.moments()
        np.testing.assert_allclose(got_mean, mean, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(got_std, std, rtol=1e-9, atol=1e-300)
        np.testing.assert_array_equal(got.lo, lo)
        np.testing.assert_array_equal(got.hi, hi)
        if with_gradient:
            expect = np.append(X.T @ r0, r0.sum())
            np.testing.assert_allclose(got.grad0, expect, rtol=1e-12, atol=1e-12)
        else:
            assert got.grad0 is None
