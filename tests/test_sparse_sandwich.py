"""The compiled CSR sandwich ``Xᵀ D X`` (``_fused.csr_sandwich``) on the row kinds
its loop treats separately: canonical rows of values all 1 (one-hot, binary
features: no products), canonical rows of other values, and rows of more than
128 stored values (the general loop). The reference is numpy's dense product
in float64."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import _kernels as K

pytestmark = pytest.mark.skipif(
    K.compiled_kernel() is None, reason="the compiled kernel is not built"
)


def _check(X: sp.csr_matrix, d: np.ndarray) -> None:
    A = np.asarray(X.toarray(), dtype=np.float64)
    assert K._compiled_sandwich(X, d) is not None
    H, hd, _ = K.hessian_sums(X, d)
    np.testing.assert_allclose(H, A.T @ (A * d[:, None]), rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_allclose(hd, A.T @ d, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_and_mixed_rows(dtype):
    rng = np.random.default_rng(3)
    X = sp.random(600, 40, density=0.2, format="csr", random_state=4, dtype=dtype)
    X.data[:] = 1.0
    X.data[X.indptr[1::3][:-1]] = 2.5  # every third row has one value other than 1
    _check(X, rng.random(600))


def test_rows_longer_than_the_local_buffer():
    rng = np.random.default_rng(5)
    X = sp.random(50, 400, density=0.5, format="csr", random_state=6)  # ~200 a row
    assert np.diff(X.indptr).max() > 128
    X.data[: X.indptr[10]] = 1.0  # binary long rows too
    _check(X, rng.random(50))
